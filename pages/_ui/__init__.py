"""The Streamlit glue, in one place: settings and the service, cached loaders, auth, the sidebar.

Pages import this module and ``registry_core``; they hold no HTTP, SQL or Airtable code.

- **Boot** never raises: a broken configuration becomes :attr:`Boot.error`, shown on the page.
- **In-memory tier**: ``st.cache_data`` (TTL 1 h, bounded entries) around the resolver's reads,
  keyed with the registry version marker, so another replica's write shows up at the next
  version check. "Discover now" and edits clear exactly the entries they change.
- **Filters** live in the URL: the sidebar widgets are bound to query parameters, named as in
  :mod:`registry_core.filters`.
- **Access**: with an ``[auth]`` section in secrets, people sign in (``st.login``) and only
  ``REGISTRY_EDITORS`` may edit and discover; without it the app is open (see the README).
- **Routing**: ``app.py`` runs the chosen page inside :func:`routed`. Streamlit runs a script of
  ``pages/`` on its own only in its legacy multipage mode, which a process is in until ``app.py``
  first calls ``st.navigation`` (a deep link as the first request after a start, or AppTest's
  ``switch_page``). :func:`require` notices and runs ``app.py`` instead, so every page always has
  the page config, the navigation and the shared sidebar.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import queue
import runpy
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pyarrow as pa
import streamlit as st

from pages._ui import banner, safe
from pages._ui.secrets_files import secrets_problem
from registry_core.access import ANONYMOUS, EDITORS_KEY, is_editor, parse_editors
from registry_core.cache import LRUMap
from registry_core.cells import data_age
from registry_core.config import Settings, cache_ttl_or_default
from registry_core.errors import RegistryError
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.filters import (
    PARAM_AVAILABLE,
    PARAM_FEATURE,
    PARAM_PROVIDER,
    PARAM_SEARCH,
    PARAM_SORT,
    PARAM_STATUS,
    PARAM_USED_BY,
    SORT_LABELS,
    RegistryFilter,
    provider_label,
)
from registry_core.frames import browse_frame, counts
from registry_core.lifecycle import DEFAULT_WINDOW_DAYS, today_utc, verified_providers
from registry_core.notices import TIER_LABELS as TIER_LABELS  # re-exported for pages
from registry_core.records import FEATURE_OPTIONS, STATUS_OPTIONS, ModelRecord

log = logging.getLogger("registry.dashboard")

CACHE_TTL_S = cache_ttl_or_default(os.environ)  # REGISTRY_CACHE_TTL, like the resolver's cache
CACHE_MAX_ENTRIES = 64

APP_PATH = Path(__file__).resolve().parents[2] / "app.py"
_ROUTING = threading.local()


@contextlib.contextmanager
def routed() -> Any:
    """Mark the page ``app.py`` runs as reached through ``st.navigation`` (the only way it should)."""
    _ROUTING.depth = getattr(_ROUTING, "depth", 0) + 1
    try:
        yield
    finally:
        _ROUTING.depth -= 1


def ensure_routed() -> None:
    """Run ``app.py`` (which then runs this page) when Streamlit started a page on its own."""
    if getattr(_ROUTING, "depth", 0):
        return
    runpy.run_path(str(APP_PATH), run_name="__main__")
    st.stop()


PAGES: dict[str, tuple[str, str, str]] = {
    # url path: (file, title, icon)
    "browse": ("pages/browse.py", "Browse", ":material/table_view:"),
    "model": ("pages/model.py", "Model detail", ":material/info:"),
    "discover": ("pages/discover.py", "Discover", ":material/radar:"),
    "history": ("pages/history.py", "History", ":material/timeline:"),
    "deprecations": ("pages/deprecations.py", "Deprecations", ":material/event_busy:"),
    "costs": ("pages/costs.py", "Costs", ":material/payments:"),
    "status": ("pages/status.py", "Status", ":material/monitor_heart:"),
}


#: The default page is served at ``/``; Streamlit gives it no other address, so ``/browse`` (a
#: natural link to share) would show "Page not found". A hidden page at ``/browse`` runs the same
#: file. Streamlit hashes pages by ``url_path``, so the default page needs a different one.
DEFAULT_PAGE = "browse"
DEFAULT_PAGE_KEY = "home"


def navigation_pages() -> list[Any]:
    """The ``st.Page`` table; a page whose file is missing is left out, never raised on.

    The default page comes first (``st.switch_page`` by file picks the first page registered
    for it, so links to ``pages/browse.py`` land on ``/``), its hidden ``/browse`` alias last.
    """
    pages = []
    for url, (path, title, icon) in PAGES.items():
        default = url == DEFAULT_PAGE
        try:
            pages.append(
                st.Page(
                    path,
                    title=title,
                    icon=icon,
                    url_path=DEFAULT_PAGE_KEY if default else url,
                    default=default,
                )
            )
        except Exception as exc:
            log.warning("page %s left out: %s", path, type(exc).__name__)
    path, title, icon = PAGES[DEFAULT_PAGE]
    try:
        pages.append(
            st.Page(path, title=title, icon=icon, url_path=DEFAULT_PAGE, visibility="hidden")
        )
    except Exception as exc:
        log.warning("the /%s alias left out: %s", DEFAULT_PAGE, type(exc).__name__)
    return pages


# --- secrets and settings -------------------------------------------------------------------


def secrets() -> dict[str, Any]:
    """``st.secrets`` as a plain dict; ``{}`` when there is no secrets.toml.

    A broken one also reads as ``{}`` here, but never opens the app: :func:`secrets_problem`
    finds it first, ``app.py`` stops on it and :func:`auth_configured` counts it as closed.
    """
    try:
        return {str(k): _plain(v) for k, v in st.secrets.to_dict().items()}
    except FileNotFoundError:
        return {}  # no secrets.toml: the environment is enough
    except Exception as exc:  # a malformed secrets.toml must not take the app down
        log.warning("secrets.toml could not be read (%s); using the environment only", exc)
        return {}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _fingerprint(values: Mapping[str, Any]) -> str:
    # the settings identity for cache keys: a hash, so no secret ends up in a key
    raw = json.dumps(sorted((k, str(v)) for k, v in values.items()), separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass
class Boot:
    """What the app runs on. ``error`` is a plain-language reason when it cannot run."""

    settings: Settings | None = None
    service: Any = None  # registry_core.service.ModelRegistryService
    error: str | None = None
    fingerprint: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.service is not None


#: Services by settings fingerprint (one per configuration per process, like st.cache_resource,
#: but reachable from the cached loaders, which take only hashable arguments).
_SERVICES: dict[str, Any] = {}
_SERVICES_LOCK = threading.Lock()

#: Parsed settings by fingerprint: every rerun reads the same environment and secrets.
_SETTINGS: LRUMap[str, Settings] = LRUMap(16)

#: How a service is built from settings; tests swap in one with a fake discovery.
SERVICE_FACTORY: Callable[[Settings], Any] | None = None


def _build_service(settings: Settings) -> Any:
    from registry_core.service import ModelRegistryService

    if SERVICE_FACTORY is not None:
        return SERVICE_FACTORY(settings)
    return ModelRegistryService.from_settings(settings)


def _seed(service: Any) -> None:
    # a fresh machine shows the bundled catalog's models at once; a failure here only means
    # the resolver falls back to the snapshot or catalog, with a banner
    try:
        service.ensure_seeded()
    except Exception as exc:
        log.warning("seeding from the catalog failed: %s", type(exc).__name__)


def _service(fingerprint: str, settings: Settings) -> Any:
    with _SERVICES_LOCK:
        found = _SERVICES.get(fingerprint)
        if found is None:
            found = _build_service(settings)
            _seed(found)
            try:  # REGISTRY_REFRESH_EVERY: one refresher thread per process, never a failure
                found.start_refresher()
            except Exception as exc:
                log.warning("the scheduled refresh could not start: %s", type(exc).__name__)
            _SERVICES[fingerprint] = found
        return found


def reset_services() -> None:
    """Close and forget every service (tests; a changed configuration)."""
    with _SERVICES_LOCK:
        for service in _SERVICES.values():
            with contextlib.suppress(Exception):
                service.store.close()
        _SERVICES.clear()
        _SETTINGS.clear()


def _describe_failure(exc: BaseException) -> str:
    if isinstance(exc, RegistryError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"the registry file could not be opened ({exc.strerror or type(exc).__name__})"
    return f"the registry could not be opened ({type(exc).__name__})"


def boot() -> Boot:
    """Settings and the service for this run. Never raises."""
    flat = {k: v for k, v in secrets().items() if not isinstance(v, dict)}
    fingerprint = _fingerprint({**flat, **os.environ})
    settings = _SETTINGS.get(fingerprint)
    if settings is None:
        try:
            settings = Settings.from_env(os.environ, secrets=flat)
        except Exception as exc:
            return Boot(error=f"The configuration is invalid: {_describe_failure(exc)}")
        _SETTINGS.set(fingerprint, settings)
    try:
        service = _service(fingerprint, settings)
    except Exception as exc:
        log.warning("registry service failed to start: %s", type(exc).__name__)
        return Boot(
            settings=settings,
            fingerprint=fingerprint,
            error=f"The registry could not be opened: {_describe_failure(exc)}",
        )
    return Boot(settings=settings, service=service, fingerprint=fingerprint)


def require() -> Boot:
    """The boot, or stop the page (app.py already showed the error)."""
    ensure_routed()
    b = boot()
    if not b.ok:
        st.info("Nothing to show until the problem above is fixed.")
        st.stop()
    return b


# --- cached loaders (the in-memory tier) ----------------------------------------------------


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
    try:
        return str(b.service.version())
    except Exception:
        return "unavailable"


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
    arrow: Any  # the same frame as a pyarrow Table: what st.dataframe would convert it to
    keys: tuple[tuple[str, str], ...]
    total: int
    deprecated: int
    retiring_soon: int
    unavailable: int
    providers: int


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
    )


def browse_table(b: Boot, flt: RegistryFilter, today: date) -> BrowseTable:
    """The Browse frame for a filter; the warm path is one cache hit."""
    return _browse_table(b.fingerprint, version(b), _filter_key(flt), today, "model")


@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _load_events(
    fingerprint: str, version: str, provider_id: str | None, model_id: str | None
) -> list[HistoryEvent]:
    return list(_SERVICES[fingerprint].history(provider_id, model_id))


def load_events(
    b: Boot, provider_id: str | None = None, model_id: str | None = None
) -> list[HistoryEvent]:
    return _load_events(b.fingerprint, version(b), provider_id, model_id)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _load_runs(
    fingerprint: str, version: str, provider_id: str | None, limit: int
) -> list[DiscoveryRun]:
    return list(_SERVICES[fingerprint].runs(provider_id, limit=limit))


def load_runs(b: Boot, provider_id: str | None = None, limit: int = 200) -> list[DiscoveryRun]:
    return _load_runs(b.fingerprint, version(b), provider_id, limit)


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


@st.cache_data(ttl=60, max_entries=8, show_spinner=False)
def _load_health(fingerprint: str) -> Any:
    return _SERVICES[fingerprint].store_health()


def load_health(b: Boot) -> Any:
    """The store's :class:`StoreHealth`, checked at most once a minute."""
    return _load_health(b.fingerprint)


