"""The in-memory tier: Streamlit's caches around the resolver's reads, and their invalidation.

Records, history, runs and small answers are the in-memory tier (``st.cache_data``, keyed by the
registry's version marker); what pages derive from them is kept by :func:`memo`.

Every read is keyed with the settings fingerprint and the registry version marker, so another
replica's write shows up at the next version check. "Discover now" and edits clear exactly the
entries they change (:func:`invalidate`). Entries live an hour at most and are bounded in number.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import streamlit as st

from pages._ui.startup import _SERVICES, Boot, window_days_for
from registry_core.config import cache_ttl_or_default
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.filters import RegistryFilter
from registry_core.frames import browse_frame, counts
from registry_core.lifecycle import verified_providers
from registry_core.records import ModelRecord
from registry_core.stores.base import StoreHealth

CACHE_TTL_S = cache_ttl_or_default(os.environ)  # REGISTRY_CACHE_TTL, like the resolver's cache
CACHE_MAX_ENTRIES = 64
#: How long the Status page's checks of the snapshot file are kept (it is read from disk).
CHECK_TTL_S = 30.0

T = TypeVar("T")


@dataclass(frozen=True)
class RegistryView:
    """One resolved read of the registry, as cached: records plus where and when they came from."""

    records: tuple[ModelRecord, ...]
    tier: str
    as_of: datetime | None  # when the data was verified (None: never, e.g. seeded rows)
    warnings: tuple[str, ...]
    version: str
    store: str

    def age_s(self, now: datetime | None = None) -> float | None:
        return _age_since(self.as_of, now)


def _age_since(as_of: datetime | None, now: datetime | None = None) -> float | None:
    if as_of is None:
        return None
    return max(0.0, ((now or datetime.now(UTC)) - as_of).total_seconds())


def version(b: Boot) -> str:
    """The registry version marker; ``"unavailable"`` when the store cannot say."""
    if b.service is None:
        return "unavailable"
    try:
        return str(b.service.version())
    except Exception:
        return "unavailable"


# The in-memory tier of the dashboard (st.cache_data, as the design asks): each rerun gets its own
# copy; what pages derive from it is built once per version by :func:`memo`.
@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _load_view(fingerprint: str, version: str, provider_id: str | None) -> RegistryView:
    service = _SERVICES[fingerprint]
    res = service.list_models(provider_id)
    fetched = getattr(res, "fetched_at", None) or datetime.now(UTC)
    fetched = fetched if fetched.tzinfo else fetched.replace(tzinfo=UTC)
    age = getattr(res, "age_s", None)
    return RegistryView(
        records=tuple(res.records),
        tier=str(res.tier),
        as_of=None if age is None else fetched - timedelta(seconds=float(age)),
        warnings=tuple(str(w) for w in res.warnings),
        version=version,
        store=str(getattr(service.store, "name", "registry")),
    )


def load_view(b: Boot, provider_id: str | None = None) -> RegistryView:
    """All records (or one provider's), from the in-memory tier when warm."""
    return _load_view(b.fingerprint, version(b), provider_id)


@dataclass(frozen=True)
class ViewSummary:
    """What the sidebar and the Browse caption need, without the records (cheap to unpickle)."""

    tier: str
    as_of: datetime | None
    warnings: tuple[str, ...]
    store: str
    total: int
    provider_ids: tuple[str, ...]

    def age_s(self, now: datetime | None = None) -> float | None:
        return _age_since(self.as_of, now)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _view_summary(fingerprint: str, version: str) -> ViewSummary:
    view = _load_view(fingerprint, version, None)
    return ViewSummary(
        tier=view.tier,
        as_of=view.as_of,
        warnings=view.warnings,
        store=view.store,
        total=len(view.records),
        provider_ids=tuple(sorted({r.provider_id for r in view.records})),
    )


def view_summary(b: Boot) -> ViewSummary:
    """Tier, age, warnings and counts of the whole registry (no records)."""
    return _view_summary(b.fingerprint, version(b))


def _filter_key(flt: RegistryFilter) -> str:
    return json.dumps(flt.to_query_params(), sort_keys=True)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _filter_count(fingerprint: str, version: str, filter_key: str) -> int:
    flt = RegistryFilter.from_query_params(json.loads(filter_key))
    return sum(1 for r in _load_view(fingerprint, version, None).records if flt.matches(r))


def filter_count(b: Boot, flt: RegistryFilter) -> int:
    """How many models the filter shows."""
    return _filter_count(b.fingerprint, version(b), _filter_key(flt))


@dataclass(frozen=True)
class BrowseTable:
    frame: pd.DataFrame
    arrow: pa.Table  # the same frame as a pyarrow Table: what st.dataframe would convert it to
    keys: tuple[tuple[str, str], ...]
    total: int
    deprecated: int
    retiring_soon: int
    unavailable: int
    providers: int
    verified: bool = False  # whether any listing has looked at any provider (else: catalog only)


# A render-only frame derived from the cached records: kept by reference (cache_resource) rather
# than unpickled on every rerun, which for 5,000 rows costs more than drawing the table. Nothing
# mutates it; it is keyed on the version marker and the filter like the resolver reads.
@st.cache_resource(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _browse_table(
    fingerprint: str, version: str, filter_key: str, today: date, page_path: str
) -> BrowseTable:
    flt = RegistryFilter.from_query_params(json.loads(filter_key))
    view = _load_view(fingerprint, version, None)
    shown = flt.apply(view.records)
    window = window_days_for(fingerprint)
    looked = verified_providers(view.records)  # the whole registry, not the filtered view
    c = counts(shown, today, window_days=window, verified=looked)
    frame = browse_frame(shown, today, page_path=page_path, window_days=window, verified=looked)
    return BrowseTable(
        frame=frame,
        arrow=pa.Table.from_pandas(frame, preserve_index=False),
        keys=tuple(r.key for r in shown),
        total=len(view.records),
        deprecated=c.deprecated,
        retiring_soon=c.retiring_soon,
        unavailable=c.unavailable,
        providers=c.providers,
        verified=bool(looked),
    )


def browse_table(b: Boot, flt: RegistryFilter, today: date) -> BrowseTable:
    """The Browse frame for a filter; the warm path is one cache hit."""
    return _browse_table(b.fingerprint, version(b), _filter_key(flt), today, "model")


@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _load_events(
    fingerprint: str, version: str, provider_id: str | None, model_id: str | None
) -> tuple[HistoryEvent, ...]:
    return tuple(_SERVICES[fingerprint].history(provider_id, model_id))


def load_events(
    b: Boot, provider_id: str | None = None, model_id: str | None = None
) -> list[HistoryEvent]:
    return list(_load_events(b.fingerprint, version(b), provider_id, model_id))


@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _load_runs(
    fingerprint: str, version: str, provider_id: str | None, limit: int
) -> tuple[DiscoveryRun, ...]:
    return tuple(_SERVICES[fingerprint].runs(provider_id, limit=limit))


def load_runs(b: Boot, provider_id: str | None = None, limit: int = 200) -> list[DiscoveryRun]:
    return list(_load_runs(b.fingerprint, version(b), provider_id, limit))


# Render-only values a page derives from the cached reads (frames, charts, CSV text), built once
# per registry version and whatever else the page keys them with (filter, day, widget values),
# and kept by reference like :func:`_browse_table`. Nothing mutates them. One table per
# (configuration, version) is looked up through Streamlit's cache (so ``st.cache_resource.clear``
# and the TTL drop it); the entries in it are a plain dict, as a Streamlit cache call per value
# cost a third of a millisecond in argument hashing alone.
MEMO_MAX_ENTRIES = 4 * CACHE_MAX_ENTRIES


class _MemoTable:
    def __init__(self) -> None:
        self._values: dict[tuple[str, Hashable], object] = {}
        self._lock = threading.Lock()

    def get(self, name: str, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if (name, key) in self._values:
                return self._values[(name, key)]  # type: ignore[return-value]
        value = build()  # outside the lock: a slow build never blocks other sessions
        with self._lock:
            self._values[(name, key)] = value
            while len(self._values) > MEMO_MAX_ENTRIES:  # the oldest first
                del self._values[next(iter(self._values))]
        return value


@st.cache_resource(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _memo(fingerprint: str, version: str) -> _MemoTable:
    return _MemoTable()


def memo(b: Boot, name: str, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, once per registry version, ``name`` and ``key``; later reruns reuse it.

    ``key`` must hold every input of ``build`` other than the registry's data (the filter as
    :func:`filter_key`, the day, the widget values); the registry version marker is added here,
    so a write anywhere rebuilds.
    """
    return _memo(b.fingerprint, version(b)).get(name, key, build)


def filter_key(flt: RegistryFilter) -> str:
    """The filter as a cache key (its query parameters, sorted)."""
    return _filter_key(flt)


def invalidate(
    b: Boot, old_version: str, providers: Sequence[str] = (), model: str | None = None
) -> None:
    """Forget exactly the cached reads a change to ``providers`` (or one model) touched.

    The version marker moves on with every write, so later reads miss anyway; clearing the old
    entries frees their memory, and runs (recorded even when nothing changed) are refreshed.
    """
    fp = b.fingerprint
    for version_ in {old_version, version(b)}:
        _load_view.clear(fp, version_, None)
        _load_runs.clear(fp, version_, None, 200)
        _load_events.clear(fp, version_, None, None)
        for provider in providers:
            _load_view.clear(fp, version_, provider)
            _load_runs.clear(fp, version_, provider, 200)
            _load_events.clear(fp, version_, provider, None)
            if model is not None:
                _load_events.clear(fp, version_, provider, model)
        _view_summary.clear(fp, version_)
    # the filtered reads are keyed by filter too: drop them all (cheap to rebuild from the view)
    _filter_count.clear()
    _browse_table.clear()
    _memo.clear()
    _snapshot_problem.clear()


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _load_health(fingerprint: str) -> StoreHealth:
    return _SERVICES[fingerprint].store_health()


def load_health(b: Boot) -> StoreHealth:
    """The store's :class:`StoreHealth`, checked at most once a minute."""
    return _load_health(b.fingerprint)


def recheck_health(b: Boot) -> None:
    """Forget the cached store check (the next :func:`load_health` asks the store)."""
    _load_health.clear(b.fingerprint)
    _snapshot_problem.clear()


@st.cache_data(ttl=CACHE_TTL_S, max_entries=8, show_spinner=False)
def _load_row_warnings(fingerprint: str, version: str) -> list[str]:
    return [str(w) for w in _SERVICES[fingerprint].row_warnings()]


def load_row_warnings(b: Boot) -> list[str]:
    """Cells of the registry that could not be read as typed (people edit it by hand)."""
    return _load_row_warnings(b.fingerprint, version(b))


@st.cache_data(ttl=CHECK_TTL_S, max_entries=8, show_spinner=False)
def _snapshot_problem(fingerprint: str, version: str) -> str | None:
    resolver = getattr(_SERVICES[fingerprint], "resolver", None)
    return resolver.snapshot.problem() if resolver is not None else None


def snapshot_problem(b: Boot) -> str | None:
    """Why the snapshot file cannot be used (see ``Snapshot.problem``), read at most every
    :data:`CHECK_TTL_S` seconds per registry version."""
    if b.service is None:
        return None
    return _snapshot_problem(b.fingerprint, version(b))


def find_record(view: RegistryView, provider_id: str, model_id: str) -> ModelRecord | None:
    for record in view.records:
        if record.provider_id == provider_id and record.model_id == model_id:
            return record
    return None
