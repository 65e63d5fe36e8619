"""First-run seeding: an empty registry gets the reference catalog's models as ``fallback`` rows.

A new install then shows models, prices and limits before any key is configured. Seeded rows
say what they are — Discovery Method ``fallback``, Available unchecked, Source ``catalog`` —
and the first real discovery replaces them with what the provider lists.

Seeding is idempotent and safe when two processes start at once:

- a store holding any model (or any row at all, even unparseable) is left alone;
- just before writing a provider's rows the store is read again and keys already present are
  skipped, so a discovery that finished in between is not overwritten;
- events are keyed ``make_event_key(provider, model, "seeded")`` and runs get an id derived
  from the provider and the catalog version, so a second seeding writes no duplicate.

What remains: a discovery writing a key in the instant between that re-read and the write of
the same key can be overwritten by the seed row; its next run restores it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from registry_core.catalog import Catalog, load_catalog
from registry_core.events import DiscoveryRun, HistoryEvent, make_event_key
from registry_core.records import ModelRecord, utcnow
from registry_core.stores.base import RegistryStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SeedProgress:
    """Where a seeding stands, for a progress display: ``done`` of ``total`` rows written."""

    provider_id: str  # the provider being written (its rows are counted in ``done`` when done)
    done: int  # rows written so far, every provider
    total: int  # rows to write in all (the catalog's rows for the providers asked)
    stage: str  # "started", "provider" (one provider's rows written) or "finished"


#: Called after each step of :func:`seed_if_empty`; an exception in it is logged, not raised.
SeedProgressCallback = Callable[[SeedProgress], None]


@dataclass(slots=True)
class SeedResult:
    """What :func:`seed_if_empty` wrote. ``skipped`` says why nothing was, when nothing was."""

    rows: int = 0
    events: int = 0
    runs: int = 0
    providers: list[str] = field(default_factory=list)  # providers that got rows
    missing_providers: list[str] = field(default_factory=list)  # not in the catalog
    skipped: str | None = None

    @property
    def seeded(self) -> bool:
        return self.rows > 0


def seed_run_id(provider_id: str, catalog_version: str) -> str:
    """The run id of a provider's seeding: the same for every process seeding the same catalog."""
    return "seed-" + make_event_key(provider_id, "", "seed-run", catalog_version)[:20]


def _store_is_empty(store: RegistryStore, provider_id: str | None = None) -> bool:
    # a store that can say so in one probe (SQLite, PostgreSQL) is not read in full: every
    # command and page start asks this, and a full read of 20,000 rows takes a second
    has_rows = getattr(store, "has_rows", None)
    if provider_id is None and callable(has_rows):
        return not has_rows()
    loaded = store.list_models(provider_id)
    # rows the parser rejected still count: a person put them there
    return not loaded.records and not loaded.warnings


def seed_if_empty(
    store: RegistryStore,
    providers: Sequence[str],
    catalog: Catalog | None = None,
    now: datetime | None = None,
    progress: SeedProgressCallback | None = None,
) -> SeedResult:
    """Seed ``store`` from the catalog for ``providers`` if it has no models at all.

    Writes the catalog records, one ``seeded`` history event per model, one ``seed``
    discovery run per provider, then moves the store's version marker on.

    >>> from registry_core.stores.sqlite import SQLiteStore
    >>> import tempfile, pathlib
    >>> store = SQLiteStore(pathlib.Path(tempfile.mkdtemp()) / "r.db")
    >>> seed_if_empty(store, ["deepseek"]).rows > 0, seed_if_empty(store, ["deepseek"]).rows
    (True, 0)
    """
    result = SeedResult()
    if not store.writable:
        result.skipped = f"the {store.name} registry is read-only"
        return result
    if not _store_is_empty(store):
        result.skipped = "the registry already has models"
        return result

    catalog = catalog or load_catalog()
    at = now or utcnow()
    wanted = list(dict.fromkeys(p.strip().lower() for p in providers if p and p.strip()))
    by_provider = {p: catalog.records_for(p) for p in wanted}
    total = sum(len(r) for r in by_provider.values())

    def report(provider_id: str, stage: str) -> None:
        if progress is None:
            return
        try:
            progress(SeedProgress(provider_id, result.rows, total, stage))
        except Exception:  # a broken progress display must not break seeding
            log.exception("seed progress callback failed")

    report(wanted[0] if wanted else "", "started")
    for provider_id in wanted:
        records = by_provider[provider_id]
        if not records:
            result.missing_providers.append(provider_id)
            continue
        started = time.monotonic()
        present = {r.model_id for r in store.list_models(provider_id).records}
        todo = [r for r in records if r.model_id not in present]
        if not todo:
            continue
        written = store.upsert_models(todo)
        run_id = seed_run_id(provider_id, catalog.version)
        result.rows += written.created + written.updated
        result.events += store.append_events([_seed_event(r, at, run_id) for r in todo])
        store.record_run(
            DiscoveryRun(
                run_id=run_id,
                provider_id=provider_id,
                trigger="seed",
                started_at=at,
                duration_s=round(time.monotonic() - started, 3),
                models_seen=len(records),
                added=written.created,
                changed=written.updated,
                outcome="ok",
                message=f"seeded from the models.dev catalog {catalog.version}",
            )
        )
        result.runs += 1
        result.providers.append(provider_id)
        report(provider_id, "provider")
    if result.rows or result.events:
        store.bump_version()
    report(wanted[-1] if wanted else "", "finished")
    if result.missing_providers:
        log.info("seed: the catalog has no models for %s", ", ".join(result.missing_providers))
    return result


def _seed_event(record: ModelRecord, at: datetime, run_id: str) -> HistoryEvent:
    catalog_model = record.meta.get("catalog", {}).get("model", record.model_id)
    return HistoryEvent(
        event_key=make_event_key(record.provider_id, record.model_id, "seeded"),
        provider_id=record.provider_id,
        model_id=record.model_id,
        kind="seeded",
        at=at,
        run_id=run_id,
        source="catalog",
        detail={"catalog_model": catalog_model},
    )
