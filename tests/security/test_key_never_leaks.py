"""After a full run with a known fake key — good listings, a provider that echoes the key back in
its error bodies and inside model ids and fields, both stores, the CSV export, the dashboard over HTTP — the key string appears
nowhere: not in the SQLite file, the snapshot, the stand-in's records or logged request bodies,
history, runs, log records, exception strings, the CSV, or the pages."""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from functools import partial
from pathlib import Path

import httpx
import pytest

from registry_core.config import Settings
from registry_core.export import EXPORT_COLUMNS, records_to_csv
from registry_core.http import HTTPPolicy
from registry_core.providers.discovery import discover_provider
from registry_core.service import ModelRegistryService
from registry_core.stores.airtable import AirtableStore
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn
from registry_standins.fake_providers import FakeProviderServer, Fault

from .conftest import KEY, leaks, new_base_id, table_specs

FAST = HTTPPolicy(timeout_s=2.0, backoff_base_s=0.01, backoff_max_s=0.02)


#: Provider answers that put the key right back into what we read.
def echoes() -> list[Fault]:
    return [
        Fault(
            status=401,
            body={
                "error": {
                    "message": f"Incorrect API key provided: {KEY}.",
                    "code": "invalid_api_key",
                }
            },
            times=1,
        ),
        Fault(status=500, body={"error": {"message": f"upstream failed for key {KEY}"}}, times=3),
        Fault(status=200, body=f"<html>key={KEY}</html>", times=1),
        Fault(status=400, body=f"bad request: Authorization: Bearer {KEY}", times=1),
        Fault(
            status=429,
            body={"error": {"message": f"{KEY} is over quota", "type": "insufficient_quota"}},
            times=1,
        ),
    ]


def _full_run(svc: ModelRegistryService, fake: FakeProviderServer) -> list[str]:
    """Every path that touches the key; returns the strings a caller could have seen."""
    seen: list[str] = []
    answer = svc.get_available_models("openai")
    assert answer.tier == "api", answer.warnings
    seen += answer.warnings
    for fault in echoes():
        fake.inject("openai", fault)
        failed = svc.get_available_models("openai", force_refresh=True)
        assert failed.tier != "api", failed.warnings
        seen += failed.warnings
        assert failed.run is not None and failed.run.error is not None
        seen += [str(failed.run.error), repr(failed.run.error), failed.run.message]
        seen += [str(failed.run.error.hint), str(failed.run.error.args)]
        fake.clear_faults()
    # a listing that echoes the key inside model data: the id one is refused, the rest redacted
    fake.add_model("openai", f"ft:gpt-4o-mini:{KEY}")
    fake.add_model("openai", "gpt-echo", owned_by=KEY.swapcase())
    echoed = svc.get_available_models("openai", force_refresh=True)
    assert echoed.tier == "api", echoed.warnings
    assert "gpt-echo" in {r.model_id for r in echoed.records}
    seen += echoed.warnings + [repr(r) for r in echoed.records]
    # the key passed explicitly, and a wrong one, through the façade
    seen += svc.get_available_models("openai", api_key=KEY, force_refresh=True).warnings
    for report in svc.discover(["openai"]):
        seen += [report.message, *report.warnings, repr(report)]
    seen += [repr(svc.settings), repr(svc.credentials()), repr(svc.store)]
    seen += [str(e) for e in svc.history()] + [str(r) for r in svc.runs(limit=500)]
    seen.append(records_to_csv(svc.list_models().records, list(EXPORT_COLUMNS)))
    seen.append(str(svc.get_recommended_model("openai")))
    return seen


@pytest.fixture
def settings(tmp_path: Path, fake: FakeProviderServer) -> Settings:
    return Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=("openai",),
        cache_key_secret="security-test",
        env=fake.env(("openai",)),
    )


def test_key_never_stored_logged_or_shown_sqlite(
    settings: Settings, fake: FakeProviderServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert settings.env["OPENAI_API_KEY"] == KEY
    store = SQLiteStore(settings.db_path)
    svc = ModelRegistryService.from_settings(
        settings, store=store, discover=partial(discover_provider, policy=FAST)
    )
    seen = _full_run(svc, fake)
    store.close()
    _assert_clean(seen, caplog, settings.data_dir)


def test_key_never_stored_logged_or_shown_airtable(
    settings: Settings,
    fake: FakeProviderServer,
    standin: AirtableStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    base = new_base_id()
    standin.add_base(base, table_specs())
    standin.reset_log()
    store = AirtableStore(
        DEFAULT_TOKEN, base, endpoint_url=standin.url, requests_per_second=500.0, lockout_s=0.3
    )
    svc = ModelRegistryService.from_settings(
        replace(settings, db_path=settings.data_dir / "unused.db"),
        store=store,
        discover=partial(discover_provider, policy=FAST),
    )
    seen = _full_run(svc, fake)
    store.close()
    # the stand-in's own tables, and every request body it received
    for table in ("AI Model Registry", "AI Model History", "AI Model Discovery Runs"):
        assert not leaks(str(standin.records(base, table))), table
    assert not leaks(str([(r.path, r.query, r.body) for r in standin.request_log]))
    _assert_clean(seen, caplog, settings.data_dir)


def _assert_clean(seen: list[str], caplog: pytest.LogCaptureFixture, data_dir: Path) -> None:
    found = [s for s in seen if leaks(s)]
    assert not found, found[:3]
    formatter = logging.Formatter("%(name)s %(message)s")
    logged = [formatter.format(r) for r in caplog.records]
    assert logged, "the run logged nothing at all; the log check would prove nothing"
    assert not [line for line in logged if leaks(line)]
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert files, "no data files written"
    for path in files:  # the SQLite file and its WAL, the snapshot, anything else
        assert not leaks(path.read_bytes()), path.name


@pytest.mark.slow
def test_key_never_on_any_page_of_the_running_dashboard(
    tmp_path: Path, fake: FakeProviderServer
) -> None:
    from load.streamlit_client import Session, StreamlitServer

    # a registry with runs (one failed with the key echoed back) for the pages to show
    settings = Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=("openai",),
        env=fake.env(("openai",)),
    )
    store = SQLiteStore(settings.db_path)
    svc = ModelRegistryService.from_settings(
        settings, store=store, discover=partial(discover_provider, policy=FAST)
    )
    _full_run(svc, fake)
    store.close()

    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env.update({"REGISTRY_DATA_DIR": str(tmp_path), "REGISTRY_PROVIDERS": "openai"})
    env.update(fake.env(("openai",)))
    assert env["OPENAI_API_KEY"] == KEY
    log_path = tmp_path / "streamlit.log"
    texts: list[str] = []
    with StreamlitServer(env, log_path=log_path) as app:
        session = Session(app.url)
        first = session.run()
        assert not first.exceptions, first.exceptions
        texts.append(first.text)
        for page in ("model", "discover", "history", "deprecations", "costs", "status"):
            run = session.run(page)
            assert not run.exceptions, (page, run.exceptions)
            texts.append(run.text)
        session.close()
        texts.append(httpx.get(app.url + "/").text)
        texts.append(httpx.get(app.url + "/status").text)
    shown = "\n".join(texts)
    assert "openai" in shown.lower() and "Last discovery runs" in shown  # the pages rendered
    assert not leaks(shown)
    assert not leaks(log_path.read_bytes())
