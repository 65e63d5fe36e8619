"""Anthropic: ``GET {base}/v1/models`` with ``x-api-key`` and ``anthropic-version``.

Paginated by ``limit`` / ``after_id``; the response says ``has_more`` and ``last_id``. Since
2026 items carry ``max_input_tokens``, ``max_tokens`` and a ``capabilities`` object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from registry_core.provider_table import spec_for
from registry_core.providers._common import (
    Context,
    Features,
    build_model,
    date_from_text,
    expect_list,
    flag,
    paginate,
    parse_items,
    to_int,
    to_text,
)
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("anthropic")
API_VERSION = "2023-06-01"
PAGE_SIZE = 1000


def headers(credential: Credential) -> dict[str, str]:
    h = {"anthropic-version": credential.extra.get("anthropic_version", API_VERSION)}
    if credential.secret:
        if credential.extra.get("auth") == "bearer":  # OAuth / auth tokens
            h["Authorization"] = f"Bearer {credential.secret}"
        else:
            h["x-api-key"] = credential.secret
    return h


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    feats = Features()
    feats.add("chat")  # every model the Messages API lists is a chat model
    caps = item.get("capabilities")
    if flag(caps, "image_input"):
        feats.add("vision")
    return build_model(
        SPEC.id,
        item.get("id"),
        item,
        features=feats,
        model_name=to_text(item.get("display_name")),
        # the SDK documents an epoch created_at for "release date unknown"; date_from_text drops it
        release_date=date_from_text(item.get("created_at"), allow_future=False),
        max_tokens=to_int(item.get("max_input_tokens")),
        max_output_tokens=to_int(item.get("max_tokens")),
    )


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    async def page(cursor: str | None) -> tuple[list[Any], str | None]:
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if cursor:
            params["after_id"] = cursor
        body = await ctx.http.get_json(ctx.url("/v1/models"), params=params)
        items = expect_list(ctx, body, "data")
        if body.get("has_more") is True:
            last = body.get("last_id")
            if not isinstance(last, str) or not last or not items:
                raise ctx.malformed("has_more is true but the page gives no last_id to continue")
            return items, last
        return items, None

    return parse_items(ctx, await paginate(ctx, page), parse_model)


async def retrieve(ctx: Context, model_id: str) -> None:
    await ctx.http.get_json(ctx.url(f"/v1/models/{quote(model_id, safe='')}"))


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/v1/messages"), {
        "model": model_id,
        "max_tokens": 1,
        "messages": [{"role": "user", "content": "Hi"}],
    }
