"""The fault matrix's five counters, computed from what a store holds, never from a report.

:class:`StoreState` is read straight from the store's own data (the SQLite file through
``sqlite3``, the Airtable stand-in's tables through its direct access), not through the
``RegistryStore`` under test, so a store that misreads its own rows cannot hide a loss. The
counters compare two states (before and after one refresh) and the refresh's reports:

- **rows lost**: rows present before that are gone after;
- **people's values overwritten**: a Notes/Status/typed value a person saved that changed;
- **duplicate history events**: the same Event Key twice, or the same change (provider, model,
  kind, what changed) recorded twice under two keys;
- **events without a saved record**: an event whose row is not in the registry, or whose row
  does not hold the value the newest event of that column says it was set to;
- **reported saved but not**: a report with ``saved`` (or ``saved_rows > 0``) whose run is not
  recorded or whose rows are not in the store as the report has them.

:data:`ROWS` collects one line per case; ``tests/faults/conftest.py`` prints the table and the
totals in the terminal summary.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from registry_core.records import (
    AVAILABLE,
    LAST_VERIFIED,
    METADATA,
    RECOMMENDED,
    STATUS,
    is_empty_cell,
)
from registry_core.resolution import RunReport
from registry_core.stores.airtable_schema import (
    EVENT_AT,
    EVENT_DETAIL,
    EVENT_KEY,
    EVENT_KIND,
    EVENT_MODEL_ID,
    EVENT_PROVIDER_ID,
    RUN_ID,
)
from registry_standins.airtable_server import AirtableStandIn

MODELS = "AI Model Registry"
HISTORY = "AI Model History"
RUNS = "AI Model Discovery Runs"

Key = tuple[str, str]


@dataclass(frozen=True)
class Event:
    key: str
    provider_id: str
    model_id: str
    kind: str
    at: str
    detail: Mapping[str, Any]
    seq: int  # storage order (the tie-break between events of one moment)

    @property
    def model(self) -> Key:
        return (self.provider_id, self.model_id)


@dataclass(frozen=True)
class StoreState:
    """Rows (raw cells by column name), history events and run ids, as stored."""

    rows: dict[Key, dict[str, Any]]
    events: tuple[Event, ...]
    runs: frozenset[str]

    def available(self, provider_id: str) -> set[str]:
        return {
            m for (p, m), cells in self.rows.items() if p == provider_id and cells.get(AVAILABLE)
        }


def _detail(raw: Any) -> Mapping[str, Any]:
    if isinstance(raw, Mapping):
        return raw
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {"unreadable": str(raw)}
    return value if isinstance(value, dict) else {"value": value}


def read_sqlite(path: Path) -> StoreState:
    """The SQLite file's tables, opened read-only beside the store under test."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = {
            (p, m): json.loads(cells)
            for p, m, cells in con.execute("SELECT provider_id, model_id, cells FROM models")
        }
        events = tuple(
            Event(key, p, m, kind, at, _detail(detail), seq)
            for seq, key, p, m, kind, at, detail in con.execute(
                "SELECT seq, event_key, provider_id, model_id, kind, at, detail "
                "FROM history_events ORDER BY seq"
            )
        )
        runs = frozenset(r for (r,) in con.execute("SELECT run_id FROM discovery_runs"))
    finally:
        con.close()
    return StoreState(rows, events, runs)


def read_airtable(server: AirtableStandIn, base_id: str) -> StoreState:
    """The stand-in's three tables through its direct access (no HTTP, no faults, no limits)."""
    rows: dict[Key, dict[str, Any]] = {}
    for record in server.records(base_id, MODELS):
        cells = record["fields"]
        key = (str(cells.get("Provider ID", "")), str(cells.get("Model ID", "")))
        # a second row of one key is a duplicate row: keep it, under a key no listing has, so
        # the convergence check sees it
        while key in rows:
            key = (key[0], key[1] + " (duplicate row)")
        rows[key] = dict(cells)
    events = tuple(
        Event(
            str(f.get(EVENT_KEY, "")),
            str(f.get(EVENT_PROVIDER_ID, "")),
            str(f.get(EVENT_MODEL_ID, "")),
            str(f.get(EVENT_KIND, "")),
            str(f.get(EVENT_AT, "")),
            _detail(f.get(EVENT_DETAIL)),
            seq,
        )
        for seq, f in enumerate(r["fields"] for r in server.records(base_id, HISTORY))
    )
    runs = frozenset(str(r["fields"].get(RUN_ID, "")) for r in server.records(base_id, RUNS))
    return StoreState(rows, events, runs)


