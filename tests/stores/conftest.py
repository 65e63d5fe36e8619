"""Store fixtures: one ``store`` parametrized over SQLite, Airtable-on-the-stand-in and
PostgreSQL (a real server, ``REGISTRY_TEST_DATABASE_URL``; each test in a fresh schema).

The Airtable tier runs against :class:`AirtableStandIn` (a real HTTP server on loopback); each
test gets a fresh base with the three tables, so tests never see each other's rows.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from registry_core.stores.airtable import AirtableStore
from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_core.stores.base import RegistryStore
from registry_core.stores.postgres import PostgresStore
from registry_core.stores.sqlite import SQLiteStore
from registry_standins import postgres as pg
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn

MODELS_TABLE = "AI Model Registry"
RawWriter = Callable[[Sequence[Mapping[str, Any]]], None]


def new_base_id() -> str:
    alphabet = string.ascii_letters + string.digits
    return "app" + "".join(secrets.choice(alphabet) for _ in range(14))


def table_specs() -> list[dict[str, Any]]:
    """The three tables in Meta API create-table format (as setup-airtable creates them)."""
    return [
        {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
        for s in TABLE_SPECS
    ]


@pytest.fixture(scope="session")
def standin() -> Iterator[AirtableStandIn]:
    """One stand-in for the session, rate limiting off (tests that need it make their own)."""
    with AirtableStandIn(rate_limit=None) as server:
        yield server


@pytest.fixture
def base_id(standin: AirtableStandIn) -> str:
    """A fresh base with the three tables."""
    base = new_base_id()
    standin.add_base(base, table_specs())
    return base


def make_airtable_store(server: AirtableStandIn, base: str, **kwargs: Any) -> AirtableStore:
    options: dict[str, Any] = {
        "endpoint_url": server.url,
        "requests_per_second": 500.0,
        "lockout_s": 0.5,
        "timeout": (2.0, 10.0),
    }
    options.update(kwargs)
    return AirtableStore(DEFAULT_TOKEN, base, **options)


@pytest.fixture
def airtable_store(standin: AirtableStandIn, base_id: str) -> Iterator[AirtableStore]:
    store = make_airtable_store(standin, base_id)
    yield store
    store.close()


@pytest.fixture(scope="session")
def pg_url() -> str:
    """The test PostgreSQL server's URL; skips (fails under CI=true) when it does not answer."""
    url = pg.test_database_url()
    reason = pg.unreachable_reason(url)
    if reason:
        pytest.skip(reason)
    return url


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    """A fresh schema on the test server, dropped after the test."""
    with pg.fresh_schema(pg_url) as schema:
        yield schema


@pytest.fixture
def postgres_store(pg_url: str, pg_schema: str) -> Iterator[PostgresStore]:
    store = PostgresStore(pg_url, schema=pg_schema, connect_timeout_s=3.0)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", "airtable", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RegistryStore]:
    """Every contract test runs once on each tier."""
    if request.param == "sqlite":
        sqlite = SQLiteStore(tmp_path / "registry.db")
        yield sqlite
        sqlite.close()
    elif request.param == "postgres":
        yield request.getfixturevalue("postgres_store")
    else:
        yield request.getfixturevalue("airtable_store")


@pytest.fixture
def put_raw_rows(store: RegistryStore, request: pytest.FixtureRequest) -> RawWriter:
    """Put rows into the tier exactly as a person typed them (no row parser in the way)."""
    if isinstance(store, SQLiteStore | PostgresStore):
        return store.put_raw_rows
    assert isinstance(store, AirtableStore)
    server: AirtableStandIn = request.getfixturevalue("standin")

    def put(rows: Sequence[Mapping[str, Any]]) -> None:
        # typecast: people add select options in the UI; the stand-in creates them the same way
        server.seed(store.base_id, MODELS_TABLE, rows, typecast=True)

    return put
