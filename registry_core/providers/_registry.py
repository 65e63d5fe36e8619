"""The adapter modules by provider id, and the protocol they follow."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any, Protocol

from registry_core.errors import ConfigError
from registry_core.provider_table import ProviderSpec
from registry_core.providers import (
    anthropic,
    azure,
    cohere,
    deepseek,
    google,
    groq,
    mistral,
    ollama,
    openai,
    openai_compatible,
    openrouter,
    together,
    xai,
)
from registry_core.providers._common import Context
from registry_core.providers.base import Credential, DiscoveredModel


class ProviderModule(Protocol):
    """What discovery calls on every adapter module (see :mod:`registry_core.providers.base`).

    ``retrieve``, ``retrieve_all`` and ``probe_request`` are optional and looked up with
    ``getattr``; the provider table's ``can_retrieve`` / ``can_probe`` say which modules have
    them (a test keeps the two in step).
    """

    SPEC: ProviderSpec

    def headers(self, credential: Credential) -> dict[str, str]: ...

    def parse_model(self, item: Mapping[str, Any]) -> DiscoveredModel: ...

    async def fetch_models(self, ctx: Context) -> list[DiscoveredModel]: ...


_ALL: tuple[ModuleType, ...] = (
    openai,
    anthropic,
    google,
    mistral,
    groq,
    openrouter,
    xai,
    deepseek,
    together,
    cohere,
    azure,
    ollama,
    openai_compatible,
)
MODULES: dict[str, ProviderModule] = {m.SPEC.id: m for m in _ALL}  # type: ignore[misc]
PROVIDERS: dict[str, ProviderSpec] = {pid: m.SPEC for pid, m in MODULES.items()}


def module_for(provider_id: str) -> ProviderModule:
    try:
        return MODULES[provider_id]
    except KeyError:
        raise ConfigError(
            f"unknown provider {provider_id!r}", hint=f"use one of: {', '.join(MODULES)}"
        ) from None
