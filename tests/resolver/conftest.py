"""Fixtures for the resolver tests: an in-memory store that can go down, a scripted provider
listing, a hand-driven clock, and settings that keep every file under ``tmp_path``."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from registry_core.config import Settings
from registry_core.errors import RegistryError, UnavailableError
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.plan import PlanOutcome, WritePlan, apply_cells, events_by_row, resolve_row
from registry_core.providers.base import Credential, DiscoveredModel
from registry_core.records import LoadResult, ModelRecord, parse_row
from registry_core.stores.base import StoreHealth, UpsertResult

DATA = Path(__file__).parent / "data"
T0 = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def load_listing(name: str, provider_id: str = "openai") -> list[DiscoveredModel]:
    """A provider listing from tests/resolver/data/<name>.json (ids + optional facts)."""
    rows = json.loads((DATA / f"{name}.json").read_text())
    for row in rows:
        row["features"] = tuple(row.get("features", ()))
    return [DiscoveredModel(provider_id=provider_id, **row) for row in rows]


class Clock:
    """A clock the test moves by hand; gives both wall time and a monotonic reading."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def monotonic(self) -> float:
        with self._lock:
            return (self.now - T0).total_seconds()

    def advance(self, **delta: float) -> None:
        with self._lock:
            self.now += timedelta(**delta)


class MemoryStore:
    """A RegistryStore in memory. ``down = True`` makes every call raise UnavailableError."""

    name = "memory"

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], ModelRecord] = {}
        self.events: dict[str, HistoryEvent] = {}
        self.runs: dict[str, DiscoveryRun] = {}
        self.version = 0
        self.down = False
        self.read_only = False
        self.calls: dict[str, int] = {}
        self._lock = threading.Lock()

    def _enter(self, name: str) -> None:
        with self._lock:
            self.calls[name] = self.calls.get(name, 0) + 1
        if self.down:
            raise UnavailableError("the memory registry is down (test)", hint="wait")

    @property
    def location(self) -> str:
        return "memory"

    @property
    def writable(self) -> bool:
        return not self.read_only

    def list_models(self, provider_id: str | None = None) -> LoadResult:
        self._enter("list_models")
        with self._lock:
            rows = [r for r in self.rows.values() if provider_id in (None, r.provider_id)]
        return LoadResult(records=rows)

    def upsert_models(self, records: Sequence[ModelRecord]) -> UpsertResult:
        self._enter("upsert_models")
        out = UpsertResult()
        with self._lock:
            for record in records:
                old = self.rows.get(record.key)
                if old == record:
                    out.unchanged += 1
                    continue
                self.rows[record.key] = record
                if old is None:
                    out.created += 1
                else:
                    out.updated += 1
        return out

    def apply_plan(self, plan: WritePlan) -> PlanOutcome:
        self._enter("apply_plan")
        outcome = PlanOutcome()
        by_row = events_by_row(plan.events)
        keep = list(plan.replay)
        with self._lock:
            for row in plan.rows:
                current = self.rows.get(row.key)
                resolved = resolve_row(row, current, by_row.get(row.key, ()))
                if resolved.conflicts:
                    outcome.conflicts.append((*row.key, resolved.conflicts))
                if not resolved.saved:
                    continue
                outcome.saved_rows += 1
                keep.extend(resolved.events)
                if not resolved.write:
                    continue
                base = current.to_fields(omit_empty=True) if current else {}
                record = parse_row(apply_cells(base, resolved.write)).record
                assert record is not None
                self.rows[row.key] = record
                if current is None:
                    outcome.created += 1
                else:
                    outcome.updated += 1
            for event in keep:
                if event.event_key not in self.events:
                    self.events[event.event_key] = event
                    outcome.events_written += 1
            if plan.run is not None:
                self.runs[plan.run.run_id] = plan.run
            if outcome.created or outcome.updated:
                self.version += 1
                outcome.version = str(self.version)
        return outcome

    def append_events(self, events: Sequence[HistoryEvent]) -> int:
        self._enter("append_events")
        new = 0
        with self._lock:
            for event in events:
                if event.event_key not in self.events:
                    self.events[event.event_key] = event
                    new += 1
        return new

    def list_events(
        self,
        provider_id: str | None = None,
        model_id: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[HistoryEvent]:
        self._enter("list_events")
        rows = sorted(
            (
                e
                for e in self.events.values()
                if provider_id in (None, e.provider_id)
                and model_id in (None, e.model_id)
                and (since is None or e.at >= since)
            ),
            key=lambda e: e.at,
        )
        return rows[-limit:] if limit else rows

    def record_run(self, run: DiscoveryRun) -> None:
        self._enter("record_run")
        with self._lock:
            self.runs[run.run_id] = run

    def list_runs(
        self, provider_id: str | None = None, limit: int | None = None
    ) -> list[DiscoveryRun]:
        self._enter("list_runs")
        rows = sorted(
            (r for r in self.runs.values() if provider_id in (None, r.provider_id)),
            key=lambda r: r.started_at,
            reverse=True,
        )
        return rows[:limit] if limit else rows

    def get_version(self) -> str:
        self._enter("get_version")
        return str(self.version)

    def bump_version(self) -> str:
        self._enter("bump_version")
        with self._lock:
            self.version += 1
            return str(self.version)

    def health(self) -> StoreHealth:
        return StoreHealth("memory", "memory", not self.down, not self.read_only, True)

    def close(self) -> None:
        pass


@dataclass
class FakeDiscover:
    """A scripted provider: returns ``models`` (per provider), or raises ``error``."""

    models: dict[str, list[DiscoveredModel]] = field(default_factory=dict)
    error: RegistryError | None = None
    gate: threading.Event | None = None  # when set, calls block until the gate opens
    calls: int = 0
    seen: list[Credential] = field(default_factory=list)
    per_secret: dict[str, list[DiscoveredModel]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, credential: Credential, **_: Any) -> list[DiscoveredModel]:
        with self._lock:
            self.calls += 1
            self.seen.append(credential)
        if self.gate is not None:
            self.gate.wait(10)
        if self.error is not None:
            raise self.error
        if credential.secret and credential.secret in self.per_secret:
            return list(self.per_secret[credential.secret])
        return list(self.models.get(credential.provider_id, []))


def models(provider_id: str, *ids: str, **facts: Any) -> list[DiscoveredModel]:
    """Discovered models with the same ``facts`` (``features=("chat",)`` ...)."""
    return [DiscoveredModel(provider_id, model_id, **facts) for model_id in ids]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=("openai", "anthropic"),
        cache_key_secret="test-secret",
    )


