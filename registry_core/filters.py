"""Registry filters: the URL is the state.

A :class:`RegistryFilter` is what a view of the registry shows: which providers, statuses and
features, a text search, availability and a sort order. It round-trips through query parameters
(so a filtered view can be shared as a link), applies to records as a pure function, and
describes itself in one human sentence:

>>> f = RegistryFilter.from_query_params(
...     {"provider": ["openai", "anthropic"], "feature": "vision", "sort": "cheapest"})
>>> f.describe(23)
'23 models from OpenAI and Anthropic with vision, cheapest first'

Query parameters (repeated keys or comma-separated values both work):

- ``provider``: provider ids (``openai``)
- ``status``: ``active`` / ``deprecated`` / ``beta`` / ``preview``
- ``feature``: ``chat`` / ``vision`` / ``embeddings`` / ``streaming`` (a model needs all of them)
- ``q``: words that must all appear in the provider, model id, name, alias or notes
- ``available``: ``true`` for models the last discovery saw
- ``sort``: a key of :data:`SORT_LABELS`
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from registry_core.provider_table import display_name
from registry_core.records import FEATURE_OPTIONS, STATUS_OPTIONS, ModelRecord

#: Query parameter names. Part of the shareable-URL contract: keep them stable.
PARAM_PROVIDER = "provider"
PARAM_STATUS = "status"
PARAM_FEATURE = "feature"
PARAM_SEARCH = "q"
PARAM_AVAILABLE = "available"
PARAM_SORT = "sort"
PARAM_USED_BY = "used_by"  # team or service names, comma-separated; any of them matches
FILTER_PARAMS: tuple[str, ...] = (
    PARAM_PROVIDER,
    PARAM_STATUS,
    PARAM_FEATURE,
    PARAM_SEARCH,
    PARAM_AVAILABLE,
    PARAM_SORT,
    PARAM_USED_BY,
)

DEFAULT_SORT = "provider"
#: Sort key -> how it reads at the end of the description ("" for the default order).
SORT_LABELS: dict[str, str] = {
    "provider": "",
    "cheapest": "cheapest first",
    "priciest": "most expensive first",
    "context": "largest context first",
    "newest": "newest first",
    "retiring": "retiring soonest first",
    "name": "by name",
}

MAX_SEARCH_LENGTH = 200
_TRUE = {"1", "true", "yes", "on", "y"}

QueryParams = Mapping[str, str | Sequence[str]]


def provider_label(provider_id: str) -> str:
    """A provider id as people write it.

    >>> provider_label("openai"), provider_label("acme")
    ('OpenAI', 'acme')
    """
    return display_name(provider_id)


def _values(params: QueryParams, key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            continue
        for part in item.split(","):
            norm = part.strip().lower()
            if norm and norm not in out:
                out.append(norm)
    return out


def _join(words: Sequence[str], last: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


@dataclass(frozen=True, slots=True)
class RegistryFilter:
    """One view of the registry. Empty tuples mean "any"."""

    providers: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    search: str = ""
    available_only: bool = False
    sort: str = DEFAULT_SORT
    used_by: tuple[str, ...] = ()

    @classmethod
    def from_query_params(cls, params: QueryParams) -> RegistryFilter:
        """Parse query parameters; unknown values are dropped, never raised on (URLs get edited).

        >>> RegistryFilter.from_query_params({"status": "Deprecated,bogus", "sort": "nope"})
        RegistryFilter(providers=(), statuses=('deprecated',), features=(), search='', available_only=False, sort='provider', used_by=())
        """
        statuses = [s for s in _values(params, PARAM_STATUS) if s in STATUS_OPTIONS]
        features = [f for f in _values(params, PARAM_FEATURE) if f in FEATURE_OPTIONS]
        providers = [p for p in _values(params, PARAM_PROVIDER) if len(p) <= 64]
        search_raw = params.get(PARAM_SEARCH)
        if search_raw is not None and not isinstance(search_raw, str):
            search_raw = " ".join(s for s in search_raw if isinstance(s, str))
        sort_values = _values(params, PARAM_SORT)
        sort = sort_values[-1] if sort_values and sort_values[-1] in SORT_LABELS else DEFAULT_SORT
        available = _values(params, PARAM_AVAILABLE)
        used_by = [n for n in _values(params, PARAM_USED_BY) if len(n) <= 100][:20]
        return cls(
            providers=tuple(providers),
            statuses=tuple(s for s in STATUS_OPTIONS if s in statuses),
            features=tuple(f for f in FEATURE_OPTIONS if f in features),
            search=" ".join((search_raw or "").split())[:MAX_SEARCH_LENGTH],
            available_only=bool(available) and available[-1] in _TRUE,
            sort=sort,
            used_by=tuple(used_by),
        )

    def to_query_params(self) -> dict[str, str | list[str]]:
        """The query parameters that reproduce this filter (defaults left out).

        >>> RegistryFilter(providers=("openai",), sort="cheapest").to_query_params()
        {'provider': ['openai'], 'sort': 'cheapest'}
        """
        out: dict[str, str | list[str]] = {}
        if self.providers:
            out[PARAM_PROVIDER] = list(self.providers)
        if self.statuses:
            out[PARAM_STATUS] = list(self.statuses)
        if self.features:
            out[PARAM_FEATURE] = list(self.features)
        if self.search:
            out[PARAM_SEARCH] = self.search
        if self.available_only:
            out[PARAM_AVAILABLE] = "true"
        if self.sort != DEFAULT_SORT:
            out[PARAM_SORT] = self.sort
        if self.used_by:
            out[PARAM_USED_BY] = list(self.used_by)
        return out

    @property
    def is_empty(self) -> bool:
        """Whether this filter shows everything (in any order)."""
        return not (
            self.providers
            or self.statuses
            or self.features
            or self.search
            or self.available_only
            or self.used_by
        )

    def matches(self, record: ModelRecord) -> bool:
        """Whether ``record`` is in this view."""
        if self.providers and record.provider_id not in self.providers:
            return False
        if self.statuses and (record.status or "") not in self.statuses:
            return False
        if self.features and not set(self.features) <= set(record.features):
            return False
        if self.available_only and not record.available:
            return False
        if self.used_by and not set(self.used_by) & {n.casefold() for n in record.used_by}:
            return False  # names compare without case (the URL's are lower-cased)
        if self.search:
            haystack = " ".join(
                v or ""
                for v in (
                    record.provider_id,
                    provider_label(record.provider_id),
                    record.model_id,
                    record.model_name,
                    record.alias_of,
                    record.notes,
                )
            ).lower()
            return all(word in haystack for word in self.search.lower().split())
        return True

    def apply(self, records: Iterable[ModelRecord]) -> list[ModelRecord]:
        """The records in this view, in its order.

        >>> recs = [ModelRecord("openai", "b", cost_per_1k=0.01), ModelRecord("openai", "a")]
        >>> [r.model_id for r in RegistryFilter(sort="cheapest").apply(recs)]
        ['b', 'a']
        """
        return sort_records([r for r in records if self.matches(r)], self.sort)

    def describe(self, count: int, *, label: Callable[[str], str] = provider_label) -> str:
        """One sentence saying what this view shows.

        >>> RegistryFilter(statuses=("deprecated",), search="gpt").describe(1)
        '1 deprecated model matching "gpt"'
        >>> RegistryFilter().describe(0)
        'No models'
        """
        head = "No" if count == 0 else f"{count:,}"
        adjectives: list[str] = []
        if self.available_only:
            adjectives.append("available")
        if self.statuses:
            adjectives.append(_join(list(self.statuses), "or"))
        noun = "model" if count == 1 else "models"
        text = " ".join([head, *adjectives, noun])
        if self.providers:
            text += " from " + _join([label(p) for p in self.providers])
        if self.features:
            text += " with " + _join(list(self.features))
        if self.search:
            text += f' matching "{self.search}"'
        if self.used_by:
            text += " used by " + _join(list(self.used_by), "or")
        if SORT_LABELS.get(self.sort):
            text += f", {SORT_LABELS[self.sort]}"
        return text


# --- ordering -------------------------------------------------------------------------------


def _missing_last(value: float | None, *, descending: bool = False) -> tuple[int, float]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (1, 0.0)
    return (0, -value if descending else value)


def _total_cost(record: ModelRecord) -> float | None:
    if record.cost_per_1k is None and record.output_cost_per_1k is None:
        return None
    return (record.cost_per_1k or 0.0) + (record.output_cost_per_1k or 0.0)


def _day_number(value: date | None) -> float | None:
    return None if value is None else float(value.toordinal())


def _default_key(record: ModelRecord) -> tuple[Any, ...]:
    sort_order = record.sort_order if record.sort_order is not None else math.inf
    return (record.provider_id, not record.recommended, sort_order, record.model_id)


def sort_records(records: Sequence[ModelRecord], sort: str) -> list[ModelRecord]:
    """Order records by a :data:`SORT_LABELS` key; missing values always go last.

    The default ``provider`` order is provider, recommended first, Sort Order, model id.
    Ties keep the default order, so a view never reshuffles between reruns.
    """
    base = sorted(records, key=_default_key)
    keys: dict[str, Callable[[ModelRecord], Any]] = {
        "cheapest": lambda r: _missing_last(_total_cost(r)),
        "priciest": lambda r: _missing_last(_total_cost(r), descending=True),
        "context": lambda r: _missing_last(
            None if r.max_tokens is None else float(r.max_tokens), descending=True
        ),
        "newest": lambda r: _missing_last(_day_number(r.release_date), descending=True),
        "retiring": lambda r: _missing_last(_day_number(r.retirement_date)),
        "name": lambda r: ((r.model_name or r.model_id).lower(), r.provider_id),
    }
    key = keys.get(sort)
    return base if key is None else sorted(base, key=key)
