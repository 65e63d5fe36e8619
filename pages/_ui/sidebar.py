"""The shared sidebar: the filters (bound to the URL) and the line that says what is shown.

The widgets are bound to query parameters named as in :mod:`registry_core.filters`, so a
filtered view is a shareable link.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from pages._ui import banner, safe
from pages._ui.display import human_age, store_label
from pages._ui.loaders import filter_count, view_summary
from pages._ui.signin import user_email
from pages._ui.startup import Boot
from registry_core.filters import (
    PARAM_AVAILABLE,
    PARAM_FEATURE,
    PARAM_PROVIDER,
    PARAM_SEARCH,
    PARAM_SORT,
    PARAM_STATUS,
    PARAM_USED_BY,
    SORT_LABELS,
    RegistryFilter,
)
from registry_core.records import FEATURE_OPTIONS, STATUS_OPTIONS


def provider_options(b: Boot) -> list[str]:
    known = list(b.settings.providers) if b.settings else []
    if b.ok:
        with contextlib.suppress(Exception):
            known += view_summary(b).provider_ids
    return list(dict.fromkeys(known))


def sidebar_filters(b: Boot) -> RegistryFilter:
    """The shared filters; bound to the URL so a filtered view is a shareable link."""
    sb = st.sidebar
    sb.multiselect("Provider", provider_options(b), key=PARAM_PROVIDER, bind="query-params")
    sb.multiselect("Status", list(STATUS_OPTIONS), key=PARAM_STATUS, bind="query-params")
    sb.multiselect(
        "Features",
        list(FEATURE_OPTIONS),
        key=PARAM_FEATURE,
        bind="query-params",
        help="Models must have every feature chosen.",
    )
    sb.text_input("Search", key=PARAM_SEARCH, bind="query-params", placeholder="gpt-4o, sonnet…")
    sb.toggle("Available only", key=PARAM_AVAILABLE, bind="query-params")
    sb.text_input(
        "Used by",
        key=PARAM_USED_BY,
        bind="query-params",
        placeholder="team or service",
        help="Models whose Used By names any of these (separate names with commas).",
    )
    sb.selectbox("Sort", list(SORT_LABELS), key=PARAM_SORT, bind="query-params")
    return current_filter()


def current_filter() -> RegistryFilter:
    """The filter the sidebar widgets hold in this run."""
    state = st.session_state
    return RegistryFilter.from_query_params(
        {
            PARAM_PROVIDER: list(state.get(PARAM_PROVIDER) or []),
            PARAM_STATUS: list(state.get(PARAM_STATUS) or []),
            PARAM_FEATURE: list(state.get(PARAM_FEATURE) or []),
            PARAM_SEARCH: str(state.get(PARAM_SEARCH) or ""),
            PARAM_AVAILABLE: "true" if state.get(PARAM_AVAILABLE) else "",
            PARAM_SORT: str(state.get(PARAM_SORT) or "provider"),
            PARAM_USED_BY: str(state.get(PARAM_USED_BY) or ""),
        }
    )


def sidebar_status(b: Boot, flt: RegistryFilter) -> None:
    """The one-line description of the filters, the active store and the data's age."""
    if not b.ok:
        return
    try:
        view = view_summary(b)
        shown = filter_count(b, flt)
    except Exception:
        st.sidebar.caption(safe.md("Store: {} — unreadable", store_label(b)))
        return
    st.sidebar.caption(safe.text(flt.describe(shown)))
    st.sidebar.caption(
        safe.md(
            "Store: **{}** · data {} · served from {}",
            store_label(b),
            human_age(view.age_s()),
            banner.served_label(b, view.tier),
        )
    )
    who = user_email()
    if who:
        st.sidebar.caption(safe.md("Signed in as {}", who))
        st.sidebar.button("Sign out", on_click=st.logout)
