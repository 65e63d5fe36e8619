"""Shared test set-up.

Under ``CI=true`` a skipped browser test is a failure: CI installs chromium, so a skip there
means the browser tests silently stopped running. The same goes for a skipped PostgreSQL test
(marked ``postgres``): CI starts the local server, so a skip there means it is not reachable.
"""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("CI", "").lower() == "true"
        and report.skipped
        and (kind := _ci_required(item)) is not None
    ):
        report.outcome = "failed"
        report.longrepr = f"{kind} test skipped under CI=true: {report.longrepr}"


def _ci_required(item: pytest.Item) -> str | None:
    """The kind of test CI must never skip (``browser`` / ``PostgreSQL``), if ``item`` is one."""
    if item.get_closest_marker("browser") is not None:
        return "browser"
    if item.get_closest_marker("postgres") is not None:
        return "PostgreSQL"
    return None


@pytest.fixture(autouse=True)
def _isolated_registry(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never let a test read or write the developer's own .registry/ or real credentials."""
    data = tmp_path_factory.mktemp("registry-data")
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(data))
    monkeypatch.delenv("REGISTRY_DB_PATH", raising=False)
    monkeypatch.delenv("REGISTRY_SNAPSHOT_PATH", raising=False)
    for name in list(os.environ):
        if name.endswith("_API_KEY") or name.startswith(("AIRTABLE_", "REGISTRY_CREDENTIAL__")):
            monkeypatch.delenv(name, raising=False)
    for name in ("CO_API_KEY", "AZURE_OPENAI_ENDPOINT", "OLLAMA_HOST", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    yield
