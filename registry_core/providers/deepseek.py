"""DeepSeek: ``GET {base}/models`` (base ``https://api.deepseek.com``), one page, Bearer.

The 2025 shape is bare (id, object, owned_by — no ``created``); the 2026 docs add ``name``,
``context_window``, ``max_output_tokens`` and modalities. Both are accepted.
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
    strings,
    to_int,
    to_text,
)
from registry_core.providers._openai_like import chat_payload, fetch_data_list
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("deepseek")


def headers(credential: Credential) -> dict[str, str]:
    return bearer(credential)


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    model_id = item.get("id")
    feats = Features()
    outputs = strings(item.get("output_modalities"))
    if outputs:
        if "text" in outputs:
            feats.add("chat")
    else:
        feats.guess_from_id(model_id)
    if "image" in strings(item.get("input_modalities")):
        feats.add("vision")
    return build_model(
        SPEC.id,
        model_id,
        item,
        features=feats,
        model_name=to_text(item.get("name")),
        max_tokens=to_int(item.get("context_window")),
        max_output_tokens=to_int(item.get("max_output_tokens")),
    )


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    return await fetch_data_list(ctx, "/models", parse_model)


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/chat/completions"), chat_payload(model_id)
