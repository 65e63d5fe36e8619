"""One cell/time module and one row codec per table, shared by every store.

Old code: six ISO-with-Z parsers, five "is empty" rules, two ``human_age`` (one printed
"1 days"), SQLite decoding runs with ``DiscoveryRun(**raw)`` (one unexpected or broken row
raised for the whole list) while Airtable decoded them tolerantly.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from registry_core import cells, codecs
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.stores import airtable_cells as C
from registry_core.stores.sqlite import SQLiteStore

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T12:00:00.000Z", T0),
        ("2026-03-01T12:00:00Z", T0),
        ("2026-03-01T14:00:00+02:00", T0),
        ("2026-03-01T12:00:00", T0),  # no offset: UTC
        (" 2026-03-01T12:00:00Z ", T0),
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_parse_instant(text: Any, expected: datetime | None) -> None:
    assert cells.parse_instant(text) == expected


def test_parse_iso_keeps_the_offset() -> None:
    moment = cells.parse_iso("2026-01-01T23:00:00-05:00")
    assert moment is not None and moment.tzinfo == timezone(timedelta(hours=-5))
    assert moment.date() == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("value", "empty", "airtable_omits"),
    [
        (None, True, True),
        ("", True, True),
        ((), True, True),
        ([], True, True),
        (False, False, True),
        (0, False, False),
        (0.0, False, False),
        ("x", False, False),
        (["x"], False, False),
    ],
)
def test_one_empty_rule(value: Any, empty: bool, airtable_omits: bool) -> None:
    assert cells.is_empty(value) is empty
    assert cells.is_empty_cell(value) is airtable_omits


@pytest.mark.parametrize(
    ("seconds", "span", "caption"),
    [
        (None, "unknown age", "not verified yet"),
        (5, "5 s", "just now"),
        (75, "75 s", "75 s old"),
        (600, "10 min", "10 min old"),
        (80 * 60, "80 min", "80 min old"),
        (7200, "2 h", "2 h old"),
        (30 * 3600, "30 h", "30 h old"),
        (40 * 3600, "1 day", "1 day old"),  # the old resolver printed "1 days"
        (3 * 86400, "3 days", "3 days old"),
    ],
)
def test_one_human_age(seconds: float | None, span: str, caption: str) -> None:
    assert cells.human_age(seconds) == span
    assert cells.data_age(seconds) == caption


def test_cell_is_json_comparable() -> None:
    assert cells.cell(T0) == "2026-03-01T12:00:00.000Z"
    assert cells.cell(date(2026, 3, 1)) == "2026-03-01"
    assert cells.cell(("a", "b")) == ["a", "b"]
    assert cells.cell({"k": 1}) == {"k": 1}


RUN = DiscoveryRun(
    "run-1",
    "openai",
    "user",
    T0,
    duration_s=1.25,
    models_seen=3,
    added=1,
    outcome="suspect",
    error_class="malformed",
    message="  kept as written  ",
    credential="openai/default",
)
EVENT = HistoryEvent(
    "key-1",
    "openai",
    "gpt-4o",
    "cost_changed",
    T0,
    run_id="run-1",
    source="discovery",
    detail={"old": 0.005, "new": 0.0025, "note": "prix réduit"},
)


def test_run_and_event_round_trip_through_the_codecs() -> None:
    assert codecs.run_from_json(json.loads(json.dumps(codecs.run_to_json(RUN)))) == RUN
    assert codecs.event_from_row(codecs.event_to_row(EVENT)) == EVENT
    bare = HistoryEvent("k", "openai", "m", "added", T0)
    assert codecs.event_to_row(bare)["detail"] is None
    assert codecs.event_from_row(codecs.event_to_row(bare)) == bare


@pytest.mark.parametrize(
    "row",
    [
        {"provider_id": "openai", "started_at": "2026-03-01T12:00:00Z"},  # no id
        {"run_id": "r", "provider_id": "openai", "started_at": "not a time"},
        {"run_id": "r", "provider_id": "", "started_at": "2026-03-01T12:00:00Z"},
    ],
)
def test_a_run_row_with_a_broken_required_cell_is_skipped(row: dict[str, Any]) -> None:
    assert codecs.run_from_json(row) is None


def test_optional_run_cells_read_tolerantly() -> None:
    run = codecs.run_from_json(
        {
            "run_id": "r",
            "provider_id": "openai",
            "started_at": "2026-03-01T12:00:00Z",
            "models_seen": "12",
            "added": "many",
            "duration_s": True,
            "future_column": "written by a newer version",
        }
    )
    assert run is not None
    assert (run.models_seen, run.added, run.duration_s, run.trigger, run.outcome) == (
        12,
        0,
        0.0,
        "user",
        "ok",
    )


def test_both_stores_decode_the_same_row_the_same_way(tmp_path: Path) -> None:
    """SQLite and Airtable share the codec: the same run and event come back from both."""
    store = SQLiteStore(tmp_path / "r.db")
    store.record_run(RUN)
    store.append_events([EVENT])
    assert store.list_runs() == [RUN]
    assert store.list_events() == [EVENT]
    fields = {k: v for k, v in C.run_to_fields(RUN).items() if v is not None}
    assert C.fields_to_run("rec1", fields) == RUN
    cells_ = {k: v for k, v in C.event_to_fields(EVENT).items() if v is not None}
    assert C.fields_to_event("rec1", cells_) == EVENT


def test_sqlite_skips_a_broken_run_row_and_keeps_the_good_ones(tmp_path: Path) -> None:
    """The old ``DiscoveryRun(**raw)`` raised on any row it did not expect, hiding every run."""
    path = tmp_path / "r.db"
    store = SQLiteStore(path)
    store.record_run(RUN)
    newer = {**codecs.run_to_json(RUN), "run_id": "run-2", "future_column": 1}
    broken = {**codecs.run_to_json(RUN), "run_id": "run-3", "started_at": "not a time"}
    conn = sqlite3.connect(path)
    with conn:
        for raw in (newer, broken):
            conn.execute(
                "INSERT INTO discovery_runs (run_id, provider_id, started_at, data) "
                "VALUES (?, ?, ?, ?)",
                (raw["run_id"], "openai", "2026-03-01T12:00:00.000Z", json.dumps(raw)),
            )
        conn.execute(
            "INSERT INTO discovery_runs (run_id, provider_id, started_at, data) "
            "VALUES ('run-4', 'openai', '2026-03-01T12:00:00.000Z', 'not json')"
        )
    conn.close()
    assert sorted(r.run_id for r in store.list_runs()) == ["run-1", "run-2"]
