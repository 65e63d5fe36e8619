"""Which model a listed row stands for, in the provider's own words (issue 14).

Before the catalog is asked about an id, the provider's listing may already say what the row
is: Mistral puts the dated canonical id of an alias in ``name`` and the base of a fine-tune in
``root``; OpenAI names the base inside ``ft:<base>:<org>::<id>``; Azure gives a fine-tune's base
in ``model``; vLLM gives a LoRA adapter's base in ``parent`` (and the served weights in
``root``); xAI and OpenRouter link alias rows to their target. :func:`pins_for` returns those
links, most specific first; :mod:`registry_core.enrich` looks each up before the row's own id.

>>> from registry_core.providers.base import DiscoveredModel
>>> [(p.model_id, p.reason) for p in pins_for(DiscoveredModel("openai", "ft:gpt-4.1-mini:acme::B1x"))]
[('gpt-4.1-mini', 'fine-tune')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from registry_core import records as R
from registry_core.providers.base import DiscoveredModel

#: Reasons whose catalog values describe another model (the base), so they are ``inferred``.
INHERITED: frozenset[str] = frozenset({"fine-tune", "adapter"})


@dataclass(frozen=True, slots=True)
class Pin:
    """``model_id`` is what the row stands for; ``reason`` is the provider's link to it."""

    model_id: str
    reason: str  # "alias" | "fine-tune" | "adapter" | "served weights"

    @property
    def inherited(self) -> bool:
        return self.reason in INHERITED


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def openai_fine_tune_base(model_id: str) -> str | None:
    """``gpt-4.1-mini`` for ``ft:gpt-4.1-mini:acme::B1x`` (and ``ft:gpt-4o-mini-2024-07-18:…``)."""
    if not model_id.startswith("ft:"):
        return None
    return _text(model_id[3:].split(":", 1)[0])


def pins_for(model: DiscoveredModel) -> list[Pin]:
    """The provider's links from this row to the model it stands for (may be empty)."""
    raw: Mapping[str, Any] = model.raw if isinstance(model.raw, Mapping) else {}
    out: list[Pin] = []

    def add(target: str | None, reason: str) -> None:
        if target and target != model.model_id and all(p.model_id != target for p in out):
            out.append(Pin(target, reason))

    pid = model.provider_id
    if pid == "ollama":
        add(_text(model.facts.get("same_digest_as")), "same weights (digest)")
    if pid == "mistral" and (raw.get("type") == "fine-tuned" or model.model_id.startswith("ft:")):
        add(_text(raw.get("root")), "fine-tune")
    if pid in ("openai", "azure"):
        add(openai_fine_tune_base(model.model_id), "fine-tune")
    if pid == "azure" and (raw.get("fine_tune") or raw.get("status") == "succeeded"):
        add(_text(raw.get("model")), "fine-tune")
    if pid == "openai_compatible":
        add(_text(raw.get("parent")), "adapter")
        add(_text(raw.get("root")), "served weights")
    if model.alias_of and model.provenance.get(R.ALIAS_OF) == "provider":
        add(model.alias_of, "alias")
    if pid == "openrouter":
        target = raw.get("alias_target")
        if isinstance(target, Mapping):
            add(_text(target.get("slug")), "alias")
    return out


def alternate_ids(model: DiscoveredModel) -> list[str]:
    """Other ids the provider gives for this very model (xAI ``aliases``), to try after its own."""
    aliases = model.raw.get("aliases") if isinstance(model.raw, Mapping) else None
    if not isinstance(aliases, list):
        return []
    return [a for a in aliases if isinstance(a, str) and a.strip() and a != model.model_id]


def digest_twins(models: Sequence[DiscoveredModel]) -> dict[str, str]:
    """Ollama ``name:latest`` (or untagged) rows -> the listed ``name:<size>`` tag with the same
    ``digest``: the same weights, so the same catalog entry (``gemma3:latest`` is ``gemma3:4b``).
    """
    by_digest: dict[str, list[str]] = {}
    for m in models:
        digest = m.raw.get("digest") if isinstance(m.raw, Mapping) else None
        if m.provider_id == "ollama" and isinstance(digest, str) and digest:
            by_digest.setdefault(digest, []).append(m.model_id)
    out: dict[str, str] = {}
    for ids in by_digest.values():
        sized = sorted(i for i in ids if i.partition(":")[2] not in ("", "latest"))
        if not sized:
            continue
        for i in ids:
            if i.partition(":")[2] in ("", "latest"):
                out[i] = sized[0]
    return out
