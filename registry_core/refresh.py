"""Scheduled refresh: the ``refresh`` command for cron / systemd / Kubernetes, and the opt-in
in-process refresher of the dashboard.

Several hosts may run a refresh at the same time. Each provider has a **lease** kept in the
registry itself (:meth:`~registry_core.stores.base.RegistryStore.acquire_leases`): a refresh
lists and writes only the providers whose lease it took, and reports the others as
"refreshed by <host> at <time>" (outcome ``skipped``). A lease lasts ``REGISTRY_LEASE_TTL``
(default 5 minutes) unless released, so a crashed host blocks a provider no longer than that.
Writes stay idempotent underneath (records are upserted by key and only when changed; history
events are keyed by what changed, not by run), so even a host that lost its lease half-way
writes no duplicate. ``--if-older-than`` skips providers that any host listed successfully
within the window, which keeps a fleet of timers from listing a provider N times.

Exit status (:func:`exit_status`): ``0`` when every provider that was attempted listed and its
changes were saved (one provider whose *listing* failed while others worked is still ``0``: one
provider down must not page anyone); ``1`` when every attempted provider failed to list, or
there was nothing to refresh at all; ``3`` when a listing succeeded but writing it to the
registry failed for at least one provider (nothing of that listing is saved: the registry is
down, read-only on disk, or refused the write), so cron and CI see that the registry is not
being kept up to date. ``2`` stays the command line's usage error.

Scheduling it (any number of hosts may do this at once)::

    # cron: every 6 hours
    0 */6 * * *  cd /srv/registry && .venv/bin/python -m registry_core refresh --all --if-older-than 5h

    # systemd: registry-refresh.service + registry-refresh.timer
    [Service]
    Type=oneshot
    WorkingDirectory=/srv/registry
    EnvironmentFile=/etc/registry.env
    ExecStart=/srv/registry/.venv/bin/python -m registry_core refresh --all --if-older-than 5h
    [Timer]
    OnCalendar=*-*-* 00/6:00:00
    RandomizedDelaySec=10m
    Persistent=true

    # Kubernetes CronJob (container spec)
    schedule: "0 */6 * * *"
    concurrencyPolicy: Forbid
    command: ["python", "-m", "registry_core", "refresh", "--all", "--if-older-than", "5h"]
    envFrom: [{secretRef: {name: registry-keys}}]

In the dashboard, ``REGISTRY_REFRESH_EVERY=6h`` starts :class:`BackgroundRefresher` once per
process (:meth:`registry_core.service.ModelRegistryService.start_refresher`).
"""

from __future__ import annotations

import logging
import os
import random
import re
import socket
import threading
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from registry_core.cells import human_age
from registry_core.config import Settings
from registry_core.errors import RegistryError
from registry_core.flight import process_alive
from registry_core.provider_table import display_name
from registry_core.providers.base import Credential
from registry_core.resolution import RunReport
from registry_core.resolver import Resolver
from registry_core.stores.base import Lease, LeaseState, RegistryStore

if TYPE_CHECKING:
    from registry_core.feeds import FeedOutcome

log = logging.getLogger(__name__)


class RefreshTarget(Protocol):
    """What a refresh needs of the service (:class:`~registry_core.service.ModelRegistryService`
    is one); a protocol, so this module never imports the service and the service imports it."""

    store: RegistryStore
    settings: Settings
    resolver: Resolver

    def configured_providers(self) -> list[str]: ...

    def credentials(self, provider_id: str | None = None) -> list[Credential]: ...

    def discover(
        self, providers: Sequence[str] | None = None, *, trigger: str = "user"
    ) -> list[RunReport]: ...


def last_success(store: RegistryStore, provider_id: str, *, scan: int = 20) -> datetime | None:
    """When ``provider_id`` was last listed successfully (by any host), from the runs table."""
    for run in store.list_runs(provider_id, scan):
        if run.outcome in ("ok", "suspect") and run.trigger != "seed":
            return run.started_at
    return None


def holder_name() -> str:
    """Who this process is, in leases and "refreshed by" reports: ``host (pid 123)``."""
    return f"{socket.gethostname()} (pid {os.getpid()})"


def _gone_here(holder: str) -> bool:
    """Whether ``holder`` (a :func:`holder_name`) is a process of this host that has ended."""
    match = re.fullmatch(r"(.+) \(pid (\d+)\)", holder)
    if match is None or match.group(1) != socket.gethostname():
        return False
    return not process_alive(int(match.group(2)))


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _refreshed_by(provider_id: str, state: LeaseState) -> RunReport:
    if state.lease is not None:
        text = (
            f"refreshed by {state.lease.holder} at {_when(state.lease.acquired_at)} "
            f"(still running; its lease ends by {_when(state.lease.expires_at)})"
        )
    else:
        text = f"refreshed by {state.refreshed_by} at {_when(state.refreshed_at or utc_now())}"
    return RunReport(
        provider_id,
        f"{provider_id}/*",
        "skipped",
        None,
        message=f"{display_name(provider_id)}: {text}",
    )


