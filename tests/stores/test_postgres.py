"""What only the PostgreSQL store has: migrations, strict JSON, the URL without its password,
a real writability check, leases, apply_plan's locking, LISTEN/NOTIFY between two instances,
and two OS processes upserting the same rows. Real server (``REGISTRY_TEST_DATABASE_URL``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from registry_core.config import Settings
from registry_core.errors import ConfigError, StoreWriteError, UnavailableError
from registry_core.events import HistoryEvent
from registry_core.plan import plan_for
from registry_core.records import ModelRecord
from registry_core.resolver import Resolver
from registry_core.stores import postgres as P
from registry_core.stores.factory import open_store
from registry_core.stores.postgres import PostgresStore

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


def _twin(url: str, schema: str) -> PostgresStore:
    return PostgresStore(url, schema=schema, connect_timeout_s=3.0)


def test_migrations_are_versioned_and_reopening_is_a_no_op(
    postgres_store: PostgresStore, pg_url: str, pg_schema: str
) -> None:
    again = _twin(pg_url, pg_schema)
    again.close()
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute(
            f'SELECT version FROM "{pg_schema}".registry_schema_version ORDER BY version'
        ).fetchall()
    assert [r[0] for r in rows] == list(range(1, len(P.MIGRATIONS) + 1))
    assert postgres_store.health().schema_ok


def test_nan_is_refused_and_nothing_is_written(postgres_store: PostgresStore) -> None:
    good = ModelRecord("openai", "good")
    with pytest.raises(StoreWriteError):
        postgres_store.upsert_models([good, ModelRecord("openai", "nan", cost_per_1k=float("nan"))])
    assert postgres_store.list_models().records == []


def test_password_never_shown(pg_url: str) -> None:
    url = "postgresql://postgres:hunter2-secret@127.0.0.1:1/test"
    with pytest.raises(UnavailableError) as caught:
        PostgresStore(url, connect_timeout_s=1.0)
    assert "hunter2-secret" not in str(caught.value)
    assert "127.0.0.1:1/test" in str(caught.value)
    with pytest.raises(ConfigError) as bad:
        P.check_database_url("mysql://u:hunter2-secret@h/db")
    assert "hunter2-secret" not in str(bad.value)
    settings = Settings.from_env({"REGISTRY_DATABASE_URL": url})
    assert settings.database_url == url and "hunter2" not in repr(settings)


def test_settings_choose_postgres_and_refuse_airtable_too(pg_url: str, pg_schema: str) -> None:
    url = f"{pg_url}?options=-csearch_path%3D{pg_schema}"
    store = open_store(Settings.from_env({"REGISTRY_DATABASE_URL": url}))
    try:
        assert isinstance(store, PostgresStore) and store.schema == pg_schema
        assert "options" not in store.location
    finally:
        store.close()
    env = {
        "REGISTRY_DATABASE_URL": pg_url,
        "AIRTABLE_API_KEY": "patX",
        "AIRTABLE_BASE_ID": "appABCDEFGHIJKLMN",
    }
    with pytest.raises(ConfigError) as both:
        Settings.from_env(env)
    assert "REGISTRY_DATABASE_URL" in str(both.value) and "AIRTABLE_MODE" in str(both.value)


def test_health_really_tests_writability(
    postgres_store: PostgresStore, pg_url: str, pg_schema: str
) -> None:
    sep = "&" if "?" in pg_url else "?"
    read_only = PostgresStore(
        f"{pg_url}{sep}options=-cdefault_transaction_read_only%3Don",
        schema=pg_schema,
        connect_timeout_s=3.0,
    )
    try:
        health = read_only.health()
        assert health.reachable and health.schema_ok and not health.writable
        assert health.problems and "read-only" in health.problems[0]
        with pytest.raises(StoreWriteError):
            read_only.upsert_models([ModelRecord("openai", "x")])
    finally:
        read_only.close()
    postgres_store.close()
    down = postgres_store.health()  # closed: never raises
    assert not down.reachable and down.problems


def test_leases_exclusive_expire_and_name_the_refresher(
    postgres_store: PostgresStore, pg_url: str, pg_schema: str
) -> None:
    other = _twin(pg_url, pg_schema)
    try:
        got = postgres_store.acquire_leases(["openai", "groq"], "host-a", 60, token="a")
        assert got["openai"].held_by("a") and got["groq"].held_by("a")
        theirs = other.acquire_leases(["openai", "mistral"], "host-b", 60, token="b")
        assert not theirs["openai"].held_by("b") and theirs["openai"].lease is not None
        assert theirs["openai"].lease.holder == "host-a"
        assert theirs["mistral"].held_by("b")
        lease = got["openai"].lease
        assert lease is not None
        postgres_store.release_leases([lease], refreshed=True)
        state = other.lease_states(["openai"])["openai"]
        assert state.lease is None and state.refreshed_by == "host-a"
        assert state.refreshed_at is not None
        short = other.acquire_leases(["openai"], "host-b", 0.3, token="b2")["openai"]
        assert short.held_by("b2")
        time.sleep(0.5)  # host-b crashed: its lease runs out by the database's clock
        assert postgres_store.acquire_leases(["openai"], "host-a", 60, token="a2")[
            "openai"
        ].held_by("a2")
        assert short.lease is not None
        other.release_leases([short.lease], refreshed=True)  # taken over meanwhile: a no-op
        assert postgres_store.lease_states(["openai"])["openai"].held_by("a2")
        assert postgres_store.lease_states(["nobody"])["nobody"].lease is None
    finally:
        other.close()


def test_apply_plan_writes_saved_rows_events_and_bumps(postgres_store: PostgresStore) -> None:
    before = postgres_store.get_version()
    new = ModelRecord("openai", "gpt-4o", notes="from discovery")
    event = HistoryEvent("k1", "openai", "gpt-4o", "added", new_time(), detail={})
    done = postgres_store.apply_plan(plan_for([(None, new)], [event]))
    assert (done.created, done.saved_rows, done.events_written) == (1, 1, 1)
    assert done.version is not None and done.version != before
    assert postgres_store.list_models().records == [new]
    # a person edits the notes after the merge read the row: the merge's write is a conflict
    postgres_store.upsert_models([new.replace(notes="typed by a person")])
    stale = plan_for([(new, new.replace(notes="discovery again", max_tokens=8))])
    outcome = postgres_store.apply_plan(stale)
    assert outcome.conflicts == [("openai", "gpt-4o", ("Notes",))]
    got = postgres_store.list_models().records[0]
    assert got.notes == "typed by a person" and got.max_tokens == 8
    # created by someone else meanwhile: a conflict, not an error, and no event for it
    racing = plan_for(
        [(None, ModelRecord("openai", "o3", notes="ours"))],
        [HistoryEvent("k2", "openai", "o3", "added", new_time(), detail={})],
    )
    postgres_store.upsert_models([ModelRecord("openai", "o3", notes="theirs")])
    raced = postgres_store.apply_plan(racing)
    assert raced.conflicts and raced.events_written == 0 and raced.created == 0


def new_time():  # type: ignore[no-untyped-def]
    from registry_core.records import utcnow

    return utcnow()


def test_a_write_on_one_instance_reaches_the_other_within_a_second(
    postgres_store: PostgresStore, pg_url: str, pg_schema: str
) -> None:
    listener = _twin(pg_url, pg_schema)
    try:
        seen: list[tuple[float, str]] = []
        arrived = threading.Event()

        def on_version(version: str) -> None:
            seen.append((time.monotonic(), version))
            if version != start:
                arrived.set()

        start = listener.get_version()
        listener.subscribe(on_version)
        assert listener.wait_listening(5.0)
        resolver = Resolver(listener, settings=Settings(version_check_s=3600.0))
        assert resolver.version() == start
        t0 = time.monotonic()
        bumped = postgres_store.apply_plan(plan_for([(None, ModelRecord("openai", "x"))])).version
        assert arrived.wait(1.0), "no notification within 1 s"
        assert seen[-1][1] == bumped and seen[-1][0] - t0 < 1.0
        deadline = time.monotonic() + 1.0
        while resolver.version() != bumped and time.monotonic() < deadline:
            time.sleep(0.01)
        assert resolver.version() == bumped  # without waiting out version_check_s (1 h)
    finally:
        listener.close()
    assert listener._listener is None


WORKER = """
import json, sys
from registry_core.records import ModelRecord
from registry_core.stores.postgres import PostgresStore
url, schema = sys.argv[1], sys.argv[2]
store = PostgresStore(url, schema=schema)
records = [ModelRecord("openai", f"m{i:03d}", notes=sys.argv[3]) for i in range(500)]
total = {"created": 0, "updated": 0}
for start in range(0, 500, 50):
    result = store.upsert_models(records[start:start + 50])
    total["created"] += result.created
    total["updated"] += result.updated
