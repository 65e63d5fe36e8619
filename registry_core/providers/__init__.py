"""Provider discovery: list, validate, normalise and enrich models from twelve AI providers.

One adapter module per provider (``openai``, ``anthropic``, ``google`` …, ``openai_compatible``
for any OpenAI-style server), following the protocol in :mod:`registry_core.providers.base`;
its identity (name, variables, docs link) is its row of :mod:`registry_core.provider_table`.
Use :func:`discover_provider` / :func:`discover_many` (an injected ``httpx.AsyncClient`` is
optional); credentials come from :func:`credentials_from_env`.

>>> sorted(PROVIDERS)[:3]
['anthropic', 'azure', 'cohere']
"""

from __future__ import annotations

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
