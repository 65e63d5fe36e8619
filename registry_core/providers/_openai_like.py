"""Helpers for the many providers that answer in OpenAI's ``{"object": "list", "data": [...]}``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from registry_core import records as R
from registry_core.providers._common import Context, expect_list, parse_items
from registry_core.providers.base import DiscoveredModel

_DATED = re.compile(r"^(?P<base>.+)-(?P<date>\d{4}-\d{2}-\d{2})$")


async def fetch_data_list(
    ctx: Context,
    path: str,
    parse: Callable[[Mapping[str, Any]], DiscoveredModel],
    *,
    params: Mapping[str, Any] | None = None,
    allow_bare: bool = False,
) -> list[DiscoveredModel]:
    """One unpaginated page ``{"data": [...]}`` (or a bare array when ``allow_bare``)."""
    body = await ctx.http.get_json(ctx.url(path), params=params)
    items = expect_list(ctx, body, None if allow_bare and isinstance(body, list) else "data")
    ctx.on_page(1, len(items))
    return parse_items(ctx, items, parse)


def chat_payload(model_id: str, *, max_tokens_key: str = "max_tokens") -> dict[str, Any]:
    """The cheapest chat request: one short user message, one output token."""
    return {
        "model": model_id,
        "messages": [{"role": "user", "content": "Hi"}],
        max_tokens_key: 1,
        "stream": False,
    }


def link_dated_aliases(models: list[DiscoveredModel]) -> list[DiscoveredModel]:
    """Mark undated ids (``gpt-4.1``) as aliases of their newest listed dated snapshot.

    OpenAI lists both ``gpt-4.1`` and ``gpt-4.1-2025-04-14``; the undated one points at the
    newest snapshot. This is an inference, so it is marked ``inferred``.
    """
    newest: dict[str, str] = {}
    for m in models:
        match = _DATED.match(m.model_id)
        if match:
            base = match.group("base")
            if base not in newest or m.model_id > newest[base]:
                newest[base] = m.model_id
    out: list[DiscoveredModel] = []
    for m in models:
        target = newest.get(m.model_id)
        if target and m.alias_of is None:
            prov = {**m.provenance, R.ALIAS_OF: "inferred"}
            m = replace(m, alias_of=target, provenance=prov)
        out.append(m)
    return out
