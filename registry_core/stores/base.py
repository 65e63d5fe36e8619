"""The ``RegistryStore`` protocol: what every registry tier (SQLite, Airtable) provides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.plan import PlanOutcome, WritePlan
from registry_core.records import LoadResult, ModelRecord


@dataclass(slots=True)
class UpsertResult:
    """What an upsert did: rows created, rows updated, rows left alone (unchanged)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    requests: int = 0  # store round trips used (Airtable requests; 0 for SQLite)


@dataclass(slots=True)
class StoreHealth:
    """The answer to "is this tier usable?", for the Status page and ``registry_core status``."""

    name: str  # "sqlite" / "airtable"
    location: str  # file path or base id + endpoint (never a token)
    reachable: bool
    writable: bool
    schema_ok: bool
    problems: list[str] = field(default_factory=list)
    fix: str | None = None  # the command to run, when there is one


# --- refresh leases (multi-host scheduled refresh; see registry_core/lease.py) ----------------


@dataclass(frozen=True, slots=True)
class Lease:
    """One holder's right to list and write one provider until ``expires_at``.

    ``token`` tells this claim from any other (the same holder may claim twice); releasing
    needs it.
    """

    provider_id: str
    holder: str  # who holds it, for people: "host (pid 123)"
    token: str
    acquired_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class LeaseState:
    """What the registry knows about one provider's lease.

    ``lease`` is the live lease (unexpired, not released), whoever holds it; ``refreshed_by`` /
    ``refreshed_at`` name the last holder that released it after a successful refresh.
    """

    provider_id: str
    lease: Lease | None = None
    refreshed_by: str | None = None
    refreshed_at: datetime | None = None

    def held_by(self, token: str) -> bool:
        """Whether the live lease is the claim ``token``."""
        return self.lease is not None and self.lease.token == token


@runtime_checkable
class RegistryStore(Protocol):
    """A registry tier. Implementations: ``SQLiteStore`` and ``AirtableStore``.

    Every method raises a :class:`registry_core.errors.RegistryError` subclass on failure.
    """

    name: str

    @property
    def location(self) -> str:
        """Where the registry lives, for people (a file path, or base id @ endpoint; no token)."""
        ...

    @property
    def writable(self) -> bool:
        """Whether writes go anywhere (Airtable in ``read`` mode is not writable)."""
        ...

    def list_models(self, provider_id: str | None = None) -> LoadResult:
        """All records (or one provider's), parsed through the row parser, with warnings."""
        ...

    def upsert_models(self, records: Sequence[ModelRecord]) -> UpsertResult:
        """Create or update records keyed on (Provider ID, Model ID); writes only changed rows.

        Every field of a given record is written: ``None`` clears the cell.
        """
        ...

    def apply_plan(self, plan: WritePlan) -> PlanOutcome:
        """Apply a write plan (see :mod:`registry_core.plan`).

        Writes each row's ``set`` columns where they still hold ``expect`` (a column that
        differs is a conflict: skipped and reported, never an error), THEN appends only the
        events whose row and columns were saved (idempotent by ``event_key``), THEN records
        the run, then bumps the version when rows changed. Any failure of the store's driver
        is raised as a :class:`registry_core.errors.RegistryError` subclass.
        """
        ...

    def append_events(self, events: Sequence[HistoryEvent]) -> int:
        """Append history events; events whose ``event_key`` exists already are skipped.

        Returns how many were new.
        """
        ...

    def list_events(
        self,
        provider_id: str | None = None,
        model_id: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[HistoryEvent]:
        """History events, oldest first (the newest ``limit`` when given)."""
        ...

    def record_run(self, run: DiscoveryRun) -> None:
        """Record a discovery run (idempotent by ``run_id``)."""
        ...

    def list_runs(
        self, provider_id: str | None = None, limit: int | None = None
    ) -> list[DiscoveryRun]:
        """Discovery runs, newest first."""
        ...

    def get_version(self) -> str:
        """The registry version marker: changes whenever the registry's models change.

        A cheap read (one small query / request); other instances fold it into cache keys.
        """
        ...

    def bump_version(self) -> str:
        """Move the version marker on (called after writes); returns the new marker."""
        ...

    def health(self) -> StoreHealth:
        """Check the tier; never raises."""
        ...

    # --- refresh leases -----------------------------------------------------------------------

    def acquire_leases(
        self, provider_ids: Sequence[str], holder: str, ttl_s: float, *, token: str
    ) -> dict[str, LeaseState]:
        """Try to take the lease of each provider for ``ttl_s`` seconds as claim ``token``.

        Each provider's lease is separate: it is granted (``state.held_by(token)``) when no
        other live lease exists; an expired lease (a crashed holder) does not block. Returns
        the state of every provider asked, after the attempt.
        """
        ...

    def release_leases(self, leases: Sequence[Lease], *, refreshed: bool) -> None:
        """Give the leases up; ``refreshed`` records their holder as the last to refresh them.

        Releasing a lease that expired or was taken over is a no-op.
        """
        ...

    def lease_states(self, provider_ids: Sequence[str]) -> dict[str, LeaseState]:
        """The lease state of each provider (who holds it, who last refreshed it)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
