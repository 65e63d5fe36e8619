"""The library façade: what the dashboard and any Python service call.

An illustration (it needs keys and a registry, so it is not run as a doctest)::

    from registry_core.service import ModelRegistryService
    service = ModelRegistryService.from_settings()             # env: keys, store, TTLs
    answer = service.get_available_models("openai")             # memory → registry → API
    answer.tier, answer.age_s, answer.warnings                  # ('registry', 5400.0, [])
    service.get_recommended_model("openai", feature="vision").model_id   # 'gpt-4o'
    service.check_model("openai", "gpt-4-0613").state                    # 'deprecated'

:class:`AIService` keeps the seed's name for the one call most services need, and the module
functions :func:`get_available_models`, :func:`get_recommended_model` and :func:`check_model` use
one process-wide service built from the environment.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

from registry_core import advice
from registry_core.advice import ModelCheck, Recommendation
from registry_core.cache import LRUMap, ResolutionCache
from registry_core.cells import cell
from registry_core.config import Settings
from registry_core.errors import ConfigError, NotFoundError, RegistryError
from registry_core.events import DiscoveryRun, HistoryEvent, make_event_key
from registry_core.lifecycle import today_utc
from registry_core.plan import RowWrite, WritePlan, journal_events, row_cells, row_write
from registry_core.provider_table import enable_hint
from registry_core.providers.base import Credential, ProgressCallback
from registry_core.providers.credentials import credentials_from_env
from registry_core.records import (
    CACHE_READ_COST_PER_1K,
    CACHE_WRITE_COST_PER_1K,
    COST_PER_1K,
    DEPRECATION_DATE,
    FIELD_NAMES,
    HUMAN_OWNED_FIELDS,
    MAX_OUTPUT_TOKENS,
    MAX_TOKENS,
    METADATA,
    OUTPUT_COST_PER_1K,
    RECOMMENDED,
    RELEASE_DATE,
    RETIREMENT_DATE,
    STATUS,
    SUCCESSOR_MODEL,
    FieldWarning,
    ModelRecord,
    parse_row,
    utcnow,
)
from registry_core.refresh import start_background_refresher
from registry_core.resolution import Resolution, RunReport, describe_failure
from registry_core.resolver import CatalogFn, DiscoverFn, Resolver
from registry_core.stores.base import RegistryStore, StoreHealth
from registry_core.stores.factory import open_store

if TYPE_CHECKING:
    from registry_core.seed import SeedProgressCallback

log = logging.getLogger(__name__)

#: Facts people may type besides the fields they own; their values are then never overwritten.
EDITABLE_FACTS: frozenset[str] = frozenset(
    {
        COST_PER_1K,
        OUTPUT_COST_PER_1K,
        CACHE_READ_COST_PER_1K,
        CACHE_WRITE_COST_PER_1K,
        MAX_TOKENS,
        MAX_OUTPUT_TOKENS,
        RELEASE_DATE,
        DEPRECATION_DATE,
        RETIREMENT_DATE,
        SUCCESSOR_MODEL,
    }
)
EDITABLE_FIELDS: frozenset[str] = HUMAN_OWNED_FIELDS | EDITABLE_FACTS
_EDIT_EVENT_KINDS: dict[str, str] = {
    STATUS: "status_changed",
    RECOMMENDED: "recommended_changed",
    DEPRECATION_DATE: "deprecation_date_changed",
    RETIREMENT_DATE: "retirement_date_changed",
    COST_PER_1K: "cost_changed",
    OUTPUT_COST_PER_1K: "cost_changed",
    CACHE_READ_COST_PER_1K: "cost_changed",
    CACHE_WRITE_COST_PER_1K: "cost_changed",
}


class EditRejectedError(RegistryError, ValueError):
    """An edit names a field people may not edit, or a value that cannot be stored."""

    error_class = "edit_rejected"


class EditConflictError(RegistryError):
    """A field of the edit changed in the registry since the person saw it; it was not saved."""

    error_class = "edit_conflict"


def _edit_event_keys(
    provider_id: str, model_id: str, edit_id: str, columns: Mapping[str, Any]
) -> dict[str, str]:
    """Event keys of one edit: from its idempotency key, never the clock (``"edited"`` + columns)."""
    keys = {"edited": make_event_key(provider_id, model_id, "edited", edit_id)}
    for column in columns:
        kind = _EDIT_EVENT_KINDS.get(column)
        if kind:
            keys[column] = make_event_key(provider_id, model_id, kind, column, edit_id)
    return keys


class ModelRegistryService:
    """The registry for one process: resolver, store and settings, behind plain methods."""

    def __init__(
        self,
        store: RegistryStore,
        settings: Settings,
        resolver: Resolver,
        *,
        credentials: Callable[[], Sequence[Credential]] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.resolver = resolver
        self._credentials_fn = credentials or (lambda: credentials_from_env(settings.env))
        self._credentials: list[Credential] | None = None
        # (provider, key, base URL, name) -> (credential, primary); keys only as dict keys
        self._resolved: LRUMap[tuple[str | None, ...], tuple[Credential, bool]] = LRUMap(256)
        from registry_core import feeds

        feeds.configure(settings)  # read the live catalog/lifecycle copies this setup turns on

    @classmethod
    def from_settings(
        cls,
        settings: Settings | None = None,
        *,
        store: RegistryStore | None = None,
        cache: ResolutionCache | None = None,
        discover: DiscoverFn | None = None,
        catalog_records: CatalogFn | None = None,
        credentials: Callable[[], Sequence[Credential]] | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> ModelRegistryService:
        """A service on the configured store (SQLite by default, Airtable when set up).

        Every collaborator can be injected; the defaults import the real ones lazily.
        """
        settings = settings or Settings.from_env()
        store = store if store is not None else open_store(settings)
        resolver = Resolver(
            store,
            settings=settings,
            discover=discover,
            catalog_records=catalog_records,
            cache=cache,
            clock=clock or utcnow,
        )
        return cls(store, settings, resolver, credentials=credentials)

    # -- credentials ------------------------------------------------------------------------

    def credentials(self, provider_id: str | None = None) -> list[Credential]:
        """Configured credentials (of one provider), primary first. Names only in reprs."""
        if self._credentials is None:
            try:
                self._credentials = list(self._credentials_fn())
            except ConfigError as exc:
                log.warning("credentials could not be read: %s", exc)
                self._credentials = []
        return [c for c in self._credentials if provider_id is None or c.provider_id == provider_id]

    def configured_providers(self) -> list[str]:
        """Providers with at least one configured credential, in settings order first."""
        seen = [c.provider_id for c in self.credentials()]
        ordered = [p for p in self.settings.providers if p in seen]
        return ordered + [p for p in dict.fromkeys(seen) if p not in ordered]

    def _is_primary(self, provider_id: str, name: str) -> bool:
        configured = [c.name for c in self.credentials(provider_id)]
        return (
            not configured
            or name == configured[0]
            or (name == "default" and "default" not in configured)
        )

    def _credential(
        self,
        provider_id: str,
        api_key: str | None,
        base_url: str | None,
        credential_name: str | None,
    ) -> Credential:
        configured = self.credentials(provider_id)
        if api_key:
            # a key we know keeps its name (and so its scope); another key acts as ``default``;
            # either way the provider's configured base URL applies unless one is given
            known = next((c for c in configured if c.secret == api_key), None)
            name = credential_name or (known.name if known else "default")
            like = known or next((c for c in configured if c.name == name), None)
            if like is None and configured:
                like = configured[0]
            known_base = like.base_url if like else None
            extra = dict(like.extra) if like else {}
            return Credential(provider_id, name, api_key, base_url or known_base, extra)
        match = next(
            (c for c in configured if credential_name in (None, c.name)),
            None,
        )
        if match is None:
            return Credential(provider_id, credential_name or "default", None, base_url)
        if base_url:
            return Credential(provider_id, match.name, match.secret, base_url, dict(match.extra))
        return match

    # -- reading ----------------------------------------------------------------------------

    def list_models(
        self, provider_id: str | None = None, credential_name: str | None = None
    ) -> Resolution:
        """Every provider's (or one's) registry rows, no discovery; fallbacks snapshot → catalog."""
        return self.resolver.list_records(provider_id, credential_name)

    def get_available_models(
        self,
        provider_id: str,
        api_key: str | None = None,
        base_url: str | None = None,
        force_refresh: bool = False,
        credential_name: str | None = None,
    ) -> Resolution:
        """The models a credential can use at ``provider_id``, through the tiers.

        Without ``api_key`` the configured credential (``credential_name``, else the provider's
        first) is used. ``force_refresh`` skips memory and registry and lists the provider.
        """
        ident = (provider_id, api_key, base_url, credential_name)
        known = self._resolved.get(ident)
        if known is None:
            credential = self._credential(provider_id, api_key, base_url, credential_name)
            known = (credential, self._is_primary(provider_id, credential.name))
            self._resolved.set(ident, known)
        return self.resolver.resolve(known[0], force=force_refresh, primary=known[1])

    def get_recommended_model(
        self, provider_id: str, feature: str | None = None, credential_name: str | None = None
    ) -> Recommendation:
        """The model to use (see :func:`registry_core.advice.recommend` for the rules)."""
        answer = self.list_models(provider_id, credential_name)
        pick = advice.recommend(
            answer.records,
            provider_id,
            today=today_utc(self.resolver.clock()),
            feature=feature,
            window_days=self.settings.retiring_within_days,
        )
        if answer.warnings:
            pick = Recommendation(
                pick.provider_id,
                pick.model,
                pick.reason,
                pick.feature,
                pick.warnings + tuple(answer.warnings),
            )
        return pick

    def check_model(
        self,
        provider_id: str,
        model_id: str,
        within_days: int | None = None,
        credential_name: str | None = None,
    ) -> ModelCheck:
        """ok / deprecated / retiring / unavailable / unknown, with dates and successor.

        ``within_days`` defaults to the ``REGISTRY_RETIRING_WITHIN_DAYS`` window.
        """
        answer = self.list_models(provider_id, credential_name)
        return advice.check(
            answer.records,
            provider_id,
            model_id,
            today=today_utc(self.resolver.clock()),
            within_days=self.settings.retiring_within_days if within_days is None else within_days,
        )

    def history(
        self,
        provider_id: str | None = None,
        model_id: str | None = None,
        since: datetime | None = None,
    ) -> list[HistoryEvent]:
        """History events, oldest first."""
        return self.store.list_events(provider_id, model_id, since)

    def runs(self, provider_id: str | None = None, limit: int = 50) -> list[DiscoveryRun]:
        """Discovery runs, newest first."""
        return self.store.list_runs(provider_id, limit)

    def version(self) -> str:
        """The registry version marker (a cheap read, cached for ``version_check_s``)."""
        return self.resolver.version()

    # -- discovery --------------------------------------------------------------------------

    def discover(
        self,
        providers: Sequence[str] | None = None,
        *,
        trigger: str = "user",
        validate: str = "none",
        progress: ProgressCallback | None = None,
        max_parallel: int = 4,
    ) -> list[RunReport]:
        """List providers now (every configured one by default), with every credential.

        Returns one report per (provider, credential), in order; a provider with no
        credential gets a ``failed`` report that says which variable to set.
        """
        wanted = list(providers) if providers is not None else self.configured_providers()
        groups: list[list[tuple[Credential, bool]] | RunReport] = []
        for provider_id in dict.fromkeys(p.strip().lower() for p in wanted if p.strip()):
            creds = self.credentials(provider_id)
            if not creds:
                error = ConfigError(
                    f"no credential is configured for {provider_id}",
                    provider=provider_id,
                    hint=enable_hint(provider_id),
                )
                groups.append(
                    RunReport(
                        provider_id,
                        f"{provider_id}/default",
                        "failed",
                        None,
                        error=error,
                        message=describe_failure(provider_id, error),
                    )
                )
                continue
            groups.append([(credential, index == 0) for index, credential in enumerate(creds)])

        def run(group: list[tuple[Credential, bool]] | RunReport) -> list[RunReport]:
            # one provider's credentials in turn, primary first: they merge into the same rows
            if isinstance(group, RunReport):
                return [group]
            return [self._discover_one(c, p, trigger, validate, progress) for c, p in group]

        if len(groups) <= 1 or max_parallel <= 1:
            return [report for group in groups for report in run(group)]
        with ThreadPoolExecutor(max_workers=max_parallel, thread_name_prefix="discover") as pool:
            return [report for reports in pool.map(run, groups) for report in reports]

    def _discover_one(
        self,
        credential: Credential,
        primary: bool,
        trigger: str,
        validate: str,
        progress: ProgressCallback | None,
    ) -> RunReport:
        """One credential's discovery; whatever goes wrong stays in its own report."""
        try:
            return self.resolver.discover(
                credential, primary=primary, trigger=trigger, validate=validate, progress=progress
            )
        except Exception as exc:  # one provider must never take the others (and the summary) down
            log.exception("discovery of %s raised unexpectedly", credential.label)
            error = RegistryError(
                f"discovery raised {type(exc).__name__} unexpectedly",
                provider=credential.provider_id,
            )
            return RunReport(
                credential.provider_id,
                credential.label,
                "failed",
                None,
                error=error,
                message=describe_failure(credential.provider_id, error),
            )

    # -- people's edits ---------------------------------------------------------------------

    def edit_model(
        self,
        provider_id: str,
        model_id: str,
        changes: Mapping[str, Any],
        editor: str,
        *,
        edit_id: str | None = None,
        expected: Mapping[str, Any] | None = None,
    ) -> ModelRecord:
        """Apply a person's edit: only fields people own and the costs/limits/dates they type.

        Keys are column names (``"Status"``) or attribute names (``"status"``). Edited values
        get provenance ``manual`` (so discovery and the catalog never overwrite them); a cleared
        value loses its provenance (the catalog may fill it again). Writes an ``edited`` event
        naming ``editor`` plus the specific change events, and moves the version marker on.

        Only the edited columns are written, each only where it still holds what the person
        saw: ``expected`` (column or attribute -> the value the form showed; default: the value
        read now). A column someone else changed meanwhile is not written and the edit raises
        :class:`EditConflictError` naming it. ``edit_id`` is the edit's idempotency key: a retry
        of the same edit passes the same one (the dashboard makes one per form submission), so
        its history events are written once however often it is retried.
        """
        if not editor or not editor.strip():
            raise EditRejectedError("an edit needs the editor's name", hint="pass editor=...")
        edit_id = edit_id or uuid.uuid4().hex
        columns: dict[str, Any] = {}
        for key, value in changes.items():
            column = FIELD_NAMES.get(key, key)
            if column not in EDITABLE_FIELDS:
                allowed = ", ".join(sorted(EDITABLE_FIELDS))
                raise EditRejectedError(
                    f"{key!r} cannot be edited here", hint=f"editable fields: {allowed}"
                )
            columns[column] = cell(value)
        shown = {FIELD_NAMES.get(k, k): cell(v) for k, v in (expected or {}).items()}
        current = next(
            (r for r in self.store.list_models(provider_id).records if r.model_id == model_id),
            None,
        )
        if current is None:
            raise NotFoundError(
                f"{provider_id}/{model_id} is not in the registry", provider=provider_id
            )
        cells = current.to_fields()
        cells.update(columns)
        parsed = parse_row(cells, row_ref=f"{provider_id}/{model_id}")
        problems = [w for w in parsed.warnings if w.field in columns]
        if parsed.record is None or problems:
            raise EditRejectedError(
                "; ".join(str(w) for w in problems) or "the edited row cannot be read"
            )
        now_cells = row_cells(current)
        new_cells = row_cells(parsed.record)
        keys = _edit_event_keys(provider_id, model_id, edit_id, columns)
        diff = {
            column: [now_cells[column], new_cells[column]]
            for column in columns
            if now_cells[column] != new_cells[column]
        }
        moved = [c for c in diff if c in shown and shown[c] != now_cells[c]]
        if moved:
            raise EditConflictError(
                f"{', '.join(sorted(moved))} of {provider_id}/{model_id} changed since the form "
                "was shown; nothing was saved",
                provider=provider_id,
                hint="reload the page to see the new values, then edit again",
            )
        if not diff:
            # already as asked: a retry of an edit whose row was saved; its events may still
            # sit in the row's journal (a store without transactions), so write them now
            replay = tuple(e for e in journal_events(current) if e.event_key in keys.values())
            if replay:
                self.store.apply_plan(WritePlan(replay=replay))
            return current
        meta = dict(current.meta)
        provenance = dict(current.provenance)
        filled = dict(meta.get("filled") or {}) if isinstance(meta.get("filled"), dict) else {}
        for column, (_, new) in diff.items():
            filled.pop(column, None)
            if new is None or new == []:
                provenance.pop(column, None)
            else:
                provenance[column] = "manual"
        meta["provenance"] = provenance
        meta["filled"] = filled
        updated = parsed.record.replace(metadata=meta)

        now = self.resolver.clock()
        events = [
            HistoryEvent(
                event_key=keys["edited"],
                provider_id=provider_id,
                model_id=model_id,
                kind="edited",
                at=now,
                source="manual",
                actor=editor,
                detail={"changes": diff},
            )
        ]
        for column, (old, new) in diff.items():
            kind = _EDIT_EVENT_KINDS.get(column)
            if kind:
                events.append(
                    HistoryEvent(
                        event_key=keys[column],
                        provider_id=provider_id,
                        model_id=model_id,
                        kind=kind,
                        at=now,
                        source="manual",
                        actor=editor,
                        detail={"field": column, "old": old, "new": new},
                    )
                )
        write = row_write(current, updated)
        assert write is not None  # diff is not empty
        wanted = {*diff, METADATA}
        row = RowWrite(
            provider_id,
            model_id,
            {k: v for k, v in write.set.items() if k in wanted},
            {k: v for k, v in write.expect.items() if k in wanted},
        )
        outcome = self.store.apply_plan(WritePlan((row,), tuple(events)))
        if outcome.version:
            self.resolver.set_version(outcome.version)
        if outcome.conflicts:
            lost = sorted({c for _, _, cols in outcome.conflicts for c in cols} & set(diff))
            if lost or not outcome.saved_rows:
                raise EditConflictError(
                    f"{', '.join(lost) or 'the row'} of {provider_id}/{model_id} changed while "
                    "the edit was saved; those fields were not saved",
                    provider=provider_id,
                    hint="reload the page to see the new values, then edit again",
                )
        return updated

    # -- first run ---------------------------------------------------------------------------

    def ensure_seeded(self, progress: SeedProgressCallback | None = None) -> int:
        """On an empty registry, seed it from the bundled catalog (see :mod:`registry_core.seed`).

        Returns how many rows were written (0 when the registry already had models, or when the
        store is read-only). A failure here is not fatal: reads then fall back to the snapshot or
        the catalog, with a warning. ``progress`` gets a :class:`~registry_core.seed.SeedProgress`
        at the start, after each provider's rows and at the end (a first Airtable seed takes a
        while at 5 requests per second: a page can show it).
        """
        from registry_core.seed import seed_if_empty

        if not self.store.writable:
            return 0
        try:
            # through the breaker: a registry that is down costs one timeout, not one per call
            result = self.resolver.guard(
                lambda: seed_if_empty(self.store, self.settings.providers, progress=progress)
            )
        except RegistryError as exc:
            log.warning("seeding from the catalog failed: %s", exc)
            return 0
        if result.seeded:
            log.info("seeded %d models for %s", result.rows, ", ".join(result.providers))
            self.resolver.set_version(self.store.get_version())
        return result.rows

    # -- the store's state, for the Status page -------------------------------------------

    def store_health(self) -> StoreHealth:
        """The registry store's health; answers at once while the store is known to be down."""
        outage = self.resolver.store_outage()
        if outage is not None:
            return StoreHealth(
                name=self.store.name,
                location=self.store.location,
                reachable=False,
                writable=False,
                schema_ok=False,
                problems=[str(outage)],  # carries the hint; there is no command to run
                fix=None,
            )
        return self.store.health()

    def row_warnings(self) -> list[FieldWarning]:
        """Cells of the registry that could not be read as typed (through the breaker)."""
        return self.resolver.guard(self.store.list_models).warnings

    # -- scheduled refresh ------------------------------------------------------------------

    def start_refresher(self) -> bool:
        """Start the in-process refresher if ``REGISTRY_REFRESH_EVERY`` is set (once per process)."""
        return start_background_refresher(self)


