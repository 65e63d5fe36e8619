"""A real local HTTP server that impersonates every provider at once, for tests, demos and bench.

Each provider lives under its own path prefix: ``http://127.0.0.1:PORT/openai/v1/models``,
``…/anthropic/v1/models``, ``…/google/v1beta/models`` and so on, answering in the documented
shapes with the documented pagination and error bodies. Per provider you can change the
model list at runtime, add latency, and inject faults (status + body, retry-after, hang,
malformed JSON, truncated page, repeating cursor, huge body, empty list)::

    with FakeProviderServer(latency=0.05) as fake:
        env = fake.env()                      # keys + base URLs for every provider
        fake.add_model("openai", "gpt-only-here")
        fake.inject("anthropic", Fault.auth("anthropic"))
        ...
        fake.request_count("openai")

By hand: ``python -m registry_standins.fake_providers --port 8766`` prints the env vars.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from registry_core.providers.base import Credential
from registry_standins.fake_provider_data import (
    PROVIDER_IDS,
    default_items,
    generated_items,
    make_item,
)

#: Obviously fake keys; the server accepts only these (per provider) unless told otherwise.
FAKE_KEYS: dict[str, str] = {p: f"fake-{p.replace('_', '-')}-key-not-real" for p in PROVIDER_IDS}
_KEYLESS = frozenset({"ollama", "openai_compatible"})

#: Path after the provider prefix that a client's base URL ends with.
BASE_PATHS: dict[str, str] = {
    "openai": "/v1",
    "anthropic": "",
    "google": "/v1beta",
    "mistral": "",
    "groq": "/openai/v1",
    "openrouter": "/api/v1",
    "xai": "/v1",
    "deepseek": "",
    "together": "/v1",
    "cohere": "",
    "azure": "",
    "ollama": "",
    "openai_compatible": "/v1",
}
ENV_NAMES: dict[str, tuple[str, str]] = {
    "openai": ("OPENAI_API_KEY", "OPENAI_BASE_URL"),
    "anthropic": ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"),
    "google": ("GEMINI_API_KEY", "GEMINI_BASE_URL"),
    "mistral": ("MISTRAL_API_KEY", "MISTRAL_BASE_URL"),
    "groq": ("GROQ_API_KEY", "GROQ_BASE_URL"),
    "openrouter": ("OPENROUTER_API_KEY", "OPENROUTER_BASE_URL"),
    "xai": ("XAI_API_KEY", "XAI_BASE_URL"),
    "deepseek": ("DEEPSEEK_API_KEY", "DEEPSEEK_BASE_URL"),
    "together": ("TOGETHER_API_KEY", "TOGETHER_BASE_URL"),
    "cohere": ("CO_API_KEY", "CO_API_URL"),
    "azure": ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"),
    "ollama": ("OLLAMA_API_KEY", "OLLAMA_HOST"),
    "openai_compatible": ("OPENAI_COMPATIBLE_API_KEY", "OPENAI_COMPATIBLE_BASE_URL"),
}

_OPENAI_AUTH = {
    "error": {
        "message": "Incorrect API key provided. You can find your API key at the dashboard.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
}
AUTH_ERRORS: dict[str, tuple[int, Any]] = {
    "openai": (401, _OPENAI_AUTH),
    "groq": (
        401,
        {
            "error": {
                "message": "Invalid API Key",
                "type": "invalid_request_error",
                "code": "invalid_api_key",
            }
        },
    ),
    "deepseek": (
        401,
        {
            "error": {
                "message": "Authentication Fails, Your api key: ****real is invalid",
                "type": "authentication_error",
                "param": None,
                "code": "invalid_request_error",
            }
        },
    ),
    "together": (401, _OPENAI_AUTH),
    "openai_compatible": (401, _OPENAI_AUTH),
    "anthropic": (
        401,
        {
            "type": "error",
            "error": {"type": "authentication_error", "message": "invalid x-api-key"},
            "request_id": "req_fake",
        },
    ),
    "google": (
        400,
        {
            "error": {
                "code": 400,
                "message": "API key not valid. Please pass a valid API key.",
                "status": "INVALID_ARGUMENT",
                "details": [
                    {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                    }
                ],
            }
        },
    ),
    "mistral": (401, {"detail": "Unauthorized"}),
    "xai": (
        400,
        {
            "code": "Client specified an invalid argument",
            "error": "Incorrect API key provided: fa***al. You can obtain an API key "
            "from https://console.x.ai.",
        },
    ),
    "cohere": (401, {"message": "invalid api token"}),
    "azure": (
        401,
        {
            "error": {
                "code": "401",
                "message": "Access denied due to invalid subscription key or wrong API endpoint.",
            }
        },
    ),
    "openrouter": (401, {"error": {"code": 401, "message": "Missing Authentication header"}}),
    "ollama": (401, {"error": "unauthorized"}),
}


@dataclass
class Fault:
    """Something to go wrong for one provider's requests.

    ``kind``: ``status`` (send ``status`` + ``body`` + ``headers``), ``hang`` (wait ``hang_s``
    before answering), ``malformed_json``, ``truncated_page`` (the normal body cut in half),
    ``repeating_cursor``, ``huge_body`` (``huge_bytes`` of filler), ``empty_list``.
    ``skip`` lets that many matching requests through first; ``times`` limits how many it
    hits (None: until cleared); ``path`` limits it to paths containing that text.
    """

    kind: str = "status"
    status: int = 500
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    hang_s: float = 30.0
    huge_bytes: int = 21 * 1024 * 1024
    declare_length: bool = False
    times: int | None = None
    skip: int = 0
    path: str | None = None

    @classmethod
    def auth(cls, provider: str, **kw: Any) -> Fault:
        status, body = AUTH_ERRORS[provider]
        return cls("status", status=status, body=body, **kw)

    @classmethod
    def rate_limited(
        cls,
        provider: str,
        *,
        retry_after: str | None = "1",
        retry_after_ms: str | None = None,
        **kw: Any,
    ) -> Fault:
        headers = {}
        if retry_after is not None:
            headers["retry-after"] = retry_after
        if retry_after_ms is not None:
            headers["retry-after-ms"] = retry_after_ms
        body: Any = {
            "error": {
                "message": "Rate limit reached for requests",
                "type": "requests",
                "code": "rate_limit_exceeded",
            }
        }
        if provider == "google":
            body = {
                "error": {
                    "code": 429,
                    "message": "Resource has been exhausted",
                    "status": "RESOURCE_EXHAUSTED",
                    "details": [
                        {
                            "@type": "type.googleapis.com/google.rpc.RetryInfo",
                            "retryDelay": f"{retry_after or 1}s",
                        }
                    ],
                }
            }
            headers = {}
        return cls("status", status=429, body=body, headers=headers, **kw)

    @classmethod
    def quota(cls, **kw: Any) -> Fault:
        body = {
            "error": {
                "message": "You exceeded your current quota, please check your plan "
                "and billing details.",
                "type": "insufficient_quota",
                "param": None,
                "code": "insufficient_quota",
            }
        }
        return cls("status", status=429, body=body, **kw)


@dataclass(frozen=True)
class RequestRecord:
    provider: str
    method: str
    path: str  # after the provider prefix
    query: dict[str, str]
    status: int
    at: float
    authorized: bool


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops concurrent connects (1 s SYN retry)


class FakeProviderServer:
    """All the fake providers on one free port of 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        models: Mapping[str, list[dict[str, Any]]] | None = None,
        *,
        n_models: int | None = None,
        latency: float | Mapping[str, float] = 0.0,
        page_size: int | None = None,
        keys: Mapping[str, str | None] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._host = host
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._models: dict[str, list[dict[str, Any]]] = {
            p: generated_items(p, n_models) if n_models is not None else default_items(p)
            for p in PROVIDER_IDS
        }
        for provider, items in (models or {}).items():
            self.set_models(provider, items)
        if isinstance(latency, Mapping):
            self._latency = {p: float(latency.get(p, 0.0)) for p in PROVIDER_IDS}
        else:
            self._latency = dict.fromkeys(PROVIDER_IDS, float(latency))
        self.page_size = page_size
        self.keys: dict[str, str | None] = {
            p: None if p in _KEYLESS else FAKE_KEYS[p] for p in PROVIDER_IDS
        }
        self.keys.update(keys or {})
        self._faults: dict[str, list[Fault]] = {p: [] for p in PROVIDER_IDS}
        self.requests: list[RequestRecord] = []
        self._httpd = _Server((host, port), _make_handler(self))
        self._thread: threading.Thread | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def start(self) -> FakeProviderServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},  # quick shutdown between tests
                name="fake-providers",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- configuration -----------------------------------------------------------------------

    def base_url(self, provider: str) -> str:
        return f"{self.url}/{provider}{BASE_PATHS[provider]}"

    def env(self, providers: tuple[str, ...] | None = None) -> dict[str, str]:
        """Env vars (fake keys + base URLs) pointing every provider (or those given) here."""
        out: dict[str, str] = {}
        for provider in providers or PROVIDER_IDS:
            key_var, url_var = ENV_NAMES[provider]
            out[url_var] = self.base_url(provider)
            key = self.keys.get(provider)
            if key:
                out[key_var] = key
            elif provider == "openai_compatible":
                out.pop(key_var, None)
        return out

    def credential(
        self, provider: str, name: str = "default", secret: str | None = None
    ) -> Credential:
        """A credential for ``provider`` pointing here (with the accepted fake key)."""
        return Credential(
            provider, name, secret or self.keys.get(provider), self.base_url(provider)
        )

    def credentials(self) -> list[Credential]:
        return [self.credential(p) for p in PROVIDER_IDS]

    def models(self, provider: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(m) for m in self._models[provider]]

    def set_models(self, provider: str, items: list[dict[str, Any]]) -> None:
        with self._lock:
            self._models[provider] = [dict(i) for i in items]

    def add_model(
        self, provider: str, model: str | dict[str, Any], **overrides: Any
    ) -> dict[str, Any]:
        item = make_item(provider, model, **overrides) if isinstance(model, str) else dict(model)
        with self._lock:
            self._models[provider].append(item)
        return item

    def remove_model(self, provider: str, model_id: str) -> bool:
        with self._lock:
            before = len(self._models[provider])
            self._models[provider] = [m for m in self._models[provider] if _item_id(m) != model_id]
            return len(self._models[provider]) < before

    def set_latency(self, provider: str, seconds: float) -> None:
        with self._lock:
            self._latency[provider] = seconds

    def inject(self, provider: str, fault: Fault) -> None:
        with self._lock:
            self._faults[provider].append(fault)

    def clear_faults(self, provider: str | None = None) -> None:
        with self._lock:
            for p in [provider] if provider else PROVIDER_IDS:
                self._faults[p] = []

    def request_count(self, provider: str | None = None, path_contains: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (provider is None or r.provider == provider)
                and (path_contains is None or path_contains in r.path)
            )

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # --- used by the handler -----------------------------------------------------------------

    def _take_fault(self, provider: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults[provider]:
                if fault.path and fault.path not in path:
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if fault.times is not None:
                    if fault.times <= 0:
                        continue
                    fault.times -= 1
                return fault
        return None

    def _log(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)


def _item_id(item: Mapping[str, Any]) -> str:
    name = item.get("id") or item.get("name") or item.get("model") or ""
    return str(name).removeprefix("models/")


def _make_handler(fake: FakeProviderServer) -> type[BaseHTTPRequestHandler]:
    from registry_standins.fake_provider_routes import route

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FakeProviders/1.0"
        disable_nagle_algorithm = True  # headers and body go out as separate writes

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            split = urlsplit(self.path)
            parts = split.path.split("/", 2)
            provider = parts[1] if len(parts) > 1 else ""
            rest = "/" + parts[2] if len(parts) > 2 else "/"
            query = {k: v[-1] for k, v in parse_qs(split.query).items()}
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            if provider not in PROVIDER_IDS:
                self._send(404, {"error": f"no fake provider {provider!r}"})
                return
            delay = fake._latency.get(provider, 0.0)
            if delay:
                time.sleep(delay)
            authorized = _authorized(fake, provider, rest, self.headers, query)
            fault = fake._take_fault(provider, rest)
            if fault is not None and fault.kind == "hang":
                fake._stopping.wait(fault.hang_s)
                fault = None
            if fault is not None and fault.kind == "status":
                self._record(provider, rest, query, fault.status, authorized)
                self._send(fault.status, fault.body, fault.headers)
                return
            if not authorized:
                status, body = AUTH_ERRORS[provider]
                self._record(provider, rest, query, status, authorized)
                self._send(status, body)
                return
            if fault is not None and fault.kind == "huge_body":
                self._record(provider, rest, query, 200, authorized)
                self._send_huge(fault)
                return
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = None
            status, body = route(fake, provider, self.command, rest, query, payload, fault)
            self._record(provider, rest, query, status, authorized)
            if fault is not None and fault.kind == "malformed_json":
                self._send_bytes(200, b'{"object": "list", "data": [{"id": "half-a-model", ')
            elif fault is not None and fault.kind == "truncated_page" and status == 200:
                full = json.dumps(body).encode()
                self._send_bytes(200, full[: len(full) // 2])
            else:
                self._send(status, body)

        def _record(
            self, provider: str, path: str, query: dict[str, str], status: int, authorized: bool
        ) -> None:
            fake._log(
                RequestRecord(provider, self.command, path, query, status, time.time(), authorized)
            )

        def _send(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self._send_bytes(status, data, headers)

        def _send_bytes(
            self, status: int, data: bytes, headers: Mapping[str, str] | None = None
        ) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _send_huge(self, fault: Fault) -> None:
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if fault.declare_length:
                    self.send_header("Content-Length", str(fault.huge_bytes))
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True
                chunk = b" " * 65536
                sent = 0
                while sent < fault.huge_bytes and not fake._stopping.is_set():
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def _authorized(
    fake: FakeProviderServer, provider: str, path: str, headers: Any, query: Mapping[str, str]
) -> bool:
    expected = fake.keys.get(provider)
    if not expected:
        return True
    if provider == "openrouter" and path.rstrip("/") == "/api/v1/models":
        return True  # the public listing needs no key
    if provider == "anthropic":
        given = headers.get("x-api-key") or _bearer(headers)
    elif provider == "google":
        given = headers.get("x-goog-api-key") or query.get("key")
    elif provider == "azure":
        given = headers.get("api-key") or _bearer(headers)
    else:
        given = _bearer(headers)
    return given == expected


def _bearer(headers: Any) -> str | None:
    value = headers.get("authorization") or ""
    return value[7:] if value.lower().startswith("bearer ") else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve fake AI provider APIs on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--n-models", type=int, default=None, help="generate N models each")
    parser.add_argument("--page-size", type=int, default=None, help="cap pages at N items")
    args = parser.parse_args(argv)
    fake = FakeProviderServer(
        n_models=args.n_models, latency=args.latency, page_size=args.page_size, port=args.port
    ).start()
    print(f"# fake providers on {fake.url} — paste these into your shell or .env:")
    for name, value in sorted(fake.env().items()):
        print(f"export {name}={value}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
