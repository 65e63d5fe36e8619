"""Safe HTTP for provider calls: URL checks, capped reads, bounded retries, error classification.

Every provider request goes through :class:`ProviderHTTP`. It refuses unsafe base URLs, checks
every address a host name resolves to when it connects (see :class:`GuardedNetworkBackend`),
never follows a redirect to another scheme, host or port, stops reading a body past a cap,
retries rate limits and transient failures a bounded number of times, and turns every failure
into a
:class:`~registry_core.errors.RegistryError` subclass whose message names the provider, the
status and what to do — and never contains the key.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import random
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpcore
import httpx

from registry_core import jsonsafe
from registry_core.errors import (
    AuthError,
    ConfigError,
    MalformedResponseError,
    NotFoundError,
    QuotaExceededError,
    RateLimitedError,
    RegistryError,
    UnavailableError,
    UnsafeURLError,
)

log = logging.getLogger("registry_core.http")

DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_PAGES = 200
USER_AGENT = "team-model-registry/0.1 (+model discovery)"

# Hosts that answer with cloud credentials: refused even when allowlisted.
_METADATA_HOSTS = frozenset(
    {"169.254.169.254", "fd00:ec2::254", "metadata.google.internal", "metadata"}
)
_PRIVATE_SUFFIXES = (
    ".internal",
    ".local",
    ".lan",
    ".home.arpa",
    ".localdomain",
    ".corp",
    ".svc",  # Kubernetes services (kubernetes.default.svc)
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local-use NAT64, never public
_KEY_LIKE = re.compile(r"\b(?:sk|pk|gsk|xai|csk|AIza|sk-ant|sk-or|sk-proj)[-_A-Za-z0-9]{12,}")


def _default_sleep(seconds: float) -> Awaitable[None]:
    return asyncio.sleep(seconds)


@dataclass(frozen=True)
class HTTPPolicy:
    """Limits for one discovery. The defaults suit the public provider APIs."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    max_attempts: int = 3  # per request, for rate limits and transient failures
    backoff_base_s: float = 0.5
    backoff_max_s: float = 8.0
    max_retry_after_s: float = 60.0  # a longer retry-after is reported, not waited for
    timeout_s: float = 30.0
    max_redirects: int = 3
    concurrency: int = 4  # per-model calls (retrieve, Ollama /api/show)
    probe_concurrency: int = 2  # live 1-token chat requests (they cost money)
    allow_http: bool = False
    allowed_private_hosts: tuple[str, ...] = ()
    sleep: Callable[[float], Awaitable[None]] = field(default=_default_sleep, repr=False)
    # limits on what one listing may hold (see "Provider data at the door" in the README)
    max_depth: int = 64  # JSON nesting; listings nest about six levels
    max_items: int = 50_000  # models in one listing, over all its pages
    deadline_s: float = 120.0  # the whole listing (all pages and per-model calls)


