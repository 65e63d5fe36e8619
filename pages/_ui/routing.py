"""Routing: the navigation table, and the guard that every page runs inside ``app.py``.

``app.py`` runs the chosen page inside :func:`routed`. Streamlit runs a script of ``pages/`` on
its own only in its legacy multipage mode, which a process is in until ``app.py`` first calls
``st.navigation`` (a deep link as the first request after a start, or AppTest's
``switch_page``). :func:`ensure_routed` notices and runs ``app.py`` instead, so every page always
has the page config, the navigation and the shared sidebar.
"""

from __future__ import annotations

import contextlib
import logging
import runpy
import threading
from collections.abc import Iterator
from pathlib import Path

import streamlit as st

log = logging.getLogger("registry.dashboard")

APP_PATH = Path(__file__).resolve().parents[2] / "app.py"
_ROUTING = threading.local()


@contextlib.contextmanager
def routed() -> Iterator[None]:
    """Mark the page ``app.py`` runs as reached through ``st.navigation`` (the only way it should)."""
    _ROUTING.depth = getattr(_ROUTING, "depth", 0) + 1
    try:
        yield
    finally:
        _ROUTING.depth -= 1


def ensure_routed() -> None:
    """Run ``app.py`` (which then runs this page) when Streamlit started a page on its own."""
    if getattr(_ROUTING, "depth", 0):
        return
    runpy.run_path(str(APP_PATH), run_name="__main__")
    st.stop()


PAGES: dict[str, tuple[str, str, str]] = {
    # url path: (file, title, icon)
    "browse": ("pages/browse.py", "Browse", ":material/table_view:"),
    "model": ("pages/model.py", "Model detail", ":material/info:"),
    "discover": ("pages/discover.py", "Discover", ":material/radar:"),
    "history": ("pages/history.py", "History", ":material/timeline:"),
    "deprecations": ("pages/deprecations.py", "Deprecations", ":material/event_busy:"),
    "costs": ("pages/costs.py", "Costs", ":material/payments:"),
    "status": ("pages/status.py", "Status", ":material/monitor_heart:"),
}


#: The default page is served at ``/``; Streamlit gives it no other address, so ``/browse`` (a
#: natural link to share) would show "Page not found". A hidden page at ``/browse`` runs the same
#: file. Streamlit hashes pages by ``url_path``, so the default page needs a different one.
DEFAULT_PAGE = "browse"
DEFAULT_PAGE_KEY = "home"


def navigation_pages() -> list[st.Page]:
    """The ``st.Page`` table; a page whose file is missing is left out, never raised on.

    The default page comes first (``st.switch_page`` by file picks the first page registered
    for it, so links to ``pages/browse.py`` land on ``/``), its hidden ``/browse`` alias last.
    """
    pages: list[st.Page] = []
    for url, (path, title, icon) in PAGES.items():
        default = url == DEFAULT_PAGE
        try:
            pages.append(
                st.Page(
                    path,
                    title=title,
                    icon=icon,
                    url_path=DEFAULT_PAGE_KEY if default else url,
                    default=default,
                )
            )
        except Exception as exc:
            log.warning("page %s left out: %s", path, type(exc).__name__)
    path, title, icon = PAGES[DEFAULT_PAGE]
    try:
        pages.append(
            st.Page(path, title=title, icon=icon, url_path=DEFAULT_PAGE, visibility="hidden")
        )
    except Exception as exc:
        log.warning("the /%s alias left out: %s", DEFAULT_PAGE, type(exc).__name__)
    return pages


def page_path(name: str) -> str:
    """The file of a page by its url path (``"model"`` -> ``"pages/model.py"``)."""
    return PAGES[name][0]
