"""AI Model Registry: which AI models your team can use right now, what they cost, and when
they go away.

The public surface, for any Python service::

    from registry_core import get_available_models, get_recommended_model, check_model

    answer = get_available_models("openai")        # memory -> registry -> provider API
    print(answer.tier, answer.age_s, answer.warnings)
    model = get_recommended_model("openai", feature="vision")
    if check_model("openai", "gpt-4o").state != "ok": ...

Names are imported lazily so that ``import registry_core`` stays cheap for the CLI and tests.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registry_core.advice import ModelCheck, Recommendation
    from registry_core.config import Settings
    from registry_core.records import ModelRecord
    from registry_core.resolution import Resolution, RunReport
    from registry_core.service import (
        AIService,
        ModelRegistryService,
        check_model,
        get_available_models,
        get_recommended_model,
    )

_EXPORTS: dict[str, str] = {
    "AIService": "registry_core.service",
    "ModelCheck": "registry_core.advice",
    "ModelRecord": "registry_core.records",
    "ModelRegistryService": "registry_core.service",
    "Recommendation": "registry_core.advice",
    "Resolution": "registry_core.resolution",
    "RunReport": "registry_core.resolution",
    "Settings": "registry_core.config",
    "check_model": "registry_core.service",
    "get_available_models": "registry_core.service",
    "get_recommended_model": "registry_core.service",
}

__all__ = [
    "AIService",
    "ModelCheck",
    "ModelRecord",
    "ModelRegistryService",
    "Recommendation",
    "Resolution",
    "RunReport",
    "Settings",
    "check_model",
    "get_available_models",
    "get_recommended_model",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'registry_core' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
