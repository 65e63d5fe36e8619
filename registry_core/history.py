"""History as series for charts: pure functions from events and runs to plain lists of dicts.

Every function returns a list of flat dicts (JSON-friendly, one row per point), which is what
``pandas.DataFrame(rows)`` and Altair take; the dashboard does that conversion, this module does
not import pandas.

- :func:`available_over_time`: available models per provider, per day (from events).
- :func:`availability_intervals`: per model, the spans it was available (for a Gantt-style chart).
- :func:`events_per_day`: counts by day and kind.
- :func:`runs_series`: per discovery run, models seen / added / removed and the outcome.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from registry_core.cells import format_datetime
from registry_core.events import DiscoveryRun, HistoryEvent

#: How each event kind moves a model's availability: +1 / -1 / 0.
AVAILABILITY_DELTA: dict[str, int] = {
    "added": 1,
    "seeded": 0,  # catalog rows are not "available" until a listing sees them
    "available_again": 1,
    "unavailable": -1,
}


def _ordered(events: Iterable[HistoryEvent]) -> list[HistoryEvent]:
    return sorted(events, key=lambda e: (e.at, e.provider_id, e.model_id, e.event_key))


def _availability_steps(events: Iterable[HistoryEvent]) -> list[tuple[HistoryEvent, int]]:
    """Events that change availability, with their +1/-1, ignoring repeats (up when up)."""
    state: dict[tuple[str, str], bool] = {}
    steps: list[tuple[HistoryEvent, int]] = []
    for event in _ordered(events):
        delta = AVAILABILITY_DELTA.get(event.kind, 0)
        if delta == 0:
            continue
        key = (event.provider_id, event.model_id)
        up = state.get(key, False)
        if (delta > 0) == up:
            continue  # a duplicate "added" or an "unavailable" for a model we never saw up
        state[key] = delta > 0
        steps.append((event, delta))
    return steps


def available_over_time(
    events: Sequence[HistoryEvent],
    *,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Available models per provider at the end of each day, from the first event to ``until``.

    Rows: ``{"day": date, "provider_id": str, "available": int}``; every provider has a row for
    every day (a step chart needs the flat parts too).

    >>> from datetime import UTC, datetime
    >>> e = HistoryEvent("k1", "openai", "a", "added", datetime(2025, 1, 1, tzinfo=UTC))
    >>> [(r["day"].isoformat(), r["available"]) for r in available_over_time([e], until=date(2025, 1, 2))]
    [('2025-01-01', 1), ('2025-01-02', 1)]
    """
    steps = _availability_steps(events)
    if not steps:
        return []
    per_day: dict[tuple[date, str], int] = defaultdict(int)
    providers: set[str] = set()
    for event, delta in steps:
        per_day[(event.at.date(), event.provider_id)] += delta
        providers.add(event.provider_id)
    first = min(day for day, _ in per_day)
    last = max(until or first, max(day for day, _ in per_day))
    rows: list[dict[str, Any]] = []
    totals = dict.fromkeys(providers, 0)
    day = first
    while day <= last:
        for provider in sorted(providers):
            totals[provider] += per_day.get((day, provider), 0)
            rows.append({"day": day, "provider_id": provider, "available": totals[provider]})
        day += timedelta(days=1)
    return rows


def availability_intervals(
    events: Sequence[HistoryEvent],
    *,
    now: datetime,
    provider_id: str | None = None,
) -> list[dict[str, Any]]:
    """Per model, the spans during which it was available; an open span ends at ``now``.

    Rows: ``{"provider_id", "model_id", "start": datetime, "end": datetime, "ongoing": bool}``.
    """
    open_since: dict[tuple[str, str], datetime] = {}
    rows: list[dict[str, Any]] = []
    for event, delta in _availability_steps(
        e for e in events if provider_id is None or e.provider_id == provider_id
    ):
        key = (event.provider_id, event.model_id)
        if delta > 0:
            open_since[key] = event.at
        else:
            start = open_since.pop(key)
            rows.append(
                {
                    "provider_id": key[0],
                    "model_id": key[1],
                    "start": start,
                    "end": event.at,
                    "ongoing": False,
                }
            )
    for (provider, model), start in open_since.items():
        rows.append(
            {
                "provider_id": provider,
                "model_id": model,
                "start": start,
                "end": now,
                "ongoing": True,
            }
        )
    rows.sort(key=lambda r: (r["provider_id"], r["model_id"], r["start"]))
    return rows


