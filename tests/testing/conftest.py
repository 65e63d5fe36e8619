"""Fixtures for the Airtable stand-in: a running server, a pyairtable Api, a registry table.

Every test drives the server through pyairtable (or raw httpx for error bodies), exactly as
the project's Airtable store will.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pyairtable import Api, Table

from registry_standins import DEFAULT_TOKEN, AirtableStandIn

DATA = Path(__file__).parent / "data"
BASE_ID = "appTestRegistry01"
TABLE = "AI Model Registry"


@pytest.fixture
def registry_spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((DATA / "registry_table.json").read_text())
    return spec


@pytest.fixture
def server() -> Iterator[AirtableStandIn]:
    """A stand-in with no rate limit (tests of the limit turn it on) and one empty base."""
    with AirtableStandIn(rate_limit=None) as stand_in:
        stand_in.add_base(BASE_ID)
        yield stand_in


@pytest.fixture
def api(server: AirtableStandIn) -> Api:
    # No retries: a 429 or 5xx must surface in the test, not be absorbed for 3 s.
    return Api(DEFAULT_TOKEN, endpoint_url=server.url, retry_strategy=None, timeout=(5, 10))


@pytest.fixture
def table(api: Api, registry_spec: dict[str, Any]) -> Table:
    """The registry table, created through the Meta API like ``setup-airtable`` does."""
    api.base(BASE_ID).create_table(
        registry_spec["name"], registry_spec["fields"], registry_spec["description"]
    )
    return api.table(BASE_ID, TABLE)


@pytest.fixture
def raw(server: AirtableStandIn) -> Iterator[Any]:
    """An httpx client on the stand-in with the dev token, for exact error bodies."""
    import httpx

    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"}, timeout=10
    ) as client:
        yield client
