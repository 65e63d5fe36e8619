"""Fill in what a provider's listing left out, from the reference catalog, and say where each
value came from.

Providers report unevenly: OpenAI's listing gives no price, limit or modality; Anthropic gives
limits but no price. :func:`enrich` fills only the empty fields of a
:class:`~registry_core.providers.base.DiscoveredModel` from its catalog match, and records in
``provenance`` (registry field name -> origin) where every filled value came from:

- ``provider``: the provider's listing reported it (never overwritten);
- ``catalog``: the catalog's entry for exactly this model;
- ``inferred``: the catalog's entry for the model's family (a dated snapshot matched to its
  undated entry, an alias to its newest snapshot).

Deprecation Date, Retirement Date, Successor Model and a deprecated Status the listing left out
come from the bundled lifecycle dataset (provenance ``dataset``; see
:mod:`registry_core.lifecycle_data` for the precedence).

Features are filled only when the provider reported none: a provider's feature list is taken as
its whole answer, not merged with the catalog's.

Which entry (issue 14): the provider's own pinning decides first (:mod:`registry_core.pins`:
Mistral ``name``/``root``, OpenAI ``ft:<base>:``, Azure ``model``, vLLM ``parent``/``root``,
alias rows), then the row's id, then the provider's alternate ids; an open-weight model served
by a host the catalog lacks (an OpenAI-compatible server, xAI's older models) takes its limits
from the same model at another catalog host (:meth:`Catalog.match_open_weight`), never a price.
Every value of a row comes from that one entry, checked: max output never above the context
(the catalog's value is dropped, not the provider's), Max Tokens is the total context (the input
limit goes to ``facts.input_limit``), a catalog $0 is dropped unless the model's name says free,
and non-chat kinds (:mod:`registry_core.kinds`) never get ``chat``. What the row inherited is
named in ``facts.inferred_from`` (shown on Model detail).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from registry_core import records as rf
from registry_core.catalog import (
    NO_COST_PROVIDERS,
    Catalog,
    CatalogEntry,
    CatalogMatch,
    build_record,
    load_catalog,
)
from registry_core.cells import is_empty
from registry_core.kinds import features_for_kind, kind_from_id, kind_of, stated_kind
from registry_core.lifecycle_data import LifecycleData, apply_to_discovered, load_lifecycle_data
from registry_core.pins import Pin, alternate_ids, pins_for
from registry_core.providers.base import DiscoveredModel, evolve

#: DiscoveredModel attribute -> registry field name, for every field a provider may report.
PROVIDER_FIELDS: dict[str, str] = {
    "model_name": rf.MODEL_NAME,
    "max_tokens": rf.MAX_TOKENS,
    "max_output_tokens": rf.MAX_OUTPUT_TOKENS,
    "features": rf.FEATURES,
    "release_date": rf.RELEASE_DATE,
    "deprecation_date": rf.DEPRECATION_DATE,
    "retirement_date": rf.RETIREMENT_DATE,
    "successor_model": rf.SUCCESSOR_MODEL,
    "alias_of": rf.ALIAS_OF,
    "cost_per_1k": rf.COST_PER_1K,
    "output_cost_per_1k": rf.OUTPUT_COST_PER_1K,
    "cache_read_cost_per_1k": rf.CACHE_READ_COST_PER_1K,
    "cache_write_cost_per_1k": rf.CACHE_WRITE_COST_PER_1K,
}

#: The fields the catalog may fill (attribute names on both DiscoveredModel and ModelRecord).
FILLABLE: tuple[str, ...] = (
    "model_name",
    "cost_per_1k",
    "output_cost_per_1k",
    "cache_read_cost_per_1k",
    "cache_write_cost_per_1k",
    "max_tokens",
    "max_output_tokens",
    "features",
    "release_date",
)
PRICE_ATTRS: tuple[str, ...] = (
    "cost_per_1k",
    "output_cost_per_1k",
    "cache_read_cost_per_1k",
    "cache_write_cost_per_1k",
)
#: What another host's entry for the same open-weight model may give: limits, never prices.
OPEN_WEIGHT_FILLABLE: tuple[str, ...] = ("max_tokens", "max_output_tokens", "features")
#: Our providers whose rows may take limits from the same open-weight model at another host.
OPEN_WEIGHT_PROVIDERS: frozenset[str] = frozenset(
    {"openai_compatible", "together", "groq", "openrouter", "xai", "deepseek"}
)
_FREE = re.compile(r"(^|[^a-z])free([^a-z]|$)", re.IGNORECASE)


def says_free(model_id: str, name: str | None) -> bool:
    """The model's id or name says it is free (OpenRouter's ``:free`` rows)."""
    return bool(_FREE.search(model_id) or (name and _FREE.search(name)))


@dataclasses.dataclass(frozen=True, slots=True)
class Found:
    """The one catalog entry a row stands for, and how it was reached."""

    match: CatalogMatch
    pin: Pin | None = None  # the provider's link that led there
    open_weight: bool = False  # the same open-weight model at another catalog host

    @property
    def inferred(self) -> bool:
        return self.match.inferred or self.open_weight or bool(self.pin and self.pin.inherited)


def _parameter_size(model: DiscoveredModel) -> str | None:
    details = model.raw.get("details") if isinstance(model.raw, Mapping) else None
    size = details.get("parameter_size") if isinstance(details, Mapping) else None
    return size if isinstance(size, str) else None


def _as_match(model: DiscoveredModel, entry: CatalogEntry) -> CatalogMatch:
    record = build_record(model.provider_id, model.model_id, entry, inferred=True)
    return CatalogMatch(entry.model_id, True, record, entry)


def find_entry(model: DiscoveredModel, catalog: Catalog | None = None) -> Found | None:
    """The catalog entry ``model`` stands for: the provider's pins first, then its id."""
    catalog = catalog or load_catalog()
    pid = model.provider_id
    # limits of another host's entry only for chat models (a transcription model's "context"
    # elsewhere is its decoder's 448 tokens, no fact about this row)
    open_weight = pid in OPEN_WEIGHT_PROVIDERS and kind_from_id(model.model_id) is None
    for pin in pins_for(model):
        match = catalog.match(pid, pin.model_id)
        if match is not None:
            return Found(match, pin)
        if open_weight:
            entry = catalog.match_open_weight(pin.model_id)
            if entry is not None:
                return Found(_as_match(model, entry), pin, open_weight=True)
    match = catalog.match(pid, model.model_id, parameter_size=_parameter_size(model))
    if match is not None:
        return Found(match)
    for other in alternate_ids(model):
        match = catalog.match(pid, other)
        if match is not None:
            return Found(dataclasses.replace(match, inferred=True), Pin(other, "alias"))
    if open_weight:
        for candidate in (model.model_id, *alternate_ids(model)):
            entry = catalog.match_open_weight(candidate)
            if entry is not None:
                return Found(_as_match(model, entry), open_weight=True)
    return None


