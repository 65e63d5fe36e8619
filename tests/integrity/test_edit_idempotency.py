"""Item 6: a failed edit, retried with its idempotency key, writes its history once."""

from __future__ import annotations

from collections import Counter

import pytest

from registry_core.config import Settings
from registry_core.errors import UnavailableError
from registry_core.records import ModelRecord
from registry_core.stores.base import RegistryStore
from registry_standins.airtable_server import AirtableStandIn
from tests.resolver.conftest import Clock
from tests.stores.conftest import make_airtable_store

from .conftest import HISTORY, Interleave, Listing, by_id, make_service

ROW = ModelRecord("openai", "gpt-4o", status="active", available=True, discovery_method="api")


def kinds(store: RegistryStore) -> Counter[str]:
    return Counter(e.kind for e in store.list_events("openai", "gpt-4o"))


def test_retried_edit_writes_its_history_once(
    real_store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    real_store.upsert_models([ROW])
    proxy = Interleave(real_store)
    service = make_service(proxy, settings, listing, clock)
    proxy.fail_writes = 1
    proxy.error = UnavailableError("the registry timed out (test)")
    change = {"Status": "deprecated"}
    with pytest.raises(UnavailableError):
        service.edit_model("openai", "gpt-4o", change, "ana", edit_id="form-1")
    clock.advance(seconds=5)  # the retry comes later: keys must not come from the clock
    service.edit_model("openai", "gpt-4o", change, "ana", edit_id="form-1")
    clock.advance(seconds=5)
    service.edit_model("openai", "gpt-4o", change, "ana", edit_id="form-1")
    assert by_id(real_store)["gpt-4o"].status == "deprecated"
    assert kinds(real_store) == Counter({"edited": 1, "status_changed": 1})


def test_edit_saved_but_history_failed_is_completed_by_the_retry(
    standin: AirtableStandIn, base_id: str, settings: Settings, listing: Listing, clock: Clock
) -> None:
    store = make_airtable_store(standin, base_id, rate_limit_waits=0)
    store.upsert_models([ROW])
    service = make_service(store, settings, listing, clock)
    standin.inject_fault("error", count=1000, status=503, table=HISTORY)
    with pytest.raises(UnavailableError):
        service.edit_model("openai", "gpt-4o", {"Status": "deprecated"}, "ana", edit_id="e-7")
    standin.clear_faults()
    assert by_id(store)["gpt-4o"].status == "deprecated" and kinds(store) == Counter()
    service.edit_model("openai", "gpt-4o", {"Status": "deprecated"}, "ana", edit_id="e-7")
    service.edit_model("openai", "gpt-4o", {"Status": "deprecated"}, "ana", edit_id="e-7")
    assert kinds(store) == Counter({"edited": 1, "status_changed": 1})
