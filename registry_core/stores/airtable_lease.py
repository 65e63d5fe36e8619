"""Refresh leases on Airtable: claim rows in the runs table, and who wins.

Airtable has no transactions and no conditional write, so a lease is taken in three steps
(:meth:`registry_core.stores.airtable.AirtableStore.acquire_leases`):

1. **read** the lease rows; a provider whose lease is live (unexpired, not released) is not
   claimed at all (the common case for the second host: one request, nothing written);
2. **claim**: write one row per remaining provider (upserted on its unique Run ID, so a retried
   request cannot make two);
3. **wait, read back, decide**: once Airtable's ``createdTime`` resolution (one second) has
   passed since the claim was answered, read the lease rows again. Among a provider's *live*
   claims the earliest by (``createdTime``, record id) holds the lease; a claimant that did not
   win deletes its claim.

Why at most one claimant wins: claims are ordered by the server's ``createdTime`` (one clock,
not the hosts' clocks), ties broken by record id, so every reader that sees the same claims
picks the same winner. A claimant decides only after a full second has passed since its claim
existed, so every claim whose ``createdTime`` is not later than its own was created before its
read-back and is in it; a claim it cannot see is strictly later and cannot beat it. Two
claimants A (earlier) and B therefore both see A's claim, and B loses. What this does not
cover: a holder that runs longer than the TTL (its claim expires and another host may take
over) and clocks skewed by more than the TTL (expiry is judged on the reader's clock against
the claimant's Started At).

The rows reuse the runs table, so existing bases need no new table or field:

=============  ==============================================================================
Run ID         ``__lease__:<provider>:<token>`` (never returned by ``list_runs``)
Provider ID    the provider
Trigger        ``schedule``
Started At     when the claim was written (claimant's clock)
Duration (s)   the TTL while held; on release, the time held (so it expires at release)
Outcome        ``skipped`` (a reader that does not know leases never counts it as a listing)
Error Class    the lease state: ``lease-held``, ``lease-released`` or ``lease-refreshed``
Message        the holder ("host (pid 123)")
=============  ==============================================================================

Released rows stay as the "last refreshed by" record until the next holder of that provider
releases its own lease and deletes the older rows, so the table keeps about one lease row per
provider.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pyairtable import formulas as F

from registry_core.cells import format_datetime
from registry_core.stores import airtable_schema as S
from registry_core.stores.base import Lease, LeaseState

LEASE_RUN_ID_PREFIX = "__lease__:"
HELD = "lease-held"
RELEASED = "lease-released"
REFRESHED = "lease-refreshed"
STATES = (HELD, RELEASED, REFRESHED)
#: Airtable's ``createdTime`` has whole seconds; a claim is decided this long after it exists.
DECIDE_AFTER_S = 1.1
#: The cells a lease read asks for.
LEASE_FIELDS = [
    S.RUN_ID,
    S.RUN_PROVIDER_ID,
    S.RUN_STARTED_AT,
    S.RUN_DURATION,
    S.RUN_ERROR_CLASS,
    S.RUN_MESSAGE,
]


@dataclass(frozen=True, slots=True)
class Claim:
    """One lease row as read."""

    record_id: str
    run_id: str
    provider_id: str
    holder: str
    token: str
    created: str  # Airtable's createdTime, ISO text: sorts as time
    started_at: datetime
    expires_at: datetime
    state: str

    def live(self, now: datetime) -> bool:
        return self.state == HELD and self.expires_at > now

    def as_lease(self) -> Lease:
        return Lease(self.provider_id, self.holder, self.token, self.started_at, self.expires_at)


def run_id(provider_id: str, token: str) -> str:
    return f"{LEASE_RUN_ID_PREFIX}{provider_id}:{token}"


def is_lease_run_id(value: str | None) -> bool:
    return bool(value) and str(value).startswith(LEASE_RUN_ID_PREFIX)


def leases_formula() -> str:
    """Every lease row (and nothing else) of the runs table."""
    return str(F.EQ(F.LEFT(F.Field(S.RUN_ID), len(LEASE_RUN_ID_PREFIX)), LEASE_RUN_ID_PREFIX))


def not_a_lease() -> F.Formula:
    """The formula term that leaves lease rows out of a runs listing."""
    return F.NOT(F.EQ(F.LEFT(F.Field(S.RUN_ID), len(LEASE_RUN_ID_PREFIX)), LEASE_RUN_ID_PREFIX))


def claim_fields(
    provider_id: str, holder: str, token: str, now: datetime, ttl_s: float
) -> dict[str, Any]:
    return {
        S.RUN_ID: run_id(provider_id, token),
        S.RUN_PROVIDER_ID: provider_id,
        S.RUN_TRIGGER: "schedule",
        S.RUN_STARTED_AT: format_datetime(now),
        S.RUN_DURATION: round(float(ttl_s), 3),
        S.RUN_OUTCOME: "skipped",
        S.RUN_ERROR_CLASS: HELD,
        S.RUN_MESSAGE: holder,
    }


def release_fields(lease: Lease, now: datetime, *, refreshed: bool) -> dict[str, Any]:
    held_s = max(0.0, (now - lease.acquired_at).total_seconds())
    return {
        S.RUN_ID: run_id(lease.provider_id, lease.token),
        S.RUN_DURATION: round(held_s, 3),
        S.RUN_ERROR_CLASS: REFRESHED if refreshed else RELEASED,
    }


def parse_claim(row: Mapping[str, Any]) -> Claim | None:
    """A lease row back to a claim; ``None`` when it is not one or a cell is broken."""
    cells = row.get("fields") or {}
    rid = cells.get(S.RUN_ID)
    provider = cells.get(S.RUN_PROVIDER_ID)
    if not (isinstance(rid, str) and is_lease_run_id(rid) and isinstance(provider, str)):
        return None
    token = rid[len(LEASE_RUN_ID_PREFIX) :].rpartition(":")[2]
    state = cells.get(S.RUN_ERROR_CLASS)
    try:
        started = datetime.fromisoformat(str(cells[S.RUN_STARTED_AT]).replace("Z", "+00:00"))
        started = (started if started.tzinfo else started.replace(tzinfo=UTC)).astimezone(UTC)
        duration = float(cells.get(S.RUN_DURATION) or 0.0)
    except (KeyError, TypeError, ValueError):
        return None
    holder = cells.get(S.RUN_MESSAGE)
    return Claim(
        record_id=str(row.get("id") or ""),
        run_id=rid,
        provider_id=provider,
        holder=holder if isinstance(holder, str) and holder else "?",
        token=token,
        created=str(row.get("createdTime") or ""),
        started_at=started,
        expires_at=started + timedelta(seconds=duration),
        state=state if state in STATES else RELEASED,
    )


def decide(claims: Iterable[Claim], provider_id: str, now: datetime) -> LeaseState:
    """The provider's lease state from its claim rows: earliest live claim wins."""
    mine = [c for c in claims if c.provider_id == provider_id]
    live = sorted((c for c in mine if c.live(now)), key=lambda c: (c.created, c.record_id))
    refreshed = [c for c in mine if c.state == REFRESHED]
    last = max(refreshed, key=lambda c: c.expires_at, default=None)
    return LeaseState(
        provider_id=provider_id,
        lease=live[0].as_lease() if live else None,
        refreshed_by=last.holder if last else None,
        refreshed_at=last.expires_at if last else None,
    )


def stale(
    claims: Iterable[Claim], provider_id: str, keep: str, now: datetime
) -> tuple[list[str], str | None]:
    """Rows of the provider that are no longer live (except the claim ``keep``), and which of
    them is the newest "refreshed" record (kept unless the holder of ``keep`` refreshes)."""
    mine = [c for c in claims if c.provider_id == provider_id and c.token != keep]
    dead = [c for c in mine if not c.live(now) and c.record_id]
    newest = max(
        (c for c in dead if c.state == REFRESHED), key=lambda c: c.expires_at, default=None
    )
    return [c.record_id for c in dead], newest.record_id if newest else None
