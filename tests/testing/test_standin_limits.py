"""Rate limit + lockout, fault injection, the per-base record cap and the request log."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from pyairtable import Api, Table

from registry_standins import DEFAULT_TOKEN, AirtableStandIn
from registry_standins.airtable import RECORD_CAP_TYPE

from .conftest import BASE_ID, TABLE


def _status(call: Any) -> int:
    try:
        call()
    except requests.HTTPError as exc:
        return int(exc.response.status_code)
    return 200


class TestRateLimit:
    def test_sixth_request_in_a_second_locks_the_base_out(
        self, server: AirtableStandIn, table: Table
    ) -> None:
        server.set_rate_limit(5, lockout_s=0.6)
        statuses = [_status(table.all) for _ in range(7)]
        assert statuses[:5] == [200] * 5
        assert statuses[5:] == [429, 429]  # the 7th is inside the lockout
        with pytest.raises(requests.HTTPError) as exc:
            table.all()
        assert exc.value.response.json() == {
            "error": {
                "type": "RATE_LIMIT_REACHED",
                "message": "Rate limit exceeded. Please try again later",
            }
        }
        assert "Retry-After" not in exc.value.response.headers
        time.sleep(0.7)  # the lockout ends; the base answers again
        assert _status(table.all) == 200

    def test_limit_is_per_base(self, server: AirtableStandIn, api: Api, table: Table) -> None:
        server.add_base(
            "appSecondBase0001",
            [{"name": "T", "fields": [{"name": "N", "type": "singleLineText"}]}],
        )
        server.set_rate_limit(2, lockout_s=30)
        other = api.table("appSecondBase0001", "T")
        assert [_status(table.all) for _ in range(3)] == [200, 200, 429]
        assert [_status(other.all) for _ in range(2)] == [200, 200]

    def test_429s_are_counted_in_the_log(self, server: AirtableStandIn, table: Table) -> None:
        server.set_rate_limit(1, lockout_s=30)
        for _ in range(4):
            _status(table.all)
        assert server.rate_limited_count == 3
        assert server.count_requests(base=BASE_ID, status=200) >= 1

    def test_default_pyairtable_retry_gives_up_with_retry_error(
        self, server: AirtableStandIn, table: Table
    ) -> None:
        server.set_rate_limit(1, lockout_s=30)
        retrying = Api(DEFAULT_TOKEN, endpoint_url=server.url).table(BASE_ID, TABLE)
        retrying.all()
        with pytest.raises(requests.exceptions.RetryError):
            retrying.all()
        assert server.rate_limited_count == 6  # first try + 5 retries, all in the lockout


class TestFaults:
    def test_next_n_requests_get_a_5xx(self, server: AirtableStandIn, table: Table) -> None:
        server.inject_fault("error", count=2, status=503)
        assert [_status(table.all) for _ in range(3)] == [503, 503, 200]

    def test_503_body_is_the_documented_retriable_error(
        self, server: AirtableStandIn, table: Table
    ) -> None:
        server.inject_fault("error", status=503)
        with pytest.raises(requests.HTTPError) as exc:
            table.all()
        assert exc.value.response.json()["error"]["type"] == "RETRIABLE_ERROR"

    def test_fault_scoped_to_one_table(
        self, server: AirtableStandIn, api: Api, table: Table
    ) -> None:
        api.base(BASE_ID).create_table("Other", [{"name": "N", "type": "singleLineText"}])
        server.inject_fault("error", count=5, status=500, table="Other")
        assert _status(table.all) == 200
        assert _status(api.table(BASE_ID, "Other").all) == 500

    def test_hang_trips_the_client_timeout(self, server: AirtableStandIn, table: Table) -> None:
        server.inject_fault("hang", seconds=1.0)
        impatient = Api(
            DEFAULT_TOKEN, endpoint_url=server.url, timeout=(2, 0.2), retry_strategy=None
        )
        with pytest.raises(requests.exceptions.Timeout):
            impatient.table(BASE_ID, TABLE).all()
        assert _status(table.all) == 200

    def test_429_storm_and_quota(self, server: AirtableStandIn, table: Table) -> None:
        server.inject_fault("rate_limit", count=2)
        server.inject_fault("quota", count=1)
        assert [_status(table.all) for _ in range(4)] == [429, 429, 429, 200]
        kinds = [e.error_type for e in server.request_log[-4:]]
        assert kinds == [
            "RATE_LIMIT_REACHED",
            "RATE_LIMIT_REACHED",
            "PUBLIC_API_BILLING_LIMIT_EXCEEDED",
            None,
        ]

    def test_unknown_fault_kind_is_refused(self, server: AirtableStandIn) -> None:
        with pytest.raises(ValueError):
            server.inject_fault("explode")


class TestRecordCap:
    def test_cap_counts_every_table_and_refuses_the_whole_batch(
        self, server: AirtableStandIn, api: Api, table: Table
    ) -> None:
        server.set_record_cap(BASE_ID, 12)
        api.base(BASE_ID).create_table("History", [{"name": "N", "type": "singleLineText"}])
        api.table(BASE_ID, "History").batch_create([{"N": str(i)} for i in range(5)])
        table.batch_create([{"Model Name": str(i)} for i in range(5)])
        with pytest.raises(requests.HTTPError) as exc:
            table.batch_create([{"Model Name": "x"}, {"Model Name": "y"}, {"Model Name": "z"}])
        assert exc.value.response.status_code == 422
        assert exc.value.response.json()["error"]["type"] == RECORD_CAP_TYPE
        assert len(server.records(BASE_ID, TABLE)) == 5
        # Updates still work at the cap; upserts that only update too.
        table.batch_create([{"Model Name": "a"}, {"Model Name": "b"}])
        result = table.batch_upsert([{"fields": {"Model Name": "a", "Notes": "n"}}], ["Model Name"])
        assert result["createdRecords"] == []
        with pytest.raises(requests.HTTPError):
            table.batch_upsert([{"fields": {"Model Name": "new"}}], ["Model Name"])


class TestRequestLog:
    def test_log_has_method_path_query_body_status_base(
        self, server: AirtableStandIn, table: Table
    ) -> None:
        server.reset_log()
        table.create({"Model Name": "a"})
        table.all(max_records=1)
        create, listing = server.request_log
        assert (create.method, create.path, create.status, create.base) == (
            "POST",
            f"/v0/{BASE_ID}/AI%20Model%20Registry",  # as on the wire
            200,
            BASE_ID,
        )
        assert create.body["fields"] == {"Model Name": "a"}
        assert listing.query["maxRecords"] == ["1"]
        assert server.requests_per_base() == {BASE_ID: 2}
        assert listing.time >= create.time
