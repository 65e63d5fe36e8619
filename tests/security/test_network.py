"""Network attacks on the key: names that resolve to private addresses (and DNS rebinding),
IPv6 spellings of private IPv4 addresses, internal-only names, redirects to another port of the
same host, and an unchecked ``AIRTABLE_ENDPOINT_URL``.

Resolution is always a stub (an injected resolver, or a patched ``socket.getaddrinfo``): no test
resolves a real name or connects to a real private address. A stub "network" backend stands for
the public internet by forwarding to the local fake provider server.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpcore
import httpx
import pytest

from registry_core.config import Settings
from registry_core.errors import ConfigError, UnsafeURLError
from registry_core.flight import run_sync
from registry_core.http import HTTPPolicy, check_address, check_url, make_client
from registry_core.providers.base import Credential, DiscoveredModel
from registry_core.providers.discovery import discover_provider
from registry_core.service import ModelRegistryService
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.fake_providers import FakeProviderServer

from .conftest import KEY, leaks

PUBLIC = "93.184.216.34"  # a public unicast address; the stub backend never really dials it
FAST = HTTPPolicy(timeout_s=5.0, backoff_base_s=0.01, backoff_max_s=0.02)


# --- URL spellings of private addresses, and internal-only names ------------------------------

REFUSED_URLS = [
    ("https://[::10.0.0.1]/v1", "private"),  # IPv4-compatible
    ("https://[::ffff:a00:1]/v1", "private"),  # IPv4-mapped, hex spelling
    ("https://[64:ff9b::a00:1]/v1", "private"),  # NAT64 of 10.0.0.1
    ("https://[64:ff9b::a9fe:a9fe]/v1", "metadata"),  # NAT64 of 169.254.169.254
    ("https://[::ffff:169.254.169.254]/", "metadata"),
    ("https://[64:ff9b:1::a00:1]/v1", "private"),  # local-use NAT64 prefix
    ("https://[2002:a00:1::]/v1", "private"),  # 6to4 of 10.0.0.1
    ("https://[fec0::1]/v1", "private"),  # site-local
    ("https://kubernetes.default.svc/api", "private"),
    ("https://kubernetes/api", "private"),  # a bare name: only an internal resolver answers it
    ("https://gpu-box:8000/v1", "private"),
    ("https://vault.service.internal/v1", "private"),
    ("https://printer.local/v1", "private"),
]


@pytest.mark.parametrize(("url", "says"), REFUSED_URLS, ids=[u for u, _ in REFUSED_URLS])
def test_private_addresses_in_any_spelling_and_internal_names_are_refused(
    url: str, says: str
) -> None:
    with pytest.raises(UnsafeURLError, match=says):
        check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://[64:ff9b::808:808]/v1",  # NAT64 of a public address
        "https://[2002:808:808::]/v1",  # 6to4 of a public address
        "https://[2606:4700::1111]/v1",
        "https://api.openai.com/v1",
    ],
)
def test_public_addresses_in_the_same_spellings_pass(url: str) -> None:
    check_url(url)


def test_allowlisted_internal_name_passes() -> None:
    check_url("http://gpu-box:8000/v1", allowed_private_hosts=["gpu-box"])


# --- the resolved address is checked at connect time ------------------------------------------


class StubResolver:
    """Answers from a script, one answer per lookup (the last repeats); records every lookup."""

    def __init__(self, *answers: Sequence[str]) -> None:
        self.answers = list(answers)
        self.lookups: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.lookups.append((host, port))
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


class StubInternet(httpcore.AsyncNetworkBackend):
    """Opens every connection to the local fake server, whatever address it is asked for, and
    records the addresses asked for: what the guarded backend would really have dialled."""

    def __init__(self, port: int, dead: Iterable[str] = ()) -> None:
        self.port = port
        self.dead = set(dead)  # addresses whose packets vanish: the connect never answers
        self.dialled: list[tuple[str, int]] = []
        self.real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.dialled.append((host, port))
        if host in self.dead:
            await asyncio.sleep(3600)
        return await self.real.connect_tcp("127.0.0.1", self.port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


@pytest.fixture
def fake() -> Iterator[FakeProviderServer]:
    with FakeProviderServer(keys={"openai": KEY}) as server:
        yield server


def _discover(
    fake: FakeProviderServer,
    resolver: StubResolver,
    *,
    host: str = "api.provider.example",
    runs: int = 1,
    **kwargs: Any,
) -> tuple[list[list[DiscoveredModel] | BaseException], StubInternet]:
    """``runs`` discoveries of openai at ``http://host:port/openai/v1`` through one client."""
    internet = StubInternet(fake.port, kwargs.pop("dead", ()))
    base = f"http://{host}:{fake.port}/openai/v1"
    kwargs.setdefault("allow_http", True)  # plain http to the stub "public" host

    async def main() -> list[list[DiscoveredModel] | BaseException]:
        # one connection at a time and none kept alive: every request looks the name up again
        async with make_client(max_connections=1, resolver=resolver, backend=internet) as client:
            out: list[list[DiscoveredModel] | BaseException] = []
            for _ in range(runs):
                try:
                    out.append(
                        await discover_provider(
                            Credential("openai", "default", KEY, base),
                            client=client,
                            enrich_from_catalog=False,
                            policy=FAST,
                            **kwargs,
                        )
                    )
                except UnsafeURLError as exc:
                    out.append(exc)
            return out

    return asyncio.run(main()), internet


