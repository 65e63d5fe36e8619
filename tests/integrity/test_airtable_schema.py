"""Schema drift in Airtable never costs what people typed, and is reported where it is.

A long-running process (the dashboard) lives through a person renaming fields in the Airtable
UI and renaming them back, changing field types, and renaming key fields. These tests drive
the real store over HTTP against the stand-in, in one process, as that dashboard would.
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pyairtable import Api

from registry_core import records as R
from registry_core.airtable_setup import run_setup
from registry_core.config import AirtableSettings, Settings
from registry_core.errors import SchemaMismatchError
from registry_core.records import ModelRecord
from registry_core.service import ModelRegistryService
from registry_core.stores.airtable import AirtableStore
from registry_core.stores.airtable_http import SETUP_COMMAND, translate
from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn

MODELS = "AI Model Registry"
TYPED = "Only via the EU endpoint; ask Dana before using it for customer data."
COST_FIELDS = (R.COST_PER_1K, R.OUTPUT_COST_PER_1K, R.MAX_TOKENS, R.MAX_OUTPUT_TOKENS)


@pytest.fixture(scope="module")
def standin() -> Iterator[AirtableStandIn]:
    with AirtableStandIn(rate_limit=None) as server:
        yield server


@pytest.fixture
def base(standin: AirtableStandIn) -> str:
    base_id = "app" + "".join(
        secrets.choice(string.ascii_letters + string.digits) for _ in range(14)
    )
    standin.add_base(
        base_id,
        [
            {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
            for s in TABLE_SPECS
        ],
    )
    return base_id


def open_store(standin: AirtableStandIn, base: str, **options: Any) -> AirtableStore:
    kwargs: dict[str, Any] = {
        "endpoint_url": standin.url,
        "requests_per_second": 500.0,
        "lockout_s": 0.3,
        "timeout": (2.0, 10.0),
    }
    kwargs.update(options)
    return AirtableStore(DEFAULT_TOKEN, base, **kwargs)


def person_types_notes(standin: AirtableStandIn, base: str, model_id: str, text: str) -> None:
    """A person edits a cell in the Airtable UI (a plain PATCH, outside the store)."""
    table = Api(DEFAULT_TOKEN, endpoint_url=standin.url).table(base, MODELS)
    (row,) = table.all(formula=f"{{Model ID}}='{model_id}'")
    table.update(row["id"], {R.NOTES: text})


def cells(standin: AirtableStandIn, base: str, model_id: str) -> dict[str, Any]:
    (row,) = [
        r["fields"] for r in standin.records(base, MODELS) if r["fields"][R.MODEL_ID] == model_id
    ]
    return dict(row)


def model_writes(standin: AirtableStandIn) -> list[dict[str, Any]]:
    return [
        r.body
        for r in standin.request_log
        if r.method in ("PATCH", "PUT", "POST")
        and MODELS.replace(" ", "%20") in r.path
        and not r.path.endswith("/listRecords")
    ]


def service_on(store: AirtableStore, tmp_path: Path) -> ModelRegistryService:
    settings = Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=("openai",),
        cache_key_secret="integrity-test",
        cache_ttl_s=0.0,  # every call reads the store: the process under test is long-running
        version_check_s=0.0,
    )
    return ModelRegistryService.from_settings(settings, store=store)


# --- 1. a field renamed and renamed back ----------------------------------------------------


def test_missing_field_is_relearned_on_the_next_read(standin: AirtableStandIn, base: str) -> None:
    store = open_store(standin, base)
    store.upsert_models([ModelRecord("openai", "gpt-4o", status="active")])
    person_types_notes(standin, base, "gpt-4o", TYPED)
    standin.rename_field(base, MODELS, R.NOTES, "Remarks")
    renamed = store.list_models()
    assert [w.field for w in renamed.warnings] == [R.NOTES]
    standin.rename_field(base, MODELS, "Remarks", R.NOTES)  # as the warning advises

    again = store.list_models()
    assert [r.notes for r in again.records] == [TYPED]
    assert again.warnings == []
    assert store.list_models("openai").records[0].notes == TYPED


def test_a_status_write_after_the_rename_back_keeps_the_notes(
    standin: AirtableStandIn, base: str
) -> None:
    store = open_store(standin, base)
    store.upsert_models([ModelRecord("openai", "gpt-4o", status="active")])
    person_types_notes(standin, base, "gpt-4o", TYPED)
    standin.rename_field(base, MODELS, R.NOTES, "Remarks")
    (seen,) = store.list_models().records  # read while renamed: no Notes in it
    assert seen.notes is None
    standin.rename_field(base, MODELS, "Remarks", R.NOTES)
    standin.reset_log()

    # the next write of this process (an edit of Status, or a sync) built from that read
    result = store.upsert_models([seen.replace(status="deprecated")])

    assert result.updated == 1
    row = cells(standin, base, "gpt-4o")
    assert row[R.STATUS] == "deprecated" and row[R.NOTES] == TYPED
    (body,) = model_writes(standin)
    assert [list(r["fields"]) for r in body["records"]] == [[R.STATUS]]


def test_an_edit_in_a_long_running_service_keeps_the_notes(
    standin: AirtableStandIn, base: str, tmp_path: Path
) -> None:
    store = open_store(standin, base)
    service = service_on(store, tmp_path)
    store.upsert_models([ModelRecord("openai", "gpt-4o", status="active")])
    person_types_notes(standin, base, "gpt-4o", TYPED)
    standin.rename_field(base, MODELS, R.NOTES, "Remarks")
    service.list_models()
    standin.rename_field(base, MODELS, "Remarks", R.NOTES)

    edited = service.edit_model("openai", "gpt-4o", {"Status": "deprecated"}, editor="dana")

    assert edited.notes == TYPED
    row = cells(standin, base, "gpt-4o")
    assert row[R.STATUS] == "deprecated" and row[R.NOTES] == TYPED


def test_a_write_never_sends_a_clear_for_a_column_it_did_not_change(
    standin: AirtableStandIn, base: str
) -> None:
    store = open_store(standin, base)
    store.upsert_models([ModelRecord("openai", "gpt-4o", status="active", cost_per_1k=0.0025)])
    (seen,) = store.list_models().records
    person_types_notes(standin, base, "gpt-4o", TYPED)  # after our read: we never saw it
    store._known_at = 0.0  # the read is stale: the write reads the table again first
    standin.reset_log()

    store.upsert_models([seen.replace(status="deprecated")])

    row = cells(standin, base, "gpt-4o")
    assert row[R.NOTES] == TYPED and row[R.STATUS] == "deprecated"
    for body in model_writes(standin):
        for record in body["records"]:
            assert set(record["fields"]) == {R.STATUS}, record
    # a clear the caller did mean is still sent
    store.upsert_models([seen.replace(status="deprecated", cost_per_1k=None)])
    assert R.COST_PER_1K not in cells(standin, base, "gpt-4o")


def test_a_write_that_would_change_a_missing_field_is_refused_before_any_request(
    standin: AirtableStandIn, base: str
) -> None:
    store = open_store(standin, base)
    store.upsert_models([ModelRecord("openai", "gpt-4o", status="active")])
    standin.rename_field(base, MODELS, R.NOTES, "Remarks")
    (seen,) = store.list_models().records
    standin.reset_log()
    with pytest.raises(SchemaMismatchError) as info:
        store.upsert_models([seen.replace(notes="new"), ModelRecord("openai", "o3", notes="x")])
    assert info.value.missing_fields == [R.NOTES]
    assert SETUP_COMMAND in str(info.value)
    assert model_writes(standin) == []  # nothing half-written
    # a write that leaves the missing field alone goes through, without it
    assert store.upsert_models([seen.replace(status="deprecated")]).updated == 1
    (body,) = model_writes(standin)
    assert "Remarks" not in json.dumps(body) and R.NOTES not in json.dumps(body)


# --- 2. a renamed key field ---------------------------------------------------------------


@pytest.mark.parametrize("key", [R.MODEL_ID, R.PROVIDER_ID])
def test_a_renamed_key_field_fails_every_read(
    standin: AirtableStandIn, base: str, key: str
) -> None:
    store = open_store(standin, base)
    store.upsert_models([ModelRecord("openai", "gpt-4o"), ModelRecord("openai", "o3")])
    standin.rename_field(base, MODELS, key, "Renamed key")
    for read in (store.list_models, store.list_models, lambda: store.list_models("openai")):
        with pytest.raises(SchemaMismatchError) as info:
            read()
        assert info.value.missing_fields == [key]
        assert f'"{key}"' in str(info.value) and SETUP_COMMAND in str(info.value)
    standin.rename_field(base, MODELS, "Renamed key", key)
    assert len(store.list_models().records) == 2


def test_a_renamed_key_field_is_never_served_as_an_empty_registry(
    standin: AirtableStandIn, base: str, tmp_path: Path
) -> None:
    store = open_store(standin, base)
    store.upsert_models([ModelRecord("openai", "gpt-4o", status="active")])
    service = service_on(store, tmp_path)
    standin.rename_field(base, MODELS, R.MODEL_ID, "Model")
    for _ in range(2):
        answer = service.list_models()
        said = " ".join(answer.warnings)
        assert "is empty" not in said, said
        assert R.MODEL_ID in said and "setup-airtable" in said, said


# --- 3. health checks types the way setup does ----------------------------------------------


def test_health_reports_changed_field_types_like_setup_does(
    standin: AirtableStandIn, base: str
) -> None:
    store = open_store(standin, base)
    store.upsert_models([ModelRecord("openai", "gpt-4o", cost_per_1k=0.0025, max_tokens=128000)])
    assert store.health().schema_ok
    for name in COST_FIELDS:
        standin.change_field_type(base, MODELS, name, "singleLineText")
    settings = AirtableSettings(
        mode="write", token=DEFAULT_TOKEN, base_id=base, endpoint_url=standin.url
    )
    dry_run = run_setup(settings, dry_run=True)
    assert len(dry_run.plan.problems) == 4

    health = store.health()

    assert not health.schema_ok and not health.writable and health.reachable
    for problem in dry_run.plan.problems:  # the same check, word for word
        assert problem in health.problems
    for name in COST_FIELDS:
        assert any(name in p and "singleLineText" in p for p in health.problems)
    assert health.fix == f"{SETUP_COMMAND} --dry-run"
    # and the write health warned about does fail, naming the field
    with pytest.raises(SchemaMismatchError) as info:
        store.upsert_models([ModelRecord("openai", "gpt-4o", cost_per_1k=0.003)])
    assert R.COST_PER_1K in str(info.value)


def test_health_names_missing_fields_and_relearns_them_for_writes(
    standin: AirtableStandIn, base: str
) -> None:
    store = open_store(standin, base)
    store.upsert_models([ModelRecord("openai", "gpt-4o")])
    store.list_models()
    standin.rename_field(base, MODELS, R.NOTES, "Remarks")
    health = store.health()
    assert not health.schema_ok and health.fix == SETUP_COMMAND
    assert any(R.NOTES in p for p in health.problems)
    standin.reset_log()
    with pytest.raises(SchemaMismatchError):  # known missing: refused without a request
        store.upsert_models([ModelRecord("openai", "gpt-4o", notes="x")])
    assert model_writes(standin) == []
    standin.rename_field(base, MODELS, "Remarks", R.NOTES)
    assert store.health().schema_ok and store.health().writable


def test_health_without_the_schema_scope_says_types_were_not_checked(
    standin: AirtableStandIn, base: str
) -> None:
    token = "patNoSchemaScopeToken.dev"
    standin.add_token(token, scopes={"data.records:read", "data.records:write"})
    store = AirtableStore(token, base, endpoint_url=standin.url, requests_per_second=500.0)
    health = store.health()
    assert health.schema_ok and health.writable
    assert any("schema.bases:read" in p for p in health.problems)


# --- 4. INVALID_VALUE_FOR_COLUMN names the field in both wordings ------------------------------


@pytest.mark.parametrize(
    "message",
    [
        'Cannot parse value "5" for field Max Tokens',
        'Field "Max Tokens" cannot accept the provided value',
    ],
)
def test_invalid_value_hint_names_the_field(message: str) -> None:
    response = requests.Response()
    response.status_code = 422
    body = {"error": {"type": "INVALID_VALUE_FOR_COLUMN", "message": message}}
    response._content = json.dumps(body).encode()
    error = translate(requests.HTTPError("422", response=response), what="the table")
    assert isinstance(error, SchemaMismatchError)
    assert error.hint is not None and "'Max Tokens'" in error.hint
    assert SETUP_COMMAND in error.hint


def test_the_stand_ins_parse_error_is_hinted_with_its_field(
    standin: AirtableStandIn, base: str
) -> None:
    store = open_store(standin, base)
    standin.change_field_type(base, MODELS, R.MAX_TOKENS, "checkbox")
    with pytest.raises(SchemaMismatchError) as info:
        store.upsert_models([ModelRecord("openai", "gpt-4o", max_tokens=5)])
    assert info.value.hint is not None and f"'{R.MAX_TOKENS}'" in info.value.hint
