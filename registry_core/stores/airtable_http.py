"""The one I/O seam to Airtable: a pyairtable ``Api`` with our limiter, retry and error mapping.

Three things pyairtable leaves to its caller (facts §5):

- **Pacing.** Airtable allows 5 requests per second per base and answers a burst with 429 and a
  30-second lockout. :class:`RateLimiter` spaces every attempt from this process (retries
  included) at least ``1 / rate`` seconds apart, per base, across threads.
- **Retrying.** pyairtable's default retry gives up after ~3 s, long before the lockout ends, and
  then raises requests' ``RetryError``. :class:`LockoutRetry` waits out the whole lockout after a
  429, backs off exponentially on 5xx, and hands the last response back instead of raising, so
  the error keeps Airtable's body.
- **Errors.** :func:`translate` maps requests/urllib3/pydantic failures to the types in
  :mod:`registry_core.errors`, with a message that says what to do, and never the token.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pydantic
import requests
import urllib3
from pyairtable import Api
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from registry_core.errors import (
    AuthError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitedError,
    RecordCapError,
    RecordGoneError,
    RegistryError,
    SchemaMismatchError,
    UnavailableError,
)

SETUP_COMMAND = "python -m registry_core setup-airtable"

#: Extra wait after a lockout, so the retry lands after it ends even with clock jitter.
LOCKOUT_MARGIN_S = 0.25
#: Spacing margin: 5 req/s becomes one request every 0.22 s when answers are quick.
PACING_MARGIN = 0.10
#: The window rule's guard: a request leaves only 1.05 s after the fifth-latest one was answered.
WINDOW_S = 1.05
#: A slot never released (a bug, or a thread killed mid-request) stops blocking after this long.
MAX_HOLD_S = 120.0

RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(eq=False)
class Slot:
    """One request's turn: when it left, and when its answer came back."""

    started: float
    done_at: float | None = None
    answered: threading.Event = field(default_factory=threading.Event)


class RateLimiter:
    """At most ``rate`` requests per second *as the server counts them*; thread-safe.

    Spacing requests evenly on our side is not enough: a request that leaves late (a busy
    process, a new connection) lands next to the following one, and the server sees six in one
    second. So a request also waits until one second has passed since the *answer* to the
    request ``rate`` places before it. That answer came after that request arrived, and this
    request arrives after it leaves, so any one-second window at the server holds at most
    ``rate`` arrivals, whatever the latency or scheduling.

    Callers :meth:`acquire` a slot before sending and :meth:`release` it when the answer (or
    an error) is back.

    >>> limiter = RateLimiter(1000.0)
    >>> slot = limiter.acquire()
    >>> limiter.release(slot)
    """

    def __init__(self, rate: float, *, margin: float = PACING_MARGIN) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = (1.0 / rate) * (1.0 + margin)
        self.per_window = max(1, int(rate))
        self._lock = threading.Lock()
        self._next = 0.0
        self._recent: deque[Slot] = deque(maxlen=self.per_window)

    def acquire(self) -> Slot:
        """Wait for this request's turn and take it."""
        while True:
            with self._lock:
                now = time.monotonic()
                ready = max(now, self._next)
                pending: Slot | None = None
                if len(self._recent) == self.per_window:
                    oldest = self._recent[0]
                    if oldest.done_at is None and now - oldest.started < MAX_HOLD_S:
                        pending = oldest
                    else:
                        answered = oldest.done_at if oldest.done_at is not None else now
                        ready = max(ready, answered + WINDOW_S)
                if pending is None and ready <= now:
                    slot = Slot(started=now)
                    self._recent.append(slot)
                    self._next = now + self.interval
                    return slot
            if pending is not None:
                pending.answered.wait(timeout=1.0)
            else:
                time.sleep(ready - now)

    def release(self, slot: Slot | None) -> None:
        """The answer to ``slot``'s request is back (or it failed)."""
        if slot is None or slot.done_at is not None:
            return
        with self._lock:
            slot.done_at = time.monotonic()
        slot.answered.set()