print(json.dumps(total))
store.close()
"""


@pytest.mark.slow
def test_two_processes_upsert_the_same_500_rows(pg_url: str, pg_schema: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, pg_url, pg_schema, name],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("first", "second")
    ]
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        outs.append(json.loads(out.strip().splitlines()[-1]))
    store = _twin(pg_url, pg_schema)
    try:
        records = store.list_models().records
        assert len(records) == 500 and len({r.key for r in records}) == 500
        assert sum(o["created"] for o in outs) == 500
        assert {r.notes for r in records} <= {"first", "second"}
    finally:
        store.close()


def test_runs_and_events_decode_with_the_shared_codecs(
    postgres_store: PostgresStore, pg_url: str, pg_schema: str
) -> None:
    """PostgreSQL decoded runs with ``DiscoveryRun(**raw)``: one unexpected row raised for all."""
    from datetime import UTC, datetime

    from registry_core.codecs import run_to_json
    from registry_core.events import DiscoveryRun

    run = DiscoveryRun("run-1", "openai", "user", datetime(2026, 3, 1, 12, tzinfo=UTC), added=2)
    event = HistoryEvent("k1", "openai", "m", "added", run.started_at, detail={"note": "é"})
    postgres_store.record_run(run)
    postgres_store.append_events([event])
    newer = {**run_to_json(run), "run_id": "run-2", "future_column": 1}
    broken = {**run_to_json(run), "run_id": "run-3", "started_at": "not a time"}
    with psycopg.connect(pg_url) as conn:
        for raw in (newer, broken):
            conn.execute(
                f'INSERT INTO "{pg_schema}".discovery_runs (run_id, provider_id, started_at, data) '
                "VALUES (%s, 'openai', now(), %s::jsonb)",
                (raw["run_id"], json.dumps(raw)),
            )
    assert sorted(r.run_id for r in postgres_store.list_runs()) == ["run-1", "run-2"]
    assert [r for r in postgres_store.list_runs() if r.run_id == "run-1"] == [run]
    assert postgres_store.list_events() == [event]
