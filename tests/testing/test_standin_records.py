"""Records API through pyairtable: paging, options, writes, typed cells, upsert."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests
from pyairtable import Table

from registry_standins import AirtableStandIn

from .conftest import BASE_ID, TABLE


def _error(exc: pytest.ExceptionInfo[requests.HTTPError]) -> dict[str, Any]:
    body: dict[str, Any] = exc.value.response.json()["error"]
    return body


def _seed(table: Table, n: int) -> list[dict[str, Any]]:
    return table.batch_create(
        [{"Model Name": f"model-{i:03d}", "Context Window": i * 1000} for i in range(n)]
    )


class TestPaging:
    def test_250_records_come_in_three_pages_with_offsets(self, table: Table) -> None:
        _seed(table, 250)
        pages = list(table.iterate())
        assert [len(p) for p in pages] == [100, 100, 50]
        names = [r["fields"]["Model Name"] for p in pages for r in p]
        assert names == [f"model-{i:03d}" for i in range(250)]

    def test_offset_is_opaque_itr_rec_and_absent_on_last_page(
        self, table: Table, server: AirtableStandIn
    ) -> None:
        _seed(table, 250)
        list(table.iterate())
        offsets = [
            e.query.get("offset", [""])[0]
            for e in server.request_log
            if e.method == "GET" and not e.path.startswith("/v0/meta")
        ]
        assert offsets[0] == ""
        assert all(o.startswith("itr") and "/rec" in o for o in offsets[1:])
        assert len(offsets) == 3  # the third page had no offset, so paging stopped

    def test_page_size_and_max_records(self, table: Table) -> None:
        _seed(table, 25)
        pages = list(table.iterate(page_size=10, max_records=25))
        assert [len(p) for p in pages] == [10, 10, 5]
        assert len(table.all(max_records=7)) == 7
        assert len(table.all(page_size=100, max_records=123)) == 25

    def test_expired_iterator_is_422(self, table: Table, server: AirtableStandIn) -> None:
        _seed(table, 15)
        pages = table.iterate(page_size=10)
        next(pages)
        server.expire_iterators()
        with pytest.raises(requests.HTTPError) as exc:
            next(pages)
        assert exc.value.response.status_code == 422
        assert _error(exc)["type"] == "LIST_RECORDS_ITERATOR_NOT_AVAILABLE"

    def test_long_formula_falls_back_to_post_list_records(
        self, table: Table, server: AirtableStandIn
    ) -> None:
        made = _seed(table, 120)
        wanted = [r["id"] for r in made[::2]]
        formula = (
            "OR("
            + ", ".join(f"RECORD_ID()='{rid}'" for rid in wanted)
            + ", "
            + ("LEN({Notes})>99999, " * 900)
            + "FALSE())"
        )
        got = table.all(formula=formula, page_size=25)
        assert sorted(r["id"] for r in got) == sorted(wanted)
        assert any(e.path.endswith("/listRecords") for e in server.request_log)


class TestListOptions:
    def test_fields_limits_the_returned_cells(self, table: Table) -> None:
        table.create({"Model Name": "a", "Context Window": 5, "Notes": "x"})
        (record,) = table.all(fields=["Context Window"])
        assert record["fields"] == {"Context Window": 5}

    def test_sort_ascending_and_descending_with_two_keys(self, table: Table) -> None:
        rows = [("b", 2), ("a", 2), ("c", 1), ("d", 3)]
        table.batch_create([{"Model Name": n, "Context Window": c} for n, c in rows])
        got = table.all(sort=["-Context Window", "Model Name"])
        assert [r["fields"]["Model Name"] for r in got] == ["d", "a", "b", "c"]

    def test_view_by_name_and_unknown_view(self, table: Table) -> None:
        table.create({"Model Name": "a"})
        assert len(table.all(view="Grid view")) == 1
        with pytest.raises(requests.HTTPError) as exc:
            table.all(view="No such view")
        assert exc.value.response.status_code == 422

    def test_return_fields_by_field_id(self, table: Table) -> None:
        table.create({"Model Name": "a"})
        primary = table.schema().primary_field_id
        (record,) = table.all(use_field_ids=True)
        assert record["fields"] == {primary: "a"}
        (record,) = table.all(use_field_ids=False)
        assert record["fields"] == {"Model Name": "a"}

    def test_table_addressed_by_id_and_by_encoded_name(self, table: Table, api: Any) -> None:
        table.create({"Model Name": "a"})
        by_id = api.table(BASE_ID, table.schema().id)
        assert [r["fields"] for r in by_id.all()] == [{"Model Name": "a"}]
        assert table.all()[0]["fields"] == {"Model Name": "a"}


class TestWrites:
    def test_create_returns_all_non_empty_fields_and_ids(self, table: Table) -> None:
        record = table.create(
            {"Model Name": "gpt", "Vision": False, "Notes": "", "Context Window": 0}
        )
        assert record["id"].startswith("rec") and len(record["id"]) == 17
        assert record["createdTime"].endswith(".000Z")
        # false and "" are omitted, 0 is kept (facts §3)
        assert record["fields"] == {"Model Name": "gpt", "Context Window": 0}

    def test_patch_merges_put_replaces(self, table: Table) -> None:
        rid = table.create({"Model Name": "a", "Context Window": 1, "Vision": True})["id"]
        assert table.update(rid, {"Context Window": 2})["fields"] == {
            "Model Name": "a",
            "Context Window": 2,
            "Vision": True,
        }
        assert table.update(rid, {"Context Window": 3}, replace=True)["fields"] == {
            "Context Window": 3
        }
        assert table.update(rid, {"Context Window": None})["fields"] == {}

    def test_delete_one_and_many(self, table: Table, server: AirtableStandIn) -> None:
        ids = [r["id"] for r in _seed(table, 12)]
        assert table.delete(ids[0]) == {"id": ids[0], "deleted": True}
        assert all(r["deleted"] for r in table.batch_delete(ids[1:]))
        assert server.records(BASE_ID, TABLE) == []

    def test_get_missing_record_is_404_model_id_not_found(self, table: Table) -> None:
        with pytest.raises(requests.HTTPError) as exc:
            table.get("recAAAAAAAAAAAAAA")
        assert exc.value.response.status_code == 404
        assert _error(exc) == {"type": "MODEL_ID_NOT_FOUND", "message": "Record not found"}

    def test_more_than_ten_records_is_422_invalid_records(self, raw: Any, table: Table) -> None:
        body = {"records": [{"fields": {"Model Name": str(i)}} for i in range(11)]}
        response = raw.post(f"/v0/{BASE_ID}/{table.schema().id}", json=body)
        assert response.status_code == 422
        assert response.json()["error"] == {
            "type": "INVALID_RECORDS",
            "message": "A maximum of 10 records can be created per request but you have "
            "provided 11.",
        }

    def test_batch_is_all_or_nothing(self, table: Table, server: AirtableStandIn) -> None:
        good = [{"Model Name": f"ok-{i}"} for i in range(6)]
        with pytest.raises(requests.HTTPError) as exc:
            table.batch_create([*good, {"Model Name": "bad", "Context Window": "lots"}])
        assert _error(exc)["type"] == "INVALID_VALUE_FOR_COLUMN"
        assert server.records(BASE_ID, TABLE) == []

    def test_unknown_record_in_batch_update_fails_the_batch(self, table: Table) -> None:
        rid = table.create({"Model Name": "a"})["id"]
        with pytest.raises(requests.HTTPError) as exc:
            table.batch_update(
                [{"id": rid, "fields": {"Notes": "x"}}, {"id": "recZZZZZZZZZZZZZZ", "fields": {}}]
            )
        assert _error(exc)["type"] == "ROW_DOES_NOT_EXIST"
        assert "Notes" not in table.get(rid)["fields"]


class TestTypedCells:
    def test_unknown_field_name(self, table: Table) -> None:
        with pytest.raises(requests.HTTPError) as exc:
            table.create({"Nope": 1})
        assert _error(exc) == {
            "type": "UNKNOWN_FIELD_NAME",
            "message": 'Unknown field name: "Nope"',
        }

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("Context Window", "128k"),
            ("Context Window", True),
            ("Input Price", "0.5"),
            ("Vision", "yes"),
            ("Released", "next tuesday"),
            ("Last Seen", "yesterday"),
            ("Model Name", 42),
            ("Capabilities", "text"),
        ],
    )
    def test_wrong_types_are_422_invalid_value_for_column(
        self, table: Table, field: str, value: Any
    ) -> None:
        with pytest.raises(requests.HTTPError) as exc:
            table.create({field: value})
        assert exc.value.response.status_code == 422
        assert _error(exc)["type"] == "INVALID_VALUE_FOR_COLUMN"

    def test_strict_select_refuses_unknown_option(self, table: Table) -> None:
        with pytest.raises(requests.HTTPError) as exc:
            table.create({"Status": "Retired"})
        assert _error(exc) == {
            "type": "INVALID_MULTIPLE_CHOICE_OPTIONS",
            "message": 'Insufficient permissions to create new select option ""Retired""',
        }
        with pytest.raises(requests.HTTPError):
            table.create({"Capabilities": ["text", "audio"]})
        with pytest.raises(requests.HTTPError):
            table.create({"Status": "active"})  # options are case-sensitive

    def test_typecast_creates_options_and_converts(self, table: Table) -> None:
        record = table.create(
            {"Status": "Retired", "Capabilities": ["text", "audio"], "Context Window": "8000"},
            typecast=True,
        )
        assert record["fields"]["Status"] == "Retired"
        assert record["fields"]["Capabilities"] == ["text", "audio"]
        assert record["fields"]["Context Window"] == 8000
        choices = {f.name: f for f in table.schema(force=True).fields}["Status"].options.choices
        assert "Retired" in [c.name for c in choices]

    def test_failed_typecast_batch_does_not_leave_new_options(self, table: Table) -> None:
        with pytest.raises(requests.HTTPError):
            table.batch_create(
                [{"Status": "Brand New"}, {"Context Window": "not a number"}], typecast=True
            )
        choices = {f.name: f for f in table.schema(force=True).fields}["Status"].options.choices
        assert "Brand New" not in [c.name for c in choices]

    def test_dates_and_datetimes_normalize(self, table: Table) -> None:
        record = table.create({"Released": "2024-03-05", "Last Seen": "2024-03-05T10:11:12+02:00"})
        assert record["fields"] == {
            "Released": "2024-03-05",
            "Last Seen": "2024-03-05T08:11:12.000Z",
        }
        epoch = table.create({"Last Seen": 1640520000000})
        assert epoch["fields"]["Last Seen"] == "2021-12-26T12:00:00.000Z"

    def test_computed_field_refuses_a_value(self, server: AirtableStandIn, api: Any) -> None:
        # Computed fields cannot be created through the API, so the base is set up directly.
        server.add_base(
            "appComputedBase01",
            [{"name": "T", "fields": [{"name": "Name", "type": "singleLineText"}]}],
        )
        with pytest.raises(requests.HTTPError) as exc:
            api.table("appComputedBase01", "T").create_field("Created", "createdTime")
        assert exc.value.response.status_code == 422


class TestUpsert:
    def test_creates_and_updates_with_documented_response(self, table: Table) -> None:
        rid = table.create({"Model Name": "gpt-4o", "Context Window": 1})["id"]
        result = table.batch_upsert(
            [
                {"fields": {"Model Name": "gpt-4o", "Context Window": 2}},
                {"fields": {"Model Name": "claude", "Context Window": 3}},
            ],
            key_fields=["Model Name"],
        )
        assert result["updatedRecords"] == [rid]
        assert len(result["createdRecords"]) == 1
        assert [r["fields"]["Model Name"] for r in result["records"]] == ["gpt-4o", "claude"]
        assert table.get(rid)["fields"]["Context Window"] == 2

    def test_put_upsert_clears_unspecified_fields(self, table: Table) -> None:
        rid = table.create({"Model Name": "a", "Notes": "keep?"})["id"]
        table.batch_upsert(
            [{"fields": {"Model Name": "a"}}], key_fields=["Model Name"], replace=True
        )
        assert table.get(rid)["fields"] == {"Model Name": "a"}

    def test_multiple_matches_fail_the_whole_request(
        self, table: Table, server: AirtableStandIn
    ) -> None:
        table.batch_create([{"Model Name": "dup"}, {"Model Name": "dup"}])
        with pytest.raises(requests.HTTPError) as exc:
            table.batch_upsert(
                [{"fields": {"Model Name": "fresh"}}, {"fields": {"Model Name": "dup"}}],
                key_fields=["Model Name"],
            )
        assert exc.value.response.status_code == 422
        assert len(server.records(BASE_ID, TABLE)) == 2

    def test_concurrent_upserts_create_no_duplicates(
        self, table: Table, server: AirtableStandIn
    ) -> None:
        rows = [{"fields": {"Model Name": f"m{i}", "Context Window": i}} for i in range(30)]
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                table.batch_upsert(rows, key_fields=["Model Name"])
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        names = sorted(r["fields"]["Model Name"] for r in server.records(BASE_ID, TABLE))
        assert names == sorted(f"m{i}" for i in range(30))
