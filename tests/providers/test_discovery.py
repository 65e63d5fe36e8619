"""Discovery end to end against the real local fake server (all providers, one client)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from registry_core import records as R
from registry_core.errors import (
    AuthError,
    MalformedResponseError,
    RateLimitedError,
    RegistryError,
    UnavailableError,
)
from registry_core.http import HTTPPolicy
from registry_core.providers import (
    Credential,
    ProgressEvent,
    credentials_from_env,
    discover_many,
    discover_many_sync,
    discover_sync,
)
from registry_standins.fake_provider_data import DEFAULT_MODEL_IDS
from registry_standins.fake_providers import FakeProviderServer, Fault


def discover(cred: Credential, **kw: Any) -> list[Any]:
    kw.setdefault("enrich_from_catalog", False)
    return discover_sync(cred, **kw)


def test_every_provider_through_one_client(fake: FakeProviderServer) -> None:
    creds = credentials_from_env(fake.env())
    assert len(creds) == 13
    events: list[ProgressEvent] = []
    results = discover_many_sync(creds, progress=events.append, enrich_from_catalog=False)
    assert set(results) == {c.label for c in creds}
    for label, models in results.items():
        assert not isinstance(models, Exception), f"{label}: {models}"
        provider = label.split("/")[0]
        listed = {m.model_id for m in models}
        assert set(DEFAULT_MODEL_IDS[provider]) <= listed
        assert all(m.verification["outcome"] == "ok" for m in models)
        assert all(m.verification["method"] == "list" for m in models)
    finished = {e.provider_id for e in events if e.stage == "finished"}
    assert finished == {c.provider_id for c in creds}


def test_one_failing_provider_does_not_hide_the_others(fake: FakeProviderServer) -> None:
    fake.inject("anthropic", Fault.auth("anthropic"))
    events: list[ProgressEvent] = []
    creds = [fake.credential("anthropic"), fake.credential("openai")]
    results = discover_many_sync(creds, progress=events.append, enrich_from_catalog=False)
    assert isinstance(results["anthropic/default"], AuthError)
    assert isinstance(results["openai/default"], list)
    failed = [e for e in events if e.stage == "failed"]
    assert len(failed) == 1 and "ANTHROPIC_API_KEY" in (failed[0].message or "")


def test_discover_many_uses_the_given_client(fake: FakeProviderServer) -> None:
    seen: list[str] = []

    async def main() -> None:
        async with httpx.AsyncClient(
            event_hooks={"request": [lambda r: _append(seen, r)]}
        ) as client:
            await discover_many(fake.credentials()[:3], client=client, enrich_from_catalog=False)

    asyncio.run(main())
    assert {u.split("/")[3] for u in seen} == {"openai", "anthropic", "google"}


async def _append(seen: list[str], request: httpx.Request) -> None:
    seen.append(str(request.url))


def test_pagination_over_the_real_server() -> None:
    with FakeProviderServer(n_models=7, page_size=3) as fake:
        for provider in ("anthropic", "google", "cohere", "openrouter"):
            models = discover(fake.credential(provider))
            assert len(models) == 7, provider
            assert fake.request_count(provider) == 3, provider


@pytest.mark.parametrize("provider", ["anthropic", "google", "cohere", "openrouter"])
def test_repeating_cursor_from_the_server_is_malformed(
    fake: FakeProviderServer, provider: str
) -> None:
    fake.inject(provider, Fault("repeating_cursor"))
    with pytest.raises(MalformedResponseError, match="repeats"):
        discover(fake.credential(provider))


@pytest.mark.parametrize("kind", ["malformed_json", "truncated_page"])
def test_broken_bodies_from_the_server_are_malformed(fake: FakeProviderServer, kind: str) -> None:
    fake.inject("openai", Fault(kind))
    with pytest.raises(MalformedResponseError, match="not JSON"):
        discover(fake.credential("openai"))


def test_truncated_second_page_fails_everything() -> None:
    with FakeProviderServer(n_models=4, page_size=2) as fake:
        fake.inject("google", Fault("truncated_page", skip=1))
        with pytest.raises(MalformedResponseError):
            discover(fake.credential("google"))
        assert fake.request_count("google") == 2


@pytest.mark.parametrize("declare_length", [False, True])
def test_a_body_over_20_mb_is_stopped(fake: FakeProviderServer, declare_length: bool) -> None:
    fake.inject("openai", Fault("huge_body", declare_length=declare_length))
    with pytest.raises(MalformedResponseError, match="larger than 20 MB"):
        discover(fake.credential("openai"))


def test_empty_list_is_a_valid_empty_listing(fake: FakeProviderServer) -> None:
    fake.inject("mistral", Fault("empty_list"))
    assert discover(fake.credential("mistral")) == []


def test_hang_times_out_into_unavailable(fake: FakeProviderServer) -> None:
    fake.inject("deepseek", Fault("hang", hang_s=5))
    policy = HTTPPolicy(timeout_s=0.2, max_attempts=2, backoff_base_s=0.01)
    with pytest.raises(UnavailableError, match="did not answer"):
        discover(fake.credential("deepseek"), policy=policy)


def test_rate_limit_once_then_success_honours_retry_after(fake: FakeProviderServer) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    fake.inject("groq", Fault.rate_limited("groq", retry_after="2", times=1))
    models = discover(fake.credential("groq"), policy=HTTPPolicy(sleep=record))
    assert models and waits == [2.0]
    assert fake.request_count("groq") == 2


def test_rate_limit_from_gemini_retry_info(fake: FakeProviderServer) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    fake.inject("google", Fault.rate_limited("google", retry_after="7"))
    with pytest.raises(RateLimitedError):
        discover(fake.credential("google"), policy=HTTPPolicy(sleep=record))
    assert waits == [7.0, 7.0]


@pytest.mark.parametrize("provider", ["openai", "anthropic", "google", "xai", "cohere", "azure"])
def test_wrong_key_is_an_auth_error_in_each_native_shape(
    fake: FakeProviderServer, provider: str
) -> None:
    cred = fake.credential(provider, secret="wrong-key-0000000000000")
    with pytest.raises(AuthError) as info:
        discover(cred)
    assert "wrong-key-0000000000000" not in str(info.value)


def test_runtime_model_changes_are_seen(fake: FakeProviderServer) -> None:
    fake.add_model("openai", "gpt-only-the-fake-has", created=1_760_000_000)
    ids = {m.model_id for m in discover(fake.credential("openai"))}
    assert "gpt-only-the-fake-has" in ids
    assert fake.remove_model("openai", "gpt-only-the-fake-has")
    assert "gpt-only-the-fake-has" not in {m.model_id for m in discover(fake.credential("openai"))}


def test_validate_retrieve(fake: FakeProviderServer) -> None:
    models = discover(fake.credential("anthropic"), validate="retrieve")
    assert {m.verification["method"] for m in models} == {"retrieve"}
    assert {m.verification["outcome"] for m in models} == {"ok"}
    assert fake.request_count("anthropic", "/v1/models/") == len(models)


def test_validate_retrieve_marks_a_vanished_model_failed(fake: FakeProviderServer) -> None:
    fake.inject(
        "openai",
        Fault(
            "status", status=404, body={"error": {"message": "gone"}}, path="/v1/models/gpt-4o-mini"
        ),
    )
    models = {m.model_id: m for m in discover(fake.credential("openai"), validate="retrieve")}
    assert models["gpt-4o-mini"].verification["outcome"] == "failed"
    assert models["gpt-4o-mini"].verification["error"] == "not_found"
    assert models["gpt-4.1"].verification["outcome"] == "ok"


def test_validate_retrieve_openrouter_checks_the_key_once(fake: FakeProviderServer) -> None:
    models = discover(fake.credential("openrouter"), validate="retrieve")
    assert {m.verification["outcome"] for m in models} == {"ok"}
    assert fake.request_count("openrouter", "/models/user") == 1


def test_validate_retrieve_falls_back_to_list_where_there_is_no_retrieve(
    fake: FakeProviderServer,
) -> None:
    models = discover(fake.credential("mistral"), validate="retrieve")
    assert {m.verification["method"] for m in models} == {"list"}


def test_validate_probe(fake: FakeProviderServer) -> None:
    models = {m.model_id: m for m in discover(fake.credential("google"), validate="probe")}
    assert models["gemini-2.5-pro"].verification["outcome"] == "ok"
    assert models["gemini-2.5-pro"].verification["method"] == "probe"
    assert models["gemini-embedding-001"].verification["outcome"] == "skipped"
    chat_models = [m for m in models.values() if "chat" in m.features]
    assert fake.request_count("google", ":generateContent") == len(chat_models)


def test_probe_is_skipped_for_azure(fake: FakeProviderServer) -> None:
    models = discover(fake.credential("azure"), validate="probe")
    assert {m.verification["outcome"] for m in models} == {"skipped"}
    assert fake.request_count("azure") == 1


def test_enrichment_keeps_provider_values_and_marks_catalog_values(
    fake: FakeProviderServer,
) -> None:
    models = {m.model_id: m for m in discover_sync(fake.credential("anthropic"))}
    opus = models["claude-opus-4-6"]
    assert opus.provenance[R.MAX_TOKENS] == "provider"
    assert opus.max_tokens == 200_000  # the fake's value, not the catalog's
    assert opus.provenance.get(R.COST_PER_1K) in ("catalog", "inferred")
    assert opus.cost_per_1k is not None


def test_sync_wrapper_works_inside_a_running_loop(fake: FakeProviderServer) -> None:
    async def inside() -> list[Any]:
        return discover(fake.credential("deepseek"))

    assert len(asyncio.run(inside())) == 2


def test_sync_wrapper_works_from_threads_while_another_loop_runs(fake: FakeProviderServer) -> None:
    results: list[Any] = []

    def worker() -> None:
        results.append(discover_many_sync([fake.credential("groq")], enrich_from_catalog=False))

    async def busy_loop() -> None:
        threads = [threading.Thread(target=worker) for _ in range(3)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            await asyncio.sleep(0.01)

    asyncio.run(busy_loop())
    assert len(results) == 3 and all(isinstance(r["groq/default"], list) for r in results)


def test_never_a_partial_list() -> None:
    with FakeProviderServer(n_models=5, page_size=2) as paged:
        paged.inject("cohere", Fault("status", status=500, body={"message": "boom"}, skip=1))
        policy = HTTPPolicy(max_attempts=1)
        events: list[ProgressEvent] = []
        with pytest.raises(RegistryError):
            discover(paged.credential("cohere"), policy=policy, progress=events.append)
        assert paged.request_count("cohere") == 2  # page one arrived, page two failed
        assert [e.stage for e in events] == ["started", "page", "failed"]


def test_unsafe_url_is_refused_by_discover_many(fake: FakeProviderServer) -> None:
    cred = Credential("openai", "lan", "k", "http://192.168.1.5/v1")
    results = discover_many_sync([cred], enrich_from_catalog=False)
    assert results["openai/lan"].error_class == "unsafe_url"  # type: ignore[union-attr]
