"""recommend() and check(): the rules as tables."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from registry_core.advice import check, recommend
from registry_core.records import ModelRecord

TODAY = date(2025, 6, 1)
SEEN = datetime(2025, 6, 1, tzinfo=UTC)


def rec(model_id: str, **kw: Any) -> ModelRecord:
    base: dict[str, Any] = {
        "available": True,
        "status": "active",
        "features": ("chat",),
        "last_verified": SEEN,
        "discovery_method": "api",
    }
    base.update(kw)
    return ModelRecord("openai", model_id, **base)


RECOMMEND_CASES = [
    pytest.param(
        [rec("a", recommended=True, sort_order=2), rec("b", recommended=True, sort_order=1)],
        None,
        "b",
        "recommended",
        0,
        id="lowest sort order wins",
    ),
    pytest.param(
        [rec("a", recommended=True, sort_order=None), rec("b", recommended=True, sort_order=5)],
        None,
        "b",
        "recommended",
        0,
        id="a sort order beats none",
    ),
    pytest.param(
        [
            rec("old", recommended=True, sort_order=1, status="deprecated", successor_model="new"),
            rec("new", release_date=date(2024, 1, 1)),
            rec("newer", release_date=date(2025, 1, 1)),
        ],
        None,
        "new",
        "successor",
        1,
        id="deprecated flagged -> its successor, with a warning",
    ),
    pytest.param(
        [
            rec("old", recommended=True, available=False, successor_model="gone"),
            rec("x", release_date=date(2024, 1, 1)),
            rec("y", release_date=date(2025, 3, 1)),
        ],
        None,
        "y",
        "heuristic",
        2,
        id="unavailable flagged, unknown successor -> newest",
    ),
    pytest.param(
        [
            rec("x", release_date=date(2024, 1, 1)),
            rec("y", release_date=date(2025, 3, 1)),
            rec("z", release_date=date(2025, 5, 1), status="preview"),
        ],
        None,
        "y",
        "heuristic",
        0,
        id="no flag -> newest active chat model",
    ),
    pytest.param(
        [
            rec("x", release_date=date(2024, 1, 1)),
            rec("v", release_date=date(2023, 1, 1), features=("chat", "vision")),
        ],
        "vision",
        "v",
        "heuristic",
        0,
        id="feature filter",
    ),
    pytest.param(
        [
            rec("x", release_date=date(2024, 1, 1), deprecation_date=date(2025, 5, 1)),
            rec("w", release_date=date(2023, 1, 1)),
        ],
        None,
        "w",
        "heuristic",
        0,
        id="a passed deprecation date counts as deprecated",
    ),
    pytest.param(
        [rec("e", features=("embeddings",))],
        None,
        None,
        "none",
        1,
        id="nothing usable",
    ),
    pytest.param(
        [ModelRecord("openai", "cat", features=("chat",), discovery_method="fallback")],
        None,
        "cat",
        "heuristic",
        0,
        id="catalog-only data: unverified counts as available",
    ),
]


@pytest.mark.parametrize(("rows", "feature", "expect", "reason", "n_warnings"), RECOMMEND_CASES)
def test_recommend(
    rows: list[ModelRecord], feature: str | None, expect: str | None, reason: str, n_warnings: int
) -> None:
    pick = recommend(rows, "openai", today=TODAY, feature=feature)
    assert pick.model_id == expect
    assert pick.reason == reason
    assert len(pick.warnings) == n_warnings


def test_recommend_warning_names_the_successor() -> None:
    rows = [rec("old", recommended=True, status="deprecated", successor_model="new"), rec("new")]
    pick = recommend(rows, "openai", today=TODAY)
    assert pick.warnings == ("old is flagged Recommended but is deprecated; its successor is new.",)


CHECK_CASES = [
    pytest.param(rec("m"), "ok", None, id="ok"),
    pytest.param(
        rec("m", status="deprecated", successor_model="n"),
        "deprecated",
        None,
        id="deprecated by status",
    ),
    pytest.param(
        rec("m", deprecation_date=date(2025, 5, 1), retirement_date=date(2026, 1, 1)),
        "deprecated",
        None,
        id="deprecated by date, retiring later",
    ),
    pytest.param(
        rec("m", retirement_date=date(2025, 6, 21)), "retiring", 20, id="retiring within 30 days"
    ),
    pytest.param(
        rec("m", retirement_date=date(2025, 8, 1)), "ok", 61, id="retiring after the window"
    ),
    pytest.param(rec("m", retirement_date=date(2025, 6, 1)), "unavailable", 0, id="retired today"),
    pytest.param(rec("m", available=False), "unavailable", None, id="no longer listed"),
]


@pytest.mark.parametrize(("row", "state", "days_left"), CHECK_CASES)
def test_check(row: ModelRecord, state: str, days_left: int | None) -> None:
    result = check([row, rec("other")], "openai", "m", today=TODAY, within_days=30)
    assert result.state == state
    assert result.days_left == days_left
    assert result.message.startswith("openai/m")


def test_check_unknown_model_and_successor() -> None:
    assert check([rec("a")], "openai", "nope", today=TODAY).state == "unknown"
    result = check([rec("m", status="deprecated", successor_model="n")], "openai", "m", today=TODAY)
    assert result.successor == "n" and "Move to n." in result.message


def test_check_on_catalog_only_data_is_ok_but_unverified() -> None:
    row = ModelRecord("openai", "m", discovery_method="fallback")
    result = check([row], "openai", "m", today=TODAY)
    assert result.state == "ok" and not result.verified and "not yet verified" in result.message
