"""Together AI: ``GET {base}/models`` (base ``https://api.together.ai/v1``), Bearer auth.

The body is a **bare JSON array**. Items carry ``type`` (chat, language, code, embedding,
image, …), ``context_length``, ``display_name`` and ``pricing`` in USD **per 1M tokens**.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry_core.provider_table import spec_for
from registry_core.providers._common import (
    Context,
    Features,
    bearer,
    build_model,
    date_from_unix,
    expect_list,
    parse_items,
    per_1k,
    sub,
    to_int,
    to_text,
)
from registry_core.providers._openai_like import chat_payload
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("together")
_CHAT_TYPES = {"chat", "language", "code"}


def headers(credential: Credential) -> dict[str, str]:
    return bearer(credential)


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    kind = item.get("type")
    feats = Features()
    if kind in _CHAT_TYPES:
        feats.add("chat")
    elif kind == "embedding":
        feats.add("embeddings")
    pricing = sub(item, "pricing")
    cost_in = per_1k(pricing.get("input"), 1_000_000)
    cost_out = per_1k(pricing.get("output"), 1_000_000)
    if not cost_in and not cost_out:
        # 0/0 marks models without serverless pricing (dedicated only), not free models
        cost_in = cost_out = None
    return build_model(
        SPEC.id,
        item.get("id"),
        item,
        features=feats,
        model_name=to_text(item.get("display_name")),
        release_date=date_from_unix(item.get("created")),
        max_tokens=to_int(item.get("context_length")),
        cost_per_1k=cost_in,
        output_cost_per_1k=cost_out,
        cache_read_cost_per_1k=per_1k(pricing.get("cached_input"), 1_000_000) or None,
    )


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    body = await ctx.http.get_json(ctx.url("/models"))
    if isinstance(body, Mapping) and isinstance(body.get("data"), list):
        items = body["data"]  # an OpenAI-style gateway in front of Together
    else:
        items = expect_list(ctx, body, None)
    ctx.on_page(1, len(items))
    return parse_items(ctx, items, parse_model)


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/chat/completions"), chat_payload(model_id)
