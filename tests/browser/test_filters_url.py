"""The sidebar filters live in the URL: a filtered view is a link that survives a reload."""

from __future__ import annotations

from typing import Any

import pytest

from registry_core.filters import RegistryFilter

from .browsing import current_filter, main_caption, open_page, query_params, wait_idle
from .stack import Backends, Dashboard

pytestmark = pytest.mark.browser


def _sidebar(page: Any) -> Any:
    return page.locator('[data-testid="stSidebar"]')


def _multiselect(page: Any, label: str) -> Any:
    return _sidebar(page).locator('[data-testid="stMultiSelect"]').filter(has_text=label)


def _selected(page: Any, label: str) -> list[str]:
    """The values the sidebar multiselect labelled ``label`` shows as chosen."""
    tags = _multiselect(page, label).locator("[data-tag]")
    return [t.strip() for t in tags.all_inner_texts()]


def _choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar multiselect labelled ``label``."""
    _multiselect(page, label).locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def _expected_caption(backends: Backends, flt: RegistryFilter) -> str:
    records = backends.records()
    return f"{flt.describe(len(flt.apply(records)))} (of {len(records):,})"


def test_sidebar_filter_goes_into_the_url_and_survives_a_reload(
    page: Any, dashboard: Dashboard, backends: Backends
) -> None:
    open_page(page, dashboard)
    main_caption(page, _expected_caption(backends, RegistryFilter()))

    _choose(page, "Provider", "Anthropic")  # options read as words; the URL keeps the id
    page.wait_for_url("**provider=anthropic**")
    _choose(page, "Status", "Deprecated")
    page.wait_for_url("**status=deprecated**")
    search = _sidebar(page).get_by_label("Search")
    search.fill("haiku")
    search.press("Enter")
    page.wait_for_url("**q=haiku**")
    wait_idle(page)

    params = query_params(page)
    assert params["provider"] == ["anthropic"]
    assert params["status"] == ["deprecated"]
    assert params["q"] == ["haiku"]
    flt = current_filter(page)
    assert flt == RegistryFilter(providers=("anthropic",), statuses=("deprecated",), search="haiku")
    expected = _expected_caption(backends, flt)
    assert expected.startswith('1 deprecated model from Anthropic matching "haiku"'), expected
    main_caption(page, expected)

    url = page.url
    page.reload()
    wait_idle(page)
    assert page.url == url
    assert current_filter(page) == flt
    main_caption(page, expected)
    sidebar = _sidebar(page)
    assert sidebar.get_by_label("Search").input_value() == "haiku"
    assert _selected(page, "Provider") == ["Anthropic"]
    assert _selected(page, "Status") == ["Deprecated"]


def test_a_shared_link_opens_with_its_filters_applied(
    page: Any, dashboard: Dashboard, backends: Backends
) -> None:
    params = {"provider": ["openai", "google"], "available": "true", "sort": "cheapest"}
    open_page(page, dashboard, "", params)
    flt = current_filter(page)
    assert flt.providers == ("openai", "google") and flt.available_only
    expected = _expected_caption(backends, flt)
    assert " available models from OpenAI and Google Gemini, " in expected
    main_caption(page, expected)
    # the widgets show what the link says, so the next change keeps the rest of the filter
    assert _selected(page, "Provider") == ["OpenAI", "Google Gemini"]
    assert _sidebar(page).get_by_role("switch", name="Available only").is_checked()