class AIService:
    """The seed's ``AIService``: ``get_available_models(provider_id, api_key, base_url, force_refresh)``."""

    def __init__(self, service: ModelRegistryService | None = None) -> None:
        self.service = service or default_service()

    def get_available_models(
        self,
        provider_id: str,
        api_key: str | None = None,
        base_url: str | None = None,
        force_refresh: bool = False,
    ) -> Resolution:
        """The models plus provenance (tier, age, warnings); never empty for a known provider."""
        return self.service.get_available_models(provider_id, api_key, base_url, force_refresh)


_default: ModelRegistryService | None = None
_default_lock = threading.Lock()


def default_service() -> ModelRegistryService:
    """One service per process, built from the environment on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = ModelRegistryService.from_settings()
        return _default


def get_available_models(
    provider_id: str,
    api_key: str | None = None,
    base_url: str | None = None,
    force_refresh: bool = False,
) -> Resolution:
    """:meth:`ModelRegistryService.get_available_models` on the process-wide service."""
    return default_service().get_available_models(provider_id, api_key, base_url, force_refresh)


def get_recommended_model(provider_id: str, feature: str | None = None) -> Recommendation:
    """:meth:`ModelRegistryService.get_recommended_model` on the process-wide service."""
    return default_service().get_recommended_model(provider_id, feature)


def check_model(provider_id: str, model_id: str, within_days: int | None = None) -> ModelCheck:
    """:meth:`ModelRegistryService.check_model` on the process-wide service."""
    return default_service().check_model(provider_id, model_id, within_days)
