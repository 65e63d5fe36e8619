"""Cache prices are edited like the other costs: manual provenance, a cost_changed event, and
discovery never overwrites them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from registry_core import records as R
from registry_core.config import Settings
from registry_core.merge import merge_listing
from registry_core.providers.base import DiscoveredModel
from registry_core.records import ModelRecord
from registry_core.service import EditRejectedError, ModelRegistryService
from registry_core.stores.sqlite import SQLiteStore

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _service(tmp_path: Path) -> ModelRegistryService:
    settings = Settings.from_env({"REGISTRY_DATA_DIR": str(tmp_path)})
    store = SQLiteStore(tmp_path / "registry.db")
    store.upsert_models(
        [
            ModelRecord(
                "openai",
                "gpt-4o",
                available=True,
                discovery_method="api",
                cache_read_cost_per_1k=0.00125,
                metadata={"provenance": {R.CACHE_READ_COST_PER_1K: "catalog"}},
            )
        ]
    )
    return ModelRegistryService.from_settings(settings, store=store)


def test_cache_prices_are_editable_and_recorded(tmp_path: Path) -> None:
    service = _service(tmp_path)
    saved = service.edit_model(
        "openai",
        "gpt-4o",
        {"Cache Read Cost per 1K tokens": 0.001, "cache_write_cost_per_1k": 0.003},
        "ana",
    )
    assert (saved.cache_read_cost_per_1k, saved.cache_write_cost_per_1k) == (0.001, 0.003)
    assert saved.provenance[R.CACHE_READ_COST_PER_1K] == "manual"
    assert saved.provenance[R.CACHE_WRITE_COST_PER_1K] == "manual"
    changes = {
        e.detail["field"]: (e.detail["old"], e.detail["new"])
        for e in service.store.list_events("openai", "gpt-4o")
        if e.kind == "cost_changed"
    }
    assert changes == {
        R.CACHE_READ_COST_PER_1K: (0.00125, 0.001),
        R.CACHE_WRITE_COST_PER_1K: (None, 0.003),
    }
    # the next listing carries the catalog's cache price: the person's value stays
    listing = [
        DiscoveredModel(
            "openai",
            "gpt-4o",
            cache_read_cost_per_1k=0.00125,
            provenance={R.CACHE_READ_COST_PER_1K: "catalog"},
        )
    ]
    merged = merge_listing("openai", listing, service.store.list_models("openai").records, now=T0)
    kept = {r.model_id: r for r in merged.records}["gpt-4o"]
    assert kept.cache_read_cost_per_1k == 0.001


def test_a_negative_cache_price_is_refused(tmp_path: Path) -> None:
    service = _service(tmp_path)
    with pytest.raises(EditRejectedError):
        service.edit_model("openai", "gpt-4o", {"Cache Write Cost per 1K tokens": -1}, "ana")