RESOLVED_REFUSED = [
    (["10.0.0.1"], "private"),
    (["169.254.169.254"], "metadata"),
    (["::ffff:10.0.0.1"], "private"),
    (["64:ff9b::a9fe:a9fe"], "metadata"),
    (["fec0::1"], "private"),
    (["fd00::5"], "private"),
    (["127.0.0.1"], "private"),  # a public name answering loopback: a local service, refused
    ([PUBLIC, "10.0.0.1"], "private"),  # one private answer among public ones refuses the name
]


@pytest.mark.parametrize(
    ("answer", "says"), RESOLVED_REFUSED, ids=[str(a) for a, _ in RESOLVED_REFUSED]
)
def test_a_name_resolving_to_a_private_address_is_never_connected(
    fake: FakeProviderServer, answer: list[str], says: str, loopback_only: list[str]
) -> None:
    resolver = StubResolver(answer)
    (result,), internet = _discover(fake, resolver)
    assert isinstance(result, UnsafeURLError), result
    assert says in str(result) and "api.provider.example" in str(result)
    assert result.provider == "openai" and result.error_class == "unsafe_url"
    assert not leaks(str(result))
    assert resolver.lookups == [("api.provider.example", fake.port)]
    assert internet.dialled == []  # nothing was dialled, so the key went nowhere
    assert fake.request_count("openai") == 0
    assert loopback_only == []  # the system resolver was never asked


def test_dns_rebinding_the_second_answer_is_refused(
    fake: FakeProviderServer, loopback_only: list[str]
) -> None:
    resolver = StubResolver([PUBLIC], ["10.0.0.1"])
    (first, second), internet = _discover(fake, resolver, runs=2)
    assert isinstance(first, list) and first, first  # the public answer: a real listing
    assert isinstance(second, UnsafeURLError) and "10.0.0.1" in str(second)
    assert len(resolver.lookups) == 2
    # the address dialled is the address checked: the name is never handed on to be resolved
    # again (which is where a rebinding answer would slip in)
    assert internet.dialled == [(PUBLIC, fake.port)]
    assert fake.request_count("openai") == 1


def test_allowlisted_private_address_is_connected_to_by_address(
    fake: FakeProviderServer,
) -> None:
    for allowed in (["vllm.corp.example"], ["10.0.0.0/8"], ["10.1.2.3"]):
        resolver = StubResolver(["10.1.2.3"])
        (models,), internet = _discover(
            fake, resolver, host="vllm.corp.example", allowed_private_hosts=allowed
        )
        assert isinstance(models, list) and models, (allowed, models)
        assert internet.dialled == [("10.1.2.3", fake.port)]


def test_a_dead_first_address_does_not_stall_the_connect(fake: FakeProviderServer) -> None:
    """Every checked address may be dialled; the first to connect wins (Happy Eyeballs)."""
    dead_v6 = "2606:4700::1111"
    resolver = StubResolver([dead_v6, PUBLIC])
    started = time.monotonic()
    (models,), internet = _discover(fake, resolver, dead=[dead_v6])
    assert isinstance(models, list) and models, models
    assert time.monotonic() - started < 3.0  # far below the 5 s timeout the dead one would take
    assert internet.dialled[:2] == [(dead_v6, fake.port), (PUBLIC, fake.port)]