def recheck_health(b: Boot) -> None:
    _load_health.clear(b.fingerprint)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=8, show_spinner=False)
def _load_row_warnings(fingerprint: str, version: str) -> list[str]:
    return [str(w) for w in _SERVICES[fingerprint].row_warnings()]


def load_row_warnings(b: Boot) -> list[str]:
    """Cells of the registry that could not be read as typed (people edit it by hand)."""
    return _load_row_warnings(b.fingerprint, version(b))


def find_record(view: RegistryView, provider_id: str, model_id: str) -> ModelRecord | None:
    for record in view.records:
        if record.provider_id == provider_id and record.model_id == model_id:
            return record
    return None


# --- discovery --------------------------------------------------------------------------------


def credential_labels(b: Boot) -> dict[str, list[str]]:
    """Provider -> names of its configured credentials (never the keys)."""
    out: dict[str, list[str]] = {}
    try:
        for credential in b.service.credentials():
            out.setdefault(credential.provider_id, []).append(credential.name)
    except Exception as exc:
        st.warning(safe.md("Credentials could not be read: {}", _describe_failure(exc)))
    return out


def run_discovery(
    b: Boot, providers: Sequence[str], validate: str, bars: Mapping[str, Any]
) -> list[Any]:
    """Run ``service.discover`` on a worker thread, feeding progress bars from this thread.

    Discovery calls its progress callback from its own threads, where Streamlit elements
    cannot be updated; events go through a queue and this (the script's) thread draws them.
    """
    events: queue.Queue[Any] = queue.Queue()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["reports"] = b.service.discover(
                list(providers), trigger="user", validate=validate, progress=events.put
            )
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=work, name="dashboard-discover", daemon=True)
    worker.start()
    while worker.is_alive() or not events.empty():
        try:
            event = events.get(timeout=0.1)
        except queue.Empty:
            continue
        _draw_progress(bars, event)
    worker.join()
    if "error" in box:
        error = box["error"]
        message = _describe_failure(error)
        for bar in bars.values():
            bar.progress(1.0, text=safe.md("failed: {}", message))
        st.error(safe.md("Discovery could not run: {}", message))
        return []
    reports: list[Any] = box.get("reports", [])
    for report in reports:
        bar = bars.get(report.provider_id)
        if bar is not None:
            bar.progress(1.0, text=safe.text(report_line(report)))
    return reports