def _total_context(entry: CatalogEntry, catalog: Catalog) -> tuple[int | None, int | None]:
    """(total context, input limit) of an entry: Max Tokens means the total everywhere.

    models.dev's Azure entries give the *input* limit as ``context`` (gpt-5.1: 272,000 where
    OpenAI's entry says context 400,000, input 272,000); the OpenAI entry settles it.
    """
    if entry.catalog_provider_id == "azure" and entry.max_tokens is not None:
        twin = catalog.entry("openai", entry.model_id)
        if (
            twin is not None
            and twin.input_limit == entry.max_tokens
            and twin.max_tokens is not None
            and twin.max_tokens > entry.max_tokens
        ):
            return twin.max_tokens, entry.max_tokens
    return entry.max_tokens, entry.input_limit


def _unit_prices(model: DiscoveredModel) -> dict[str, float]:
    """Prices per image, request, second … that a listing gives (USD per unit, not per token)."""
    raw = model.raw if isinstance(model.raw, Mapping) else {}
    pricing = raw.get("pricing") if model.provider_id == "openrouter" else None
    if not isinstance(pricing, Mapping):
        return {}
    out: dict[str, float] = {}
    for key in ("image", "request", "audio", "web_search", "input_audio_cache"):
        try:
            value = float(pricing.get(key))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if value > 0 and value < 1e6:
            out[key] = value
    return out


def enrich(
    model: DiscoveredModel,
    catalog: Catalog | None = None,
    *,
    match: CatalogMatch | None = None,
    lifecycle: LifecycleData | None = None,
) -> DiscoveredModel:
    """A copy of ``model`` with its empty fields filled from the catalog, and provenance.

    Pure: ``model`` is not changed, and nothing is read but the (cached) catalog. Pass
    ``match`` to reuse a :meth:`Catalog.match` result already at hand.

    >>> m = enrich(DiscoveredModel("openai", "gpt-4o", max_tokens=100_000))
    >>> m.max_tokens, m.cost_per_1k
    (100000, 0.0025)
    >>> m.provenance["Max Tokens"], m.provenance["Cost per 1K tokens"]
    ('provider', 'catalog')
    """
    catalog = catalog or load_catalog()
    data = lifecycle or load_lifecycle_data()
    if match is not None:
        return _enrich(model, catalog, match, data)
    # the same item of the same listing enriches the same against the same catalog and
    # dataset: refreshes reuse the last answer (a verification stamp passes through as is)
    key = (model.provider_id, model.model_id)
    known = _MEMO.get(key)
    if known is not None and known[1] is catalog and known[2] is data:
        before, answer = known[0], known[3]
        if answer.verification is before.verification and _same_but_verification(before, model):
            if model.verification is before.verification:
                return answer
            return evolve(answer, verification=model.verification)
    answer = _enrich(model, catalog, None, data)
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.clear()
    _MEMO[key] = (model, catalog, data, answer)
    return answer


