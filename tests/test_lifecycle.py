"""The one lifecycle rule (registry_core/lifecycle.py), at its boundaries, and its callers agreeing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from registry_core.advice import check
from registry_core.config import Settings
from registry_core.errors import ConfigError
from registry_core.frames import at_risk, badges, browse_frame, recommended_at_risk
from registry_core.lifecycle import (
    DEFAULT_WINDOW_DAYS,
    State,
    assess,
    assess_all,
    today_utc,
    window_choices,
)
from registry_core.records import ModelRecord

TODAY = date(2025, 6, 1)
SEEN = datetime(2025, 5, 31, tzinfo=UTC)


def rec(**kw: Any) -> ModelRecord:
    return ModelRecord("openai", "m", **kw)


CASES = [
    # (record, window, state, flags deprecated/retiring/retired/unavailable, days_left)
    pytest.param(rec(), 90, State.ACTIVE, (0, 0, 0, 0), None, id="no dates: active"),
    pytest.param(rec(status="preview"), 90, State.PREVIEW, (0, 0, 0, 0), None, id="preview"),
    pytest.param(rec(status="beta"), 90, State.BETA, (0, 0, 0, 0), None, id="beta"),
    pytest.param(
        rec(status="deprecated"),
        90,
        State.DEPRECATED,
        (1, 0, 0, 0),
        None,
        id="deprecated, no dates",
    ),
    pytest.param(
        rec(deprecation_date=TODAY), 90, State.DEPRECATED, (1, 0, 0, 0), None, id="deprecated today"
    ),
    pytest.param(
        rec(deprecation_date=TODAY + timedelta(days=1)),
        90,
        State.ACTIVE,
        (0, 0, 0, 0),
        None,
        id="deprecation tomorrow",
    ),
    pytest.param(
        rec(retirement_date=TODAY), 90, State.RETIRED, (0, 0, 1, 0), 0, id="retirement today"
    ),
    pytest.param(
        rec(retirement_date=TODAY - timedelta(days=3)),
        90,
        State.RETIRED,
        (0, 0, 1, 0),
        -3,
        id="retired before",
    ),
    pytest.param(
        rec(retirement_date=TODAY + timedelta(days=1)),
        90,
        State.RETIRING,
        (0, 1, 0, 0),
        1,
        id="retirement tomorrow",
    ),
    pytest.param(
        rec(retirement_date=TODAY + timedelta(days=90)),
        90,
        State.RETIRING,
        (0, 1, 0, 0),
        90,
        id="window edge counts",
    ),
    pytest.param(
        rec(retirement_date=TODAY + timedelta(days=91)),
        90,
        State.ACTIVE,
        (0, 0, 0, 0),
        91,
        id="one day past the window",
    ),
    pytest.param(
        rec(retirement_date=TODAY + timedelta(days=31)),
        30,
        State.ACTIVE,
        (0, 0, 0, 0),
        31,
        id="a narrower window",
    ),
    pytest.param(
        rec(status="deprecated", retirement_date=TODAY + timedelta(days=200)),
        90,
        State.DEPRECATED,
        (1, 0, 0, 0),
        200,
        id="deprecated, retiring later",
    ),
    pytest.param(
        rec(available=False, last_verified=SEEN),
        90,
        State.UNAVAILABLE,
        (0, 0, 0, 1),
        None,
        id="listed once, now gone",
    ),
    pytest.param(
        rec(available=False), 90, State.ACTIVE, (0, 0, 0, 0), None, id="catalog row: not judged"
    ),
    pytest.param(
        rec(available=False, last_verified=SEEN, retirement_date=TODAY),
        90,
        State.RETIRED,
        (0, 0, 1, 1),
        0,
        id="retired wins over unavailable",
    ),
]


@pytest.mark.parametrize(("record", "window", "state", "flags", "days_left"), CASES)
def test_assess(
    record: ModelRecord,
    window: int,
    state: State,
    flags: tuple[int, int, int, int],
    days_left: int | None,
) -> None:
    life = assess(record, TODAY, window_days=window)
    assert life.state is state
    assert (life.deprecated, life.retiring, life.retired, life.unavailable) == tuple(
        bool(f) for f in flags
    )
    assert life.days_left == days_left
    assert life.at_risk == any(flags)


def test_today_is_the_utc_date() -> None:
    late_in_new_york = datetime(2025, 6, 1, 22, 0, tzinfo=timezone(timedelta(hours=-4)))
    assert today_utc(late_in_new_york) == date(2025, 6, 2)
    assert today_utc(datetime(2025, 6, 1, 23, 59)) == date(2025, 6, 1)  # naive is UTC


def test_window_setting_and_views() -> None:
    assert Settings.from_env({}).retiring_within_days == DEFAULT_WINDOW_DAYS == 90
    assert Settings.from_env({"REGISTRY_RETIRING_WITHIN_DAYS": "45"}).retiring_within_days == 45
    for bad in ("0", "soon", "-5"):
        with pytest.raises(ConfigError, match="REGISTRY_RETIRING_WITHIN_DAYS"):
            Settings.from_env({"REGISTRY_RETIRING_WITHIN_DAYS": bad})
    assert window_choices(90) == (30, 60, 90)
    assert window_choices(14) == (14,)


def test_availability_is_known_per_provider() -> None:
    listed = ModelRecord("openai", "listed", available=True, last_verified=SEEN)
    never = ModelRecord("openai", "never-listed", discovery_method="fallback")
    other = ModelRecord("google", "catalog-only", discovery_method="fallback")
    states = assess_all([listed, never, other], TODAY)
    assert states[never.key].state is State.UNAVAILABLE
    assert states[other.key].state is State.ACTIVE


@pytest.mark.parametrize(
    ("record", "check_state", "badge"),
    [
        (rec(retirement_date=TODAY), "unavailable", ["retired"]),
        (rec(retirement_date=TODAY + timedelta(days=60)), "retiring", ["retiring soon"]),
        (rec(retirement_date=TODAY + timedelta(days=90)), "retiring", ["retiring soon"]),
        (rec(retirement_date=TODAY + timedelta(days=91)), "ok", []),
        (rec(status="deprecated"), "deprecated", ["deprecated"]),
    ],
)
def test_check_and_badges_agree(record: ModelRecord, check_state: str, badge: list[str]) -> None:
    """The old code disagreed: a retirement today was "unavailable" in check but "retiring soon"
    on Browse, and "retiring" meant 30 days in check but 90 on Browse."""
    record = record.replace(available=True, last_verified=SEEN)
    assert check([record], "openai", "m", today=TODAY).state == check_state
    assert badges(record, TODAY) == badge
    frame = browse_frame([record], TODAY)
    assert list(frame["Badges"][0]) == badge


def test_at_risk_covers_used_by_and_recommended() -> None:
    soon = TODAY + timedelta(days=10)
    rows = [
        ModelRecord("openai", "used", used_by=("billing",), retirement_date=soon),
        ModelRecord("openai", "rec", recommended=True, status="deprecated"),
        ModelRecord("openai", "nobody", retirement_date=soon),
        ModelRecord("openai", "fine", used_by=("billing",)),
    ]
    assert [r.model_id for r in at_risk(rows, TODAY)] == ["used", "rec"]
    assert [r.model_id for r in recommended_at_risk(rows, TODAY)] == ["rec"]