def credential_title(provider_id: str, credential: str) -> str:
    """How the dashboard names a credential everywhere: ``"OpenAI (default)"``.

    ``credential`` is the stored label (``"openai/default"``) or a bare name (``"default"``).
    """
    prefix = f"{provider_id}/"
    name = credential[len(prefix) :] if credential.startswith(prefix) else credential
    return f"{provider_label(provider_id)} ({name or 'default'})"


def report_line(report: Any) -> str:
    """One finished run in a line: ``"OpenAI (default): ok, 3 models"``."""
    seen = report.run.models_seen if report.run else 0
    title = credential_title(report.provider_id, report.credential)
    if getattr(report, "save_failed", False):
        return f"{title}: listed {seen}, saved 0 — the registry write failed"
    return f"{title}: {report.outcome}, {seen} models"


def _draw_progress(bars: Mapping[str, Any], event: Any) -> None:
    bar = bars.get(getattr(event, "provider_id", ""))
    if bar is None:
        return
    stage = getattr(event, "stage", "")
    models = getattr(event, "models", 0)
    pages = getattr(event, "pages", 0)
    who = event.provider_id
    if stage == "started":
        bar.progress(0.05, text=safe.md("{}: listing…", who))
    elif stage == "page":
        bar.progress(min(0.9, 0.1 + 0.1 * pages), text=safe.md("{}: {} models so far", who, models))
    elif stage == "finished":
        bar.progress(1.0, text=safe.md("{}: {} models listed", who, models))
    elif stage == "failed":
        bar.progress(1.0, text=safe.md("{}: failed — {}", who, event.message or "see below"))