class Pacer(Protocol):
    """What :func:`build_api` paces requests with: a :class:`RateLimiter`, or the host-wide
    :class:`registry_core.stores.airtable_pacing.SharedRateLimiter` around one."""

    def acquire(self) -> Any: ...

    def release(self, slot: Any) -> None: ...


_LIMITERS: dict[tuple[str, str], RateLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def limiter_for(endpoint_url: str, base_id: str, rate: float) -> RateLimiter:
    """The process-wide limiter of one base (every store on that base shares it)."""
    key = (endpoint_url.rstrip("/"), base_id)
    with _LIMITERS_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None or abs(limiter.interval - (1.0 / rate) * (1.0 + PACING_MARGIN)) > 1e-9:
            limiter = _LIMITERS[key] = RateLimiter(rate)
        return limiter


class RequestCounter:
    """Counts HTTP attempts (first tries and retries) sent through one ``Api``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self.retries = 0

    def add(self, *, retry: bool = False) -> None:
        with self._lock:
            self.count += 1
            if retry:
                self.retries += 1


class LockoutRetry(Retry):
    """urllib3 ``Retry`` that sits out Airtable's lockout after a 429 and paces every retry."""

    lockout_s: float = 30.0
    before_attempt: Callable[[], None] | None = None

    def new(self, **kw: Any) -> LockoutRetry:
        # urllib3 rebuilds the object on every attempt; carry our two settings over.
        fresh: LockoutRetry = super().new(**kw)
        fresh.lockout_s = self.lockout_s
        fresh.before_attempt = self.before_attempt
        return fresh

    def sleep(self, response: Any = None) -> None:
        if (
            response is not None
            and getattr(response, "status", None) == 429
            and not response.headers.get("Retry-After")
        ):
            time.sleep(self.lockout_s + LOCKOUT_MARGIN_S)
        else:
            super().sleep(response)
        if self.before_attempt is not None:
            self.before_attempt()


def make_retry(
    *,
    lockout_s: float,
    before_attempt: Callable[[], None] | None,
    rate_limit_waits: int = 4,
) -> LockoutRetry:
    """The retry strategy: up to ``rate_limit_waits`` lockouts or 5xx answers, then give up.

    Every write this package sends is an upsert (``performUpsert``), so retrying a POST/PATCH
    cannot create a duplicate row; all methods are retried.
    """
    retry = LockoutRetry(
        total=rate_limit_waits + 3,
        connect=2,
        read=1,
        status=rate_limit_waits,
        other=0,
        backoff_factor=0.5,
        backoff_max=max(lockout_s, 8.0),
        status_forcelist=RETRY_STATUSES,
        allowed_methods=None,
        raise_on_status=False,  # hand back the last response, so its error body survives
        respect_retry_after_header=True,
    )
    retry.lockout_s = lockout_s
    retry.before_attempt = before_attempt
    return retry


class _PacedAdapter(HTTPAdapter):
    def __init__(
        self, before_first: Callable[[], None], after_last: Callable[[], None], **kwargs: Any
    ) -> None:
        self._before_first = before_first
        self._after_last = after_last
        super().__init__(**kwargs)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        self._before_first()
        try:
            return super().send(request, *args, **kwargs)
        finally:
            self._after_last()


def build_api(
    token: str,
    *,
    endpoint_url: str,
    limiter: Pacer,
    counter: RequestCounter,
    lockout_s: float,
    timeout: tuple[float, float] = (5.0, 30.0),
    rate_limit_waits: int = 4,
) -> Api:
    """A pyairtable ``Api`` whose every attempt goes through ``limiter`` and ``counter``."""

    turn = threading.local()  # the slot of this thread's request in flight

    def first_attempt() -> None:
        turn.slot = limiter.acquire()
        counter.add()

    def retry_attempt() -> None:
        # the previous attempt was answered before urllib3 slept and came back here
        limiter.release(getattr(turn, "slot", None))
        turn.slot = limiter.acquire()
        counter.add(retry=True)

    def answered() -> None:
        limiter.release(getattr(turn, "slot", None))
        turn.slot = None

    retry = make_retry(
        lockout_s=lockout_s, before_attempt=retry_attempt, rate_limit_waits=rate_limit_waits
    )
    api = Api(
        token,
        timeout=timeout,  # type: ignore[arg-type]  # floats work; the stub says int
        retry_strategy=retry,
        endpoint_url=endpoint_url,
    )
    adapter = _PacedAdapter(first_attempt, answered, max_retries=retry)
    api.session.mount("http://", adapter)
    api.session.mount("https://", adapter)
    return api


# --- error mapping ---------------------------------------------------------------------------


def _error_body(response: requests.Response | None) -> tuple[str, str]:
    """``(type, message)`` from an Airtable error body (either documented shape)."""
    if response is None:
        return "", ""
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return "", ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str):
        return error, ""
    if isinstance(error, dict):
        return str(error.get("type") or ""), str(error.get("message") or "")
    return "", ""


