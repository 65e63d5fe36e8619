"""Meta API through pyairtable's schema models, UI-side changes, persistence and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from pyairtable import Api, Table

from registry_standins import DEFAULT_BASE_ID, DEFAULT_TOKEN, AirtableStandIn

from .conftest import BASE_ID, TABLE


def test_created_table_satisfies_pyairtable_schema_models(
    api: Api, table: Table, registry_spec: dict[str, Any]
) -> None:
    schema = api.base(BASE_ID).schema()
    (registry,) = schema.tables
    assert registry.name == TABLE and registry.id.startswith("tbl") and len(registry.id) == 17
    assert registry.primary_field_id == registry.fields[0].id
    assert [f.name for f in registry.fields] == [f["name"] for f in registry_spec["fields"]]
    assert registry.views[0].type == "grid" and registry.views[0].name == "Grid view"
    by_name = {f.name: f for f in registry.fields}
    assert by_name["Input Price"].options.symbol == "$"
    assert by_name["Released"].options.date_format.format == "YYYY-MM-DD"
    assert by_name["Last Seen"].options.time_format.format == "HH:mm"
    assert all(c.id.startswith("sel") for c in by_name["Status"].options.choices)
    assert by_name["Vision"].options.icon == "check"


def test_create_field_and_rename_through_field_schema(api: Api, table: Table) -> None:
    field = table.create_field("Tier", "singleSelect", options={"choices": ["Free", "Paid"]})
    assert field.id.startswith("fld") and [c.name for c in field.options.choices] == [
        "Free",
        "Paid",
    ]
    table.create({"Model Name": "a", "Tier": "Paid"})
    field.name = "Plan Tier"
    field.save()
    assert table.all()[0]["fields"]["Plan Tier"] == "Paid"


def test_duplicate_names_are_refused(api: Api, table: Table) -> None:
    with pytest.raises(requests.HTTPError) as exc:
        table.create_field("model name", "singleLineText")  # case-insensitive clash
    assert exc.value.response.status_code == 422
    with pytest.raises(requests.HTTPError):
        api.base(BASE_ID).create_table(TABLE, [{"name": "X", "type": "singleLineText"}])


def test_primary_field_type_and_empty_fields_are_checked(api: Api, server: AirtableStandIn) -> None:
    base = api.base(BASE_ID)
    with pytest.raises(requests.HTTPError):
        base.create_table("T", [{"name": "Done", "type": "checkbox"}])
    with pytest.raises(requests.HTTPError):
        base.create_table("T", [])
    assert server.schema(BASE_ID) == {"tables": []}


def test_update_field_rejects_type_changes(raw: Any, table: Table) -> None:
    schema = table.schema()
    path = f"/v0/meta/bases/{BASE_ID}/tables/{schema.id}/fields/{schema.fields[1].id}"
    assert raw.patch(path, json={"type": "singleLineText"}).status_code == 422
    response = raw.patch(path, json={"description": "Who serves it"})
    assert response.status_code == 200 and response.json()["description"] == "Who serves it"


def test_ui_rename_keeps_data_and_breaks_name_based_calls(
    server: AirtableStandIn, table: Table
) -> None:
    table.create({"Model Name": "a", "Notes": "n"})
    server.rename_field(BASE_ID, TABLE, "Notes", "Remarks")
    assert server.records(BASE_ID, TABLE)[0]["fields"] == {"Model Name": "a", "Remarks": "n"}
    with pytest.raises(requests.HTTPError) as exc:
        table.all(formula="{Notes}='n'")
    assert exc.value.response.status_code == 422
    server.delete_field(BASE_ID, TABLE, "Remarks")
    assert server.records(BASE_ID, TABLE)[0]["fields"] == {"Model Name": "a"}


def test_data_file_survives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "airtable.json"
    with AirtableStandIn(rate_limit=None, data_path=data) as first:
        first.add_base(BASE_ID)
        api = Api(DEFAULT_TOKEN, endpoint_url=first.url)
        api.base(BASE_ID).create_table(TABLE, [{"name": "Model Name", "type": "singleLineText"}])
        rid = api.table(BASE_ID, TABLE).create({"Model Name": "kept"})["id"]
    assert DEFAULT_TOKEN not in data.read_text()
    with AirtableStandIn(rate_limit=None, data_path=data) as second:
        api = Api(DEFAULT_TOKEN, endpoint_url=second.url)
        assert api.table(BASE_ID, TABLE).get(rid)["fields"] == {"Model Name": "kept"}


@pytest.mark.slow
def test_command_line_server_serves_pyairtable(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "registry_standins.airtable_server", "--port", "0",
         "--data", str(tmp_path / "d.json")],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(4)]
        assert f"AIRTABLE_API_KEY={DEFAULT_TOKEN}" in lines[2]
        assert f"AIRTABLE_BASE_ID={DEFAULT_BASE_ID}" in lines[3]
        url = lines[1].strip().split("=", 1)[1]
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0")
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(
                    url + "/v0/meta/whoami", headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "stand-in did not start"
                time.sleep(0.1)
        api = Api(DEFAULT_TOKEN, endpoint_url=url)
        api.base(DEFAULT_BASE_ID).create_table("T", [{"name": "Name", "type": "singleLineText"}])
        api.table(DEFAULT_BASE_ID, "T").create({"Name": "x"})
        assert json.loads((tmp_path / "d.json").read_text())["bases"][0]["id"] == DEFAULT_BASE_ID
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_table_rename_through_table_schema_save(api: Api, table: Table) -> None:
    schema = table.schema()
    schema.name = "Models"
    schema.save()
    assert [t.name for t in api.base(BASE_ID).schema(force=True).tables] == ["Models"]
    assert api.table(BASE_ID, "Models").all() == []
    assert api.base(BASE_ID, validate=True).id == BASE_ID