# --- comparing cells -----------------------------------------------------------------------------


def same_cell(a: Any, b: Any) -> bool:
    """Equal as cells: empty is empty (absent, None, "", [], False), numbers by value, lists
    as sets, and ISO moments by instant."""
    if is_empty_cell(a) or is_empty_cell(b):
        return is_empty_cell(a) and is_empty_cell(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    if isinstance(a, str) and isinstance(b, str) and a != b:
        moment_a, moment_b = _moment(a), _moment(b)
        return moment_a is not None and moment_a == moment_b
    return bool(a == b)


def _moment(text: str) -> datetime | None:
    if "T" not in text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


# --- the counters --------------------------------------------------------------------------------


@dataclass
class Counts:
    rows_lost: int = 0
    overwritten: int = 0
    duplicate_events: int = 0
    orphan_events: int = 0
    false_saves: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def zero(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


def rows_lost(before: StoreState, after: StoreState) -> list[Key]:
    return sorted(set(before.rows) - set(after.rows))


def overwritten(edits: Mapping[Key, Mapping[str, Any]], after: StoreState) -> list[str]:
    """``provider/model: Column`` for every value a person saved that the store no longer holds."""
    out = []
    for key, columns in edits.items():
        cells = after.rows.get(key, {})
        out.extend(
            f"{key[0]}/{key[1]}: {column}"
            for column, value in columns.items()
            if not same_cell(cells.get(column), value)
        )
    return out


def _change(event: Event) -> str:
    """What an event says changed (its identity beside the key): nothing for ``added``."""
    d = event.detail
    if event.kind == "added":
        return ""
    if event.kind == "edited":
        return json.dumps(d.get("changes"), sort_keys=True, default=str)
    if "new" in d or "old" in d:
        return json.dumps([d.get("field"), d.get("old"), d.get("new")], default=str)
    return json.dumps(d, sort_keys=True, default=str)


def duplicate_events(state: StoreState) -> list[str]:
    seen_keys: set[str] = set()
    seen_changes: set[tuple[str, str, str, str]] = set()
    dupes = []
    for event in state.events:
        change = (event.provider_id, event.model_id, event.kind, _change(event))
        if event.key in seen_keys or change in seen_changes:
            dupes.append(f"{event.provider_id}/{event.model_id} {event.kind} {event.key}")
        seen_keys.add(event.key)
        seen_changes.add(change)
    return dupes


def _sets(event: Event) -> dict[str, Any]:
    """Column -> the value the event says that column now holds."""
    d = event.detail
    if event.kind in ("added", "available_again"):
        return {AVAILABLE: True}
    if event.kind == "unavailable":
        return {AVAILABLE: False}
    if event.kind == "edited":
        changes = d.get("changes")
        if not isinstance(changes, Mapping):
            return {}
        return {
            str(c): pair[1]
            for c, pair in changes.items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        }
    if "new" not in d:
        return {}
    column = d.get("field") or {"status_changed": STATUS, "recommended_changed": RECOMMENDED}.get(
        event.kind
    )
    return {str(column): d["new"]} if column else {}


def _order(event: Event) -> tuple[datetime, int]:
    return (_moment(event.at) or datetime.min.replace(tzinfo=None), event.seq)


def orphan_events(state: StoreState) -> list[str]:
    """Events whose row is missing, or whose row does not hold what the newest event set."""
    out = [
        f"{e.provider_id}/{e.model_id} {e.kind}: no such row"
        for e in state.events
        if e.model not in state.rows
    ]
    newest: dict[tuple[Key, str], tuple[Event, Any]] = {}
    for event in sorted((e for e in state.events if e.model in state.rows), key=_order):
        for column, value in _sets(event).items():
            newest[(event.model, column)] = (event, value)
    for (key, column), (event, value) in newest.items():
        held = state.rows[key].get(column)
        if not same_cell(held, value):
            out.append(
                f"{key[0]}/{key[1]} {event.kind}: {column} is {held!r}, event says {value!r}"
            )
    return out


#: Columns a report's record and the stored row may differ in without a false claim: the
#: journal-bearing Metadata, and Last Verified, which a row already as asked keeps.
_UNCOMPARED = frozenset({METADATA, LAST_VERIFIED})


def false_saves(reports: Iterable[RunReport], after: StoreState) -> list[str]:
    """Reports claiming a save whose run or rows the store does not hold as reported."""
    out = []
    for report in reports:
        if not (report.saved or report.saved_rows > 0):
            continue
        problems = []
        if report.run is not None and report.run.run_id not in after.runs:
            problems.append("its run is not recorded")
        conflicted = {(p, m): set(cols) for p, m, cols in report.conflicts}
        for record in report.records:
            cells = after.rows.get(record.key)
            if cells is None:
                problems.append(f"{record.model_id} is not in the store")
                continue
            skip = _UNCOMPARED | conflicted.get(record.key, set())
            wrong = [
                column
                for column, value in record.to_fields().items()
                if column not in skip and not same_cell(cells.get(column), value)
            ]
            if wrong:
                problems.append(f"{record.model_id}: {', '.join(wrong)} not as reported")
        if problems:
            out.append(f"{report.credential}: " + "; ".join(problems[:3]))
    return out


@dataclass
class Step:
    """The counters of one refresh, with what each one found (for the failure message)."""

    name: str
    found: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def counts(self) -> Counts:
        f = self.found
        return Counts(
            len(f.get("rows_lost", [])),
            len(f.get("overwritten", [])),
            len(f.get("duplicate_events", [])),
            len(f.get("orphan_events", [])),
            len(f.get("false_saves", [])),
        )


def measure(
    name: str,
    before: StoreState,
    after: StoreState,
    edits: Mapping[Key, Mapping[str, Any]],
    reports: Sequence[RunReport] = (),
) -> Step:
    """The five counters of one step: ``before`` → ``after`` and the step's reports."""
    return Step(
        name,
        {
            "rows_lost": rows_lost(before, after),
            "overwritten": overwritten(edits, after),
            "duplicate_events": duplicate_events(after),
            "orphan_events": orphan_events(after),
            "false_saves": false_saves(reports, after),
        },
    )


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    fault: str  # whose fault: provider / airtable / process
    case: str
    store: str
    counts: Counts
    converged: bool
    seconds: float


ROWS: list[MatrixRow] = []
#: Where the totals test wrote the table (the terminal summary names it).
WRITTEN: list[Path] = []

_HEADER = (
    "fault",
    "case",
    "store",
    "lost",
    "overwritten",
    "dup events",
    "no record",
    "false saved",
    "converged",
    "s",
)


def table_lines(rows: Sequence[MatrixRow]) -> list[str]:
    body = [
        (
            r.fault,
            r.case,
            r.store,
            str(r.counts.rows_lost),
            str(r.counts.overwritten),
            str(r.counts.duplicate_events),
            str(r.counts.orphan_events),
            str(r.counts.false_saves),
            "yes" if r.converged else "NO",
            f"{r.seconds:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in [_HEADER, *body]) for i in range(len(_HEADER))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in [_HEADER, *body]
    ]


def totals(rows: Sequence[MatrixRow]) -> Counts:
    total = Counts()
    for row in rows:
        total = total + row.counts
    return total


def total_line(rows: Sequence[MatrixRow]) -> str:
    t = totals(rows)
    line = (
        f"fault matrix: {len(rows)} cases · rows lost {t.rows_lost} · people's values "
        f"overwritten {t.overwritten} · duplicate history events {t.duplicate_events} · events "
        f"without a saved record {t.orphan_events} · reported saved but not {t.false_saves}"
    )
    stuck = sum(1 for r in rows if not r.converged)
    return line + (f" · NOT converged {stuck}" if stuck else "")
