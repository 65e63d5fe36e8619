"""A deep link as the very first request after a start still gets the whole app.

A ``pages/`` folder keeps Streamlit in its legacy multipage mode until ``app.py`` first calls
``st.navigation``; without the routing guard in ``pages/_ui`` such a first request would run the
page alone, with Streamlit's raw file listing for navigation and no sidebar filters.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from .browsing import VIEWPORT, url_for, wait_idle
from .stack import start_dashboard


@pytest.mark.browser
def test_first_request_to_a_deep_link_shows_navigation_and_sidebar(
    browser: Any, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRTABLE_", "REGISTRY_"))}
    env["REGISTRY_DATA_DIR"] = str(tmp_path / "data")
    fresh = start_dashboard(env, tmp_path / "streamlit.log")  # the embedded default, no keys
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    try:
        page = context.new_page()
        page.goto(url_for(fresh, "costs", None))  # the process's first script run
        wait_idle(page)
        page.get_by_role("heading", name="Costs").wait_for()
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Browse" in nav and "Deprecations" in nav
        assert "_ui" not in nav and "app" not in nav.lower().split()
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert "Provider" in sidebar and "Store:" in sidebar
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
        fresh.stop()