def utc_now() -> datetime:
    return datetime.now(UTC)


def take_leases(
    store: RegistryStore,
    providers: Sequence[str],
    *,
    holder: str,
    ttl_s: float,
    began: datetime,
    if_older_than_s: float | None = None,
) -> tuple[dict[str, Lease], dict[str, RunReport]]:
    """Take the lease of each provider: ``(leases taken, "refreshed by" reports of the rest)``.

    A provider is left to another host when that host holds its lease, or released it after a
    successful refresh since ``began`` (or within ``if_older_than_s``). A store that cannot
    keep leases (read-only, or unreachable) gives no leases and no reports: every provider is
    refreshed as before, relying on idempotent writes.
    """
    if not providers or not store.writable or not hasattr(store, "acquire_leases"):
        return {}, {}
    token = uuid.uuid4().hex
    try:
        states = store.acquire_leases(providers, holder, ttl_s, token=token)
        # a lease whose holder was a process on this host that is gone (killed, crashed) need
        # not block until it expires: give it back for the dead process and claim again
        dead = [
            s.lease
            for s in states.values()
            if s.lease is not None and s.lease.token != token and _gone_here(s.lease.holder)
        ]
        if dead:
            store.release_leases(dead, refreshed=False)
            retaken = store.acquire_leases(
                [lease.provider_id for lease in dead], holder, ttl_s, token=token
            )
            states = {**states, **retaken}
    except RegistryError as exc:
        log.warning("could not take the refresh leases (%s); refreshing without them", exc)
        return {}, {}
    taken: dict[str, Lease] = {}
    others: dict[str, RunReport] = {}
    now = utc_now()
    fresh_leases: list[Lease] = []
    for provider_id in providers:
        state = states.get(provider_id, LeaseState(provider_id))
        lease = state.lease
        if lease is None or lease.token != token:
            if lease is not None or state.refreshed_by:
                others[provider_id] = _refreshed_by(provider_id, state)
            else:  # nobody holds it and we did not get it (store refused): refresh anyway
                log.warning("no lease for %s; refreshing it without one", provider_id)
            continue
        done = state.refreshed_at
        recent = done is not None and (
            done >= began
            or (if_older_than_s is not None and (now - done).total_seconds() < if_older_than_s)
        )
        if recent:  # name the host that refreshed it, not our own fresh lease
            others[provider_id] = _refreshed_by(provider_id, replace(state, lease=None))
            fresh_leases.append(lease)
        else:
            taken[provider_id] = lease
    if fresh_leases:
        give_back(store, fresh_leases, refreshed=False)
    return taken, others


def give_back(store: RegistryStore, leases: Sequence[Lease], *, refreshed: bool) -> None:
    """Release leases; a failure only logs (the leases then expire on their own)."""
    if not leases:
        return
    try:
        store.release_leases(leases, refreshed=refreshed)
    except RegistryError as exc:
        log.warning("could not release %d refresh lease(s) (%s); they expire", len(leases), exc)


def refresh_reference_feeds(
    service: RefreshTarget, *, if_older_than_s: float | None = None
) -> list[FeedOutcome]:
    """Fetch the live catalog / lifecycle feeds that are turned on (see :mod:`registry_core.feeds`)
    before listing, so this round's listings are enriched from them; a feed that fails only
    warns (the copy in use stays) and never changes the exit status."""
    from registry_core.feeds import refresh_feeds  # httpx: only when a refresh runs

    try:
        return refresh_feeds(service.settings, if_older_than_s=if_older_than_s)
    except Exception:  # a feed must never take the providers' refresh down
        log.exception("refreshing the reference feeds failed")
        return []


