"""Discover now lists a provider live; the model only it has shows up in Browse and History."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from registry_core.filters import RegistryFilter

from .browsing import CHART, main_caption, open_page, wait_charts_drawn, wait_idle
from .stack import Backends, Dashboard

pytestmark = pytest.mark.browser

DISCOVERY_TIMEOUT_MS = 60_000


def test_discover_now_adds_a_model_only_the_provider_has(
    page: Any, dashboard: Dashboard, backends: Backends
) -> None:
    model_id = f"gpt-browser-{uuid.uuid4().hex[:10]}"
    assert model_id not in {r.model_id for r in backends.records()}
    backends.fake.add_model("openai", model_id)
    listings_before = backends.fake.request_count("openai", "/models")

    open_page(page, dashboard, "discover")
    page.get_by_role("button", name="OpenAI", exact=True).click()
    page.get_by_text("Discovery finished", exact=False).wait_for(timeout=DISCOVERY_TIMEOUT_MS)
    wait_idle(page, DISCOVERY_TIMEOUT_MS)
    assert backends.fake.request_count("openai", "/models") > listings_before, (
        "the dashboard asked the provider, it did not answer from a cache"
    )
    changes = page.get_by_text(
        re.compile(r"^Changes for OpenAI \([^)]*default\): 1 added, 0 removed")
    )
    changes.wait_for()
    assert page.locator("code", has_text=model_id).count() >= 1

    # it is in the registry, as registry_core reads it
    added = [r for r in backends.records() if r.model_id == model_id]
    assert [(r.provider_id, r.available) for r in added] == [("openai", True)]

    # Browse shows it
    open_page(page, dashboard, "", {"q": model_id})
    flt = RegistryFilter(search=model_id)
    main_caption(page, f"{flt.describe(1)} (of ")

    # History draws its availability interval and lists its "added" event
    open_page(page, dashboard, "history", {"provider": "openai"})
    wait_charts_drawn(page)
    bar = page.locator(
        f'{CHART} path[aria-roledescription="bar"][aria-label*="model: openai/{model_id};"]'
    )
    assert bar.count() == 1, "one availability bar for the new model"
    assert "availability: available now" in (bar.get_attribute("aria-label") or "")
    model_box = page.get_by_label("Model contains")
    model_box.fill(model_id)
    model_box.press("Enter")
    events = backends.events("openai", model_id)
    assert events and {e.kind for e in events} >= {"added"}
    caption = page.get_by_text(re.compile(rf"^{len(events)} of [\d,]+ events$"))
    caption.wait_for()