def summarise_reports(reports: Sequence[Any]) -> list[dict[str, Any]]:
    """Plain dicts (safe to keep in session state) with the plain-language message and diff."""
    out = []
    for r in reports:
        diff = r.diff.to_dict() if hasattr(r.diff, "to_dict") else {}
        out.append(
            {
                "provider_id": r.provider_id,
                "credential": r.credential,
                "title": credential_title(r.provider_id, r.credential),
                "outcome": r.outcome,
                "save_failed": bool(getattr(r, "save_failed", False)),
                "message": r.message or (str(r.error) if r.error else ""),
                "warnings": list(r.warnings),
                "refused": list(getattr(r, "refused", ())),
                "duplicates": list(getattr(r, "duplicates", ())),
                "item_warnings": list(getattr(r, "item_warnings", ())),
                "diff": {
                    "added": list(diff.get("added", [])),
                    "removed": list(diff.get("removed", [])),
                    "returned": list(diff.get("returned", [])),
                    "missing": list(diff.get("missing", [])),
                    "changed": dict(diff.get("changed", {})),
                },
            }
        )
    return out


# --- access -----------------------------------------------------------------------------------


def auth_configured() -> bool:
    """Whether people must sign in: secrets have an ``[auth]`` section, or cannot be read.

    Unreadable secrets count as configured (closed), never as "no [auth]" (open); ``app.py``
    stops on them before any page runs (:func:`secrets_problem`).
    """
    if secrets_problem() is not None:
        return True
    return isinstance(secrets().get("auth"), dict)