# --- secrets never leave ---------------------------------------------------------------------


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret and anything that looks like an API key replaced.

    >>> redact("bad key sk-abcdefghijklmnopqrstu", ["hunter2-secret"])
    'bad key [redacted]'
    """
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return _KEY_LIKE.sub("[redacted]", text)


def scrub(value: Any, secrets: Iterable[str | None]) -> Any:
    """A deep copy of a JSON value with every secret, in any letter case, removed from its
    strings and its keys.

    >>> scrub({"id": "m", "echo": ["key SK-ABCD-1234"]}, ["sk-abcd-1234"])
    {'id': 'm', 'echo': ['key [redacted]']}
    """
    keys = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)
    if not keys:
        return value
    pattern = re.compile("|".join(re.escape(k) for k in keys), re.IGNORECASE)

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return pattern.sub("[redacted]", node)
        if isinstance(node, Mapping):
            return {walk(str(k)): walk(v) for k, v in node.items()}
        if isinstance(node, list | tuple):
            return [walk(v) for v in node]
        return node

    return walk(value)


def display_url(url: httpx.URL | str) -> str:
    """A URL safe to show: scheme, host, port and path only (no query, no user info)."""
    try:
        u = httpx.URL(str(url))
    except Exception:
        return "<invalid URL>"
    port = f":{u.port}" if u.port else ""
    host = f"[{u.host}]" if ":" in u.host else u.host
    return f"{u.scheme}://{host}{port}{u.path}"


# --- URL safety ------------------------------------------------------------------------------


def _as_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        # Resolvers accept legacy forms ("2130706433", "0x7f.1") as IPv4: so must we.
        if not re.fullmatch(r"[0-9a-fA-FxX.]+", host) or not any(c.isdigit() for c in host):
            return None
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _allowlisted(host: str, allowed: Iterable[str]) -> bool:
    ip = _as_ip(host)
    for entry in allowed:
        entry = entry.strip().lower().rstrip(".")
        if not entry:
            continue
        if entry == host:
            return True
        if ip is not None and "/" in entry:
            try:
                if ip in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
        elif ip is not None and _as_ip(entry) == ip:
            return True
    return False


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address reaches: mapped, compatible, NAT64 (64:ff9b::/96), 6to4.

    >>> str(_embedded_ipv4(ipaddress.IPv6Address("64:ff9b::a9fe:a9fe")))
    '169.254.169.254'
    """
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    value = int(ip)
    if ip in _NAT64 or (value >> 32 == 0 and value > 1):  # ::a.b.c.d, but not :: and ::1
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return ip.sixtofour


def _is_private_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Not a public unicast address (or an IPv6 form of one that is not)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local or ip in _NAT64_LOCAL:  # fec0::/10 is deprecated, still routed inside
            return True
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return _is_private_ip(inner)
    return not ip.is_global or ip.is_multicast


def _is_metadata_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if str(ip) in _METADATA_HOSTS:
        return True
    inner = _embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    return inner is not None and str(inner) in _METADATA_HOSTS


def _is_private_name(host: str) -> bool:
    """A name only an internal resolver answers: no dot at all, or an internal suffix."""
    return "." not in host or host.endswith(_PRIVATE_SUFFIXES)


