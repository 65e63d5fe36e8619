"""Airtable-only behaviour on the stand-in: requests used, drift, rate limits, faults, errors."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest

from registry_core import records as R
from registry_core.config import AirtableSettings, Settings
from registry_core.errors import (
    AuthError,
    PermissionDeniedError,
    QuotaExceededError,
    SchemaMismatchError,
    UnavailableError,
)
from registry_core.records import ModelRecord
from registry_core.stores.airtable import AirtableStore
from registry_core.stores.airtable_cells import InvalidRecordError
from registry_core.stores.factory import open_store
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn

from .conftest import MODELS_TABLE, make_airtable_store, new_base_id, table_specs


def models(n: int, provider: str = "openai", **changes: Any) -> list[ModelRecord]:
    return [
        ModelRecord(provider, f"model-{i:04d}", model_name=f"Model {i}", status="active", **changes)
        for i in range(n)
    ]


def writes(server: AirtableStandIn) -> list[Any]:
    return [
        r
        for r in server.request_log
        if r.method in ("POST", "PATCH", "PUT", "DELETE") and not r.path.endswith("/listRecords")
    ]


@pytest.fixture
def limited() -> Iterator[AirtableStandIn]:
    """A stand-in with Airtable's 5 requests/s per base and a 2-second lockout."""
    with AirtableStandIn(rate_limit=5.0, lockout_s=2.0) as server:
        yield server


