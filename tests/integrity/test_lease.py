"""Item 8: refresh leases (one host lists and writes a provider at a time) and Airtable pacing
shared by the processes of one host.

Exclusivity, crash expiry and pacing are tested with real OS processes
(``tests/integrity/lease_worker.py``) against SQLite and the Airtable stand-in.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from registry_core import refresh
from registry_core.cache import TTLCache
from registry_core.config import Settings
from registry_core.errors import ConfigError, UnavailableError
from registry_core.providers.base import Credential, DiscoveredModel
from registry_core.service import ModelRegistryService
from registry_core.stores import airtable_lease as L
from registry_core.stores import airtable_schema as S
from registry_core.stores.airtable import AirtableStore
from registry_core.stores.airtable_http import RateLimiter
from registry_core.stores.airtable_pacing import PacingLedger, shared_limiter
from registry_core.stores.base import RegistryStore
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("lease_worker.py")
BASE = "appLeaseTests0001"


def tables() -> list[dict[str, Any]]:
    return [
        {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
        for s in S.TABLE_SPECS
    ]


@pytest.fixture
def standin() -> Iterator[AirtableStandIn]:
    server = AirtableStandIn(rate_limit=None).start()
    try:
        server.add_base(BASE, tables())
        yield server
    finally:
        server.stop()


def spawn(job: dict[str, Any]) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, str(WORKER), json.dumps(job)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def result(proc: subprocess.Popen[str], *, expect_exit: int = 0) -> dict[str, Any]:
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == expect_exit, err[-2000:]
    answer: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return answer


def store_job(kind: str, tmp_path: Path, standin: AirtableStandIn | None) -> dict[str, Any]:
    if kind == "sqlite":
        return {"store": "sqlite", "path": str(tmp_path / "shared.db")}
    assert standin is not None
    return {"store": "airtable", "url": standin.url, "base": BASE}


def open_store(job: dict[str, Any]) -> RegistryStore:
    if job["store"] == "sqlite":
        return SQLiteStore(job["path"])
    return AirtableStore(DEFAULT_TOKEN, job["base"], endpoint_url=job["url"])


# --- exclusivity --------------------------------------------------------------------------


def test_sqlite_lease_is_exclusive_across_processes(tmp_path: Path) -> None:
    SQLiteStore(tmp_path / "shared.db").close()  # migrate once, before the race
    job = store_job("sqlite", tmp_path, None) | {
        "mode": "loop",
        "n": 60,
        "hold_s": 0.02,
        "start_at": time.time() + 2.0,
    }
    procs = [spawn(job | {"holder": f"host-{i}"}) for i in range(2)]
    answers = [result(p) for p in procs]
    spans = sorted((began, ended, a["holder"]) for a in answers for began, ended in a["held"])
    assert len(spans) >= 5, "the lease was hardly ever granted"
    for (_, first_end, first), (second_start, _, second) in itertools.pairwise(spans):
        assert second_start >= first_end, f"{first} and {second} held the lease at once"
    assert {a["holder"] for a in answers if a["held"]} == {"host-0", "host-1"}


@pytest.mark.parametrize("kind", ["sqlite", "airtable"])
def test_claims_at_the_same_moment_have_one_winner_per_provider(
    kind: str, tmp_path: Path, standin: AirtableStandIn
) -> None:
    if kind == "sqlite":
        SQLiteStore(tmp_path / "shared.db").close()
    job = store_job(kind, tmp_path, standin) | {
        "mode": "once",
        "providers": ["openai", "anthropic"],
        "hold_s": 3.0,
        "start_at": time.time() + 3.0,
    }
    procs = [spawn(job | {"holder": f"host-{i}"}) for i in range(3)]
    answers = [result(p) for p in procs]
    for provider in ("openai", "anthropic"):
        winners = [a["holder"] for a in answers if provider in a["granted"]]
        assert len(winners) == 1, (provider, answers)
        # every process names the same holder (the losers report it as "refreshed by")
        assert {a["holders"][provider] for a in answers} == {winners[0]}
    store = open_store(job)
    states = store.lease_states(["openai", "anthropic"])
    for provider, state in states.items():
        assert state.lease is None  # released
        assert state.refreshed_by == next(a["holder"] for a in answers if provider in a["granted"])
    if kind == "airtable":
        assert store.list_runs() == []  # lease rows are never runs
        rows = standin.records(BASE, S.RUNS_TABLE.default_name)
        # losers deleted their claims: one "refreshed" row per provider is left
        assert sorted(r["fields"][S.RUN_ERROR_CLASS] for r in rows) == [L.REFRESHED] * 2


# --- a crashed holder ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sqlite", "airtable"])
def test_a_crashed_holders_lease_expires(
    kind: str, tmp_path: Path, standin: AirtableStandIn
) -> None:
    ttl = 4.0
    job = store_job(kind, tmp_path, standin) | {"mode": "crash", "holder": "crashed", "ttl": ttl}
    crashed = result(spawn(job), expect_exit=3)
    assert crashed["granted"] == ["openai"]
    store = open_store(job)
    token = uuid.uuid4().hex
    blocked = store.acquire_leases(["openai"], "survivor", ttl, token=token)["openai"]
    assert not blocked.held_by(token)
    assert blocked.lease is not None and blocked.lease.holder == "crashed"
    time.sleep(max(0.0, (blocked.lease.expires_at - datetime.now(UTC)).total_seconds()) + 0.2)
    taken = store.acquire_leases(["openai"], "survivor", ttl, token=token)["openai"]
    assert taken.held_by(token)


# --- the scheduled refresh -----------------------------------------------------------------


class Listing:
    """A provider that lists two models and counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, credential: Credential, **_: Any) -> list[DiscoveredModel]:
        self.calls += 1
        return [DiscoveredModel(credential.provider_id, m) for m in ("m1", "m2")]


