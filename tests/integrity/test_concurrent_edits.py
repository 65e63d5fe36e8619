"""Item 16: an edit made during a refresh (or a refresh during an edit) is never reverted.

Deterministic interleaving: the proxy lands the other write exactly between the first writer's
read and its write, on SQLite and on the Airtable stand-in.
"""

from __future__ import annotations

from pyairtable import Api

from registry_core.config import Settings
from registry_core.records import ModelRecord
from registry_core.stores.airtable import AirtableStore
from registry_core.stores.base import RegistryStore
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn
from tests.resolver.conftest import Clock

from .conftest import MODELS, Interleave, Listing, by_id, make_service


def seed_discovered(
    store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    listing.set("openai", "gpt-4o", "o3", max_tokens=8192)
    make_service(store, settings, listing, clock).discover(["openai"])
    clock.advance(hours=2)


def test_edit_landing_during_a_refresh_survives_it(
    real_store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    seed_discovered(real_store, settings, listing, clock)
    proxy = Interleave(real_store)
    refresher = make_service(proxy, settings, listing, clock)
    person = make_service(real_store, settings, listing, clock)
    listing.set("openai", "gpt-4o", "o3", max_tokens=16384)  # the provider changed a fact
    proxy.before_write = lambda: person.edit_model(
        "openai", "gpt-4o", {"Notes": "pinned by ana", "Status": "deprecated"}, "ana"
    )
    report = refresher.discover(["openai"])[0]
    row = by_id(real_store)["gpt-4o"]
    assert row.notes == "pinned by ana" and row.status == "deprecated"  # the person's edit
    assert row.max_tokens == 16384  # and discovery's own field, both saved
    assert report.saved and not report.save_failed


def test_a_person_typing_a_fact_during_a_refresh_wins_and_is_reported(
    real_store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    seed_discovered(real_store, settings, listing, clock)
    proxy = Interleave(real_store)
    refresher = make_service(proxy, settings, listing, clock)
    person = make_service(real_store, settings, listing, clock)
    listing.set("openai", "gpt-4o", "o3", max_tokens=16384)
    proxy.before_write = lambda: person.edit_model("openai", "gpt-4o", {"Max Tokens": 9000}, "ana")
    report = refresher.discover(["openai"])[0]
    assert by_id(real_store)["gpt-4o"].max_tokens == 9000
    assert by_id(real_store)["o3"].max_tokens == 16384
    assert any(m == "gpt-4o" and "Max Tokens" in cols for _, m, cols in report.conflicts)
    # the next refresh leaves the person's value alone (it is theirs now)
    clock.advance(hours=2)
    make_service(real_store, settings, listing, clock).discover(["openai"])
    assert by_id(real_store)["gpt-4o"].max_tokens == 9000


def test_refresh_landing_during_an_edit_is_not_reverted_by_it(
    real_store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    """edit_model writes only the columns it edits, expecting the values the form showed."""
    seed_discovered(real_store, settings, listing, clock)
    proxy = Interleave(real_store)
    person = make_service(proxy, settings, listing, clock)
    refresher = make_service(real_store, settings, listing, clock)
    listing.set("openai", "gpt-4o", "o3", max_tokens=16384)
    proxy.before_write = lambda: refresher.discover(["openai"])
    person.edit_model("openai", "gpt-4o", {"Notes": "hello"}, "ana", expected={"Notes": None})
    row = by_id(real_store)["gpt-4o"]
    assert row.notes == "hello" and row.max_tokens == 16384


def test_airtable_ui_patch_during_a_refresh_survives_it(
    standin: AirtableStandIn, base_id: str, settings: Settings, listing: Listing, clock: Clock
) -> None:
    """A person's PATCH of Notes and Status in Airtable's UI between the read and the write."""
    from tests.stores.conftest import make_airtable_store

    store: AirtableStore = make_airtable_store(standin, base_id)
    seed_discovered(store, settings, listing, clock)
    ui = Api(DEFAULT_TOKEN, endpoint_url=standin.url).table(base_id, MODELS)
    record_id = next(
        r["id"] for r in standin.records(base_id, MODELS) if r["fields"]["Model ID"] == "gpt-4o"
    )
    proxy = Interleave(store)
    listing.set("openai", "gpt-4o", "o3", max_tokens=16384)
    proxy.before_write = lambda: ui.update(
        record_id, {"Notes": "typed in the UI", "Status": "preview"}
    )
    report = make_service(proxy, settings, listing, clock).discover(["openai"])[0]
    assert report.saved
    row = by_id(make_airtable_store(standin, base_id))["gpt-4o"]
    assert row.notes == "typed in the UI" and row.status == "preview"
    assert row.max_tokens == 16384


def test_plan_columns_only_where_they_still_hold_what_was_read(
    real_store: RegistryStore,
) -> None:
    """The store-level contract, without the resolver: per-field compare-and-set."""
    from registry_core.plan import WritePlan, row_write

    real_store.upsert_models([ModelRecord("openai", "a", notes="old", max_tokens=1)])
    read = by_id(real_store)["a"]
    wanted = read.replace(notes="mine", max_tokens=2)
    real_store.upsert_models([read.replace(notes="someone else's")])  # lands in between
    write = row_write(read, wanted)
    assert write is not None
    outcome = real_store.apply_plan(WritePlan((write,)))
    row = by_id(real_store)["a"]
    assert row.notes == "someone else's" and row.max_tokens == 2
    assert outcome.conflicts == [("openai", "a", ("Notes",))] and outcome.saved_rows == 1
