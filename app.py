"""AI Model Registry dashboard: page config, the navigation table and the shared sidebar.

Run with ``streamlit run app.py``. Nothing here may raise before ``st.navigation`` runs: a broken
configuration shows an error on the page (otherwise Streamlit would fall back to listing the raw
files of ``pages/``). The chosen page runs inside ``ui.routed()``: a page that Streamlit starts
without this file (its legacy multipage mode, before the first ``st.navigation`` of a process)
runs this file instead, so no page ever shows without the sidebar.
"""

from __future__ import annotations

from types import ModuleType

import streamlit as st

st.set_page_config(page_title="AI Model Registry", page_icon=":material/hub:", layout="wide")

ui: ModuleType | None
try:
    from pages import _ui as ui
except Exception as exc:  # a broken install; still show the navigation and say so
    ui = None
    _import_error: str | None = f"The dashboard could not load its modules ({type(exc).__name__})."
else:
    _import_error = None

if ui is None:
    st.navigation([st.Page(lambda: None, title="Error", url_path="error")])
    st.error(_import_error or "The dashboard could not start.")
    st.stop()

# a secrets file that cannot be read stops every page: treating it as "no secrets" would also
# mean "no [auth]", and sign-in would switch itself off
secrets_error = ui.secrets_problem()
if secrets_error:
    st.navigation(ui.navigation_pages())
    st.error(
        ui.safe.md("The configuration cannot be read: {}.", secrets_error)
        + " The dashboard stays closed until `.streamlit/secrets.toml` is fixed.",
        icon=":material/lock:",
    )
    st.stop()

if ui.auth_configured() and not ui.logged_in():
    st.navigation([st.Page(ui.login_page, title="Sign in", url_path="signin")]).run()
    st.stop()

page = st.navigation(ui.navigation_pages())

boot = ui.boot()
if boot.error:
    st.error(ui.safe.text(boot.error), icon=":material/error:")
    st.caption("The Status page lists each tier and the command that fixes it.")

try:
    active_filter = ui.sidebar_filters(boot, page.url_path)
    ui.sidebar_status(boot, active_filter, page.url_path)
except Exception as exc:  # the sidebar must never take a page down
    st.sidebar.warning(f"Filters unavailable ({type(exc).__name__}).")

ui.banner.show(boot)  # what is down, what is served instead, how old: on every page

with ui.routed():
    page.run()