def service_on(store: RegistryStore, tmp_path: Path, listing: Listing) -> ModelRegistryService:
    settings = Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=("openai", "anthropic"),
        cache_key_secret="test-secret",
    )
    return ModelRegistryService.from_settings(
        settings,
        store=store,
        discover=listing,
        catalog_records=lambda p: [],
        credentials=lambda: [
            Credential("openai", "default", secret="sk-test-1"),
            Credential("anthropic", "default", secret="sk-test-2"),
        ],
        cache=TTLCache(3600),
    )


def test_refresh_reports_refreshed_by_the_host_holding_the_lease(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "registry.db")
    other = store.acquire_leases(["openai"], "host-b (pid 7)", 300, token="other")["openai"]
    assert other.held_by("other")
    listing = Listing()
    reports = refresh.refresh(service_on(store, tmp_path, listing), trigger="schedule")
    by_provider = {r.provider_id: r for r in reports}
    skipped = by_provider["openai"]
    assert skipped.outcome == "skipped" and skipped.run is None
    assert "refreshed by host-b (pid 7) at" in skipped.message
    assert by_provider["anthropic"].outcome == "ok"
    assert listing.calls == 1  # only anthropic was listed here
    assert store.list_runs("openai") == []
    assert refresh.exit_status(reports) == 0
    # our own lease on anthropic was released, recording us as its last refresher
    mine = store.lease_states(["anthropic"])["anthropic"]
    assert mine.lease is None and mine.refreshed_by == refresh.holder_name()


def test_refresh_skips_a_provider_another_host_just_refreshed(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "registry.db")
    lease = store.acquire_leases(["openai"], "host-b (pid 7)", 300, token="other")["openai"].lease
    assert lease is not None
    store.release_leases([lease], refreshed=True)
    listing = Listing()
    service = service_on(store, tmp_path, listing)
    reports = refresh.refresh(service, ["openai"], if_older_than_s=3600)
    assert [r.outcome for r in reports] == ["skipped"]
    assert "refreshed by host-b (pid 7) at" in reports[0].message
    assert listing.calls == 0
    # without a window, a refresh started after that one lists again
    assert [r.outcome for r in refresh.refresh(service, ["openai"])] == ["ok"]
    assert listing.calls == 1


