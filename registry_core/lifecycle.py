"""The lifecycle of a model, defined once: its state today and how soon it goes away.

Pure: a record, a date and the window in; a :class:`Lifecycle` out. Browse's badges, the
``check`` command (:func:`registry_core.advice.check`), the Deprecations page, "Recommended at
risk", ``scan`` and ``alerts`` all ask :func:`assess`; nothing else decides these rules.

**Today** is the UTC calendar date (:func:`today_utc`). Dates in the registry are calendar days
without a time; a provider's shutdown day is the day calls stop working, so:

- **retired**: the Retirement Date is today or earlier;
- **retiring**: the Retirement Date is after today and at most ``window_days`` ahead (the edge
  day itself counts);
- **deprecated**: Status says ``deprecated``, or the Deprecation Date is today or earlier. A
  model with no dates at all can still be deprecated (a provider flag, models.dev's status);
- **unavailable**: a listing looked and did not have it (``verified`` and not Available);
- **preview** / **beta**: the Status people or the provider gave;
- **active**: none of the above.

The flags are independent (a model can be deprecated *and* retiring); :attr:`Lifecycle.state` is
the one word for it, the first of retired, unavailable, retiring, deprecated, preview, beta,
active.

**The window** is one setting, ``REGISTRY_RETIRING_WITHIN_DAYS`` (default 90 days, read by
:class:`registry_core.config.Settings`). The 30 / 60 / 90-day choices on the Deprecations page are
views inside it (:func:`window_choices`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from registry_core.records import ModelRecord

#: Name of the one setting, and its default.
WINDOW_ENV = "REGISTRY_RETIRING_WITHIN_DAYS"
DEFAULT_WINDOW_DAYS = 90
#: The narrower views the Deprecations page offers inside the window.
VIEW_DAYS: tuple[int, ...] = (30, 60, 90)


class State(StrEnum):
    """The one-word lifecycle state of a model."""

    ACTIVE = "active"
    PREVIEW = "preview"
    BETA = "beta"
    DEPRECATED = "deprecated"
    RETIRING = "retiring"
    RETIRED = "retired"
    UNAVAILABLE = "unavailable"


#: The states a team must act on.
AT_RISK_STATES: frozenset[State] = frozenset(
    {State.DEPRECATED, State.RETIRING, State.RETIRED, State.UNAVAILABLE}
)


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """Where one model stands today."""

    state: State
    deprecated: bool = False
    retiring: bool = False
    retired: bool = False
    unavailable: bool = False
    #: days from today to the Retirement Date (0 on the day, negative after); None without one
    days_left: int | None = None
    successor: str | None = None

    @property
    def at_risk(self) -> bool:
        """Deprecated, retiring within the window, retired or unavailable."""
        return self.deprecated or self.retiring or self.retired or self.unavailable


def today_utc(now: datetime | None = None) -> date:
    """Today's date in UTC (``now`` naive is taken as UTC).

    >>> today_utc(datetime(2025, 1, 1, 23, 30, tzinfo=UTC))
    datetime.date(2025, 1, 1)
    """
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).date()


def window_choices(window_days: int = DEFAULT_WINDOW_DAYS) -> tuple[int, ...]:
    """The page's "within N days" choices: the views up to the window, and the window itself.

    >>> window_choices(90), window_choices(45), window_choices(120)
    ((30, 60, 90), (30, 45), (30, 60, 90, 120))
    """
    return tuple(sorted({d for d in VIEW_DAYS if d <= window_days} | {window_days}))


def is_deprecated(record: ModelRecord, today: date) -> bool:
    """Status says so, or the Deprecation Date has come."""
    return record.status == "deprecated" or (
        record.deprecation_date is not None and record.deprecation_date <= today
    )


def is_retired(record: ModelRecord, today: date) -> bool:
    """The Retirement Date (the day calls stop working) is today or earlier."""
    return record.retirement_date is not None and record.retirement_date <= today


def retires_within(record: ModelRecord, today: date, days: int) -> bool:
    """The Retirement Date is after today and at most ``days`` ahead."""
    when = record.retirement_date
    return when is not None and today < when <= today + timedelta(days=days)


def verified_providers(records: Iterable[ModelRecord]) -> frozenset[str]:
    """Providers a listing has looked at (any record verified): their availability is known."""
    return frozenset(r.provider_id for r in records if r.last_verified is not None)


def assess(
    record: ModelRecord,
    today: date,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    verified: bool | None = None,
) -> Lifecycle:
    """The lifecycle of ``record`` on ``today``.

    ``verified`` says whether a listing has looked at the model's provider; ``None`` reads it
    from the record itself (verified once). Without a listing, Available means nothing, so a
    catalog row is never "unavailable".

    >>> rec = ModelRecord("openai", "gpt-4", retirement_date=date(2025, 1, 1), successor_model="gpt-4o")
    >>> life = assess(rec, date(2025, 1, 1))
    >>> life.state, life.retired, life.days_left, life.successor
    (<State.RETIRED: 'retired'>, True, 0, 'gpt-4o')
    """
    known = record.last_verified is not None if verified is None else verified
    retired = is_retired(record, today)
    retiring = retires_within(record, today, window_days)
    deprecated = is_deprecated(record, today)
    unavailable = known and not record.available
    days_left = (
        (record.retirement_date - today).days if record.retirement_date is not None else None
    )
    if retired:
        state = State.RETIRED
    elif unavailable:
        state = State.UNAVAILABLE
    elif retiring:
        state = State.RETIRING
    elif deprecated:
        state = State.DEPRECATED
    elif record.status == "preview":
        state = State.PREVIEW
    elif record.status == "beta":
        state = State.BETA
    else:
        state = State.ACTIVE
    return Lifecycle(
        state=state,
        deprecated=deprecated,
        retiring=retiring,
        retired=retired,
        unavailable=unavailable,
        days_left=days_left,
        successor=record.successor_model,
    )


def assess_all(
    records: Iterable[ModelRecord], today: date, *, window_days: int = DEFAULT_WINDOW_DAYS
) -> dict[tuple[str, str], Lifecycle]:
    """:func:`assess` for many records, with availability known per provider."""
    pool = list(records)
    looked = verified_providers(pool)
    return {
        r.key: assess(r, today, window_days=window_days, verified=r.provider_id in looked)
        for r in pool
    }
