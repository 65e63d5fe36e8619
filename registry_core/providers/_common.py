"""Shared pieces of the provider adapters: the spec, the call context, and normalising helpers.

Normalising is pure: an adapter's ``parse_model(item)`` turns one provider item into a
:class:`DiscoveredModel` and is tested with tables of items. Only ``fetch_models`` does I/O.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from registry_core import records as R
from registry_core.cells import parse_iso
from registry_core.errors import MalformedResponseError
from registry_core.http import ProviderHTTP, join_url
from registry_core.ids import checked_id
from registry_core.provider_table import ProviderSpec
from registry_core.providers.base import Credential, DiscoveredModel

log = logging.getLogger("registry_core.providers")


class ItemError(ValueError):
    """One listed item cannot be used (no id); the rest of the listing still counts."""


@dataclass
class Context:
    """One discovery call: the HTTP seam, the credential, the base URL and page progress."""

    http: ProviderHTTP
    credential: Credential
    base_url: str
    on_page: Callable[[int, int], None] = field(default=lambda pages, models: None)
    skipped: list[str] = field(default_factory=list)  # items refused (no usable id)
    warnings: list[str] = field(default_factory=list)  # items kept, with something dropped

    @property
    def max_pages(self) -> int:
        return self.http.policy.max_pages

    @property
    def max_items(self) -> int:
        return self.http.policy.max_items

    def check_size(self, count: int) -> None:
        """Fail the listing once it holds more than ``max_items`` models."""
        if count > self.max_items:
            raise self.malformed(
                f"more than {self.max_items} models in one listing; stopped (the limit is "
                "HTTPPolicy.max_items)"
            )

    def url(self, path: str) -> str:
        return join_url(self.base_url, path)

    def malformed(self, what: str) -> MalformedResponseError:
        name = self.http.ctx.display_name
        return MalformedResponseError(
            f"{name} sent a model listing that is not what its API documents: {what}",
            provider=self.credential.provider_id,
            hint="nothing was recorded from this listing; check the base URL or try again later",
        )


# --- paging ----------------------------------------------------------------------------------

PageFetcher = Callable[[str | None], Awaitable[tuple[list[Any], str | None]]]


async def paginate(ctx: Context, fetch_page: PageFetcher) -> list[Any]:
    """All items over all pages; stops with a malformed error on a loop or too many pages."""
    items: list[Any] = []
    seen: set[str] = set()
    seen_pages: set[str] = set()
    cursor: str | None = None
    pages = 0
    while True:
        page, next_cursor = await fetch_page(cursor)
        pages += 1
        if next_cursor and (next_cursor in seen or next_cursor == cursor):
            raise ctx.malformed(f"page {pages} repeats an earlier cursor, so the listing loops")
        if page:
            # a server that ignores the cursor sends the same page again: not the rest
            fingerprint = _page_fingerprint(page)
            if fingerprint in seen_pages:
                raise ctx.malformed(f"page {pages} repeats an earlier page, so the listing loops")
            seen_pages.add(fingerprint)
        items.extend(page)
        ctx.check_size(len(items))
        ctx.on_page(pages, len(items))
        if not next_cursor:
            return items
        if pages >= ctx.max_pages:
            raise ctx.malformed(f"more than {ctx.max_pages} pages; stopped")
        seen.add(next_cursor)
        cursor = next_cursor


def _page_fingerprint(page: list[Any]) -> str:
    digest = hashlib.sha256()
    for item in page:
        digest.update(repr(item).encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def expect_list(ctx: Context, body: Any, key: str | None) -> list[Any]:
    """``body[key]`` (or ``body`` itself when ``key`` is None) as a list, else malformed.

    ``{"data": null}`` is malformed too: every documented shape sends ``[]`` for no models,
    and a null is what a failing server sends, not a complete empty listing.
    """
    value = body if key is None else (body.get(key) if isinstance(body, Mapping) else None)
    if not isinstance(value, list):
        if key is not None and isinstance(body, Mapping) and key in body and value is None:
            shape = f"'{key}' is null"
        else:
            shape = type(body).__name__ if key is None else f"no '{key}' list"
        raise ctx.malformed(f"expected a list of models, got {shape}")
    ctx.check_size(len(value))
    return value


# --- value parsing (pure) --------------------------------------------------------------------

_EPOCH = date(1970, 1, 1)


def to_int(value: Any) -> int | None:
    """A positive whole number from an int, float or numeric string; else None."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or number <= 0:
        return None
    return int(number)


