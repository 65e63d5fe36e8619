"""setup-airtable against the stand-in: creates the tables, a second run changes nothing."""

from __future__ import annotations

import pytest

from registry_core import records as R
from registry_core.airtable_setup import run_setup
from registry_core.cli import main as cli_main
from registry_core.config import AirtableSettings
from registry_core.errors import PermissionDeniedError
from registry_core.records import ModelRecord
from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn

from .conftest import MODELS_TABLE, make_airtable_store, new_base_id, table_specs


def _settings(server: AirtableStandIn, base: str, token: str = DEFAULT_TOKEN) -> AirtableSettings:
    return AirtableSettings(
        mode="write",
        token=token,
        base_id=base,
        endpoint_url=server.url,
        requests_per_second=500.0,
        lockout_s=0.5,
    )


def test_setup_creates_the_tables_and_a_second_run_does_nothing(standin: AirtableStandIn) -> None:
    base = new_base_id()
    standin.add_base(base)
    report = run_setup(_settings(standin, base))
    assert [a.kind for a in report.plan.actions] == ["create_table"] * 3
    schema = {t["name"]: t for t in standin.schema(base)["tables"]}
    for spec in TABLE_SPECS:
        fields = {f["name"]: f for f in schema[spec.default_name]["fields"]}
        assert list(fields) == list(spec.field_names)
        for wanted in spec.fields:
            assert fields[wanted["name"]]["type"] == wanted["type"]
    models = {f["name"]: f for f in schema[MODELS_TABLE]["fields"]}
    assert models[R.COST_PER_1K]["options"]["precision"] == 6
    assert [c["name"] for c in models[R.STATUS]["options"]["choices"]] == list(R.STATUS_OPTIONS)
    assert schema[MODELS_TABLE]["primaryFieldId"] == models[R.MODEL_ID]["id"]

    standin.reset_log()
    again = run_setup(_settings(standin, base))
    assert again.plan.nothing_to_do and not again.plan.problems
    assert "nothing to do" in again.lines()[0]
    assert all(r.method == "GET" for r in standin.request_log)


def test_setup_adds_only_missing_fields_and_options_and_keeps_data(
    standin: AirtableStandIn,
) -> None:
    base = new_base_id()
    specs = table_specs()
    models = specs[0]
    models["fields"] = [
        f if f["name"] != R.FEATURES else {**f, "options": {"choices": [{"name": "chat"}]}}
        for f in models["fields"]
        if f["name"] != R.NOTES
    ]
    standin.add_base(base, specs)
    standin.seed(base, MODELS_TABLE, [{R.PROVIDER_ID: "openai", R.MODEL_ID: "gpt-4o"}])
    before = standin.records(base, MODELS_TABLE)

    report = run_setup(_settings(standin, base))
    described = [a.describe() for a in report.plan.actions]
    assert described == [
        "add option(s) 'vision', 'embeddings', 'streaming' to 'Features' in 'AI Model Registry'",
        "add field 'Notes' (multilineText) to 'AI Model Registry'",
    ]
    schema = {t["name"]: t for t in standin.schema(base)["tables"]}
    fields = {f["name"]: f for f in schema[MODELS_TABLE]["fields"]}
    assert fields[R.NOTES]["type"] == "multilineText"
    choices = [c["name"] for c in fields[R.FEATURES]["options"]["choices"]]
    assert choices == list(R.FEATURE_OPTIONS)
    assert standin.records(base, MODELS_TABLE) == before  # data untouched
    assert run_setup(_settings(standin, base)).plan.nothing_to_do


def test_dry_run_changes_nothing(standin: AirtableStandIn) -> None:
    base = new_base_id()
    standin.add_base(base)
    report = run_setup(_settings(standin, base), dry_run=True)
    assert len(report.plan.actions) == 3 and not report.applied
    assert "dry run" in report.lines()[0]
    assert standin.schema(base)["tables"] == []


@pytest.mark.parametrize(
    ("scopes", "needed"),
    [
        ({"data.records:read", "data.records:write"}, "schema.bases:read"),
        ({"data.records:read", "data.records:write", "schema.bases:read"}, "schema.bases:write"),
    ],
)
def test_missing_schema_scopes_are_named(
    standin: AirtableStandIn, scopes: set[str], needed: str
) -> None:
    base = new_base_id()
    standin.add_base(base)
    token = f"patScoped{len(scopes)}{base}.x"
    standin.add_token(token, scopes=scopes)
    with pytest.raises(PermissionDeniedError) as info:
        run_setup(_settings(standin, base, token))
    assert needed in str(info.value)
    assert token not in str(info.value)


def test_store_works_on_tables_made_by_setup(standin: AirtableStandIn) -> None:
    base = new_base_id()
    standin.add_base(base)
    run_setup(_settings(standin, base))
    store = make_airtable_store(standin, base)
    store.upsert_models([ModelRecord("openai", "gpt-4o", status="active", features=("chat",))])
    assert [r.model_id for r in store.list_models().records] == ["gpt-4o"]
    assert store.health().schema_ok


def test_cli_command(
    standin: AirtableStandIn, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = new_base_id()
    standin.add_base(base)
    monkeypatch.setenv("AIRTABLE_API_KEY", DEFAULT_TOKEN)
    monkeypatch.setenv("AIRTABLE_BASE_ID", base)
    monkeypatch.setenv("AIRTABLE_ENDPOINT_URL", standin.url)
    assert cli_main(["setup-airtable", "--dry-run"]) == 0
    assert "would do (dry run)" in capsys.readouterr().out
    assert cli_main(["setup-airtable"]) == 0
    assert cli_main(["setup-airtable"]) == 0
    assert "nothing to do" in capsys.readouterr().out
