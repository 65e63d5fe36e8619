"""Browser fixtures: one stack (stand-in + fake providers + ``streamlit run``) and one chromium.

Package-scoped, not session-scoped: Playwright's sync API keeps an event loop running in the main
thread while it lives, which would break every later test that calls ``asyncio.run``.

Debian's chromium drives the pages through Playwright; nothing is downloaded. Tests skip only
when ``/usr/bin/chromium`` is absent, and under ``CI=true`` the top-level conftest turns that
skip into a failure.

Streamlit renders over a websocket: tests wait for elements and for the app's
``data-test-script-state`` to settle, never for fixed times.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browsing import CHROMIUM, CHROMIUM_ARGS, LOAD_TIMEOUT_MS, VIEWPORT
from .stack import (
    Backends,
    Dashboard,
    populate,
    start_backends,
    start_dashboard,
)


@pytest.fixture(scope="package")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    return CHROMIUM


@pytest.fixture(scope="package")
def backends(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backends]:
    """The Airtable stand-in (tables set up) and the fake providers, with two months of registry history."""
    data_dir = tmp_path_factory.mktemp("browser-registry")
    stack = start_backends(data_dir)
    try:
        populate(stack)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="package")
def dashboard(backends: Backends, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """``streamlit run app.py`` on a free port, pointed at the backends; killed at the end."""
    log_path = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    running = start_dashboard(backends.env, log_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="package")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    if call.when == "call" and outcome.get_result().failed:
        item.stash[_FAILED] = True


@pytest.fixture
def page(
    browser: Any,
    dashboard: Dashboard,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """A fresh browser context (own session, own downloads) at the README's viewport.

    When the test fails, the page as it was is saved next to the temporary files and the
    dashboard's log tail is printed, so a failure says what the browser saw.
    """
    context = browser.new_context(
        viewport=VIEWPORT, accept_downloads=True, color_scheme="light", locale="en-US"
    )
    context.set_default_timeout(LOAD_TIMEOUT_MS)
    tab = context.new_page()
    try:
        yield tab
        if request.node.stash.get(_FAILED, False):
            shot = tmp_path_factory.getbasetemp() / f"failed-{request.node.name}.png"
            tab.screenshot(path=str(shot), full_page=True)
            print(f"\nbrowser saw: {shot} at {tab.url}\nstreamlit log:\n{dashboard.log_tail(2000)}")
    finally:
        context.close()
