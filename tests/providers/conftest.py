"""Fixtures for provider tests: JSON payloads, a MockTransport runner, the fake server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from registry_core.http import HTTPPolicy
from registry_core.providers import Credential, DiscoveredModel, discover_provider
from registry_standins.fake_providers import FakeProviderServer

DATA = Path(__file__).parent / "data"
#: A key-shaped secret that must never appear in an error, a log line or a stored value.
SECRET = "sk-test-NEVER-LEAK-0123456789abcdefXYZ"

Handler = Callable[[httpx.Request], httpx.Response]


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text())


class Routes:
    """A MockTransport handler: ``(method, path) -> [responses...]`` served in order
    (the last one repeats); records every request."""

    def __init__(self, table: dict[tuple[str, str], list[httpx.Response] | httpx.Response]):
        self.table = {k: v if isinstance(v, list) else [v] for k, v in table.items()}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = (request.method, request.url.path)
        if key not in self.table:
            return httpx.Response(404, json={"error": {"message": f"no route {key}"}})
        queue = self.table[key]
        return queue.pop(0) if len(queue) > 1 else queue[0]


def ok(body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


def run(
    provider: str,
    handler: Handler,
    *,
    secret: str | None = SECRET,
    base_url: str | None = None,
    policy: HTTPPolicy | None = None,
    **kwargs: Any,
) -> list[DiscoveredModel]:
    """``discover_provider`` through a MockTransport, without catalog enrichment."""

    async def main() -> list[DiscoveredModel]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await discover_provider(
                Credential(provider, secret=secret, base_url=base_url),
                client=client,
                policy=policy,
                enrich_from_catalog=kwargs.pop("enrich_from_catalog", False),
                **kwargs,
            )

    return asyncio.run(main())


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def policy(sleeps: list[float]) -> HTTPPolicy:
    """A policy whose retries record their waits instead of sleeping."""

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    return HTTPPolicy(sleep=record, timeout_s=5.0)


@pytest.fixture
def fake() -> Iterator[FakeProviderServer]:
    with FakeProviderServer() as server:
        yield server
