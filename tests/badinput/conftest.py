"""Bad input: a hand-typed table of broken rows (data/bad_rows.json), put into each store
exactly as a person could have typed it, bypassing the row parser.

Each row says whether it must be ``shown`` and which fields must be flagged (``"*"`` = a
warning about the whole row). ``sqlite_only`` rows hold values Airtable's UI refuses to store
in a typed cell; ``airtable_only`` rows are exact duplicates, which only Airtable can hold.
"""

from __future__ import annotations

import json
import secrets
import string
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from registry_core.stores.airtable import AirtableStore
from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_core.stores.base import RegistryStore
from registry_core.stores.postgres import PostgresStore, key_text
from registry_core.stores.sqlite import SQLiteStore
from registry_standins import postgres as pg
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DATA = Path(__file__).parent / "data"
MODELS = "AI Model Registry"
_LONG = {"@@LONG10000@@": "L" * 10_000, "@@LONG100001@@": "N" * 100_001}


@dataclass(frozen=True)
class BadRow:
    index: int
    note: str
    cells: dict[str, Any]
    shown: bool
    flags: frozenset[str]
    sqlite_only: bool = False
    airtable_only: bool = False
    duplicate_of: str | None = None
    wins_over: str | None = None

    def applies_to(self, tier: str) -> bool:
        # PostgreSQL holds what SQLite holds (typed-anything JSON cells, one row per key)
        return not (self.sqlite_only and tier == "airtable") and not (
            self.airtable_only and tier in ("sqlite", "postgres")
        )


def bad_rows() -> list[BadRow]:
    raw = json.loads((DATA / "bad_rows.json").read_text(encoding="utf-8"))
    return [
        BadRow(
            index=i,
            note=r["note"],
            cells={k: _LONG.get(v, v) if isinstance(v, str) else v for k, v in r["cells"].items()},
            shown=r["shown"],
            flags=frozenset(r["flags"]),
            sqlite_only=r.get("sqlite_only", False),
            airtable_only=r.get("airtable_only", False),
            duplicate_of=r.get("duplicate_of"),
            wins_over=r.get("wins_over"),
        )
        for i, r in enumerate(raw)
    ]


def new_base_id() -> str:
    alphabet = string.ascii_letters + string.digits
    return "app" + "".join(secrets.choice(alphabet) for _ in range(14))


def table_specs() -> list[dict[str, Any]]:
    return [
        {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
        for s in TABLE_SPECS
    ]


@dataclass
class Loaded:
    """A store holding the bad rows, and each row's reference as the store reports it."""

    tier: str
    store: RegistryStore
    rows: list[BadRow]
    refs: dict[int, str]  # row index -> row reference in warnings


def put_rows(
    tier: str, tmp_path: Path, server: AirtableStandIn | None, pg_schema: str | None = None
) -> Loaded:
    rows = [r for r in bad_rows() if r.applies_to(tier)]
    if tier == "postgres":
        assert pg_schema is not None
        store = PostgresStore(pg.test_database_url(), schema=pg_schema, connect_timeout_s=3.0)
        store.put_raw_rows([r.cells for r in rows])
        # keys as a text column holds them (a NUL written as \u0000), as the store reports them
        refs = {
            r.index: key_text(str(r.cells.get("Provider ID") or f"?row-{n}"))
            + "/"
            + key_text(str(r.cells.get("Model ID") or f"?row-{n}"))
            for n, r in enumerate(rows)
        }
        return Loaded(tier, store, rows, refs)
    if tier == "sqlite":
        store = SQLiteStore(tmp_path / "registry.db")
        store.put_raw_rows([r.cells for r in rows])
        refs = {
            r.index: f"{r.cells.get('Provider ID') or f'?row-{n}'}/"
            f"{r.cells.get('Model ID') or f'?row-{n}'}"
            for n, r in enumerate(rows)
        }
        return Loaded(tier, store, rows, refs)
    assert server is not None
    base = new_base_id()
    server.add_base(base, table_specs())
    # typecast: people add select options in the UI; the stand-in creates them the same way
    ids = server.seed(base, MODELS, [r.cells for r in rows], typecast=True)
    airtable = AirtableStore(
        DEFAULT_TOKEN, base, endpoint_url=server.url, requests_per_second=500.0, lockout_s=0.3
    )
    return Loaded(tier, airtable, rows, {r.index: rid for r, rid in zip(rows, ids, strict=True)})


@pytest.fixture(scope="module")
def standin() -> Iterator[AirtableStandIn]:
    with AirtableStandIn(rate_limit=None) as server:
        yield server


@pytest.fixture(params=["sqlite", "airtable", pytest.param("postgres", marks=pytest.mark.postgres)])
def loaded(
    request: pytest.FixtureRequest, tmp_path: Path, standin: AirtableStandIn
) -> Iterator[Loaded]:
    if request.param == "postgres":
        reason = pg.unreachable_reason()
        if reason:
            pytest.skip(reason)
        with pg.fresh_schema() as schema:
            result = put_rows("postgres", tmp_path, standin, schema)
            yield result
            result.store.close()
        return
    result = put_rows(request.param, tmp_path, standin)
    yield result
    result.store.close()
