"""Filters: query params -> filter -> records -> one sentence. Table-driven."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from registry_core.filters import RegistryFilter, provider_label, sort_records
from registry_core.records import ModelRecord

RECORDS = [
    ModelRecord(
        "openai",
        "gpt-4o",
        model_name="GPT-4o",
        status="active",
        available=True,
        cost_per_1k=0.0025,
        output_cost_per_1k=0.01,
        max_tokens=128_000,
        features=("chat", "vision", "streaming"),
        release_date=date(2024, 5, 13),
    ),
    ModelRecord(
        "openai",
        "gpt-3.5-turbo",
        status="deprecated",
        available=False,
        cost_per_1k=0.0005,
        output_cost_per_1k=0.0015,
        max_tokens=16_385,
        features=("chat",),
        release_date=date(2023, 3, 1),
        retirement_date=date(2025, 9, 1),
    ),
    ModelRecord(
        "anthropic",
        "claude-3-5-sonnet-latest",
        model_name="Claude 3.5 Sonnet",
        status="active",
        available=True,
        cost_per_1k=0.003,
        output_cost_per_1k=0.015,
        max_tokens=200_000,
        features=("chat", "vision"),
        alias_of="claude-3-5-sonnet-20241022",
        release_date=date(2024, 10, 22),
        retirement_date=date(2025, 6, 1),
    ),
    ModelRecord(
        "google",
        "text-embedding-004",
        status="beta",
        available=True,
        features=("embeddings",),
        notes="for search indexes",
    ),
    ModelRecord("mistral", "mistral-large", status="preview", max_tokens=128_000),
]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, RegistryFilter()),
        ({"provider": "openai"}, RegistryFilter(providers=("openai",))),
        (
            {"provider": ["OpenAI", " anthropic "]},
            RegistryFilter(providers=("openai", "anthropic")),
        ),
        ({"provider": "openai,anthropic"}, RegistryFilter(providers=("openai", "anthropic"))),
        ({"provider": ["openai", "openai"]}, RegistryFilter(providers=("openai",))),
        ({"provider": "x" * 65}, RegistryFilter()),
        ({"status": ["deprecated", "active"]}, RegistryFilter(statuses=("active", "deprecated"))),
        ({"status": "retired"}, RegistryFilter()),
        ({"feature": ["vision", "chat", "telepathy"]}, RegistryFilter(features=("chat", "vision"))),
        ({"q": "  gpt   4o "}, RegistryFilter(search="gpt 4o")),
        ({"q": ["a", "b"]}, RegistryFilter(search="a b")),
        ({"q": "x" * 500}, RegistryFilter(search="x" * 200)),
        ({"available": "true"}, RegistryFilter(available_only=True)),
        ({"available": "1"}, RegistryFilter(available_only=True)),
        ({"available": "false"}, RegistryFilter()),
        ({"available": ""}, RegistryFilter()),
        ({"sort": "cheapest"}, RegistryFilter(sort="cheapest")),
        ({"sort": "CONTEXT"}, RegistryFilter(sort="context")),
        ({"sort": "drop table"}, RegistryFilter()),
        ({"sort": ["cheapest", "newest"]}, RegistryFilter(sort="newest")),
        ({"unrelated": "x", "model": "openai/gpt-4o"}, RegistryFilter()),
    ],
)
def test_from_query_params(params: dict[str, Any], expected: RegistryFilter) -> None:
    assert RegistryFilter.from_query_params(params) == expected


@pytest.mark.parametrize(
    "flt",
    [
        RegistryFilter(),
        RegistryFilter(providers=("openai", "anthropic"), features=("vision",), sort="cheapest"),
        RegistryFilter(statuses=("active", "beta"), search="claude sonnet", available_only=True),
        RegistryFilter(sort="retiring"),
    ],
)
def test_query_params_round_trip(flt: RegistryFilter) -> None:
    assert RegistryFilter.from_query_params(flt.to_query_params()) == flt


def test_default_filter_has_no_query_params() -> None:
    assert RegistryFilter().to_query_params() == {}
    assert RegistryFilter().is_empty
    assert RegistryFilter(sort="cheapest").is_empty  # order is not a filter


@pytest.mark.parametrize(
    ("flt", "expected_ids"),
    [
        (
            RegistryFilter(),
            [
                "claude-3-5-sonnet-latest",
                "text-embedding-004",
                "mistral-large",
                "gpt-3.5-turbo",
                "gpt-4o",
            ],
        ),
        (RegistryFilter(providers=("openai",)), ["gpt-3.5-turbo", "gpt-4o"]),
        (RegistryFilter(providers=("nobody",)), []),
        (RegistryFilter(statuses=("deprecated",)), ["gpt-3.5-turbo"]),
        (RegistryFilter(statuses=("beta", "preview")), ["text-embedding-004", "mistral-large"]),
        (RegistryFilter(features=("vision",)), ["claude-3-5-sonnet-latest", "gpt-4o"]),
        (RegistryFilter(features=("vision", "streaming")), ["gpt-4o"]),
        (RegistryFilter(available_only=True, providers=("openai",)), ["gpt-4o"]),
        (RegistryFilter(search="GPT"), ["gpt-3.5-turbo", "gpt-4o"]),
        (RegistryFilter(search="sonnet 3.5"), ["claude-3-5-sonnet-latest"]),
        (RegistryFilter(search="anthropic"), ["claude-3-5-sonnet-latest"]),
        (RegistryFilter(search="20241022"), ["claude-3-5-sonnet-latest"]),  # alias target
        (RegistryFilter(search="indexes"), ["text-embedding-004"]),  # notes
        (RegistryFilter(search="OpenAI turbo"), ["gpt-3.5-turbo"]),  # provider label
        (
            RegistryFilter(sort="cheapest"),
            [
                "gpt-3.5-turbo",
                "gpt-4o",
                "claude-3-5-sonnet-latest",
                "text-embedding-004",
                "mistral-large",
            ],
        ),
        (
            RegistryFilter(sort="priciest", providers=("openai", "anthropic")),
            ["claude-3-5-sonnet-latest", "gpt-4o", "gpt-3.5-turbo"],
        ),
        (
            RegistryFilter(sort="context"),
            [
                "claude-3-5-sonnet-latest",
                "mistral-large",
                "gpt-4o",
                "gpt-3.5-turbo",
                "text-embedding-004",
            ],
        ),
        (
            RegistryFilter(sort="newest", available_only=True),
            ["claude-3-5-sonnet-latest", "gpt-4o", "text-embedding-004"],
        ),
        (
            RegistryFilter(sort="retiring"),
            [
                "claude-3-5-sonnet-latest",
                "gpt-3.5-turbo",
                "text-embedding-004",
                "mistral-large",
                "gpt-4o",
            ],
        ),
        (
            RegistryFilter(sort="name", providers=("openai", "anthropic")),
            ["claude-3-5-sonnet-latest", "gpt-3.5-turbo", "gpt-4o"],
        ),
    ],
)
def test_apply(flt: RegistryFilter, expected_ids: list[str]) -> None:
    assert [r.model_id for r in flt.apply(RECORDS)] == expected_ids


def test_default_order_puts_recommended_and_sort_order_first() -> None:
    recs = [
        ModelRecord("openai", "a"),
        ModelRecord("openai", "b", recommended=True, sort_order=2),
        ModelRecord("openai", "c", recommended=True, sort_order=1),
        ModelRecord("anthropic", "z"),
    ]
    assert [r.model_id for r in sort_records(recs, "provider")] == ["z", "c", "b", "a"]


@pytest.mark.parametrize(
    ("flt", "count", "sentence"),
    [
        (RegistryFilter(), 0, "No models"),
        (RegistryFilter(), 1, "1 model"),
        (RegistryFilter(), 1234, "1,234 models"),
        (
            RegistryFilter(
                providers=("openai", "anthropic"), features=("vision",), sort="cheapest"
            ),
            23,
            "23 models from OpenAI and Anthropic with vision, cheapest first",
        ),
        (
            RegistryFilter(providers=("openai", "anthropic", "google")),
            3,
            "3 models from OpenAI, Anthropic and Google Gemini",
        ),
        (RegistryFilter(providers=("acme",)), 2, "2 models from acme"),
        (RegistryFilter(statuses=("deprecated",)), 4, "4 deprecated models"),
        (RegistryFilter(statuses=("active", "beta")), 4, "4 active or beta models"),
        (
            RegistryFilter(available_only=True, statuses=("active",)),
            5,
            "5 available active models",
        ),
        (
            RegistryFilter(features=("chat", "vision")),
            2,
            "2 models with chat and vision",
        ),
        (RegistryFilter(search="gpt"), 1, '1 model matching "gpt"'),
        (RegistryFilter(sort="context"), 9, "9 models, largest context first"),
        (RegistryFilter(sort="provider"), 9, "9 models"),
        (
            RegistryFilter(
                providers=("xai",),
                statuses=("preview",),
                features=("chat",),
                search="grok",
                available_only=True,
                sort="newest",
            ),
            0,
            'No available preview models from xAI with chat matching "grok", newest first',
        ),
    ],
)
def test_describe(flt: RegistryFilter, count: int, sentence: str) -> None:
    assert flt.describe(count) == sentence


def test_describe_with_custom_labels() -> None:
    flt = RegistryFilter(providers=("acme",))
    assert flt.describe(2, label=lambda p: p.upper()) == "2 models from ACME"


@pytest.mark.parametrize(
    ("pid", "label"), [("openai", "OpenAI"), ("xai", "xAI"), ("custom", "custom")]
)
def test_provider_label(pid: str, label: str) -> None:
    assert provider_label(pid) == label


def test_used_by_filter_round_trips_and_matches_any_name() -> None:
    from registry_core.filters import RegistryFilter

    flt = RegistryFilter.from_query_params({"used_by": "Billing-API, search"})
    assert flt.used_by == ("billing-api", "search")
    assert RegistryFilter.from_query_params(flt.to_query_params()) == flt
    assert not flt.is_empty
    rows = [
        ModelRecord("openai", "a", used_by=("billing-api",)),
        ModelRecord("openai", "b", used_by=("Search",)),
        ModelRecord("openai", "c", used_by=("other",)),
        ModelRecord("openai", "d"),
    ]
    assert [r.model_id for r in flt.apply(rows)] == ["a", "b"]
    assert flt.describe(2).endswith("used by billing-api or search")
