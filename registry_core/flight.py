"""Concurrency helpers: single flight, the one sync-to-async bridge, one discovery loop.

- :class:`SingleFlight`: concurrent callers with the same key share one execution (50 callers
  asking for the same provider make one provider request).
- :func:`run_sync`: the package's one way to await from sync code (with or without a
  running loop); discovery's ``discover_sync`` and the CLI use it too.
- :class:`DiscoveryLoop`: discovery is async, callers are sync; one event loop on a daemon thread
  and one long-lived HTTP client serve every listing of the process.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast, overload

log = logging.getLogger(__name__)

T = TypeVar("T")


class SingleFlight:
    """Concurrent calls with the same key share one execution of ``fn`` (in one process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, _Call] = {}

    def do(self, key: str, fn: Callable[[], T]) -> T:
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if call is None:
                call = _Call()
                self._calls[key] = call
        if not leader:
            call.done.wait()
            if call.error is not None:
                raise call.error
            return call.result  # type: ignore[no-any-return]
        try:
            result = fn()
            call.result = result
            return result
        except BaseException as exc:
            call.error = exc
            raise
        finally:
            with self._lock:
                self._calls.pop(key, None)
            call.done.set()


class _Call:
    __slots__ = ("done", "error", "result")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


@overload
def run_sync(value: Awaitable[T]) -> T: ...
@overload
def run_sync(value: T) -> T: ...
def run_sync(value: Awaitable[T] | T) -> T:
    """Await ``value`` if it is awaitable, from sync code, with or without a running loop."""
    if not inspect.isawaitable(value):
        return value

    awaitable = cast("Awaitable[T]", value)

    async def wrap() -> T:
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(wrap())
    # called from inside a running loop (an async service): run on a helper thread
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = asyncio.run(wrap())
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="registry-discover")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


class DiscoveryLoop:
    """One event loop on a daemon thread, with one long-lived HTTP client, for a process.

    Discovery is async; callers are sync (Streamlit scripts, cron, services). Running each
    listing under a fresh ``asyncio.run`` would build a new HTTP client every time (a TLS context
    and new connections: tens of milliseconds); one loop and one client keep connections to
    the providers alive between listings. Thread-safe; the loop starts on first use.
    """

    def __init__(self, client_factory: Callable[[], Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Any = None
        self._client_factory = client_factory

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="registry-discovery-loop", daemon=True
                ).start()
                self._loop = loop
            return self._loop

    @property
    def client(self) -> Any:
        """The shared ``httpx.AsyncClient`` (``None`` if it cannot be made: callers make their own)."""
        with self._lock:
            if self._client is None:
                try:
                    if self._client_factory is not None:
                        self._client = self._client_factory()
                    else:
                        from registry_core.http import make_client  # httpx only when used

                        self._client = make_client()
                except Exception as exc:
                    log.debug("no shared discovery client (%s)", type(exc).__name__)
                    return None
            return self._client

    def run(self, value: Awaitable[T] | T) -> T:
        """Await ``value`` on the loop and return its result (plain values pass through)."""
        if not inspect.isawaitable(value):
            return value
        awaitable = cast("Awaitable[T]", value)

        async def wrap() -> T:
            return await awaitable

        loop = self._ensure()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:  # a coroutine on this loop must not wait for the loop itself
            out: T = run_sync(cast(Any, awaitable))
            return out
        return asyncio.run_coroutine_threadsafe(wrap(), loop).result()


_SHARED_LOOP = DiscoveryLoop()


def shared_loop() -> DiscoveryLoop:
    """The process's discovery loop (started on first use)."""
    return _SHARED_LOOP


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host still runs (this process always does); a process
    that exists but is not ours to signal counts as running."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