def test_metadata_address_is_refused_even_when_allowlisted(fake: FakeProviderServer) -> None:
    resolver = StubResolver(["169.254.169.254"])
    (result,), internet = _discover(
        fake, resolver, host="vllm.corp.example", allowed_private_hosts=["169.254.0.0/16"]
    )
    assert isinstance(result, UnsafeURLError) and "metadata" in str(result)
    assert internet.dialled == []


def test_loopback_names_still_reach_local_servers(
    fake: FakeProviderServer, loopback_only: list[str]
) -> None:
    """The real resolver and socket path: ``localhost`` resolves (maybe to ::1 first, where the
    fake does not listen: the next address is tried) and connects."""
    cred = Credential("openai", "default", KEY, f"http://localhost:{fake.port}/openai/v1")
    models = run_sync(discover_provider(cred, enrich_from_catalog=False, policy=FAST))
    assert models and "localhost" in loopback_only


@pytest.mark.parametrize(
    ("host", "address", "allowed"),
    [
        ("localhost", "127.0.0.1", ()),
        ("localhost", "::1", ()),
        ("api.example.com", PUBLIC, ()),
        ("api.example.com", "2606:4700::1111", ()),
        ("gw.example.com", "192.168.1.9", ("gw.example.com",)),
        ("gw.example.com", "192.168.1.9", ("192.168.0.0/16",)),
        ("dev.example.com", "127.0.0.1", ("dev.example.com",)),
    ],
)
def test_check_address_allows(host: str, address: str, allowed: tuple[str, ...]) -> None:
    check_address(host, address, allowed)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("localhost", "10.0.0.1"),  # a loopback name that does not resolve to loopback
        ("api.example.com", "::10.0.0.1"),
        ("api.example.com", "fe80::1%eth0"),
        ("api.example.com", "100.64.0.1"),  # carrier-grade NAT
        ("api.example.com", "0.0.0.0"),
        ("api.example.com", "not-an-ip"),
    ],
)
def test_check_address_refuses(host: str, address: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_address(host, address)


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ModelRegistryService]:
    settings = Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=("openai",),
        env={"OPENAI_API_KEY": KEY},
    )
    store = SQLiteStore(settings.db_path)
    yield ModelRegistryService.from_settings(
        settings, store=store, discover=partial(discover_provider, policy=FAST)
    )
    store.close()


def test_the_service_checks_resolved_addresses_too(
    service: ModelRegistryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the façade and its shared client: a public-looking name the system resolver
    answers with a private address is refused before anything is sent."""
    asked: list[str] = []

    def stub(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        asked.append(name)
        if name != "gw.rebind.example":
            raise AssertionError(f"a request tried to resolve {name}")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", int(port or 443)))]

    dialled: list[str] = []

    async def no_dialling(self: Any, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        dialled.append(host)  # were the check missing, this is where 10.0.0.1 would be dialled
        raise httpcore.ConnectError("the test network dials nothing")

    monkeypatch.setattr(socket, "getaddrinfo", stub)
    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", no_dialling)
    answer = service.get_available_models(
        "openai", base_url="https://gw.rebind.example/v1", force_refresh=True
    )
    assert answer.tier == "catalog", answer.warnings
    said = " ".join(answer.warnings)
    assert "10.0.0.1" in said and "refused" in said, answer.warnings
    assert not leaks(said)
    assert service.runs("openai")[0].error_class == "unsafe_url"
    assert asked == ["gw.rebind.example"]
    assert dialled == []


# --- redirects: scheme, host and port ---------------------------------------------------------


class _Recorder(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.server.seen.append(dict(self.headers))  # type: ignore[attr-defined]
        body = b'{"object": "list", "data": [{"id": "m", "object": "model", "created": 1}]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def recorder() -> Iterator[tuple[int, list[dict[str, str]]]]:
    """A second server on 127.0.0.1 (another port) that records every request's headers."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.seen = []  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd.server_address[1], httpd.seen  # type: ignore[attr-defined]
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/v1/models",  # same host, another port: another server
        "http://localhost:{port}/v1/models",  # another spelling of the host, another port
    ],
)
def test_redirect_to_another_port_of_the_same_host_does_not_carry_the_key(
    redirector: Callable[[str], str],
    recorder: tuple[int, list[dict[str, str]]],
    target: str,
) -> None:
    port, seen = recorder
    base = redirector(target.format(port=port))
    credential = Credential("openai", "default", KEY, base)
    with pytest.raises(UnsafeURLError) as caught:
        run_sync(discover_provider(credential, enrich_from_catalog=False, policy=FAST))
    message = str(caught.value)
    assert "redirect" in message and "port" in message and "not followed" in message
    assert not leaks(message)
    assert seen == []  # the second server got nothing, so never the key


