"""Ollama: ``GET {host}/api/tags`` for the list, ``POST {host}/api/show`` per model for details.

``/api/tags`` is poor (name, size, family, quantisation); ``/api/show`` adds ``capabilities``
(completion, vision, embedding, tools, …) and ``model_info["<arch>.context_length"]``. The
show calls run with bounded concurrency. No key locally; ``OLLAMA_API_KEY`` for ollama.com.
``modified_at`` is the local pull time, so it is never a release date.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from registry_core.errors import NotFoundError, RegistryError
from registry_core.provider_table import spec_for
from registry_core.providers._common import (
    Context,
    Features,
    bearer,
    build_model,
    expect_list,
    parse_items,
    strings,
    to_int,
)
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("ollama")


def headers(credential: Credential) -> dict[str, str]:
    return bearer(credential)


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    """One ``/api/tags`` item, merged with its ``/api/show`` answer under ``"show"`` if any."""
    model_id = item.get("name") or item.get("model")
    show = item.get("show") if isinstance(item.get("show"), Mapping) else None
    feats = Features()
    context = None
    if show is not None:
        caps = set(strings(show.get("capabilities")))
        if "completion" in caps:
            feats.add("chat")
        if "vision" in caps:
            feats.add("vision")
        if "embedding" in caps:
            feats.add("embeddings")
        info = show.get("model_info") if isinstance(show.get("model_info"), Mapping) else {}
        context = next(
            (to_int(v) for k, v in info.items() if str(k).endswith(".context_length")), None
        )
    else:
        feats.guess_from_id(model_id)
    return build_model(SPEC.id, model_id, item, features=feats, max_tokens=context)


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    body = await ctx.http.get_json(ctx.url("/api/tags"))
    items = expect_list(ctx, body, "models")
    ctx.on_page(1, len(items))
    limit = asyncio.Semaphore(max(1, ctx.http.policy.concurrency))

    async def detail(item: Any) -> Any:
        name = item.get("name") or item.get("model") if isinstance(item, Mapping) else None
        if not isinstance(name, str):
            return item
        async with limit:
            try:
                show = await ctx.http.post_json(ctx.url("/api/show"), {"model": name})
            except NotFoundError:
                return item  # removed between the two calls: keep what the list said
            except RegistryError as exc:
                # one broken model must not sink the listing: keep what /api/tags said
                ctx.warnings.append(
                    f"{name[:100]!r}: /api/show failed ({exc.error_class}); kept from /api/tags "
                    "without details"
                )
                return item
        if not isinstance(show, Mapping):
            ctx.warnings.append(
                f"{name[:100]!r}: /api/show did not return an object; kept from /api/tags "
                "without details"
            )
            return item
        # keep the raw small: the template, license and tensor list are kilobytes of noise
        kept = {k: show[k] for k in ("capabilities", "model_info", "details") if k in show}
        return {**item, "show": kept}

    detailed = await asyncio.gather(*(detail(item) for item in items))
    return [_trim(m) for m in parse_items(ctx, list(detailed), parse_model)]


def _trim(model: DiscoveredModel) -> DiscoveredModel:
    show = model.raw.get("show")
    if isinstance(show, Mapping) and isinstance(show.get("model_info"), Mapping):
        info = {k: v for k, v in show["model_info"].items() if not isinstance(v, list | dict)}
        return replace(model, raw={**model.raw, "show": {**show, "model_info": info}})
    return model


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/api/generate"), {
        "model": model_id,
        "prompt": "Hi",
        "stream": False,
        "options": {"num_predict": 1},
    }
