"""Cohere: ``GET {base}/v1/models`` (base ``https://api.cohere.com``), Bearer auth.

Paginated by ``page_size`` / ``page_token`` → ``next_page_token``. Items are keyed by
``name`` and carry ``endpoints``, ``features`` (may be null), ``context_length`` (may be a
float) and ``is_deprecated``.
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
    expect_list,
    paginate,
    parse_items,
    strings,
    to_int,
)
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("cohere")
PAGE_SIZE = 1000


def headers(credential: Credential) -> dict[str, str]:
    h = bearer(credential)
    h["X-Client-Name"] = "team-model-registry"
    return h


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    endpoints = set(strings(item.get("endpoints")))
    feats = Features()
    if endpoints & {"chat", "generate"}:
        feats.add("chat")
    if endpoints & {"embed", "embed_image"}:
        feats.add("embeddings")
    if "vision" in strings(item.get("features")):
        feats.add("vision")
    return build_model(
        SPEC.id,
        item.get("name"),
        item,
        features=feats,
        max_tokens=to_int(item.get("context_length")),
        status_hint="deprecated" if item.get("is_deprecated") is True else None,
    )


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    async def page(cursor: str | None) -> tuple[list[Any], str | None]:
        params: dict[str, Any] = {"page_size": PAGE_SIZE}
        if cursor:
            params["page_token"] = cursor
        body = await ctx.http.get_json(ctx.url("/v1/models"), params=params)
        items = expect_list(ctx, body, "models")
        token = body.get("next_page_token")
        if token is not None and not isinstance(token, str):
            raise ctx.malformed("next_page_token is not a string")
        return items, token or None

    return parse_items(ctx, await paginate(ctx, page), parse_model)


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/v2/chat"), {
        "model": model_id,
        "messages": [{"role": "user", "content": "Hi"}],
        "max_tokens": 1,
    }
