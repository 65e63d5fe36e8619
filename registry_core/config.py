"""Configuration from environment variables (and, in the dashboard, Streamlit secrets).

Every setting has a default that works on a fresh machine: the embedded SQLite registry under
``.registry/``, no Airtable, no API keys. Bad values raise :class:`ConfigError` naming the
variable; they never fall back silently.
"""

from __future__ import annotations

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
    match = _DURATION.match(text or "")
    if not match:
        raise ConfigError(f"{name}={text!r} is not a duration; write e.g. 90s, 30m, 6h or 1d")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def _flag(value: str | None, *, name: str, default: bool = False) -> bool:
    if value is None or value.strip() == "":
        return default
    low = value.strip().lower()
    if low in {"1", "true", "yes", "on"}:
        return True
    if low in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={value!r} is not a yes/no value; write true or false")


def _int(value: str | None, *, name: str, default: int, minimum: int = 0) -> int:
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number") from None
    if number < minimum:
        raise ConfigError(f"{name}={value!r} must be at least {minimum}")
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
    from registry_core.http import check_url  # httpx is imported only when a URL is checked

    url = (value or "").strip().rstrip("/") or DEFAULT_AIRTABLE_ENDPOINT
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
    seconds = parse_duration(value or "5m", name="REGISTRY_LEASE_TTL")
    if not 10.0 <= seconds <= 86400.0:
        raise ConfigError(
            f"REGISTRY_LEASE_TTL={value!r} must be between 10s and 1d (longer than one "
            "provider's refresh, short enough that a crashed host does not block for long)"
        )
    return seconds


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
    allow_http_hosts: bool = False
    allowed_private_hosts: tuple[str, ...] = ()
    cache_key_secret: str = field(default="", repr=False)
    airtable: AirtableSettings = field(default_factory=AirtableSettings)
    #: every raw variable, for provider credentials and base URLs (never printed)
    env: Mapping[str, str] = field(default_factory=dict, repr=False)
    #: ``REGISTRY_DATABASE_URL``: the PostgreSQL registry (wins over SQLite; holds a password,
    #: so never printed)
    database_url: str | None = field(default=None, repr=False)

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
        providers_raw = get("REGISTRY_PROVIDERS")
        providers = (
            tuple(p.strip().lower() for p in providers_raw.split(",") if p.strip())
            if providers_raw
            else DEFAULT_PROVIDERS
        )
        refresh = get("REGISTRY_REFRESH_EVERY")
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
        allowed_private_hosts = tuple(
            h.strip().lower()
            for h in (get("REGISTRY_ALLOWED_PRIVATE_HOSTS") or "").split(",")
            if h.strip()
        )
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
            lockout_s=parse_duration(get("AIRTABLE_LOCKOUT") or "30s", name="AIRTABLE_LOCKOUT"),
        )
        database_url = _database_url(get("REGISTRY_DATABASE_URL"), airtable_mode=mode)
        return cls(
            database_url=database_url,
            data_dir=data_dir,
            db_path=Path(get("REGISTRY_DB_PATH") or data_dir / "registry.db"),
            snapshot_path=Path(get("REGISTRY_SNAPSHOT_PATH") or data_dir / "snapshot.json"),
            providers=providers,
            cache_ttl_s=parse_duration(
                get("REGISTRY_CACHE_TTL") or "1h", name="REGISTRY_CACHE_TTL"
            ),
            freshness_s=parse_duration(
                get("REGISTRY_FRESHNESS") or "24h", name="REGISTRY_FRESHNESS"
            ),
            version_check_s=parse_duration(
                get("REGISTRY_VERSION_CHECK") or "30s", name="REGISTRY_VERSION_CHECK"
            ),
            grace_listings=_int(
                get("REGISTRY_GRACE_LISTINGS"), name="REGISTRY_GRACE_LISTINGS", default=2, minimum=1
            ),
            grace_period_s=parse_duration(
                get("REGISTRY_GRACE_PERIOD") or "24h", name="REGISTRY_GRACE_PERIOD"
            ),
            refresh_every_s=parse_duration(refresh, name="REGISTRY_REFRESH_EVERY")
            if refresh
            else None,
            lease_ttl_s=_lease_ttl(get("REGISTRY_LEASE_TTL")),
            allow_http_hosts=allow_http,
            allowed_private_hosts=allowed_private_hosts,
            cache_key_secret=get("REGISTRY_CACHE_KEY_SECRET") or "",
            airtable=airtable,
            env=dict(merged),
        )
