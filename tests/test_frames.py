"""Display frames: badges, browse/cost/timeline frames, upcoming, provenance."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest

from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.frames import (
    BROWSE_COLUMNS,
    alias_target,
    aliases_of,
    badges,
    browse_frame,
    cost_chart_frame,
    cost_frame,
    counts,
    detail_link,
    events_frame,
    lifecycle_status,
    parse_model_ref,
    provenance_rows,
    recommended_at_risk,
    runs_frame,
    timeline_frame,
    upcoming,
    upcoming_frame,
)
from registry_core.records import ModelRecord

TODAY = date(2025, 1, 1)
SEEN = datetime(2024, 12, 31, tzinfo=UTC)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (ModelRecord("o", "m"), []),
        (ModelRecord("o", "m", available=False, last_verified=SEEN), ["unavailable"]),
        (ModelRecord("o", "m", available=True, last_verified=SEEN), []),
        (ModelRecord("o", "m", status="deprecated"), ["deprecated"]),
        (ModelRecord("o", "m", deprecation_date=date(2024, 12, 1)), ["deprecated"]),
        (ModelRecord("o", "m", deprecation_date=date(2025, 2, 1)), []),
        (ModelRecord("o", "m", retirement_date=date(2025, 3, 1)), ["retiring soon"]),
        # the shutdown day itself: calls stop working, so it is retired (lifecycle.py)
        (ModelRecord("o", "m", retirement_date=date(2025, 1, 1)), ["retired"]),
        (ModelRecord("o", "m", retirement_date=date(2025, 1, 2)), ["retiring soon"]),
        (ModelRecord("o", "m", retirement_date=date(2025, 4, 1)), ["retiring soon"]),  # day 90
        (ModelRecord("o", "m", retirement_date=date(2025, 4, 2)), []),  # day 91
        (ModelRecord("o", "m", retirement_date=date(2025, 6, 1)), []),
        (ModelRecord("o", "m", retirement_date=date(2024, 6, 1)), ["retired"]),
        (
            ModelRecord(
                "o",
                "m",
                status="deprecated",
                retirement_date=date(2025, 2, 1),
                last_verified=SEEN,
            ),
            ["deprecated", "retiring soon", "unavailable"],
        ),
    ],
)
def test_badges(record: ModelRecord, expected: list[str]) -> None:
    assert badges(record, TODAY) == expected


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("openai/gpt-4o", ("openai", "gpt-4o")),
        ("OpenAI/gpt-4o", ("openai", "gpt-4o")),
        ("openrouter/meta-llama/llama-3", ("openrouter", "meta-llama/llama-3")),
        ("gpt-4o", None),
        ("/gpt-4o", None),
        ("openai/", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_model_ref(ref: str | None, expected: tuple[str, str] | None) -> None:
    assert parse_model_ref(ref) == expected


def test_detail_link_quotes_the_model() -> None:
    assert detail_link(ModelRecord("openrouter", "a/b c")) == "model?model=openrouter/a/b%20c"


def test_browse_frame_types_and_order() -> None:
    recs = [
        ModelRecord(
            "openai",
            "gpt-4o",
            model_name="GPT-4o",
            cost_per_1k=0.0025,
            max_tokens=128_000,
            features=("chat", "vision"),
            release_date=date(2024, 5, 13),
            available=True,
            last_verified=SEEN,
        ),
        ModelRecord("anthropic", "claude", status="deprecated"),
    ]
    frame = browse_frame(recs, TODAY)
    assert list(frame.columns) == list(BROWSE_COLUMNS)
    assert list(frame["Model"]) == ["gpt-4o", "claude"]
    assert list(frame["Provider"]) == ["OpenAI", "Anthropic"]
    assert frame["Input $/1M"][0] == pytest.approx(2.5)
    assert pd.isna(frame["Input $/1M"][1])
    assert frame["Context"][0] == 128_000
    assert pd.isna(frame["Context"][1])
    assert frame["Release"][0] == pd.Timestamp("2024-05-13")
    assert frame["Available"].tolist() == [True, False]
    assert frame["Badges"][1] == ["deprecated"]
    assert frame["Features"][0] == ["chat", "vision"]
    assert frame["Detail"][0] == "model?model=openai/gpt-4o"


def test_browse_frame_empty() -> None:
    frame = browse_frame([], TODAY)
    assert list(frame.columns) == list(BROWSE_COLUMNS)
    assert len(frame) == 0


def test_counts() -> None:
    recs = [
        ModelRecord("a", "1", available=True),
        ModelRecord("a", "2", status="deprecated", retirement_date=date(2025, 1, 10)),
        ModelRecord("b", "3", last_verified=SEEN),
    ]
    c = counts(recs, TODAY)
    assert (c.models, c.providers, c.available, c.deprecated, c.retiring_soon, c.unavailable) == (
        3,
        2,
        1,
        1,
        1,
        1,
    )


def test_cost_frame_and_chart() -> None:
    recs = [
        ModelRecord("openai", "cheap", cost_per_1k=0.00015, output_cost_per_1k=0.0006),
        ModelRecord("openai", "dear", cost_per_1k=0.015, output_cost_per_1k=0.06),
        ModelRecord("openai", "input-only", cost_per_1k=0.0001),
        ModelRecord("openai", "unpriced"),
    ]
    frame = cost_frame(recs)
    assert list(frame["Model"]) == ["cheap", "dear", "input-only"]
    assert frame["Input $/1M"][0] == pytest.approx(0.15)
    assert frame["Output $/1M"][1] == pytest.approx(60.0)
    chart = cost_chart_frame(recs, limit=2)
    assert list(chart["Model"]) == ["openai/dear", "openai/dear", "openai/cheap", "openai/cheap"]
    assert list(chart["Kind"]) == ["input", "output", "input", "output"]


def test_timeline_frame_phases() -> None:
    recs = [
        ModelRecord(
            "openai",
            "old",
            release_date=date(2023, 1, 1),
            deprecation_date=date(2024, 6, 1),
            retirement_date=date(2025, 2, 1),
            successor_model="new",
        ),
        ModelRecord("openai", "only-retire", retirement_date=date(2025, 5, 1)),
        ModelRecord("openai", "undated", release_date=date(2024, 1, 1)),
        ModelRecord("openai", "dep-no-end", deprecation_date=date(2024, 12, 1)),
    ]
    frame = timeline_frame(recs, TODAY)
    got = [(m, p) for m, p in zip(frame["Model"], frame["Phase"], strict=True)]
    assert got == [
        ("openai/old", "in service"),
        ("openai/old", "deprecated"),
        ("openai/only-retire", "retirement"),
        ("openai/dep-no-end", "deprecated"),
    ]
    old = frame[frame["Model"] == "openai/old"]
    assert old["End"].tolist() == [pd.Timestamp("2024-06-01"), pd.Timestamp("2025-02-01")]
    assert set(old["Status"]) == {"retiring soon"}
    assert frame[frame["Model"] == "openai/dep-no-end"]["End"].tolist() == [pd.Timestamp(TODAY)]


def test_lifecycle_status() -> None:
    assert lifecycle_status(ModelRecord("o", "m", status="beta"), TODAY) == "beta"
    assert lifecycle_status(ModelRecord("o", "m"), TODAY) == "active"
    assert (
        lifecycle_status(ModelRecord("o", "m", retirement_date=date(2024, 1, 1)), TODAY)
        == "retired"
    )


@pytest.mark.parametrize(
    ("days", "expected"),
    [(30, ["soon"]), (60, ["soon", "later"]), (90, ["soon", "later", "dep"])],
)
def test_upcoming(days: int, expected: list[str]) -> None:
    recs = [
        ModelRecord("o", "later", retirement_date=date(2025, 2, 20)),
        ModelRecord("o", "soon", retirement_date=date(2025, 1, 15)),
        ModelRecord("o", "dep", deprecation_date=date(2025, 3, 20)),
        ModelRecord("o", "past", retirement_date=date(2024, 12, 1)),
        ModelRecord("o", "none"),
    ]
    hits = upcoming(recs, TODAY, days)
    assert [r.model_id for r in hits] == expected
    frame = upcoming_frame(hits, TODAY)
    assert frame["Days left"].tolist()[0] == 14


def test_recommended_at_risk() -> None:
    recs = [
        # a listing has looked at provider "o" ("gone" is verified), so a row it did not
        # list is unavailable everywhere (check says so too); "fine" was listed
        ModelRecord("o", "fine", recommended=True, available=True, last_verified=SEEN),
        ModelRecord(
            "o", "risky", recommended=True, retirement_date=date(2025, 2, 1), successor_model="x"
        ),
        ModelRecord("o", "gone", recommended=True, last_verified=SEEN),
        ModelRecord("o", "not-rec", retirement_date=date(2025, 2, 1)),
    ]
    assert [r.model_id for r in recommended_at_risk(recs, TODAY)] == ["risky", "gone"]


def test_provenance_rows() -> None:
    rec = ModelRecord(
        "openai",
        "gpt-4o",
        cost_per_1k=0.0025,
        max_tokens=128_000,
        status="active",
        features=("chat", "vision"),
        source="provider+catalog",
        metadata={"provenance": {"Cost per 1K tokens": "catalog", "Max Tokens": "provider"}},
    )
    rows = {row["Field"]: (row["Value"], row["From"]) for row in provenance_rows(rec)}
    assert rows["Cost per 1K tokens"] == ("0.0025", "catalog")
    assert rows["Max Tokens"] == ("128,000", "provider")
    assert rows["Status"] == ("active", "manual")
    assert rows["Features"] == ("chat, vision", "provider+catalog")
    assert rows["Available"] == ("no", "provider+catalog")
    assert "Metadata" not in rows
    assert "Notes" not in rows  # empty fields are left out


def test_aliases() -> None:
    pinned = ModelRecord("anthropic", "claude-3-5-sonnet-20241022")
    alias = ModelRecord("anthropic", "claude-3-5-sonnet-latest", alias_of=pinned.model_id)
    other = ModelRecord("openai", "x", alias_of=pinned.model_id)
    recs = [pinned, alias, other]
    assert alias_target(alias, recs) == pinned
    assert alias_target(pinned, recs) is None
    assert aliases_of(pinned, recs) == ["claude-3-5-sonnet-latest"]


def test_events_and_runs_frames_newest_first() -> None:
    events = [
        HistoryEvent("k1", "openai", "a", "added", datetime(2025, 1, 1, tzinfo=UTC)),
        HistoryEvent(
            "k2",
            "openai",
            "a",
            "edited",
            datetime(2025, 1, 2, tzinfo=UTC),
            actor="ana@example.com",
            detail={"field": "Status", "old": "active", "new": "deprecated"},
        ),
    ]
    events.append(
        HistoryEvent(
            "k3",
            "openai",
            "a",
            "edited",
            datetime(2025, 1, 3, tzinfo=UTC),
            actor="bo",
            detail={"changes": {"Notes": [None, "hi"], "Regions": [["us"], ["us", "eu"]]}},
        )
    )
    frame = events_frame(events)
    assert frame["Detail"][0] == "Notes: (empty) → hi; Regions: us → us, eu"
    frame = frame.iloc[1:].reset_index(drop=True)
    assert frame["Event"].tolist() == ["edited", "added"]
    assert frame["By"][0] == "ana@example.com"
    assert frame["Detail"][0] == "Status: active → deprecated"
    runs = [
        DiscoveryRun("r1", "openai", "user", datetime(2025, 1, 1, tzinfo=UTC), added=2),
        DiscoveryRun("r2", "openai", "schedule", datetime(2025, 1, 3, tzinfo=UTC)),
    ]
    assert runs_frame(runs)["Trigger"].tolist() == ["schedule", "user"]
    assert len(events_frame([])) == 0 and len(runs_frame([])) == 0


def test_event_details_read_as_text_never_python_values() -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)

    def detail(**values: object) -> str:
        event = HistoryEvent("k", "openai", "a", "edited", at, detail=dict(values))
        return str(events_frame([event])["Detail"][0])

    # an added public model has scope None: nothing to say, not "scope=None"
    assert detail(scope=None) == ""
    assert detail(scope="openai/acme") == "Scope: openai/acme"
    # a field change and the edit summary show an empty side the same way
    assert detail(field="Deprecation Date", old=None, new="2026-09-26") == (
        "Deprecation Date: (empty) → 2026-09-26"
    )
    assert detail(changes={"Deprecation Date": [None, "2026-09-26"]}) == (
        "Deprecation Date: (empty) → 2026-09-26"
    )
    assert detail(field="Notes", old="hi", new="") == "Notes: hi → (empty)"
    assert detail(old="active", new="deprecated") == "active → deprecated"
    assert detail(unavailable_since="2025-01-01", listings=2) == (
        "Unavailable since: 2025-01-01; Listings: 2"
    )
    assert detail(previously=None, catalog_model="gpt-4o") == "Catalog model: gpt-4o"
    assert "None" not in detail(field="Cost", old=None, new=None, scope=None)


def test_times_in_provenance_read_like_the_rest_of_the_dashboard() -> None:
    record = ModelRecord(
        "openai", "a", last_verified=datetime(2026, 11, 25, 20, 41, 7, 123456, tzinfo=UTC)
    )
    shown = {row["Field"]: row["Value"] for row in provenance_rows(record)}
    assert shown["Last Verified"] == "2026-11-25 20:41 UTC"


def test_chart_frames_name_the_provider_for_tooltips() -> None:
    recs = [
        ModelRecord("anthropic", "claude-3-5-sonnet-latest", cost_per_1k=0.003),
        ModelRecord("anthropic", "claude-3-5-sonnet-20241022", cost_per_1k=0.003),
    ]
    chart = cost_chart_frame(recs)
    assert chart["Model"].nunique() == 2 and set(chart["Provider"]) == {"Anthropic"}
    dated = [ModelRecord("openai", "a", retirement_date=TODAY + timedelta(days=5))]
    assert set(timeline_frame(dated, TODAY)["Provider"]) == {"OpenAI"}