_UNKNOWN_FIELD = re.compile(r'Unknown field name: "(.*)"')
_UNKNOWN_FIELDS_IN_FORMULA = re.compile(r"Unknown field names?: (.*)$")
#: Airtable words a refused value two ways: ``Field "Max Tokens" cannot accept the provided
#: value`` and ``Cannot parse value "5" for field Max Tokens`` (the name unquoted, at the end).
_FIELD_IN_MESSAGE = re.compile(r'[Ff]ield "([^"]+)"|for field "?(.+?)"?\.?\s*$')


def _scrub(text: str, token: str | None) -> str:
    if token:
        text = text.replace(token, "***")
    return re.sub(r"\bpat[A-Za-z0-9]{10,}\.[A-Za-z0-9]+", "***", text)


def _timed_out(exc: BaseException) -> bool:
    # after the read retry, requests wraps urllib3's ReadTimeoutError in a ConnectionError
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.TimeoutError)


def translate(exc: BaseException, *, what: str, token: str | None = None) -> RegistryError:
    """The :class:`RegistryError` for a failure of one Airtable call about ``what``.

    >>> translate(requests.ConnectionError("refused"), what="the registry table").error_class
    'unavailable'
    """
    if isinstance(exc, RegistryError):
        return exc
    if isinstance(exc, requests.HTTPError):
        return _translate_http(exc, what=what, token=token)
    if isinstance(exc, requests.exceptions.RetryError):
        reason = _scrub(str(exc), token)
        if "429" in reason:
            return RateLimitedError(
                f"Airtable kept answering 429 (rate limited) for {what}",
                hint="another client is using this base's 5 requests/s; try again in a minute",
            )
        return UnavailableError(f"Airtable kept failing for {what} ({reason[:200]})")
    if isinstance(exc, requests.Timeout) or _timed_out(exc):
        return UnavailableError(
            f"Airtable did not answer in time for {what}",
            hint="Airtable may be slow or down; try again later",
        )
    if isinstance(exc, requests.ConnectionError):
        return UnavailableError(
            f"Airtable could not be reached for {what}",
            hint="check the network and AIRTABLE_ENDPOINT_URL",
        )
    if isinstance(exc, pydantic.ValidationError | json.JSONDecodeError | KeyError | TypeError):
        return MalformedResponseError(
            f"Airtable's answer for {what} was not what its API documents ({type(exc).__name__})"
        )
    if isinstance(exc, requests.RequestException):
        return UnavailableError(f"Airtable request for {what} failed ({type(exc).__name__})")
    return RegistryError(f"Airtable call for {what} failed: {_scrub(str(exc), token)[:300]}")


