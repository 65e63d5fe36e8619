"""The bundled lifecycle dataset, and how its facts join a model's record with provenance.

``registry_core/data/lifecycle.json`` is built by ``scripts/build_lifecycle.py``
(``make lifecycle-data``) from LiteLLM's model map (its ``deprecation_date`` is the shutdown day,
so it is our Retirement Date) and models.dev's ``deprecated`` status. It ships in the package and
is read offline: nothing here imports litellm.

**Precedence** for Deprecation Date, Retirement Date, Successor Model and Status, highest first:

1. people's edits (provenance ``manual``): never overwritten;
2. the provider's own listing (``provider``);
3. this dataset (``dataset``);
4. the reference catalog (``catalog``), then guesses (``inferred``).

The record keeps the winner (with its provenance, as every field does). Every source's claims
are also kept in Metadata under ``lifecycle`` (``{"provider": {...}, "dataset": {..., "source_url",
"taken"}}``), so Model detail can show where sources disagree.

The loader checks every entry: a malformed one is skipped (and counted), never fatal.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib.resources
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from registry_core import records as rf
from registry_core.providers.base import DiscoveredModel
from registry_core.records import ModelRecord

log = logging.getLogger(__name__)

DATASET = "dataset"
#: The record fields the dataset may fill (column name -> attribute).
LIFECYCLE_FIELDS: dict[str, str] = {
    rf.DEPRECATION_DATE: "deprecation_date",
    rf.RETIREMENT_DATE: "retirement_date",
    rf.SUCCESSOR_MODEL: "successor_model",
}
#: Metadata key holding every source's lifecycle claims.
META_KEY = "lifecycle"


@dataclass(frozen=True, slots=True)
class LifecycleEntry:
    """What the dataset says about one model."""

    provider_id: str
    model_id: str
    retirement_date: date | None = None
    deprecation_date: date | None = None
    successor_model: str | None = None
    deprecated: bool = False
    source_url: str | None = None
    sources: tuple[str, ...] = ()
    taken: str | None = None

    def claims(self) -> dict[str, Any]:
        """The entry as Metadata keeps it (column names, ISO dates, the link and the date)."""
        out: dict[str, Any] = {}
        for name, attr in LIFECYCLE_FIELDS.items():
            value = getattr(self, attr)
            if value is not None:
                out[name] = value.isoformat() if isinstance(value, date) else value
        if self.deprecated:
            out[rf.STATUS] = "deprecated"
        out["source_url"] = self.source_url
        out["sources"] = list(self.sources)
        out["taken"] = self.taken
        return out


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("date is not text")
    return date.fromisoformat(value.strip())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("not text")
    return value.strip() or None


def parse_entry(raw: Any) -> LifecycleEntry:
    """One dataset entry, checked. Raises ``ValueError`` when it is unusable."""
    if not isinstance(raw, Mapping):
        raise ValueError("entry is not an object")
    provider = _text(raw.get("provider_id"))
    model = _text(raw.get("model_id"))
    if not provider or not model:
        raise ValueError("entry has no provider_id or model_id")
    url = _text(raw.get("source_url"))
    if url is not None and not url.startswith("https://"):
        url = None
    sources = raw.get("sources")
    return LifecycleEntry(
        provider_id=provider.lower(),
        model_id=model,
        retirement_date=_day(raw.get("retirement_date")),
        deprecation_date=_day(raw.get("deprecation_date")),
        successor_model=_text(raw.get("successor_model")),
        deprecated=raw.get("deprecated") is True,
        source_url=url,
        sources=tuple(s for s in sources if isinstance(s, str))
        if isinstance(sources, list)
        else (),
        taken=_text(raw.get("taken")),
    )


@dataclass(slots=True)
class LifecycleData:
    """The dataset, indexed by (provider, lower-case model id)."""

    entries: dict[tuple[str, str], LifecycleEntry] = field(default_factory=dict)
    taken: str | None = None
    sources: dict[str, Any] = field(default_factory=dict)
    skipped: int = 0

    @classmethod
    def from_raw(cls, raw: Any) -> LifecycleData:
        data = cls()
        if not isinstance(raw, Mapping):
            return data
        data.taken = raw.get("taken") if isinstance(raw.get("taken"), str) else None
        sources = raw.get("sources")
        data.sources = dict(sources) if isinstance(sources, Mapping) else {}
        items = raw.get("entries")
        for item in items if isinstance(items, list) else ():
            try:
                entry = parse_entry(item)
            except (ValueError, TypeError):
                data.skipped += 1
                continue
            data.entries.setdefault((entry.provider_id, entry.model_id.lower()), entry)
        return data

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, provider_id: str, model_id: str) -> LifecycleEntry | None:
        """The entry for a model id, exactly (case-insensitive), or after a ``models/`` prefix."""
        pid = provider_id.strip().lower()
        low = model_id.strip().lower()
        found = self.entries.get((pid, low))
        if found is None and low.startswith("models/"):
            found = self.entries.get((pid, low[len("models/") :]))
        return found

    def for_provider(self, provider_id: str) -> list[LifecycleEntry]:
        pid = provider_id.strip().lower()
        return [e for (p, _), e in self.entries.items() if p == pid]


_cached: LifecycleData | None = None
_lock = threading.Lock()
_live: tuple[tuple[int, int, int], LifecycleData] | None = None


def load_bundled_lifecycle_data() -> LifecycleData:
    """The bundled dataset, read once per process; empty (with a warning) when unreadable."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                try:
                    text = (
                        importlib.resources.files("registry_core")
                        .joinpath("data/lifecycle.json")
                        .read_text(encoding="utf-8")
                    )
                    _cached = LifecycleData.from_raw(json.loads(text))
                except (OSError, ValueError) as exc:
                    log.warning("lifecycle dataset unreadable (%s); using none", exc)
                    _cached = LifecycleData()
    return _cached


