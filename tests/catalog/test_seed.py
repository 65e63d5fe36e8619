"""First-run seeding from the catalog, against an in-memory fake and the real SQLite store."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from registry_core.catalog import Catalog
from registry_core.config import DEFAULT_PROVIDERS
from registry_core.events import make_event_key
from registry_core.records import ModelRecord
from registry_core.seed import SeedResult, seed_if_empty, seed_run_id
from registry_core.stores.sqlite import SQLiteStore

from .conftest import FakeStore

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_seeds_the_default_providers(store: Any, catalog: Catalog) -> None:
    version_before = store.get_version()

    result = seed_if_empty(store, DEFAULT_PROVIDERS, catalog, now=NOW)

    loaded = store.list_models()
    assert loaded.warnings == []
    expected = sum(len(catalog.records_for(p)) for p in DEFAULT_PROVIDERS)
    assert result.rows == len(loaded.records) == expected
    assert result.rows >= 100
    providers = {r.provider_id for r in loaded.records}
    assert providers == set(DEFAULT_PROVIDERS)
    assert len(providers) >= 3
    assert result.providers == list(DEFAULT_PROVIDERS)
    assert result.missing_providers == []
    assert result.skipped is None
    for record in loaded.records:
        assert record.discovery_method == "fallback"
        assert record.available is False
        # "dataset": a model only the bundled lifecycle dataset knows (lifecycle_data.py)
        assert record.source in ("catalog", "dataset")
    assert store.get_version() != version_before


def test_seeded_rows_equal_catalog_records(store: Any, catalog: Catalog) -> None:
    seed_if_empty(store, ["openai"], catalog, now=NOW)
    stored = {r.model_id: r for r in store.list_models("openai").records}
    for record in catalog.records_for("openai"):
        assert stored[record.model_id] == record


def test_one_event_per_model(store: Any, catalog: Catalog) -> None:
    result = seed_if_empty(store, ["anthropic", "deepseek"], catalog, now=NOW)

    events = store.list_events()
    assert result.events == len(events) == result.rows
    keys = {e.event_key for e in events}
    assert keys == {
        make_event_key(r.provider_id, r.model_id, "seeded") for r in store.list_models().records
    }
    for event in events:
        assert event.kind == "seeded"
        assert event.source == "catalog"
        assert event.at == NOW
        assert event.run_id == seed_run_id(event.provider_id, catalog.version)


def test_one_seed_run_per_provider(store: Any, catalog: Catalog) -> None:
    seed_if_empty(store, ["anthropic", "deepseek"], catalog, now=NOW)

    runs = {r.provider_id: r for r in store.list_runs()}
    assert set(runs) == {"anthropic", "deepseek"}
    for provider, run in runs.items():
        assert run.trigger == "seed"
        assert run.outcome == "ok"
        assert run.added == run.models_seen == len(catalog.records_for(provider))


def test_second_run_writes_nothing(store: Any, catalog: Catalog) -> None:
    first = seed_if_empty(store, DEFAULT_PROVIDERS, catalog, now=NOW)
    version = store.get_version()
    counts = (len(store.list_models().records), len(store.list_events()), len(store.list_runs()))

    second = seed_if_empty(store, DEFAULT_PROVIDERS, catalog, now=NOW)

    assert first.rows > 0
    assert (second.rows, second.events, second.runs) == (0, 0, 0)
    assert second.skipped == "the registry already has models"
    assert not second.seeded
    assert store.get_version() == version
    assert (
        len(store.list_models().records),
        len(store.list_events()),
        len(store.list_runs()),
    ) == counts


def test_non_empty_store_is_left_alone(store: Any, catalog: Catalog) -> None:
    store.upsert_models([ModelRecord("openai", "gpt-4o", discovery_method="api", available=True)])

    result = seed_if_empty(store, DEFAULT_PROVIDERS, catalog, now=NOW)

    assert result.rows == 0
    (only,) = store.list_models().records
    assert only.discovery_method == "api"
    assert store.list_events() == []


def test_unknown_providers_are_reported(store: Any, catalog: Catalog) -> None:
    result = seed_if_empty(store, ["deepseek", "no-such-provider", " DeepSeek "], catalog)
    assert result.providers == ["deepseek"]
    assert result.missing_providers == ["no-such-provider"]


def test_nothing_to_seed(store: Any, catalog: Catalog) -> None:
    result = seed_if_empty(store, [], catalog)
    assert result == SeedResult()


def test_read_only_store_is_skipped(catalog: Catalog) -> None:
    store = FakeStore(writable=False)
    result = seed_if_empty(store, DEFAULT_PROVIDERS, catalog)
    assert result.rows == 0
    assert result.skipped is not None and "read-only" in result.skipped
    assert store.rows == {}


def test_rows_written_in_between_are_not_overwritten(catalog: Catalog) -> None:
    """A discovery finishing between the emptiness check and the seed's write keeps its rows."""
    real = ModelRecord(
        "openai", "gpt-4o", discovery_method="api", available=True, source="provider"
    )

    class RacingStore(FakeStore):
        checks = 0

        def list_models(self, provider_id: str | None = None) -> Any:
            if provider_id == "openai" and not self.rows:
                FakeStore.upsert_models(self, [real])  # the discovery lands now
            return super().list_models(provider_id)

    store = RacingStore()
    result = seed_if_empty(store, ["openai"], catalog)

    stored = {r.model_id: r for r in store.list_models("openai").records}
    assert stored["gpt-4o"] == real
    assert result.rows == len(catalog.records_for("openai")) - 1
    assert make_event_key("openai", "gpt-4o", "seeded") not in store.events


def _seed_in_process(path: str, queue: Any) -> None:
    from registry_core.stores.sqlite import SQLiteStore

    store = SQLiteStore(Path(path))
    result = seed_if_empty(store, ["anthropic", "deepseek", "xai"])
    queue.put((result.rows, result.events))
    store.close()


@pytest.mark.slow
def test_two_processes_seeding_at_once(tmp_path: Path, catalog: Catalog) -> None:
    path = str(tmp_path / "registry.db")
    SQLiteStore(Path(path)).close()  # create the schema once
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_seed_in_process, args=(path, queue)) for _ in range(2)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    results = [queue.get(timeout=5) for _ in procs]

    store = SQLiteStore(Path(path))
    expected = sum(len(catalog.records_for(p)) for p in ("anthropic", "deepseek", "xai"))
    assert len(store.list_models().records) == expected
    assert len(store.list_events()) == expected  # no duplicate events
    assert len(store.list_runs()) == 3  # one run per provider, whoever wrote it
    assert sum(events for _, events in results) == expected
    store.close()