def user_email() -> str | None:
    """The signed-in person's email (or name), or ``None``."""
    try:
        if not st.user.is_logged_in:
            return None
        return str(st.user.get("email") or st.user.get("name") or "") or None
    except Exception:
        return None


def logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:
        return False


def editors() -> list[str]:
    """``REGISTRY_EDITORS`` from secrets (a list) or the environment (comma-separated)."""
    raw: Any = secrets().get(EDITORS_KEY)
    return parse_editors(os.environ.get(EDITORS_KEY) if raw is None else raw)


@dataclass(frozen=True)
class Access:
    may_edit: bool
    editor: str  # name written into history events
    reason: str  # why not, in plain language ("" when allowed)


def access(b: Boot) -> Access:
    """Who is using the app and whether they may edit and discover."""
    if b.service is not None and not getattr(b.service.store, "writable", False):
        return Access(False, ANONYMOUS, "The registry is read-only here (AIRTABLE_MODE=read).")
    if not auth_configured():
        return Access(True, ANONYMOUS, "")
    email = user_email()
    if email is None:
        return Access(False, ANONYMOUS, "Sign in to edit or discover.")
    if is_editor(email, editors()):
        return Access(True, email, "")
    return Access(
        False,
        email,
        f"{email} is not in {EDITORS_KEY}; ask an admin to add you to edit or discover.",
    )


def _auth_provider() -> str | None:
    section = secrets().get("auth") or {}
    if "client_id" in section:
        return None
    named = [k for k, v in section.items() if isinstance(v, dict)]
    return named[0] if named else None


def login_page() -> None:
    """The only page people see before they sign in."""
    st.title("AI Model Registry")
    st.write("Sign in to see which AI models your team can use.")
    provider = _auth_provider()
    st.button(
        "Sign in", type="primary", on_click=(lambda: st.login(provider) if provider else st.login())
    )


# --- sidebar ----------------------------------------------------------------------------------


def provider_options(b: Boot) -> list[str]:
    known = list(b.settings.providers) if b.settings else []
    if b.ok:
        with contextlib.suppress(Exception):
            known += view_summary(b).provider_ids
    return list(dict.fromkeys(known))


def sidebar_filters(b: Boot) -> RegistryFilter:
    """The shared filters; bound to the URL so a filtered view is a shareable link."""
    sb = st.sidebar
    sb.multiselect("Provider", provider_options(b), key=PARAM_PROVIDER, bind="query-params")
    sb.multiselect("Status", list(STATUS_OPTIONS), key=PARAM_STATUS, bind="query-params")
    sb.multiselect(
        "Features",
        list(FEATURE_OPTIONS),
        key=PARAM_FEATURE,
        bind="query-params",
        help="Models must have every feature chosen.",
    )
    sb.text_input("Search", key=PARAM_SEARCH, bind="query-params", placeholder="gpt-4o, sonnet…")
    sb.toggle("Available only", key=PARAM_AVAILABLE, bind="query-params")
    sb.text_input(
        "Used by",
        key=PARAM_USED_BY,
        bind="query-params",
        placeholder="team or service",
        help="Models whose Used By names any of these (separate names with commas).",
    )
    sb.selectbox("Sort", list(SORT_LABELS), key=PARAM_SORT, bind="query-params")
    return current_filter()


def current_filter() -> RegistryFilter:
    """The filter the sidebar widgets hold in this run."""
    state = st.session_state
    return RegistryFilter.from_query_params(
        {
            PARAM_PROVIDER: list(state.get(PARAM_PROVIDER) or []),
            PARAM_STATUS: list(state.get(PARAM_STATUS) or []),
            PARAM_FEATURE: list(state.get(PARAM_FEATURE) or []),
            PARAM_SEARCH: str(state.get(PARAM_SEARCH) or ""),
            PARAM_AVAILABLE: "true" if state.get(PARAM_AVAILABLE) else "",
            PARAM_SORT: str(state.get(PARAM_SORT) or "provider"),
            PARAM_USED_BY: str(state.get(PARAM_USED_BY) or ""),
        }
    )


