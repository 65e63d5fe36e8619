"""What a service should use: the recommended model of a provider, and a check of one model.

Pure functions over records and a date, so every rule is a table-driven test.

**Recommendation.** Among the provider's models (with ``feature``, when given):

1. the *usable* model flagged Recommended with the lowest Sort Order (ties: model id);
2. else the successor of the best flagged model, when that successor is usable;
3. else the heuristic: the newest (Release Date) usable ``active`` model with the feature (``chat``
   when none is asked for); models without a release date come after dated ones, then by id.

*Usable* means available, not deprecated and not retired, by the rules of
:mod:`registry_core.lifecycle` (the one place they live). When the registry has never verified any model of the provider (catalog data only),
availability is unknown, and unverified models count as available. A warning names every flagged
model that was passed over and why, with its successor when known.

**Check.** ``unknown`` (not in the registry) → ``unavailable`` (not listed, or retired: a
Retirement Date of today counts) → ``retiring`` (Retirement Date after today and within
``within_days``, default the ``REGISTRY_RETIRING_WITHIN_DAYS`` window) → ``deprecated`` → ``ok``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from registry_core.lifecycle import DEFAULT_WINDOW_DAYS, assess
from registry_core.records import ModelRecord

CHECK_STATES: tuple[str, ...] = ("ok", "deprecated", "retiring", "unavailable", "unknown")


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The model to use, how it was chosen, and what a person should know."""

    provider_id: str
    model: ModelRecord | None
    reason: str  # "recommended" | "successor" | "heuristic" | "none"
    feature: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def model_id(self) -> str | None:
        return self.model.model_id if self.model else None


@dataclass(frozen=True, slots=True)
class ModelCheck:
    """The answer to "may I call this model?"."""

    provider_id: str
    model_id: str
    state: str  # one of CHECK_STATES
    message: str
    deprecation_date: date | None = None
    retirement_date: date | None = None
    successor: str | None = None
    days_left: int | None = None
    verified: bool = True  # False: availability comes from the catalog, not a listing
    record: ModelRecord | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def _verified_any(records: Sequence[ModelRecord]) -> bool:
    return any(r.last_verified is not None for r in records)


def why_unusable(record: ModelRecord, today: date, *, verified: bool) -> str | None:
    """``None`` when usable, else a short reason ("deprecated since 2025-06-01")."""
    life = assess(record, today, verified=verified)
    if life.retired:
        return f"retired on {record.retirement_date}"
    if life.unavailable:
        return "not available (the provider no longer lists it)"
    if life.deprecated:
        return (
            f"deprecated since {record.deprecation_date}"
            if record.deprecation_date
            else "deprecated"
        )
    return None


