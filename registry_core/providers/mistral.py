"""Mistral: ``GET {base}/v1/models`` (base ``https://api.mistral.ai``), one page, Bearer auth.

Rich items: ``capabilities`` booleans, ``max_context_length``, ``aliases``, ``deprecation``
and ``deprecation_replacement_model``. Alias ids (``mistral-medium-latest``) are listed as
their own rows with the dated canonical id in ``name``. ``created`` is the request time for
every row, so it is never used as a release date.
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
    date_from_text,
    flag,
    id_looks_like_embeddings,
    to_int,
    to_text,
)
from registry_core.providers._openai_like import chat_payload, fetch_data_list
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("mistral")


def headers(credential: Credential) -> dict[str, str]:
    return bearer(credential)


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    model_id = item.get("id")
    caps = item.get("capabilities")
    feats = Features()
    if flag(caps, "completion_chat"):
        feats.add("chat")
    if flag(caps, "vision"):
        feats.add("vision")
    any_capability = isinstance(caps, Mapping) and any(v is True for v in caps.values())
    # embedding models have every capability false; the id settles it
    if not any_capability and isinstance(model_id, str) and id_looks_like_embeddings(model_id):
        feats.add("embeddings", inferred=True)
    canonical = to_text(item.get("name"))
    deprecation = date_from_text(item.get("deprecation"))
    return build_model(
        SPEC.id,
        model_id,
        item,
        features=feats,
        max_tokens=to_int(item.get("max_context_length")),
        alias_of=canonical if canonical and canonical != model_id else None,
        deprecation_date=deprecation,
        successor_model=to_text(item.get("deprecation_replacement_model")),
        # an archived fine-tune is out of use; the flag is documented for fine-tuned cards only
        status_hint="deprecated" if deprecation or item.get("archived") is True else None,
    )


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    return await fetch_data_list(ctx, "/v1/models", parse_model)


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/v1/chat/completions"), chat_payload(model_id)
