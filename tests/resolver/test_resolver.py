"""The resolver's tiers, fallbacks, single flight, cross-instance freshness and scope."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from registry_core.cache import TTLCache
from registry_core.cells import human_age
from registry_core.config import Settings
from registry_core.errors import AuthError, UnavailableError
from registry_core.flight import SingleFlight
from registry_core.providers.base import Credential
from registry_core.records import ModelRecord
from registry_core.resolution import describe_failure
from registry_core.resolver import Resolver
from registry_core.snapshot import SnapshotFile
from registry_core.stores.sqlite import SQLiteStore

from .conftest import Clock, FakeDiscover, MemoryStore, models

OPENAI = Credential("openai", "default", secret="sk-test-openai-1234")
IDS = ("gpt-4o", "gpt-4o-mini", "o3")


def make(
    store: Any,
    settings: Settings,
    discover: FakeDiscover,
    clock: Clock,
    catalog_records: Callable[[str], list[ModelRecord]] | None = None,
    **kw: Any,
) -> Resolver:
    return Resolver(
        store,
        settings=settings,
        discover=discover,
        catalog_records=catalog_records or (lambda p: []),
        cache=TTLCache(settings.cache_ttl_s, clock=clock.monotonic),
        clock=clock,
        monotonic=clock.monotonic,
        **kw,
    )


@pytest.fixture
def discover() -> FakeDiscover:
    return FakeDiscover({"openai": models("openai", *IDS, features=("chat",))})


@pytest.fixture
def resolver(
    store: MemoryStore,
    settings: Settings,
    discover: FakeDiscover,
    clock: Clock,
    catalog_records: Callable[[str], list[ModelRecord]],
) -> Resolver:
    return make(store, settings, discover, clock, catalog_records)


def ids(answer: Any) -> list[str]:
    return sorted(r.model_id for r in answer.records)


# --- the normal path -----------------------------------------------------------------------


def test_cold_call_discovers_writes_back_and_fills_memory(
    resolver: Resolver, store: MemoryStore, discover: FakeDiscover, settings: Settings
) -> None:
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "api" and answer.age_s == 0.0 and answer.warnings == []
    assert ids(answer) == sorted(IDS)
    assert discover.calls == 1
    assert len(store.rows) == 3 and len(store.events) == 3
    (run,) = store.runs.values()
    assert run.outcome == "ok" and run.models_seen == 3 and run.added == 3
    assert run.credential == "openai/default" and run.trigger == "user"
    assert store.version == 1 and answer.version == "1"
    assert SnapshotFile(settings.snapshot_path).load("openai") is not None

    again = resolver.resolve(OPENAI)
    assert again.tier == "memory" and again.origin == "api" and ids(again) == ids(answer)
    assert discover.calls == 1


def test_memory_expires_after_the_ttl_then_the_fresh_registry_answers(
    resolver: Resolver, discover: FakeDiscover, clock: Clock
) -> None:
    resolver.resolve(OPENAI)
    clock.advance(hours=1, seconds=1)
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "registry" and answer.age_s == pytest.approx(3601)
    assert discover.calls == 1


def test_a_stale_registry_triggers_discovery(
    resolver: Resolver, discover: FakeDiscover, clock: Clock, store: MemoryStore
) -> None:
    resolver.resolve(OPENAI)
    clock.advance(hours=25)
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "api" and discover.calls == 2
    assert len(store.runs) == 2


def test_force_refresh_skips_memory_and_registry(
    resolver: Resolver, discover: FakeDiscover
) -> None:
    resolver.resolve(OPENAI)
    answer = resolver.resolve(OPENAI, force=True)
    assert answer.tier == "api" and discover.calls == 2


def test_a_new_process_reads_the_fresh_registry_without_discovery(
    store: MemoryStore, settings: Settings, discover: FakeDiscover, clock: Clock
) -> None:
    make(store, settings, discover, clock).resolve(OPENAI)
    answer = make(store, settings, discover, clock).resolve(OPENAI)
    assert answer.tier == "registry" and discover.calls == 1


def test_different_keys_do_not_share_memory_entries(resolver: Resolver, store: MemoryStore) -> None:
    resolver.resolve(OPENAI)
    other = resolver.resolve(Credential("openai", "default", secret="sk-someone-else"))
    assert other.tier == "registry"  # not the memory entry of the first key


# --- fallbacks -----------------------------------------------------------------------------


def test_provider_down_serves_the_stale_registry_with_its_age(
    resolver: Resolver, discover: FakeDiscover, clock: Clock, store: MemoryStore
) -> None:
    resolver.resolve(OPENAI)
    clock.advance(hours=30)
    discover.error = UnavailableError("OpenAI timed out", provider="openai")
    upserts = store.calls["apply_plan"]
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "registry" and ids(answer) == sorted(IDS)
    assert answer.age_s == pytest.approx(30 * 3600)
    assert any("last verified 30 h ago" in w for w in answer.warnings)
    assert any("OpenAI" in w for w in answer.warnings)
    assert store.calls["apply_plan"] == upserts  # a failed listing writes no record
    failed = [r for r in store.runs.values() if r.outcome == "failed"]
    assert len(failed) == 1 and failed[0].error_class == "unavailable"
    assert answer.run is not None and answer.run.outcome == "failed"


def test_registry_and_provider_down_serve_the_snapshot(
    resolver: Resolver, discover: FakeDiscover, clock: Clock, store: MemoryStore
) -> None:
    resolver.resolve(OPENAI)
    clock.advance(hours=30)
    store.down = True
    discover.error = UnavailableError("OpenAI timed out", provider="openai")
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "snapshot" and ids(answer) == sorted(IDS)
    assert any("unreachable" in w for w in answer.warnings)
    assert any("snapshot" in w for w in answer.warnings)


def test_restart_during_an_outage_still_has_real_data(
    store: MemoryStore, settings: Settings, discover: FakeDiscover, clock: Clock
) -> None:
    make(store, settings, discover, clock).resolve(OPENAI)
    store.down = True
    discover.error = UnavailableError("down", provider="openai")
    clock.advance(minutes=5)
    restarted = make(store, settings, discover, clock)  # empty memory, same snapshot file
    answer = restarted.resolve(OPENAI)
    assert answer.tier == "snapshot" and ids(answer) == sorted(IDS)


def test_everything_down_and_no_snapshot_serves_the_catalog(
    resolver: Resolver, discover: FakeDiscover, store: MemoryStore
) -> None:
    store.down = True
    discover.error = AuthError("invalid key", provider="openai", status=401)
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "catalog" and ids(answer) == ["openai-catalog-model"]
    assert answer.age_s is None
    assert any("key was rejected (401)" in w for w in answer.warnings)


def test_empty_registry_and_failed_listing_serve_the_catalog(
    resolver: Resolver, discover: FakeDiscover
) -> None:
    discover.error = UnavailableError("down", provider="openai")
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "catalog" and answer.records


def test_registry_down_but_provider_up_shows_the_listing_without_saving(
    resolver: Resolver, store: MemoryStore, clock: Clock
) -> None:
    resolver.resolve(OPENAI)
    store.rows[("openai", "gpt-4o")] = store.rows[("openai", "gpt-4o")].replace(notes="keep")
    resolver.resolve(OPENAI, force=True)  # refreshes the snapshot with the note
    store.down = True
    clock.advance(hours=2)
    answer = resolver.resolve(OPENAI, force=True)
    assert answer.tier == "api"
    assert any("not saved" in w for w in answer.warnings)
    assert next(r for r in answer.records if r.model_id == "gpt-4o").notes == "keep"
    assert answer.run is not None and not answer.run.saved


def test_fallback_answers_are_cached_briefly(
    resolver: Resolver, discover: FakeDiscover, clock: Clock
) -> None:
    discover.error = UnavailableError("down", provider="openai")
    resolver.resolve(OPENAI)
    hit = resolver.resolve(OPENAI)
    assert hit.tier == "memory" and hit.origin == "catalog" and hit.warnings
    assert discover.calls == 1
    clock.advance(seconds=61)
    resolver.resolve(OPENAI)
    assert discover.calls == 2


def test_a_suspect_listing_is_recorded_and_warned_about(
    resolver: Resolver, discover: FakeDiscover, store: MemoryStore, clock: Clock
) -> None:
    resolver.resolve(OPENAI)
    discover.models["openai"] = models("openai", "gpt-4o")
    clock.advance(days=2)
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "api" and any("suspect" in w for w in answer.warnings)
    assert all(r.available for r in answer.records)
    assert sorted(r.outcome for r in store.runs.values()) == ["ok", "suspect"]


def test_a_read_only_registry_is_not_written(resolver: Resolver, store: MemoryStore) -> None:
    store.read_only = True
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "api" and any("read-only" in w for w in answer.warnings)
    assert store.rows == {} and store.runs == {}


def test_an_unexpected_adapter_crash_is_a_failed_run_not_a_crash(
    resolver: Resolver, discover: FakeDiscover, store: MemoryStore
) -> None:
    discover.error = KeyError("boom")  # type: ignore[assignment]
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "catalog"
    (run,) = store.runs.values()
    assert run.outcome == "failed" and "KeyError" in (run.message or "")


# --- single flight and concurrency ------------------------------------------------------------


def test_fifty_concurrent_calls_share_one_provider_request(
    resolver: Resolver, discover: FakeDiscover
) -> None:
    discover.gate = threading.Event()
    answers: list[Any] = []
    lock = threading.Lock()

    def call() -> None:
        answer = resolver.resolve(OPENAI)
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=call) for _ in range(50)]
    for t in threads:
        t.start()
    while discover.calls == 0:
        threading.Event().wait(0.01)
    discover.gate.set()
    for t in threads:
        t.join(10)
    assert discover.calls == 1
    assert len(answers) == 50 and all(ids(a) == sorted(IDS) for a in answers)


def test_single_flight_shares_errors_and_forgets_finished_keys() -> None:
    flight = SingleFlight()
    with pytest.raises(ValueError):
        flight.do("k", lambda: (_ for _ in ()).throw(ValueError("x")))
    assert flight.do("k", lambda: 5) == 5


def test_resolve_works_from_inside_a_running_event_loop(resolver: Resolver) -> None:
    async def service() -> list[str]:
        return ids(resolver.resolve(OPENAI))

    assert asyncio.run(service()) == sorted(IDS)


# --- cross-instance freshness ---------------------------------------------------------------


def test_two_instances_on_one_store_see_each_others_discovery_within_the_window(
    tmp_path: Path, settings: Settings, clock: Clock
) -> None:
    store_a = SQLiteStore(tmp_path / "shared.db")
    store_b = SQLiteStore(tmp_path / "shared.db")
    found = FakeDiscover({"openai": models("openai", *IDS)})
    a = make(store_a, replace(settings, snapshot_path=tmp_path / "a.json"), found, clock)
    b = make(store_b, replace(settings, snapshot_path=tmp_path / "b.json"), found, clock)
    a.resolve(OPENAI)
    assert b.resolve(OPENAI).tier == "registry"
    assert b.resolve(OPENAI).tier == "memory"

    found.models["openai"] = models("openai", *IDS, "gpt-5")
    clock.advance(seconds=5)
    assert "gpt-5" in ids(a.resolve(OPENAI, force=True))
    # within version_check_s B still answers from memory; after it, B sees the new model
    assert "gpt-5" not in ids(b.resolve(OPENAI))
    clock.advance(seconds=settings.version_check_s + 1)
    seen = b.resolve(OPENAI)
    assert seen.tier == "registry" and "gpt-5" in ids(seen)
    assert found.calls == 2  # B never listed the provider itself


def test_the_version_is_read_at_most_once_per_check_interval(
    resolver: Resolver, store: MemoryStore, clock: Clock
) -> None:
    resolver.resolve(OPENAI)
    before = store.calls["get_version"]
    for _ in range(100):
        resolver.resolve(OPENAI)
        clock.advance(seconds=0.5)  # 50 s in all
    assert store.calls["get_version"] - before == 1  # once, at 30 s


def test_memory_keeps_answering_when_the_version_check_fails(
    resolver: Resolver, store: MemoryStore, clock: Clock, discover: FakeDiscover
) -> None:
    resolver.resolve(OPENAI)
    store.down = True
    clock.advance(seconds=45)
    answer = resolver.resolve(OPENAI)
    assert answer.tier == "memory" and discover.calls == 1


# --- scope (multi-tenant credentials) ---------------------------------------------------------


def test_scoped_models_are_hidden_from_other_credentials(
    resolver: Resolver, discover: FakeDiscover
) -> None:
    public = models("openai", *IDS)
    discover.per_secret = {
        "sk-acme": [*public, *models("openai", "acme-private")],
        "sk-other": list(public),
    }
    acme = Credential("openai", "acme", secret="sk-acme")
    other = Credential("openai", "other", secret="sk-other")
    resolver.resolve(OPENAI)
    assert "acme-private" in ids(resolver.resolve(acme, primary=False))
    assert "acme-private" not in ids(resolver.resolve(other, primary=False, force=True))
    assert "acme-private" not in ids(resolver.resolve(OPENAI, force=True))
    listed = resolver.list_records("openai", None)
    assert "acme-private" not in ids(listed)
    assert "acme-private" in ids(resolver.list_records("openai", "acme"))
    assert "acme-private" in ids(resolver.list_records(None, "openai/acme"))


# --- list_records -------------------------------------------------------------------------


def test_list_records_falls_back_to_snapshot_then_catalog(
    resolver: Resolver, store: MemoryStore, clock: Clock
) -> None:
    assert resolver.list_records().tier == "catalog"  # empty registry, no snapshot
    resolver.resolve(OPENAI)
    assert resolver.list_records().tier == "registry"
    store.down = True
    clock.advance(minutes=2)
    fallback = resolver.list_records("openai")
    assert fallback.tier == "snapshot" and ids(fallback) == sorted(IDS)


# --- no secrets anywhere ----------------------------------------------------------------------


def test_the_key_never_reaches_the_store_the_snapshot_or_the_logs(
    resolver: Resolver,
    discover: FakeDiscover,
    store: MemoryStore,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    clock: Clock,
) -> None:
    caplog.set_level(logging.DEBUG)
    resolver.resolve(OPENAI)
    discover.error = AuthError("invalid key", provider="openai", status=401)
    clock.advance(hours=30)
    answer = resolver.resolve(OPENAI)
    dump = json.dumps(
        [
            [r.to_dict() for r in store.rows.values()],
            [e.to_dict() for e in store.events.values()],
            [r.to_dict() for r in store.runs.values()],
            answer.warnings,
        ]
    )
    dump += settings.snapshot_path.read_text() + caplog.text + repr(answer)
    assert OPENAI.secret is not None and OPENAI.secret not in dump


# --- messages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (AuthError("bad", status=401), "the OpenAI key was rejected (401): check OPENAI_API_KEY"),
        (
            AuthError("bad", status=401, hint="check OPENAI_API_KEY in secrets.toml"),
            "the OpenAI key was rejected (401): check OPENAI_API_KEY in secrets.toml",
        ),
        (UnavailableError("timed out"), "OpenAI discovery failed: timed out: the provider could"),
    ],
)
def test_describe_failure(error: Any, text: str) -> None:
    assert describe_failure("openai", error).startswith(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "unknown age"), (5, "5 s"), (600, "10 min"), (7200, "2 h"), (3 * 86400, "3 days")],
)
def test_human_age(seconds: float | None, text: str) -> None:
    assert human_age(seconds) == text


def test_a_named_credential_is_fresh_by_its_own_last_run(
    resolver: Resolver, discover: FakeDiscover, clock: Clock
) -> None:
    discover.per_secret = {"sk-acme": [*models("openai", *IDS), *models("openai", "acme-ft")]}
    acme = Credential("openai", "acme", secret="sk-acme")
    resolver.resolve(OPENAI)
    resolver.resolve(acme, primary=False)
    assert discover.calls == 2
    clock.advance(hours=2)  # memory expired; acme's own run is 2 h old: fresh
    answer = resolver.resolve(acme, primary=False)
    assert answer.tier == "registry" and "acme-ft" in ids(answer)
    assert answer.age_s == pytest.approx(7200)
    assert discover.calls == 2


def test_a_down_registry_is_not_retried_until_the_check_interval_passes(
    resolver: Resolver, store: MemoryStore, discover: FakeDiscover, clock: Clock
) -> None:
    resolver.resolve(OPENAI)
    store.down = True
    discover.error = UnavailableError("down", provider="openai")
    clock.advance(seconds=31)
    assert resolver.resolve(OPENAI, force=True).tier == "snapshot"
    calls = sum(store.calls.values())
    store.down = False
    clock.advance(seconds=10)
    assert resolver.resolve(OPENAI, force=True).tier == "snapshot"  # still failing fast
    assert sum(store.calls.values()) == calls
    clock.advance(seconds=25)
    assert resolver.resolve(OPENAI, force=True).tier == "registry"  # tried again, back
