"""History series for charts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.history import (
    availability_intervals,
    available_over_time,
    available_per_run,
    events_per_day,
    runs_series,
    to_json_rows,
)

D0 = datetime(2025, 6, 1, 9, tzinfo=UTC)


def ev(model: str, kind: str, days: float, provider: str = "openai") -> HistoryEvent:
    return HistoryEvent(
        f"{provider}{model}{kind}{days}", provider, model, kind, D0 + timedelta(days=days)
    )


EVENTS = [
    ev("a", "added", 0),
    ev("b", "added", 0),
    ev("a", "added", 0.5),  # a duplicate "added" (two hosts): counted once
    ev("c", "added", 0, "anthropic"),
    ev("b", "unavailable", 2),
    ev("z", "unavailable", 2),  # never seen up: ignored
    ev("b", "available_again", 3),
    ev("a", "cost_changed", 3),
    ev("s", "seeded", 0),
]


def test_available_over_time_is_a_daily_step_per_provider() -> None:
    rows = available_over_time(EVENTS, until=date(2025, 6, 5))
    openai = [(r["day"].day, r["available"]) for r in rows if r["provider_id"] == "openai"]
    assert openai == [(1, 2), (2, 2), (3, 1), (4, 2), (5, 2)]
    anthropic = [r["available"] for r in rows if r["provider_id"] == "anthropic"]
    assert anthropic == [1, 1, 1, 1, 1]
    assert available_over_time([]) == []


def test_availability_intervals() -> None:
    now = D0 + timedelta(days=4)
    rows = availability_intervals(EVENTS, now=now, provider_id="openai")
    spans = [(r["model_id"], r["start"], r["end"], r["ongoing"]) for r in rows]
    assert spans == [
        ("a", D0, now, True),
        ("b", D0, D0 + timedelta(days=2), False),
        ("b", D0 + timedelta(days=3), now, True),
    ]


def test_events_per_day() -> None:
    rows = events_per_day(EVENTS, provider_id="openai")
    assert {"day": date(2025, 6, 1), "kind": "added", "count": 3} in rows
    assert {"day": date(2025, 6, 4), "kind": "cost_changed", "count": 1} in rows
    assert sum(r["count"] for r in rows) == 8


def test_runs_series_and_available_per_run() -> None:
    runs = [
        DiscoveryRun(
            "r2",
            "openai",
            "schedule",
            D0 + timedelta(hours=6),
            models_seen=0,
            outcome="failed",
            error_class="auth",
        ),
        DiscoveryRun("r1", "openai", "user", D0, models_seen=10, added=10),
        DiscoveryRun("r3", "openai", "cli", D0 + timedelta(hours=12), models_seen=9, removed=1),
        DiscoveryRun("x", "groq", "cli", D0, models_seen=3),
    ]
    rows = runs_series(runs, provider_id="openai")
    assert [r["run_id"] for r in rows] == ["r1", "r2", "r3"]
    assert rows[1]["error_class"] == "auth"
    seen = available_per_run(runs, provider_id="openai")
    assert [(r["models_seen"], r["outcome"]) for r in seen] == [(10, "ok"), (9, "ok")]
    assert to_json_rows(seen)[0]["at"] == "2025-06-01T09:00:00.000Z"
