"""Base URLs: http(s) only, plain http only to loopback, private hosts only when allowlisted."""

from __future__ import annotations

import pytest

from registry_core.errors import UnsafeURLError
from registry_core.http import check_url, display_url, join_url, redact

from .conftest import Routes, run

ALLOWED = [
    "https://api.openai.com/v1",
    "http://127.0.0.1:11434",
    "http://localhost:8000/v1",
    "http://[::1]:8000/v1",
    "http://127.0.0.2/x",
    "http://ollama.localhost:11434",
    "https://acme.openai.azure.com",
]
REFUSED = [
    ("file:///etc/passwd", "scheme"),
    ("ftp://example.com/models", "scheme"),
    ("gopher://x", "scheme"),
    ("http://api.openai.com/v1", "plain http"),
    ("https://10.0.0.5/v1", "private"),
    ("http://192.168.1.20:11434", "private"),
    ("https://172.16.3.4", "private"),
    ("http://169.254.169.254/latest/meta-data", "metadata"),
    ("http://metadata.google.internal/computeMetadata", "metadata"),
    ("https://169.254.10.10", "private"),
    ("https://[fe80::1]/v1", "private"),
    ("https://[fd00::5]/v1", "private"),
    ("https://[::ffff:10.0.0.1]/v1", "private"),
    ("https://0.0.0.0:8000", "private"),
    ("https://vllm.internal/v1", "private"),
    ("https://gpu-box.local:11434", "private"),
    ("https://user:pass@api.openai.com/v1", "user name or password"),
    ("https:///nohost", "host"),
]


@pytest.mark.parametrize("url", ALLOWED)
def test_safe_urls_pass(url: str) -> None:
    check_url(url)


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_unsafe_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError, match=reason):
        check_url(url)


@pytest.mark.parametrize("url", ["http://2130706433/v1", "http://0x7f.1/v1"])
def test_numeric_ip_spellings_are_read_like_a_resolver(url: str) -> None:
    check_url(url)  # both are 127.0.0.1: loopback, allowed
    with pytest.raises(UnsafeURLError):
        check_url(url.replace("2130706433", "167772165").replace("0x7f.1", "0xa.5"))  # 10.0.0.5


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://10.0.0.5:8000/v1", ["10.0.0.5"]),
        ("http://10.0.0.5:8000/v1", ["10.0.0.0/8"]),
        ("http://gpu-box.local:11434", ["gpu-box.local"]),
        ("https://192.168.1.20", ["192.168.1.0/24"]),
    ],
)
def test_allowlisted_private_hosts_pass(url: str, allowed: list[str]) -> None:
    check_url(url, allowed_private_hosts=allowed)


def test_metadata_is_refused_even_when_allowlisted() -> None:
    with pytest.raises(UnsafeURLError, match="metadata"):
        check_url("http://169.254.169.254/", allowed_private_hosts=["169.254.0.0/16"])


def test_plain_http_to_a_public_host_needs_the_flag() -> None:
    check_url("http://gateway.example.com/v1", allow_http=True)


def test_unsafe_base_url_fails_discovery_before_any_request() -> None:
    routes = Routes({})
    with pytest.raises(UnsafeURLError):
        run("openai", routes, base_url="http://192.168.0.9/v1")
    assert routes.requests == []


def test_discovery_accepts_an_allowlisted_private_host() -> None:
    from .conftest import ok

    routes = Routes({("GET", "/v1/models"): ok({"data": [{"id": "m"}]})})
    models = run(
        "openai_compatible",
        routes,
        secret=None,
        base_url="http://10.1.2.3:8000/v1",
        allowed_private_hosts=["10.1.2.3"],
    )
    assert [m.model_id for m in models] == ["m"]


def test_display_url_drops_query_and_user_info() -> None:
    assert display_url("https://u:p@host.example/v1?key=abc") == "https://host.example/v1"


@pytest.mark.parametrize(
    ("base", "path", "joined"),
    [
        ("https://api.mistral.ai", "/v1/models", "https://api.mistral.ai/v1/models"),
        ("https://api.mistral.ai/v1/", "/v1/models", "https://api.mistral.ai/v1/models"),
        ("https://api.openai.com/v1", "/models", "https://api.openai.com/v1/models"),
        (
            "http://127.0.0.1:1/groq/openai/v1",
            "/models",
            "http://127.0.0.1:1/groq/openai/v1/models",
        ),
    ],
)
def test_join_url(base: str, path: str, joined: str) -> None:
    assert join_url(base, path) == joined


def test_redact_hides_secrets_and_key_shaped_strings() -> None:
    text = redact("bad key hunter2hunter2 and sk-proj-abcdefghijklmnop", ["hunter2hunter2"])
    assert "hunter2" not in text and "sk-proj" not in text
