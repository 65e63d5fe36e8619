"""Access: sign-in and who may edit and discover.

With an ``[auth]`` section in secrets, people sign in (``st.login``) and only
``REGISTRY_EDITORS`` may edit and discover; without it the app is open (see the README).
Unreadable secrets count as closed, never as open.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import streamlit as st

from pages._ui.secrets_files import secrets_problem
from pages._ui.startup import Boot, secrets
from registry_core.access import ANONYMOUS, EDITORS_KEY, is_editor, parse_editors


def auth_configured() -> bool:
    """Whether people must sign in: secrets have an ``[auth]`` section, or cannot be read.

    Unreadable secrets count as configured (closed), never as "no [auth]" (open); ``app.py``
    stops on them before any page runs (:func:`secrets_problem`).
    """
    if secrets_problem() is not None:
        return True
    return isinstance(secrets().get("auth"), dict)


def user_email() -> str | None:
    """The signed-in person's email (or name), or ``None``."""
    try:
        if not st.user.is_logged_in:
            return None
        return str(st.user.get("email") or st.user.get("name") or "") or None
    except Exception:
        return None


def logged_in() -> bool:
    """Whether someone is signed in (``False`` when sign-in is not available)."""
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def editors() -> list[str]:
    """``REGISTRY_EDITORS`` from secrets (a list) or the environment (comma-separated)."""
    raw: Any = secrets().get(EDITORS_KEY)
    return parse_editors(os.environ.get(EDITORS_KEY) if raw is None else raw)


@dataclass(frozen=True)
class Access:
    """Whether this person may edit and discover, and the name their edits are written under."""

    may_edit: bool
    editor: str  # name written into history events
    reason: str  # why not, in plain language ("" when allowed)


def access(b: Boot) -> Access:
    """Who is using the app and whether they may edit and discover."""
    if b.service is not None and not getattr(b.service.store, "writable", False):
        return Access(False, ANONYMOUS, "The registry is read-only here (AIRTABLE_MODE=read).")
    if not auth_configured():
        return Access(True, ANONYMOUS, "")
    email = user_email()
    if email is None:
        return Access(False, ANONYMOUS, "Sign in to edit or discover.")
    if is_editor(email, editors()):
        return Access(True, email, "")
    return Access(
        False,
        email,
        f"{email} is not in {EDITORS_KEY}; ask an admin to add you to edit or discover.",
    )


def _auth_provider() -> str | None:
    section = secrets().get("auth") or {}
    if "client_id" in section:
        return None
    named = [k for k, v in section.items() if isinstance(v, dict)]
    return named[0] if named else None


def login_page() -> None:
    """The only page people see before they sign in."""
    st.title("AI Model Registry")
    st.write("Sign in to see which AI models your team can use.")
    provider = _auth_provider()
    st.button(
        "Sign in", type="primary", on_click=(lambda: st.login(provider) if provider else st.login())
    )
