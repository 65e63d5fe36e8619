"""The fault matrix's counters bite: each one counts the defect it names, on hand-made store
states and on a real refresh through a store that lies (a matrix of zeros proves nothing if
its counters cannot see a loss)."""

from __future__ import annotations

from typing import Any

from registry_core.config import Settings
from registry_core.plan import PlanOutcome, WritePlan
from registry_core.records import ModelRecord
from registry_core.refresh import refresh
from registry_core.resolution import RunReport
from registry_core.service import ModelRegistryService
from registry_core.stores.base import RegistryStore
from registry_core.stores.sqlite import SQLiteStore

from .conftest import PROVIDERS, fast_discover
from .matrix import (
    Event,
    StoreState,
    duplicate_events,
    false_saves,
    measure,
    orphan_events,
    overwritten,
    read_sqlite,
    rows_lost,
    same_cell,
)

ROW = {"Provider ID": "openai", "Model ID": "a", "Available": True, "Status": "active"}


def event(kind: str, seq: int, key: str | None = None, **detail: Any) -> Event:
    at = f"2025-01-01T00:00:0{seq}.000Z"
    return Event(key or f"k{seq}", "openai", "a", kind, at, detail, seq)


def state(*events: Event, **cells: Any) -> StoreState:
    return StoreState({("openai", "a"): {**ROW, **cells}}, events, frozenset({"run-1"}))


def test_rows_lost_and_overwritten_values_are_counted() -> None:
    before = state(Notes="typed")
    gone = StoreState({}, (), frozenset())
    assert rows_lost(before, gone) == [("openai", "a")]
    assert rows_lost(before, before) == []
    edits = {("openai", "a"): {"Notes": "typed", "Max Tokens": 9000}}
    assert overwritten(edits, state(Notes="typed", **{"Max Tokens": 9000.0})) == []
    assert overwritten(edits, state(Notes="typed", **{"Max Tokens": 8192})) == [
        "openai/a: Max Tokens"
    ]
    assert len(overwritten(edits, gone)) == 2


def test_duplicates_by_key_and_by_change() -> None:
    added = event("added", 1)
    assert duplicate_events(state(added, event("added", 2))) != []  # same change, two keys
    assert duplicate_events(state(added, event("edited", 2, key="k1"))) != []  # one key twice
    one_way = event("status_changed", 2, old="active", new="deprecated")
    back = event("status_changed", 3, old="deprecated", new="active")
    assert duplicate_events(state(added, one_way, back)) == []


def test_events_need_their_row_holding_the_newest_value() -> None:
    status = event("status_changed", 2, old="active", new="deprecated")
    assert orphan_events(state(event("added", 1), status, Status="deprecated")) == []
    assert orphan_events(state(event("added", 1), status)) != []  # the row kept "active"
    edit = event("edited", 3, changes={"Status": ["deprecated", "beta"]})
    assert orphan_events(state(status, edit, Status="beta")) == []  # the newest event wins
    unavailable = event("unavailable", 2)
    assert orphan_events(state(event("added", 1), unavailable)) != []  # still Available
    assert orphan_events(StoreState({}, (event("added", 1),), frozenset())) != []


def test_a_report_claiming_rows_the_store_lacks_is_counted() -> None:
    record = ModelRecord("openai", "a", status="active", available=True)
    claims = RunReport("openai", "openai/default", "ok", None, records=(record,), saved=True)
    assert false_saves([claims], state()) == []
    assert false_saves([claims], state(Status="beta")) != []
    assert false_saves([claims], StoreState({}, (), frozenset())) != []
    unsaved = RunReport("openai", "openai/default", "ok", None, records=(record,))
    assert false_saves([unsaved], StoreState({}, (), frozenset())) == []


def test_cells_compare_as_cells() -> None:
    assert same_cell(None, False) and same_cell([], None) and same_cell(5, 5.0)
    assert same_cell("2025-01-01T00:00:00Z", "2025-01-01T00:00:00.000Z")
    assert same_cell(["b", "a"], ["a", "b"])
    assert not same_cell(0, None) and not same_cell("x", "y") and not same_cell(True, 1.5)


class LyingStore:
    """SQLite that logs the events and the run of a plan, says its rows are saved, and drops
    them (the defect of issue 11 item 5, rebuilt on purpose)."""

    def __init__(self, inner: RegistryStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def apply_plan(self, plan: WritePlan) -> PlanOutcome:
        written = self._inner.append_events([*plan.replay, *plan.events])
        if plan.run is not None:
            self._inner.record_run(plan.run)
        return PlanOutcome(saved_rows=len(plan.rows), events_written=written)


def test_the_counters_catch_a_store_that_drops_rows_and_keeps_their_history(
    settings: Settings,
) -> None:
    inner = SQLiteStore(settings.db_path)
    try:
        service = ModelRegistryService.from_settings(
            settings, store=LyingStore(inner), discover=fast_discover()
        )
        before = read_sqlite(settings.db_path)
        reports = refresh(service, PROVIDERS)
        after = read_sqlite(settings.db_path)
        step = measure("lying store", before, after, {}, reports)
    finally:
        inner.close()
    counts = step.counts
    assert counts.orphan_events > 0 and counts.false_saves == len(PROVIDERS), step.found
