"""Every id of the catalog corpus comes out of real discovery as the corpus expects.

The corpus (``data/corpus.json``, built by ``data/make_corpus.py``) holds 13 providers'
listings in their documented shapes and, per id, the expected input/output/cache price,
context window, kind and catalog entry, with the source of each expectation.
"""

from __future__ import annotations

from typing import Any

import pytest

from registry_core.providers import DiscoveredModel
from registry_standins.catalog_corpus import (
    contradictions,
    discover_corpus,
    evaluate,
    load_corpus,
    mismatches,
)

CORPUS = load_corpus()
CASES = CORPUS["models"]


@pytest.fixture(scope="module")
def rows() -> dict[tuple[str, str], DiscoveredModel]:
    return discover_corpus(CORPUS)


def test_corpus_is_broad() -> None:
    providers = {c["provider"] for c in CASES}
    kinds = {c["kind"] for c in CASES}
    assert len(CASES) >= 150 and len(providers) == 13
    assert {"tts", "transcription", "image", "moderation", "rerank", "embeddings"} <= kinds
    assert all(c["source"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['provider']}/{c['id']}" for c in CASES])
def test_row_is_what_the_corpus_expects(
    case: dict[str, Any], rows: dict[tuple[str, str], DiscoveredModel]
) -> None:
    model = rows.get((case["provider"], case["id"]))
    assert mismatches(case, model) == [], case["source"]
    assert model is not None
    assert contradictions(model, case["kind"]) == []


def test_no_row_contradicts_itself(rows: dict[tuple[str, str], DiscoveredModel]) -> None:
    report = evaluate(CORPUS, rows)
    assert report.contradictions == {}
    assert report.listing_contradictions == {}


def test_inferences_name_their_base(rows: dict[tuple[str, str], DiscoveredModel]) -> None:
    ft = rows[("openai", "ft:gpt-4.1-mini:acme::B1xYz9Qw")]
    assert ft.facts["inferred_from"] == {
        "model": "gpt-4.1-mini",
        "catalog": "openai",
        "reason": "fine-tune",
    }
    assert ft.provenance["Cost per 1K tokens"] == "inferred"
    lora = rows[("openai_compatible", "sql-lora")]
    assert lora.facts["inferred_from"]["reason"] == "adapter"
    assert lora.cost_per_1k is None  # another host's price is not a self-hosted server's


def test_mistral_alias_follows_its_pin(rows: dict[tuple[str, str], DiscoveredModel]) -> None:
    # the catalog's own mistral-medium-latest entry says $1.50/$7.50 and max output 262,144;
    # Mistral's listing pins the alias to mistral-medium-2508 ($0.40/$2.00), context 131,072
    row = rows[("mistral", "mistral-medium-latest")]
    assert (row.cost_per_1k, row.output_cost_per_1k) == (0.0004, 0.002)
    assert row.max_tokens == 131072 and row.max_output_tokens is None


def test_ollama_latest_is_its_digest_twin(rows: dict[tuple[str, str], DiscoveredModel]) -> None:
    assert rows[("ollama", "gemma3:latest")].facts["catalog_entry"] == "ollama-cloud/gemma3:4b"
    assert rows[("ollama", "gpt-oss:120b-cloud")].facts["catalog_entry"] == (
        "ollama-cloud/gpt-oss:120b"
    )


def test_azure_max_tokens_is_the_total_context(
    rows: dict[tuple[str, str], DiscoveredModel],
) -> None:
    row = rows[("azure", "gpt-5.1")]
    assert row.max_tokens == 400_000 and row.facts["input_limit"] == 272_000


def test_xai_reads_every_listing(rows: dict[tuple[str, str], DiscoveredModel]) -> None:
    xai = {mid for pid, mid in rows if pid == "xai"}
    assert {"grok-3-mini", "grok-3-mini-latest", "grok-2-image-1212", "grok-imagine-image"} <= xai
    assert "chat" not in rows[("xai", "grok-2-image-1212")].features
