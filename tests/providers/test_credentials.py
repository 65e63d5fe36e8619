"""Credentials from env vars / Streamlit secrets, named credentials, and the UI summary."""

from __future__ import annotations

import pytest

from registry_core.errors import ConfigError
from registry_core.providers import (
    PROVIDERS,
    Credential,
    configured_providers,
    credentials_from_env,
)
from registry_core.providers.credentials import normalise_ollama_host


def labels(env: dict[str, object]) -> list[str]:
    return [c.label for c in credentials_from_env(env)]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, []),
        ({"OPENAI_API_KEY": "k"}, ["openai/default"]),
        ({"GEMINI_API_KEY": "k"}, ["google/default"]),
        ({"GOOGLE_API_KEY": "k"}, ["google/default"]),
        ({"CO_API_KEY": "k"}, ["cohere/default"]),
        (
            {"AZURE_OPENAI_API_KEY": "k", "AZURE_OPENAI_ENDPOINT": "https://a.openai.azure.com"},
            ["azure/default"],
        ),
        ({"OLLAMA_HOST": "127.0.0.1:11434"}, ["ollama/default"]),
        ({"OLLAMA_API_KEY": "k"}, []),  # a key alone does not say where Ollama is
        ({"OPENAI_COMPATIBLE_BASE_URL": "http://127.0.0.1:8000/v1"}, ["openai_compatible/default"]),
        ({"OPENROUTER_API_KEY": "k"}, ["openrouter/default"]),
        ({"OPENROUTER_BASE_URL": "https://openrouter.ai/api/v1"}, ["openrouter/default"]),
        ({"ANTHROPIC_BASE_URL": "https://gw.example"}, []),  # no key: not configured
        ({"OPENAI_API_KEY": "  "}, []),
    ],
)
def test_usual_env_var_names(env: dict[str, object], expected: list[str]) -> None:
    assert labels(env) == expected


def test_every_provider_has_a_spec_with_env_names() -> None:
    assert len(PROVIDERS) == 13
    for spec in PROVIDERS.values():
        assert spec.key_env and spec.base_url_env and spec.display_name


def test_gemini_key_wins_over_google_key() -> None:
    (cred,) = credentials_from_env({"GEMINI_API_KEY": "g1", "GOOGLE_API_KEY": "g2"})
    assert cred.secret == "g1"


def test_base_url_overrides_and_extras() -> None:
    env = {
        "OPENAI_API_KEY": "k",
        "OPENAI_BASE_URL": "https://gw.example/v1",
        "OPENAI_ORG_ID": "org-1",
        "AZURE_OPENAI_API_KEY": "a",
        "AZURE_OPENAI_ENDPOINT": "https://r.openai.azure.com",
        "AZURE_OPENAI_API_VERSION": "2024-06-01",
    }
    creds = {c.provider_id: c for c in credentials_from_env(env)}
    assert creds["openai"].base_url == "https://gw.example/v1"
    assert creds["openai"].extra == {"organization": "org-1"}
    assert creds["azure"].extra == {"api_version": "2024-06-01"}


def test_named_credentials() -> None:
    env = {
        "OPENAI_API_KEY": "k0",
        "REGISTRY_CREDENTIAL__OPENAI__ACME": "k1",
        "REGISTRY_BASE_URL__OPENAI__ACME": "https://acme-gw.example/v1",
        "REGISTRY_CREDENTIAL__OPENAI_COMPATIBLE__VLLM": "",
        "REGISTRY_BASE_URL__OPENAI_COMPATIBLE__VLLM": "http://127.0.0.1:8000/v1",
        "REGISTRY_CREDENTIAL__ANTHROPIC__team-b": "k2",
    }
    creds = {c.label: c for c in credentials_from_env(env)}
    assert set(creds) == {
        "openai/default",
        "openai/acme",
        "openai_compatible/vllm",
        "anthropic/team-b",
    }
    assert creds["openai/acme"] == Credential(
        "openai", "acme", "k1", "https://acme-gw.example/v1", {}
    )
    assert creds["openai_compatible/vllm"].secret is None
    assert configured_providers(env) == {
        "openai": ["default", "acme"],
        "anthropic": ["team-b"],
        "openai_compatible": ["vllm"],
    }


def test_named_credential_inherits_the_default_base_url() -> None:
    env = {
        "OPENAI_API_KEY": "k",
        "OPENAI_BASE_URL": "https://gw/v1",
        "REGISTRY_CREDENTIAL__OPENAI__B": "k2",
    }
    creds = {c.label: c for c in credentials_from_env(env)}
    assert creds["openai/b"].base_url == "https://gw/v1"


def test_named_credential_for_an_unknown_provider_is_an_error() -> None:
    with pytest.raises(ConfigError, match="REGISTRY_CREDENTIAL__OPENIA__X") as info:
        credentials_from_env({"REGISTRY_CREDENTIAL__OPENIA__X": "secret-value"})
    assert "secret-value" not in str(info.value)


def test_named_base_url_without_key_for_a_keyed_provider_is_an_error() -> None:
    with pytest.raises(ConfigError, match="REGISTRY_CREDENTIAL__OPENAI__ACME"):
        credentials_from_env({"REGISTRY_BASE_URL__OPENAI__ACME": "https://x"})


def test_streamlit_secrets_flat_and_one_level_nested() -> None:
    secrets = {"OPENAI_API_KEY": "k", "keys": {"MISTRAL_API_KEY": "m"}, "debug": True, "n": 3}
    assert labels(secrets) == ["openai/default", "mistral/default"]


def test_configured_providers_never_shows_keys() -> None:
    summary = configured_providers({"OPENAI_API_KEY": "sk-very-secret"})
    assert "sk-very-secret" not in repr(summary)


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("127.0.0.1", "http://127.0.0.1:11434"),
        ("gpu-box:8080", "http://gpu-box:8080"),
        ("https://ollama.com", "https://ollama.com"),
        ("http://127.0.0.1:11434/", "http://127.0.0.1:11434"),
        ("[::1]:11434", "http://[::1]:11434"),
        (":11434", "http://127.0.0.1:11434"),
    ],
)
def test_ollama_host_forms(value: str, url: str) -> None:
    assert normalise_ollama_host(value) == url
