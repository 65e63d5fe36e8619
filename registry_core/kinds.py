"""What kind of model a row is: chat, or one of the kinds that are never called as chat.

One rule for every provider (issue 14): a text-to-speech, transcription, image, video,
moderation/guard, rerank or embeddings model is never flagged ``chat``, whatever a heuristic or
a catalog's modalities would suggest. The provider's own word wins (Together's ``type``,
Mistral's capability booleans, LM Studio's ``type``); then the id; then the catalog entry's
modalities.

>>> kind_of("whisper-large-v3-turbo")
'transcription'
>>> kind_of("llama-guard-3-8b")
'moderation'
>>> kind_of("gpt-4o-mini-tts")
'tts'
>>> kind_of("gpt-4o")
'chat'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

#: Every kind, chat first.
KINDS: tuple[str, ...] = (
    "chat",
    "embeddings",
    "tts",
    "transcription",
    "image",
    "video",
    "moderation",
    "rerank",
)
NON_CHAT_KINDS: frozenset[str] = frozenset(KINDS) - {"chat"}

#: Provider-stated type words -> kind (Together ``type``, LM Studio ``type``, Cohere endpoints).
_TYPE_WORDS: dict[str, str] = {
    "chat": "chat",
    "language": "chat",
    "code": "chat",
    "llm": "chat",
    "vlm": "chat",
    "embedding": "embeddings",
    "embeddings": "embeddings",
    "embed": "embeddings",
    "image": "image",
    "video": "video",
    "audio": "tts",
    "tts": "tts",
    "transcribe": "transcription",
    "transcription": "transcription",
    "moderation": "moderation",
    "rerank": "rerank",
}

# Order matters: "gpt-4o-mini-transcribe" is transcription, "gpt-4o-mini-tts" is speech.
_ID_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("embeddings", re.compile(r"embed|(^|[/_-])(bge|gte|e5)([-_]|$)|minilm", re.I)),
    ("rerank", re.compile(r"rerank", re.I)),
    (
        "transcription",
        re.compile(r"whisper|transcri|(^|[-_/])stt([-_]|$)|voxtral-mini-transcribe", re.I),
    ),
    ("tts", re.compile(r"(^|[-_/])tts([-_]|$)|-tts$|orpheus|playai-tts|speech|sonic", re.I)),
    ("moderation", re.compile(r"moderation|guard|safeguard|shieldgemma", re.I)),
    ("video", re.compile(r"sora|(^|[-_/])veo|imagine-video|video-gen", re.I)),
    (
        "image",
        re.compile(
            r"dall-e|gpt-image|imagen|imagine-image|flux|stable-diffusion|sdxl|(^|[-_/])image(-|$)|-image$|image-gen",
            re.I,
        ),
    ),
)


def kind_from_type(value: Any) -> str | None:
    """The kind a provider's ``type`` word names, else ``None`` (unknown words are no answer)."""
    if not isinstance(value, str):
        return None
    return _TYPE_WORDS.get(value.strip().lower())


def kind_from_id(model_id: str) -> str | None:
    """The non-chat kind an id names, else ``None``."""
    for kind, pattern in _ID_RULES:
        if pattern.search(model_id):
            return kind
    return None


def kind_from_modalities(inputs: Iterable[str], outputs: Iterable[str]) -> str | None:
    """The kind a catalog entry's modalities say, else ``None`` (no modalities given)."""
    ins, outs = set(inputs), set(outputs)
    if not outs:
        return None
    if "text" in outs:
        if ins and "text" not in ins and "audio" in ins:
            return "transcription"
        return "chat"
    if "audio" in outs:
        return "tts"
    if "video" in outs:
        return "video"
    if "image" in outs:
        return "image"
    return None


def kind_of(
    model_id: str,
    *,
    stated: str | None = None,
    inputs: Iterable[str] = (),
    outputs: Iterable[str] = (),
) -> str:
    """The kind of a model: the provider's ``stated`` kind, else the id's, else the modalities'."""
    if stated in KINDS:
        return stated
    return kind_from_id(model_id) or kind_from_modalities(inputs, outputs) or "chat"


def features_for_kind(kind: str, features: Iterable[str]) -> tuple[str, ...]:
    """``features`` without chat and streaming (and vision) for a non-chat kind."""
    feats = tuple(features)
    if kind == "chat":
        return feats
    if kind == "embeddings":
        return ("embeddings",)
    return tuple(f for f in feats if f not in ("chat", "streaming", "vision", "embeddings"))


def stated_kind(provider_id: str, raw: Mapping[str, Any]) -> str | None:
    """The kind a provider's raw item states, for the providers whose items say it."""
    if provider_id in ("together", "openai_compatible"):
        return kind_from_type(raw.get("type"))
    if provider_id == "mistral":
        caps = raw.get("capabilities")
        if isinstance(caps, Mapping):
            if caps.get("completion_chat") is True:
                return "chat"
            if caps.get("audio_speech") is True:
                return "tts"
            if caps.get("audio_transcription") is True:
                return "transcription"
            if caps.get("moderation") is True or caps.get("classification") is True:
                return "moderation"
    if provider_id == "cohere":
        endpoints = raw.get("endpoints")
        if isinstance(endpoints, list):
            if "chat" in endpoints or "generate" in endpoints:
                return "chat"
            if "rerank" in endpoints:
                return "rerank"
            if "embed" in endpoints:
                return "embeddings"
    if provider_id == "azure":
        caps = raw.get("capabilities")
        if isinstance(caps, Mapping):
            if caps.get("chat_completion") is True:
                return None  # chat-capable; the id still tells TTS/transcription apart
            if caps.get("embeddings") is True:
                return "embeddings"
    return None
