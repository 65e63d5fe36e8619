"""Who may edit the registry and run discovery: the ``REGISTRY_EDITORS`` list and edit diffs.

Pure: the dashboard reads the signed-in email and the list from secrets; these functions decide.
Entries match case-insensitively: an exact email, ``@example.com`` for a whole domain, or ``*``
for everyone who signed in.

>>> is_editor("Ana@Example.com", parse_editors("bo@example.com, @example.com"))
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from registry_core.records import ModelRecord

EDITORS_KEY = "REGISTRY_EDITORS"
ANONYMOUS = "anonymous"


def parse_editors(raw: Any) -> list[str]:
    """A list (from secrets.toml) or comma-separated text (from the environment), normalised.

    >>> parse_editors(["Ana@Example.com ", ""]), parse_editors("a@x.io,*"), parse_editors(None)
    (['ana@example.com'], ['a@x.io', '*'], [])
    """
    if raw is None:
        return []
    items = (
        raw.split(",")
        if isinstance(raw, str)
        else list(raw)
        if isinstance(raw, list | tuple)
        else [raw]
    )
    out: list[str] = []
    for item in items:
        entry = str(item).strip().lower()
        if entry and entry not in out:
            out.append(entry)
    return out


def is_editor(email: str | None, editors: Sequence[str]) -> bool:
    """Whether ``email`` may edit: ``*`` allows everyone signed in, ``@domain`` a domain."""
    email = (email or "").strip().lower()
    if not email or email.startswith("@"):
        return False
    for entry in editors:
        if entry in ("*", email):
            return True
        if entry.startswith("@") and email.endswith(entry) and len(email) > len(entry):
            return True
    return False


def _comparable(value: Any) -> Any:
    if isinstance(value, tuple):
        value = list(value)
    if value in (None, "", []):
        return None
    return value


def changed_fields(record: ModelRecord, proposed: Mapping[str, Any]) -> dict[str, Any]:
    """Attribute -> new value, for each proposed value that differs from ``record``'s.

    Empty values (``None``, ``""``, ``[]``) are equal to each other; prices compare to 1e-12.

    >>> rec = ModelRecord("openai", "gpt-4o", status="active", notes=None)
    >>> changed_fields(rec, {"status": "active", "notes": "", "recommended": True})
    {'recommended': True}
    """
    out: dict[str, Any] = {}
    for attr, new in proposed.items():
        old_cmp, new_cmp = _comparable(getattr(record, attr)), _comparable(new)
        if isinstance(old_cmp, float) and isinstance(new_cmp, float | int):
            if abs(old_cmp - float(new_cmp)) <= 1e-12:
                continue
        elif old_cmp == new_cmp:
            continue
        out[attr] = new
    return out
