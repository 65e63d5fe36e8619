"""A PostgreSQL server for tests and benches: where it is, whether it answers, fresh schemas.

The server comes from ``REGISTRY_TEST_DATABASE_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``, the test machines' trust-auth server). Each user
gets a schema of its own (random name), dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_TEST_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/test"
SKIP_MESSAGE = (
    "no PostgreSQL server at {where} ({why}); point REGISTRY_TEST_DATABASE_URL at one "
    "(postgresql://user@host:5432/database, a user that may create schemas) to run these tests"
)


def test_database_url() -> str:
    return os.environ.get("REGISTRY_TEST_DATABASE_URL") or DEFAULT_TEST_DATABASE_URL


def unreachable_reason(url: str | None = None, *, timeout_s: int = 3) -> str | None:
    """``None`` when the test server answers, else the skip message saying how to point at one."""
    import psycopg

    from registry_core.stores.postgres import redact_url

    target = url or test_database_url()
    try:
        with psycopg.connect(target, connect_timeout=timeout_s) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any failure means "no usable server"
        why = type(exc).__name__
        return SKIP_MESSAGE.format(where=redact_url(target), why=why)
    return None


def new_schema_name() -> str:
    return "registry_test_" + secrets.token_hex(6)


@contextmanager
def fresh_schema(url: str | None = None) -> Iterator[str]:
    """A new empty schema's name; the schema is dropped (with its tables) on exit."""
    import psycopg
    from psycopg import sql

    target = url or test_database_url()
    name = new_schema_name()
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
