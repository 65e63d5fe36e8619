"""Browse, Model detail and Costs at 1440x900, as a reader sees them (and their screenshots).

The grids are canvases; glide-data-grid also keeps an accessible table of the cells it draws
(``role="gridcell"`` / ``role="columnheader"``), which is what these tests read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .browsing import LOAD_TIMEOUT_MS, full_page_screenshot, main_caption, open_page, wait_idle
from .stack import PROVIDERS, Backends, Dashboard, clean_environ, start_dashboard

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}
DECISION_HEADERS = ("Model", "Provider", "Badges", "Input $/1M", "Output $/1M", "Context")
RAW = re.compile(r"^(None|True|False|nan|NaN|<NA>|NaT|\[.*\])$")


def _grid(page: Any, index: int = 0) -> Any:
    return page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').nth(index)


def _headers(grid: Any) -> list[str]:
    grid.locator('[role="columnheader"]').first.wait_for(state="attached")
    return [t.strip() for t in grid.locator('[role="columnheader"]').all_text_contents()]


def _cells(grid: Any) -> list[str]:
    return [t.strip() for t in grid.locator('[role="gridcell"]').all_text_contents()]


def _scrolls_sideways(grid: Any) -> bool:
    """Whether the grid's columns are wider than the grid (some are off to the right)."""
    return bool(
        grid.evaluate(
            """(el) => [...el.querySelectorAll('*')].some(
                (d) => d.scrollWidth > d.clientWidth + 2
                    && ['auto', 'scroll'].includes(getComputedStyle(d).overflowX))"""
        )
    )


@pytest.fixture
def wide(page: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from . import browsing

    # full-page screenshots restore the package's viewport: at 1440 px for these
    monkeypatch.setitem(browsing.VIEWPORT, "width", WIDE["width"])
    page.set_viewport_size(WIDE)
    return page


def test_browse_puts_the_decision_columns_in_view_with_human_values(
    wide: Any, dashboard: Dashboard
) -> None:
    open_page(wide, dashboard)
    grid = _grid(wide)
    headers = _headers(grid)
    assert headers[: len(DECISION_HEADERS)] == list(DECISION_HEADERS), headers
    assert not _scrolls_sideways(grid), "columns are off to the right at 1440 px"
    cells = _cells(grid)
    assert cells, "the grid has cells"
    raw = [c for c in cells if RAW.match(c)]
    assert not raw, f"raw values in the table: {raw[:5]}"
    # fitted to the rows: a filtered table of a few rows is not a 600 px box
    open_page(wide, dashboard, "", {"q": "gpt-4o-mini"})
    shown = wide.locator('[data-testid="stMain"] [data-testid="stMetricValue"]').first
    rows = int(shown.inner_text().replace(",", ""))
    assert 0 < rows < 15, rows
    height = _grid(wide).bounding_box()["height"]
    assert height <= 35 * (rows + 1) + 12, (rows, height)
    assert wide.get_by_text("Nothing here has been verified yet").count() == 0  # discovered
    full_page_screenshot(wide, "browse-after-discovery")


def test_model_detail_unknown_model_keeps_the_address_and_says_so(
    wide: Any, dashboard: Dashboard
) -> None:
    open_page(wide, dashboard, "model", {"model": "openai/nope"})
    main = wide.locator('[data-testid="stMain"]')
    main.get_by_text("openai/nope is not in the registry.").wait_for()
    assert "model=openai%2Fnope" in wide.url or "model=openai/nope" in wide.url
    assert main.get_by_text("Choose a model above").count() == 0
    assert main.get_by_role("link", name=re.compile("Search Browse for")).count() == 1


def test_model_detail_fields_fit_and_read_as_words(wide: Any, dashboard: Dashboard) -> None:
    open_page(wide, dashboard, "model", {"model": "openai/gpt-4.1"})
    grid = _grid(wide)
    assert _headers(grid) == ["Field", "Value", "From"]
    cells = _cells(grid)
    assert "key" not in cells, "internal wording in From"
    assert not [c for c in cells if RAW.match(c)]
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", c) for c in cells), "numbers with separators"
    # every field is drawn: no rows hidden behind a scroll inside the grid
    rows = len(cells) // 3  # Field, Value, From
    assert rows > 12, "more fields than the grid's default height shows"
    assert grid.bounding_box()["height"] >= 35 * (rows + 1) - 2
    full_page_screenshot(wide, "model-detail")


def test_costs_csv_holds_the_rows_of_the_table(wide: Any, dashboard: Dashboard) -> None:
    open_page(wide, dashboard, "costs", {"provider": "anthropic"})
    caption = main_caption(wide, "The same ")
    shown = int(re.match(r"The same ([\d,]+) row", caption).group(1).replace(",", ""))
    button = wide.get_by_role("button", name=re.compile(r"Download CSV"))
    assert f"({shown:,} rows)" in button.inner_text()
    with wide.expect_download() as info:
        button.click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text())))
    assert len(rows) - 1 == shown
    assert not any("e-0" in cell for row in rows for cell in row), "scientific notation"
    assert {row[0] for row in rows[1:]} == {"Anthropic"}
    headers = _headers(_grid(wide))
    assert headers[:2] == ["Provider", "Model"]
    assert not [c for c in _cells(_grid(wide)) if RAW.match(c)]
    wait_idle(wide)
    full_page_screenshot(wide, "costs")


@pytest.fixture(scope="module")
def first_run(backends: Backends, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """A dashboard on a fresh SQLite registry: no keys, no Airtable, nothing verified."""
    data_dir = tmp_path_factory.mktemp("first-run")
    env = clean_environ(backends.env)
    env.update({"REGISTRY_DATA_DIR": str(data_dir), "REGISTRY_PROVIDERS": ",".join(PROVIDERS)})
    running = start_dashboard(env, tmp_path_factory.mktemp("first-run-log") / "streamlit.log")
    try:
        yield running
    finally:
        running.stop()


def test_first_run_panel_says_where_the_rows_came_from(wide: Any, first_run: Dashboard) -> None:
    open_page(wide, first_run)
    main = wide.locator('[data-testid="stMain"]')
    main.get_by_text("Nothing here has been verified yet").wait_for(timeout=LOAD_TIMEOUT_MS)
    assert main.get_by_text(re.compile("bundled reference catalog and lifecycle data")).count()
    assert main.get_by_role("link", name="Go to Discover").count() == 1
    # the filters are in the sidebar here, and not on Discover
    sidebar = wide.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Provider", exact=True).count() == 1
    full_page_screenshot(wide, "browse-first-run")
    open_page(wide, first_run, "discover")
    assert sidebar.locator('[data-testid="stMultiSelect"]').count() == 0
