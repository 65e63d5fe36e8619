"""OpenAI: ``GET {base}/models`` (base ``https://api.openai.com/v1``), one page, Bearer auth.

The listing is poor: id, created, owned_by, and (since 2026) an optional ``shutdown_date``.
Everything else (context, prices, vision) comes from the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from registry_core import records as R
from registry_core.provider_table import spec_for
from registry_core.providers._common import (
    Context,
    Features,
    bearer,
    build_model,
    date_from_text,
    date_from_unix,
    preview_hint,
)
from registry_core.providers._openai_like import chat_payload, fetch_data_list, link_dated_aliases
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("openai")


def headers(credential: Credential) -> dict[str, str]:
    h = bearer(credential)
    for extra, header in (("organization", "OpenAI-Organization"), ("project", "OpenAI-Project")):
        if credential.extra.get(extra):
            h[header] = credential.extra[extra]
    return h


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    model_id = item.get("id")
    feats = Features()
    feats.guess_from_id(model_id)
    shutdown = date_from_text(item.get("shutdown_date"))
    hint = "deprecated" if shutdown else preview_hint(model_id)
    return build_model(
        SPEC.id,
        model_id,
        item,
        features=feats,
        inferred=() if shutdown else (R.STATUS,),
        release_date=date_from_unix(item.get("created")),
        retirement_date=shutdown,
        status_hint=hint,
    )


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    return link_dated_aliases(await fetch_data_list(ctx, "/models", parse_model))


async def retrieve(ctx: Context, model_id: str) -> None:
    await ctx.http.get_json(ctx.url(f"/models/{quote(model_id, safe=':@')}"))


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    # Reasoning models refuse max_tokens; max_completion_tokens works for all chat models.
    return ctx.url("/chat/completions"), chat_payload(
        model_id, max_tokens_key="max_completion_tokens"
    )
