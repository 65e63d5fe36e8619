"""Item 21: a lasting drop is applied once it repeats over the grace period."""

from __future__ import annotations

from datetime import timedelta

from registry_core.config import Settings
from registry_core.stores.base import RegistryStore
from tests.resolver.conftest import Clock

from .conftest import Listing, by_id, make_service

IDS = [f"m{i}" for i in range(10)]


def test_four_identical_shrunk_listings_mark_the_missing_models_unavailable(
    real_store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    listing.set("openai", *IDS)
    service = make_service(real_store, settings, listing, clock)
    service.discover(["openai"])
    listing.set("openai", *IDS[:4])  # 60 % smaller
    outcomes = []
    for _ in range(4):
        clock.advance(hours=12)
        [report] = service.discover(["openai"])
        outcomes.append((report.outcome, sorted(report.diff.removed)))
    # the first suspect listing is held back ...
    assert outcomes[0] == ("suspect", [])
    # ... the drop is accepted once it has repeated over the grace period (24 h)
    assert outcomes[2] == ("suspect", IDS[4:])
    rows = by_id(real_store)
    assert [m for m in IDS if rows[m].available] == IDS[:4]
    gone = [e for e in real_store.list_events("openai") if e.kind == "unavailable"]
    assert sorted(e.model_id for e in gone) == IDS[4:]
    assert all("shrink_guard" in e.detail for e in gone)
    assert all(e.at - rows[e.model_id].last_verified >= timedelta(hours=24) for e in gone)


def test_a_suspect_listing_followed_by_a_full_one_marks_nothing(
    real_store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    listing.set("openai", *IDS)
    service = make_service(real_store, settings, listing, clock)
    service.discover(["openai"])
    listing.set("openai", *IDS[:2])
    clock.advance(hours=12)
    service.discover(["openai"])
    listing.set("openai", *IDS)
    clock.advance(hours=12)
    service.discover(["openai"])
    listing.set("openai", *IDS[:2])
    clock.advance(hours=13)
    [report] = service.discover(["openai"])
    assert report.outcome == "suspect" and report.diff.removed == []
    assert all(r.available for r in by_id(real_store).values())
