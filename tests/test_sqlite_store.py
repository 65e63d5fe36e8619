"""The embedded SQLite registry: behaviour specific to it (the shared contract is in tests/stores/)."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from registry_core.errors import UnavailableError
from registry_core.events import DiscoveryRun, HistoryEvent, make_event_key
from registry_core.records import ModelRecord
from registry_core.stores.base import RegistryStore
from registry_core.stores.sqlite import MIGRATIONS, SQLiteStore


def _models(n: int, *, note: str = "") -> list[ModelRecord]:
    return [
        ModelRecord(
            provider_id="openai" if i % 2 else "anthropic",
            model_id=f"model-{i:04d}",
            cost_per_1k=i / 1000,
            notes=note or None,
        )
        for i in range(n)
    ]


def _upsert_worker(path: str, note: str, start: mp.synchronize.Event) -> None:
    store = SQLiteStore(Path(path))
    start.wait(10)
    # several batches, so the two processes interleave their transactions
    records = _models(500, note=note)
    for i in range(0, 500, 50):
        store.upsert_models(records[i : i + 50])
    store.close()


def test_is_a_registry_store(tmp_path: Path) -> None:
    assert isinstance(SQLiteStore(tmp_path / "r.db"), RegistryStore)


def test_migrations_are_versioned_and_rerun_safely(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    SQLiteStore(path).upsert_models([ModelRecord("openai", "o3")])
    store = SQLiteStore(path)  # second open applies nothing and keeps the data
    assert [r.model_id for r in store.list_models().records] == ["o3"]
    (version,) = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()
    assert version == len(MIGRATIONS)
    (mode,) = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"
    assert store.health().schema_ok


@pytest.mark.slow
def test_two_processes_upserting_the_same_500_rows(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    SQLiteStore(path)  # create the schema once, as the app does on start
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [
        ctx.Process(target=_upsert_worker, args=(str(path), note, start)) for note in ("a", "b")
    ]
    for proc in procs:
        proc.start()
    start.set()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0, 0]
    rows = SQLiteStore(path).list_models()
    assert len(rows.records) == 500
    assert rows.warnings == []
    assert len({r.key for r in rows.records}) == 500
    assert {r.notes for r in rows.records} <= {"a", "b"}


def test_upsert_counts_created_updated_unchanged(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    first = store.upsert_models(_models(3))
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    changed = [*_models(2), _models(3)[2].replace(cost_per_1k=9.0)]
    second = store.upsert_models(changed)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)


def test_bad_cells_stored_raw_come_back_as_warnings(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    store.put_raw_rows(
        [
            {"Provider ID": "openai", "Model ID": "ok", "Cost per 1K tokens": "$1"},
            {"Provider ID": "", "Model ID": "orphan"},
        ]
    )
    result = store.list_models()
    assert [r.model_id for r in result.records] == ["ok"]
    assert result.records[0].cost_per_1k is None
    assert len(result.warnings) == 2


def test_events_runs_and_version(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    at = datetime(2026, 11, 1, tzinfo=UTC)
    event = HistoryEvent(
        event_key=make_event_key("openai", "o3", "added"),
        provider_id="openai",
        model_id="o3",
        kind="added",
        at=at,
        detail={"new": True},
    )
    assert store.append_events([event, event]) == 1
    assert store.append_events([event]) == 0
    assert store.list_events(model_id="o3") == [event]
    run = DiscoveryRun(run_id="r1", provider_id="openai", trigger="cli", started_at=at)
    store.record_run(run)
    store.record_run(run)
    assert store.list_runs() == [run]
    before = store.get_version()
    assert store.bump_version() != before
    assert store.get_version() != before


def test_unopenable_path_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(UnavailableError, match="REGISTRY_DB_PATH"):
        SQLiteStore(blocker / "registry.db")
