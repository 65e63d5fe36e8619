"""Request routing for the fake provider server: each provider's paths, pages and answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from registry_standins.fake_provider_data import ollama_show

if TYPE_CHECKING:
    from registry_standins.fake_providers import FakeProviderServer, Fault

Answer = tuple[int, Any]
LOOP = "loop-cursor"

# provider -> (list path, retrieve prefix or None, chat path) under the provider prefix
_OPENAI_STYLE: dict[str, tuple[str, str]] = {
    "openai": ("/v1", "/v1/chat/completions"),
    "groq": ("/openai/v1", "/openai/v1/chat/completions"),
    "mistral": ("/v1", "/v1/chat/completions"),
    "deepseek": ("", "/chat/completions"),
    "together": ("/v1", "/v1/chat/completions"),
    "xai": ("/v1", "/v1/chat/completions"),
    "openai_compatible": ("/v1", "/v1/chat/completions"),
}


def _id(item: dict[str, Any]) -> str:
    return str(item.get("id") or item.get("name") or item.get("model") or "").removeprefix(
        "models/"
    )


def _find(items: list[dict[str, Any]], model_id: str) -> dict[str, Any] | None:
    for item in items:
        aliases = (
            item.get("aliases") if item.get("object") != "model" or "fingerprint" in item else []
        )
        if _id(item) == model_id or model_id in (aliases or []):
            return item
    return None


def _size(fake: FakeProviderServer, requested: str | None, default: int) -> int:
    try:
        size = int(requested) if requested else default
    except ValueError:
        size = default
    size = max(1, min(size, 1000))
    return min(size, fake.page_size) if fake.page_size else size


def _not_found(provider: str, model_id: str) -> Answer:
    if provider == "anthropic":
        return 404, {
            "type": "error",
            "error": {"type": "not_found_error", "message": f"model: {model_id}"},
        }
    if provider == "google":
        return 404, {
            "error": {
                "code": 404,
                "message": f"models/{model_id} is not found",
                "status": "NOT_FOUND",
            }
        }
    if provider == "ollama":
        return 404, {"error": f"model '{model_id}' not found"}
    return 404, {
        "error": {
            "message": f"The model '{model_id}' does not exist",
            "type": "invalid_request_error",
            "code": "model_not_found",
        }
    }


def _chat_answer(model_id: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "model": model_id,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "H"},
                "finish_reason": "length",
            }
        ],
        "usage": {"prompt_tokens": 8, "completion_tokens": 1, "total_tokens": 9},
    }


def route(
    fake: FakeProviderServer,
    provider: str,
    method: str,
    path: str,
    query: dict[str, str],
    payload: Any,
    fault: Fault | None,
) -> Answer:
    """The (status, JSON body) a provider would answer."""
    items = [] if fault is not None and fault.kind == "empty_list" else fake.models(provider)
    loop = fault is not None and fault.kind == "repeating_cursor"
    path = path.rstrip("/") or "/"
    model = payload.get("model") if isinstance(payload, dict) else None

    if provider in _OPENAI_STYLE:
        base, chat = _OPENAI_STYLE[provider]
        if method == "GET" and path == f"{base}/models":
            if provider == "together":
                return 200, items
            if provider == "xai":
                thin = [{k: i[k] for k in ("id", "created", "object", "owned_by")} for i in items]
                return 200, {"object": "list", "data": thin}
            return 200, {"object": "list", "data": items}
        if provider == "xai" and method == "GET" and path == "/v1/language-models":
            return 200, {"models": items}
        if method == "GET" and path.startswith(f"{base}/models/"):
            model_id = path[len(f"{base}/models/") :]
            found = _find(items, model_id)
            return (200, found) if found else _not_found(provider, model_id)
        if method == "POST" and path == chat:
            if not isinstance(model, str) or _find(items, model) is None:
                return _not_found(provider, str(model))
            return 200, _chat_answer(model)

    if provider == "anthropic":
        if method == "GET" and path == "/v1/models":
            size = _size(fake, query.get("limit"), 20)
            after = query.get("after_id")
            ids = [_id(i) for i in items]
            start = ids.index(after) + 1 if after in ids else 0
            page = items[start : start + size]
            more = start + size < len(items)
            return 200, {
                "data": page,
                "has_more": True if loop else more,
                "first_id": _id(page[0]) if page else None,
                "last_id": LOOP if loop else (_id(page[-1]) if page else None),
            }
        if method == "GET" and path.startswith("/v1/models/"):
            found = _find(items, path[len("/v1/models/") :])
            return (200, found) if found else _not_found(provider, path[len("/v1/models/") :])
        if method == "POST" and path == "/v1/messages":
            if not isinstance(model, str) or _find(items, model) is None:
                return _not_found(provider, str(model))
            return 200, {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [{"type": "text", "text": "H"}],
                "stop_reason": "max_tokens",
                "usage": {"input_tokens": 8, "output_tokens": 1},
            }

    if provider == "google":
        if method == "GET" and path == "/v1beta/models":
            size = _size(fake, query.get("pageSize"), 50)
            token = query.get("pageToken") or "p0"
            start = int(token[1:]) if token[1:].isdigit() else 0
            page = items[start : start + size]
            body: dict[str, Any] = {"models": page}
            if loop:
                body["nextPageToken"] = LOOP
            elif start + size < len(items):
                body["nextPageToken"] = f"p{start + size}"
            return 200, body
        if path.startswith("/v1beta/models/"):
            rest = path[len("/v1beta/models/") :]
            model_id, _, action = rest.partition(":")
            found = _find(items, model_id)
            if found is None:
                return _not_found(provider, model_id)
            if method == "GET" and not action:
                return 200, found
            if method == "POST" and action == "generateContent":
                return 200, {
                    "candidates": [
                        {
                            "content": {"role": "model", "parts": [{"text": "H"}]},
                            "finishReason": "MAX_TOKENS",
                        }
                    ],
                    "usageMetadata": {"promptTokenCount": 2, "candidatesTokenCount": 1},
                }

    if provider == "cohere":
        if method == "GET" and path == "/v1/models":
            size = _size(fake, query.get("page_size"), 20)
            token = query.get("page_token") or "c0"
            start = int(token[1:]) if token[1:].isdigit() else 0
            body = {"models": items[start : start + size]}
            if loop:
                body["next_page_token"] = LOOP
            elif start + size < len(items):
                body["next_page_token"] = f"c{start + size}"
            return 200, body
        if method == "POST" and path == "/v2/chat":
            if not isinstance(model, str) or _find(items, model) is None:
                return 404, {"message": f"model '{model}' not found"}
            return 200, {
                "id": "fake",
                "finish_reason": "MAX_TOKENS",
                "message": {"role": "assistant", "content": [{"type": "text", "text": "H"}]},
            }

    if provider == "openrouter":
        if method == "GET" and path == "/api/v1/models":
            if "offset" not in query and "limit" not in query and not fake.page_size:
                return 200, {"data": items, "links": {"next": None}, "total_count": len(items)}
            size = _size(fake, query.get("limit"), 1000)
            start = int(query.get("offset") or 0)
            page = items[start : start + size]
            if loop:
                return 200, {
                    "data": page,
                    "links": {"next": f"/api/v1/models?offset=0&limit={size}"},
                }
            nxt = start + size
            link = f"/api/v1/models?offset={nxt}&limit={size}" if nxt < len(items) else None
            return 200, {"data": page, "links": {"next": link}, "total_count": len(items)}
        if method == "GET" and path == "/api/v1/models/user":
            return 200, {"data": items}
        if method == "POST" and path == "/api/v1/chat/completions":
            if not isinstance(model, str) or _find(items, model) is None:
                return 400, {"error": {"code": 400, "message": f"{model} is not a valid model ID"}}
            return 200, _chat_answer(model)

    if provider == "azure" and method == "GET" and path == "/openai/models":
        if not query.get("api-version"):
            return 400, {
                "error": {
                    "code": "MissingApiVersionParameter",
                    "message": "The api-version query parameter (?api-version=) is required.",
                }
            }
        return 200, {"object": "list", "data": items}

    if provider == "ollama":
        if method == "GET" and path == "/api/tags":
            return 200, {"models": items}
        if method == "POST" and path in ("/api/show", "/api/generate"):
            found = _find(items, str(model))
            if found is None:
                return _not_found(provider, str(model))
            if path == "/api/show":
                return 200, ollama_show(found)
            return 200, {"model": model, "response": "H", "done": True, "done_reason": "length"}

    return 404, {
        "error": {
            "message": f"fake {provider} has no {method} {path}",
            "type": "invalid_request_error",
            "code": "unknown_url",
        }
    }
