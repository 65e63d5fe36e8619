"""Security fixtures: a known fake key, the fake providers accepting only it, the stand-in, and a
loopback server that redirects every request to the cloud metadata address."""

from __future__ import annotations

import secrets
import socket
import string
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_standins.airtable_server import AirtableStandIn
from registry_standins.fake_providers import FakeProviderServer

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

KEY = "sk-FAKE-SECRET-0123456789abcdef"
#: What would give the key away even when cut or encoded: its distinctive middle.
KEY_PARTS = (KEY, "FAKE-SECRET-0123456789", "0123456789abcdef")


def leaks(text: str | bytes) -> list[str]:
    """The parts of the key found in ``text`` (raw, or as UTF-8 / JSON-escaped bytes), in any
    letter case (a provider may echo the key upper- or lower-cased)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    folded = text.casefold()
    return [part for part in KEY_PARTS if part.casefold() in folded]


def new_base_id() -> str:
    alphabet = string.ascii_letters + string.digits
    return "app" + "".join(secrets.choice(alphabet) for _ in range(14))


def table_specs() -> list[dict[str, Any]]:
    return [
        {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
        for s in TABLE_SPECS
    ]


@pytest.fixture
def fake() -> Iterator[FakeProviderServer]:
    with FakeProviderServer(keys={"openai": KEY}) as server:
        yield server


@pytest.fixture(scope="module")
def standin() -> Iterator[AirtableStandIn]:
    with AirtableStandIn(rate_limit=None) as server:
        yield server


class _Redirector(BaseHTTPRequestHandler):
    target = "http://169.254.169.254/latest/meta-data/"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.send_response(302)
        self.send_header("Location", self.server.target)  # type: ignore[attr-defined]
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def redirector() -> Iterator[Any]:
    """``redirector(target)``: a base URL on 127.0.0.1 whose every answer is a 302 to target."""
    servers: list[ThreadingHTTPServer] = []

    def make(target: str) -> str:
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Redirector)
        httpd.target = target  # type: ignore[attr-defined]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/v1"

    yield make
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every host name resolved; resolving anything but loopback fails the test."""
    resolved: list[str] = []
    real = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        resolved.append(name)
        if name not in ("127.0.0.1", "localhost", "::1"):
            raise AssertionError(f"a request tried to reach {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    return resolved
