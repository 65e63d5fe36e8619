"""Airtable pacing shared by the processes of one host: a file-locked ledger per base.

:class:`~registry_core.stores.airtable_http.RateLimiter` keeps one process's requests to a
base within 5 per second. Two processes on one host (a cron ``refresh`` next to the dashboard,
or two timers firing together) would each use the whole budget and earn a 429 and a 30-second
lockout. :class:`SharedRateLimiter` puts every request through the process's own limiter *and*
through a small ledger file under the registry's data directory
(``$REGISTRY_DATA_DIR/airtable-pacing/<base>-<endpoint hash>.json``), locked with
``fcntl.flock`` while a request takes its turn. The ledger applies the in-process rule to all
processes at once: a request leaves at least ``1/rate`` after the previous one, and only once
one second (``WINDOW_S``) has passed since the answer to the request ``rate`` places before it.

Times are ``time.monotonic()``, which on Linux and macOS is one clock for the whole machine.
An entry whose process has died, or that was never answered within ``MAX_HOLD_S``, counts as
answered. When the directory cannot be written (or there is no ``fcntl``, as on Windows),
:func:`shared_limiter` falls back to the process's own limiter and logs why once.

Processes on *different* hosts do not share this ledger; see the README's "Several hosts".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from registry_core.flight import process_alive
from registry_core.stores.airtable_http import (
    MAX_HOLD_S,
    PACING_MARGIN,
    WINDOW_S,
    RateLimiter,
    Slot,
)

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: How often a request waiting on another process's unanswered request looks again.
POLL_S = 0.01


class PacingLedger:
    """The recent requests of every process on this host to one base, in one locked file."""

    def __init__(self, path: Path, rate: float, *, margin: float = PACING_MARGIN) -> None:
        if fcntl is None:
            raise OSError("fcntl is not available on this platform")
        self.path = path
        self.interval = (1.0 / rate) * (1.0 + margin)
        self.per_window = max(1, int(rate))
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():  # proves the file can be created, locked and written
            pass

    @contextlib.contextmanager
    def _locked(self) -> Iterator[IO[str]]:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield handle
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    @staticmethod
    def _load(handle: IO[str]) -> dict[str, Any]:
        handle.seek(0)
        try:
            state = json.loads(handle.read() or "{}")
        except ValueError:
            state = {}
        if not isinstance(state, dict):
            state = {}
        recent = state.get("recent")
        state["recent"] = (
            [e for e in recent if isinstance(e, dict)] if isinstance(recent, list) else []
        )
        state["next"] = float(state.get("next") or 0.0)
        return state

    @staticmethod
    def _save(handle: IO[str], state: dict[str, Any]) -> None:
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(state))
        handle.flush()

    def acquire(self) -> str:
        """Wait for this request's turn among all processes; returns its ledger entry id."""
        entry_id = uuid.uuid4().hex
        while True:
            with self._locked() as handle:
                state = self._load(handle)
                now = time.monotonic()
                recent: list[dict[str, Any]] = state["recent"][-self.per_window :]
                ready = max(now, state["next"])
                pending = False
                if len(recent) == self.per_window:
                    oldest = recent[0]
                    if oldest.get("done") is None:
                        started = float(oldest.get("started") or 0.0)
                        if now - started < MAX_HOLD_S and process_alive(
                            int(oldest.get("pid") or 0)
                        ):
                            pending = True
                        else:  # its process died (or hung): count it as answered now
                            oldest["done"] = now
                            self._save(handle, state)
                    if not pending:
                        ready = max(ready, float(oldest["done"]) + WINDOW_S)
                if not pending and ready <= now:
                    recent.append({"id": entry_id, "pid": os.getpid(), "started": now})
                    state["recent"] = recent[-self.per_window :]
                    state["next"] = now + self.interval
                    self._save(handle, state)
                    return entry_id
            time.sleep(POLL_S if pending else min(max(ready - now, 0.0), 0.25))

    def release(self, entry_id: str) -> None:
        """The answer to the entry's request is back (or it failed)."""
        with self._locked() as handle:
            state = self._load(handle)
            for entry in state["recent"]:
                if entry.get("id") == entry_id and entry.get("done") is None:
                    entry["done"] = time.monotonic()
                    self._save(handle, state)
                    return


@dataclass(slots=True)
class SharedTurn:
    """One request's turn: its slot in the process's limiter and its entry in the ledger."""

    slot: Slot
    entry: str | None


class SharedRateLimiter:
    """The process's :class:`RateLimiter` plus the host's :class:`PacingLedger` for one base.

    Same ``acquire`` / ``release`` interface as ``RateLimiter``. If the ledger file fails later
    (disk full, directory removed), pacing carries on per process and says so once.
    """

    def __init__(self, local: RateLimiter, ledger: PacingLedger) -> None:
        self.local = local
        self.ledger: PacingLedger | None = ledger

    def _ledger_failed(self, exc: OSError) -> None:
        if self.ledger is not None:
            log.warning(
                "Airtable pacing ledger %s failed (%s); pacing this process only",
                self.ledger.path,
                exc,
            )
        self.ledger = None

    def acquire(self) -> SharedTurn:
        slot = self.local.acquire()
        entry = None
        ledger = self.ledger
        if ledger is not None:
            try:
                entry = ledger.acquire()
            except OSError as exc:
                self._ledger_failed(exc)
        return SharedTurn(slot, entry)

    def release(self, turn: SharedTurn | None) -> None:
        if turn is None:
            return
        ledger = self.ledger
        if ledger is not None and turn.entry is not None:
            try:
                ledger.release(turn.entry)
            except OSError as exc:
                self._ledger_failed(exc)
            turn.entry = None
        self.local.release(turn.slot)


_SHARED: dict[tuple[str, str, str], SharedRateLimiter] = {}
_SHARED_LOCK = threading.Lock()
_WARNED: set[str] = set()


def ledger_path(directory: Path, endpoint_url: str, base_id: str) -> Path:
    """The ledger file of one base at one endpoint (a stand-in and Airtable never share)."""
    endpoint = hashlib.sha256(endpoint_url.rstrip("/").encode()).hexdigest()[:10]
    return directory / f"{base_id}-{endpoint}.json"


def shared_limiter(
    local: RateLimiter, directory: Path, endpoint_url: str, base_id: str, rate: float
) -> SharedRateLimiter | RateLimiter:
    """The host-wide limiter of one base, or ``local`` when the directory is not usable."""
    path = ledger_path(directory, endpoint_url, base_id)
    key = (str(path), endpoint_url.rstrip("/"), base_id)
    with _SHARED_LOCK:
        found = _SHARED.get(key)
        if found is not None and found.local is local and found.ledger is not None:
            return found
        try:
            ledger = PacingLedger(path, rate)
        except OSError as exc:
            if str(path) not in _WARNED:
                _WARNED.add(str(path))
                log.warning(
                    "cannot share Airtable pacing through %s (%s); pacing this process only",
                    path,
                    exc,
                )
            return local
        shared = _SHARED[key] = SharedRateLimiter(local, ledger)
        return shared
