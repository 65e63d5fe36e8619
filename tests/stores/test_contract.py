"""The store contract: every test runs on SQLite and on Airtable (the stand-in), same results."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from registry_core import records as R
from registry_core.events import DiscoveryRun, HistoryEvent, make_event_key
from registry_core.records import ModelRecord
from registry_core.stores.base import RegistryStore

from .conftest import RawWriter

T0 = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


def full(provider: str, model: str, **changes: Any) -> ModelRecord:
    record = ModelRecord(
        provider_id=provider,
        model_id=model,
        model_name=f"{model} name",
        status="active",
        available=True,
        last_verified=T0,
        discovery_method="api",
        cost_per_1k=0.0025,
        output_cost_per_1k=0.01,
        max_tokens=128_000,
        max_output_tokens=16_384,
        features=("chat", "vision"),
        regions=("us", "eu"),
        release_date=date(2024, 5, 13),
        deprecation_date=date(2025, 6, 1),
        retirement_date=date(2025, 12, 1),
        recommended=True,
        sort_order=-2,
        successor_model="gpt-5",
        alias_of="gpt-4o-2024-08-06",
        source="provider+catalog",
        scope="openai/acme",
        notes="line one\nline two",
        metadata={"provenance": {"Cost per 1K tokens": "catalog"}, "raw": {"id": model}},
    )
    return record.replace(**changes)


def by_key(store: RegistryStore, provider: str | None = None) -> dict[tuple[str, str], ModelRecord]:
    result = store.list_models(provider)
    return {r.key: r for r in result.records}


def test_is_a_registry_store(store: RegistryStore) -> None:
    assert isinstance(store, RegistryStore)
    assert store.writable is True
    assert store.list_models().records == []


def test_upsert_creates_then_updates_and_lists(store: RegistryStore) -> None:
    first = store.upsert_models([full("openai", "gpt-4o"), ModelRecord("anthropic", "claude-3")])
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    changed = full("openai", "gpt-4o", cost_per_1k=0.002, status="deprecated")
    second = store.upsert_models([changed, ModelRecord("anthropic", "claude-3")])
    assert (second.created, second.updated, second.unchanged) == (0, 1, 1)
    rows = by_key(store)
    assert rows[("openai", "gpt-4o")] == changed
    assert rows[("anthropic", "claude-3")] == ModelRecord("anthropic", "claude-3")
    assert list(by_key(store, "anthropic")) == [("anthropic", "claude-3")]
    assert by_key(store, "nobody") == {}


def test_full_record_round_trips_every_field(store: RegistryStore) -> None:
    record = full("openai", "gpt-4o")
    store.upsert_models([record])
    result = store.list_models()
    assert result.records == [record]
    assert result.warnings == []


def test_unchanged_rows_are_not_written(store: RegistryStore) -> None:
    records = [full("openai", f"m{i}") for i in range(12)]
    store.upsert_models(records)
    again = store.upsert_models(records)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 12)
    assert again.requests == 0


def test_none_clears_a_field(store: RegistryStore) -> None:
    store.upsert_models([full("openai", "gpt-4o")])
    cleared = full(
        "openai", "gpt-4o", notes=None, cost_per_1k=None, features=(), retirement_date=None
    )
    assert store.upsert_models([cleared]).updated == 1
    got = by_key(store)[("openai", "gpt-4o")]
    assert got.notes is None and got.cost_per_1k is None and got.features == ()
    assert got.retirement_date is None
    assert got == cleared


def test_empty_and_false_round_trip(store: RegistryStore) -> None:
    bare = ModelRecord("openai", "bare", available=False, recommended=False, cost_per_1k=0.0)
    store.upsert_models([bare])
    got = by_key(store)[("openai", "bare")]
    assert got == bare
    assert got.available is False and got.cost_per_1k == 0.0  # 0 is a value, not empty
    # turning a checkbox off is a change, and reads back as False
    store.upsert_models([full("openai", "flag")])
    store.upsert_models([full("openai", "flag", available=False, recommended=False)])
    got = by_key(store)[("openai", "flag")]
    assert got.available is False and got.recommended is False


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("openai", "it's-a-model"),
        ("openai", 'say "hi"'),
        ("openai", "{braces}"),
        ("openai", "back\\slash"),
        ("o'prov", "x"),
        ("we{ird}", "back\\slash'\"{}"),
    ],
)
def test_awkward_ids(store: RegistryStore, provider: str, model: str) -> None:
    store.upsert_models([ModelRecord(provider, model), ModelRecord("other", model)])
    assert list(by_key(store, provider)) == [(provider, model)]
    assert store.upsert_models([ModelRecord(provider, model)]).unchanged == 1
    assert len(store.list_models().records) == 2


def test_bad_hand_typed_cells_come_back_as_warnings(
    store: RegistryStore, put_raw_rows: RawWriter
) -> None:
    bad_cells: list[tuple[str, Any]] = [
        (R.STATUS, "Retired"),
        (R.DISCOVERY_METHOD, "scraped"),
        (R.FEATURES, ["chat", "audio"]),
        (R.REGIONS, ["apac"]),
        (R.METADATA, "{not json"),
        (R.METADATA, "[1, 2]"),
        (R.COST_PER_1K, -0.5),
        (R.MAX_TOKENS, 1.5),
        (R.SORT_ORDER, 2.5),
        (R.MODEL_NAME, "bell\x07name"),
    ]
    rows = []
    for i in range(50):
        name, value = bad_cells[i % len(bad_cells)]
        rows.append({R.PROVIDER_ID: "acme", R.MODEL_ID: f"m{i:02d}", name: value})
    put_raw_rows(rows)
    result = store.list_models()
    assert len(result.records) == 50
    fields_warned = [w.field for w in result.warnings]
    assert len(result.warnings) == 50
    for name, _ in bad_cells:
        assert fields_warned.count(name) == 5 * sum(1 for n, _ in bad_cells if n == name)
    rec = {r.model_id: r for r in result.records}
    assert rec["m00"].status is None and rec["m02"].features == ("chat",)
    assert rec["m09"].model_name == "bellname"


def test_rows_without_a_key_are_rejected_with_a_warning(
    store: RegistryStore, put_raw_rows: RawWriter
) -> None:
    put_raw_rows(
        [{R.PROVIDER_ID: "acme", R.MODEL_NAME: "no id"}, {R.PROVIDER_ID: "acme", R.MODEL_ID: "ok"}]
    )
    result = store.list_models()
    assert [r.model_id for r in result.records] == ["ok"]
    assert any("Model ID is empty" in w.message for w in result.warnings)


def _event(model: str, kind: str, at: datetime, provider: str = "openai") -> HistoryEvent:
    return HistoryEvent(
        event_key=make_event_key(provider, model, kind, at.isoformat()),
        provider_id=provider,
        model_id=model,
        kind=kind,
        at=at,
        run_id="run-1",
        source="discovery",
        detail={"new": kind},
    )


def test_append_events_is_idempotent_by_key(store: RegistryStore) -> None:
    events = [_event("gpt-4o", "added", T0), _event("gpt-4o", "cost_changed", T0 + timedelta(1))]
    assert store.append_events(events) == 2
    assert store.append_events(events) == 0
    assert store.append_events([*events, events[0], _event("o3", "added", T0)]) == 1
    assert len(store.list_events()) == 3
    assert store.append_events([]) == 0


def test_list_events_filters_and_order(store: RegistryStore) -> None:
    events = [
        _event("b", "added", T0 + timedelta(hours=3)),
        _event("a", "added", T0 + timedelta(hours=1)),
        _event("a", "cost_changed", T0 + timedelta(hours=2)),
        _event("x", "added", T0 + timedelta(hours=4), provider="anthropic"),
    ]
    store.append_events(events)
    assert [e.at for e in store.list_events()] == [T0 + timedelta(hours=h) for h in (1, 2, 3, 4)]
    assert store.list_events()[0] == events[1]  # every field round-trips
    assert [e.model_id for e in store.list_events(provider_id="openai")] == ["a", "a", "b"]
    assert [e.kind for e in store.list_events("openai", "a")] == ["added", "cost_changed"]
    since = store.list_events(since=T0 + timedelta(hours=2))
    assert [e.model_id for e in since] == ["a", "b", "x"]
    newest = store.list_events(limit=2)
    assert [e.model_id for e in newest] == ["b", "x"]  # the newest two, oldest first
    assert store.list_events(provider_id="nobody") == []


def _run(run_id: str, provider: str, minutes: int, **kw: Any) -> DiscoveryRun:
    fields: dict[str, Any] = {"duration_s": 1.5, "models_seen": 10, "added": 1, "changed": 2}
    fields.update(kw)
    return DiscoveryRun(
        run_id=run_id,
        provider_id=provider,
        trigger="cli",
        started_at=T0 + timedelta(minutes=minutes),
        **fields,
    )


def test_runs_newest_first_and_idempotent(store: RegistryStore) -> None:
    store.record_run(_run("r1", "openai", 1))
    store.record_run(_run("r2", "anthropic", 2, outcome="failed", error_class="auth", message="x"))
    store.record_run(_run("r3", "openai", 3, credential="openai/default"))
    store.record_run(_run("r1", "openai", 1, models_seen=11))  # same run again: replaced
    runs = store.list_runs()
    assert [r.run_id for r in runs] == ["r3", "r2", "r1"]
    assert runs[1] == _run("r2", "anthropic", 2, outcome="failed", error_class="auth", message="x")
    assert runs[2].models_seen == 11
    assert [r.run_id for r in store.list_runs("openai")] == ["r3", "r1"]
    assert [r.run_id for r in store.list_runs(limit=1)] == ["r3"]


def test_version_moves_on_bump(store: RegistryStore) -> None:
    before = store.get_version()
    assert store.get_version() == before
    bumped = store.bump_version()
    assert bumped != before
    assert store.get_version() == bumped
    assert store.bump_version() != bumped
    # the marker is never mistaken for a discovery run
    assert store.list_runs() == []


def test_health(store: RegistryStore) -> None:
    health = store.health()
    assert health.reachable and health.writable and health.schema_ok
    assert health.problems == []
    assert health.name == store.name