def events_per_day(
    events: Sequence[HistoryEvent],
    *,
    provider_id: str | None = None,
) -> list[dict[str, Any]]:
    """Counts of events by day and kind: ``{"day": date, "kind": str, "count": int}``."""
    counts = Counter(
        (e.at.date(), e.kind) for e in events if provider_id is None or e.provider_id == provider_id
    )
    return [{"day": day, "kind": kind, "count": n} for (day, kind), n in sorted(counts.items())]


def runs_series(
    runs: Sequence[DiscoveryRun],
    *,
    provider_id: str | None = None,
) -> list[dict[str, Any]]:
    """One row per discovery run, oldest first: what it saw, added and removed, and how it went.

    Rows: ``{"run_id", "provider_id", "started_at", "trigger", "outcome", "models_seen",
    "added", "removed", "changed", "duration_s", "error_class"}``. Failed runs have
    ``models_seen`` 0; chart them as markers, not as a drop to zero.
    """
    selected = [r for r in runs if provider_id is None or r.provider_id == provider_id]
    selected.sort(key=lambda r: (r.started_at, r.run_id))
    return [
        {
            "run_id": r.run_id,
            "provider_id": r.provider_id,
            "started_at": r.started_at,
            "trigger": r.trigger,
            "outcome": r.outcome,
            "models_seen": r.models_seen,
            "added": r.added,
            "removed": r.removed,
            "changed": r.changed,
            "duration_s": r.duration_s,
            "error_class": r.error_class,
        }
        for r in selected
    ]


def available_per_run(
    runs: Sequence[DiscoveryRun],
    *,
    provider_id: str | None = None,
) -> list[dict[str, Any]]:
    """Models each successful listing saw, per provider over time (failed runs left out).

    Rows: ``{"at": datetime, "provider_id": str, "models_seen": int, "outcome": str}``.
    """
    return [
        {
            "at": row["started_at"],
            "provider_id": row["provider_id"],
            "models_seen": row["models_seen"],
            "outcome": row["outcome"],
        }
        for row in runs_series(runs, provider_id=provider_id)
        if row["outcome"] in ("ok", "suspect")
    ]


