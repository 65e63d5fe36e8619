"""Boot: settings and the registry service of this run, built once per configuration.

**Boot** never raises: a broken configuration becomes :attr:`Boot.error`, shown on the page.
One :class:`ModelRegistryService` per settings fingerprint per process (like
``st.cache_resource``, but reachable from the cached loaders, which take only hashable
arguments); a fresh one seeds an empty registry from the bundled catalog and starts the
scheduled refresh.

Tests swap the service for one with a fake discovery by setting ``pages._ui.SERVICE_FACTORY``
(the package attribute is the hook; it is read on every build).
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import streamlit as st

from pages._ui.routing import ensure_routed
from registry_core.cache import LRUMap
from registry_core.config import Settings
from registry_core.errors import RegistryError
from registry_core.lifecycle import DEFAULT_WINDOW_DAYS, today_utc

if TYPE_CHECKING:
    from registry_core.service import ModelRegistryService

log = logging.getLogger("registry.dashboard")

#: How a service is built from settings (``pages._ui.SERVICE_FACTORY`` holds the one in use).
ServiceFactory = Callable[[Settings], "ModelRegistryService"]


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
    service: ModelRegistryService | None = None
    error: str | None = None
    fingerprint: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.service is not None


#: Services by settings fingerprint (one per configuration per process, like st.cache_resource,
#: but reachable from the cached loaders, which take only hashable arguments).
_SERVICES: dict[str, ModelRegistryService] = {}
_SERVICES_LOCK = threading.Lock()

#: Parsed settings by fingerprint: every rerun reads the same environment and secrets.
_SETTINGS: LRUMap[str, Settings] = LRUMap(16)


def _service_factory() -> ServiceFactory | None:
    import pages._ui as package  # the hook lives on the package, where tests set it

    factory: ServiceFactory | None = getattr(package, "SERVICE_FACTORY", None)
    return factory


def _build_service(settings: Settings) -> ModelRegistryService:
    from registry_core.service import ModelRegistryService

    factory = _service_factory()
    if factory is not None:
        return factory(settings)
    return ModelRegistryService.from_settings(settings)


#: What the page says while the first start writes the bundled catalog into the registry
#: (seconds on SQLite, about a minute on an empty Airtable base at its request limit).
SEED_MESSAGE = (
    "Setting up the registry: writing the bundled catalog's models (first start only; "
    "on Airtable this takes about a minute)…"
)


def _seed_progress_text(*args: object) -> str:
    """A seed progress report as a line: ``(done, total)`` counts, or whatever text it gives."""
    numbers = [a for a in args if isinstance(a, int) and not isinstance(a, bool)]
    if len(numbers) >= 2 and numbers[1] > 0:
        return f"Setting up the registry: {numbers[0]:,} of {numbers[1]:,} catalog models written…"
    for arg in args:
        for attr in ("written", "done", "rows"):
            done = getattr(arg, attr, None)
            total = getattr(arg, "total", None)
            if isinstance(done, int) and isinstance(total, int) and total > 0:
                return f"Setting up the registry: {done:,} of {total:,} catalog models written…"
    return SEED_MESSAGE


def _seed(service: ModelRegistryService) -> None:
    # a fresh machine shows the bundled catalog's models at once; a failure here only means
    # the resolver falls back to the snapshot or catalog, with a banner. The page says what
    # is happening meanwhile: progress when the service reports it, else a spinner with text.
    try:
        takes_progress = "progress" in inspect.signature(service.ensure_seeded).parameters
    except (TypeError, ValueError):
        takes_progress = False
    try:
        with st.spinner(SEED_MESSAGE, show_time=True):
            if takes_progress:
                line = st.empty()

                def progress(*args: object) -> None:
                    with contextlib.suppress(Exception):  # a report never stops the seed
                        line.caption(_seed_progress_text(*args))

                service.ensure_seeded(progress=progress)  # type: ignore[call-arg]
                line.empty()
            else:
                service.ensure_seeded()
    except Exception as exc:
        log.warning("seeding from the catalog failed: %s", type(exc).__name__)


def _service(fingerprint: str, settings: Settings) -> ModelRegistryService:
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


def describe_failure(exc: BaseException) -> str:
    """A failure in plain language (never a traceback, never a secret)."""
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
            return Boot(error=f"The configuration is invalid: {describe_failure(exc)}")
        _SETTINGS.set(fingerprint, settings)
    try:
        service = _service(fingerprint, settings)
    except Exception as exc:
        log.warning("registry service failed to start: %s", type(exc).__name__)
        return Boot(
            settings=settings,
            fingerprint=fingerprint,
            error=f"The registry could not be opened: {describe_failure(exc)}",
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


def today() -> date:
    """Today, as the lifecycle rules count it (UTC)."""
    return today_utc()


def window_days_for(fingerprint: str) -> int:
    """The lifecycle window (``REGISTRY_RETIRING_WITHIN_DAYS``) of this configuration."""
    settings = _SETTINGS.get(fingerprint)
    return settings.retiring_within_days if settings is not None else DEFAULT_WINDOW_DAYS
