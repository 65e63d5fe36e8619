"""OpenRouter: ``GET {base}/models`` (base ``https://openrouter.ai/api/v1``).

The listing is public (no key needed, and it never answers 401, so it cannot prove a key);
``offset`` / ``limit`` paginate it, with ``total_count`` and ``links.next`` in the 2026 shape
(older responses are one ``{data}`` page). Prices are USD **per token** as decimal strings.

Decision: OpenRouter is discovered when ``OPENROUTER_API_KEY`` or ``OPENROUTER_BASE_URL`` is
set (not by default, though the catalog listing is public). With a key, ``validate="retrieve"``
checks it with one call to ``/models/user`` (models filtered by the key's preferences): models
in that list verify ``ok``, others ``failed``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from registry_core.provider_table import spec_for
from registry_core.providers._common import (
    Context,
    Features,
    bearer,
    build_model,
    date_from_text,
    date_from_unix,
    expect_list,
    paginate,
    parse_items,
    per_1k,
    strings,
    sub,
    to_int,
    to_text,
)
from registry_core.providers._openai_like import chat_payload
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("openrouter")
PAGE_SIZE = 1000


def headers(credential: Credential) -> dict[str, str]:
    h = bearer(credential)
    h["X-Title"] = "AI Model Registry"
    return h


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    arch = sub(item, "architecture")
    inputs = strings(arch.get("input_modalities"))
    outputs = strings(arch.get("output_modalities"))
    feats = Features()
    if "embeddings" in outputs:
        feats.add("embeddings")
    elif "text" in outputs or not outputs:
        feats.add("chat", inferred=not outputs)
    if "image" in inputs:
        feats.add("vision")
    pricing = sub(item, "pricing")
    top = sub(item, "top_provider")
    alias = item.get("alias_target")
    expires = date_from_text(item.get("expiration_date"))
    return build_model(
        SPEC.id,
        item.get("id"),
        item,
        features=feats,
        model_name=to_text(item.get("name")),
        release_date=date_from_unix(item.get("created")),
        max_tokens=to_int(item.get("context_length")) or to_int(top.get("context_length")),
        max_output_tokens=to_int(top.get("max_completion_tokens")),
        cost_per_1k=per_1k(pricing.get("prompt"), 1),
        output_cost_per_1k=per_1k(pricing.get("completion"), 1),
        cache_read_cost_per_1k=per_1k(pricing.get("input_cache_read"), 1),
        cache_write_cost_per_1k=per_1k(pricing.get("input_cache_write"), 1),
        retirement_date=expires,
        status_hint="deprecated" if expires else None,
        alias_of=to_text(alias.get("slug")) if isinstance(alias, Mapping) else None,
    )


def _offset_from(link: Any) -> int | None:
    if not isinstance(link, str):
        return None
    values = parse_qs(urlsplit(link).query).get("offset")
    try:
        return int(values[0]) if values else None
    except ValueError:
        return None


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    stated: list[int] = []  # the last total_count the server gave

    async def page(cursor: str | None) -> tuple[list[Any], str | None]:
        offset = int(cursor or 0)
        params = {"offset": offset, "limit": PAGE_SIZE}
        body = await ctx.http.get_json(ctx.url("/models"), params=params)
        items = expect_list(ctx, body, "data")
        total = body.get("total_count")
        links = sub(body, "links")
        reached = offset + len(items)
        if isinstance(total, int) and not isinstance(total, bool):
            stated[:] = [total]
            if reached >= total:
                return items, None
            if not items:
                raise ctx.malformed(f"page at offset {offset} is empty but total_count is {total}")
            return items, str(reached)
        if links.get("next"):
            if not items:
                raise ctx.malformed(f"page at offset {offset} is empty but links.next is set")
            linked = _offset_from(links["next"])
            return items, str(reached if linked is None else linked)
        return items, None

    items = await paginate(ctx, page)
    if stated:
        distinct = {i.get("id") for i in items if isinstance(i, Mapping)}
        if len(distinct) < stated[0]:
            raise ctx.malformed(
                f"total_count is {stated[0]} but the pages hold {len(distinct)} distinct models"
            )
    return parse_items(ctx, items, parse_model)


async def retrieve_all(ctx: Context) -> set[str]:
    """Ids available to this key (``/models/user``); one call, and it proves the key."""
    body = await ctx.http.get_json(ctx.url("/models/user"))
    return {
        item["id"]
        for item in expect_list(ctx, body, "data")
        if isinstance(item, Mapping) and isinstance(item.get("id"), str)
    }


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/chat/completions"), chat_payload(model_id)
