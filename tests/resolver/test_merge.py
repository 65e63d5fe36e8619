"""merge_listing: field ownership, grace period, shrink guard, scope, events — table-driven."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from registry_core.merge import (
    MergePolicy,
    effective_provenance,
    filter_visible,
    merge_listing,
)
from registry_core.providers.base import DiscoveredModel
from registry_core.records import ModelRecord

from .conftest import load_listing, models

T0 = datetime(2025, 6, 1, 12, tzinfo=UTC)


def run(
    discovered: list[DiscoveredModel],
    existing: list[ModelRecord],
    *,
    at: datetime = T0,
    **kw: Any,
):
    return merge_listing("openai", discovered, existing, now=at, run_id="r1", **kw)


def first_listing(**kw: Any) -> list[ModelRecord]:
    return run(load_listing("openai_listing"), [], **kw).records


# --- new models --------------------------------------------------------------------------


def test_first_listing_creates_records_with_provenance_and_added_events() -> None:
    out = run(load_listing("openai_listing"), [])
    by_id = {r.model_id: r for r in out.records}
    assert sorted(out.diff.added) == sorted(by_id)
    assert [e.kind for e in out.events] == ["added"] * 4
    gpt = by_id["gpt-4o"]
    assert gpt.available and gpt.last_verified == T0 and gpt.discovery_method == "api"
    # Status is people's: discovery does not invent "active" for a model nobody flagged
    assert gpt.status is None and "Status" not in gpt.provenance
    assert gpt.provenance["Cost per 1K tokens"] == "catalog"
    assert gpt.meta["filled"]["Cost per 1K tokens"] == 0.0025
    assert gpt.source == "provider+catalog"
    assert out.to_write == out.records


def test_private_models_are_scoped_to_the_credential_that_saw_them() -> None:
    out = run(load_listing("openai_listing"), [])
    scopes = {r.model_id: r.scope for r in out.records}
    assert scopes["ft:gpt-4o-mini:acme::abc123"] == "openai/default"
    assert scopes["gpt-4o"] is None


def test_non_primary_credential_scopes_its_new_models_and_keeps_public_ones_public() -> None:
    existing = first_listing()
    extra = models("openai", "gpt-4o", "acme-private-model")
    out = run(extra, existing, credential_name="acme", primary=False)
    by_id = {r.model_id: r for r in out.records}
    assert by_id["acme-private-model"].scope == "openai/acme"
    assert by_id["gpt-4o"].scope is None
    # acme's listing does not judge the primary credential's models
    assert out.diff.missing == [] and not out.suspect


def test_primary_credential_seeing_a_scoped_model_makes_it_public() -> None:
    existing = [
        ModelRecord(
            "openai",
            "m",
            available=True,
            discovery_method="api",
            last_verified=T0,
            scope="openai/acme",
        )
    ]
    out = run(models("openai", "m"), existing, at=T0 + timedelta(hours=1))
    assert out.records[0].scope is None
    assert out.diff.changed["m"]["Scope"] == ["openai/acme", None]


@pytest.mark.parametrize(
    ("label", "visible"),
    [
        (None, {"pub"}),
        ("openai/acme", {"pub", "acme"}),
        ("openai/other", {"pub"}),
    ],
)
def test_filter_visible(label: str | None, visible: set[str]) -> None:
    rows = [ModelRecord("openai", "pub"), ModelRecord("openai", "acme", scope="openai/acme")]
    assert {r.model_id for r in filter_visible(rows, label)} == visible


# --- ownership --------------------------------------------------------------------------------


def human_edit(record: ModelRecord, **changes: Any) -> ModelRecord:
    """What a person typing in the Airtable UI does: the cell changes, Metadata does not."""
    return record.replace(**changes)


@pytest.mark.parametrize(
    ("edit", "listing_facts", "expect"),
    [
        # a person typed a cost over a catalog value: discovery and catalog keep off
        ({"cost_per_1k": 0.002}, {"cost_per_1k": 0.003}, {"cost_per_1k": 0.002}),
        # people own Status, Recommended, Sort Order, Regions, Notes
        ({"status": "deprecated"}, {"status_hint": "preview"}, {"status": "deprecated"}),
        ({"recommended": True, "sort_order": 1}, {}, {"recommended": True, "sort_order": 1}),
        ({"regions": ("eu",), "notes": "EU only"}, {}, {"regions": ("eu",), "notes": "EU only"}),
        # a person typed a context window: stays, even against a provider-reported one
        ({"max_tokens": 64000}, {"max_tokens": 128000}, {"max_tokens": 64000}),
        # a person typed a retirement date: stays
        (
            {"retirement_date": date(2026, 1, 1)},
            {"retirement_date": date(2026, 6, 1)},
            {"retirement_date": date(2026, 1, 1)},
        ),
    ],
)
def test_values_people_entered_survive_discovery(
    edit: dict[str, Any], listing_facts: dict[str, Any], expect: dict[str, Any]
) -> None:
    existing = [human_edit(r, **edit) if r.model_id == "gpt-4o" else r for r in first_listing()]
    listing = [
        DiscoveredModel("openai", m.model_id, **{**listing_facts}) if m.model_id == "gpt-4o" else m
        for m in load_listing("openai_listing")
    ]
    out = run(listing, existing, at=T0 + timedelta(hours=2))
    gpt = next(r for r in out.records if r.model_id == "gpt-4o")
    for attr, value in expect.items():
        assert getattr(gpt, attr) == value, attr


def test_a_person_edit_is_detected_and_recorded_as_manual() -> None:
    existing = [
        human_edit(r, cost_per_1k=0.002) if r.model_id == "gpt-4o" else r for r in first_listing()
    ]
    gpt = next(r for r in existing if r.model_id == "gpt-4o")
    assert effective_provenance(gpt, "Cost per 1K tokens") == "manual"
    out = run(load_listing("openai_listing"), existing, at=T0 + timedelta(hours=2))
    merged = next(r for r in out.records if r.model_id == "gpt-4o")
    assert merged.provenance["Cost per 1K tokens"] == "manual"
    assert "Cost per 1K tokens" not in merged.meta["filled"]


def test_a_filled_value_without_provenance_counts_as_typed_by_a_person() -> None:
    existing = [
        ModelRecord(
            "openai",
            "gpt-4o",
            available=True,
            discovery_method="api",
            last_verified=T0,
            cost_per_1k=0.009,
        )
    ]
    out = run(
        models(
            "openai", "gpt-4o", cost_per_1k=0.0025, provenance={"Cost per 1K tokens": "catalog"}
        ),
        existing,
    )
    assert out.records[0].cost_per_1k == 0.009


@pytest.mark.parametrize(
    ("old_source", "new_source", "new_value", "expect"),
    [
        ("catalog", "catalog", 0.003, 0.003),  # catalog values may be refreshed from the catalog
        ("catalog", "provider", 0.003, 0.003),  # the provider beats the catalog
        ("provider", "catalog", 0.003, 0.0025),  # the catalog does not beat the provider
        ("inferred", "catalog", 0.003, 0.003),
        ("catalog", "inferred", 0.003, 0.0025),
    ],
)
def test_automatic_values_are_refreshed_by_rank(
    old_source: str, new_source: str, new_value: float, expect: float
) -> None:
    first = run(
        models("openai", "m", cost_per_1k=0.0025, provenance={"Cost per 1K tokens": old_source}), []
    ).records
    out = run(
        models("openai", "m", cost_per_1k=new_value, provenance={"Cost per 1K tokens": new_source}),
        first,
        at=T0 + timedelta(hours=2),
    )
    assert out.records[0].cost_per_1k == expect


def test_an_empty_discovered_value_never_clears_a_filled_one() -> None:
    first = first_listing()
    out = run(
        models(
            "openai",
            "gpt-4o",
            "gpt-4o-mini",
            "text-embedding-3-small",
            "ft:gpt-4o-mini:acme::abc123",
        ),
        first,
        at=T0 + timedelta(hours=2),
    )
    gpt = next(r for r in out.records if r.model_id == "gpt-4o")
    assert gpt.cost_per_1k == 0.0025 and gpt.max_tokens == 128000


def test_seeded_catalog_rows_are_refreshed_and_their_first_sighting_is_added() -> None:
    seeded = ModelRecord(
        "openai",
        "gpt-4o",
        cost_per_1k=0.005,
        status="active",
        discovery_method="fallback",
        source="catalog",
        metadata={"provenance": {"Cost per 1K tokens": "catalog", "Status": "catalog"}},
    )
    out = run(
        models(
            "openai", "gpt-4o", cost_per_1k=0.0025, provenance={"Cost per 1K tokens": "catalog"}
        ),
        [seeded],
    )
    record = out.records[0]
    assert record.available and record.discovery_method == "api" and record.cost_per_1k == 0.0025
    assert out.diff.added == ["gpt-4o"]
    assert out.diff.changed == {}  # added, not also changed ("1 added, 1 changed" before)
    assert [e.kind for e in out.events] == ["added", "cost_changed"]


def test_a_seeded_row_without_status_keeps_it_empty_when_first_listed() -> None:
    seeded = ModelRecord("openai", "gpt-4o", discovery_method="fallback", source="catalog")
    out = run(models("openai", "gpt-4o"), [seeded])
    assert out.records[0].status is None and out.records[0].available
    assert out.diff.added == ["gpt-4o"] and out.diff.changed == {}
    later = run(models("openai", "gpt-4o"), out.records, at=T0 + timedelta(days=2))
    assert later.records[0].status is None and later.diff.empty


def test_a_provider_reported_status_is_still_written_when_nobody_typed_one() -> None:
    out = run(models("openai", "m", status_hint="deprecated"), [])
    assert out.records[0].status == "deprecated"
    assert out.records[0].provenance["Status"] == "provider"


# --- change events ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "kinds"),
    [
        ({"deprecation_date": date(2025, 9, 1)}, ["deprecation_date_changed"]),
        ({"retirement_date": date(2026, 1, 1)}, ["retirement_date_changed"]),
        ({"status_hint": "deprecated"}, ["status_changed"]),
        (
            {"cost_per_1k": 0.005, "provenance": {"Cost per 1K tokens": "provider"}},
            ["cost_changed"],
        ),
        ({}, []),
    ],
)
def test_change_events(facts: dict[str, Any], kinds: list[str]) -> None:
    first = run(
        models("openai", "m", cost_per_1k=0.0025, provenance={"Cost per 1K tokens": "catalog"}), []
    ).records
    out = run(models("openai", "m", **facts), first, at=T0 + timedelta(hours=2))
    assert [e.kind for e in out.events] == kinds
    # the same change seen by another host gives the same keys (no duplicate history)
    again = run(models("openai", "m", **facts), first, at=T0 + timedelta(hours=3))
    assert [e.event_key for e in again.events] == [e.event_key for e in out.events]


def test_an_unchanged_listing_writes_nothing_within_the_touch_interval() -> None:
    first = first_listing()
    policy = MergePolicy(touch_after_s=3600)
    out = run(load_listing("openai_listing"), first, at=T0 + timedelta(minutes=10), policy=policy)
    assert out.to_write == [] and out.events == [] and out.diff.empty
    later = run(load_listing("openai_listing"), first, at=T0 + timedelta(hours=2), policy=policy)
    assert len(later.to_write) == 4 and later.events == []
    assert all(r.last_verified == T0 + timedelta(hours=2) for r in later.to_write)


# --- grace period ------------------------------------------------------------------------


#: (hours after T0 of each listing, whether gpt-4o is in it) -> availability after each listing
GRACE_CASES = [
    pytest.param([(6, False)], [True], id="one miss"),
    pytest.param([(6, False), (12, False)], [True, True], id="two misses within 24h"),
    pytest.param([(6, False), (30, False)], [True, False], id="two misses spanning 24h"),
    pytest.param(
        [(6, False), (12, False), (18, False), (30, False)],
        [True, True, True, False],
        id="four misses, the last spanning 24h",
    ),
    pytest.param(
        [(25, False), (26, True), (50, False)],
        [True, True, True],
        id="seen in between resets the count",
    ),
    pytest.param([(6, False), (30, False), (31, True)], [True, False, True], id="available again"),
]


@pytest.mark.parametrize(("listings", "expected"), GRACE_CASES)
def test_grace_period(listings: list[tuple[int, bool]], expected: list[bool]) -> None:
    records = run(models("openai", "gpt-4o", "a", "b", "c"), []).records
    states: list[bool] = []
    kinds: list[str] = []
    for hours, present in listings:
        ids = ["a", "b", "c"] + (["gpt-4o"] if present else [])
        out = run(models("openai", *ids), records, at=T0 + timedelta(hours=hours))
        records = out.records
        states.append(next(r for r in records if r.model_id == "gpt-4o").available)
        kinds += [e.kind for e in out.events]
    assert states == expected
    if False in states:
        assert "unavailable" in kinds
    if states[-1] and False in states:
        assert kinds[-1] == "available_again"


def test_grace_state_lives_in_metadata() -> None:
    records = run(models("openai", "gpt-4o", "a", "b"), []).records
    out = run(models("openai", "a", "b"), records, at=T0 + timedelta(hours=6))
    gpt = next(r for r in out.records if r.model_id == "gpt-4o")
    assert gpt.meta["grace"] == {"missing_count": 1, "missing_since": "2025-06-01T18:00:00.000Z"}
    assert out.diff.missing == ["gpt-4o"]


def test_grace_is_configurable() -> None:
    records = run(models("openai", "gpt-4o", "a", "b"), []).records
    policy = MergePolicy(grace_listings=1, grace_period_s=0)
    out = run(models("openai", "a", "b"), records, at=T0 + timedelta(hours=1), policy=policy)
    assert out.diff.removed == ["gpt-4o"]


# --- shrink guard -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "suspect"),
    [
        (10, 10, False),
        (10, 5, False),  # exactly half dropped: fine
        (10, 4, True),  # more than half dropped
        (10, 0, True),  # an empty listing
        (1, 0, True),
        (2, 1, False),
        (0, 0, False),  # nothing to lose
    ],
)
def test_shrink_guard(before: int, after: int, suspect: bool) -> None:
    ids = [f"m{i}" for i in range(before)]
    records = run(models("openai", *ids), []).records
    later = T0 + timedelta(days=3)
    out = run(models("openai", *ids[:after]), records, at=later)
    assert out.suspect is suspect
    if suspect:
        assert out.warnings and "suspect" in out.warnings[0]
        # nothing marked unavailable and the ordinary grace counter did not move; the
        # shrink guard counts the suspect listing (a drop that repeats is accepted later)
        assert all(r.available for r in out.records)
        assert all("missing_count" not in r.meta.get("grace", {}) for r in out.records)
        dropped = [r for r in out.records if r.model_id not in ids[:after]]
        assert all(r.meta["grace"]["suspect_count"] == 1 for r in dropped)


def test_suspect_listing_after_grace_would_have_expired_still_marks_nothing() -> None:
    ids = [f"m{i}" for i in range(10)]
    records = run(models("openai", *ids), []).records
    records = run(models("openai", *ids[:6]), records, at=T0 + timedelta(hours=1)).records
    out = run(models("openai", "m0"), records, at=T0 + timedelta(days=2))
    assert out.suspect and out.diff.removed == []


def test_manual_rows_never_seen_by_discovery_are_not_judged() -> None:
    manual = ModelRecord("openai", "typed-by-hand", available=True, discovery_method="manual")
    out = run(models("openai", "gpt-4o"), [manual], at=T0 + timedelta(days=5))
    assert out.records[0] == manual and not out.suspect
