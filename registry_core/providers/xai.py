"""xAI: ``GET {base}/language-models`` (base ``https://api.x.ai/v1``), Bearer auth.

``/language-models`` gives modalities, ``aliases`` and prices in integer **USD cents per 100
million tokens**; each alias is emitted as its own row with Alias Of set, so a team looking
for ``grok-4-latest`` finds it. The plain ``/models`` listing is read too and merged in (it
may hold models ``/language-models`` leaves out), and so is ``/image-generation-models``
(undocumented in the reference: read defensively, its absence or failure is no error). When
the server has no ``/language-models`` (a gateway), ``/models`` alone is used. An invalid key
answers 400 with a string ``error``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from registry_core import records as R
from registry_core.errors import MalformedResponseError, NotFoundError, RegistryError
from registry_core.provider_table import spec_for
from registry_core.providers._common import (
    Context,
    Features,
    bearer,
    build_model,
    date_from_unix,
    expect_list,
    parse_items,
    per_1k,
    strings,
)
from registry_core.providers._openai_like import chat_payload, fetch_data_list
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("xai")
CENTS_PER_100M = 100 * 100_000_000  # price unit → "per N tokens" in USD: cents / (100 * 1e8)


def headers(credential: Credential) -> dict[str, str]:
    return bearer(credential)


def _price(value: Any) -> float | None:
    # cents per 100M tokens == USD per 10^10 tokens
    return per_1k(value, CENTS_PER_100M) if isinstance(value, int | float) else None


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    feats = Features()
    outputs = strings(item.get("output_modalities"))
    if not outputs or "text" in outputs:
        feats.add("chat", inferred=not outputs)
    if "image" in strings(item.get("input_modalities")):
        feats.add("vision")
    return build_model(
        SPEC.id,
        item.get("id"),
        item,
        features=feats,
        release_date=date_from_unix(item.get("created")),
        cost_per_1k=_price(item.get("prompt_text_token_price")),
        output_cost_per_1k=_price(item.get("completion_text_token_price")),
        cache_read_cost_per_1k=_price(item.get("cached_prompt_text_token_price")),
    )


def parse_image_model(item: Mapping[str, Any]) -> DiscoveredModel:
    """One ``/image-generation-models`` item: an image model, never chat."""
    return build_model(
        SPEC.id, item.get("id"), item, release_date=date_from_unix(item.get("created"))
    )


def with_aliases(models: list[DiscoveredModel]) -> list[DiscoveredModel]:
    """Each model, then a row per alias pointing at it (unless the alias is listed itself)."""
    listed = {m.model_id for m in models}
    out: list[DiscoveredModel] = []
    for m in models:
        out.append(m)
        for alias in strings(m.raw.get("aliases")):
            if alias in listed or alias == m.model_id:
                continue
            listed.add(alias)
            out.append(
                replace(
                    m,
                    model_id=alias,
                    alias_of=m.model_id,
                    raw={**m.raw, "listed_as_alias_of": m.model_id},
                    provenance={**m.provenance, R.ALIAS_OF: "provider"},
                )
            )
    return out


async def _optional_list(ctx: Context, path: str, key: str, parse: Any) -> list[DiscoveredModel]:
    """A secondary listing: missing, failing or malformed means "nothing more", with a note."""
    try:
        body = await ctx.http.get_json(ctx.url(path))
        items = expect_list(ctx, body, key)
    except NotFoundError:
        return []
    except (MalformedResponseError, RegistryError) as exc:
        ctx.warnings.append(f"{path} could not be read ({exc.error_class}); left out")
        return []
    return parse_items(ctx, items, parse)


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    try:
        body = await ctx.http.get_json(ctx.url("/language-models"))
    except NotFoundError:
        return await fetch_data_list(ctx, "/models", parse_model)
    items = expect_list(ctx, body, "models")
    ctx.on_page(1, len(items))
    models = with_aliases(parse_items(ctx, items, parse_model))
    listed = {m.model_id for m in models}
    for extra in (
        *await _optional_list(ctx, "/models", "data", parse_model),
        *await _optional_list(ctx, "/image-generation-models", "models", parse_image_model),
    ):
        if extra.model_id not in listed:
            listed.add(extra.model_id)
            models.append(extra)
    return models


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url("/chat/completions"), chat_payload(model_id)
