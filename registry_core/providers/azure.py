"""Azure OpenAI: ``GET {endpoint}/openai/models?api-version=2024-10-21`` with ``api-key``.

Lists the base models available to the resource (and its fine-tunes), not deployments.
Items carry ``capabilities`` booleans, ``lifecycle_status`` (preview / generally-available)
and ``deprecation.inference`` (unix seconds: the day inference stops: the Retirement Date) and
``deprecation.fine_tune`` (the day fine-tuning stops: kept in Metadata ``lifecycle``).

A probe needs a *deployment* name, which this listing does not give, so probes are skipped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from registry_core.provider_table import spec_for
from registry_core.providers._common import (
    Context,
    Features,
    build_model,
    date_from_unix,
    sub,
)
from registry_core.providers._openai_like import fetch_data_list
from registry_core.providers.base import Credential, DiscoveredModel

SPEC = spec_for("azure")
API_VERSION = "2024-10-21"


def headers(credential: Credential) -> dict[str, str]:
    if not credential.secret:
        return {}
    if credential.extra.get("auth") == "bearer":  # an Entra ID token
        return {"Authorization": f"Bearer {credential.secret}"}
    return {"api-key": credential.secret}


def parse_model(item: Mapping[str, Any]) -> DiscoveredModel:
    caps = sub(item, "capabilities")
    feats = Features()
    if caps.get("chat_completion") is True:
        feats.add("chat")
    if caps.get("embeddings") is True:
        feats.add("embeddings")
    dep = sub(item, "deprecation")
    retirement = date_from_unix(dep.get("inference"), allow_future=True)
    hint = "preview" if item.get("lifecycle_status") == "preview" else None
    # fine-tuning support ends on its own date (no registry column): kept as a lifecycle claim
    fine_tune_ends = date_from_unix(dep.get("fine_tune"), allow_future=True)
    model = build_model(
        SPEC.id,
        item.get("id"),
        item,
        features=feats,
        release_date=date_from_unix(item.get("created_at")),
        retirement_date=retirement,
        status_hint=hint,
    )
    if fine_tune_ends is None:
        return model
    claims = {"provider": {"Fine-tuning ends": fine_tune_ends.isoformat()}}
    return dataclasses.replace(model, lifecycle=claims)


async def fetch_models(ctx: Context) -> list[DiscoveredModel]:
    version = ctx.credential.extra.get("api_version") or API_VERSION
    return await fetch_data_list(
        ctx, "/openai/models", parse_model, params={"api-version": version}
    )