def to_text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def date_from_unix(value: Any, *, allow_future: bool = False) -> date | None:
    """A date from unix seconds (or milliseconds); None for epoch zero or a future 'created'."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    seconds = float(value) / 1000.0 if value > 1e11 else float(value)
    try:
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if not allow_future and moment > datetime.now(UTC) + timedelta(days=1):
        return None
    return moment.date()


def date_from_text(value: Any, *, allow_future: bool = True) -> date | None:
    """A date from ``YYYY-MM-DD`` or RFC 3339; None for epoch zero or garbage."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return date_from_unix(value, allow_future=allow_future)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            parsed = date.fromisoformat(text)
        else:
            moment = parse_iso(text)
            if moment is None:
                raise ValueError(text)
            parsed = moment.date()
    except ValueError:
        match = re.match(r"(\d{4}-\d{2}-\d{2})", text)
        if not match:
            return None
        try:
            parsed = date.fromisoformat(match.group(1))
        except ValueError:
            return None
    if parsed <= _EPOCH:
        return None
    if not allow_future and parsed > datetime.now(UTC).date() + timedelta(days=1):
        return None
    return parsed


def per_1k(value: Any, per_tokens: int) -> float | None:
    """USD per 1,000 tokens from a price per ``per_tokens`` tokens (string or number).

    Negative prices (OpenRouter's ``"-1"`` for "varies") and garbage give None.

    >>> per_1k("0.000003", 1)
    0.003
    >>> per_1k(2.5, 1_000_000)
    0.0025
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    return float(number * 1000 / per_tokens)


# --- features --------------------------------------------------------------------------------

_EMBED_ID = re.compile(r"embed|(^|[/_-])(bge|gte|e5)([-_]|$)|minilm", re.IGNORECASE)
_NOT_CHAT_ID = re.compile(
    r"whisper|tts|transcri|dall-e|image|sora|moderation|rerank|guard-?\d*-?prompt|"
    r"^babbage|^davinci|realtime|audio-only|speech|ocr",
    re.IGNORECASE,
)


def id_looks_like_embeddings(model_id: str) -> bool:
    return bool(_EMBED_ID.search(model_id))


def id_looks_like_chat(model_id: str) -> bool:
    return not id_looks_like_embeddings(model_id) and not _NOT_CHAT_ID.search(model_id)


def preview_hint(model_id: Any) -> str | None:
    """``"preview"`` for preview and experimental ids, else ``None`` (also for a missing id)."""
    if not isinstance(model_id, str):
        return None
    low = model_id.lower()
    if "preview" in low or re.search(r"(^|[-_.])exp($|[-_.\d])|experimental", low):
        return "preview"
    return None


@dataclass
class Features:
    """Features with where each came from (provider data or an id/family heuristic)."""

    provider: set[str] = field(default_factory=set)
    inferred: set[str] = field(default_factory=set)

    def add(self, feature: str, *, inferred: bool = False) -> None:
        (self.inferred if inferred else self.provider).add(feature)

    def all(self) -> set[str]:
        return self.provider | self.inferred

    def guess_from_id(self, model_id: Any) -> None:
        """Embeddings or chat guessed from the id (marked inferred), for listings that say neither."""
        if not isinstance(model_id, str):
            return
        if id_looks_like_embeddings(model_id):
            self.add("embeddings", inferred=True)
        elif id_looks_like_chat(model_id):
            self.add("chat", inferred=True)


# --- building the discovered model -----------------------------------------------------------


def build_model(
    provider_id: str,
    model_id: Any,
    raw: Mapping[str, Any],
    *,
    features: Features | None = None,
    inferred: Iterable[str] = (),
    **values: Any,
) -> DiscoveredModel:
    """A :class:`DiscoveredModel` whose every filled value is marked with its provenance.

    ``values`` are DiscoveredModel fields; each filled one is marked ``provider`` unless its
    registry field name is in ``inferred``. Streaming is added to chat models (no provider
    reports it; every chat API here streams).
    """
    if not isinstance(model_id, str) or not model_id.strip():
        raise ItemError("item has no model id")
    model_id, problem = checked_id(model_id)
    if model_id is None:
        raise ItemError(f"refused: the model id {problem}")
    feats = features or Features()
    if "chat" in feats.all():
        feats.add("streaming", inferred=True)
    provenance: dict[str, str] = {}
    inferred_fields = set(inferred)
    for attr, value in values.items():
        if value is not None and attr in R.FIELD_NAMES:
            column = R.FIELD_NAMES[attr]
            provenance[column] = "inferred" if column in inferred_fields else "provider"
    if values.get("status_hint") is not None:
        provenance[R.STATUS] = "inferred" if R.STATUS in inferred_fields else "provider"
    ordered = tuple(f for f in R.FEATURE_OPTIONS if f in feats.all())
    if ordered:
        provenance[R.FEATURES] = "provider" if feats.provider else "inferred"
        for feature in sorted(feats.inferred - feats.provider):
            provenance[f"{R.FEATURES}:{feature}"] = "inferred"
    return DiscoveredModel(
        provider_id=provider_id,
        model_id=model_id,
        features=ordered,
        raw=dict(raw),
        provenance=provenance,
        **values,
    )


def parse_items(
    ctx: Context, items: list[Any], parse: Callable[[Mapping[str, Any]], DiscoveredModel]
) -> list[DiscoveredModel]:
    """Parse every item; an item without an id (or not an object) is skipped with a warning."""
    models: list[DiscoveredModel] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            ctx.skipped.append(f"item {index} is not an object")
            continue
        try:
            models.append(parse(item))
        except ItemError as exc:
            ctx.skipped.append(f"item {index}: {exc}")
    for reason in ctx.skipped:
        log.warning("%s: skipped %s", ctx.credential.label, reason)
    return models


def flag(mapping: Any, *path: str) -> bool:
    """``mapping[path...]`` as a bool, accepting ``{"supported": bool}`` leaves."""
    node = mapping
    for key in path:
        if not isinstance(node, Mapping):
            return False
        node = node.get(key)
    if isinstance(node, Mapping):
        node = node.get("supported")
    return node is True


def strings(value: Any) -> list[str]:
    """The string members of a list (unknown entries ignored)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# --- context construction --------------------------------------------------------------------