def is_loopback(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    ip = _as_ip(host)
    return ip is not None and ip.is_loopback


def check_url(
    url: str | httpx.URL,
    *,
    allow_http: bool = False,
    allowed_private_hosts: Iterable[str] = (),
    what: str = "base URL",
) -> httpx.URL:
    """Parse ``url`` and refuse it unless it is safe to send a key to.

    Loopback (``127.0.0.1``, ``::1``, ``localhost``) is allowed over plain http, because local
    servers (Ollama, vLLM, test servers) live there. Private, link-local, site-local and reserved
    addresses (also inside IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 addresses) and
    private-looking names (no dot, ``*.internal``, ``*.local``, ``*.svc`` …) are refused unless
    listed in ``allowed_private_hosts`` (hostnames, IPs or CIDRs); a listed host may use plain
    http. Cloud metadata endpoints are refused always. This reads the URL only: the addresses a
    name resolves to are checked when the connection is made (:func:`check_address`).

    >>> str(check_url("http://127.0.0.1:11434"))
    'http://127.0.0.1:11434'
    >>> check_url("http://10.0.0.5/v1")
    Traceback (most recent call last):
    ...
    registry_core.errors.UnsafeURLError: base URL http://10.0.0.5/v1 points to a private address ...
    """
    shown = display_url(url)
    try:
        parsed = httpx.URL(str(url))
    except Exception:
        raise UnsafeURLError(
            f"{what} is not a valid URL", hint="write it as https://host/path"
        ) from None
    if parsed.scheme not in ("http", "https"):
        raise UnsafeURLError(
            f"{what} {shown} uses {parsed.scheme or 'no'} scheme; only http and https are allowed"
        )
    host = parsed.host.lower().rstrip(".")
    if not host:
        raise UnsafeURLError(f"{what} {shown} has no host")
    if parsed.userinfo:
        raise UnsafeURLError(
            f"{what} {display_url(parsed)} carries a user name or password",
            hint="put credentials in the API key setting, not in the URL",
        )
    ip = _as_ip(host)
    if host in _METADATA_HOSTS or (ip is not None and _is_metadata_ip(ip)):
        raise UnsafeURLError(f"{what} {shown} points to a cloud metadata endpoint; refused")
    allowed = list(allowed_private_hosts)
    loopback = is_loopback(host)
    listed = _allowlisted(host, allowed)
    if not loopback and not listed:
        private = _is_private_ip(ip) if ip is not None else _is_private_name(host)
        if private:
            raise UnsafeURLError(
                f"{what} {shown} points to a private address ({host}), refused",
                hint="add the host to REGISTRY_ALLOWED_PRIVATE_HOSTS if it is your own server",
            )
    if parsed.scheme == "http" and not (loopback or listed or allow_http):
        raise UnsafeURLError(
            f"{what} {shown} uses plain http, which would send the key unencrypted",
            hint="use https, or set REGISTRY_ALLOW_HTTP=true for a trusted network",
        )
    return parsed


def check_address(host: str, address: str, allowed_private_hosts: Iterable[str] = ()) -> None:
    """Refuse to connect to ``address``, one of the addresses ``host`` resolved to, unless safe.

    The rules of :func:`check_url`, applied to what the name really points at: cloud metadata
    addresses are refused always; a loopback address only for a loopback name (``localhost``) or
    an allowlisted one; any other private address only when ``host`` or the address is listed
    in ``allowed_private_hosts``.

    >>> check_address("api.example.com", "10.0.0.1")
    Traceback (most recent call last):
    ...
    registry_core.errors.UnsafeURLError: host api.example.com resolves to 10.0.0.1, a private address; refused ...
    """
    host = host.lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
    except ValueError:
        raise UnsafeURLError(
            f"host {host} resolves to {address[:60]!r}, which is not an IP address; refused"
        ) from None
    if _is_metadata_ip(ip):
        raise UnsafeURLError(f"host {host} resolves to {ip}, a cloud metadata endpoint; refused")
    allowed = list(allowed_private_hosts)
    plain = ip.ipv4_mapped or ip if isinstance(ip, ipaddress.IPv6Address) else ip
    if plain.is_loopback and is_loopback(host):
        return
    if (plain.is_loopback or _is_private_ip(ip)) and not (
        _allowlisted(host, allowed) or _allowlisted(str(plain), allowed)
    ):
        raise UnsafeURLError(
            f"host {host} resolves to {ip}, a private address; refused",
            hint="add the host to REGISTRY_ALLOWED_PRIVATE_HOSTS if it is your own server",
        )


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    """Scheme, host and effective port: what a redirect may not change while a key goes along."""
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host.lower().rstrip("."), url.port or default


def join_url(base: str, path: str) -> str:
    """``base`` + ``path`` without doubling a version segment (``…/v1`` + ``/v1/models``).

    >>> join_url("https://api.mistral.ai/v1/", "/v1/models")
    'https://api.mistral.ai/v1/models'
    """
    base = base.rstrip("/")
    path = "/" + path.lstrip("/")
    for version in ("/v1", "/v1beta", "/v2"):
        if base.endswith(version) and path.startswith(version + "/"):
            path = path[len(version) :]
            break
    return base + path


# --- error classification --------------------------------------------------------------------


def _strings(body: Any, keys: tuple[str, ...]) -> list[str]:
    """Values of ``keys`` anywhere in a small JSON error body (depth-limited)."""
    found: list[str] = []

    def walk(node: Any, depth: int) -> None:
        if depth > 4:
            return
        if isinstance(node, Mapping):
            for k, v in node.items():
                if k in keys and isinstance(v, str | int) and not isinstance(v, bool):
                    found.append(str(v))
                walk(v, depth + 1)
        elif isinstance(node, list):
            for v in node[:10]:
                walk(v, depth + 1)

    walk(body, 0)
    return found


def provider_message(body: Any) -> str:
    """The human message in a provider's error body, whatever its envelope."""
    if isinstance(body, list) and body:
        body = body[0]  # Gemini through some proxies wraps the error in a one-element array
    if isinstance(body, Mapping):
        err = body.get("error")
        if isinstance(err, Mapping) and isinstance(err.get("message"), str):
            return str(err["message"])
        if isinstance(err, str):
            return err
        for key in ("message", "detail"):
            if isinstance(body.get(key), str):
                return str(body[key])
    if isinstance(body, str):
        return body.strip()[:200]
    return ""


def retry_after_seconds(headers: Mapping[str, str], body: Any = None) -> float | None:
    """Seconds to wait from ``retry-after-ms``, ``retry-after`` or Gemini's ``RetryInfo``."""
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        if "retry-after-ms" in lower:
            return max(0.0, float(lower["retry-after-ms"]) / 1000.0)
    except ValueError:
        pass
    value = lower.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if value else None
            if parsed is not None:
                return max(0.0, parsed.timestamp() - time.time())
    for delay in _strings(body, ("retryDelay",)):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)s\s*", delay)
        if match:
            return float(match.group(1))
    return None


