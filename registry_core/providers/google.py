"""Google Gemini API: ``GET {base}/models`` (base ``…/v1beta``) with ``x-goog-api-key``.

Paginated by ``pageSize`` / ``pageToken`` → ``nextPageToken``. Ids come as ``models/{id}``.
An invalid key answers 400 ``API_KEY_INVALID`` (classified as an auth error in ``http``).
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
    build_model,
    expect_list,
    paginate,
    parse_items,
    preview_hint,
    strings,
    to_int,
    to_text,
)
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("google")
PAGE_SIZE = 1000
_CHAT_METHODS = {"generateContent", "streamGenerateContent"}
_EMBED_METHODS = {"embedContent", "batchEmbedContents", "asyncBatchEmbedContent"}


def headers(credential: Credential) -> dict[str, str]:
    return {"x-goog-api-key": credential.secret} if credential.secret else {}


def strip_prefix(name: Any) -> Any:
    if isinstance(name, str) and name.startswith("models/"):
        return name[len("models/") :]
    return name


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    model_id = strip_prefix(item.get("name"))
    methods = set(strings(item.get("supportedGenerationMethods")))
    feats = Features()
    if methods & _CHAT_METHODS:
        feats.add("chat")
        # Gemini chat models are multimodal; the API has no flag for it, so it is the family's
        if isinstance(model_id, str) and model_id.startswith("gemini-"):
            feats.add("vision", inferred=True)
    if methods & _EMBED_METHODS:
        feats.add("embeddings")
    hint = preview_hint(model_id)
    return build_model(
        SPEC.id,
        model_id,
        item,
        features=feats,
        inferred=(R.STATUS,),
        model_name=to_text(item.get("displayName")),
        max_tokens=to_int(item.get("inputTokenLimit")),
        max_output_tokens=to_int(item.get("outputTokenLimit")),
        status_hint=hint,
    )


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    async def page(cursor: str | None) -> tuple[list[Any], str | None]:
        params: dict[str, Any] = {"pageSize": PAGE_SIZE}
        if cursor:
            params["pageToken"] = cursor
        body = await ctx.http.get_json(ctx.url("/models"), params=params)
        if isinstance(body, list) and len(body) == 1:
            body = body[0]  # some proxies wrap the body in a one-element array
        items = expect_list(ctx, body, "models")
        token = body.get("nextPageToken")
        if token is not None and not isinstance(token, str):
            raise ctx.malformed("nextPageToken is not a string")
        return items, token or None

    return parse_items(ctx, await paginate(ctx, page), parse_model)


async def retrieve(ctx: Context, model_id: str) -> None:
    await ctx.http.get_json(ctx.url(f"/models/{quote(model_id, safe='')}"))


def probe_request(ctx: Context, model_id: str) -> tuple[str, dict[str, Any]]:
    return ctx.url(f"/models/{quote(model_id, safe='')}:generateContent"), {
        "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
        "generationConfig": {"maxOutputTokens": 1},
    }
