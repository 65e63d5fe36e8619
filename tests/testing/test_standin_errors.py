"""Documented error bodies, token scopes and base restrictions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import requests
from pyairtable import Api, Table

from registry_standins import AirtableStandIn

from .conftest import BASE_ID, TABLE

MODEL_NOT_FOUND = {
    "type": "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
    "message": "Invalid permissions, or the requested model was not found. Check that both "
    "your user and your token have the required permissions, and that the model names "
    "and/or ids are correct.",
}
TABLE_PATH = f"/v0/{BASE_ID}/AI%20Model%20Registry"


def test_missing_or_wrong_token_is_401(server: AirtableStandIn, table: Table) -> None:
    for headers in ({}, {"Authorization": "Bearer patWrong"}, {"Authorization": "Basic x"}):
        response = httpx.get(server.url + TABLE_PATH, headers=headers)
        assert response.status_code == 401
        assert response.json() == {
            "error": {"type": "AUTHENTICATION_REQUIRED", "message": "Authentication required"}
        }


def test_unknown_base_and_table_are_403_model_not_found(raw: Any, table: Table) -> None:
    for path in (
        "/v0/appNoSuchBase0001/AI%20Model%20Registry",
        f"/v0/{BASE_ID}/No%20Such%20Table",
        "/v0/meta/bases/appNoSuchBase0001/tables",
    ):
        response = raw.get(path)
        assert response.status_code == 403, path
        assert response.json() == {"error": MODEL_NOT_FOUND}


def test_legacy_mode_answers_404_table_not_found() -> None:
    with AirtableStandIn(rate_limit=None, legacy_not_found=True) as server:
        server.add_base(BASE_ID)
        api = Api("patLocalStandInToken.dev", endpoint_url=server.url, retry_strategy=None)
        with pytest.raises(requests.HTTPError) as exc:
            api.table(BASE_ID, "Unknown Table").all()
        assert exc.value.response.status_code == 404
        assert exc.value.response.json()["error"] == {
            "type": "TABLE_NOT_FOUND",
            "message": f"Could not find table Unknown Table in application {BASE_ID}",
        }


def test_bad_routes_are_bare_404(raw: Any) -> None:
    for path in ("/v1/whatever", "/v0/junk/tbl", "/v0/meta/bases/junk/tables", "/v0/meta/nope"):
        response = raw.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"error": "NOT_FOUND"}


def test_invalid_json_body_is_rejected(raw: Any, table: Table) -> None:
    response = raw.post(
        TABLE_PATH, content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "INVALID_REQUEST_BODY"


def test_page_size_over_100_is_422(raw: Any, table: Table) -> None:
    response = raw.get(TABLE_PATH, params={"pageSize": 101})
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "INVALID_REQUEST_UNKNOWN"


def test_pyairtable_surfaces_the_error_dict(table: Table) -> None:
    with pytest.raises(requests.HTTPError) as exc:
        table.create({"Nope": 1})
    assert "UNKNOWN_FIELD_NAME" in str(exc.value)


def test_batch_delete_needs_records_array(raw: Any, table: Table) -> None:
    response = raw.delete(TABLE_PATH, params={"records": "recAAAAAAAAAAAAAA"})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "type": "INVALID_RECORDS",
        "message": '"records" must be an array of up to 10 record IDs.',
    }


class TestScopes:
    def test_token_without_schema_scopes_gets_403_on_meta_but_reads_records(
        self, server: AirtableStandIn, table: Table
    ) -> None:
        server.add_token("patDataOnly", scopes=["data.records:read", "data.records:write"])
        api = Api("patDataOnly", endpoint_url=server.url, retry_strategy=None)
        with pytest.raises(requests.HTTPError) as exc:
            api.base(BASE_ID).schema()
        assert exc.value.response.status_code == 403
        assert exc.value.response.json()["error"] == MODEL_NOT_FOUND
        with pytest.raises(requests.HTTPError):
            api.base(BASE_ID).create_table("X", [{"name": "Name", "type": "singleLineText"}])
        assert api.table(BASE_ID, TABLE).all() == []
        assert api.table(BASE_ID, TABLE).create({"Model Name": "ok"})["fields"]

    def test_read_only_token_cannot_write(self, server: AirtableStandIn, table: Table) -> None:
        server.add_token("patReadOnly", scopes=["data.records:read", "schema.bases:read"])
        api = Api("patReadOnly", endpoint_url=server.url, retry_strategy=None)
        assert api.table(BASE_ID, TABLE).all() == []
        with pytest.raises(requests.HTTPError) as exc:
            api.table(BASE_ID, TABLE).create({"Model Name": "no"})
        assert exc.value.response.status_code == 403

    def test_schema_read_without_write(self, server: AirtableStandIn, table: Table) -> None:
        server.add_token("patSchemaRead", scopes=["schema.bases:read"])
        api = Api("patSchemaRead", endpoint_url=server.url, retry_strategy=None)
        assert [t.name for t in api.base(BASE_ID).schema().tables] == [TABLE]
        with pytest.raises(requests.HTTPError) as exc:
            api.table(BASE_ID, TABLE).create_field("Extra", "singleLineText")
        assert exc.value.response.status_code == 403

    def test_token_limited_to_other_bases_sees_403(
        self, server: AirtableStandIn, table: Table
    ) -> None:
        server.add_base("appOtherBase00001")
        server.add_token("patOtherOnly", bases=["appOtherBase00001"])
        api = Api("patOtherOnly", endpoint_url=server.url, retry_strategy=None)
        with pytest.raises(requests.HTTPError) as exc:
            api.table(BASE_ID, TABLE).all()
        assert exc.value.response.json()["error"] == MODEL_NOT_FOUND
        assert [b.id for b in api.bases()] == ["appOtherBase00001"]

    def test_whoami_lists_scopes(self, server: AirtableStandIn) -> None:
        server.add_token("patWho", scopes=["data.records:read"])
        api = Api("patWho", endpoint_url=server.url, retry_strategy=None)
        me = api.whoami()
        assert me["id"].startswith("usr") and me["scopes"] == ["data.records:read"]


def test_log_never_holds_the_token(server: AirtableStandIn, table: Table) -> None:
    table.all()
    assert "patLocalStandInToken" not in repr(server.request_log)
