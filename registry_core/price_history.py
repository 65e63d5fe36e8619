"""Prices as they were: reconstructed from ``cost_changed`` history events (issue 14).

Every price change (a first price included) is a ``cost_changed`` event with the field, the old
and the new value and the source (see :mod:`registry_core.merge` and ``Service.edit_model``).
From the current records and those events:

- :func:`prices_as_of` gives the records as they were priced at a past moment (for the Costs
  page and its CSV "as of" a date);
- :func:`price_points` gives one model's price over time (for the chart on Model detail).

Pure: no store, no clock.

>>> from datetime import UTC, datetime
>>> from registry_core.events import HistoryEvent
>>> now = ModelRecord("openai", "gpt-4o", cost_per_1k=0.0025)
>>> cut = HistoryEvent("k", "openai", "gpt-4o", "cost_changed", datetime(2025, 6, 1, tzinfo=UTC),
...                    detail={"field": "Cost per 1K tokens", "old": 0.005, "new": 0.0025})
>>> prices_as_of([now], [cut], datetime(2025, 1, 1, tzinfo=UTC))[0].cost_per_1k
0.005
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from registry_core.events import HistoryEvent
from registry_core.records import (
    ATTR_BY_FIELD,
    CACHE_READ_COST_PER_1K,
    CACHE_WRITE_COST_PER_1K,
    COST_PER_1K,
    OUTPUT_COST_PER_1K,
    ModelRecord,
)

#: The price fields whose history is kept, in display order.
PRICE_FIELDS: tuple[str, ...] = (
    COST_PER_1K,
    OUTPUT_COST_PER_1K,
    CACHE_READ_COST_PER_1K,
    CACHE_WRITE_COST_PER_1K,
)
#: Plain-text labels for charts and tables.
PRICE_LABELS: dict[str, str] = {
    COST_PER_1K: "input",
    OUTPUT_COST_PER_1K: "output",
    CACHE_READ_COST_PER_1K: "cache read",
    CACHE_WRITE_COST_PER_1K: "cache write",
}


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _price(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


def _changes(events: Iterable[HistoryEvent]) -> dict[tuple[str, str], list[HistoryEvent]]:
    """Valid ``cost_changed`` events by (provider, model), oldest first."""
    out: dict[tuple[str, str], list[HistoryEvent]] = {}
    for event in events:
        if event.kind != "cost_changed" or not isinstance(event.detail, dict):
            continue
        if event.detail.get("field") not in PRICE_FIELDS:
            continue
        out.setdefault((event.provider_id, event.model_id), []).append(event)
    for changes in out.values():
        changes.sort(key=lambda e: _utc(e.at))
    return out


def _first_seen(record: ModelRecord, events: Sequence[HistoryEvent]) -> datetime | None:
    moments = [_utc(e.at) for e in events if e.kind in ("added", "seeded")]
    first = record.meta.get("first_seen")
    if isinstance(first, str):
        with contextlib.suppress(ValueError):
            moments.append(_utc(datetime.fromisoformat(first.replace("Z", "+00:00"))))
    return min(moments) if moments else None


def price_at(
    record: ModelRecord, field: str, changes: Sequence[HistoryEvent], when: datetime
) -> float | None:
    """The value of price ``field`` of ``record`` at ``when``: the ``old`` value of the first
    change after ``when``, else today's value."""
    when = _utc(when)
    for event in changes:
        if event.detail.get("field") == field and _utc(event.at) > when:
            return _price(event.detail.get("old"))
    value: float | None = getattr(record, ATTR_BY_FIELD[field])
    return value


def prices_as_of(
    records: Iterable[ModelRecord], events: Iterable[HistoryEvent], when: datetime
) -> list[ModelRecord]:
    """``records`` priced as they were at ``when``; models first seen after it are left out."""
    when = _utc(when)
    events = list(events)
    by_model = _changes(events)
    firsts: dict[tuple[str, str], list[HistoryEvent]] = {}
    for event in events:
        if event.kind in ("added", "seeded"):
            firsts.setdefault((event.provider_id, event.model_id), []).append(event)
    out: list[ModelRecord] = []
    for record in records:
        first = _first_seen(record, firsts.get(record.key, []))
        if first is not None and first > when:
            continue
        changes = by_model.get(record.key, [])
        values = {
            ATTR_BY_FIELD[name]: price_at(record, name, changes, when) for name in PRICE_FIELDS
        }
        out.append(record.replace(**values))
    return out


def price_points(
    record: ModelRecord, events: Iterable[HistoryEvent], *, now: datetime
) -> list[dict[str, Any]]:
    """One model's prices over time: rows ``{"at", "price", "usd_per_1m", "source"}``, each
    change a point, plus today's value, for a step line chart."""
    evs = [
        e for e in events if e.provider_id == record.provider_id and e.model_id == record.model_id
    ]
    changes = _changes(evs).get(record.key, [])
    start = _first_seen(record, evs)
    rows: list[dict[str, Any]] = []
    for name in PRICE_FIELDS:
        mine = [e for e in changes if e.detail.get("field") == name]
        current = _price(getattr(record, ATTR_BY_FIELD[name]))
        if not mine and current is None:
            continue
        label = PRICE_LABELS[name]
        if mine:
            old = _price(mine[0].detail.get("old"))
            if old is not None and start is not None and start < _utc(mine[0].at):
                rows.append(_point(start, label, old, "first seen"))
        elif start is not None and current is not None:
            rows.append(_point(start, label, current, "first seen"))
        for event in mine:
            new = _price(event.detail.get("new"))
            if new is not None:
                source = event.detail.get("source") or event.source or ""
                rows.append(_point(_utc(event.at), label, new, str(source)))
        if current is not None:
            rows.append(_point(_utc(now), label, current, "today"))
    return rows


def _point(at: datetime, label: str, per_1k: float, source: str) -> dict[str, Any]:
    return {"at": at, "price": label, "usd_per_1m": round(per_1k * 1000, 10), "source": source}
