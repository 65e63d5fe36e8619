"""History events and discovery runs: what the registry remembers about change over time.

History is append-only and idempotent by ``event_key``: re-running the same discovery writes no
duplicate event. Events are written only when something changed, so history grows with changes,
not with runs × models.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from registry_core.cells import format_datetime

#: Kinds of history event.
EVENT_KINDS: tuple[str, ...] = (
    "added",  # first seen (by discovery, seeding or a person)
    "unavailable",  # became unavailable (after the grace period)
    "available_again",
    "status_changed",
    "deprecation_date_changed",
    "retirement_date_changed",
    "recommended_changed",
    "cost_changed",
    "edited",  # a person changed fields they own; ``actor`` names them
    "seeded",  # created from the reference catalog on first run
    "lifecycle_alert",  # an alert was sent (registry_core.alerts): sent once per crossing
)

RUN_TRIGGERS: tuple[str, ...] = ("user", "schedule", "cli", "api", "seed")
RUN_OUTCOMES: tuple[str, ...] = ("ok", "suspect", "failed", "skipped")


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One change to one model."""

    event_key: str
    provider_id: str
    model_id: str
    kind: str
    at: datetime
    run_id: str | None = None
    source: str | None = None  # discovery / catalog / manual / seed
    actor: str | None = None  # who, for edits by people
    detail: dict[str, Any] = field(
        default_factory=dict
    )  # e.g. {"field": ..., "old": ..., "new": ...}

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_key": self.event_key,
            "provider_id": self.provider_id,
            "model_id": self.model_id,
            "kind": self.kind,
            "at": format_datetime(self.at),
            "run_id": self.run_id,
            "source": self.source,
            "actor": self.actor,
            "detail": self.detail,
        }


def make_event_key(provider_id: str, model_id: str, kind: str, *parts: Any) -> str:
    """A stable key for an event, so that writing the same change twice is a no-op.

    ``parts`` should identify the change (e.g. the new value), not the run: two hosts running the
    same refresh at once then produce the same key.

    >>> make_event_key("openai", "gpt-4o", "added") == make_event_key("openai", "gpt-4o", "added")
    True
    """
    raw = json.dumps([provider_id, model_id, kind, *parts], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class DiscoveryRun:
    """One discovery of one provider (or a seeding), successful or not."""

    run_id: str
    provider_id: str
    trigger: str  # user / schedule / cli / api / seed
    started_at: datetime
    duration_s: float = 0.0
    models_seen: int = 0
    added: int = 0
    removed: int = 0
    changed: int = 0
    outcome: str = "ok"  # ok / suspect / failed / skipped
    error_class: str | None = None
    message: str | None = None
    credential: str | None = None  # the credential's *name* ("openai/default"), never the key

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "provider_id": self.provider_id,
            "trigger": self.trigger,
            "started_at": format_datetime(self.started_at),
            "duration_s": self.duration_s,
            "models_seen": self.models_seen,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "outcome": self.outcome,
            "error_class": self.error_class,
            "message": self.message,
            "credential": self.credential,
        }
