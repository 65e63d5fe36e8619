"""Item 5: history never runs ahead of the registry, and a retry fills in what a crash left out."""

from __future__ import annotations

from collections import Counter

from registry_core.config import Settings
from registry_core.errors import UnavailableError
from registry_core.stores.base import RegistryStore
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.airtable_server import AirtableStandIn
from tests.resolver.conftest import Clock
from tests.stores.conftest import make_airtable_store

from .conftest import HISTORY, MODELS, Interleave, Listing, by_id, make_service

IDS = [f"m{i:02d}" for i in range(17)]


def test_failed_record_write_leaves_no_history(
    real_store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    """Persistent write failures: no "added" event for a model whose record was not saved."""
    proxy = Interleave(real_store)
    proxy.fail_writes = 10
    proxy.error = UnavailableError("429 for the whole run (test)")
    listing.set("openai", *IDS)
    report = make_service(proxy, settings, listing, clock).discover(["openai"])[0]
    assert by_id(real_store) == {}
    assert real_store.list_events("openai") == []  # the old write path logged 17 "added"
    assert report.outcome == "ok" and report.save_failed and report.saved_rows == 0


def test_crash_between_rows_and_events_is_filled_in_once(
    standin: AirtableStandIn, base_id: str, settings: Settings, listing: Listing, clock: Clock
) -> None:
    """Airtable has no transactions: rows saved, then the history write fails (a crash).

    The rows keep their events in a journal; the next refresh appends them once each.
    """
    store = make_airtable_store(standin, base_id, rate_limit_waits=0)
    listing.set("openai", *IDS)
    service = make_service(store, settings, listing, clock)
    standin.inject_fault("error", count=1000, status=503, table=HISTORY)
    first = service.discover(["openai"])[0]
    standin.clear_faults()
    assert first.save_failed
    assert set(by_id(store)) == set(IDS)  # the rows are saved ...
    assert store.list_events("openai") == []  # ... their events are not yet

    clock.advance(hours=1)
    again = make_service(make_airtable_store(standin, base_id), settings, listing, clock).discover(
        ["openai"]
    )[0]
    assert not again.save_failed, again.warnings
    kinds = Counter((e.model_id, e.kind) for e in store.list_events("openai"))
    assert kinds == Counter({(m, "added"): 1 for m in IDS})
    # a third run adds nothing more
    clock.advance(hours=1)
    service.discover(["openai"])
    assert len(store.list_events("openai")) == len(IDS)
    assert len(standin.records(base_id, MODELS)) == len(IDS)


def test_sqlite_rows_events_and_run_commit_together(
    tmp_path, settings: Settings, listing: Listing, clock: Clock
) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    listing.set("openai", *IDS)
    report = make_service(store, settings, listing, clock).discover(["openai"])[0]
    assert report.saved and report.listed == 17 and report.saved_rows == 17
    assert len(store.list_events("openai")) == 17
    assert [r.outcome for r in store.list_runs("openai")] == ["ok"]


def test_a_zero_price_is_saved_on_create(real_store: RegistryStore) -> None:
    """0.0 is a value, not an empty cell: a created row keeps it (no rewrite next run)."""
    from registry_core.plan import WritePlan, row_write
    from registry_core.records import ModelRecord

    write = row_write(None, ModelRecord("openai", "free", output_cost_per_1k=0.0))
    assert write is not None and write.set["Output Cost per 1K tokens"] == 0.0
    real_store.apply_plan(WritePlan((write,)))
    assert by_id(real_store)["free"].output_cost_per_1k == 0.0