@dataclass(frozen=True)
class ErrorContext:
    """What an error message needs to say who failed and what to do."""

    provider_id: str
    display_name: str
    label: str  # credential label, e.g. openai/acme
    key_env: str | None  # where the key is set, e.g. OPENAI_API_KEY
    secrets: tuple[str, ...] = field(default=(), repr=False)


def classify_http_error(
    ctx: ErrorContext, status: int, body: Any, headers: Mapping[str, str]
) -> RegistryError:
    """The error for a non-2xx provider response (pure: no I/O, no retries)."""
    raw_message = provider_message(body)
    detail = redact(raw_message, ctx.secrets)[:200]
    said = f"HTTP {status}" + (f": {detail}" if detail else "")
    codes = {s.lower() for s in _strings(body, ("code", "type", "status", "reason"))}
    lowered = raw_message.lower()
    name = ctx.display_name
    where = f"credential {ctx.label}" + (f" ({ctx.key_env})" if ctx.key_env else "")
    key_invalid = "api_key_invalid" in codes or (
        "api key" in lowered and any(w in lowered for w in ("invalid", "incorrect", "not valid"))
    )
    kw: dict[str, Any] = {"provider": ctx.provider_id, "status": status}
    if status in (401, 403, 498) or (status == 400 and key_invalid):
        return AuthError(
            f"{name} rejected the credentials ({said})",
            hint=f"check the key for {where}",
            **kw,
        )
    if status == 402 or "insufficient_quota" in codes or "billing_error" in codes:
        return QuotaExceededError(
            f"{name} says the quota or balance is used up ({said})",
            hint=f"add credit or raise the plan limit for {ctx.label}; retrying will not help",
            **kw,
        )
    if status == 429:
        wait = retry_after_seconds(headers, body)
        return RateLimitedError(
            f"{name} is rate limiting requests ({said})",
            retry_after=wait,
            hint=f"try again in {max(1, round(wait))}s"
            if wait is not None
            else "try again in a minute",
            **kw,
        )
    if status == 404:
        return NotFoundError(
            f"{name} answered 404 for the model listing ({said})",
            hint="check the base URL for this provider",
            **kw,
        )
    if status in (408, 425, 529) or status >= 500:
        return UnavailableError(
            f"{name} is unavailable ({said})",
            hint="try again later; if it persists check the provider's status page",
            **kw,
        )
    return ConfigError(
        f"{name} refused the request ({said})",
        hint="check the base URL and settings (e.g. api-version) for " + ctx.label,
        **kw,
    )


def _retryable(err: RegistryError) -> bool:
    return isinstance(err, RateLimitedError | UnavailableError)