def test_interactive_discover_needs_no_lease(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "registry.db")
    store.acquire_leases(["openai"], "host-b (pid 7)", 300, token="other")
    listing = Listing()
    reports = service_on(store, tmp_path, listing).discover(["openai"], trigger="user")
    assert [r.outcome for r in reports] == ["ok"] and reports[0].saved


def test_lease_ttl_setting() -> None:
    assert Settings.from_env({}).lease_ttl_s == 300.0
    assert Settings.from_env({"REGISTRY_LEASE_TTL": "2m"}).lease_ttl_s == 120.0
    for bad in ("soon", "0", "3s", "2d"):
        with pytest.raises(ConfigError, match="REGISTRY_LEASE_TTL"):
            Settings.from_env({"REGISTRY_LEASE_TTL": bad})


# --- pacing shared by the processes of one host ---------------------------------------------


def test_two_processes_share_the_bases_five_requests_per_second(tmp_path: Path) -> None:
    with AirtableStandIn(rate_limit=5.0, lockout_s=2.0) as server:
        server.add_base(BASE, tables())
        job = {
            "store": "airtable",
            "url": server.url,
            "base": BASE,
            "mode": "requests",
            "n": 12,
            "lockout_s": 2.0,
            "pacing_dir": str(tmp_path / "airtable-pacing"),
            "start_at": time.time() + 2.0,
        }
        procs = [spawn(job | {"holder": f"p{i}"}) for i in range(2)]
        answers = [result(p) for p in procs]
        log = [e for e in server.request_log if e.base == BASE]
    assert [a["sent"] for a in answers] == [12, 12]
    assert sum(1 for e in log if e.status == 429) == 0
    assert len(log) == 24
    times = sorted(e.time for e in log)
    # never six arrivals within one second (a little slack for the log's own timing)
    assert all(b - a >= 0.95 for a, b in zip(times, times[5:], strict=False))


def test_pacing_falls_back_to_the_process_when_the_dir_is_not_writable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    local = RateLimiter(5.0)
    assert shared_limiter(local, blocker / "pacing", "http://x", BASE, 5.0) is local


def test_a_dead_processes_unanswered_request_does_not_block_the_ledger(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(dead.stdout)
    ledger = PacingLedger(tmp_path / "ledger.json", 5.0)
    now = time.monotonic()
    entries = [{"id": f"e{i}", "pid": pid, "started": now} for i in range(5)]
    ledger.path.write_text(json.dumps({"next": now, "recent": entries}))
    started = time.monotonic()
    ledger.release(ledger.acquire())
    assert time.monotonic() - started < 3.0  # not MAX_HOLD_S (120 s)


def test_a_claim_whose_read_back_failed_is_withdrawn(
    standin: AirtableStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = AirtableStore(DEFAULT_TOKEN, BASE, endpoint_url=standin.url)
    real = store._read_claims
    reads: list[int] = []

    def read_back_fails() -> list[L.Claim]:
        reads.append(1)
        if len(reads) == 2:
            raise UnavailableError("Airtable did not answer (test)")
        return real()

    monkeypatch.setattr(store, "_read_claims", read_back_fails)
    with pytest.raises(UnavailableError):
        store.acquire_leases(["openai"], "host-a", 300, token="t1")
    # no half-taken lease is left to block other hosts for the TTL
    assert standin.records(BASE, S.RUNS_TABLE.default_name) == []
    other = AirtableStore(DEFAULT_TOKEN, BASE, endpoint_url=standin.url)
    assert other.acquire_leases(["openai"], "host-b", 300, token="t2")["openai"].held_by("t2")
