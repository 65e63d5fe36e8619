"""One row codec per table, shared by every store: discovery runs and history events.

A store keeps a run or an event as a flat mapping of snake_case columns (SQLite's JSON column,
Airtable's cells renamed, a PostgreSQL row); these functions are the only place that turns one
into the other. Reading is tolerant, the way a registry a person can edit needs: a broken cell
of an optional column reads as its default, a broken required cell (id, provider, time, …)
skips that row with a warning and never hides the others.

>>> from datetime import UTC, datetime
>>> run = DiscoveryRun("r1", "openai", "user", datetime(2026, 1, 2, tzinfo=UTC), models_seen=3)
>>> run_from_json(run_to_json(run)) == run
True
>>> run_from_json({"run_id": "r2", "provider_id": "openai", "started_at": "yesterday"}) is None
True
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from registry_core.cells import as_utc, format_datetime, parse_instant
from registry_core.events import DiscoveryRun, HistoryEvent

log = logging.getLogger(__name__)

#: The columns of a run row, in order.
RUN_COLUMNS: tuple[str, ...] = (
    "run_id",
    "provider_id",
    "trigger",
    "started_at",
    "duration_s",
    "models_seen",
    "added",
    "removed",
    "changed",
    "outcome",
    "error_class",
    "message",
    "credential",
)
#: The columns of an event row, in order.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_key",
    "provider_id",
    "model_id",
    "kind",
    "at",
    "run_id",
    "source",
    "actor",
    "detail",
)


def _text(row: Mapping[str, Any], name: str) -> str | None:
    value = row.get(name)
    if isinstance(value, list) and len(value) == 1:  # an Airtable lookup cell
        value = value[0]
    if value is None or value == "":
        return None
    return str(value).strip() or None


def _instant(row: Mapping[str, Any], name: str) -> datetime | None:
    value = row.get(name)
    if isinstance(value, datetime):  # a driver that returns timestamps (PostgreSQL)
        return as_utc(value)
    return parse_instant(_text(row, name))


def _number(row: Mapping[str, Any], name: str, default: float = 0.0) -> float:
    value = row.get(name)
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip()) if value is not None else default
    except ValueError:
        return default


# --- discovery runs -------------------------------------------------------------------------


def run_to_json(run: DiscoveryRun) -> dict[str, Any]:
    """A run as a JSON-safe row (times as ISO text with ``Z``)."""
    return run.to_dict()


def run_from_json(row: Mapping[str, Any], row_ref: str = "?") -> DiscoveryRun | None:
    """A run row back to a run; ``None`` (logged) when a required cell is broken."""
    run_id = _text(row, "run_id")
    provider = _text(row, "provider_id")
    started = _instant(row, "started_at")
    if not (run_id and provider and started):
        log.warning("discovery run row %s skipped: a required cell is empty or unreadable", row_ref)
        return None
    message = row.get("message")
    return DiscoveryRun(
        run_id=run_id,
        provider_id=provider,
        trigger=_text(row, "trigger") or "user",
        started_at=started,
        duration_s=_number(row, "duration_s"),
        models_seen=int(_number(row, "models_seen")),
        added=int(_number(row, "added")),
        removed=int(_number(row, "removed")),
        changed=int(_number(row, "changed")),
        outcome=_text(row, "outcome") or "ok",
        error_class=_text(row, "error_class"),
        message=message if isinstance(message, str) else None,
        credential=_text(row, "credential"),
    )


# --- history events -------------------------------------------------------------------------


def detail_to_text(detail: Mapping[str, Any]) -> str | None:
    """An event's detail as JSON text (``None`` when there is none)."""
    if not detail:
        return None
    return json.dumps(detail, sort_keys=True, default=str, ensure_ascii=False, allow_nan=False)


def event_to_row(event: HistoryEvent) -> dict[str, Any]:
    """An event as a row: the time as ISO text with ``Z``, the detail as JSON text or ``None``."""
    return {**event.to_dict(), "detail": detail_to_text(event.detail)}


def event_from_row(row: Mapping[str, Any], row_ref: str = "?") -> HistoryEvent | None:
    """An event row back to an event; ``None`` (logged) when a required cell is broken.

    >>> event_from_row({"event_key": "k", "provider_id": "openai", "model_id": "m",
    ...                 "kind": "added", "at": "2026-01-02T00:00:00Z", "detail": "[1]"}).detail
    {'value': [1]}
    """
    key = _text(row, "event_key")
    provider = _text(row, "provider_id")
    model = _text(row, "model_id")
    kind = _text(row, "kind")
    at = _instant(row, "at")
    if not (key and provider and model and kind and at):
        log.warning("history row %s skipped: a required cell is empty or unreadable", row_ref)
        return None
    raw_detail = row.get("detail")
    detail: dict[str, Any] = {}
    if isinstance(raw_detail, Mapping):
        detail = dict(raw_detail)
    else:
        text = _text(row, "detail")
        if text:
            try:
                loaded = json.loads(text)
            except json.JSONDecodeError:
                loaded = {"text": text}
            detail = loaded if isinstance(loaded, dict) else {"value": loaded}
    return HistoryEvent(
        event_key=key,
        provider_id=provider,
        model_id=model,
        kind=kind,
        at=at,
        run_id=_text(row, "run_id"),
        source=_text(row, "source"),
        actor=_text(row, "actor"),
        detail=detail,
    )


def events_query(
    provider_id: str | None,
    model_id: str | None,
    since: datetime | None,
    limit: int | None,
    *,
    mark: str = "?",
    since_mark: str | None = None,
) -> tuple[str, list[Any]]:
    """The SQL of a history read, newest first, for the SQL stores (SQLite, PostgreSQL).

    ``mark`` is the driver's placeholder (``?`` or ``%s``); ``since_mark`` the one for the
    ``since`` instant when it needs a cast. Read the rows with :func:`events_from_rows`.

    >>> events_query("openai", None, None, 5)
    ('SELECT event_key, provider_id, model_id, kind, at, run_id, source, actor, detail FROM history_events WHERE provider_id = ? ORDER BY at DESC, seq DESC LIMIT ?', ['openai', 5])
    """
    where: list[str] = []
    params: list[Any] = []
    for column, value in (("provider_id", provider_id), ("model_id", model_id)):
        if value is not None:
            where.append(f"{column} = {mark}")
            params.append(value)
    if since is not None:
        where.append(f"at >= {since_mark or mark}")
        params.append(format_datetime(since))
    sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM history_events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY at DESC, seq DESC"
    if limit is not None:
        sql += f" LIMIT {mark}"
        params.append(int(limit))
    return sql, params


def events_from_rows(rows: Iterable[Sequence[Any]]) -> list[HistoryEvent]:
    """Rows of :func:`events_query` (newest first) as events, oldest first; bad rows skipped."""
    decoded = (
        event_from_row(dict(zip(EVENT_COLUMNS, row, strict=True)), f"history:{row[0]}")
        for row in rows
    )
    events = [e for e in decoded if e is not None]
    events.reverse()
    return events
