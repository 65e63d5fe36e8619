"""The hybrid resolver: memory → registry → provider API, with fallbacks that are never empty.

:meth:`Resolver.resolve` answers "which models can this credential use at ``provider``?":

1. **memory** — the answer cached under (provider, base URL, credential name, keyed hash of the
   secret, registry version marker) for ``cache_ttl_s``;
2. **registry** — the store's records, when the newest Last Verified among the ones this
   credential sees is within ``freshness_s``;
3. **api** — a listing from the provider, merged (:mod:`registry_core.merge`) into a write plan
   that the store applies in one call (:meth:`RegistryStore.apply_plan`): the changed columns
   where they still hold what the merge read (a person's edit made meanwhile is kept and the
   column reported as a conflict), then the events of the saved rows, the discovery run, and a
   bump of the version marker so other instances notice within ``version_check_s``. Any store
   error on the way becomes a typed error in this provider's report, never a crash;
4. the answer goes into memory.

``force`` skips 1–2. Concurrent misses for the same key in one process share one flight.

When the listing fails the answer falls back, each step named in :attr:`Resolution.tier` and
:attr:`Resolution.warnings`: the registry's data however old → the last-known-good snapshot file
(kept from every good registry read, so a restart during a registry outage still has data) → the
bundled reference catalog. A failed or partial listing never writes records; only its run is
recorded (when the store is reachable). Fallback answers are cached only briefly, so the next
call soon tries again.

Collaborators are injected (store, discovery function, catalog records, cache, clocks) so the
resolver is tested without a network; :mod:`registry_core.service` wires the real ones.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from registry_core.cache import (
    LRUMap,
    ResolutionCache,
    TTLCache,
    cache_key,
    credential_fingerprint,
)
from registry_core.cells import human_age
from registry_core.config import Settings
from registry_core.errors import (
    AuthError,
    ConfigError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitedError,
    RegistryError,
    StoreWriteError,
    UnavailableError,
    UnsafeURLError,
)
from registry_core.events import DiscoveryRun
from registry_core.flight import DiscoveryLoop, SingleFlight, shared_loop
from registry_core.merge import (
    MergePolicy,
    SeenMemo,
    credential_label,
    filter_visible,
    merge_listing,
)
from registry_core.plan import PlanOutcome, WritePlan
from registry_core.provider_table import display_name
from registry_core.providers.base import Credential, DiscoveredModel, ProgressCallback
from registry_core.records import ModelRecord, utcnow
from registry_core.resolution import Resolution, RunReport, describe_failure
from registry_core.snapshot import SnapshotFile
from registry_core.stores.base import RegistryStore

__all__ = [
    "STORE_DOWN_ERRORS",
    "CatalogFn",
    "DiscoverFn",
    "Resolver",
    "newest_verification",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

DiscoverFn = Callable[..., Awaitable[list[DiscoveredModel]] | list[DiscoveredModel]]
CatalogFn = Callable[[str], list[ModelRecord]]


#: Errors of a store call that mean the registry cannot be read at all right now.
STORE_DOWN_ERRORS: tuple[type[RegistryError], ...] = (
    UnavailableError,
    RateLimitedError,
    AuthError,
    PermissionDeniedError,
    QuotaExceededError,
)


def _default_catalog() -> CatalogFn:
    def records(provider_id: str) -> list[ModelRecord]:
        from registry_core.catalog import load_catalog

        return load_catalog().records_for(provider_id)

    return records


def newest_verification(records: Sequence[ModelRecord]) -> datetime | None:
    """The newest Last Verified among ``records`` (``None`` when none was ever verified)."""
    stamps = [r.last_verified for r in records if r.last_verified is not None]
    return max(stamps) if stamps else None


class Resolver:
    """Resolves a provider's models through the tiers. Thread-safe; one per process is enough."""

    def __init__(
        self,
        store: RegistryStore,
        *,
        settings: Settings | None = None,
        discover: DiscoverFn | None = None,
        catalog_records: CatalogFn | None = None,
        cache: ResolutionCache | None = None,
        snapshot: SnapshotFile | None = None,
        clock: Callable[[], datetime] = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        fallback_ttl_s: float = 60.0,
        touch_after_s: float | None = None,
        loop: DiscoveryLoop | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._discover = discover
        self._catalog_records = catalog_records
        self.cache: ResolutionCache = (
            cache if cache is not None else TTLCache(self.settings.cache_ttl_s)
        )
        self.snapshot = (
            snapshot if snapshot is not None else SnapshotFile(self.settings.snapshot_path)
        )
        self.clock = clock
        self.monotonic = monotonic
        self.fallback_ttl_s = min(fallback_ttl_s, self.settings.cache_ttl_s)
        if touch_after_s is None:
            touch_after_s = min(3600.0, self.settings.freshness_s / 4)
        self.policy = MergePolicy(
            grace_listings=self.settings.grace_listings,
            grace_period_s=self.settings.grace_period_s,
            touch_after_s=touch_after_s,
        )
        self._flights = SingleFlight()
        self._seen_memo = SeenMemo()  # rows a listing left untouched, for the next merge
        # credential -> cache-key prefix (holds secrets only as dict keys, in this process)
        self._key_prefixes: LRUMap[tuple[str | None, ...], str] = LRUMap(256)
        self._loop = loop if loop is not None else shared_loop()
        self._version_lock = threading.Lock()
        self._version = ""
        self._version_at: float | None = None
        self._store_broken: tuple[float, RegistryError] | None = None
        self._store_failure: RegistryError | None = None  # the last store call's, if it failed
        # a store that can notify (PostgreSQL LISTEN/NOTIFY) moves the marker on at once when
        # any replica writes, instead of at the next version check
        subscribe = getattr(store, "subscribe", None)
        if callable(subscribe):
            subscribe(lambda _version: self.version(refresh=True))

    # -- the store, with a short circuit breaker --------------------------------------------

    def guard(self, call: Callable[[], T]) -> T:
        """Run a store call; after an outage-type failure, fail fast for ``version_check_s``.

        During a registry outage every resolution would otherwise wait out the store's
        timeouts two or three times before reaching the snapshot.
        """
        broken = self._store_broken
        if broken is not None and self.monotonic() < broken[0]:
            raise broken[1]
        try:
            result = call()
        except RegistryError as exc:
            if isinstance(exc, UnavailableError | RateLimitedError):
                self._store_broken = (self.monotonic() + self.settings.version_check_s, exc)
            if isinstance(exc, STORE_DOWN_ERRORS):
                self._store_failure = exc
            raise
        self._store_broken = None
        self._store_failure = None
        return result

    def store_failure(self) -> RegistryError | None:
        """Why the store cannot be read now: the last store call's failure, until one succeeds.

        Unlike :meth:`store_outage` (the fail-fast window) this lasts as long as the outage, so
        a page serving an answer cached before it still says the registry is down.
        """
        return self._store_failure

    def store_outage(self) -> RegistryError | None:
        """The failure that opened the breaker, while it is open (callers should not wait)."""
        broken = self._store_broken
        if broken is not None and self.monotonic() < broken[0]:
            return broken[1]
        return None

    # -- the version marker ---------------------------------------------------------------

    def version(self, *, refresh: bool = False) -> str:
        """The store's version marker, read at most once per ``version_check_s``.

        When the store is unreachable the last known marker is kept, so the memory tier goes on
        answering during an outage.
        """
        with self._version_lock:
            now = self.monotonic()
            if (
                not refresh
                and self._version_at is not None
                and now - self._version_at < self.settings.version_check_s
            ):
                return self._version
            try:
                self._version = self.guard(self.store.get_version)
            except RegistryError as exc:
                log.warning("registry version check failed: %s", exc)
            self._version_at = now
            return self._version

    def set_version(self, version: str) -> None:
        """Record a marker this process just moved on (after its own write)."""
        with self._version_lock:
            self._version = version
            self._version_at = self.monotonic()

    # -- collaborators ----------------------------------------------------------------------

    def _discovery(self) -> DiscoverFn:
        if self._discover is None:
            # the adapters and httpx are imported when discovery first runs, not for a read
            from registry_core.providers.discovery import discover_provider

            self._discover = discover_provider
        return self._discover

    def catalog(self, provider_id: str) -> list[ModelRecord]:
        """The bundled catalog's records for ``provider_id``; ``[]`` if it cannot be read."""
        if self._catalog_records is None:
            self._catalog_records = _default_catalog()
        try:
            return list(self._catalog_records(provider_id))
        except Exception as exc:  # the last tier must not raise
            log.warning("reference catalog unreadable for %s: %s", provider_id, exc)
            return []

    def _age(self, records: Sequence[ModelRecord]) -> float | None:
        newest = newest_verification(records)
        return None if newest is None else max(0.0, (self.clock() - newest).total_seconds())

    def _credential_age(self, provider_id: str, label: str) -> float | None:
        """Seconds since ``label`` last listed the provider successfully (from the runs).

        A named, non-primary credential may see models the primary one does not; the records'
        Last Verified says nothing about it, its own last run does. One extra store read, only
        on a memory miss, only for such credentials.
        """
        try:
            runs = self.guard(lambda: self.store.list_runs(provider_id, 50))
        except RegistryError:
            return None
        for run in runs:
            if run.credential == label and run.outcome in ("ok", "suspect"):
                return max(0.0, (self.clock() - run.started_at).total_seconds())
        return None

    def _save_snapshot(
        self, provider_id: str, records: Sequence[ModelRecord], version: str
    ) -> None:
        if records:
            self.snapshot.save(provider_id, records, version=version, saved_at=self.clock())

    # -- resolve ----------------------------------------------------------------------------

    def key_for(self, kind: str, provider_id: str, credential: Credential, version: str) -> str:
        """The memory-tier key; the credential part is computed once per credential."""
        ident = (kind, provider_id, credential.base_url, credential.name, credential.secret)
        prefix = self._key_prefixes.get(ident)
        if prefix is None:
            prefix = cache_key(
                kind,
                provider_id,
                base_url=credential.base_url,
                credential_name=credential.name,
                fingerprint=credential_fingerprint(
                    credential.secret, key_secret=self.settings.cache_key_secret
                ),
            )
            self._key_prefixes.set(ident, prefix)
        return prefix + version

    def resolve(
        self,
        credential: Credential,
        *,
        force: bool = False,
        primary: bool = True,
        trigger: str = "user",
        validate: str = "none",
    ) -> Resolution:
        """The models ``credential`` can use at its provider, with provenance (see module doc)."""
        provider_id = credential.provider_id
        key = self.key_for("models", provider_id, credential, self.version())
        if not force:
            hit = self._recall(key)
            if hit is not None:
                return hit
        flight = self.key_for("models", provider_id, credential, "") + ("|force" if force else "")
        return self._flights.do(
            flight,
            lambda: self._resolve_miss(credential, key, force, primary, trigger, validate),
        )

    def _remember(self, key: str, answer: Resolution, ttl_s: float | None = None) -> None:
        self.cache.set(key, (answer, self.monotonic()), ttl_s)

    def _recall(self, key: str) -> Resolution | None:
        """The memory-tier answer under ``key``: the cached one, aged by the time since."""
        entry = self.cache.get(key)
        if not isinstance(entry, tuple) or len(entry) != 2:
            return None
        hit, stored_at = entry
        if not isinstance(hit, Resolution):
            return None
        elapsed = max(0.0, self.monotonic() - stored_at)
        return Resolution(
            hit.records,
            "memory",
            None if hit.age_s is None else hit.age_s + elapsed,
            list(hit.warnings),
            hit.version,
            hit.fetched_at + timedelta(seconds=elapsed),
            hit.origin,
            hit.run,
        )

    def _resolve_miss(
        self,
        credential: Credential,
        key: str,
        force: bool,
        primary: bool,
        trigger: str,
        validate: str,
    ) -> Resolution:
        provider_id = credential.provider_id
        label = credential.label
        existing: list[ModelRecord] | None = None
        store_error: RegistryError | None = None
        if not force:
            hit = self._recall(key)  # a flight that just finished may have filled it
            if hit is not None:
                return hit
            version = self.version()
            try:
                existing = self.guard(lambda: self.store.list_models(provider_id)).records
            except RegistryError as exc:
                store_error = exc
            if existing is not None:
                self._save_snapshot(provider_id, existing, version)
                visible = filter_visible(existing, label)
                age = self._age(visible) if primary else self._credential_age(provider_id, label)
                if visible and age is not None and age <= self.settings.freshness_s:
                    answer = Resolution(visible, "registry", age, [], version, self.clock())
                    self._remember(key, answer)
                    return answer

        report = self.discover(
            credential,
            primary=primary,
            trigger=trigger,
            validate=validate,
            existing=existing,
            store_error=store_error,
        )
        if report.outcome in ("ok", "suspect"):
            version = self.version()
            answer = Resolution(
                list(report.records),
                "api",
                0.0,
                list(report.warnings),
                version,
                self.clock(),
                run=report,
            )
            self._remember(self.key_for("models", provider_id, credential, version), answer)
            return answer
        answer = self._fallback(
            provider_id, label, existing, store_error, [report.message], run=report
        )
        self._remember(key, answer, self.fallback_ttl_s)
        return answer

    def _fallback(
        self,
        provider_id: str,
        label: str | None,
        existing: list[ModelRecord] | None,
        store_error: RegistryError | None,
        warnings: list[str],
        *,
        run: RunReport | None = None,
    ) -> Resolution:
        """Stale registry data → snapshot → catalog; the first that has records answers."""
        warnings = [w for w in warnings if w]
        version = self.version()
        if existing is None and store_error is None:
            try:
                existing = self.guard(lambda: self.store.list_models(provider_id)).records
            except RegistryError as exc:
                store_error = exc
            else:
                self._save_snapshot(provider_id, existing, version)
        visible = filter_visible(existing or [], label)
        now = self.clock()
        if visible:
            age = self._age(visible)
            when = (
                f"last verified {human_age(age)} ago"
                if age is not None
                else "never verified by a listing"
            )
            warnings.append(
                f"Showing the registry's data for {display_name(provider_id)} ({when})."
            )
            return Resolution(visible, "registry", age, warnings, version, now, run=run)
        if store_error is not None:
            warnings.append(
                f"The {self.store.name} registry is unreachable ({store_error}); "
                "showing older data."
            )
        snap = self.snapshot.load(provider_id)
        snap_visible = filter_visible(snap.records, label) if snap else []
        if snap and snap_visible:
            age = self._age(snap_visible)
            saved = human_age((now - snap.saved_at).total_seconds())
            warnings.append(
                f"Showing the last-known-good snapshot of {display_name(provider_id)} "
                f"(saved {saved} ago)."
            )
            return Resolution(snap_visible, "snapshot", age, warnings, snap.version, now, run=run)
        records = filter_visible(self.catalog(provider_id), label)
        if records:
            warnings.append(
                f"Showing the bundled reference catalog for {display_name(provider_id)}: "
                "prices and limits, but availability is not verified."
            )
        else:
            warnings.append(
                f"No data at all for {display_name(provider_id)}: not in the registry, the "
                "snapshot or the reference catalog."
            )
        return Resolution(records, "catalog", None, warnings, version, now, run=run)

    # -- list (no discovery) ------------------------------------------------------------------

    def list_records(
        self, provider_id: str | None = None, credential_name: str | None = None
    ) -> Resolution:
        """Registry rows (every provider's, or one's) without discovery; snapshot → catalog.

        Scoped rows are included only for ``credential_name`` (a name like ``acme`` or a label
        like ``openai/acme``); ``None`` shows unscoped rows only.
        """
        version = self.version()
        key = "|".join(("list", provider_id or "*", credential_name or "", version))
        hit = self._recall(key)
        if hit is not None:
            return hit

        def visible(records: Sequence[ModelRecord]) -> list[ModelRecord]:
            return [r for r in records if _visible_for_name(r, credential_name)]

        warnings: list[str] = []
        try:
            loaded = self.guard(lambda: self.store.list_models(provider_id))
        except RegistryError as exc:
            warnings.append(
                f"The {self.store.name} registry is unreachable ({exc}); showing older data."
            )
        else:
            if loaded.records:
                by_provider: dict[str, list[ModelRecord]] = {}
                for record in loaded.records:
                    by_provider.setdefault(record.provider_id, []).append(record)
                for pid, rows in by_provider.items():
                    self._save_snapshot(pid, rows, version)
                if loaded.warnings:
                    warnings.append(
                        f"{len(loaded.warnings)} registry cells could not be read as typed; "
                        "see the Status page."
                    )
                rows = visible(loaded.records)
                answer = Resolution(
                    rows, "registry", self._age(rows), warnings, version, self.clock()
                )
                self._remember(key, answer)
                return answer
            warnings.append(f"The {self.store.name} registry is empty.")

        providers = [provider_id] if provider_id else self._known_providers()
        snap_rows: list[ModelRecord] = []
        saved: list[datetime] = []
        for pid in providers:
            snap = self.snapshot.load(pid)
            if snap:
                snap_rows.extend(visible(snap.records))
                saved.append(snap.saved_at)
        now = self.clock()
        if snap_rows:
            warnings.append(
                "Showing the last-known-good snapshot "
                f"(saved {human_age((now - min(saved)).total_seconds())} ago)."
            )
            answer = Resolution(snap_rows, "snapshot", self._age(snap_rows), warnings, version, now)
        else:
            rows = [r for pid in providers for r in visible(self.catalog(pid))]
            warnings.append("Showing the bundled reference catalog: availability is not verified.")
            answer = Resolution(rows, "catalog", None, warnings, version, now)
        self._remember(key, answer, self.fallback_ttl_s)
        return answer

    def _known_providers(self) -> list[str]:
        return list(dict.fromkeys([*self.settings.providers, *self.snapshot.providers()]))

    # -- discovery ----------------------------------------------------------------------------

    def discover(
        self,
        credential: Credential,
        *,
        primary: bool = True,
        trigger: str = "user",
        validate: str = "none",
        progress: ProgressCallback | None = None,
        existing: list[ModelRecord] | None = None,
        store_error: RegistryError | None = None,
    ) -> RunReport:
        """List the provider, merge, write back; a failed listing writes only its run."""
        provider_id = credential.provider_id
        label = credential.label
        started = self.clock()
        t0 = self.monotonic()
        run_id = f"{provider_id}-{started:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        try:
            models = self._loop.run(
                self._discovery()(
                    credential,
                    client=self._loop.client,
                    validate=validate,
                    progress=progress,
                    allow_http=self.settings.allow_http_hosts,
                    allowed_private_hosts=self.settings.allowed_private_hosts,
                    deadline_s=self.settings.discovery_deadline_s,
                )
            )
        except RegistryError as exc:
            return self._failed(credential, run_id, started, t0, trigger, exc)
        except Exception as exc:  # a bug in an adapter must not take the caller down
            log.exception("discovery of %s raised unexpectedly", label)
            error = RegistryError(
                f"discovery raised {type(exc).__name__} unexpectedly", provider=provider_id
            )
            return self._failed(credential, run_id, started, t0, trigger, error)

        warnings: list[str] = []
        store_ok = store_error is None
        if existing is None and store_ok:
            try:
                existing = self.guard(lambda: self.store.list_models(provider_id)).records
            except RegistryError as exc:
                store_error, store_ok = exc, False
            except Exception as exc:  # a driver error the store did not type: this provider only
                log.exception("reading the registry for %s raised unexpectedly", label)
                store_error = UnavailableError(
                    f"reading the {self.store.name} registry failed ({type(exc).__name__}: {exc})",
                    provider=provider_id,
                )
                store_ok = False
        if not store_ok:
            # merge against the snapshot so people's fields still show; nothing is written
            snap = self.snapshot.load(provider_id)
            existing = list(snap.records) if snap else []
            warnings.append(
                f"The {self.store.name} registry is unreachable ({store_error}); "
                f"{display_name(provider_id)}'s listing is shown but not saved."
            )
        result = merge_listing(
            provider_id,
            models,
            existing or [],
            now=started,
            run_id=run_id,
            credential_name=credential.name,
            primary=primary,
            policy=self.policy,
            memo=self._seen_memo,
        )
        warnings.extend(result.warnings)
        outcome = "suspect" if result.suspect else "ok"
        run = DiscoveryRun(
            run_id=run_id,
            provider_id=provider_id,
            trigger=trigger,
            started_at=started,
            duration_s=round(self.monotonic() - t0, 3),
            models_seen=result.models_seen,
            added=len(result.diff.added),
            removed=len(result.diff.removed),
            changed=len(result.diff.changed),
            outcome=outcome,
            message=result.warnings[0] if result.warnings else None,
            credential=label,
        )
        saved = False
        plan = replace(result.plan, run=run)
        applied: PlanOutcome | None = None
        save_error: RegistryError | None = None if store_ok else store_error
        if store_ok and not self.store.writable:
            warnings.append(
                f"The {self.store.name} registry is read-only here; the listing is not saved."
            )
        elif store_ok:
            applied, save_error = self._write_back(provider_id, plan, warnings)
            saved = applied is not None
            if saved:
                self._save_snapshot(provider_id, result.records, self.version())
        visible = filter_visible(result.records, label)
        # the provider and credential are the report's own fields: callers show them as the
        # title, so the sentence does not repeat them
        summary = (
            f"{result.models_seen} models listed, "
            f"{len(result.diff.added)} added, {len(result.diff.removed)} gone, "
            f"{len(result.diff.changed)} changed"
        )
        if outcome == "suspect":
            summary += (
                f" (suspect listing: a lasting drop, {len(result.diff.removed)} marked unavailable)"
                if result.diff.removed
                else " (suspect listing: nothing marked unavailable)"
            )
        summary += "; " + _saved_phrase(len(plan.rows), applied, save_error)
        return RunReport(
            provider_id=provider_id,
            credential=label,
            outcome=outcome,
            run=run,
            diff=result.diff,
            message=summary,
            records=tuple(visible),
            warnings=tuple(warnings),
            saved=saved,
            refused=tuple(getattr(models, "refused", ())),
            duplicates=tuple(getattr(models, "duplicates", ())),
            item_warnings=tuple(getattr(models, "warnings", ())),
            listed=result.models_seen,
            to_save=len(plan.rows),
            saved_rows=applied.saved_rows if applied else 0,
            conflicts=tuple(applied.conflicts) if applied else (),
            save_error=save_error,
        )

    def _write_back(
        self, provider_id: str, plan: WritePlan, warnings: list[str]
    ) -> tuple[PlanOutcome | None, RegistryError | None]:
        """Apply the plan; any failure becomes a typed error for this provider's report."""
        try:
            applied = self.guard(lambda: self.store.apply_plan(plan))
        except RegistryError as exc:
            error: RegistryError = exc
        except Exception as exc:  # whatever the store's driver raised: this provider only
            log.exception("writing %s's listing raised unexpectedly", provider_id)
            error = StoreWriteError(
                f"the write to the {self.store.name} registry failed ({type(exc).__name__}: {exc})",
                provider=provider_id,
            )
        else:
            if applied.version:
                self.set_version(applied.version)
            if applied.conflicts:
                fields = sum(len(c) for _, _, c in applied.conflicts)
                warnings.append(
                    f"{fields} field(s) of {len(applied.conflicts)} {display_name(provider_id)} "
                    "model(s) changed in the registry while the listing was merged (someone's "
                    "edit); they were kept, and the next refresh merges again."
                )
            return applied, None
        warnings.append(
            f"Could not save {display_name(provider_id)}'s listing to the "
            f"{self.store.name} registry ({error}); it will be retried on the next refresh."
        )
        return None, error

    def _failed(
        self,
        credential: Credential,
        run_id: str,
        started: datetime,
        t0: float,
        trigger: str,
        error: RegistryError,
    ) -> RunReport:
        provider_id = credential.provider_id
        message = describe_failure(provider_id, error)
        run = DiscoveryRun(
            run_id=run_id,
            provider_id=provider_id,
            trigger=trigger,
            started_at=started,
            duration_s=round(self.monotonic() - t0, 3),
            outcome="failed",
            error_class=error.error_class,
            message=message,
            credential=credential.label,
        )
        # a missing key on an interactive read is not a run worth a row every minute
        quiet = (
            trigger == "user"
            and isinstance(error, ConfigError)
            and not isinstance(error, UnsafeURLError)
        )
        if self.store.writable and not quiet:
            try:
                self.guard(lambda: self.store.record_run(run))
            except RegistryError as exc:
                log.warning("could not record the failed run of %s: %s", credential.label, exc)
        return RunReport(provider_id, credential.label, "failed", run, error=error, message=message)


def _saved_phrase(asked: int, applied: PlanOutcome | None, error: RegistryError | None) -> str:
    """``"saved 3 of 3 rows"``, ``"nothing to save"`` or ``"saved 0 of 12 rows (not saved: …)"``."""
    if applied is None:
        reason = f"the registry write failed: {error.error_class}" if error else "not written"
        return f"saved 0 of {asked} rows ({reason})"
    if not asked:
        return "nothing to save"
    text = f"saved {applied.saved_rows} of {asked} rows"
    if applied.conflicts:
        text += f", {applied.conflicted_fields} field(s) left for the next refresh"
    return text


def _visible_for_name(record: ModelRecord, credential_name: str | None) -> bool:
    if not record.scope:
        return True
    if credential_name is None:
        return False
    label = (
        credential_name
        if "/" in credential_name
        else credential_label(record.provider_id, credential_name)
    )
    return record.scope == label
