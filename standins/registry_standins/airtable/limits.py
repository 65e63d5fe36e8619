"""Per-base rate limiting with a lockout, fault injection, and the request log.

Airtable allows 5 requests per second per base; a client that exceeds it gets 429 for the
whole penalty (30 s live, configurable here so tests can use a fraction of a second). Faults
let a test make the next N requests fail with a 5xx, hang, or answer 429, for one base or
table or for everything.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = ("error", "hang", "rate_limit", "quota")


class RateLimiter:
    """Sliding one-second window per base; going over locks the base out for ``lockout_s``."""

    def __init__(self, rps: float | None = 5.0, lockout_s: float = 30.0) -> None:
        self.rps = rps
        self.lockout_s = lockout_s
        self._windows: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def configure(self, rps: float | None, lockout_s: float | None = None) -> None:
        with self._lock:
            self.rps = rps
            if lockout_s is not None:
                self.lockout_s = lockout_s
            self._windows.clear()
            self._locked_until.clear()

    def allow(self, base_id: str) -> bool:
        """Record one request on ``base_id``; ``False`` means answer 429."""
        with self._lock:
            if self.rps is None:
                return True
            now = time.monotonic()
            if now < self._locked_until.get(base_id, 0.0):
                return False
            window = self._windows.setdefault(base_id, deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= self.rps:
                self._locked_until[base_id] = now + self.lockout_s
                window.clear()
                return False
            window.append(now)
            return True

    def locked(self, base_id: str) -> bool:
        with self._lock:
            return time.monotonic() < self._locked_until.get(base_id, 0.0)


@dataclass
class Fault:
    """The next ``remaining`` matching requests fail as ``kind`` says."""

    kind: str
    remaining: int
    status: int = 503
    seconds: float = 0.0
    base: str | None = None
    table: str | None = None


class FaultInjector:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind {fault.kind!r} is not one of {', '.join(FAULT_KINDS)}")
        if fault.kind == "error" and not 500 <= fault.status <= 599:
            raise ValueError(f"an error fault needs a 5xx status, not {fault.status}")
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, base: str | None, table_keys: tuple[str, ...]) -> Fault | None:
        """The first fault matching this request, with one use consumed."""
        with self._lock:
            for fault in self._faults:
                if fault.base is not None and fault.base != base:
                    continue
                if fault.table is not None and fault.table not in table_keys:
                    continue
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
            return None


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the stand-in saw it. Headers (and so tokens) are never kept."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    time: float
    base: str | None
    error_type: str | None = None
    duration_s: float = 0.0


@dataclass
class RequestLog:
    entries: list[LoggedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.entries.append(entry)

    def snapshot(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self.entries)

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()

    def per_base(self) -> Counter[str]:
        return Counter(e.base for e in self.snapshot() if e.base)

    def count(self, *, base: str | None = None, status: int | None = None) -> int:
        return sum(
            1
            for e in self.snapshot()
            if (base is None or e.base == base) and (status is None or e.status == status)
        )
