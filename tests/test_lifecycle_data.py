"""The bundled lifecycle dataset: the build script, the loader, and precedence with provenance."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from registry_core import records as rf
from registry_core.advice import check
from registry_core.catalog import Catalog, load_catalog
from registry_core.enrich import enrich
from registry_core.frames import lifecycle_sources_rows
from registry_core.lifecycle import assess_all
from registry_core.lifecycle_data import LifecycleData, load_lifecycle_data
from registry_core.merge import merge_listing
from registry_core.providers.base import DiscoveredModel
from registry_core.records import ModelRecord
from scripts import build_lifecycle as build

NOW = datetime(2026, 1, 1, tzinfo=UTC)

LITELLM = {
    "sample_spec": {"deprecation_date": "date when the model becomes deprecated"},
    "gpt-4-0613": {
        "litellm_provider": "openai",
        "deprecation_date": "2026-10-23",
        "successor_model": "gpt-4.1",
        "deprecation_source": "https://developers.openai.com/api/docs/deprecations",
        "source": "https://openai.com/pricing",
    },
    "gemini/gemini-2.0-flash": {
        "litellm_provider": "gemini",
        "deprecation_date": "2026-06-01",
        "successor_model": "gemini/gemini-2.5-flash",
    },
    "azure/eu/gpt-4o": {"litellm_provider": "azure", "deprecation_date": "2027-04-14"},
    "ft:gpt-4o-2024-08-06": {"litellm_provider": "openai", "deprecation_date": "2027-01-14"},
    "bedrock/anthropic.claude-v2": {
        "litellm_provider": "bedrock",
        "deprecation_date": "2025-01-01",
    },
    "deepseek-chat": {"litellm_provider": "deepseek", "deprecation_date": "2026-07-24"},
    "deepseek/deepseek-chat": {
        "litellm_provider": "deepseek",
        "deprecation_date": "2026-07-24",
        "source": "https://api-docs.deepseek.com/updates",
    },
    "gpt-bad-date": {"litellm_provider": "openai", "deprecation_date": "soon"},
    "no-date": {"litellm_provider": "openai"},
    "together_ai/meta-llama/Llama-3-70b": {
        "litellm_provider": "together_ai",
        "deprecation_date": "2026-10-22",
    },
}
MODELS_DEV = {
    "groq": {"models": {"gemma2-9b-it": {"id": "gemma2-9b-it", "status": "deprecated"}}},
    "openai": {"models": {"gpt-4-0613": {"status": "deprecated"}, "gpt-4o": {}}},
}


def test_build_maps_providers_ids_dates_and_links() -> None:
    doc = build.build(
        LITELLM, MODELS_DEV, taken="2026-01-01", litellm_version="t", models_dev_version="t"
    )
    by_key = {(e["provider_id"], e["model_id"]): e for e in doc["entries"]}
    assert set(by_key) == {
        ("openai", "gpt-4-0613"),
        ("google", "gemini-2.0-flash"),
        ("deepseek", "deepseek-chat"),
        ("together", "meta-llama/Llama-3-70b"),
        ("groq", "gemma2-9b-it"),
    }  # region paths, fine-tunes, other hosts, bad and missing dates are left out
    gpt4 = by_key[("openai", "gpt-4-0613")]
    assert gpt4["retirement_date"] == "2026-10-23"  # LiteLLM's deprecation_date: the shutdown day
    assert gpt4["successor_model"] == "gpt-4.1"
    assert gpt4["source_url"] == "https://developers.openai.com/api/docs/deprecations"
    assert gpt4["deprecated"] is True and gpt4["sources"] == ["litellm", "models.dev"]
    assert by_key[("google", "gemini-2.0-flash")]["successor_model"] == "gemini-2.5-flash"
    assert by_key[("deepseek", "deepseek-chat")]["source_url"].startswith("https://api-docs")
    groq = by_key[("groq", "gemma2-9b-it")]
    assert groq["retirement_date"] is None and groq["deprecated"] is True
    assert all(e["taken"] == "2026-01-01" for e in doc["entries"])
    assert doc["sources"]["litellm"]["licence"] == "MIT"


def test_build_script_writes_the_file(tmp_path: Path) -> None:
    source = tmp_path / "map.json"
    source.write_text(json.dumps(LITELLM))
    out = tmp_path / "lifecycle.json"
    assert build.main([str(source), "--out", str(out), "--taken", "2026-01-01"]) == 0
    data = LifecycleData.from_raw(json.loads(out.read_text()))
    assert data.skipped == 0
    assert data.lookup("openai", "GPT-4-0613").retirement_date == date(2026, 10, 23)  # type: ignore[union-attr]


def test_the_bundled_file_is_complete_and_clean() -> None:
    data = load_lifecycle_data()
    assert data.skipped == 0
    assert len(data) >= 250
    assert {"litellm", "models.dev"} <= set(data.sources)
    dated = [e for e in data.entries.values() if e.retirement_date is not None]
    assert all(e.source_url and e.source_url.startswith("https://") for e in dated)
    assert all(e.taken for e in data.entries.values())


def test_loader_skips_bad_entries() -> None:
    raw: dict[str, Any] = {
        "entries": [
            {"provider_id": "openai", "model_id": "ok", "retirement_date": "2026-01-01"},
            {"provider_id": "openai", "model_id": "bad", "retirement_date": "not a date"},
            {"model_id": "no-provider"},
            "not an object",
            {"provider_id": "openai", "model_id": "x", "source_url": "javascript:alert(1)"},
        ]
    }
    data = LifecycleData.from_raw(raw)
    assert data.skipped == 3
    assert data.lookup("openai", "x").source_url is None  # type: ignore[union-attr]
    assert LifecycleData.from_raw("garbage").entries == {}


DATA = LifecycleData.from_raw(
    {
        "entries": [
            {
                "provider_id": "openai",
                "model_id": "gpt-old",
                "retirement_date": "2026-03-01",
                "successor_model": "gpt-new",
                "source_url": "https://example.com/deprecations",
                "taken": "2025-12-01",
                "sources": ["litellm"],
            },
            {"provider_id": "openai", "model_id": "gpt-flagged", "deprecated": True},
        ]
    }
)
EMPTY_CATALOG = Catalog.from_raw({})


def _discover(model: DiscoveredModel) -> DiscoveredModel:
    return enrich(model, EMPTY_CATALOG, lifecycle=DATA)


def test_dataset_fills_what_the_listing_left_out() -> None:
    out = _discover(DiscoveredModel("openai", "gpt-old"))
    assert out.retirement_date == date(2026, 3, 1) and out.successor_model == "gpt-new"
    assert out.provenance[rf.RETIREMENT_DATE] == "dataset"
    merged = merge_listing("openai", [out], [], now=NOW).records[0]
    assert merged.retirement_date == date(2026, 3, 1)
    assert merged.provenance[rf.RETIREMENT_DATE] == "dataset"
    assert merged.meta["lifecycle"]["dataset"]["source_url"] == "https://example.com/deprecations"
    flagged = merge_listing(
        "openai", [_discover(DiscoveredModel("openai", "gpt-flagged"))], [], now=NOW
    )
    assert flagged.records[0].status == "deprecated"
    assert flagged.records[0].provenance[rf.STATUS] == "dataset"


def test_provider_beats_dataset_and_both_are_kept() -> None:
    listed = DiscoveredModel(
        "openai",
        "gpt-old",
        retirement_date=date(2026, 6, 1),
        status_hint="deprecated",
        provenance={rf.RETIREMENT_DATE: "provider", rf.STATUS: "provider"},
    )
    merged = merge_listing("openai", [_discover(listed)], [], now=NOW).records[0]
    assert merged.retirement_date == date(2026, 6, 1)
    assert merged.provenance[rf.RETIREMENT_DATE] == "provider"
    assert merged.successor_model == "gpt-new"  # the provider gave none: the dataset's
    rows = {(r["Source"], r["Field"]): r for r in lifecycle_sources_rows(merged)}
    assert rows[("provider", rf.RETIREMENT_DATE)]["In use"] == "yes"
    assert rows[("dataset", rf.RETIREMENT_DATE)]["Says"] == "2026-03-01"
    assert rows[("dataset", rf.RETIREMENT_DATE)]["In use"] == "no"


def test_a_later_provider_date_replaces_the_dataset_one_but_never_a_persons() -> None:
    first = merge_listing("openai", [_discover(DiscoveredModel("openai", "gpt-old"))], [], now=NOW)
    record = first.records[0]
    later = DiscoveredModel(
        "openai",
        "gpt-old",
        retirement_date=date(2026, 9, 1),
        provenance={rf.RETIREMENT_DATE: "provider"},
    )
    again = merge_listing("openai", [_discover(later)], [record], now=NOW).records[0]
    assert again.retirement_date == date(2026, 9, 1)
    typed = record.replace(
        retirement_date=date(2026, 12, 24),
        metadata={**record.meta, "provenance": {**record.provenance, rf.RETIREMENT_DATE: "manual"}},
    )
    kept = merge_listing("openai", [_discover(later)], [typed], now=NOW).records[0]
    assert kept.retirement_date == date(2026, 12, 24)


def test_fallback_records_carry_the_dataset() -> None:
    catalog = Catalog.from_raw(
        {"openai": {"models": {"gpt-old": {"id": "gpt-old", "name": "Old"}}}}
    )
    catalog.lifecycle = DATA
    records = {r.model_id: r for r in catalog.records_for("openai")}
    assert records["gpt-old"].retirement_date == date(2026, 3, 1)
    assert records["gpt-old"].provenance[rf.RETIREMENT_DATE] == "dataset"
    assert records["gpt-old"].model_name == "Old"
    # a model only the dataset knows becomes a fallback row of its own
    assert records["gpt-flagged"].status == "deprecated"
    assert records["gpt-flagged"].source == "dataset"
    assert records["gpt-flagged"].discovery_method == "fallback"


@pytest.fixture(scope="module")
def fresh_install() -> list[ModelRecord]:
    from registry_core.config import DEFAULT_PROVIDERS

    catalog = load_catalog()
    return [r for p in DEFAULT_PROVIDERS for r in catalog.records_for(p)]


def test_a_fresh_install_knows_when_models_go_away(fresh_install: list[ModelRecord]) -> None:
    today = date(2026, 1, 1)
    states = assess_all(fresh_install, today)
    dated = [r for r in fresh_install if r.retirement_date is not None]
    at_risk = [k for k, life in states.items() if life.deprecated or life.retired or life.retiring]
    assert len(dated) >= 100
    assert at_risk  # deprecated by models.dev or retiring within 90 days of the date above
    # check names the date and the successor for an announced OpenAI shutdown
    announced = next(
        r
        for r in fresh_install
        if r.provider_id == "openai" and r.retirement_date and r.successor_model
    )
    result = check(fresh_install, "openai", announced.model_id, today=today)
    assert str(announced.retirement_date) in result.message
    assert announced.successor_model in result.message  # type: ignore[operator]
