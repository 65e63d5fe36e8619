"""Model items for the fake provider server, in each provider's own documented shape.

:func:`make_item` builds one item for any provider from a model id (so tests can add "a model
only the fake provider has"); :data:`DEFAULT_MODEL_IDS` is the realistic handful each provider
lists by default. Values (context sizes, prices, dates) are illustrative, not real prices.
"""

from __future__ import annotations

from typing import Any

CREATED = 1_754_000_000  # 2025-07-31, a plausible "created"

DEFAULT_MODEL_IDS: dict[str, tuple[str, ...]] = {
    "openai": (
        "gpt-4.1",
        "gpt-4.1-2025-04-14",
        "gpt-4o-mini",
        "text-embedding-3-small",
        "whisper-1",
    ),
    "anthropic": ("claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-3-5-haiku-20241022"),
    "google": ("gemini-2.5-pro", "gemini-2.5-flash", "gemini-flash-latest", "gemini-embedding-001"),
    "mistral": ("mistral-large-2411", "mistral-medium-latest", "mistral-embed", "codestral-2405"),
    "groq": ("llama-3.3-70b-versatile", "llama-3.1-8b-instant", "whisper-large-v3"),
    "openrouter": ("openai/gpt-4o", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"),
    "xai": ("grok-4-0709", "grok-3-mini"),
    "deepseek": ("deepseek-chat", "deepseek-reasoner"),
    "together": (
        "meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "Qwen/Qwen2.5-Coder-32B-Instruct",
        "BAAI/bge-large-en-v1.5",
    ),
    "cohere": ("command-a-03-2025", "command-r7b-12-2024", "embed-v4.0"),
    "azure": ("gpt-4o", "text-embedding-3-large", "gpt-35-turbo"),
    "ollama": ("llama3.2:latest", "gemma3:4b", "nomic-embed-text:latest"),
    "openai_compatible": ("meta-llama/Llama-3.1-8B-Instruct", "my-lora-adapter"),
}
PROVIDER_IDS: tuple[str, ...] = tuple(DEFAULT_MODEL_IDS)


def _is_embed(model_id: str) -> bool:
    return "embed" in model_id or "bge-" in model_id


def make_item(provider: str, model_id: str, **overrides: Any) -> dict[str, Any]:
    """One listing item for ``provider`` in its documented shape, with ``overrides`` applied.

    >>> make_item("google", "gemini-x")["name"]
    'models/gemini-x'
    """
    embed = _is_embed(model_id)
    # distinct, stable "created" per model (a real listing's rows were created on different days)
    created = CREATED - 86_400 * (sum(model_id.encode()) % 400)
    item: dict[str, Any]
    if provider == "openai":
        item = {"id": model_id, "object": "model", "created": created, "owned_by": "system"}
    elif provider == "anthropic":
        item = {
            "type": "model",
            "id": model_id,
            "display_name": model_id.replace("-", " ").title(),
            "created_at": "2025-09-29T00:00:00Z",
            "max_input_tokens": 200_000,
            "max_tokens": 64_000,
            "capabilities": {
                "image_input": {"supported": True},
                "pdf_input": {"supported": True},
                "thinking": {"supported": True, "types": {"enabled": {"supported": True}}},
            },
        }
    elif provider == "google":
        item = {
            "name": f"models/{model_id}",
            "version": "001",
            "displayName": model_id.replace("-", " ").title(),
            "description": "A fake Gemini model",
            "inputTokenLimit": 2048 if embed else 1_048_576,
            "outputTokenLimit": 1 if embed else 65_536,
            "supportedGenerationMethods": ["embedContent"]
            if embed
            else ["generateContent", "countTokens", "createCachedContent"],
            "temperature": 1.0,
            "thinking": not embed,
        }
    elif provider == "mistral":
        caps = {
            "completion_chat": not embed,
            "function_calling": not embed,
            "completion_fim": model_id.startswith("codestral"),
            "fine_tuning": False,
            "vision": model_id.startswith(("mistral-large", "mistral-medium")),
        }
        item = {
            "id": model_id,
            "object": "model",
            "created": 1_766_520_693,  # Mistral sends the request time on every row
            "owned_by": "mistralai",
            "capabilities": caps,
            "name": "mistral-medium-2508" if model_id == "mistral-medium-latest" else model_id,
            "description": "A fake Mistral model",
            "max_context_length": 8192 if embed else 131_072,
            "aliases": ["mistral-medium"] if model_id == "mistral-medium-latest" else [],
            "deprecation": "2026-11-30T12:00:00Z" if model_id == "codestral-2405" else None,
            "deprecation_replacement_model": "codestral-latest"
            if model_id == "codestral-2405"
            else None,
            "default_model_temperature": 0.3,
            "type": "base",
        }
    elif provider == "groq":
        item = {
            "id": model_id,
            "object": "model",
            "created": created,
            "owned_by": "Meta",
            "active": True,
            "context_window": 448 if "whisper" in model_id else 131_072,
            "public_apps": None,
            "max_completion_tokens": 448 if "whisper" in model_id else 32_768,
        }
    elif provider == "openrouter":
        item = {
            "id": model_id,
            "canonical_slug": model_id,
            "name": model_id.split("/")[-1].replace("-", " ").title(),
            "created": created,
            "description": "A fake OpenRouter model",
            "context_length": 128_000,
            "architecture": {
                "modality": "text+image->text",
                "input_modalities": ["text", "image"],
                "output_modalities": ["text"],
                "tokenizer": "Other",
                "instruct_type": None,
            },
            "pricing": {"prompt": "0.0000025", "completion": "0.00001", "request": "0"},
            "top_provider": {
                "context_length": 128_000,
                "max_completion_tokens": 16_384,
                "is_moderated": True,
            },
            "per_request_limits": None,
            "supported_parameters": ["tools", "response_format", "max_tokens"],
            "expiration_date": None,
            "links": {"details": f"/api/v1/models/{model_id}/endpoints"},
        }
    elif provider == "xai":
        item = {
            "id": model_id,
            "fingerprint": "fp_fake",
            "created": created,
            "object": "model",
            "owned_by": "xai",
            "version": "1.0.0",
            "input_modalities": ["text", "image"] if model_id.startswith("grok-4") else ["text"],
            "output_modalities": ["text"],
            "prompt_text_token_price": 30_000,  # $3 / 1M
            "cached_prompt_text_token_price": 7_500,
            "prompt_image_token_price": 30_000,
            "completion_text_token_price": 150_000,  # $15 / 1M
            "search_price": 0,
            "aliases": ["grok-4", "grok-4-latest"] if model_id == "grok-4-0709" else [],
        }
    elif provider == "deepseek":
        item = {
            "id": model_id,
            "object": "model",
            "owned_by": "deepseek",
            "name": model_id.replace("-", " ").title(),
            "context_window": 128_000,
            "max_output_tokens": 8_192,
            "input_modalities": ["text"],
            "output_modalities": ["text"],
        }
    elif provider == "together":
        item = {
            "id": model_id,
            "object": "model",
            "created": created,
            "type": "embedding" if embed else "chat",
            "display_name": model_id.split("/")[-1],
            "organization": model_id.split("/")[0],
            "license": "other",
            "context_length": 512 if embed else 131_072,
            "pricing": {"input": 0.88, "output": 0.88, "hourly": 0, "base": 0, "finetune": 0},
            "running": False,
        }
    elif provider == "cohere":
        item = {
            "name": model_id,
            "is_deprecated": False,
            "endpoints": ["embed"] if embed else ["chat", "generate"],
            "finetuned": False,
            "context_length": 128_000.0,
            "tokenizer_url": "https://example.invalid/tokenizer.json",
            "default_endpoints": [],
            "features": ["vision"] if embed else ["tools", "json_mode"],
        }
    elif provider == "azure":
        item = {
            "id": model_id,
            "object": "model",
            "created_at": 1_715_558_400,
            "status": "succeeded",
            "capabilities": {
                "fine_tune": False,
                "inference": True,
                "completion": False,
                "chat_completion": not embed,
                "embeddings": embed,
            },
            "lifecycle_status": "generally-available",
            "deprecation": {"inference": 1_790_000_000},  # 2026-09-21
        }
    elif provider == "ollama":
        item = {
            "name": model_id,
            "model": model_id,
            "modified_at": "2026-05-01T10:00:00.000000+02:00",
            "size": 2_019_393_189,
            "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
            "details": {
                "parent_model": "",
                "format": "gguf",
                "family": "llama",
                "families": ["llama"],
                "parameter_size": "3.2B",
                "quantization_level": "Q4_K_M",
            },
        }
    elif provider == "openai_compatible":
        item = {
            "id": model_id,
            "object": "model",
            "created": created,
            "owned_by": "vllm",
            "root": model_id,
            "parent": "meta-llama/Llama-3.1-8B-Instruct" if "lora" in model_id else None,
            "max_model_len": None if "lora" in model_id else 131_072,
            "permission": [],
        }
    else:
        raise ValueError(f"unknown fake provider {provider!r}")
    item.update(overrides)
    return item


def ollama_show(item: dict[str, Any]) -> dict[str, Any]:
    """The ``/api/show`` answer for an Ollama tags item."""
    name = str(item.get("name", ""))
    embed = _is_embed(name)
    caps = ["embedding"] if embed else ["completion", "tools"]
    if name.startswith("gemma3"):
        caps.append("vision")
    return {
        "license": "fake license text",
        "modelfile": "# fake",
        "template": "{{ .Prompt }}",
        "details": item.get("details", {}),
        "model_info": {
            "general.architecture": "llama",
            "llama.context_length": 8192 if embed else 131_072,
            "tokenizer.ggml.tokens": [],
        },
        "capabilities": caps,
    }


def default_items(provider: str) -> list[dict[str, Any]]:
    items = [make_item(provider, mid) for mid in DEFAULT_MODEL_IDS[provider]]
    if provider == "openai":
        items[0]["shutdown_date"] = None
    if provider == "groq":
        items[1]["active"] = False
    return items


def generated_items(provider: str, count: int) -> list[dict[str, Any]]:
    """``count`` distinct items (for load and pagination tests)."""
    stem = {"google": "gemini-fake", "anthropic": "claude-fake", "cohere": "command-fake"}.get(
        provider, "fake-model"
    )
    sep = "/" if provider in ("openrouter", "together") else "-"
    prefix = "fakeorg" + sep if sep == "/" else ""
    return [make_item(provider, f"{prefix}{stem}-{i:04d}") for i in range(count)]