def _translate_http(exc: requests.HTTPError, *, what: str, token: str | None) -> RegistryError:
    response = exc.response
    status = response.status_code if response is not None else None
    kind, message = _error_body(response)
    message = _scrub(message, token)
    said = f" ({kind}: {message})" if message else (f" ({kind})" if kind else "")
    if status == 401:
        return AuthError(
            f"Airtable rejected the token for {what}{said}",
            status=status,
            hint="check AIRTABLE_API_KEY: a personal access token (pat…) that has not been revoked",
        )
    if status == 403:
        return PermissionDeniedError(
            f"Airtable refused {what}{said}",
            status=status,
            hint="check AIRTABLE_BASE_ID and the table names, that the token can access this base "
            "and has the data.records:read/write scopes; create missing tables with "
            f"`{SETUP_COMMAND}`",
        )
    if status == 404:
        return NotFoundError(
            f"Airtable has no {what}{said}",
            status=status,
            hint=f"check AIRTABLE_BASE_ID and the table names, or run `{SETUP_COMMAND}`",
        )
    if status == 429:
        if kind == "PUBLIC_API_BILLING_LIMIT_EXCEEDED":
            return QuotaExceededError(
                f"Airtable's monthly API quota for this workspace is used up{said}",
                status=status,
                hint="wait for the month to reset or upgrade the Airtable plan",
            )
        return RateLimitedError(
            f"Airtable is rate limiting {what} and the lockout did not end in time",
            status=status,
            hint="another client is using this base's 5 requests/s; try again in a minute",
        )
    if status is not None and status >= 500:
        return UnavailableError(
            f"Airtable failed on {what} (HTTP {status}){said}",
            status=status,
            hint="Airtable is having trouble; try again later",
        )
    if status == 422:
        return _translate_422(kind, message, said, what=what)
    return RegistryError(f"Airtable rejected {what} (HTTP {status}){said}", status=status)


def _translate_422(kind: str, message: str, said: str, *, what: str) -> RegistryError:
    if kind == "ROW_DOES_NOT_EXIST":  # deleted in the UI since we read it
        return RecordGoneError(f"a row of {what} no longer exists in Airtable{said}", status=422)
    if kind == "UNKNOWN_FIELD_NAME":
        match = _UNKNOWN_FIELD.search(message)
        missing = [match.group(1)] if match else []
        return schema_mismatch(missing, what=what)
    if kind == "INVALID_FILTER_BY_FORMULA" and "Unknown field name" in message:
        match = _UNKNOWN_FIELDS_IN_FORMULA.search(message)
        names = [n.strip() for n in match.group(1).split(",")] if match else []
        return schema_mismatch(names, what=what)
    if kind in {"INVALID_MULTIPLE_CHOICE_OPTIONS", "INVALID_VALUE_FOR_COLUMN"}:
        match = _FIELD_IN_MESSAGE.search(message)
        name = (match.group(1) or match.group(2)) if match else None
        return SchemaMismatchError(
            f"Airtable refused a value in {what}{said}",
            missing_fields=[],
            status=422,
            hint=f"a field's type or options differ from what this package expects"
            f"{f' (field {name!r})' if name else ''}; run `{SETUP_COMMAND} --dry-run` to see "
            f"which, `{SETUP_COMMAND}` to add missing options, and change a changed type back "
            "in Airtable",
        )
    if "LIMIT" in kind or "record limit" in message.lower():
        return RecordCapError(
            f"Airtable refuses new records in {what}: the base reached its plan's record cap{said}",
            status=422,
            hint="delete old history and run rows or upgrade the Airtable plan (see the README's "
            "Record budget)",
        )
    return RegistryError(f"Airtable rejected the request for {what}{said}", status=422)


def schema_mismatch(missing: list[str], *, what: str) -> SchemaMismatchError:
    """The error for fields renamed or deleted in Airtable's UI."""
    names = ", ".join(f'"{m}"' for m in missing) if missing else "some fields"
    return SchemaMismatchError(
        f"{what} lacks field(s) {names} (renamed or deleted in Airtable?)",
        missing_fields=missing,
        status=422,
        hint=f"rename them back in Airtable, or run `{SETUP_COMMAND}` to add them again",
    )
