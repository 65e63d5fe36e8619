"""Lifecycle alerts: Used By and Recommended models crossing 90 / 60 / 30 / 7 days before their
Retirement Date, or becoming deprecated, retired or unavailable (``python -m registry_core alerts``).

Each crossing of each model is sent **once**: after every configured channel accepted the
digest, one ``lifecycle_alert`` history event per alert is written, keyed by
``make_event_key(provider, model, "lifecycle_alert", what, retirement date)``. History is
idempotent by key, so two hosts running at once write one event; a later run skips what is
recorded. A channel that fails records nothing, so the next run sends the alert again: an alert
is never lost (it may, when one of two channels failed, arrive twice on the other).

Channels: stdout always (text or ``--json``); ``REGISTRY_ALERT_WEBHOOK`` gets a JSON POST
``{"alerts": [...]}``; ``REGISTRY_SLACK_WEBHOOK`` gets a Slack incoming-webhook message
``{"text": ...}``. A moved Retirement Date is a new crossing (its key names the date).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx

from registry_core.errors import RegistryError
from registry_core.events import HistoryEvent, make_event_key
from registry_core.lifecycle import DEFAULT_WINDOW_DAYS, assess_all
from registry_core.records import ModelRecord

THRESHOLDS: tuple[int, ...] = (90, 60, 30, 7)
ALERT_KIND = "lifecycle_alert"
WEBHOOK_ENV = "REGISTRY_ALERT_WEBHOOK"
SLACK_ENV = "REGISTRY_SLACK_WEBHOOK"
TIMEOUT_S = 10.0


class AlertDeliveryError(RegistryError):
    """A webhook did not accept the digest; nothing was recorded, the next run retries."""

    error_class = "alert_delivery"


@dataclass(frozen=True, slots=True)
class Alert:
    """One crossing of one model."""

    provider_id: str
    model_id: str
    what: str  # "retires-in-90" ... "retires-in-7", "retired", "deprecated", "unavailable"
    message: str
    retirement_date: date | None
    days_left: int | None
    successor: str | None
    used_by: tuple[str, ...]
    recommended: bool

    @property
    def event_key(self) -> str:
        when = self.retirement_date.isoformat() if self.retirement_date else ""
        return make_event_key(self.provider_id, self.model_id, ALERT_KIND, self.what, when)

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider_id": self.provider_id,
            "model_id": self.model_id,
            "what": self.what,
            "message": self.message,
            "retirement_date": self.retirement_date.isoformat() if self.retirement_date else None,
            "days_left": self.days_left,
            "successor": self.successor,
            "used_by": list(self.used_by),
            "recommended": self.recommended,
        }


def _crossing(days_left: int) -> int | None:
    """The tightest threshold ``days_left`` is within (7 before 30 ...), or None."""
    passed = [t for t in THRESHOLDS if days_left <= t]
    return min(passed) if passed else None


def due_alerts(
    records: Sequence[ModelRecord],
    today: date,
    sent_keys: Iterable[str],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[Alert]:
    """The alerts not yet sent, for models people use or recommend; soonest retirement first."""
    sent = set(sent_keys)
    states = assess_all(records, today, window_days=max(window_days, max(THRESHOLDS)))
    out: list[Alert] = []
    for r in records:
        if not (r.recommended or r.used_by):
            continue
        life = states[r.key]
        move = f" Move to {r.successor_model}." if r.successor_model else " No successor recorded."
        who = f" Used by {', '.join(r.used_by)}." if r.used_by else " Recommended."
        name = f"{r.provider_id}/{r.model_id}"
        found: list[tuple[str, str]] = []
        if life.retired:
            found.append(("retired", f"{name} was retired on {r.retirement_date}."))
        elif life.days_left is not None and (t := _crossing(life.days_left)) is not None:
            found.append(
                (
                    f"retires-in-{t}",
                    f"{name} retires on {r.retirement_date} (in {life.days_left} days).",
                )
            )
        if life.deprecated and not life.retired:
            found.append(("deprecated", f"{name} is deprecated."))
        if life.unavailable and not life.retired:
            found.append(("unavailable", f"{name} is no longer listed by {r.provider_id}."))
        for what, text in found:
            alert = Alert(
                r.provider_id,
                r.model_id,
                what,
                text + move + who,
                r.retirement_date,
                life.days_left,
                r.successor_model,
                r.used_by,
                r.recommended,
            )
            if alert.event_key not in sent:
                out.append(alert)
    out.sort(key=lambda a: (a.retirement_date or date.max, a.provider_id, a.model_id, a.what))
    return out


def slack_text(alerts: Sequence[Alert]) -> str:
    """The digest as Slack ``mrkdwn`` text (model names are ids, not markup)."""
    lines = [f"*AI Model Registry: {len(alerts)} lifecycle alert(s)*"]
    lines += [f"• {a.message}" for a in alerts]
    return "\n".join(lines)


def deliver(
    alerts: Sequence[Alert],
    *,
    webhook_url: str | None,
    slack_url: str | None,
    client: httpx.Client | None = None,
) -> list[str]:
    """POST the digest to every configured channel; the names of the channels that took it.

    Raises :class:`AlertDeliveryError` naming the channels that failed (never their URLs: a
    Slack webhook URL is a secret).
    """
    if not alerts:
        return []
    own = client is None
    http = client or httpx.Client(timeout=TIMEOUT_S, follow_redirects=False)
    delivered: list[str] = []
    failed: list[str] = []
    try:
        for channel, url, body in (
            ("webhook", webhook_url, {"alerts": [a.to_dict() for a in alerts]}),
            ("slack", slack_url, {"text": slack_text(alerts)}),
        ):
            if not url:
                continue
            try:
                response = http.post(url, json=body)
                if 200 <= response.status_code < 300:
                    delivered.append(channel)
                else:
                    failed.append(f"{channel} (HTTP {response.status_code})")
            except httpx.HTTPError as exc:
                failed.append(f"{channel} ({type(exc).__name__})")
    finally:
        if own:
            http.close()
    if failed:
        raise AlertDeliveryError(
            f"the alert digest was not delivered to {', '.join(failed)}",
            hint="nothing was recorded; the next run sends these alerts again",
        )
    return delivered


def alert_events(alerts: Sequence[Alert], now: datetime) -> list[HistoryEvent]:
    """One history event per delivered alert (what makes the next run skip it)."""
    return [
        HistoryEvent(
            event_key=a.event_key,
            provider_id=a.provider_id,
            model_id=a.model_id,
            kind=ALERT_KIND,
            at=now,
            source="alerts",
            detail={"what": a.what, "retirement_date": a.to_dict()["retirement_date"]},
        )
        for a in alerts
    ]
