"""Credentials from environment variables or Streamlit secrets (same names, flat mapping).

The usual provider variables (``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY``, ``GEMINI_API_KEY`` or
``GOOGLE_API_KEY`` …) give a credential named ``default``; ``<PROVIDER>_BASE_URL`` (and the
provider-specific ``OLLAMA_HOST``, ``AZURE_OPENAI_ENDPOINT``, ``CO_API_URL``) override its base
URL. Several keys per provider use the named form::

    REGISTRY_CREDENTIAL__OPENAI__ACME=sk-...          -> Credential("openai", "acme")
    REGISTRY_BASE_URL__OPENAI__ACME=https://gw.example/v1   (optional)

Keyless providers are included only when configured: Ollama with ``OLLAMA_HOST``, a generic
server with ``OPENAI_COMPATIBLE_BASE_URL``, OpenRouter with ``OPENROUTER_API_KEY`` or
``OPENROUTER_BASE_URL`` (its public listing needs no key, but nobody asked for it otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from registry_core.errors import ConfigError
from registry_core.provider_table import ProviderSpec
from registry_core.providers.base import Credential

_NAMED = re.compile(r"^REGISTRY_(CREDENTIAL|BASE_URL)__([A-Z0-9_]+?)__([A-Za-z0-9_-]+)$", re.I)
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def flatten(env: Mapping[str, Any]) -> dict[str, str]:
    """String values by name; one level of nested tables (Streamlit sections) is merged in."""
    flat: dict[str, str] = {}
    for key, value in env.items():
        if isinstance(value, Mapping):
            for inner_key, inner in value.items():
                if isinstance(inner, str | int | float) and not isinstance(inner, bool):
                    flat.setdefault(str(inner_key), str(inner).strip())
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            flat[str(key)] = str(value).strip()
    return {k: v for k, v in flat.items() if v}


def normalise_ollama_host(value: str) -> str:
    """``OLLAMA_HOST`` as a URL, the way Ollama's own client reads it.

    >>> normalise_ollama_host("0.0.0.0")
    'http://127.0.0.1:11434'
    >>> normalise_ollama_host("gpu-box:8080")
    'http://gpu-box:8080'
    """
    value = value.strip().rstrip("/")
    explicit = "://" in value
    scheme, rest = value.split("://", 1) if explicit else ("http", value)
    hostport, _, path = rest.partition("/")
    if hostport.startswith("["):  # [::1]:11434
        end = hostport.find("]") + 1
        host, port = hostport[:end], hostport[end + 1 :]
    else:
        host, _, port = hostport.partition(":")
    if host in ("", "0.0.0.0", "[::]"):  # a bind address: the server is local
        host = "127.0.0.1"
    if not port and not explicit:
        port = "11434"
    return f"{scheme}://{host}" + (f":{port}" if port else "") + (f"/{path}" if path else "")


def _first(env: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    return next((env[n] for n in names if env.get(n)), None)


def _extra(spec: ProviderSpec, env: Mapping[str, str]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for name, names in spec.settings_env:
        value = _first(env, names)
        if value:
            extra[name] = value
    return extra


def _base(spec: ProviderSpec, value: str | None) -> str | None:
    if value and spec.id == "ollama":
        return normalise_ollama_host(value)
    return value


def credentials_from_env(env: Mapping[str, Any]) -> list[Credential]:
    """Every configured credential, in provider order, then named ones.

    ``env`` is ``os.environ`` or a flat mapping of Streamlit secrets with the same names.
    Raises :class:`ConfigError` for a named credential of an unknown provider (a typo would
    otherwise silently hide a key).

    >>> [c.label for c in credentials_from_env({"OPENAI_API_KEY": "x", "OLLAMA_HOST": "0.0.0.0"})]
    ['openai/default', 'ollama/default']
    """
    from registry_core.providers import PROVIDERS

    flat = flatten(env)
    found: dict[str, Credential] = {}
    for spec in PROVIDERS.values():
        key = _first(flat, spec.key_env)
        base = _base(spec, _first(flat, spec.base_url_env))
        # what the provider table says enables it; a key without the base URL it needs is
        # kept too, so discovery says which variable is missing (OLLAMA_API_KEY alone is not:
        # Ollama is enabled by OLLAMA_HOST)
        configured = any(flat.get(v) for v in spec.enable_vars) or (
            key is not None and spec.default_base_url is None
        )
        if configured:
            cred = Credential(spec.id, "default", key, base, _extra(spec, flat))
            found[cred.label] = cred

    named: dict[tuple[str, str], dict[str, str]] = {}
    for var, value in flat.items():
        match = _NAMED.match(var)
        if not match:
            continue
        kind, provider, name = match.group(1).upper(), match.group(2).lower(), match.group(3)
        if provider not in PROVIDERS:
            raise ConfigError(
                f"{var} names an unknown provider {provider!r}",
                hint=f"use one of: {', '.join(PROVIDERS)}",
            )
        name = name.lower()
        if not _NAME.match(name):
            raise ConfigError(f"{var}: credential names use letters, digits, - and _")
        named.setdefault((provider, name), {})[kind] = value
    for (provider, name), parts in sorted(named.items()):
        spec = PROVIDERS[provider]
        base = _base(spec, parts.get("BASE_URL"))
        default = found.get(f"{provider}/default")
        if spec.key_required and "CREDENTIAL" not in parts:
            raise ConfigError(
                f"REGISTRY_BASE_URL__{provider.upper()}__{name.upper()} has no matching "
                f"REGISTRY_CREDENTIAL__{provider.upper()}__{name.upper()}",
                hint=f"{spec.display_name} needs a key for each named credential",
            )
        cred = Credential(
            provider,
            name,
            parts.get("CREDENTIAL"),
            base or (default.base_url if default else None),
            _extra(spec, flat),
        )
        found[cred.label] = cred
    return list(found.values())


def configured_providers(env: Mapping[str, Any]) -> dict[str, list[str]]:
    """Provider id → credential names (never keys), for the dashboard.

    >>> configured_providers({"REGISTRY_CREDENTIAL__OPENAI__ACME": "k", "OPENAI_API_KEY": "k"})
    {'openai': ['default', 'acme']}
    """
    out: dict[str, list[str]] = {}
    for cred in credentials_from_env(env):
        out.setdefault(cred.provider_id, []).append(cred.name)
    return out