def store_label(b: Boot) -> str:
    if b.settings is not None and b.settings.airtable.enabled:
        return f"Airtable ({b.settings.airtable.mode})"
    return "SQLite"


def sidebar_status(b: Boot, flt: RegistryFilter) -> None:
    """The one-line description of the filters, the active store and the data's age."""
    if not b.ok:
        return
    try:
        view = view_summary(b)
        shown = filter_count(b, flt)
    except Exception:
        st.sidebar.caption(safe.md("Store: {} — unreadable", store_label(b)))
        return
    st.sidebar.caption(safe.text(flt.describe(shown)))
    st.sidebar.caption(
        safe.md(
            "Store: **{}** · data {} · served from {}",
            store_label(b),
            data_age(view.age_s()),
            banner.served_label(b, view.tier),
        )
    )
    who = user_email()
    if who:
        st.sidebar.caption(safe.md("Signed in as {}", who))
        st.sidebar.button("Sign out", on_click=st.logout)


def banners(view: RegistryView | ViewSummary) -> None:
    """Warnings from the resolver (what is served instead of what), never a traceback."""
    for message in view.warnings[:5]:
        st.warning(safe.text(message), icon=":material/warning:")
    if len(view.warnings) > 5:
        with st.expander(f"{len(view.warnings) - 5} more warnings"):
            for message in view.warnings[5:]:
                st.markdown(safe.text(message))


def safely(what: str, fn: Callable[[], Any]) -> Any:
    """Run a registry call; on failure show what went wrong in plain language and return None."""
    try:
        return fn()
    except RegistryError as exc:
        st.error(safe.md("Could not {}: {}", what, exc))
    except Exception as exc:
        log.exception("dashboard: %s failed", what)
        st.error(
            safe.md("Could not {} ({}).", what, type(exc).__name__)
            + " The Status page shows what is wrong."
        )
    return None


def today() -> date:
    return today_utc()


def window_days_for(fingerprint: str) -> int:
    """The lifecycle window (``REGISTRY_RETIRING_WITHIN_DAYS``) of this configuration."""
    settings = _SETTINGS.get(fingerprint)
    return settings.retiring_within_days if settings is not None else DEFAULT_WINDOW_DAYS


def page_path(name: str) -> str:
    return PAGES[name][0]


# --- shared display conventions ---------------------------------------------------------------

#: Times in tables read like "2026-11-25 20:41 UTC" on every page (``frames`` formats text the
#: same way).
TIME_FORMAT = "YYYY-MM-DD HH:mm [UTC]"


def time_column(label: str) -> Any:
    return st.column_config.DatetimeColumn(label, format=TIME_FORMAT, timezone="UTC")


#: How an availability interval is labelled and coloured, on History and Model detail alike.
AVAILABLE_NOW = "available now"
NO_LONGER_AVAILABLE = "no longer available"
AVAILABILITY_COLORS = {AVAILABLE_NOW: "#16a34a", NO_LONGER_AVAILABLE: "#94a3b8"}


def availability_frame(intervals: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Intervals from ``history.availability_intervals`` with a readable ``availability``."""
    frame = pd.DataFrame(list(intervals))
    frame["availability"] = [
        AVAILABLE_NOW if ongoing else NO_LONGER_AVAILABLE for ongoing in frame["ongoing"]
    ]
    return frame


def availability_color() -> Any:
    """The colour encoding of ``availability``; the legend sits below the chart, so it fits."""
    return alt.Color(
        "availability:N",
        title="Availability",
        scale=alt.Scale(domain=list(AVAILABILITY_COLORS), range=list(AVAILABILITY_COLORS.values())),
        legend=alt.Legend(
            orient="bottom", direction="horizontal", titleOrient="left", labelLimit=0
        ),
    )


def model_axis() -> Any:
    """The y axis of a chart with one row per ``provider/model``: labels are never clipped.

    Vega-Lite cuts axis labels at 180 px by default, which turns ``anthropic/claude-3-5-sonnet-
    20241022`` and ``anthropic/claude-3-5-sonnet-latest`` into the same ``anthropic/claude…``.
    """
    return alt.Axis(labelLimit=0, title=None)
