# ruff: noqa: F811  (the fixtures of .fresh are parameters here)
"""Every page renders real content; each is saved as <page>.png (``make screenshots``: the README's pictures).

The state is a newcomer's: a fresh install (the catalog seed) and one "Discover all" against the
local fake providers, pressed on the Discover page, which is therefore shot first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from .browsing import CHART, full_page_screenshot, open_page, wait_charts_drawn, wait_idle
from .fresh import backends, dashboard  # noqa: F401  (fixtures: a fresh install)
from .stack import Dashboard

pytestmark = pytest.mark.browser


def _discover_all(page: Any) -> None:
    # the page is at its most telling with a finished run: progress, outcome, what changed
    page.get_by_role("button", name="Discover all").click()
    page.get_by_text("Discovery finished").wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"^Changes for ")).first.wait_for(timeout=60_000)
    wait_idle(page, 60_000)


@dataclass(frozen=True)
class Shot:
    path: str
    heading: str
    params: dict[str, Any] = field(default_factory=dict)
    charts: int = 0  # at least this many drawn charts
    grids: int = 0  # at least this many data grids
    then: Callable[[Any], None] | None = None


SHOTS = {
    "discover": Shot("discover", "Discover now", grids=1, then=_discover_all),  # first: see above
    "browse": Shot("", "AI models", grids=1),  # the default page lives at /
    "model": Shot("model", "GPT-4o mini", {"model": "openai/gpt-4o-mini"}, charts=1, grids=2),
    "history": Shot("history", "History", charts=3, grids=2),
    "deprecations": Shot("deprecations", "Deprecations", charts=1, grids=2),
    "costs": Shot("costs", "Costs", charts=1, grids=1),
    "status": Shot("status", "Status", grids=3),
}


@pytest.mark.parametrize("name", list(SHOTS))
def test_page_renders_and_is_screenshotted(page: Any, dashboard: Dashboard, name: str) -> None:
    shot = SHOTS[name]
    open_page(page, dashboard, shot.path, shot.params)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("heading", name=shot.heading, exact=False).first.wait_for()
    if shot.then is not None:
        shot.then(page)
    # a page that failed shows an error box, never a traceback; an unknown path, a dialog
    assert page.get_by_text("Page not found").count() == 0
    assert main.locator('[data-testid="stException"]').count() == 0
    assert main.locator('[data-testid="stAlertContentError"]').count() == 0
    if shot.charts:
        assert wait_charts_drawn(page) >= shot.charts
        assert page.locator(f"{CHART} svg.marks .role-mark").count() >= shot.charts
    assert main.locator('[data-testid="stDataFrame"]').count() >= shot.grids
    target = full_page_screenshot(page, name)
    assert target.stat().st_size > 20_000, "a real page, not a blank one"
