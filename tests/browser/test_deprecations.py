"""The Deprecations page draws its timeline from the registry's dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .browsing import CHART, open_page, wait_charts_drawn
from .stack import LIFECYCLE, Dashboard

pytestmark = pytest.mark.browser


def _vega_day(days_from_today: int) -> str:
    # how Vega's tooltips/aria labels write a date: "Dec 05, 2026"
    day = datetime.now(UTC).date() + timedelta(days=days_from_today)
    return day.strftime("%b %d, %Y")


def test_timeline_draws_a_bar_per_phase_ending_on_the_registry_dates(
    page: Any, dashboard: Dashboard
) -> None:
    # the bundled lifecycle dataset dates hundreds of models: narrow the view to each one
    for (provider_id, model_id), (_, retirement, _) in LIFECYCLE.items():
        open_page(page, dashboard, "deprecations", {"provider": provider_id, "q": model_id})
        page.get_by_role("heading", name="Timeline").wait_for()
        assert wait_charts_drawn(page) >= 1
        timeline = page.locator(CHART).last
        assert timeline.locator("svg.marks").count() == 1, "the chart is drawn as SVG"
        bars = timeline.locator('.mark-rect path[aria-roledescription="bar"]')
        labels = [bars.nth(i).get_attribute("aria-label") or "" for i in range(bars.count())]
        mine = [label for label in labels if f"Model: {provider_id}/{model_id};" in label]
        assert mine, f"no bar for {provider_id}/{model_id} in {labels}"
        # the last phase of each model ends on the retirement date people typed in
        assert any(f"End: {_vega_day(retirement)};" in label for label in mine), mine
        # the dashed "today" rule
        today = timeline.locator('.mark-rule [aria-roledescription="rule mark"]')
        assert today.count() == 1
        assert f"Today: {_vega_day(0)}" in (today.get_attribute("aria-label") or "")
        page.get_by_text("the dashed line is today").wait_for()


def test_coming_up_lists_what_goes_within_the_chosen_window(
    page: Any, dashboard: Dashboard
) -> None:
    open_page(page, dashboard, "deprecations")
    # Recommended gpt-4o-mini retires in 25 days: it is at risk, listed first with its successor
    page.get_by_role("heading", name="At risk").wait_for()
    assert page.get_by_text("No Recommended or Used By model is deprecated").count() == 0
    # within the window: gpt-4o-mini retires (25), gemini-2.5-flash is deprecated (10)
    page.get_by_role("heading", name="Going away").wait_for()
    assert page.get_by_text("Nothing is deprecated or retired within").count() == 0
