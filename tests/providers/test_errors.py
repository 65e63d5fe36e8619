"""Failures are classified, retried within bounds, and never carry the key."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

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
from registry_core.http import HTTPPolicy, retry_after_seconds

from .conftest import SECRET, Routes, load, ok, run

ERRORS = load("errors.json")
LIST_PATHS = {
    "openai": "/v1/models",
    "anthropic": "/v1/models",
    "google": "/v1beta/models",
    "mistral": "/v1/models",
    "groq": "/openai/v1/models",
    "xai": "/v1/language-models",
    "deepseek": "/models",
    "cohere": "/v1/models",
    "azure": "/openai/models",
    "openrouter": "/api/v1/models",
}


def failing(provider: str, status: int, body: Any, headers: dict[str, str] | None = None) -> Routes:
    return Routes(
        {("GET", LIST_PATHS[provider]): httpx.Response(status, json=body, headers=headers or {})}
    )


def base_for(provider: str) -> str | None:
    return "https://acme.openai.azure.com" if provider == "azure" else None


@pytest.mark.parametrize(
    ("provider", "status", "body_name"),
    [
        ("openai", 401, "openai_invalid_key"),
        ("anthropic", 401, "anthropic_auth"),
        ("google", 400, "gemini_invalid_key"),
        ("google", 400, "gemini_invalid_key_wrapped"),
        ("xai", 400, "xai_invalid_key"),
        ("mistral", 401, "mistral_unauthorized"),
        ("deepseek", 401, "deepseek_auth"),
        ("cohere", 401, "cohere_invalid_token"),
        ("azure", 401, "azure_unauthorized"),
        ("groq", 403, "openai_invalid_key"),
    ],
)
def test_bad_credentials_are_auth_errors(provider: str, status: int, body_name: str) -> None:
    routes = failing(provider, status, ERRORS[body_name])
    with pytest.raises(AuthError) as info:
        run(provider, routes, base_url=base_for(provider))
    err = info.value
    assert err.provider == provider and err.status == status
    assert err.error_class == "auth"
    assert "check the key" in str(err) and provider in str(err).lower().replace(" ", "")
    assert len(routes.requests) == 1  # never retried
    assert SECRET not in str(err)


def test_openai_insufficient_quota_is_not_retried(policy: HTTPPolicy, sleeps: list[float]) -> None:
    routes = failing("openai", 429, ERRORS["openai_insufficient_quota"], {"retry-after": "1"})
    with pytest.raises(QuotaExceededError, match="quota"):
        run("openai", routes, policy=policy)
    assert len(routes.requests) == 1 and sleeps == []


@pytest.mark.parametrize(
    ("provider", "body_name", "status"),
    [("deepseek", "deepseek_insufficient_balance", 402), ("anthropic", "anthropic_billing", 400)],
)
def test_billing_errors_are_quota_errors(provider: str, body_name: str, status: int) -> None:
    with pytest.raises(QuotaExceededError):
        run(provider, failing(provider, status, ERRORS[body_name]))


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"retry-after-ms": "1500", "retry-after": "9"}, None, 1.5),
        ({"retry-after": "2"}, None, 2.0),
        ({}, ERRORS["gemini_resource_exhausted"], 35.0),
        ({}, None, None),
    ],
)
def test_retry_after_sources(headers: dict[str, str], body: Any, expected: float | None) -> None:
    assert retry_after_seconds(headers, body) == expected


def test_retry_after_as_http_date() -> None:
    wait = retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert wait == 0.0  # in the past: retry now


@pytest.mark.parametrize(
    ("provider", "headers", "body", "expected_wait"),
    [
        ("openai", {"retry-after": "3"}, ERRORS["openai_rate_limit"], 3.0),
        ("anthropic", {"retry-after-ms": "250"}, {"type": "error"}, 0.25),
        ("google", {}, ERRORS["gemini_resource_exhausted"], 35.0),
        ("mistral", {"retry-after": "1"}, ERRORS["mistral_rate_limit_2026"], 1.0),
    ],
)
def test_rate_limit_is_retried_after_the_advertised_wait(
    provider: str,
    headers: dict[str, str],
    body: Any,
    expected_wait: float,
    policy: HTTPPolicy,
    sleeps: list[float],
) -> None:
    path = LIST_PATHS[provider]
    good = {"data": [{"id": "m"}]} if provider != "google" else {"models": [{"name": "models/m"}]}
    routes = Routes({("GET", path): [httpx.Response(429, json=body, headers=headers), ok(good)]})
    models = run(provider, routes, policy=policy)
    assert [m.model_id for m in models] == ["m"]
    assert sleeps == [expected_wait]
    assert len(routes.requests) == 2


def test_rate_limit_gives_up_after_bounded_attempts(
    policy: HTTPPolicy, sleeps: list[float]
) -> None:
    routes = failing("openai", 429, ERRORS["openai_rate_limit"], {"retry-after": "1"})
    with pytest.raises(RateLimitedError) as info:
        run("openai", routes, policy=policy)
    assert len(routes.requests) == policy.max_attempts and sleeps == [1.0, 1.0]
    assert info.value.retry_after == 1.0 and "after 3 attempts" in str(info.value)


def test_a_retry_after_longer_than_the_limit_is_reported_not_waited(
    policy: HTTPPolicy, sleeps: list[float]
) -> None:
    routes = failing("openai", 429, ERRORS["openai_rate_limit"], {"retry-after": "3600"})
    with pytest.raises(RateLimitedError) as info:
        run("openai", routes, policy=policy)
    assert sleeps == [] and info.value.retry_after == 3600.0
    assert "3600s" in str(info.value)


@pytest.mark.parametrize("status", [500, 502, 503, 529])
def test_transient_server_errors_are_retried_with_jittered_backoff(
    status: int, policy: HTTPPolicy, sleeps: list[float]
) -> None:
    body = ERRORS["anthropic_overloaded"]
    routes = Routes(
        {
            ("GET", "/v1/models"): [httpx.Response(status, json=body)] * 2
            + [ok({"data": [{"id": "m"}]})]
        }
    )
    assert len(run("anthropic", routes, policy=policy)) == 1
    assert len(sleeps) == 2
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0  # base 0.5 s, doubling, jitter


def test_server_errors_exhaust_into_unavailable(policy: HTTPPolicy) -> None:
    routes = failing("groq", 503, {"error": {"message": "Service Unavailable"}})
    with pytest.raises(UnavailableError, match=r"unavailable.*503"):
        run("groq", routes, policy=policy)
    assert len(routes.requests) == 3


@pytest.mark.parametrize(
    "exc",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("x")],
)
def test_transport_failures_are_unavailable_after_retries(
    exc: Exception, policy: HTTPPolicy, sleeps: list[float]
) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise exc

    with pytest.raises(UnavailableError):
        run("openai", handler, policy=policy)
    assert len(calls) == 3 and len(sleeps) == 2


def test_x_should_retry_false_is_honoured(policy: HTTPPolicy) -> None:
    routes = failing("openai", 503, {}, {"x-should-retry": "false"})
    with pytest.raises(UnavailableError):
        run("openai", routes, policy=policy)
    assert len(routes.requests) == 1


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"<html><body>Sign in to the proxy</body></html>", "not JSON"),
        (b'{"object": "list", "data": [{"id": "gpt-4o"}, {"id": "gp', "not JSON"),
        (b"", "not JSON"),
        (b'{"object": "list", "models": []}', "no 'data' list"),
        (b'{"object": "list", "data": {"id": "x"}}', "no 'data' list"),
        (b"[1, 2]", "no 'data' list"),
    ],
)
def test_malformed_bodies_fail_the_whole_listing(content: bytes, match: str) -> None:
    routes = Routes({("GET", "/v1/models"): httpx.Response(200, content=content)})
    with pytest.raises(MalformedResponseError, match=match):
        run("openai", routes)


def test_together_object_instead_of_array_is_malformed() -> None:
    routes = Routes({("GET", "/v1/models"): ok({"models": []})})
    with pytest.raises(MalformedResponseError):
        run("together", routes)


def test_oversized_body_is_stopped() -> None:
    big = b"[" + b" " * 5000 + b"]"
    routes = Routes({("GET", "/v1/models"): httpx.Response(200, content=big)})
    with pytest.raises(MalformedResponseError, match="larger than 1000 bytes"):
        run("openai", routes, policy=HTTPPolicy(max_body_bytes=1000))


def test_404_names_the_base_url() -> None:
    with pytest.raises(NotFoundError, match="404") as info:
        run("openai", failing("openai", 404, {"error": {"message": "Not found"}}))
    assert "base URL" in str(info.value)


def test_other_4xx_is_a_config_error() -> None:
    body = {"error": {"code": "MissingApiVersionParameter", "message": "api-version required"}}
    with pytest.raises(ConfigError, match="api-version"):
        run("azure", failing("azure", 400, body), base_url="https://acme.openai.azure.com")


def test_redirect_to_another_host_is_not_followed() -> None:
    routes = Routes(
        {
            ("GET", "/v1/models"): httpx.Response(
                302, headers={"location": "https://evil.example/v1/models"}
            )
        }
    )
    with pytest.raises(UnsafeURLError, match="another host"):
        run("openai", routes)
    assert len(routes.requests) == 1


def test_redirect_on_the_same_host_is_followed() -> None:
    routes = Routes(
        {
            ("GET", "/v1/models"): httpx.Response(301, headers={"location": "/v2/models"}),
            ("GET", "/v2/models"): ok({"data": [{"id": "m"}]}),
        }
    )
    assert [m.model_id for m in run("openai", routes)] == ["m"]
    assert routes.requests[1].headers["authorization"] == f"Bearer {SECRET}"


def test_missing_key_is_a_config_error_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        run("openai", Routes({}), secret=None)


def test_unknown_provider_and_bad_validate_mode_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="unknown provider"):
        run("nope", Routes({}))
    with pytest.raises(ConfigError, match="validate"):
        run("openai", Routes({}), validate="everything")


# --- the key never leaks ----------------------------------------------------------------------

ECHOING_BODIES = [
    (
        401,
        {"error": {"message": f"Incorrect API key provided: {SECRET}", "code": "invalid_api_key"}},
    ),
    (400, {"error": f"Incorrect API key provided: {SECRET}"}),
    (429, {"error": {"message": f"slow down {SECRET}", "code": "rate_limit_exceeded"}}),
    (503, {"message": f"upstream said {SECRET}"}),
    (200, f"<html>{SECRET}</html>"),
    (418, {"detail": f"teapot {SECRET}"}),
]


@pytest.mark.parametrize(("status", "body"), ECHOING_BODIES)
def test_the_key_is_absent_from_every_error_and_log_record(
    status: int, body: Any, policy: HTTPPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = (
        httpx.Response(status, text=body)
        if isinstance(body, str)
        else httpx.Response(status, json=body)
    )
    events: list[Any] = []
    with pytest.raises(RegistryError) as info:
        run(
            "openai",
            Routes({("GET", "/v1/models"): response}),
            policy=policy,
            progress=events.append,
        )
    err = info.value
    texts = [str(err), repr(err), err.message, err.hint or "", *map(str, err.args)]
    texts += [r.getMessage() for r in caplog.records]
    texts += [e.message or "" for e in events]
    for text in texts:
        assert SECRET not in text
        assert SECRET[8:24] not in text  # not even a fragment


def test_the_key_is_absent_from_raw_metadata() -> None:
    body = {"data": [{"id": "m", "note": f"owned by {SECRET}"}]}
    (model,) = run("openai", Routes({("GET", "/v1/models"): ok(body)}))
    assert SECRET not in repr(model) and SECRET not in str(model.raw)


def test_credential_repr_hides_the_secret() -> None:
    from registry_core.providers import Credential

    assert SECRET not in repr(Credential("openai", secret=SECRET))
