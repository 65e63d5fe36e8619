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
"""

from __future__ import annotations

import dataclasses
from typing import Any

from registry_core import records as rf
from registry_core.catalog import Catalog, CatalogMatch, load_catalog
from registry_core.cells import is_empty
from registry_core.lifecycle_data import LifecycleData, apply_to_discovered, load_lifecycle_data
from registry_core.providers.base import DiscoveredModel

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
}

#: The fields the catalog may fill (attribute names on both DiscoveredModel and ModelRecord).
FILLABLE: tuple[str, ...] = (
    "model_name",
    "cost_per_1k",
    "output_cost_per_1k",
    "max_tokens",
    "max_output_tokens",
    "features",
    "release_date",
)


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
    provenance = dict(model.provenance)
    for attr, name in PROVIDER_FIELDS.items():
        if not is_empty(getattr(model, attr)):
            provenance.setdefault(name, "provider")

    if match is None:
        match = (catalog or load_catalog()).match(model.provider_id, model.model_id)
    changes: dict[str, Any] = {}
    if match is not None:
        origin = "inferred" if match.inferred else "catalog"
        source = match.record
        for attr in FILLABLE:
            if not is_empty(getattr(model, attr)):
                continue
            value = getattr(source, attr)
            if is_empty(value):
                continue
            changes[attr] = value
            provenance[rf.FIELD_NAMES[attr]] = origin

    enriched = (
        model
        if not changes and provenance == model.provenance
        else dataclasses.replace(model, provenance=provenance, **changes)
    )
    # lifecycle facts the listing left out, from the bundled dataset (lifecycle_data.py)
    data = lifecycle or load_lifecycle_data()
    return apply_to_discovered(enriched, data.lookup(model.provider_id, model.model_id))
