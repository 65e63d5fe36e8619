"""The memory tier: a TTL cache protocol, a bounded thread-safe implementation, and cache keys.

Cache keys never hold a credential. A key is built from the provider, the base URL, the
credential's *name* and a keyed hash (HMAC-SHA256) of its secret: different keys can see
different models, so they must not share entries, but a cache dump must not leak a key. The
HMAC secret is ``settings.cache_key_secret`` or, when that is empty, a random secret made once per
process (so fingerprints cannot be compared across processes, which nothing needs).

The dashboard may plug in its own cache (anything with ``get``/``set``/``clear``); other callers
use :class:`TTLCache`.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

import cachetools

_PROCESS_SECRET = secrets.token_bytes(32)


@runtime_checkable
class ResolutionCache(Protocol):
    """What the resolver needs from a memory tier."""

    def get(self, key: str) -> Any | None:
        """The live value under ``key``, or ``None`` when absent or expired."""
        ...

    def set(self, key: str, value: Any, ttl_s: float | None = None) -> None:
        """Keep ``value`` under ``key`` for ``ttl_s`` seconds (the cache's default when ``None``)."""
        ...

    def clear(self) -> None:
        """Forget everything (after a person edits the registry in this process)."""
        ...


class TTLCache:
    """A bounded, thread-safe TTL cache (``cachetools.TLRUCache`` behind a lock); the least
    recently used entry goes first when full, and each entry may have its own TTL.

    >>> now = [0.0]
    >>> cache = TTLCache(ttl_s=10, max_entries=2, clock=lambda: now[0])
    >>> cache.set("a", 1)
    >>> cache.get("a")
    1
    >>> now[0] = 11.0
    >>> cache.get("a") is None
    True
    """

    def __init__(
        self,
        ttl_s: float = 3600.0,
        *,
        max_entries: int = 512,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._lock = threading.Lock()
        # values are kept as (ttl, value) so that each entry can expire on its own schedule
        self._entries: cachetools.TLRUCache[str, tuple[float, Any]] = cachetools.TLRUCache(
            maxsize=max_entries, ttu=lambda _key, entry, now: now + entry[0], timer=clock
        )

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            return None if entry is None else entry[1]

    def set(self, key: str, value: Any, ttl_s: float | None = None) -> None:
        ttl = self.ttl_s if ttl_s is None else ttl_s
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            self._entries.expire()
            return len(self._entries)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRUMap(Generic[K, V]):
    """A small thread-safe map that forgets its least recently used entry when full.

    For memo tables (resolved credentials, cache-key prefixes, parsed settings): a full table
    evicts one entry instead of being cleared all at once.

    >>> m: LRUMap[str, int] = LRUMap(2)
    >>> m.set("a", 1); m.set("b", 2); _ = m.get("a"); m.set("c", 3)
    >>> m.get("a"), m.get("b"), m.get("c")
    (1, None, 3)
    """

    def __init__(self, max_entries: int) -> None:
        self._lock = threading.Lock()
        self._entries: cachetools.LRUCache[K, V] = cachetools.LRUCache(maxsize=max_entries)

    def get(self, key: K) -> V | None:
        with self._lock:
            return self._entries.get(key)

    def set(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def credential_fingerprint(secret: str | None, *, key_secret: str = "") -> str:
    """A keyed hash of a credential's secret, safe to keep in cache keys and logs.

    ``key_secret`` is ``settings.cache_key_secret``; empty means the per-process random secret.

    >>> a = credential_fingerprint("sk-one", key_secret="s")
    >>> a == credential_fingerprint("sk-one", key_secret="s"), a == credential_fingerprint("sk-two", key_secret="s")
    (True, False)
    >>> "sk-one" in a
    False
    """
    if not secret:
        return "anonymous"
    hmac_key = key_secret.encode() if key_secret else _PROCESS_SECRET
    return hmac.digest(hmac_key, secret.encode(), "sha256").hex()[:24]


def cache_key(
    kind: str,
    provider_id: str,
    *,
    base_url: str | None = None,
    credential_name: str | None = None,
    fingerprint: str = "anonymous",
    version: str = "",
) -> str:
    """The memory-tier key of one answer: what it is, for whom, at which registry version.

    Folding the registry version marker into the key is what lets another instance's discovery
    show up here within ``version_check_s`` instead of after the TTL.
    """
    base = (base_url or "").rstrip("/")
    return "|".join((kind, provider_id, base, credential_name or "", fingerprint, version))