#: how many listed items :func:`enrich` remembers (provider, model id -> last answer)
MEMO_SIZE = 100_000
_MEMO: dict[tuple[str, str], tuple[DiscoveredModel, Catalog, LifecycleData, DiscoveredModel]] = {}


def _same_but_verification(a: DiscoveredModel, b: DiscoveredModel) -> bool:
    if a is b:
        return True
    da, db = a.__dict__, b.__dict__
    return da.keys() == db.keys() and all(k == "verification" or da[k] == db[k] for k in da)


def _enrich(
    model: DiscoveredModel,
    catalog: Catalog,
    match: CatalogMatch | None,
    data: LifecycleData,
) -> DiscoveredModel:
    provenance = dict(model.provenance)
    for attr, name in PROVIDER_FIELDS.items():
        if not is_empty(getattr(model, attr)):
            provenance.setdefault(name, "provider")
    stated = {a for a in PROVIDER_FIELDS if provenance.get(PROVIDER_FIELDS[a]) == "provider"}

    found = Found(match) if match is not None else find_entry(model, catalog)
    facts: dict[str, Any] = dict(model.facts)
    changes: dict[str, Any] = {}
    entry = found.match.entry if found is not None else None
    if found is not None and entry is not None:
        origin = "inferred" if found.inferred else "catalog"
        source = found.match.record
        context, input_limit = _total_context(entry, catalog)
        values: dict[str, Any] = {a: getattr(source, a) for a in FILLABLE}
        values["max_tokens"] = context
        values["cache_read_cost_per_1k"] = entry.cache_read_per_1k
        values["cache_write_cost_per_1k"] = entry.cache_write_per_1k
        if model.provider_id in NO_COST_PROVIDERS:
            for attr in PRICE_ATTRS:
                values[attr] = None
        allowed = OPEN_WEIGHT_FILLABLE if found.open_weight else FILLABLE
        if found.pin is not None and found.pin.inherited:
            values["model_name"] = None  # a fine-tune is not its base: keep the id as its name
        for attr in allowed:
            value = values.get(attr)
            if not is_empty(getattr(model, attr)) or is_empty(value):
                continue
            changes[attr] = value
            provenance[rf.FIELD_NAMES[attr]] = origin
        if input_limit is not None and not found.open_weight:
            facts["input_limit"] = input_limit
        facts["catalog_entry"] = f"{entry.catalog_provider_id}/{entry.model_id}"
        if found.inferred:
            reason = (
                found.pin.reason
                if found.pin
                else ("same open-weight model at another host" if found.open_weight else "family")
            )
            facts["inferred_from"] = {
                "model": entry.model_id,
                "catalog": entry.catalog_provider_id,
                "reason": reason,
            }
        elif found.pin is not None:
            facts["pinned_to"] = {"model": found.pin.model_id, "reason": found.pin.reason}

    def current(attr: str) -> Any:
        return changes.get(attr, getattr(model, attr))

    def drop(attr: str, why: str) -> None:
        changes[attr] = None
        provenance.pop(rf.FIELD_NAMES[attr], None)
        facts.setdefault("dropped", {})[rf.FIELD_NAMES[attr]] = why

    # the kind: TTS, transcription, image, moderation ... are never chat
    kind = kind_of(
        model.model_id,
        stated=stated_kind(model.provider_id, model.raw if isinstance(model.raw, Mapping) else {}),
        inputs=entry.input_modalities if entry else (),
        outputs=entry.output_modalities if entry else (),
    )
    feats = current("features")
    if feats:
        kept = features_for_kind(kind, feats)
        if kept != tuple(feats):
            changes["features"] = kept
            if not kept:
                provenance.pop(rf.FEATURES, None)
    if kind != "chat":
        facts["kind"] = kind
    # no $0 the source did not state as free; an embedding has no output price at all
    for attr in PRICE_ATTRS:
        value = current(attr)
        if value is None:
            continue
        if kind == "embeddings" and attr == "output_cost_per_1k":
            drop(attr, "an embedding model has no output tokens")
        elif attr in stated:
            continue
        elif value == 0 and not says_free(model.model_id, current("model_name")):
            drop(attr, "the catalog lists $0, which no source states as free")
    units = _unit_prices(model)
    if units:
        facts["unit_prices"] = units
    # max output never above the context, unless the provider says so itself
    context, output = current("max_tokens"), current("max_output_tokens")
    if context is not None and output is not None and output > context:
        if "max_output_tokens" not in stated:
            drop("max_output_tokens", f"the catalog's {output} is above the context {context}")
        elif "max_tokens" not in stated:
            drop("max_tokens", f"the catalog's {context} is below the stated output {output}")

    changes = {k: v for k, v in changes.items() if getattr(model, k) != v}
    if not changes and provenance == model.provenance and facts == model.facts:
        enriched = model
    else:
        enriched = evolve(model, provenance=provenance, facts=facts, **changes)
    # lifecycle facts the listing left out, from the bundled dataset (lifecycle_data.py)
    return apply_to_discovered(enriched, data.lookup(model.provider_id, model.model_id))
