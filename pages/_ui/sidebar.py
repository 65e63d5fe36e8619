"""The shared sidebar: the filters (bound to the URL) and the line that says what is shown.

The widgets are bound to query parameters named as in :mod:`registry_core.filters`, so a
filtered view is a shareable link.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

import streamlit as st

from pages._ui import banner, safe
from pages._ui.display import store_label
from pages._ui.loaders import filter_count, view_summary
from pages._ui.signin import user_email
from pages._ui.startup import Boot
from registry_core.cells import data_age
from registry_core.filters import (
    FILTER_PARAMS,
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
from registry_core.labels import option_label
from registry_core.records import FEATURE_OPTIONS, STATUS_OPTIONS


def provider_options(b: Boot) -> list[str]:
    known = list(b.settings.providers) if b.settings else []
    if b.ok:
        with contextlib.suppress(Exception):
            known += view_summary(b).provider_ids
    return list(dict.fromkeys(known))


#: Pages the sidebar filters apply to (by url path; ``""`` is Browse at ``/``). Discover,
#: Status and Model detail show every provider and model whatever the filter says, so the
#: filters are not drawn there.
FILTERED_PAGES: frozenset[str] = frozenset(
    {"", "home", "browse", "history", "deprecations", "costs"}
)


def filters_apply(url_path: str | None) -> bool:
    """Whether the page at ``url_path`` uses the sidebar filters (``None``: unknown, yes)."""
    return url_path is None or url_path in FILTERED_PAGES


def _labeller(kind: str) -> Callable[[str], str]:
    return lambda value: option_label(kind, value)


def sidebar_filters(b: Boot, url_path: str | None = None) -> RegistryFilter:
    """The shared filters, kept in the URL so a filtered view is a shareable link.

    Options read as words (``OpenAI``, ``Deprecated``, ``Cheapest first``) while the URL keeps
    the ids of :mod:`registry_core.filters` (``?provider=openai&sort=cheapest``): Streamlit's
    own binding would write the words into the URL, so the URL is read and written here.
    On a page the filters do not apply to (:func:`filters_apply`) nothing is drawn; the
    session's filter is kept (``persist_state``) and stays in the URL for the next page.
    """
    providers = provider_options(b)
    _seed_from_url(providers)
    if filters_apply(url_path):
        _draw_filters(providers)
    flt = current_filter()
    _write_url(flt)
    return flt


_SYNCED = "_sidebar_url"  # session key: the filter params this session last wrote to the URL


def _url_params() -> dict[str, list[str]]:
    params = st.query_params
    return {key: params.get_all(key) for key in FILTER_PARAMS if key in params}


def _seed_from_url(providers: Sequence[str]) -> None:
    """Take a filter param from the URL when it is not the one this session wrote there.

    That is a link opened in a new session, an edited address or the browser's Back button.
    A param missing from the URL changes nothing (a page switch drops the params).
    """
    state = st.session_state
    written: dict[str, list[str]] = state.get(_SYNCED) or {}
    url = _url_params()
    changed = {k: v for k, v in url.items() if v and v != written.get(k)}
    if not changed:
        return
    flt = RegistryFilter.from_query_params(changed)
    if PARAM_PROVIDER in changed:
        state[PARAM_PROVIDER] = [p for p in flt.providers if p in providers]
    if PARAM_STATUS in changed:
        state[PARAM_STATUS] = list(flt.statuses)
    if PARAM_FEATURE in changed:
        state[PARAM_FEATURE] = list(flt.features)
    if PARAM_SEARCH in changed:
        state[PARAM_SEARCH] = flt.search
    if PARAM_AVAILABLE in changed:
        state[PARAM_AVAILABLE] = flt.available_only
    if PARAM_SORT in changed:
        state[PARAM_SORT] = flt.sort
    if PARAM_USED_BY in changed:
        state[PARAM_USED_BY] = ", ".join(flt.used_by)


def _write_url(flt: RegistryFilter) -> None:
    wanted = {k: [v] if isinstance(v, str) else list(v) for k, v in flt.to_query_params().items()}
    used_by = str(st.session_state.get(PARAM_USED_BY) or "").strip()
    if used_by:
        wanted[PARAM_USED_BY] = [used_by]
    else:
        wanted.pop(PARAM_USED_BY, None)
    params = st.query_params
    current = _url_params()
    for key in FILTER_PARAMS:
        if key in wanted and current.get(key) != wanted[key]:
            params[key] = wanted[key]
        elif key not in wanted and key in current:
            del params[key]
    st.session_state[_SYNCED] = wanted


def _draw_filters(providers: Sequence[str]) -> None:
    sb = st.sidebar
    sb.multiselect(
        "Provider",
        providers,
        key=PARAM_PROVIDER,
        persist_state="session",
        format_func=_labeller("provider"),
    )
    sb.multiselect(
        "Status",
        list(STATUS_OPTIONS),
        key=PARAM_STATUS,
        persist_state="session",
        format_func=_labeller("status"),
    )
    sb.multiselect(
        "Features",
        list(FEATURE_OPTIONS),
        key=PARAM_FEATURE,
        persist_state="session",
        help="Models must have every feature chosen.",
        format_func=_labeller("feature"),
    )
    sb.text_input(
        "Search", key=PARAM_SEARCH, persist_state="session", placeholder="gpt-4o, sonnet…"
    )
    sb.toggle("Available only", key=PARAM_AVAILABLE, persist_state="session")
    sb.text_input(
        "Used by",
        key=PARAM_USED_BY,
        persist_state="session",
        placeholder="team or service",
        help="Models whose Used By names any of these (separate names with commas).",
    )
    sb.selectbox(
        "Sort",
        list(SORT_LABELS),
        key=PARAM_SORT,
        persist_state="session",
        format_func=_labeller("sort"),
    )


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


def sidebar_status(b: Boot, flt: RegistryFilter, url_path: str | None = None) -> None:
    """The one-line description of the filters, the active store and the data's age.

    The filter sentence is left out on pages the filters do not apply to.
    """
    if not b.ok:
        return
    try:
        view = view_summary(b)
        shown = filter_count(b, flt)
    except Exception:
        st.sidebar.caption(safe.md("Store: {} — unreadable", store_label(b)))
        return
    if filters_apply(url_path):
        st.sidebar.caption(safe.text(flt.describe(shown)))
    st.sidebar.caption(
        safe.md(
            "Store: **{}** · data {} · served from {}",
            store_label(b),
            data_age(view.age_s()),
            banner.served_label(b, view.tier),
        )
    )
    who = user_email()
    if who:
        st.sidebar.caption(safe.md("Signed in as {}", who))
        st.sidebar.button("Sign out", on_click=st.logout)
