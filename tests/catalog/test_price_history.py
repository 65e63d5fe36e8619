"""Price history (issue 14): every price change is a cost_changed event with old, new and
source; prices "as of" a past moment and a model's price over time are rebuilt from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from registry_core import records as R
from registry_core.events import HistoryEvent
from registry_core.export import records_to_csv
from registry_core.merge import merge_listing
from registry_core.price_history import price_points, prices_as_of
from registry_core.providers.base import DiscoveredModel
from registry_core.records import ModelRecord

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _listing(cost: float | None, cache: float | None = None) -> list[DiscoveredModel]:
    prov = {R.COST_PER_1K: "provider"} if cost is not None else {}
    if cache is not None:
        prov[R.CACHE_READ_COST_PER_1K] = "catalog"
    return [
        DiscoveredModel(
            "openai", "gpt-4o", cost_per_1k=cost, cache_read_cost_per_1k=cache, provenance=prov
        )
    ]


def test_every_price_change_is_an_event_with_its_source() -> None:
    first = merge_listing("openai", _listing(None), [], now=T0)
    priced = merge_listing("openai", _listing(0.005), first.records, now=T0 + timedelta(days=1))
    cut = merge_listing(
        "openai", _listing(0.0025, 0.00125), priced.records, now=T0 + timedelta(days=30)
    )
    first_price = [e for e in priced.events if e.kind == "cost_changed"]
    assert [e.detail for e in first_price] == [
        {"field": R.COST_PER_1K, "old": None, "new": 0.005, "source": "provider"}
    ]  # the first price is a change too (the old code only recorded changes of a price)
    details = sorted((e.detail["field"], e.detail["old"], e.detail["new"]) for e in cut.events)
    assert details == [
        (R.CACHE_READ_COST_PER_1K, None, 0.00125),
        (R.COST_PER_1K, 0.005, 0.0025),
    ]
    assert {e.detail["source"] for e in cut.events} == {"provider", "catalog"}


def _event(day: int, field: str, old: float | None, new: float | None) -> HistoryEvent:
    return HistoryEvent(
        f"k{day}{field}",
        "openai",
        "gpt-4o",
        "cost_changed",
        T0 + timedelta(days=day),
        source="discovery",
        detail={"field": field, "old": old, "new": new, "source": "provider"},
    )


EVENTS = [
    HistoryEvent("a", "openai", "gpt-4o", "added", T0),
    _event(10, R.COST_PER_1K, 0.005, 0.0025),
    _event(20, R.COST_PER_1K, 0.0025, 0.002),
    _event(20, R.CACHE_READ_COST_PER_1K, None, 0.001),
]
NOW = ModelRecord("openai", "gpt-4o", cost_per_1k=0.002, cache_read_cost_per_1k=0.001)
LATE = ModelRecord("openai", "o9", cost_per_1k=0.1, metadata={"first_seen": "2025-01-25T00:00:00Z"})


def test_prices_as_of_a_past_day() -> None:
    def at(day: int) -> list[ModelRecord]:
        return prices_as_of([NOW, LATE], EVENTS, T0 + timedelta(days=day))

    assert [(r.model_id, r.cost_per_1k, r.cache_read_cost_per_1k) for r in at(5)] == [
        ("gpt-4o", 0.005, None)
    ]  # o9 was not in the registry yet
    assert [r.cost_per_1k for r in at(15)] == [0.0025]
    assert [(r.cost_per_1k, r.cache_read_cost_per_1k) for r in at(40)] == [
        (0.002, 0.001),
        (0.1, None),
    ]
    assert NOW.cost_per_1k == 0.002  # pure: the records are not changed


def test_csv_as_of_a_past_day() -> None:
    old = prices_as_of([NOW], EVENTS, T0 + timedelta(days=5))
    assert records_to_csv(old, ["Model ID", "Input $/1M", "Cache read $/1M"]).splitlines() == [
        "Model ID,Input $/1M,Cache read $/1M",
        "gpt-4o,5,",
    ]


def test_price_points_step_through_the_changes() -> None:
    points = price_points(NOW, EVENTS, now=T0 + timedelta(days=40))
    inputs = [(p["at"], p["usd_per_1m"], p["source"]) for p in points if p["price"] == "input"]
    assert inputs == [
        (T0, 5.0, "first seen"),
        (T0 + timedelta(days=10), 2.5, "provider"),
        (T0 + timedelta(days=20), 2.0, "provider"),
        (T0 + timedelta(days=40), 2.0, "today"),
    ]
    assert {p["price"] for p in points} == {"input", "cache read"}


def test_malformed_events_are_ignored() -> None:
    junk = [
        HistoryEvent("j", "openai", "gpt-4o", "cost_changed", T0, detail={"field": "Notes"}),
        HistoryEvent("j2", "openai", "gpt-4o", "cost_changed", T0, detail={}),
    ]
    assert prices_as_of([NOW], junk, T0 - timedelta(days=1))[0].cost_per_1k == 0.002