# --- the client ------------------------------------------------------------------------------


#: Hosts the current request may reach although private (set by :class:`ProviderHTTP` per
#: request, because one client serves discoveries with different policies).
_CONNECT_ALLOWED: ContextVar[tuple[str, ...]] = ContextVar("registry_connect_allowed", default=())

_HAPPY_EYEBALLS_DELAY_S = 0.25

#: ``resolver(host, port)``: the IP addresses (as strings) to connect to.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]


async def resolve_host(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (TCP), in its order, once each."""
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@contextmanager
def connect_rules(allowed_private_hosts: Iterable[str]) -> Iterator[None]:
    """Connections opened inside this block may reach ``allowed_private_hosts`` too."""
    token = _CONNECT_ALLOWED.set(tuple(allowed_private_hosts))
    try:
        yield
    finally:
        _CONNECT_ALLOWED.reset(token)


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that resolves, checks every address, then connects to it.

    The check happens where the socket is opened, so it covers every request made through the
    client (first request, redirects, retries, new pooled connections), and a name that answers
    a public address to one lookup and a private one to the next (DNS rebinding) cannot slip
    through: the address connected to is the address checked, never looked up again. One
    private address among a name's answers refuses the name.

    ``resolver`` and ``backend`` (what opens the socket) are injectable for tests.
    """

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        backend: httpcore.AsyncNetworkBackend | None = None,
        allowed_private_hosts: Iterable[str] = (),
    ) -> None:
        self.resolver: Resolver = resolver or resolve_host
        self.backend = backend or httpcore.AnyIOBackend()
        self.allowed_private_hosts = tuple(allowed_private_hosts)

    async def addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        """The checked addresses for ``host``; raises :class:`UnsafeURLError` if any is unsafe."""
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            try:
                with anyio.fail_after(timeout):
                    found = list(await self.resolver(host, port))
            except TimeoutError:
                raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
            except OSError as exc:
                raise httpcore.ConnectError(f"cannot resolve {host} ({exc})") from None
        else:
            found = [host]  # an IP literal: nothing to resolve
        if not found:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        allowed = (*self.allowed_private_hosts, *_CONNECT_ALLOWED.get())
        for address in found:
            check_address(host, address, allowed)
        return found

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self.addresses(host, port, timeout)

        # TLS still verifies the certificate against the URL's host name (httpcore passes it
        # to start_tls), so dialling by address changes nothing there.
        async def dial(address: str) -> httpcore.AsyncNetworkStream:
            return await self.backend.connect_tcp(
                address,
                port,
                timeout=timeout,
                local_address=local_address,
                socket_options=socket_options,
            )

        if len(addresses) == 1:
            return await dial(addresses[0])
        # Several checked addresses (IPv6 and IPv4): start one every 250 ms, first to connect
        # wins (Happy Eyeballs, RFC 8305), so a dead IPv6 route costs a moment, not a timeout.
        won: list[httpcore.AsyncNetworkStream] = []
        failed: list[Exception] = []
        async with anyio.create_task_group() as group:

            async def attempt(address: str, delay: float) -> None:
                await anyio.sleep(delay)
                try:
                    stream = await dial(address)
                except Exception as exc:  # reported below as a connect error
                    failed.append(exc)
                    return
                if won:
                    await stream.aclose()
                    return
                won.append(stream)
                group.cancel_scope.cancel()

            for index, address in enumerate(addresses):
                group.start_soon(attempt, address, index * _HAPPY_EYEBALLS_DELAY_S)
        if won:
            return won[0]
        for exc in reversed(failed):
            if isinstance(exc, httpcore.ConnectError | httpcore.ConnectTimeout):
                raise exc
        raise httpcore.ConnectError(f"could not connect to {host} at any of its addresses")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("provider calls do not use unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.backend.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on a :class:`GuardedNetworkBackend`.

    ``httpx.AsyncHTTPTransport`` does not take a network backend, so its pool (the one
    attribute its constructor sets) is built here with one. Environment proxies are not used:
    through a proxy, the proxy would resolve the name and the check could not see the address.
    """

    def __init__(self, backend: GuardedNetworkBackend, *, limits: httpx.Limits) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )


def make_client(
    *,
    max_connections: int = 32,
    resolver: Resolver | None = None,
    backend: httpcore.AsyncNetworkBackend | None = None,
    allowed_private_hosts: Iterable[str] = (),
) -> httpx.AsyncClient:
    """The shared client for discovery: connection limits, no automatic redirects, and every
    connection checked by address (:class:`GuardedNetworkBackend`; ``resolver``/``backend``
    are for tests)."""
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections // 2
    )
    guard = GuardedNetworkBackend(
        resolver=resolver, backend=backend, allowed_private_hosts=allowed_private_hosts
    )
    return httpx.AsyncClient(
        transport=GuardedTransport(guard, limits=limits),
        timeout=httpx.Timeout(30.0, connect=10.0),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


class ProviderHTTP:
    """JSON requests for one provider credential, with the safety rules applied."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        ctx: ErrorContext,
        *,
        headers: Mapping[str, str] | None = None,
        policy: HTTPPolicy | None = None,
    ) -> None:
        self.client = client
        self.ctx = ctx
        self.headers = dict(headers or {})
        self.policy = policy or HTTPPolicy()

    def _safe(self, err: RegistryError) -> RegistryError:
        err.message = redact(err.message, self.ctx.secrets)
        err.args = (err.message,)
        if err.hint:
            err.hint = redact(err.hint, self.ctx.secrets)
        return err

    def check(self, url: str | httpx.URL) -> httpx.URL:
        return check_url(
            url,
            allow_http=self.policy.allow_http,
            allowed_private_hosts=self.policy.allowed_private_hosts,
        )

    async def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        return await self.request_json("GET", url, params=params)

    async def post_json(self, url: str, payload: Any) -> Any:
        return await self.request_json("POST", url, json_body=payload)

    async def request_json(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> Any:
        """Send, retrying rate limits and transient failures; return the parsed JSON body."""
        policy = self.policy
        name = self.ctx.display_name
        attempt = 0
        while True:
            attempt += 1
            err: RegistryError
            try:
                status, headers, content = await self._send(method, url, params, json_body)
            except httpx.TimeoutException:
                err = UnavailableError(
                    f"{name} did not answer within {policy.timeout_s:.0f}s",
                    provider=self.ctx.provider_id,
                    hint="try again later, or check the base URL",
                )
            except httpx.TransportError as exc:
                err = UnavailableError(
                    f"could not reach {name} at {display_url(url)} ({type(exc).__name__})",
                    provider=self.ctx.provider_id,
                    hint="check the base URL and the network; is the server running?",
                )
            else:
                body = _loads(content, self.policy.max_depth)
                if 200 <= status < 300:
                    if isinstance(body, _TooDeep):
                        raise self._safe(
                            MalformedResponseError(
                                f"{name} answered {display_url(url)} with JSON {body.reason}",
                                provider=self.ctx.provider_id,
                                status=status,
                                hint="check that the base URL points at the provider's API",
                            )
                        )
                    if body is _NOT_JSON:
                        raise self._safe(
                            MalformedResponseError(
                                f"{name} answered {display_url(url)} with something that is not "
                                f"JSON ({_snippet(content)})",
                                provider=self.ctx.provider_id,
                                status=status,
                                hint="check that the base URL points at the provider's API",
                            )
                        )
                    return body
                err = classify_http_error(
                    self.ctx, status, None if _unparsed(body) else body, headers
                )
                if headers.get("x-should-retry", "").lower() == "false":
                    raise self._safe(err)
            if not _retryable(err) or attempt >= policy.max_attempts:
                if _retryable(err) and attempt > 1:
                    err.message += f" after {attempt} attempts"
                raise self._safe(err)
            delay = self._delay(err, attempt)
            if delay is None:
                raise self._safe(err)
            log.warning(
                "%s: %s; retrying in %.2fs (attempt %d of %d)",
                self.ctx.label,
                redact(err.message, self.ctx.secrets),
                delay,
                attempt,
                policy.max_attempts,
            )
            await policy.sleep(delay)

    def _delay(self, err: RegistryError, attempt: int) -> float | None:
        policy = self.policy
        if isinstance(err, RateLimitedError) and err.retry_after is not None:
            if err.retry_after > policy.max_retry_after_s:
                return None  # waiting that long is the caller's decision
            return err.retry_after
        backoff: float = min(policy.backoff_max_s, policy.backoff_base_s * 2.0 ** (attempt - 1))
        return backoff * random.uniform(0.5, 1.0)

    async def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
    ) -> tuple[int, httpx.Headers, bytes]:
        try:
            with connect_rules(self.policy.allowed_private_hosts):
                return await self._follow(method, url, params, json_body)
        except UnsafeURLError as exc:  # also the connect-time address check's refusal
            exc.provider = exc.provider or self.ctx.provider_id
            raise self._safe(exc) from None

    async def _follow(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        json_body: Any,
    ) -> tuple[int, httpx.Headers, bytes]:
        current = self.check(url)
        for _ in range(self.policy.max_redirects + 1):
            async with self.client.stream(
                method,
                current,
                params=dict(params) if params else None,
                json=json_body,
                headers=self.headers,
                follow_redirects=False,
                timeout=self.policy.timeout_s,
            ) as response:
                if response.is_redirect:
                    target = response.url.join(response.headers["location"])
                    # The key goes with the request: a redirect that changes scheme, host or
                    # port (another server on the same host) is refused, never followed.
                    if _origin(target) != _origin(current):
                        raise self._safe(
                            UnsafeURLError(
                                f"{self.ctx.display_name} redirected {display_url(current)} to "
                                f"{display_url(target)}; redirects to another host, port or "
                                "scheme are not followed (the key would go along)",
                                provider=self.ctx.provider_id,
                                status=response.status_code,
                                hint="set the base URL to the final address",
                            )
                        )
                    current = self.check(target)
                    params = None  # already part of the redirect target
                    if response.status_code == 303:
                        method, json_body = "GET", None
                    continue
                content = await self._read_capped(response)
                return response.status_code, response.headers, content
        raise self._safe(
            MalformedResponseError(
                f"{self.ctx.display_name} redirected more than {self.policy.max_redirects} times",
                provider=self.ctx.provider_id,
            )
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        cap = self.policy.max_body_bytes
        too_big = MalformedResponseError(
            f"{self.ctx.display_name} sent a response larger than {cap // (1024 * 1024) or cap} "
            f"{'MB' if cap >= 1024 * 1024 else 'bytes'}; stopped reading",
            provider=self.ctx.provider_id,
            status=response.status_code,
            hint="check the base URL; a model listing is far smaller than this",
        )
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise self._safe(too_big)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > cap:
                raise self._safe(too_big)
            chunks.append(chunk)
        return b"".join(chunks)


_NOT_JSON: Any = object()


@dataclass(frozen=True)
class _TooDeep:
    reason: str


def _unparsed(body: Any) -> bool:
    return body is _NOT_JSON or isinstance(body, _TooDeep)


def _loads(content: bytes, max_depth: int = jsonsafe.MAX_DEPTH) -> Any:
    """The JSON body (strict: see :mod:`registry_core.jsonsafe`), else a marker saying why not."""
    if not content.strip():
        return _NOT_JSON
    try:
        return jsonsafe.loads(content, max_depth=max_depth)
    except jsonsafe.TooDeepError as exc:
        return _TooDeep(str(exc))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _NOT_JSON


def _snippet(content: bytes) -> str:
    text = content[:40].decode("utf-8", "replace").strip().replace("\n", " ")
    return f"starts with {text!r}" if text else "empty body"
