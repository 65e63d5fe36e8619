"""Driving the dashboard's pages: load, wait for Streamlit to settle, read captions, screenshot.

Streamlit renders over a websocket, so nothing here sleeps: it waits for the app's
``data-test-script-state`` to settle, for skeletons and stale elements to go, and for charts to
draw marks. Data grids are canvases (glide-data-grid), so tests read the captions and counts the
pages write, the URL and downloaded files, never grid cells.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from registry_core.filters import RegistryFilter

from .stack import Dashboard

CHROMIUM = Path("/usr/bin/chromium")
#: Without the background-networking flags chromium dials out at start and the closed network
#: refuses it; the rest keep it quiet and headless.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1440, "height": 900}
ROOT = Path(__file__).resolve().parents[2]
#: Where screenshots go: a temporary folder, unless REGISTRY_SCREENSHOTS_DIR names one
#: (``make screenshots`` points it at tests/browser/screenshots/, the README's pictures), so a
#: plain test run never rewrites tracked files.
SCREENSHOTS = Path(
    os.environ.get("REGISTRY_SCREENSHOTS_DIR")
    or Path(tempfile.gettempdir()) / "registry-screenshots"
)

#: Generous: the first script run of a page imports pandas/altair and reads the registry.
LOAD_TIMEOUT_MS = 45_000

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stVegaLiteChart"]'


def url_for(dashboard: Dashboard, path: str = "", params: Mapping[str, Any] | None = None) -> str:
    query = urlencode(params or {}, doseq=True)
    return f"{dashboard.url}/{path}" + (f"?{query}" if query else "")


def open_page(
    page: Any, dashboard: Dashboard, path: str = "", params: Mapping[str, Any] | None = None
) -> None:
    """Load a page and wait until its script has run and its placeholders are gone."""
    page.goto(url_for(dashboard, path, params))
    wait_idle(page)


def wait_idle(page: Any, timeout_ms: int = LOAD_TIMEOUT_MS) -> None:
    """Wait until the script run is over, nothing is stale and no skeleton is left.

    Streamlit fades elements of the previous run (``stale``) while a rerun is pending and shows
    skeletons before the first elements arrive.
    """
    page.wait_for_selector(IDLE, timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.dataset.testScriptState !== 'notRunning') return false;
            if (app.dataset.testConnectionState !== 'CONNECTED') return false;
            if (document.querySelector('[data-testid="stSkeleton"]')) return false;
            if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
            return !document.querySelector('[data-stale="true"]');
        }""",
        timeout=timeout_ms,
    )


def wait_charts_drawn(page: Any, timeout_ms: int = LOAD_TIMEOUT_MS) -> int:
    """Wait until every Vega-Lite chart on the page has drawn marks; return how many there are."""
    page.wait_for_function(
        """(sel) => [...document.querySelectorAll(sel)].every(
            (c) => c.querySelector('svg.marks .mark-group, canvas.marks'))""",
        arg=CHART,
        timeout=timeout_ms,
    )
    return int(page.locator(CHART).count())


def current_filter(page: Any) -> RegistryFilter:
    """The filter the page's URL describes, parsed as the product parses it."""
    return RegistryFilter.from_query_params(parse_qs(urlsplit(page.url).query))


def query_params(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def main_caption(page: Any, starts_with: str, timeout_ms: int = 15_000) -> str:
    """Wait for a caption in the main area that starts with ``starts_with``; return its text.

    After a widget changes, the URL moves at once but the rerun that redraws the captions
    comes a moment later: waiting for the expected text is what makes the check race-free.
    """
    captions = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]')
    wanted = captions.filter(has_text=re.compile("^" + re.escape(starts_with)))
    try:
        wanted.first.wait_for(timeout=timeout_ms)
    except Exception as exc:
        raise AssertionError(
            f"no caption starting {starts_with!r}; captions: {captions.all_inner_texts()}"
        ) from exc
    return str(wanted.first.inner_text()).strip()


def full_page_screenshot(page: Any, name: str) -> Path:
    """Save ``<SCREENSHOTS>/<name>.png`` showing the whole page, not only the first screen.

    Streamlit scrolls inside ``stMain``, so a plain full-page capture stops at the viewport:
    grow the viewport to the content's height, let the charts redraw, capture, restore.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert page.locator('[role="dialog"]').count() == 0, "a dialog is open over the page"
    height = int(
        page.evaluate(
            """() => {
                const main = document.querySelector('[data-testid="stMain"]');
                const side = document.querySelector('[data-testid="stSidebarContent"]');
                return Math.max(main ? main.scrollHeight : 0, side ? side.scrollHeight : 0);
            }"""
        )
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
    try:
        wait_idle(page)
        wait_charts_drawn(page)
        page.evaluate("() => document.fonts.ready")
        target = SCREENSHOTS / f"{name}.png"
        tmp = target.with_suffix(".tmp.png")
        page.screenshot(path=str(tmp), full_page=True, animations="disabled")
        _assert_not_dimmed(tmp)
        shutil.move(tmp, target)
        return target
    finally:
        page.set_viewport_size(VIEWPORT)


def _assert_not_dimmed(path: Path) -> None:
    """The main area's background is white: no modal backdrop or stale fade over the page."""
    from PIL import Image  # Streamlit's own dependency

    with Image.open(path) as image:
        corner = image.convert("RGB").getpixel((image.width - 8, 8))
    assert corner == (255, 255, 255), f"{path.name}: the page looks dimmed (corner {corner})"