def recommend(
    records: Sequence[ModelRecord],
    provider_id: str,
    *,
    today: date,
    feature: str | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> Recommendation:
    """The model a service of ``provider_id`` should use today (see module docstring).

    >>> from datetime import date
    >>> rows = [ModelRecord("openai", "a", available=True, recommended=True, sort_order=2, features=("chat",)),
    ...         ModelRecord("openai", "b", available=True, recommended=True, sort_order=1, features=("chat",))]
    >>> recommend(rows, "openai", today=date(2025, 1, 1)).model_id
    'b'
    """
    mine = [r for r in records if r.provider_id == provider_id]
    verified = _verified_any(mine)
    candidates = [r for r in mine if feature is None or feature in r.features]
    by_id = {r.model_id: r for r in mine}
    warnings: list[str] = []

    flagged = sorted(
        (r for r in candidates if r.recommended),
        key=lambda r: (r.sort_order is None, r.sort_order or 0, r.model_id),
    )
    for record in flagged:
        problem = why_unusable(record, today, verified=verified)
        if problem is None:
            life = assess(record, today, window_days=window_days, verified=verified)
            if life.retiring:
                move = (
                    f"; move to {record.successor_model}"
                    if record.successor_model
                    else "; no successor is recorded"
                )
                warnings.append(
                    f"{record.model_id} retires on {record.retirement_date} "
                    f"(in {life.days_left} days){move}."
                )
            return Recommendation(provider_id, record, "recommended", feature, tuple(warnings))
        hint = f"; its successor is {record.successor_model}" if record.successor_model else ""
        warnings.append(f"{record.model_id} is flagged Recommended but is {problem}{hint}.")

    for record in flagged:
        successor = by_id.get(record.successor_model or "")
        if (
            successor is not None
            and (feature is None or feature in successor.features)
            and why_unusable(successor, today, verified=verified) is None
        ):
            return Recommendation(provider_id, successor, "successor", feature, tuple(warnings))

    wanted = feature or "chat"
    pool = [
        r
        for r in mine
        if wanted in r.features
        and (r.status in (None, "active"))
        and why_unusable(r, today, verified=verified) is None
    ]
    if pool:
        dated = sorted(
            (r for r in pool if r.release_date), key=lambda r: (r.release_date, r.model_id)
        )
        undated = sorted((r for r in pool if not r.release_date), key=lambda r: r.model_id)
        pick = dated[-1] if dated else undated[0]
        if flagged:
            warnings.append(f"Using {pick.model_id} (newest available {wanted} model) instead.")
        return Recommendation(provider_id, pick, "heuristic", feature, tuple(warnings))

    warnings.append(
        f"No usable {wanted} model of {provider_id} is in the registry; run a discovery "
        f"(`python -m registry_core refresh {provider_id}`) or flag one as Recommended."
    )
    return Recommendation(provider_id, None, "none", feature, tuple(warnings))


def check(
    records: Sequence[ModelRecord],
    provider_id: str,
    model_id: str,
    *,
    today: date,
    within_days: int = DEFAULT_WINDOW_DAYS,
) -> ModelCheck:
    """Whether ``model_id`` may be called today, and what to move to if not.

    >>> from datetime import date
    >>> row = ModelRecord("openai", "gpt-4", available=True, retirement_date=date(2025, 1, 10),
    ...                   successor_model="gpt-4o")
    >>> c = check([row], "openai", "gpt-4", today=date(2025, 1, 1))
    >>> c.state, c.days_left, c.successor
    ('retiring', 9, 'gpt-4o')
    """
    mine = [r for r in records if r.provider_id == provider_id]
    record = next((r for r in mine if r.model_id == model_id), None)
    if record is None:
        return ModelCheck(
            provider_id,
            model_id,
            "unknown",
            f"{provider_id}/{model_id} is not in the registry; check the id, or run a discovery "
            f"(`python -m registry_core refresh {provider_id}`).",
        )
    verified = _verified_any(mine)

    def result(state: str, message: str, days_left: int | None = None) -> ModelCheck:
        return ModelCheck(
            provider_id,
            model_id,
            state,
            message,
            deprecation_date=record.deprecation_date,
            retirement_date=record.retirement_date,
            successor=record.successor_model,
            days_left=days_left,
            verified=verified,
            record=record,
        )

    move = f" Move to {record.successor_model}." if record.successor_model else ""
    name = f"{provider_id}/{model_id}"
    life = assess(record, today, window_days=within_days, verified=verified)
    if life.retired:
        return result(
            "unavailable",
            f"{name} was retired on {record.retirement_date}; calls will fail.{move}",
            0,
        )
    if life.unavailable:
        return result(
            "unavailable", f"{name} is no longer listed by {provider_id} for this credential.{move}"
        )
    if life.retiring:
        days_left = life.days_left
        message = f"{name} retires on {record.retirement_date} (in {days_left} days).{move}"
        return result("retiring", message, days_left)
    if life.deprecated:
        since = f" since {record.deprecation_date}" if record.deprecation_date else ""
        when = f"; it retires on {record.retirement_date}" if record.retirement_date else ""
        return result("deprecated", f"{name} is deprecated{since}{when}.{move}")
    note = "" if verified else " (from the reference catalog; not yet verified by a listing)"
    if record.retirement_date is not None:
        # announced, but beyond the window: still say when, and what to move to
        later = f" It retires on {record.retirement_date} (in {life.days_left} days).{move}"
        return result("ok", f"{name} is fine to use{note}.{later}", life.days_left)
    return result("ok", f"{name} is fine to use{note}.")
