"""The fake provider server itself: routing, keys, faults, runtime changes, request log."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from registry_standins.fake_provider_data import PROVIDER_IDS
from registry_standins.fake_providers import FakeProviderServer, Fault


def test_env_points_every_provider_here_with_fake_keys(fake: FakeProviderServer) -> None:
    env = fake.env()
    assert env["OPENAI_BASE_URL"] == f"{fake.url}/openai/v1"
    assert env["OLLAMA_HOST"] == f"{fake.url}/ollama"
    assert all("fake" in v for k, v in env.items() if k.endswith("_KEY"))
    assert "OPENAI_COMPATIBLE_API_KEY" not in env


def test_requests_are_logged_with_counts(fake: FakeProviderServer) -> None:
    headers = {"Authorization": f"Bearer {fake.keys['openai']}"}
    httpx.get(f"{fake.base_url('openai')}/models", headers=headers)
    httpx.get(f"{fake.base_url('openai')}/models", headers={"Authorization": "Bearer nope"})
    assert fake.request_count("openai") == 2
    assert [r.status for r in fake.requests] == [200, 401]
    assert [r.authorized for r in fake.requests] == [True, False]
    fake.reset_log()
    assert fake.request_count() == 0


def test_fault_times_and_skip(fake: FakeProviderServer) -> None:
    fake.inject("deepseek", Fault("status", status=503, body={"error": "x"}, skip=1, times=1))
    url = f"{fake.base_url('deepseek')}/models"
    headers = {"Authorization": f"Bearer {fake.keys['deepseek']}"}
    assert [httpx.get(url, headers=headers).status_code for _ in range(3)] == [200, 503, 200]


def test_latency_per_provider(fake: FakeProviderServer) -> None:
    fake.set_latency("ollama", 0.2)
    started = time.perf_counter()
    httpx.get(f"{fake.base_url('ollama')}/api/tags")
    assert time.perf_counter() - started >= 0.2


def test_unknown_prefix_and_path_answer_404(fake: FakeProviderServer) -> None:
    assert httpx.get(f"{fake.url}/nobody/v1/models").status_code == 404
    assert httpx.get(f"{fake.url}/ollama/api/nothing").status_code == 404


@pytest.mark.parametrize("provider", PROVIDER_IDS)
def test_every_provider_has_a_default_handful(fake: FakeProviderServer, provider: str) -> None:
    assert 2 <= len(fake.models(provider)) <= 6


def test_generated_models() -> None:
    with FakeProviderServer(n_models=25) as fake:
        ids = {m.get("id") or m.get("name") for m in fake.models("together")}
        assert len(ids) == 25


@pytest.mark.slow
def test_runnable_by_hand() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "registry_standins.fake_providers", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("# fake providers on http://127.0.0.1:")
        exports = [proc.stdout.readline() for _ in range(3)]
        assert all(line.startswith("export ") for line in exports)
    finally:
        proc.terminate()
        proc.wait(timeout=5)
