"""Item 17: a store write error of any type is a typed error in that provider's report only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from registry_core import refresh
from registry_core.config import Settings
from registry_core.errors import RegistryError, StoreWriteError
from registry_core.records import ModelRecord
from registry_core.stores.sqlite import SQLiteStore
from tests.resolver.conftest import Clock

from .conftest import Listing, by_id, make_service


class ReadOnlyFileStore(SQLiteStore):
    """The file as a read-only filesystem serves it (works as root too, unlike chmod)."""

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "ro", None)
        if conn is None:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None)
            self._local.ro = conn
        return conn


def test_lone_surrogate_in_one_provider_fails_only_that_provider(
    tmp_path: Path, settings: Settings, listing: Listing, clock: Clock
) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    listing.set("openai", "gpt-4o", "bad-\ud800-id")
    listing.set("anthropic", "claude-3")
    reports = refresh.refresh(make_service(store, settings, listing, clock), None)
    by_provider = {r.provider_id: r for r in reports}
    bad, good = by_provider["openai"], by_provider["anthropic"]
    assert isinstance(bad.save_error, StoreWriteError) and bad.save_error.error_class == (
        "store_write"
    )
    assert "write" in str(bad.save_error) and "opened" not in str(bad.save_error)
    assert good.saved and [r.model_id for r in store.list_models("anthropic").records] == [
        "claude-3"
    ]
    assert by_id(store) == {}  # the bad provider's transaction wrote nothing at all
    assert refresh.exit_status(reports) == 3


def test_read_only_file_is_a_typed_write_error(
    tmp_path: Path, settings: Settings, listing: Listing, clock: Clock
) -> None:
    SQLiteStore(tmp_path / "r.db").upsert_models([ModelRecord("openai", "old")])
    store = ReadOnlyFileStore(tmp_path / "r.db")
    listing.set("openai", "gpt-4o")
    [report] = make_service(store, settings, listing, clock).discover(["openai"])
    assert isinstance(report.save_error, RegistryError)
    assert report.save_error.error_class == "store_write"
    assert "readonly" in str(report.save_error) and "busy" not in str(report.save_error)


def test_unexpected_store_exception_stays_in_its_report(
    tmp_path: Path, settings: Settings, listing: Listing, clock: Clock
) -> None:
    class Broken(SQLiteStore):
        def apply_plan(self, plan):  # type: ignore[no-untyped-def]
            if any(r.provider_id == "openai" for r in plan.rows):
                raise sqlite3.DatabaseError("database disk image is malformed")
            return super().apply_plan(plan)

    store = Broken(tmp_path / "r.db")
    listing.set("openai", "gpt-4o")
    listing.set("anthropic", "claude-3")
    reports = make_service(store, settings, listing, clock).discover(None)
    outcome = {r.provider_id: (r.save_error.error_class if r.save_error else None) for r in reports}
    assert outcome == {"openai": "store_write", "anthropic": None}
