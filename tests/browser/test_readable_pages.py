# ruff: noqa: F811  (the fixtures of .fresh are parameters here)
"""Discover, History and Status at 1440x900 on a fresh install, as a newcomer sees them.

What a test can see: human values in the tables (no raw ``None``/``True``/``[``), a first
sighting counted as added only, time axes with dates and 24-hour UTC times, every column header
inside the grid (no horizontal scroll), the seeding as one line.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .browsing import CHART, open_page, wait_charts_drawn, wait_idle
from .fresh import backends, dashboard  # noqa: F401  (fixtures: a fresh install)
from .stack import PROVIDERS, Backends, Dashboard

pytestmark = pytest.mark.browser

GRID = '[data-testid="stDataFrame"]'
RAW = re.compile(r"^(None|True|False|nan|NaT)$|^\[")
AXIS_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


def grid(page: Any, index: int | Any) -> Any:
    """A grid (by index, or a locator), scrolled into view and drawn (a grid below the fold has
    no cells yet)."""
    found = page.locator(GRID).nth(index) if isinstance(index, int) else index
    found.scroll_into_view_if_needed()
    found.locator('th[role="columnheader"]').first.wait_for(state="attached")
    return found


def grid_cells(page: Any, index: int | Any) -> list[str]:
    """The text of a grid's cells (its accessible table mirrors the canvas)."""
    cells = grid(page, index).locator('td[role="gridcell"]')
    return cells.evaluate_all("cells => cells.map(c => c.textContent)")


def headers(page: Any, index: int | Any) -> list[str]:
    return grid(page, index).locator('th[role="columnheader"]').all_text_contents()


FITS = "e => { const s = e.querySelector('.dvn-scroller'); return !s || s.scrollWidth <= s.clientWidth + 1 }"


def fits(page: Any, index: int | Any) -> bool:
    """No column is off to the right: the grid's scroller is not wider than its box."""
    return bool(grid(page, index).evaluate(FITS))


def discover(page: Any, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text("Discovery finished").wait_for(timeout=60_000)
    # the page draws itself again after a run that changed the registry: wait for its result
    page.get_by_text(re.compile(r"^Changes for ")).first.wait_for(timeout=60_000)
    wait_idle(page, 60_000)


def test_discover_counts_first_sightings_as_added_and_shows_human_values(
    page: Any,
    dashboard: Dashboard,
    backends: Backends,
) -> None:
    open_page(page, dashboard, "discover")
    discover(page, "Discover all")
    labels = page.get_by_text(re.compile(r"^Changes for ")).all_inner_texts()
    assert len(labels) == len(PROVIDERS), labels
    for label in labels:  # a catalog row seen for the first time is added, not also changed
        assert re.search(r": [1-9]\d* added, 0 removed, 0 changed$", label), label
    # the provider changes a limit and a capability: the table says so in people's words
    items = backends.fake.models("anthropic")
    first = dict(items[0])
    first["max_tokens"] = 32000
    first["capabilities"] = {"image_input": {"supported": False}}
    backends.fake.set_models("anthropic", [first, *items[1:]])
    discover(page, "Anthropic")
    changes = page.get_by_text(re.compile(r"^Changes for Anthropic .*[1-9]\d* changed$"))
    changes.wait_for()
    index = (
        page.locator('[data-testid="stExpander"]', has_text="Changes for Anthropic")
        .locator(GRID)
        .first
    )
    assert headers(page, index) == ["Model", "Field", "Old", "New"]
    cells = grid_cells(page, index)
    assert cells and not [c for c in cells if RAW.search(c)], cells
    assert "32,000" in cells
    assert fits(page, index)


def test_history_axes_are_dated_24_hour_utc_and_tables_fit(
    page: Any,
    dashboard: Dashboard,
) -> None:
    open_page(page, dashboard, "history")
    assert wait_charts_drawn(page) == 3
    labels = page.locator(f"{CHART} svg g.role-axis-label text").evaluate_all(
        "els => els.map(e => e.textContent)"
    )
    times = [t for t in labels if ":" in t]
    assert times and all(AXIS_TIME.match(t) for t in times), times  # no ".716", no "PM"
    models = [t for t in labels if "/" in t]
    assert len(models) == len(set(models)) >= 10  # every model row labelled
    assert page.get_by_text("Time (UTC)").count() >= 3
    assert page.get_by_text(re.compile(r"seeded from the bundled catalog")).count() == 1
    assert page.get_by_text("No discovery runs yet").count() == 0
    for index in range(page.locator(GRID).count()):
        assert fits(page, index), headers(page, index)
        assert not [c for c in grid_cells(page, index) if RAW.search(c)]
    assert "Message" in headers(page, 1) and "Credential" in headers(page, 1)
    log = grid_cells(page, 0)
    assert "seeded" not in log


def test_status_tables_fit_and_show_the_ttl(page: Any, dashboard: Dashboard) -> None:
    open_page(page, dashboard, "status")
    page.get_by_role("heading", name="Last discovery runs").wait_for()
    tiers = grid_cells(page, 0)
    assert any(c.startswith("TTL 1 h (REGISTRY_CACHE_TTL)") for c in tiers), tiers
    for index in range(page.locator(GRID).count()):
        assert fits(page, index), headers(page, index)
