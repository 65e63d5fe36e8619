"""Page conventions: how ages, the store, warnings, failures and times read on every page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from pages._ui import safe
from pages._ui.loaders import RegistryView, ViewSummary
from pages._ui.startup import Boot
from registry_core.errors import RegistryError

log = logging.getLogger("registry.dashboard")

T = TypeVar("T")


def store_label(b: Boot) -> str:
    if b.settings is not None and b.settings.airtable.enabled:
        return f"Airtable ({b.settings.airtable.mode})"
    return "SQLite"


def banners(view: RegistryView | ViewSummary) -> None:
    """Warnings from the resolver (what is served instead of what), never a traceback."""
    for message in view.warnings[:5]:
        st.warning(safe.text(message), icon=":material/warning:")
    if len(view.warnings) > 5:
        with st.expander(f"{len(view.warnings) - 5} more warnings"):
            for message in view.warnings[5:]:
                st.markdown(safe.text(message))


def safely(what: str, fn: Callable[[], T]) -> T | None:
    """Run a registry call; on failure show what went wrong in plain language and return None."""
    try:
        return fn()
    except RegistryError as exc:
        st.error(safe.md("Could not {}: {}", what, exc))
    except Exception as exc:
        log.exception("dashboard: %s failed", what)
        st.error(
            safe.md("Could not {} ({}).", what, type(exc).__name__)
            + " The Status page shows what is wrong."
        )
    return None


#: Times in tables read like "2026-11-25 20:41 UTC" on every page (``frames`` formats text the
#: same way).
TIME_FORMAT = "YYYY-MM-DD HH:mm [UTC]"


def time_column(label: str) -> ColumnConfig:
    """A table column of UTC times in :data:`TIME_FORMAT`."""
    return st.column_config.DatetimeColumn(label, format=TIME_FORMAT, timezone="UTC")