@pytest.mark.parametrize(
    ("base", "location"),
    [
        ("http://127.0.0.1:8000/v1", "https://127.0.0.1:8000/v1/models"),  # scheme only
        ("https://api.example.com/v1", "https://api.example.com:8443/v1/models"),  # port only
        ("https://api.example.com/v1", "http://api.example.com:443/v1/models"),  # scheme only
    ],
)
def test_a_redirect_changing_scheme_or_port_alone_is_refused(base: str, location: str) -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(302, headers={"location": location})

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            await discover_provider(
                Credential("openai", "default", KEY, base),
                client=client,
                enrich_from_catalog=False,
                policy=FAST,
                allow_http=True,
            )

    with pytest.raises(UnsafeURLError, match="not followed"):
        asyncio.run(main())
    assert len(sent) == 1  # the redirect target never received a request


def test_a_redirect_to_the_same_origin_spelled_with_its_default_port_is_followed() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path == "/v1/models":
            return httpx.Response(
                301, headers={"location": "https://api.example.com:443/v2/models"}
            )
        return httpx.Response(200, json={"data": [{"id": "m", "created": 1}]})

    async def main() -> list[DiscoveredModel]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await discover_provider(
                Credential("openai", "default", KEY, "https://api.example.com/v1"),
                client=client,
                enrich_from_catalog=False,
                policy=FAST,
            )

    assert [m.model_id for m in asyncio.run(main())] == ["m"]
    assert sent[1].headers["authorization"] == f"Bearer {KEY}"


def test_the_recorder_would_have_seen_the_key(recorder: tuple[int, list[dict[str, str]]]) -> None:
    """The redirect test proves something: straight to the second server, the key arrives."""
    port, seen = recorder
    credential = Credential("openai", "default", KEY, f"http://127.0.0.1:{port}/v1")
    assert run_sync(discover_provider(credential, enrich_from_catalog=False, policy=FAST))
    assert any(h.get("Authorization") == f"Bearer {KEY}" for h in seen)


# --- AIRTABLE_ENDPOINT_URL --------------------------------------------------------------------

AIRTABLE = {"AIRTABLE_API_KEY": KEY, "AIRTABLE_BASE_ID": "appAAAAAAAAAAAAAA"}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://airtable.example.com", "plain http"),
        ("https://10.0.0.5", "private"),
        ("https://[::ffff:10.0.0.5]", "private"),
        ("http://169.254.169.254/latest", "metadata"),
        ("https://airtable.internal", "private"),
        ("ftp://api.airtable.com", "scheme"),
        ("https://user:pw@api.airtable.com", "password"),
    ],
)
def test_unsafe_airtable_endpoint_is_refused_naming_the_variable(url: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**AIRTABLE, "AIRTABLE_ENDPOINT_URL": url})
    message = str(caught.value)
    assert "AIRTABLE_ENDPOINT_URL" in message and says in message, message
    assert not leaks(message)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "https://api.airtable.com"),
        ({"AIRTABLE_ENDPOINT_URL": "http://127.0.0.1:8765/"}, "http://127.0.0.1:8765"),
        ({"AIRTABLE_ENDPOINT_URL": "http://localhost:8765"}, "http://localhost:8765"),
        ({"AIRTABLE_ENDPOINT_URL": "https://airtable-proxy.example.com"}, None),
        (
            {
                "AIRTABLE_ENDPOINT_URL": "http://10.0.0.5:8765",
                "REGISTRY_ALLOWED_PRIVATE_HOSTS": "10.0.0.5",
            },
            None,
        ),
        (
            {"AIRTABLE_ENDPOINT_URL": "http://airtable.example.com", "REGISTRY_ALLOW_HTTP": "1"},
            None,
        ),
    ],
)
def test_safe_airtable_endpoints_pass(env: dict[str, str], expected: str | None) -> None:
    settings = Settings.from_env({**AIRTABLE, **env})
    want = expected or env["AIRTABLE_ENDPOINT_URL"].rstrip("/")
    assert settings.airtable.endpoint_url == want