def test_sync_reads_pages_and_writes_only_changed_rows_in_batches(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    records = models(250)
    airtable_store.upsert_models(records)
    fresh = make_airtable_store(standin, airtable_store.base_id)
    standin.reset_log()
    assert len(fresh.list_models().records) == 250
    assert standin.count_requests() == 3  # 100 + 100 + 50
    changed = [r.replace(cost_per_1k=0.5) if i % 20 == 0 else r for i, r in enumerate(records)]
    result = fresh.upsert_models(changed)
    assert (result.created, result.updated, result.unchanged) == (0, 13, 237)
    assert result.requests == 2 == standin.count_requests() - 3
    bodies = [w.body for w in writes(standin)]
    assert [len(b["records"]) for b in bodies] == [10, 3]
    assert all("performUpsert" in b for b in bodies)
    assert all(b.get("typecast") is False for b in bodies)


def test_upsert_without_a_prior_read_reads_first(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    airtable_store.upsert_models(models(5))
    other = make_airtable_store(standin, airtable_store.base_id)
    result = other.upsert_models(models(5))
    assert result.unchanged == 5 and result.requests == 1  # one list page, no write


def test_version_read_is_one_small_request(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    airtable_store.bump_version()
    standin.reset_log()
    airtable_store.get_version()
    (request,) = standin.request_log
    assert request.method == "GET" and request.query.get("pageSize") == ["1"]


def test_typecast_only_for_features_and_regions(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    with pytest.raises(InvalidRecordError, match="Status 'retired'"):
        airtable_store.upsert_models([ModelRecord("openai", "x", status="retired")])
    standin.reset_log()
    airtable_store.upsert_models([ModelRecord("openai", "x", features=("chat", "audio"))])
    (write,) = writes(standin)
    assert write.body["typecast"] is True
    schema = {t["name"]: t for t in standin.schema(airtable_store.base_id)["tables"]}
    features = next(f for f in schema[MODELS_TABLE]["fields"] if f["name"] == R.FEATURES)
    assert "audio" in [c["name"] for c in features["options"]["choices"]]
    status = next(f for f in schema[MODELS_TABLE]["fields"] if f["name"] == R.STATUS)
    assert [c["name"] for c in status["options"]["choices"]] == list(R.STATUS_OPTIONS)


def test_renamed_field_is_named_by_writes_and_reads_carry_on(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    airtable_store.upsert_models([ModelRecord("openai", "gpt-4o", cost_per_1k=0.1, notes="n")])
    standin.rename_field(airtable_store.base_id, MODELS_TABLE, R.COST_PER_1K, "Input $/1K")
    fresh = make_airtable_store(standin, airtable_store.base_id)
    result = fresh.list_models()
    assert [r.notes for r in result.records] == ["n"]  # other fields still read
    assert [w.field for w in result.warnings] == [R.COST_PER_1K]
    assert "setup-airtable" in result.warnings[0].message
    with pytest.raises(SchemaMismatchError) as info:
        fresh.upsert_models([ModelRecord("openai", "gpt-4o", cost_per_1k=0.2)])
    assert info.value.missing_fields == [R.COST_PER_1K]
    assert '"Cost per 1K tokens"' in str(info.value)
    assert "python -m registry_core setup-airtable" in str(info.value)
    health = fresh.health()
    assert not health.schema_ok and health.fix and "setup-airtable" in health.fix
    assert R.COST_PER_1K in health.problems[0]


def test_deleted_key_field_makes_reads_fail_clearly(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    standin.rename_field(airtable_store.base_id, MODELS_TABLE, R.PROVIDER_ID, "Vendor")
    with pytest.raises(SchemaMismatchError) as info:
        airtable_store.list_models()
    assert info.value.missing_fields == [R.PROVIDER_ID]


def test_row_deleted_since_the_read_is_written_again(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    airtable_store.upsert_models(models(3))
    airtable_store.list_models()
    from pyairtable import Api

    table = Api(DEFAULT_TOKEN, endpoint_url=standin.url).table(airtable_store.base_id, MODELS_TABLE)
    table.delete(table.all()[0]["id"])
    result = airtable_store.upsert_models(models(3, cost_per_1k=1.0))
    assert result.created + result.updated == 3
    assert len(standin.records(airtable_store.base_id, MODELS_TABLE)) == 3


def test_duplicate_rows_typed_by_people_are_deduplicated_and_updated(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    rows = [
        {R.PROVIDER_ID: "openai", R.MODEL_ID: "dup", R.LAST_VERIFIED: "2025-01-01T00:00:00.000Z"},
        {R.PROVIDER_ID: "openai", R.MODEL_ID: "dup", R.LAST_VERIFIED: "2025-02-01T00:00:00.000Z"},
    ]
    standin.seed(airtable_store.base_id, MODELS_TABLE, rows)
    result = airtable_store.list_models()
    assert len(result.records) == 1 and "duplicate" in result.warnings[0].message
    # the winner is updated by record id: merging on a duplicated key would fail the batch
    assert airtable_store.upsert_models([ModelRecord("openai", "dup", notes="x")]).updated == 1


def test_read_mode_writes_nothing(standin: AirtableStandIn, base_id: str) -> None:
    store = make_airtable_store(standin, base_id, mode="read")
    standin.reset_log()
    assert store.writable is False
    assert store.upsert_models(models(3)).created == 0
    store.bump_version()
    from registry_core.events import DiscoveryRun, HistoryEvent
    from registry_core.records import utcnow

    store.record_run(DiscoveryRun("r1", "openai", "cli", utcnow()))
    assert store.append_events([HistoryEvent("k", "openai", "m", "added", utcnow())]) == 0
    assert writes(standin) == []
    assert not store.health().writable


def test_wrong_token_is_an_auth_error_without_the_token(
    standin: AirtableStandIn, base_id: str
) -> None:
    store = AirtableStore("patWrongWrongWrong.0123456789", base_id, endpoint_url=standin.url)
    with pytest.raises(AuthError) as info:
        store.list_models()
    assert "patWrongWrongWrong" not in str(info.value) and "AIRTABLE_API_KEY" in str(info.value)
    health = store.health()
    assert not health.reachable and "patWrong" not in repr(health)
    assert "patWrong" not in repr(store)


def test_missing_table_is_a_permission_error_pointing_at_setup(standin: AirtableStandIn) -> None:
    base = new_base_id()
    standin.add_base(base)
    store = make_airtable_store(standin, base)
    with pytest.raises(PermissionDeniedError, match="setup-airtable"):
        store.list_models()
    assert store.health().fix == "python -m registry_core setup-airtable"


def test_5xx_is_retried_and_a_hang_times_out(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    standin.inject_fault("error", count=2, status=503, base=airtable_store.base_id)
    assert airtable_store.list_models().records == []
    standin.inject_fault("error", count=10, status=502, base=airtable_store.base_id)
    with pytest.raises(UnavailableError):
        airtable_store.list_models()
    standin.clear_faults()
    quick = make_airtable_store(standin, airtable_store.base_id, timeout=(1.0, 0.5))
    standin.inject_fault("hang", count=2, seconds=1.5, base=airtable_store.base_id)
    with pytest.raises(UnavailableError, match="did not answer in time"):
        quick.list_models()
    standin.clear_faults()


def test_monthly_quota_is_its_own_error(
    standin: AirtableStandIn, airtable_store: AirtableStore
) -> None:
    standin.inject_fault("quota", count=10, base=airtable_store.base_id)
    with pytest.raises(QuotaExceededError):
        airtable_store.list_models()
    standin.clear_faults()


def test_429_storm_with_a_2s_lockout_is_ridden_out(limited: AirtableStandIn) -> None:
    base = new_base_id()
    limited.add_base(base, table_specs())
    # no client-side pacing: this store bursts, gets locked out, and must wait it out
    store = make_airtable_store(limited, base, requests_per_second=1000.0, lockout_s=2.0)
    result = store.upsert_models(models(120))
    assert result.created == 120
    assert limited.rate_limited_count >= 1
    assert len(store.list_models().records) == 120


def test_paced_store_never_hits_the_limit(limited: AirtableStandIn) -> None:
    base = new_base_id()
    limited.add_base(base, table_specs())
    store = make_airtable_store(limited, base, requests_per_second=5.0, lockout_s=2.0)
    store.upsert_models(models(150))  # 1 list + 15 writes
    store.list_models()  # 2 pages
    store.get_version()
    assert limited.count_requests() == 19
    assert limited.rate_limited_count == 0


def test_factory_opens_the_configured_tier(
    standin: AirtableStandIn, base_id: str, tmp_path: Any
) -> None:
    assert isinstance(open_store(Settings(db_path=tmp_path / "r.db")), SQLiteStore)
    airtable = AirtableSettings(
        mode="read", token=DEFAULT_TOKEN, base_id=base_id, endpoint_url=standin.url
    )
    store = open_store(Settings(airtable=airtable))
    assert isinstance(store, AirtableStore) and store.writable is False


def _upsert_in_process(url: str, base: str, start: Any) -> None:
    start.wait()
    store = AirtableStore(
        DEFAULT_TOKEN, base, endpoint_url=url, requests_per_second=5.0, lockout_s=1.0
    )
    store.upsert_models(models(200))


@pytest.mark.slow
def test_two_processes_upserting_the_same_200_models_leave_200_rows() -> None:
    with AirtableStandIn(rate_limit=5.0, lockout_s=1.0) as server:
        base = new_base_id()
        server.add_base(base, table_specs())
        ctx = multiprocessing.get_context("spawn")
        start = ctx.Event()
        procs = [
            ctx.Process(target=_upsert_in_process, args=(server.url, base, start)) for _ in range(2)
        ]
        for p in procs:
            p.start()
        start.set()
        for p in procs:
            p.join(timeout=240)
        assert [p.exitcode for p in procs] == [0, 0]
        rows = server.records(base, MODELS_TABLE)
        assert len(rows) == 200
        assert len({(r["fields"][R.PROVIDER_ID], r["fields"][R.MODEL_ID]) for r in rows}) == 200