@pytest.fixture
def catalog_records() -> Callable[[str], list[ModelRecord]]:
    def records(provider_id: str) -> list[ModelRecord]:
        return [
            ModelRecord(
                provider_id,
                f"{provider_id}-catalog-model",
                discovery_method="fallback",
                source="catalog",
                features=("chat",),
            )
        ]

    return records


# --- integration: the fake provider server and the Airtable stand-in ---------------------------


def new_base_id() -> str:
    import secrets
    import string

    alphabet = string.ascii_letters + string.digits
    return "app" + "".join(secrets.choice(alphabet) for _ in range(14))


def table_specs() -> list[dict[str, Any]]:
    """The three tables in Meta API create-table format (as setup-airtable creates them)."""
    from registry_core.stores.airtable_schema import TABLE_SPECS

    return [
        {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
        for s in TABLE_SPECS
    ]


@pytest.fixture
def fake_providers() -> Any:
    from registry_standins.fake_providers import FakeProviderServer

    with FakeProviderServer() as server:
        yield server


@pytest.fixture(scope="module")
def standin() -> Any:
    from registry_standins.airtable_server import AirtableStandIn

    with AirtableStandIn(rate_limit=None) as server:
        yield server


def airtable_store(server: Any, base_id: str, **kwargs: Any) -> Any:
    from registry_core.stores.airtable import AirtableStore
    from registry_standins.airtable_server import DEFAULT_TOKEN

    options: dict[str, Any] = {
        "endpoint_url": server if isinstance(server, str) else server.url,
        "requests_per_second": 500.0,
        "lockout_s": 0.5,
        "timeout": (1.0, 5.0),
    }
    options.update(kwargs)
    return AirtableStore(DEFAULT_TOKEN, base_id, **options)


@pytest.fixture
def airtable_base(standin: Any) -> str:
    base = new_base_id()
    standin.add_base(base, table_specs())
    return base


def live_settings(settings: Settings, fake: Any, providers: tuple[str, ...]) -> Settings:
    """Settings whose credentials point at the fake provider server on loopback."""
    from dataclasses import replace

    return replace(
        settings,
        providers=providers,
        env=fake.env(providers),
        allow_http_hosts=True,
        allowed_private_hosts=("127.0.0.1",),
    )