def load_lifecycle_data() -> LifecycleData:
    """The dataset in use: the live copy (``REGISTRY_LIFECYCLE_FEED_URL``, see
    :mod:`registry_core.feeds`) when present and valid, else the bundled one. The same object
    while the copy in use does not change."""
    global _live
    from registry_core import feeds

    live = feeds.live_copy(feeds.LIFECYCLE)
    if live is None:
        return load_bundled_lifecycle_data()
    with _lock:
        if _live is None or _live[0] != live.signature:
            _live = (live.signature, LifecycleData.from_raw(live.data))
        return _live[1]


# --- joining the dataset with records -----------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == ()


def apply_to_record(record: ModelRecord, entry: LifecycleEntry | None) -> ModelRecord:
    """A catalog (fallback) record with the dataset's dates, successor and deprecated Status
    filled where the record has none, each marked ``dataset``; the claims go to Metadata."""
    if entry is None:
        return record
    meta = copy.deepcopy(record.meta)
    provenance = dict(record.provenance)
    changes: dict[str, Any] = {}
    for name, attr in LIFECYCLE_FIELDS.items():
        value = getattr(entry, attr)
        if value is not None and _empty(getattr(record, attr)):
            changes[attr] = value
            provenance[name] = DATASET
    if entry.deprecated and record.status in (None, "active"):
        changes["status"] = "deprecated"
        provenance[rf.STATUS] = DATASET
    lifecycle = dict(meta.get(META_KEY) or {}) if isinstance(meta.get(META_KEY), dict) else {}
    lifecycle[DATASET] = entry.claims()
    meta[META_KEY] = lifecycle
    meta["provenance"] = provenance
    return record.replace(metadata=meta, **changes)


def record_from_entry(entry: LifecycleEntry) -> ModelRecord:
    """A fallback record for a model the dataset knows and the catalog does not."""
    base = ModelRecord(
        provider_id=entry.provider_id,
        model_id=entry.model_id,
        available=False,
        discovery_method="fallback",
        source=DATASET,
        metadata={"provenance": {}},
    )
    return apply_to_record(base, entry)


def provider_claims(model: DiscoveredModel) -> dict[str, Any]:
    """The lifecycle facts a provider's listing reported for a model (column names)."""
    out: dict[str, Any] = {}
    for name, attr in LIFECYCLE_FIELDS.items():
        value = getattr(model, attr)
        if value is not None and model.provenance.get(name, "provider") == "provider":
            out[name] = value.isoformat() if isinstance(value, date) else value
    if model.status_hint == "deprecated" and model.provenance.get(rf.STATUS) == "provider":
        out[rf.STATUS] = "deprecated"
    return out


def apply_to_discovered(model: DiscoveredModel, entry: LifecycleEntry | None) -> DiscoveredModel:
    """A discovered model with the dataset's lifecycle facts filled where the listing gave none
    (the provider's value wins), marked ``dataset``, and every source's claims in ``lifecycle``."""
    claims: dict[str, Any] = {k: dict(v) for k, v in model.lifecycle.items() if isinstance(v, dict)}
    reported = provider_claims(model)
    if reported:
        claims["provider"] = {**claims.get("provider", {}), **reported}
    if entry is None:
        return dataclasses.replace(model, lifecycle=claims) if claims else model
    claims[DATASET] = entry.claims()
    provenance = dict(model.provenance)
    changes: dict[str, Any] = {}
    for name, attr in LIFECYCLE_FIELDS.items():
        value = getattr(entry, attr)
        if value is not None and _empty(getattr(model, attr)):
            changes[attr] = value
            provenance[name] = DATASET
    guessed = model.status_hint is None or provenance.get(rf.STATUS) == "inferred"
    if entry.deprecated and guessed:
        changes["status_hint"] = "deprecated"
        provenance[rf.STATUS] = DATASET
    return dataclasses.replace(model, provenance=provenance, lifecycle=claims, **changes)
