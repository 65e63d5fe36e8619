"""Any OpenAI-compatible server: ``GET {base}/models`` (vLLM, LM Studio, llama.cpp, gateways).

Give the base URL including ``/v1`` (``http://127.0.0.1:8000/v1``). vLLM reports the served
context as ``max_model_len``; LM Studio's ``/api/v0`` shape gives ``max_context_length`` and
``type``; llama.cpp gives ``meta.n_ctx_train``. ``created`` is the server's start time on
these servers, so it is never a release date.
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
    to_int,
)
from registry_core.providers._openai_like import chat_payload, fetch_data_list
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("openai_compatible")


def headers(credential: Credential) -> dict[str, str]:
    return bearer(credential)


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    model_id = item.get("id")
    kind = item.get("type")
    feats = Features()
    if kind in ("embedding", "embeddings"):
        feats.add("embeddings")
    elif kind in ("llm", "vlm"):
        feats.add("chat")
        if kind == "vlm":
            feats.add("vision")
    else:
        feats.guess_from_id(model_id)
    meta = item.get("meta")
    context = (
        to_int(item.get("max_model_len"))
        or to_int(item.get("max_context_length"))
        or (to_int(meta.get("n_ctx_train")) if isinstance(meta, Mapping) else None)
    )
    return build_model(SPEC.id, model_id, item, features=feats, max_tokens=context)


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    return await fetch_data_list(ctx, "/models", parse_model, allow_bare=True)


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/chat/completions"), chat_payload(model_id)
