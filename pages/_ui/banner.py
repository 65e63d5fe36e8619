"""The outage banner on every page: ``app.py`` calls :func:`show` before the page runs.

The wording is :func:`registry_core.notices.outage_banner`'s; this module only gathers the state
(the resolver's current store failure, what the pages are serving) and renders it as plain text.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from pages._ui import safe
from registry_core.errors import RegistryError
from registry_core.notices import outage_banner, served_from

log = logging.getLogger("registry.dashboard")


def store_failure(b: Any) -> RegistryError | None:
    """Why the registry store cannot be read now (the resolver's state), or ``None``.

    Read after the page's first registry read (which re-checks the store when it is due), so it
    is the current state, not that of an answer cached before the outage.
    """
    if not getattr(b, "ok", False):
        return None
    try:
        failure = b.service.resolver.store_failure()
    except Exception:
        return None
    return failure if isinstance(failure, RegistryError) else None


def served_label(b: Any, tier: str) -> str:
    """What the page's data is served from, saying so when it is an earlier registry read."""
    return served_from(tier, store_down=store_failure(b) is not None)


def text(b: Any) -> str | None:
    """The banner's text for this run, or ``None`` when the live registry is being served."""
    from pages import _ui as ui

    if not getattr(b, "ok", False):
        return None
    ui.version(b)  # re-checks the store when the check is due, so the failure below is current
    tier: str | None
    try:
        view = ui.view_summary(b)
        tier, age = view.tier, view.age_s()
    except Exception:
        tier, age = None, None  # the page itself says it could not read the registry
    return outage_banner(
        store=str(getattr(b.service.store, "name", "registry")),
        failure=store_failure(b),
        tier=tier,
        age_s=age,
    )


def show(b: Any) -> None:
    """Render the banner (plain text), if there is one. Never raises."""
    try:
        message = text(b)
    except Exception as exc:  # the banner must never take a page down
        log.warning("outage banner failed: %s", type(exc).__name__)
        return
    if message:
        st.warning(safe.text(message), icon=":material/cloud_off:")
