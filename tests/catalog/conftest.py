"""Fixtures for the catalog, enrichment and seeding tests."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from registry_core.catalog import Catalog, load_catalog
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.records import LoadResult, ModelRecord, parse_rows
from registry_core.stores.base import StoreHealth, UpsertResult
from registry_core.stores.sqlite import SQLiteStore

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def bad_raw() -> dict[str, Any]:
    """A models.dev-shaped payload with one good entry and many broken ones."""
    return json.loads((DATA / "bad_catalog.json").read_text())


class FakeStore:
    """A minimal in-memory RegistryStore: rows go through the same cells and row parser."""

    name = "fake"

    def __init__(self, *, writable: bool = True) -> None:
        self._writable = writable
        self.rows: dict[tuple[str, str], dict[str, Any]] = {}
        self.events: dict[str, HistoryEvent] = {}
        self.runs: dict[str, DiscoveryRun] = {}
        self.version = 0

    @property
    def location(self) -> str:
        return "memory"

    @property
    def writable(self) -> bool:
        return self._writable

    def list_models(self, provider_id: str | None = None) -> LoadResult:
        raw = [
            (f"{p}/{m}", cells)
            for (p, m), cells in self.rows.items()
            if provider_id is None or p == provider_id
        ]
        return parse_rows(raw)

    def upsert_models(self, records: Sequence[ModelRecord]) -> UpsertResult:
        result = UpsertResult()
        for record in records:
            cells = json.loads(json.dumps(record.to_fields(omit_empty=True)))
            old = self.rows.get(record.key)
            if old is None:
                result.created += 1
            elif old != cells:
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            self.rows[record.key] = cells
        return result

    def append_events(self, events: Sequence[HistoryEvent]) -> int:
        new = [e for e in events if e.event_key not in self.events]
        for e in new:
            self.events[e.event_key] = e
        return len(new)

    def list_events(
        self,
        provider_id: str | None = None,
        model_id: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[HistoryEvent]:
        out = [
            e
            for e in self.events.values()
            if (provider_id is None or e.provider_id == provider_id)
            and (model_id is None or e.model_id == model_id)
            and (since is None or e.at >= since)
        ]
        return out[-limit:] if limit else out

    def record_run(self, run: DiscoveryRun) -> None:
        self.runs.setdefault(run.run_id, run)

    def list_runs(
        self, provider_id: str | None = None, limit: int | None = None
    ) -> list[DiscoveryRun]:
        out = [r for r in self.runs.values() if provider_id is None or r.provider_id == provider_id]
        out.reverse()
        return out[:limit] if limit else out

    def get_version(self) -> str:
        return str(self.version)

    def bump_version(self) -> str:
        self.version += 1
        return str(self.version)

    def health(self) -> StoreHealth:
        return StoreHealth("fake", "memory", True, self._writable, True)

    def close(self) -> None:
        pass


@pytest.fixture(params=["fake", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Each seeding test runs against the in-memory fake and the real SQLite store."""
    if request.param == "fake":
        yield FakeStore()
        return
    real = SQLiteStore(tmp_path / "registry.db")
    try:
        yield real
    finally:
        real.close()
