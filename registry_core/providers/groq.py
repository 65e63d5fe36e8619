"""Groq: ``GET {base}/models`` (base ``https://api.groq.com/openai/v1``), one page, Bearer.

Live items add ``context_window``, ``max_completion_tokens`` and ``active`` to OpenAI's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry_core import records as R
from registry_core.provider_table import spec_for
from registry_core.providers._common import (
    Context,
    Features,
    bearer,
    build_model,
    date_from_unix,
    preview_hint,
    to_int,
)
from registry_core.providers._openai_like import chat_payload, fetch_data_list
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("groq")


def headers(credential: Credential) -> dict[str, str]:
    return bearer(credential)


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    model_id = item.get("id")
    feats = Features()
    feats.guess_from_id(model_id)
    inactive = item.get("active") is False
    hint = "deprecated" if inactive else preview_hint(model_id)
    return build_model(
        SPEC.id,
        model_id,
        item,
        features=feats,
        inferred=() if inactive else (R.STATUS,),
        release_date=date_from_unix(item.get("created")),
        max_tokens=to_int(item.get("context_window")),
        max_output_tokens=to_int(item.get("max_completion_tokens")),
        status_hint=hint,
    )


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    return await fetch_data_list(ctx, "/models", parse_model)


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/chat/completions"), chat_payload(model_id)
