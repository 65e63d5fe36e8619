"""Airtable faults, one case per row of the issue's table, on the stand-in over real HTTP.

Two shapes of failure:

- **unreadable** (401, unknown table, 503, a hang): the registry cannot be read. Discovery still
  answers (the provider is fine) but nothing is saved; the dashboard serves the last-known-good
  snapshot under a banner saying the registry is unreachable.
- **unwritable** (403 on writes, a field renamed in the UI, the record cap): the registry reads
  fine, the new listing is shown but cannot be saved, and the answer says so.

And the 429 storm, which the store rides out by waiting the (shortened) lockout. In every case
no row is lost or rewritten, no duplicate row or event appears, and the next run after the
repair converges on the provider's listing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pytest

from registry_core.config import Settings
from registry_core.service import ModelRegistryService
from registry_standins.airtable_server import AirtableStandIn
from registry_standins.fake_providers import FakeProviderServer

from .conftest import (
    MODELS,
    Ledger,
    ServiceMaker,
    airtable_store,
    assert_airtable_unique,
    assert_converged,
    ids,
    page_text,
)

NEW_MODEL = "gpt-added-during-the-fault"
READ_ONLY_TOKEN = "patReadOnlyFaultToken.dev"


@dataclass
class World:
    server: AirtableStandIn
    base: str
    make: ServiceMaker
    settings: Settings


@dataclass(frozen=True)
class Case:
    name: str
    shape: str  # unreadable / unwritable / rides-out
    breaks: Callable[[World], ModelRegistryService]  # the service people use during the fault
    repairs: Callable[[World], ModelRegistryService]  # and after the fix
    says: str  # what the warning tells them


def _same(world: World) -> ModelRegistryService:
    return world.make()


def _inject(kind: str, **kw: Any) -> Callable[[World], ModelRegistryService]:
    def breaks(world: World) -> ModelRegistryService:
        world.server.inject_fault(kind, count=10_000, base=world.base, **kw)
        return world.make()

    return breaks


def _cleared(world: World) -> ModelRegistryService:
    world.server.clear_faults()
    return world.make()


def _read_only(world: World) -> ModelRegistryService:
    world.server.add_token(READ_ONLY_TOKEN, scopes={"data.records:read", "schema.bases:read"})
    return world.make(token=READ_ONLY_TOKEN)


def _renamed(world: World) -> ModelRegistryService:
    world.server.rename_field(world.base, MODELS, "Model Name", "Display name")
    return world.make()


def _renamed_back(world: World) -> ModelRegistryService:
    world.server.rename_field(world.base, MODELS, "Display name", "Model Name")
    return world.make()


def _capped(world: World) -> ModelRegistryService:
    rows = len(world.server.records(world.base, MODELS))
    world.server.set_record_cap(world.base, rows)
    return world.make()


def _uncapped(world: World) -> ModelRegistryService:
    world.server.set_record_cap(world.base, None)
    return world.make()


def _storm(world: World) -> ModelRegistryService:
    # the real limiter: 5 requests/s, then a lockout (30 s live, 0.3 s here); the client is
    # deliberately unpaced so it goes over and must wait the lockout out
    world.server.set_rate_limit(5, lockout_s=0.3)
    return world.make(rate_limit_waits=4)


CASES = [
    Case(
        "401",
        "unreadable",
        lambda w: w.make(token="patRevokedOrMistyped.dev"),
        _same,
        "check AIRTABLE_API_KEY",
    ),
    Case("403", "unwritable", _read_only, _same, "Could not save OpenAI's listing"),
    Case(
        "unknown-table",
        "unreadable",
        lambda w: w.make(models_table="AI Model Registry (old)"),
        _same,
        "setup-airtable",
    ),
    Case("field-renamed-422", "unwritable", _renamed, _renamed_back, "Model Name"),
    Case("429-storm-lockout", "rides-out", _storm, _same, ""),
    Case("503", "unreadable", _inject("error", status=503), _cleared, "unreachable"),
    Case("hang", "unreadable", _inject("hang", seconds=2.5), _cleared, "did not answer in time"),
    Case("record-cap", "unwritable", _capped, _uncapped, "Could not save OpenAI's listing"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_airtable_fault(
    case: Case,
    standin: AirtableStandIn,
    base_id: str,
    make_airtable_service: ServiceMaker,
    settings: Settings,
    fake: FakeProviderServer,
    dashboard: Callable[..., Any],
) -> None:
    # version_check_s=0: the store's circuit breaker re-tries at once after the repair
    live = replace(settings, version_check_s=0.0)

    def make(**options: Any) -> ModelRegistryService:
        return make_airtable_service(live, **options)

    world = World(standin, base_id, make, live)
    good = make()
    first = good.get_available_models("openai")
    assert first.tier == "api" and first.run is not None and first.run.saved
    good.list_models()  # a good registry read leaves the last-known-good snapshot
    before = Ledger.read(airtable_store(standin, base_id))
    cells_before = standin.records(base_id, MODELS, by_id=True)

    # the fault, while the provider lists one more model
    fake.add_model("openai", NEW_MODEL)
    broken = case.breaks(world)
    standin.reset_log()
    answer = broken.get_available_models("openai", force_refresh=True)
    listing_warnings = " ".join(answer.warnings)
    shown = broken.list_models("openai")
    writes = [
        r for r in standin.request_log if r.method in ("POST", "PATCH", "PUT") and r.status < 300
    ]

    if case.shape == "rides-out":
        assert standin.rate_limited_count >= 1, "the storm never happened"
        assert answer.tier == "api" and answer.run is not None and answer.run.saved
        assert NEW_MODEL in ids(answer.records)
        standin.set_rate_limit(None)
    else:
        # what is served: the provider's listing, new model included, flagged as unsaved
        assert answer.tier == "api", (answer.tier, answer.warnings)
        assert NEW_MODEL in ids(answer.records)
        assert case.says in listing_warnings, answer.warnings
        assert answer.run is not None and not answer.run.saved
        # what is written: no model row (a run row at most; history events only as the same
        # idempotent keys the repaired run writes again, see below)
        assert not [w for w in writes if MODELS.replace(" ", "%20") in w.path]
        if case.shape == "unreadable":
            assert "not saved" in listing_warnings
            # what the dashboard serves: the snapshot, under a banner naming the fault
            assert shown.tier == "snapshot", shown.warnings
            assert ids(shown.records) == ids(first.records)
            banner = " ".join(shown.warnings)
            assert "unreachable" in banner and "snapshot" in banner
            at = dashboard(broken, "browse")
            text = page_text(at)
            assert "registry is unreachable" in text and "snapshot" in text
            assert case.says in text
        else:
            assert shown.tier == "registry"
            assert ids(shown.records) >= ids(first.records)
            assert "retried on the next refresh" in listing_warnings
            assert not dashboard(broken, "status").exception

    # nothing was lost or rewritten by the fault: the stand-in's own cells are untouched
    if case.shape != "rides-out":
        assert standin.records(base_id, MODELS, by_id=True) == cells_before
    assert_airtable_unique(standin, base_id)

    # repaired: the next run saves the listing once, and a second run changes nothing
    fixed = case.repairs(world)
    again = fixed.get_available_models("openai", force_refresh=True)
    assert again.tier == "api" and again.run is not None and again.run.saved, again.warnings
    after = Ledger.read(fixed.store)
    assert_converged(after, fake, "openai")
    assert NEW_MODEL in after.available("openai")
    assert_airtable_unique(standin, base_id)
    added = [k for k in after.event_keys if k not in before.event_keys]
    new_model_events = [e for e in fixed.history("openai", NEW_MODEL) if e.kind == "added"]
    assert len(new_model_events) == 1, new_model_events
    once_more = fixed.get_available_models("openai", force_refresh=True)
    assert once_more.run is not None and once_more.run.outcome == "ok"
    final = Ledger.read(fixed.store)
    assert final.event_keys.count(added[0]) == 1 if added else True
    assert len(final.event_keys) == len(after.event_keys)
    assert_airtable_unique(standin, base_id)