def refresh(
    service: RefreshTarget,
    providers: Sequence[str] | None = None,
    *,
    if_older_than_s: float | None = None,
    trigger: str = "schedule",
    holder: str | None = None,
) -> list[RunReport]:
    """Discover ``providers`` (every configured one when ``None``), skipping fresh ones.

    Takes each provider's lease first (see :func:`take_leases`) and releases it when done.
    Returns one report per provider and credential, in the order asked; skipped providers get
    an ``outcome="skipped"`` report saying when they were last listed, or by whom.
    """
    began = utc_now()
    refresh_reference_feeds(service, if_older_than_s=if_older_than_s)
    wanted = list(providers) if providers else service.configured_providers()
    wanted = list(dict.fromkeys(p.strip().lower() for p in wanted if p.strip()))
    now = service.resolver.clock()
    skipped: dict[str, RunReport] = {}
    if if_older_than_s is not None:
        for provider_id in wanted:
            try:
                last = last_success(service.store, provider_id)
            except RegistryError as exc:
                log.warning("could not read the runs of %s (%s); refreshing it", provider_id, exc)
                continue
            if last is not None and (now - last).total_seconds() < if_older_than_s:
                age = human_age((now - last).total_seconds())
                skipped[provider_id] = RunReport(
                    provider_id,
                    f"{provider_id}/*",
                    "skipped",
                    None,
                    message=f"{display_name(provider_id)}: listed {age} ago; not due yet",
                )
    todo = [p for p in wanted if p not in skipped and service.credentials(p)]
    leases, elsewhere = take_leases(
        service.store,
        todo,
        holder=holder or holder_name(),
        ttl_s=service.settings.lease_ttl_s,
        began=began,
        if_older_than_s=if_older_than_s,
    )
    skipped.update(elsewhere)
    todo = [p for p in wanted if p not in skipped]
    done: list[RunReport] = []
    try:
        done = service.discover(todo, trigger=trigger) if todo else []
    finally:
        listed = {r.provider_id for r in done if r.outcome in ("ok", "suspect") and r.saved}
        give_back(service.store, [v for k, v in leases.items() if k in listed], refreshed=True)
        give_back(service.store, [v for k, v in leases.items() if k not in listed], refreshed=False)
    by_provider: dict[str, list[RunReport]] = {}
    for report in done:
        by_provider.setdefault(report.provider_id, []).append(report)
    out: list[RunReport] = []
    for provider_id in wanted:
        out.extend(
            [skipped[provider_id]] if provider_id in skipped else by_provider.get(provider_id, [])
        )
    return out


#: Exit status of a refresh whose listing succeeded but could not be saved (see module doc).
EXIT_NOT_SAVED = 3


def exit_status(reports: Sequence[RunReport]) -> int:
    """0 ok; 1 every attempted provider failed (or nothing to do); 3 a listing was not saved.

    A provider counts as failed only when all its credentials failed.

    >>> exit_status([RunReport("a", "a/default", "failed", None), RunReport("b", "b/default", "ok", None)])
    0
    >>> exit_status([RunReport("a", "a/default", "failed", None)])
    1
    """
    if not reports:
        return 1
    by_provider: dict[str, list[str]] = {}
    for report in reports:
        by_provider.setdefault(report.provider_id, []).append(report.outcome)
    attempted = {p: o for p, o in by_provider.items() if o != ["skipped"]}
    if not attempted:
        return 0
    if all(all(x == "failed" for x in o) for o in attempted.values()):
        return 1
    return EXIT_NOT_SAVED if any(r.save_failed for r in reports) else 0


# --- the in-process refresher ----------------------------------------------------------------


class BackgroundRefresher(threading.Thread):
    """A daemon thread that refreshes every ``every_s`` (± 10 % jitter), skipping fresh providers.

    Several dashboard processes each run one; ``if_older_than`` = 90 % of the period means a
    provider another process just listed is not listed again.
    """

    def __init__(
        self,
        service: RefreshTarget,
        every_s: float,
        *,
        initial_delay_s: float | None = None,
    ) -> None:
        super().__init__(name="registry-refresher", daemon=True)
        self.service = service
        self.every_s = every_s
        self.initial_delay_s = min(30.0, every_s) if initial_delay_s is None else initial_delay_s
        self.stopped = threading.Event()
        self.rounds = 0
        self.last_reports: list[RunReport] = []

    def run(self) -> None:
        delay = self.initial_delay_s
        while not self.stopped.wait(delay):
            try:
                self.last_reports = refresh(
                    self.service, if_older_than_s=self.every_s * 0.9, trigger="schedule"
                )
            except Exception:  # the thread must outlive any one bad round
                log.exception("background refresh failed")
            self.rounds += 1
            delay = self.every_s * random.uniform(0.9, 1.1)

    def stop(self) -> None:
        self.stopped.set()


_refresher: BackgroundRefresher | None = None
_refresher_lock = threading.Lock()


def start_background_refresher(
    service: RefreshTarget,
    *,
    every_s: float | None = None,
    initial_delay_s: float | None = None,
) -> bool:
    """Start the process's refresher once (``REGISTRY_REFRESH_EVERY``); ``False`` if not started.

    Safe to call on every Streamlit rerun: a module-level guard keeps it to one thread.
    """
    global _refresher
    period = every_s if every_s is not None else service.settings.refresh_every_s
    if not period or period <= 0:
        return False
    with _refresher_lock:
        if _refresher is not None and _refresher.is_alive():
            return False
        _refresher = BackgroundRefresher(service, period, initial_delay_s=initial_delay_s)
        _refresher.start()
    log.info("background refresh every %s", human_age(period))
    return True


def stop_background_refresher(timeout_s: float = 5.0) -> None:
    """Stop the process's refresher (tests, shutdown hooks)."""
    global _refresher
    with _refresher_lock:
        current, _refresher = _refresher, None
    if current is not None:
        current.stop()
        current.join(timeout_s)


def background_refresher() -> BackgroundRefresher | None:
    """The running refresher, if any (the Status page shows its rounds)."""
    return _refresher
