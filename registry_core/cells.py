"""Cells and times, defined once: how an instant is written and read, what "empty" means, a
value as a JSON-comparable cell, and an age in words.

Both stores, the merge, the catalog, the codecs and the pages use these; nothing here does I/O
or imports the rest of the package.

>>> parse_instant("2026-01-02T03:04:05.678Z")
datetime.datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc)
>>> format_datetime(parse_instant("2026-01-02T03:04:05+02:00"))
'2026-01-02T01:04:05.000Z'
>>> is_empty(()), is_empty(0), is_empty(False)
(True, False, False)
>>> human_age(5), human_age(30 * 3600), human_age(40 * 3600), human_age(3 * 86400)
('5 s', '30 h', '1 day', '3 days')
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the millisecond, as Airtable writes it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive value is taken to be UTC already."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def parse_iso(value: Any) -> datetime | None:
    """ISO 8601 text (a trailing ``Z`` included) as written, offset kept; else ``None``.

    >>> parse_iso("2026-01-01T23:00:00-05:00").date()
    datetime.date(2026, 1, 1)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_instant(value: Any) -> datetime | None:
    """ISO 8601 text (``…Z``, an offset, or none: UTC) as an aware UTC datetime; else ``None``.

    >>> parse_instant("2026-01-02"), parse_instant("soon"), parse_instant(None)
    (datetime.datetime(2026, 1, 2, 0, 0, tzinfo=datetime.timezone.utc), None, None)
    """
    parsed = parse_iso(value)
    return as_utc(parsed) if parsed is not None else None


def is_empty(value: Any) -> bool:
    """Whether a value counts as not filled: ``None``, ``""``, ``()`` or ``[]`` (not 0 or False)."""
    return value is None or value == "" or value == () or value == []


def is_empty_cell(value: Any) -> bool:
    """Airtable omits these cells: the empty values, and ``False`` (an unticked checkbox)."""
    return value is False or is_empty(value)


def cell(value: Any) -> Any:
    """A value as a JSON-comparable cell (instants and dates as ISO text, tuples as lists).

    >>> cell(date(2026, 5, 1)), cell(("chat", "vision")), cell(3)
    ('2026-05-01', ['chat', 'vision'], 3)
    """
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def human_age(seconds: float | None) -> str:
    """An age as a short span: ``"5 s"``, ``"10 min"``, ``"3 h"``, ``"1 day"``, ``"2 days"``.

    ``None`` is ``"unknown age"``. Up to 90 s in seconds, up to 90 min in minutes, up to 36 h
    in hours.
    """
    if seconds is None:
        return "unknown age"
    if seconds < 90:
        return f"{max(0, int(seconds))} s"
    if seconds < 90 * 60:
        return f"{int(seconds // 60)} min"
    if seconds < 36 * 3600:
        return f"{int(seconds // 3600)} h"
    days = int(seconds // 86400)
    return "1 day" if days == 1 else f"{days} days"


def data_age(seconds: float | None) -> str:
    """How old data is, for a caption: ``"just now"``, ``"5 min old"``, ``"not verified yet"``.

    >>> data_age(None), data_age(20), data_age(7200)
    ('not verified yet', 'just now', '2 h old')
    """
    if seconds is None:
        return "not verified yet"
    if seconds < 60:
        return "just now"
    return f"{human_age(seconds)} old"