def to_json_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same rows with dates and datetimes as ISO text (for ``--json`` output)."""
    out: list[dict[str, Any]] = []
    for row in rows:
        converted: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, datetime):
                converted[key] = format_datetime(value)
            elif isinstance(value, date):
                converted[key] = value.isoformat()
            else:
                converted[key] = value
        out.append(converted)
    return out


# --- series for the History page's charts ----------------------------------------------------


def available_steps(
    events: Sequence[HistoryEvent],
    *,
    now: datetime,
) -> list[dict[str, Any]]:
    """Available models per provider at every moment the count moved, and at ``now``.

    Rows: ``{"at": datetime, "provider_id": str, "available": int, "change": bool}``, oldest
    first; ``change`` is false for the closing row at ``now`` (a step line runs on to it). Unlike
    :func:`available_over_time` no day is merged, so a day with many runs shows each step.

    >>> from datetime import UTC
    >>> t = datetime(2025, 1, 1, 9, tzinfo=UTC)
    >>> rows = available_steps([HistoryEvent("k", "openai", "a", "added", t)], now=t + timedelta(hours=1))
    >>> [(r["at"].hour, r["available"], r["change"]) for r in rows]
    [(9, 1, True), (10, 1, False)]
    """
    totals: dict[str, int] = {}
    at_moment: dict[tuple[datetime, str], int] = {}
    for event, delta in _availability_steps(events):
        totals[event.provider_id] = totals.get(event.provider_id, 0) + delta
        at_moment[(event.at, event.provider_id)] = totals[event.provider_id]
    rows = [
        {"at": at, "provider_id": provider, "available": n, "change": True}
        for (at, provider), n in sorted(at_moment.items())
    ]
    last = max((at for at, _ in at_moment), default=None)
    end = now if last is None or now >= last else last
    rows += [
        {"at": end, "provider_id": provider, "available": n, "change": False}
        for provider, n in sorted(totals.items())
    ]
    return rows


#: Bucket sizes for runs charted over time, smallest first: the chart uses the smallest that
#: keeps the number of buckets at most :data:`MAX_BUCKETS`.
BUCKETS: tuple[tuple[str, timedelta], ...] = (
    ("minute", timedelta(minutes=1)),
    ("10 minutes", timedelta(minutes=10)),
    ("hour", timedelta(hours=1)),
    ("6 hours", timedelta(hours=6)),
    ("day", timedelta(days=1)),
    ("week", timedelta(days=7)),
    ("30 days", timedelta(days=30)),
)
MAX_BUCKETS = 90
_EPOCH = datetime(1970, 1, 5, tzinfo=UTC)  # a Monday: weekly buckets start on Mondays


def bucket_for(first: datetime, last: datetime) -> tuple[str, timedelta]:
    """The smallest bucket of :data:`BUCKETS` that covers ``first``..``last`` in few buckets.

    >>> t = datetime(2025, 1, 1, tzinfo=UTC)
    >>> bucket_for(t, t)[0], bucket_for(t, t + timedelta(days=2))[0], bucket_for(t, t + timedelta(days=400))[0]
    ('minute', 'hour', 'week')
    """
    span = last - first
    for name, size in BUCKETS:
        if span / size < MAX_BUCKETS:
            return name, size
    return BUCKETS[-1]


def _bucket_start(moment: datetime, size: timedelta) -> datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    steps = (aware - _EPOCH) // size
    return _EPOCH + steps * size


def runs_per_bucket(runs: Sequence[DiscoveryRun]) -> tuple[str, list[dict[str, Any]]]:
    """Models added and removed by discovery runs, per provider and time bucket (seeding left out).

    Returns the bucket's name (``"hour"``) and rows ``{"start", "end": datetime, "provider_id",
    "change": "added" | "removed", "models": int (removed are negative, for a diverging stacked
    bar), "runs": int}``, one per bucket, provider and change that has any run; runs in the same
    second (one "Discover all") land in one bucket, one segment per provider. A bucket whose runs
    added and removed nothing still gets an ``added`` row of 0 so the run is counted.

    >>> t = datetime(2025, 1, 1, 9, 30, tzinfo=UTC)
    >>> run = DiscoveryRun("r1", "openai", "user", t, added=3, removed=1)
    >>> name, rows = runs_per_bucket([run])
    >>> name, [(r["change"], r["models"], r["start"].minute) for r in rows]
    ('minute', [('added', 3, 30), ('removed', -1, 30)])
    """
    selected = [r for r in runs if r.trigger != "seed"]
    if not selected:
        return BUCKETS[0][0], []
    name, size = bucket_for(
        min(r.started_at for r in selected), max(r.started_at for r in selected)
    )
    sums: dict[tuple[datetime, str, str], list[int]] = {}
    for r in selected:
        start = _bucket_start(r.started_at, size)
        for change, n in (("added", r.added), ("removed", -r.removed)):
            if change == "removed" and n == 0:
                continue
            entry = sums.setdefault((start, r.provider_id, change), [0, 0])
            entry[0] += n
            entry[1] += 1
    rows = [
        {
            "start": start,
            "end": start + size,
            "provider_id": provider,
            "change": change,
            "models": models,
            "runs": count,
        }
        for (start, provider, change), (models, count) in sorted(sums.items())
    ]
    return name, rows


def seeding_summary(events: Sequence[HistoryEvent]) -> dict[str, Any] | None:
    """The catalog seeding in one line's worth: how many ``seeded`` events, from when to when.

    ``{"count": int, "providers": int, "first": datetime, "last": datetime}``, or ``None``.
    """
    seeded = [e for e in events if e.kind == "seeded"]
    if not seeded:
        return None
    return {
        "count": len(seeded),
        "providers": len({e.provider_id for e in seeded}),
        "first": min(e.at for e in seeded),
        "last": max(e.at for e in seeded),
    }