def bearer(credential: Credential) -> dict[str, str]:
    return {"Authorization": f"Bearer {credential.secret}"} if credential.secret else {}


def key_env_name(spec: ProviderSpec, credential: Credential) -> str | None:
    """Where the user set this credential's key, for "check X" hints."""
    if credential.name != "default":
        return f"REGISTRY_CREDENTIAL__{spec.id.upper()}__{credential.name.upper()}"
    return spec.key_env[0] if spec.key_env else None


def make_context(
    spec: ProviderSpec,
    headers: Mapping[str, str],
    client: Any,
    credential: Credential,
    base_url: str | None = None,
    *,
    policy: Any = None,
    on_page: Callable[[int, int], None] | None = None,
) -> Context:
    """The context an adapter's ``fetch_models`` runs in; checks the base URL first."""
    from registry_core.errors import ConfigError
    from registry_core.http import ErrorContext, HTTPPolicy

    policy = policy or HTTPPolicy()
    base = base_url or credential.base_url or spec.default_base_url
    if not base:
        envs = " or ".join(spec.base_url_env) or "a base URL"
        raise ConfigError(
            f"{spec.display_name} needs a base URL for {credential.label}",
            provider=spec.id,
            hint=f"set {envs}",
        )
    http = ProviderHTTP(
        client,
        ErrorContext(
            provider_id=spec.id,
            display_name=spec.display_name,
            label=credential.label,
            key_env=key_env_name(spec, credential),
            secrets=tuple(s for s in (credential.secret,) if s),
        ),
        headers=headers,
        policy=policy,
    )
    http.check(base)
    ctx = Context(http=http, credential=credential, base_url=base.rstrip("/"))
    if on_page is not None:
        ctx.on_page = on_page
    return ctx


def sub(item: Any, key: str) -> Mapping[str, Any]:
    """``item[key]`` when it is an object, else an empty mapping (null / missing / wrong type)."""
    value = item.get(key) if isinstance(item, Mapping) else None
    return value if isinstance(value, Mapping) else {}
