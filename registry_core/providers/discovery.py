"""Discovery: list one provider's models (or many at once), validate them, enrich them.

Validation (``validate=``):

- ``"none"``: the listing itself is the check — a successful listing proves the key, and
  every listed model gets ``{"outcome": "ok", "method": "list"}``.
- ``"retrieve"``: a free per-model call where the provider has one (OpenAI, Anthropic and
  Gemini ``GET …/models/{id}``; OpenRouter checks the key once with ``/models/user``).
  Other providers keep ``method: "list"``. Runs with bounded concurrency.
- ``"probe"``: **costs money.** A live 1-token chat request to every chat model (about ten
  input tokens and one output token each: at 2026 list prices well under $0.0001 per model,
  roughly $0.01 for a 100-model provider; free on local servers). Non-chat models are
  ``skipped``, as is Azure (requests need deployment names, which the listing does not
  give). Off by default, at most ``HTTPPolicy.probe_concurrency`` requests at a time.

Each model gets ``verification = {"outcome": "ok"|"failed"|"skipped", "method":
"list"|"retrieve"|"probe", "at": ISO time}`` plus ``"error"`` / ``"detail"`` when not ok.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any, TypeVar

import httpx

from registry_core import records as R
from registry_core.cells import format_datetime
from registry_core.errors import ConfigError, RegistryError, UnavailableError
from registry_core.flight import run_sync
from registry_core.http import HTTPPolicy, make_client, redact, scrub
from registry_core.ids import checked_id
from registry_core.providers._common import Context, key_env_name, make_context
from registry_core.providers._registry import ProviderModule, module_for
from registry_core.providers.base import (
    Credential,
    DiscoveredModel,
    Listing,
    ProgressCallback,
    ProgressEvent,
    evolve,
)
from registry_core.records import utcnow

log = logging.getLogger("registry_core.providers")

VALIDATE_MODES: tuple[str, ...] = ("none", "retrieve", "probe")
T = TypeVar("T")


@asynccontextmanager
async def _client_scope(client: httpx.AsyncClient | None) -> AsyncIterator[httpx.AsyncClient]:
    if client is not None:
        yield client
        return
    async with make_client() as own:
        yield own


class _Progress:
    def __init__(self, callback: ProgressCallback | None, provider_id: str) -> None:
        self.callback = callback
        self.provider_id = provider_id
        self.pages = 0
        self.models = 0

    def __call__(self, stage: str, message: str | None = None) -> None:
        if self.callback is None:
            return
        event = ProgressEvent(
            self.provider_id, stage, self.pages, self.models, message, at=utcnow()
        )
        try:
            self.callback(event)
        except Exception:  # a broken progress display must not break discovery
            log.exception("progress callback failed for %s", self.provider_id)

    def page(self, pages: int, models: int) -> None:
        self.pages, self.models = pages, models
        self("page")


def _verification(outcome: str, method: str, **more: str) -> dict[str, Any]:
    return {"outcome": outcome, "method": method, "at": format_datetime(utcnow()), **more}


def without_credential(
    models: list[DiscoveredModel], credential: Credential, ctx: Context
) -> list[DiscoveredModel]:
    """Provider data with the credential taken out: the one place it enters the registry.

    A provider that echoes the key back (in an id, a name, a description, anywhere in the item)
    must not get it stored or shown. The key, in any letter case, is replaced (:func:`scrub`)
    in every field an adapter filled from the provider: name, status hint, successor, alias,
    features, provenance and the raw item (keys included). An *id* holding the key cannot be
    redacted without inventing another model, so that item is refused: counted in
    ``ctx.skipped`` with a warning that does not repeat the key.
    """
    secrets = [credential.secret]
    if not _may_hold(models, credential.secret):
        return models  # the key is nowhere in the listing: nothing to scrub or refuse
    kept: list[DiscoveredModel] = []
    for index, model in enumerate(models):
        if scrub(model.model_id, secrets) != model.model_id:
            reason = f"item {index}: its id contains the credential's key; refused"
            ctx.skipped.append(reason)
            log.warning("%s: skipped %s", credential.label, reason)
            continue
        fields = scrub(
            [model.model_name, model.status_hint, model.successor_model, model.alias_of],
            secrets,
        )
        kept.append(
            evolve(
                model,
                model_name=fields[0],
                status_hint=fields[1],
                successor_model=fields[2],
                alias_of=fields[3],
                features=tuple(scrub(list(model.features), secrets)),
                raw=scrub(model.raw, secrets),
                provenance=scrub(model.provenance, secrets),
            )
        )
    return kept


def _may_hold(models: Sequence[DiscoveredModel], secret: str | None) -> bool:
    """Whether ``secret`` (in any letter case) may appear in a field :func:`without_credential`
    scrubs, in any of ``models``: one search over the listing's JSON text instead of a walk of
    every item. ``True`` whenever the text cannot settle it (the key holds a character JSON
    escapes, or a value is not JSON), so the full scrub then runs."""
    if not secret or len(secret) < 4:
        return False  # scrub() leaves the value as it is for such a key
    if any(ch in secret for ch in '"\\') or not secret.isprintable():
        return True
    try:
        text = json.dumps(
            [
                (
                    m.model_id,
                    m.model_name,
                    m.status_hint,
                    m.successor_model,
                    m.alias_of,
                    m.features,
                    m.raw,
                    m.provenance,
                )
                for m in models
            ],
            ensure_ascii=False,
        )
    except (TypeError, ValueError):
        return True
    return re.search(re.escape(secret), text, re.IGNORECASE) is not None


#: DiscoveredModel numeric attributes -> the registry field whose plausible range applies.
_NUMBERS: dict[str, str] = {
    "cost_per_1k": R.COST_PER_1K,
    "output_cost_per_1k": R.OUTPUT_COST_PER_1K,
    "max_tokens": R.MAX_TOKENS,
    "max_output_tokens": R.MAX_OUTPUT_TOKENS,
}
_ID_FIELDS: dict[str, str] = {"alias_of": R.ALIAS_OF, "successor_model": R.SUCCESSOR_MODEL}


def _at_the_door(model: DiscoveredModel) -> tuple[DiscoveredModel, list[str]]:
    """``model`` without impossible numbers or unusable linked ids, and a warning for each."""
    changes: dict[str, Any] = {}
    notes: list[str] = []
    for attr, column in _NUMBERS.items():
        value = getattr(model, attr)
        if value is None:
            continue
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        problem = R.implausible(column, number)
        if problem:
            changes[attr] = None
            notes.append(f"{model.model_id}: {problem}")
    for attr, column in _ID_FIELDS.items():
        value = getattr(model, attr)
        if value is None:
            continue
        linked, problem = checked_id(value)
        if problem:
            notes.append(f"{model.model_id}: {column} refused: the id {problem}; left empty")
        if linked != value:
            changes[attr] = linked
    if not changes:
        return model, notes
    dropped = {_NUMBERS.get(a) or _ID_FIELDS[a] for a, v in changes.items() if v is None}
    provenance = {k: v for k, v in model.provenance.items() if k not in dropped}
    return evolve(model, **changes, provenance=provenance), notes


def _finish(
    models: list[DiscoveredModel], credential: Credential, ctx: Context
) -> tuple[list[DiscoveredModel], dict[str, tuple[str, ...]]]:
    """Refuse unusable ids, drop duplicate ids and impossible values, distrust a ``created``
    shared by every row (the key is already out: :func:`without_credential`). Returns the models and what was left out (for
    :class:`Listing`)."""
    seen: set[str] = set()
    unique: list[DiscoveredModel] = []
    refused = list(ctx.skipped)
    duplicates: list[str] = []
    warnings = list(ctx.warnings)
    for m in models:
        model_id, problem = checked_id(m.model_id)  # adapters' alias rows come here unchecked
        if model_id is None:
            refused.append(f"{m.model_id[:80]!r}: refused: the model id {problem}")
            continue
        if model_id in seen:
            log.warning("%s: %s listed twice; kept the first", credential.label, model_id)
            if model_id not in duplicates:
                duplicates.append(model_id)
            continue
        seen.add(model_id)
        m, notes = _at_the_door(m if model_id == m.model_id else evolve(m, model_id=model_id))
        warnings.extend(notes)
        unique.append(m)
    for note in warnings[len(ctx.warnings) :]:
        log.warning("%s: %s", credential.label, note)
    listed = [m for m in unique if "listed_as_alias_of" not in m.raw]
    dates = {m.release_date for m in listed}
    if len(listed) >= 3 and len(dates) == 1 and None not in dates:
        # every row "created" at the same instant: a request or server-start time, not releases
        unique = [
            evolve(
                m,
                release_date=None,
                provenance={k: v for k, v in m.provenance.items() if k != R.RELEASE_DATE},
            )
            for m in unique
        ]
    report = {
        "refused": tuple(refused),
        "duplicates": tuple(duplicates),
        "warnings": tuple(warnings),
    }
    return unique, report


async def _bounded(limit: int, jobs: Sequence[Callable[[], Awaitable[T]]]) -> list[T]:
    gate = asyncio.Semaphore(max(1, limit))

    async def run(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(run(j) for j in jobs)))


def _failed(method: str, exc: RegistryError, secret: str | None) -> dict[str, Any]:
    return _verification(
        "failed", method, error=exc.error_class, detail=redact(str(exc), [secret])[:300]
    )


async def _validate(
    module: ProviderModule, ctx: Context, models: list[DiscoveredModel], mode: str
) -> list[DiscoveredModel]:
    secret = ctx.credential.secret
    policy = ctx.http.policy
    if mode == "retrieve":
        retrieve_all = getattr(module, "retrieve_all", None)
        retrieve = getattr(module, "retrieve", None)
        if retrieve_all is not None and secret:
            ids: set[str] = await retrieve_all(ctx)
            return [
                evolve(
                    m,
                    verification=_verification("ok", "retrieve")
                    if m.model_id in ids
                    else _verification(
                        "failed", "retrieve", error="not_found", detail="not available to this key"
                    ),
                )
                for m in models
            ]
        if retrieve is not None:

            def check(m: DiscoveredModel) -> Callable[[], Awaitable[DiscoveredModel]]:
                async def job() -> DiscoveredModel:
                    try:
                        await retrieve(ctx, m.model_id)
                    except RegistryError as exc:
                        return evolve(m, verification=_failed("retrieve", exc, secret))
                    return evolve(m, verification=_verification("ok", "retrieve"))

                return job

            return await _bounded(policy.concurrency, [check(m) for m in models])
    if mode == "probe":
        probe_request = getattr(module, "probe_request", None)

        def probe(m: DiscoveredModel) -> Callable[[], Awaitable[DiscoveredModel]]:
            async def job() -> DiscoveredModel:
                if probe_request is None:
                    return evolve(
                        m,
                        verification=_verification(
                            "skipped",
                            "probe",
                            detail="this provider cannot be probed from a listing",
                        ),
                    )
                if "chat" not in m.features:
                    return evolve(
                        m, verification=_verification("skipped", "probe", detail="not a chat model")
                    )
                url, payload = probe_request(ctx, m.model_id)
                try:
                    await ctx.http.post_json(url, payload)
                except RegistryError as exc:
                    return evolve(m, verification=_failed("probe", exc, secret))
                return evolve(m, verification=_verification("ok", "probe"))

            return job

        return await _bounded(policy.probe_concurrency, [probe(m) for m in models])
    listed = _verification("ok", "list")  # one stamp for the listing: each model its own copy
    return [evolve(m, verification=dict(listed)) for m in models]


def _enrich(models: list[DiscoveredModel]) -> list[DiscoveredModel]:
    """Fill what the provider did not report from the bundled catalog."""
    from registry_core import enrich as enrich_module
    from registry_core.catalog import load_catalog
    from registry_core.kinds import features_for_kind
    from registry_core.pins import digest_twins

    catalog = load_catalog()
    twins = digest_twins(models)
    out: list[DiscoveredModel] = []
    for model in models:
        if model.model_id in twins:
            model = evolve(model, facts={**model.facts, "same_digest_as": twins[model.model_id]})
        guessed = bool(model.features) and model.provenance.get(R.FEATURES) == "inferred"
        if guessed:
            # features guessed from the id only: let the catalog's answer win, keep the guess
            # when the catalog has none (enrich fills features only when they are empty)
            feature_keys = {k for k in model.provenance if k.startswith(R.FEATURES)}
            bare = evolve(
                model,
                features=(),
                provenance={k: v for k, v in model.provenance.items() if k not in feature_keys},
            )
            filled = enrich_module.enrich(bare, catalog)
            if not filled.features:
                kept = {k: model.provenance[k] for k in feature_keys}
                # the id's guess, but never chat for a kind that is not (TTS, image, guard ...)
                guess = features_for_kind(filled.facts.get("kind", "chat"), model.features)
                if guess:
                    filled = evolve(
                        filled, features=guess, provenance={**filled.provenance, **kept}
                    )
            out.append(filled)
        else:
            out.append(enrich_module.enrich(model, catalog))
    return out


async def discover_provider(
    credential: Credential,
    *,
    client: httpx.AsyncClient | None = None,
    validate: str = "none",
    progress: ProgressCallback | None = None,
    enrich_from_catalog: bool = True,
    allow_http: bool = False,
    allowed_private_hosts: Sequence[str] = (),
    policy: HTTPPolicy | None = None,
    deadline_s: float | None = None,
) -> Listing:
    """Every model ``credential`` can see, normalised, validated and (by default) enriched.

    Raises a :class:`RegistryError` subclass (auth, quota, rate limit, unavailable, malformed,
    unsafe URL, config); never returns a partial list. The whole call (every page and every
    per-model request) must finish within ``deadline_s`` (default ``policy.deadline_s``), else
    it fails as unavailable. The :class:`Listing` returned also says which items were refused,
    which ids were listed twice and which values were dropped.

    >>> import asyncio
    >>> from registry_standins.fake_providers import FakeProviderServer
    >>> with FakeProviderServer() as fake:
    ...     cred = fake.credential("anthropic")
    ...     models = asyncio.run(discover_provider(cred, enrich_from_catalog=False))
    >>> models[0].provenance["Max Tokens"]
    'provider'
    """
    emit = _Progress(progress, credential.provider_id)
    try:
        if validate not in VALIDATE_MODES:
            raise ConfigError(
                f"validate={validate!r} is not one of {', '.join(VALIDATE_MODES)}",
                provider=credential.provider_id,
            )
        module = module_for(credential.provider_id)
        spec = module.SPEC
        emit("started")
        if spec.key_required and not credential.secret:
            raise ConfigError(
                f"{spec.display_name} needs an API key for {credential.label}",
                provider=spec.id,
                hint=f"set {key_env_name(spec, credential)}",
            )
        base_policy = policy or HTTPPolicy()
        policy = replace(
            base_policy,
            allow_http=allow_http or base_policy.allow_http,
            allowed_private_hosts=(*base_policy.allowed_private_hosts, *allowed_private_hosts),
        )
        deadline = _deadline(policy.deadline_s if deadline_s is None else deadline_s, spec.id)
        try:
            async with asyncio.timeout(deadline), _client_scope(client) as http_client:
                ctx = make_context(
                    spec,
                    module.headers(credential),
                    http_client,
                    credential,
                    policy=policy,
                    on_page=emit.page,
                )
                listed = without_credential(await module.fetch_models(ctx), credential, ctx)
                models, left_out = _finish(listed, credential, ctx)
                models = await _validate(module, ctx, models, validate)
        except TimeoutError:
            raise UnavailableError(
                f"{spec.display_name} did not finish the listing within {deadline:g}s "
                f"(after {emit.pages} page(s)); nothing was recorded",
                provider=spec.id,
                hint="try again later; the limit is REGISTRY_DISCOVERY_DEADLINE",
            ) from None
        if enrich_from_catalog:
            models = _enrich(models)
    except RegistryError as exc:
        exc.message = redact(exc.message, [credential.secret])
        exc.args = (exc.message,)
        if exc.hint:
            exc.hint = redact(exc.hint, [credential.secret])
        if exc.provider is None:
            exc.provider = credential.provider_id
        emit("failed", message=str(exc))
        raise
    except Exception as exc:
        emit("failed", message=f"internal error ({type(exc).__name__}); see the log")
        raise
    emit.models = len(models)
    skipped = len(left_out["refused"])
    emit("finished", message=f"skipped {skipped} item(s) without a usable id" if skipped else None)
    return Listing.of(models, **left_out)


def _deadline(value: float, provider_id: str) -> float:
    if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ConfigError(
            f"the discovery deadline must be a positive number of seconds, not {value!r}",
            provider=provider_id,
            hint="set REGISTRY_DISCOVERY_DEADLINE, e.g. 120s",
        )
    return float(value)


async def discover_many(
    credentials: Sequence[Credential],
    *,
    client: httpx.AsyncClient | None = None,
    **kwargs: Any,
) -> dict[str, list[DiscoveredModel] | RegistryError]:
    """Discover every credential concurrently through one client; results by label.

    A failed provider maps to its error; the others still report. A bug (not a
    :class:`RegistryError`) is logged and reported as a :class:`RegistryError` for that label.
    """
    async with _client_scope(client) as shared:
        results = await asyncio.gather(
            *(discover_provider(c, client=shared, **kwargs) for c in credentials),
            return_exceptions=True,
        )
    out: dict[str, list[DiscoveredModel] | RegistryError] = {}
    for cred, result in zip(credentials, results, strict=True):
        if isinstance(result, RegistryError):
            out[cred.label] = result
        elif isinstance(result, asyncio.CancelledError | KeyboardInterrupt | SystemExit):
            raise result
        elif isinstance(result, BaseException):
            log.error("discovery of %s failed unexpectedly", cred.label, exc_info=result)
            out[cred.label] = RegistryError(
                f"discovery of {cred.label} failed with an internal error "
                f"({type(result).__name__}); see the log",
                provider=cred.provider_id,
            )
        else:
            out[cred.label] = result
    return out


def discover_sync(credential: Credential, **kwargs: Any) -> list[DiscoveredModel]:
    """:func:`discover_provider` for synchronous code (any thread)."""
    return run_sync(discover_provider(credential, **kwargs))


def discover_many_sync(
    credentials: Sequence[Credential], **kwargs: Any
) -> dict[str, list[DiscoveredModel] | RegistryError]:
    """:func:`discover_many` for synchronous code (any thread)."""
    return run_sync(discover_many(credentials, **kwargs))
