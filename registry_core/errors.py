"""Error types: one base, a subclass per class of failure, each with a message a person can act on.

Messages never contain a key or token. Provider errors carry the provider id and the HTTP status
where there was one, so the dashboard can say what to do ("check OPENAI_API_KEY").
"""

from __future__ import annotations


class RegistryError(Exception):
    """Base of every error this package raises on purpose."""

    #: Short machine name of the failure class, stored in discovery runs ("auth", "quota", ...).
    error_class = "error"

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        status: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.provider = provider
        self.status = status
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} — {self.hint}"
        return self.message


class ConfigError(RegistryError, ValueError):
    """Configuration (env vars, secrets, URLs) is missing or invalid."""

    error_class = "config"


class UnsafeURLError(ConfigError):
    """A base URL was refused (scheme, private host, cross-host redirect)."""

    error_class = "unsafe_url"


class AuthError(RegistryError):
    """Credentials were rejected (401/403, or a provider's 400 API_KEY_INVALID)."""

    error_class = "auth"


class PermissionDeniedError(RegistryError, PermissionError):
    """The credential is valid but may not do this (403 on a resource, missing scope)."""

    error_class = "permission"


class NotFoundError(RegistryError, LookupError):
    """A base, table, model or endpoint does not exist (or is not visible to this credential)."""

    error_class = "not_found"


class RecordGoneError(NotFoundError):
    """A row the store read a moment ago was deleted before the write reached it."""

    error_class = "record_gone"


class QuotaExceededError(RegistryError):
    """Billing or plan quota is exhausted; retrying will not help."""

    error_class = "quota"


class RateLimitedError(RegistryError):
    """Too many requests; retried a bounded number of times, then raised."""

    error_class = "rate_limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class UnavailableError(RegistryError):
    """The service is down, timed out or could not be reached (5xx, timeouts, connection)."""

    error_class = "unavailable"


class MalformedResponseError(RegistryError, ValueError):
    """A response was not what the API documents (non-JSON, wrong shape, truncated, looping)."""

    error_class = "malformed"


class SchemaMismatchError(RegistryError):
    """The registry table lacks fields this package needs (renamed or deleted in the UI)."""

    error_class = "schema"

    def __init__(self, message: str, *, missing_fields: list[str] | None = None, **kw: object):
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.missing_fields = list(missing_fields or [])


class RecordCapError(RegistryError):
    """The store refuses new records (Airtable's per-base record cap reached)."""

    error_class = "record_cap"


class StoreWriteError(RegistryError):
    """A write to the registry store failed (the store was opened and read; the write was not).

    Raised for whatever the store's driver raised on a write (``sqlite3`` errors, ``OSError``
    such as a read-only filesystem, a ``UnicodeEncodeError`` from a lone surrogate in an id),
    so that one provider's failed write is reported for that provider and never takes a
    refresh down.
    """

    error_class = "store_write"


class FeedRejectedError(MalformedResponseError):
    """A live catalog or lifecycle feed failed a guard (shape, too few entries, too much shrink);
    the copy in use is kept."""

    error_class = "feed_rejected"
