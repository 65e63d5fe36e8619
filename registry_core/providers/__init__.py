"""Provider discovery: list, validate, normalise and enrich models from twelve AI providers.

One adapter module per provider (``openai``, ``anthropic``, ``google`` …, ``openai_compatible``
for any OpenAI-style server), following the protocol in :mod:`registry_core.providers.base`;
its identity (name, variables, docs link) is its row of :mod:`registry_core.provider_table`.
Use :func:`discover_provider` / :func:`discover_many` (an injected ``httpx.AsyncClient`` is
optional); credentials come from :func:`credentials_from_env`.

>>> from registry_core.providers import PROVIDERS
>>> sorted(PROVIDERS)[:3]
['anthropic', 'azure', 'cohere']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry_core.http import HTTPPolicy
    from registry_core.provider_table import ProviderSpec
    from registry_core.providers._registry import MODULES, PROVIDERS, module_for
    from registry_core.providers.base import (
        Credential,
        DiscoveredModel,
        Listing,
        ProgressCallback,
        ProgressEvent,
    )
    from registry_core.providers.credentials import configured_providers, credentials_from_env
    from registry_core.providers.discovery import (
        VALIDATE_MODES,
        discover_many,
        discover_many_sync,
        discover_provider,
        discover_sync,
    )

#: Names are imported on first use, so that importing ``registry_core.providers.base`` (the
#: records' types) does not import httpx and the twelve adapters: ``models --json`` never
#: talks to a provider.
_EXPORTS: dict[str, str] = {
    "HTTPPolicy": "registry_core.http",
    "ProviderSpec": "registry_core.provider_table",
    "MODULES": "registry_core.providers._registry",
    "PROVIDERS": "registry_core.providers._registry",
    "module_for": "registry_core.providers._registry",
    "Credential": "registry_core.providers.base",
    "DiscoveredModel": "registry_core.providers.base",
    "Listing": "registry_core.providers.base",
    "ProgressCallback": "registry_core.providers.base",
    "ProgressEvent": "registry_core.providers.base",
    "configured_providers": "registry_core.providers.credentials",
    "credentials_from_env": "registry_core.providers.credentials",
    "VALIDATE_MODES": "registry_core.providers.discovery",
    "discover_many": "registry_core.providers.discovery",
    "discover_many_sync": "registry_core.providers.discovery",
    "discover_provider": "registry_core.providers.discovery",
    "discover_sync": "registry_core.providers.discovery",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'registry_core.providers' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "MODULES",
    "PROVIDERS",
    "VALIDATE_MODES",
    "Credential",
    "DiscoveredModel",
    "HTTPPolicy",
    "Listing",
    "ProgressCallback",
    "ProgressEvent",
    "ProviderSpec",
    "configured_providers",
    "credentials_from_env",
    "discover_many",
    "discover_many_sync",
    "discover_provider",
    "discover_sync",
    "module_for",
]
