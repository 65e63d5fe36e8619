"""How the registry's code values read to people: one labels table for every page and the CLI.

The registry stores short code values (``openai``, ``deprecated``, ``vision``, ``retiring``);
people choose from and read words. Every option list on the dashboard formats its options with
:func:`option_label`, so the words live here once (providers come from
:func:`registry_core.filters.provider_label`; the provider table of the domain issue can take
them over without touching the pages). Unknown values are shown as they are, never hidden.

>>> option_label("provider", "openai"), option_label("status", "beta")
('OpenAI', 'Beta')
>>> option_label("sort", "cheapest"), option_label("feature", "embeddings")
('Cheapest first', 'Embeddings')
>>> field_label("retirement_date"), field_labels(["notes", "sort_order"])
('Retirement Date', ['Notes', 'Sort Order'])
"""

from __future__ import annotations

from collections.abc import Iterable

from registry_core.filters import provider_label
from registry_core.records import FIELD_NAMES

#: Model status (the Status field, owned by people).
STATUS_LABELS: dict[str, str] = {
    "active": "Active",
    "deprecated": "Deprecated",
    "beta": "Beta",
    "preview": "Preview",
}

#: Model features (the Features field).
FEATURE_LABELS: dict[str, str] = {
    "chat": "Chat",
    "vision": "Vision",
    "embeddings": "Embeddings",
    "streaming": "Streaming",
}

#: Sort orders of :data:`registry_core.filters.SORT_LABELS`, as menu options.
SORT_OPTION_LABELS: dict[str, str] = {
    "provider": "By provider",
    "cheapest": "Cheapest first",
    "priciest": "Most expensive first",
    "context": "Largest context first",
    "newest": "Newest first",
    "retiring": "Retiring soonest first",
    "name": "By name",
}

#: Regions (the Regions field).
REGION_LABELS: dict[str, str] = {"us": "US", "eu": "EU", "global": "Global"}

#: Lifecycle states (badges, ``check``): what a person reads for each.
LIFECYCLE_LABELS: dict[str, str] = {
    "active": "Active",
    "ok": "Fine to use",
    "deprecated": "Deprecated",
    "retiring": "Retiring soon",
    "retiring soon": "Retiring soon",
    "retired": "Retired",
    "unavailable": "Unavailable",
    "unknown": "Not in the registry",
    "recommended": "Recommended",
}

_TABLES: dict[str, dict[str, str]] = {
    "status": STATUS_LABELS,
    "feature": FEATURE_LABELS,
    "sort": SORT_OPTION_LABELS,
    "region": REGION_LABELS,
    "lifecycle": LIFECYCLE_LABELS,
}

KINDS: tuple[str, ...] = ("provider", *_TABLES)


def option_label(kind: str, value: str | None) -> str:
    """``value`` of an option list of ``kind`` (one of :data:`KINDS`) as people read it.

    ``None`` and ``""`` read as ``"(none)"``; an unknown value is shown as it is.

    >>> option_label("status", None), option_label("status", "retired-ish")
    ('(none)', 'retired-ish')
    """
    if value is None or value == "":
        return "(none)"
    if kind == "provider":
        return provider_label(value)
    return _TABLES.get(kind, {}).get(value, value)


#: Where a field's value came from (a record's provenance and Source), in words.
ORIGIN_LABELS: dict[str, str] = {
    "provider": "provider",
    "api": "provider",
    "catalog": "catalog",
    "dataset": "lifecycle data",
    "lifecycle": "lifecycle data",
    "manual": "people",
    "key": "model id",
    "fallback": "catalog",
}


def origin_label(origin: str | None) -> str:
    """A provenance value in words; ``+`` joins read as a list, other text stays as it is.

    >>> origin_label("provider+catalog"), origin_label("key"), origin_label("inferred from x")
    ('provider, catalog', 'model id', 'inferred from x')
    """
    if not origin:
        return ""
    parts = [p.strip() for p in origin.split("+")]
    if not all(p in ORIGIN_LABELS for p in parts):
        return origin
    words = list(dict.fromkeys(ORIGIN_LABELS[p] for p in parts))
    return ", ".join(words)


def field_label(attr: str) -> str:
    """A record attribute (``"sort_order"``) as its column reads (``"Sort Order"``)."""
    return FIELD_NAMES.get(attr, attr.replace("_", " ").capitalize())


def field_labels(attrs: Iterable[str]) -> list[str]:
    """:func:`field_label` of each attribute, in the order given."""
    return [field_label(a) for a in attrs]
