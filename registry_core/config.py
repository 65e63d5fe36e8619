"""Configuration from environment variables (and, in the dashboard, Streamlit secrets).

Every setting has a default that works on a fresh machine: the embedded SQLite registry under
``.registry/``, no Airtable, no API keys. Bad values raise :class:`ConfigError` naming the
variable; they never fall back silently.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry_core.errors import ConfigError

DEFAULT_PROVIDERS: tuple[str, ...] = (
    "google",
    "openai",
    "anthropic",
    "mistral",
    "groq",
    "openrouter",
    "xai",
    "deepseek",
)
AIRTABLE_MODES: tuple[str, ...] = ("off", "read", "write")
DEFAULT_AIRTABLE_ENDPOINT = "https://api.airtable.com"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str, *, name: str = "duration") -> float:
    """Seconds in ``"90"``, ``"90s"``, ``"30m"``, ``"6h"`` or ``"1d"``.

    >>> parse_duration("6h")
    21600.0
    """
    seconds = _seconds(text, name=name)
    if not math.isfinite(seconds):
        raise ConfigError(f"{name}={text[:40]!r} is not a finite duration")
    return seconds


def _seconds(text: str, *, name: str) -> float:
    # may be inf (a 400-digit number): callers check finiteness or bounds
    match = _DURATION.match(text or "")
    if not match:
        raise ConfigError(f"{name}={text[:40]!r} is not a duration; write e.g. 90s, 30m, 6h or 1d")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def _short_duration(seconds: float) -> str:
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("m", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def duration_setting(
    value: str | None,
    *,
    name: str,
    default: str,
    minimum: float = 0.0,
    maximum: float = 365 * 86400.0,
) -> float:
    """The duration variable ``name`` in seconds, within ``[minimum, maximum]`` (both finite).

    An unset or blank ``value`` means ``default``. Anything else that is not a duration, or lies
    outside the bounds, is a :class:`ConfigError` naming the variable and the bounds: a setting
    of "forever" (``1e400`` parses to infinity) would otherwise crash whatever uses it later.

    >>> duration_setting("6h", name="REGISTRY_FRESHNESS", default="24h")
    21600.0
    >>> duration_setting("", name="REGISTRY_FRESHNESS", default="24h")
    86400.0
    >>> duration_setting("400d", name="REGISTRY_FRESHNESS", default="24h")
    Traceback (most recent call last):
    ...
    registry_core.errors.ConfigError: REGISTRY_FRESHNESS='400d' must be between 0s and 365d
    """
    text = default if value is None or value.strip() == "" else value
    seconds = _seconds(text, name=name)
    if not minimum <= seconds <= maximum:  # also refuses inf
        raise ConfigError(
            f"{name}={text[:40]!r} must be between {_short_duration(minimum)} and "
            f"{_short_duration(maximum)}"
        )
    return seconds


def cache_ttl(value: str | None) -> float:
    """``REGISTRY_CACHE_TTL`` in seconds: how long both memory tiers (the resolver's cache and
    the dashboard's) keep an answer. Unset: one hour; 0s to 7d.

    >>> cache_ttl("5m"), cache_ttl(None)
    (300.0, 3600.0)
    """
    return duration_setting(value, name="REGISTRY_CACHE_TTL", default="1h", maximum=7 * 86400)


def cache_ttl_or_default(env: Mapping[str, str]) -> float:
    """:func:`cache_ttl` from ``env`` that never raises (an invalid value is reported by
    :meth:`Settings.from_env`; this is for code that must not fail at import, such as the
    dashboard's cache decorators).

    >>> cache_ttl_or_default({"REGISTRY_CACHE_TTL": "10m"}), cache_ttl_or_default({"REGISTRY_CACHE_TTL": "soon"})
    (600.0, 3600.0)
    """
    try:
        return cache_ttl(env.get("REGISTRY_CACHE_TTL"))
    except ConfigError:
        return cache_ttl(None)


#: ``REGISTRY_REFRESH_EVERY``: off, or a period within these bounds (seconds).
REFRESH_EVERY_BOUNDS: tuple[float, float] = (1.0, 30 * 86400.0)
_OFF = {"0", "off", "false", "no", "none"}


def _refresh_every(value: str | None) -> float | None:
    if value is None or value.strip().lower() in {"", *_OFF}:
        return None
    low, high = REFRESH_EVERY_BOUNDS
    return duration_setting(
        value, name="REGISTRY_REFRESH_EVERY", default="0", minimum=low, maximum=high
    )


def _providers(value: str | None) -> tuple[str, ...]:
    """``REGISTRY_PROVIDERS``: known ids, lower-cased, each once, in the order given."""
    if value is None or value.strip() == "":
        return DEFAULT_PROVIDERS
    # the provider table, not the adapters (they import httpx): every command reads this
    from registry_core.provider_table import PROVIDER_TABLE as MODULES

    ids = tuple(dict.fromkeys(p.strip().lower() for p in value.split(",") if p.strip()))
    if not ids:
        raise ConfigError(f"REGISTRY_PROVIDERS={value[:40]!r} names no provider")
    unknown = [p for p in ids if p not in MODULES]
    if unknown:
        shown = ", ".join(repr(p[:40]) for p in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise ConfigError(
            f"REGISTRY_PROVIDERS names unknown provider id(s) {shown}; "
            f"valid ids: {', '.join(MODULES)}"
        )
    return ids


_HOSTNAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_-]{1,63})*$")


def _private_hosts(value: str | None) -> tuple[str, ...]:
    """``REGISTRY_ALLOWED_PRIVATE_HOSTS``: hostnames, IP addresses or CIDR networks."""
    entries = dict.fromkeys(
        h.strip().lower().rstrip(".") for h in (value or "").split(",") if h.strip()
    )
    for entry in entries:
        try:
            if "/" in entry:
                ipaddress.ip_network(entry, strict=False)
            elif not _HOSTNAME.match(entry):
                ipaddress.ip_address(entry)
        except ValueError:
            raise ConfigError(
                f"REGISTRY_ALLOWED_PRIVATE_HOSTS entry {entry[:60]!r} is not a host name, an IP "
                "address or a network (like 10.0.0.0/8); write hosts only, without scheme or port"
            ) from None
    return tuple(entries)


def _flag(value: str | None, *, name: str, default: bool = False) -> bool:
    if value is None or value.strip() == "":
        return default
    low = value.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={value!r} is not a yes/no value; write true or false")


def _int(
    value: str | None, *, name: str, default: int, minimum: int = 0, maximum: int = 10**9
) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if number < minimum:
        raise ConfigError(f"{name}={value!r} must be at least {minimum}")
    if number > maximum:
        raise ConfigError(f"{name}={value!r} must be at most {maximum}")
    return number


def airtable_endpoint(
    value: str | None, *, allow_http: bool = False, allowed_private_hosts: tuple[str, ...] = ()
) -> str:
    """``AIRTABLE_ENDPOINT_URL`` (default Airtable's API) after the provider base-URL rules.

    The token goes to this URL, so it gets the checks a provider base URL gets
    (:func:`registry_core.http.check_url`): loopback over http (the local stand-in), https
    anywhere else unless ``REGISTRY_ALLOW_HTTP``, private addresses only when listed in
    ``REGISTRY_ALLOWED_PRIVATE_HOSTS``, cloud metadata never.

    >>> airtable_endpoint("http://127.0.0.1:8765/")
    'http://127.0.0.1:8765'
    >>> airtable_endpoint("http://airtable.example.com")
    Traceback (most recent call last):
    ...
    registry_core.errors.UnsafeURLError: AIRTABLE_ENDPOINT_URL http://airtable.example.com/ uses plain http, ...
    """
    url = (value or "").strip().rstrip("/")
    if not url:  # Airtable's own API (https, public): nothing to check, and no httpx import
        return DEFAULT_AIRTABLE_ENDPOINT
    from registry_core.http import check_url  # httpx is imported only when a URL is checked

    check_url(
        url,
        allow_http=allow_http,
        allowed_private_hosts=allowed_private_hosts,
        what="AIRTABLE_ENDPOINT_URL",
    )
    return url


def _lease_ttl(value: str | None) -> float:
    """``REGISTRY_LEASE_TTL``: 5 minutes by default; between 10 s and 1 day.

    >>> _lease_ttl("2m")
    120.0
    """
    # longer than one provider's refresh, short enough that a crashed host does not block long
    return duration_setting(
        value, name="REGISTRY_LEASE_TTL", default="5m", minimum=10.0, maximum=86400.0
    )


def _database_url(value: str | None, *, airtable_mode: str) -> str | None:
    """``REGISTRY_DATABASE_URL`` checked (a ``postgresql://`` URL), or ``None`` when unset.

    One shared registry at a time: Airtable mode on together with a database URL is an error
    naming both variables. Messages show the URL without its password.
    """
    if not (value or "").strip():
        return None
    from registry_core.stores.postgres import check_database_url, redact_url

    url = check_database_url(value or "")
    if airtable_mode != "off":
        raise ConfigError(
            f"REGISTRY_DATABASE_URL ({redact_url(url)}) and AIRTABLE_MODE={airtable_mode} both "
            "choose the shared registry; set AIRTABLE_MODE=off to use PostgreSQL, or unset "
            "REGISTRY_DATABASE_URL to use Airtable"
        )
    return url


@dataclass(frozen=True)
class AirtableSettings:
    """Where the shared Airtable registry lives. ``token`` is never printed (see ``__repr__``)."""

    mode: str = "off"
    token: str | None = field(default=None, repr=False)
    base_id: str | None = None
    endpoint_url: str = DEFAULT_AIRTABLE_ENDPOINT
    models_table: str = "AI Model Registry"
    history_table: str = "AI Model History"
    runs_table: str = "AI Model Discovery Runs"
    requests_per_second: float = 5.0
    lockout_s: float = 30.0  # how long Airtable locks a client out after a 429

    @property
    def enabled(self) -> bool:
        return self.mode != "off"


@dataclass(frozen=True)
class Settings:
    """All settings. Build with :meth:`from_env`."""

    data_dir: Path = Path(".registry")
    db_path: Path = Path(".registry/registry.db")
    snapshot_path: Path = Path(".registry/snapshot.json")
    providers: tuple[str, ...] = DEFAULT_PROVIDERS
    cache_ttl_s: float = 3600.0
    freshness_s: float = 86400.0
    version_check_s: float = 30.0
    grace_listings: int = 2
    grace_period_s: float = 86400.0
    refresh_every_s: float | None = None
    #: how long a scheduled refresh's per-provider lease lasts unless released (a crashed
    #: holder blocks that provider no longer than this); REGISTRY_LEASE_TTL
    lease_ttl_s: float = 300.0
    #: REGISTRY_RETIRING_WITHIN_DAYS: "retiring" means within this many days (see lifecycle.py)
    retiring_within_days: int = 90
    allow_http_hosts: bool = False
    allowed_private_hosts: tuple[str, ...] = ()
    cache_key_secret: str = field(default="", repr=False)
    discovery_deadline_s: float = 120.0  # REGISTRY_DISCOVERY_DEADLINE, see below
    airtable: AirtableSettings = field(default_factory=AirtableSettings)
    #: every raw variable, for provider credentials and base URLs (never printed)
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: ``REGISTRY_DATABASE_URL``: the PostgreSQL registry (wins over SQLite; holds a password,
    #: so never printed)
    database_url: str | None = field(default=None, repr=False)
    #: ``REGISTRY_CATALOG_FEED_URL`` / ``REGISTRY_LIFECYCLE_FEED_URL``: the live feeds fetched
    #: on the refresh schedule (see :mod:`registry_core.feeds`); ``None`` = bundled copy only.
    #: Not printed: a private feed's URL may carry a token in its query.
    catalog_feed_url: str | None = field(default=None, repr=False)
    lifecycle_feed_url: str | None = field(default=None, repr=False)
    #: ``REGISTRY_FEED_TIMEOUT``: the whole fetch of one feed (default 10 s, 1 s to 2 min)
    feed_timeout_s: float = 10.0

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
    ) -> Settings:
        """Read settings from ``env`` (default ``os.environ``) overlaid by flat ``secrets``.

        Secrets (Streamlit's ``secrets.toml``) use the same names as the environment variables;
        a value in the environment wins.
        """
        merged: dict[str, str] = {}
        for key, value in (secrets or {}).items():
            if isinstance(value, str | int | float | bool):
                merged[str(key)] = str(value)
        merged.update(os.environ if env is None else env)
        get = merged.get

        data_dir = Path(get("REGISTRY_DATA_DIR") or ".registry")
        providers = _providers(get("REGISTRY_PROVIDERS"))
        token = get("AIRTABLE_API_KEY") or None
        base_id = get("AIRTABLE_BASE_ID") or None
        mode = (get("AIRTABLE_MODE") or ("write" if token and base_id else "off")).strip().lower()
        if mode not in AIRTABLE_MODES:
            raise ConfigError(f"AIRTABLE_MODE={mode!r} is not one of {', '.join(AIRTABLE_MODES)}")
        if mode != "off" and not (token and base_id):
            missing = [
                n for n, v in (("AIRTABLE_API_KEY", token), ("AIRTABLE_BASE_ID", base_id)) if not v
            ]
            raise ConfigError(
                f"AIRTABLE_MODE={mode} needs {' and '.join(missing)}; set them or AIRTABLE_MODE=off"
            )
        if base_id and not re.fullmatch(r"app[A-Za-z0-9]{14}", base_id):
            raise ConfigError(
                f"AIRTABLE_BASE_ID={base_id[:40]!r} is not a base id (app + 14 letters/digits, "
                "from the base's URL)"
            )
        allow_http = _flag(get("REGISTRY_ALLOW_HTTP"), name="REGISTRY_ALLOW_HTTP")
        allowed_private_hosts = _private_hosts(get("REGISTRY_ALLOWED_PRIVATE_HOSTS"))
        airtable = AirtableSettings(
            mode=mode,
            token=token,
            base_id=base_id,
            endpoint_url=airtable_endpoint(
                get("AIRTABLE_ENDPOINT_URL"),
                allow_http=allow_http,
                allowed_private_hosts=allowed_private_hosts,
            ),
            models_table=get("AIRTABLE_MODELS_TABLE") or "AI Model Registry",
            history_table=get("AIRTABLE_HISTORY_TABLE") or "AI Model History",
            runs_table=get("AIRTABLE_RUNS_TABLE") or "AI Model Discovery Runs",
            lockout_s=duration_setting(
                get("AIRTABLE_LOCKOUT"), name="AIRTABLE_LOCKOUT", default="30s", maximum=3600.0
            ),
        )
        database_url = _database_url(get("REGISTRY_DATABASE_URL"), airtable_mode=mode)
        return cls(
            database_url=database_url,
            data_dir=data_dir,
            db_path=Path(get("REGISTRY_DB_PATH") or data_dir / "registry.db"),
            snapshot_path=Path(get("REGISTRY_SNAPSHOT_PATH") or data_dir / "snapshot.json"),
            providers=providers,
            cache_ttl_s=cache_ttl(get("REGISTRY_CACHE_TTL")),
            freshness_s=duration_setting(
                get("REGISTRY_FRESHNESS"), name="REGISTRY_FRESHNESS", default="24h"
            ),
            version_check_s=duration_setting(
                get("REGISTRY_VERSION_CHECK"),
                name="REGISTRY_VERSION_CHECK",
                default="30s",
                maximum=86400,
            ),
            grace_listings=_int(
                get("REGISTRY_GRACE_LISTINGS"), name="REGISTRY_GRACE_LISTINGS", default=2, minimum=1
            ),
            grace_period_s=duration_setting(
                get("REGISTRY_GRACE_PERIOD"), name="REGISTRY_GRACE_PERIOD", default="24h"
            ),
            retiring_within_days=_int(
                get("REGISTRY_RETIRING_WITHIN_DAYS"),
                name="REGISTRY_RETIRING_WITHIN_DAYS",
                default=90,
                minimum=1,
                maximum=3650,
            ),
            lease_ttl_s=_lease_ttl(get("REGISTRY_LEASE_TTL")),
            refresh_every_s=_refresh_every(get("REGISTRY_REFRESH_EVERY")),
            allow_http_hosts=allow_http,
            allowed_private_hosts=allowed_private_hosts,
            cache_key_secret=get("REGISTRY_CACHE_KEY_SECRET") or "",
            discovery_deadline_s=discovery_deadline(get("REGISTRY_DISCOVERY_DEADLINE")),
            airtable=airtable,
            env=dict(merged),
            catalog_feed_url=(get("REGISTRY_CATALOG_FEED_URL") or "").strip() or None,
            lifecycle_feed_url=(get("REGISTRY_LIFECYCLE_FEED_URL") or "").strip() or None,
            feed_timeout_s=duration_setting(
                get("REGISTRY_FEED_TIMEOUT"),
                name="REGISTRY_FEED_TIMEOUT",
                default="10s",
                minimum=1.0,
                maximum=120.0,
            ),
        )


# --- the discovery deadline ------------------------------------------------------------------

DEFAULT_DISCOVERY_DEADLINE_S = 120.0
MAX_DISCOVERY_DEADLINE_S = 3600.0


def discovery_deadline(value: str | None) -> float:
    """``REGISTRY_DISCOVERY_DEADLINE``: how long one provider's whole listing may take.

    A duration (``90``, ``90s``, ``2m``) from 1 second to 1 hour; default 120 s.

    >>> discovery_deadline("2m"), discovery_deadline(None)
    (120.0, 120.0)
    """
    if value is None or not value.strip():
        return DEFAULT_DISCOVERY_DEADLINE_S
    seconds = parse_duration(value, name="REGISTRY_DISCOVERY_DEADLINE")
    if not 1.0 <= seconds <= MAX_DISCOVERY_DEADLINE_S:
        raise ConfigError(
            f"REGISTRY_DISCOVERY_DEADLINE={value!r} must be between 1s and 1h",
            hint="write e.g. 120s or 5m",
        )
    return seconds
