"""Every provider's documented fields map onto the discovered-model shape (pure parsing)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from registry_core import records as R
from registry_core.providers import MODULES
from registry_core.providers._common import ItemError, per_1k

from .conftest import Routes, load, ok, run


def parsed(provider: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {m.model_id: m for m in (MODULES[provider].parse_model(i) for i in items)}


def test_openai_fields() -> None:
    routes = Routes({("GET", "/v1/models"): ok(load("openai.json"))})
    models = {m.model_id: m for m in run("openai", routes)}
    assert routes.requests[0].headers["authorization"].startswith("Bearer ")
    snap = models["gpt-4o-2024-05-13"]
    assert snap.retirement_date == date(2026, 10, 15)
    assert snap.status_hint == "deprecated"
    assert snap.provenance[R.RETIREMENT_DATE] == "provider"
    assert snap.release_date == date(2024, 5, 13)
    assert models["gpt-5.1"].alias_of == "gpt-5.1-2025-11-13"
    assert models["gpt-5.1"].provenance[R.ALIAS_OF] == "inferred"
    assert models["text-embedding-3-large"].features == ("embeddings",)
    assert models["text-embedding-3-large"].provenance[R.FEATURES] == "inferred"
    assert models["gpt-4.1-2025-04-14"].features == ("chat", "streaming")
    assert models["tts-1"].features == ()
    ft = models["ft:gpt-4.1-mini-2025-04-14:acme::AbC123"]
    assert ft.raw["unknown_future_field"] == {"x": 1}  # unknown fields are kept, not refused
    assert ft.retirement_date is None


def test_anthropic_fields() -> None:
    items = load("anthropic_page1.json")["data"] + load("anthropic_page2.json")["data"]
    models = parsed("anthropic", items)
    opus = models["claude-opus-4-6"]
    assert opus.model_name == "Claude Opus 4.6"
    assert (opus.max_tokens, opus.max_output_tokens) == (200_000, 128_000)
    assert opus.features == ("chat", "vision", "streaming")
    assert opus.release_date == date(2026, 2, 5)
    assert opus.provenance[R.MAX_TOKENS] == "provider"
    assert opus.provenance[f"{R.FEATURES}:streaming"] == "inferred"
    haiku = models["claude-3-haiku-20240307"]
    assert haiku.release_date is None  # epoch created_at means "unknown"
    assert haiku.max_tokens is None and haiku.features == ("chat", "streaming")
    assert R.RELEASE_DATE not in haiku.provenance


def test_google_fields() -> None:
    items = load("google_page1.json")["models"] + load("google_page2.json")["models"]
    models = parsed("google", items)
    flash = models["gemini-2.5-flash"]  # "models/" stripped
    assert flash.model_name == "Gemini 2.5 Flash"
    assert (flash.max_tokens, flash.max_output_tokens) == (1_048_576, 65_536)
    assert flash.features == ("chat", "vision", "streaming")
    assert flash.provenance[f"{R.FEATURES}:vision"] == "inferred"  # from the family
    assert models["gemini-3-pro-preview"].status_hint == "preview"
    assert models["gemini-embedding-001"].features == ("embeddings",)
    assert models["gemini-2.5-flash-native-audio-latest"].features == ()  # Live API only


def test_mistral_fields() -> None:
    models = parsed("mistral", load("mistral.json")["data"])
    medium = models["mistral-medium-latest"]
    assert medium.alias_of == "mistral-medium-2508"
    assert medium.max_tokens == 131_072
    assert medium.features == ("chat", "vision", "streaming")
    nemo = models["open-mistral-nemo"]
    assert nemo.deprecation_date == date(2026, 3, 31)
    assert nemo.successor_model == "mistral-small-latest"
    assert nemo.status_hint == "deprecated"
    assert nemo.alias_of is None  # name == id
    embed = models["mistral-embed"]
    assert embed.features == ("embeddings",)  # every capability false + the id
    assert embed.provenance[R.FEATURES] == "inferred"


def test_mistral_request_time_created_is_not_a_release_date() -> None:
    routes = Routes({("GET", "/v1/models"): ok(load("mistral.json"))})
    assert all(m.release_date is None for m in run("mistral", routes))


def test_groq_fields() -> None:
    models = parsed("groq", load("groq.json")["data"])
    llama = models["llama-3.3-70b-versatile"]
    assert (llama.max_tokens, llama.max_output_tokens) == (131_072, 32_768)
    assert llama.features == ("chat", "streaming")
    assert models["whisper-large-v3"].features == ()
    gemma = models["gemma2-9b-it"]
    assert gemma.status_hint == "deprecated" and gemma.provenance[R.STATUS] == "provider"
    assert gemma.max_output_tokens is None  # a missing optional field is fine


def test_openrouter_fields() -> None:
    items = load("openrouter_page1.json")["data"] + load("openrouter_page2.json")["data"]
    models = parsed("openrouter", items)
    gpt = models["openai/gpt-4o"]
    assert gpt.cost_per_1k == pytest.approx(0.0025)
    assert gpt.output_cost_per_1k == pytest.approx(0.01)
    assert gpt.provenance[R.COST_PER_1K] == "provider"
    assert (gpt.max_tokens, gpt.max_output_tokens) == (128_000, 16_384)
    assert gpt.features == ("chat", "vision", "streaming")
    assert gpt.model_name == "OpenAI: GPT-4o"
    auto = models["openrouter/auto"]
    assert auto.cost_per_1k is None  # "-1" means "varies"
    sonnet = models["anthropic/claude-sonnet-4.5"]
    assert sonnet.retirement_date == date(2026, 12, 31) and sonnet.status_hint == "deprecated"
    assert models["openai/text-embedding-3-small"].features == ("embeddings",)


def test_ollama_fields_from_tags_and_show() -> None:
    tags = load("ollama_tags.json")
    shows = load("ollama_show.json")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/tags":
            return ok(tags)
        name = __import__("json").loads(request.content)["model"]
        return ok(shows[name])

    models = {m.model_id: m for m in run("ollama", handler, secret=None)}
    gemma = models["gemma3:latest"]
    assert gemma.features == ("chat", "vision", "streaming")
    assert gemma.max_tokens == 131_072
    assert gemma.release_date is None  # modified_at is the local pull time
    assert "template" not in gemma.raw["show"]  # raw kept small
    assert "tokenizer.ggml.tokens" not in gemma.raw["show"]["model_info"]
    embed = models["nomic-embed-text:latest"]
    assert embed.features == ("embeddings",) and embed.max_tokens == 2048


def test_xai_fields_prices_and_aliases() -> None:
    routes = Routes({("GET", "/v1/language-models"): ok(load("xai.json"))})
    models = {m.model_id: m for m in run("xai", routes)}
    grok = models["grok-4-0709"]
    assert grok.cost_per_1k == pytest.approx(0.003)  # 30000 cents / 100M tokens = $3 / 1M
    assert grok.output_cost_per_1k == pytest.approx(0.015)
    assert grok.features == ("chat", "vision", "streaming")
    assert grok.release_date == date(2025, 7, 9)
    assert models["grok-4-latest"].alias_of == "grok-4-0709"
    assert models["grok-4"].provenance[R.ALIAS_OF] == "provider"
    assert models["grok-3-mini"].features == ("chat", "streaming")
    assert list(models) == ["grok-4-0709", "grok-4", "grok-4-latest", "grok-3-mini"]


def test_xai_falls_back_to_models_when_language_models_is_missing() -> None:
    routes = Routes(
        {
            ("GET", "/v1/language-models"): httpx.Response(404, json={"error": "not found"}),
            ("GET", "/v1/models"): ok({"object": "list", "data": [{"id": "grok-2", "created": 1}]}),
        }
    )
    assert [m.model_id for m in run("xai", routes)] == ["grok-2"]


@pytest.mark.parametrize("shape", ["v2025", "v2026"])
def test_deepseek_both_shapes(shape: str) -> None:
    models = parsed("deepseek", load("deepseek.json")[shape]["data"])
    if shape == "v2025":
        assert models["deepseek-chat"].features == ("chat", "streaming")
        assert models["deepseek-chat"].release_date is None  # no created at all
    else:
        pro = models["deepseek-v4-pro"]
        assert (pro.max_tokens, pro.max_output_tokens) == (1_000_000, 65_536)
        assert pro.model_name == "DeepSeek V4 Pro"
        assert pro.features == ("chat", "vision", "streaming")


def test_together_bare_array_and_prices_per_million() -> None:
    routes = Routes({("GET", "/v1/models"): ok(load("together.json"))})
    models = {m.model_id: m for m in run("together", routes)}
    llama = models["meta-llama/Llama-3.3-70B-Instruct-Turbo"]
    assert llama.cost_per_1k == pytest.approx(0.00088)
    assert llama.max_tokens == 131_072 and llama.model_name == "Meta Llama 3.3 70B Instruct Turbo"
    assert llama.features == ("chat", "streaming")
    bge = models["BAAI/bge-large-en-v1.5"]
    assert bge.features == ("embeddings",) and bge.release_date is None  # created 0
    assert models["acme/dedicated-only"].cost_per_1k is None  # 0/0: no serverless price
    assert models["black-forest-labs/FLUX.1-schnell"].features == ()


def test_cohere_fields() -> None:
    items = load("cohere_page1.json")["models"] + load("cohere_page2.json")["models"]
    models = parsed("cohere", items)
    command = models["command-a-03-2025"]
    assert command.max_tokens == 256_000 and command.features == ("chat", "streaming")
    assert models["command-a-vision-07-2025"].features == ("chat", "vision", "streaming")
    assert models["embed-v4.0"].features == ("embeddings",)  # features: null is fine
    assert models["command-r-03-2024"].status_hint == "deprecated"


def test_azure_fields() -> None:
    routes = Routes({("GET", "/openai/models"): ok(load("azure.json"))})
    models = {m.model_id: m for m in run("azure", routes, base_url="https://acme.openai.azure.com")}
    request = routes.requests[0]
    assert request.url.params["api-version"] == "2024-10-21"
    assert request.headers["api-key"] and "authorization" not in request.headers
    gpt = models["gpt-4o-2024-08-06"]
    assert gpt.features == ("chat", "streaming")
    assert gpt.retirement_date == date(2026, 9, 21)
    assert gpt.release_date == date(2024, 8, 6)
    assert models["text-embedding-3-large"].features == ("embeddings",)
    assert models["o3-pro-preview"].status_hint == "preview"


def test_openai_compatible_vllm() -> None:
    routes = Routes({("GET", "/v1/models"): ok(load("vllm.json"))})
    models = {
        m.model_id: m
        for m in run("openai_compatible", routes, secret=None, base_url="http://127.0.0.1:8000/v1")
    }
    assert models["meta-llama/Llama-3.1-8B-Instruct"].max_tokens == 32_768
    assert models["sql-lora"].max_tokens is None
    assert models["BAAI/bge-m3"].features == ("embeddings",)
    # every row has the server's start time as "created": never a release date
    assert all(m.release_date is None for m in models.values())


@pytest.mark.parametrize("provider", sorted(MODULES))
def test_item_without_id_is_an_error_for_that_item_only(provider: str) -> None:
    with pytest.raises(ItemError):
        MODULES[provider].parse_model({"object": "model", "created": 1})


def test_listing_skips_the_item_without_an_id_and_keeps_the_rest() -> None:
    events = []
    body = {"object": "list", "data": [{"object": "model"}, "junk", {"id": "gpt-x"}]}
    models = run("openai", Routes({("GET", "/v1/models"): ok(body)}), progress=events.append)
    assert [m.model_id for m in models] == ["gpt-x"]
    assert "skipped 2" in (events[-1].message or "")


@pytest.mark.parametrize(
    ("value", "per", "expected"),
    [
        ("0.000003", 1, 0.003),
        (2.5, 1_000_000, 0.0025),
        ("-1", 1, None),
        ("abc", 1, None),
        (None, 1, None),
        (True, 1, None),
        (0, 1, 0.0),
    ],
)
def test_price_conversion(value: Any, per: int, expected: float | None) -> None:
    assert per_1k(value, per) == expected
