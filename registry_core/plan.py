"""The write plan: what a merge or an edit asks a store to write, and what it must still find there.

Pure (no I/O, no clock). A :class:`WritePlan` names, per row, only the columns to set and the
values those columns held when the writer read them (``expect``). A store applies a plan with
:meth:`~registry_core.stores.base.RegistryStore.apply_plan`, resolving each row against the row
as it is *now* with :func:`resolve_row`:

- a column that still holds the expected value is written;
- a column that already holds the new value needs no write (a retry, or another host did it);
- any other column is a **conflict**: someone changed it since the read. It is not written, it
  is reported (:attr:`PlanOutcome.conflicts`) and the next refresh merges again from the new
  value. A conflict is never an error, and so a person's edit is never reverted, whichever of
  the two writes lands first.

Metadata (a JSON object in one cell) is compared and merged key by key, and its ``provenance``
and ``filled`` objects entry by entry, so discovery's ``grace`` or ``provenance`` keys never
wipe a person's. A column and its ``provenance`` / ``filled`` entries stand or fall together.

History events are written only for rows (and columns) that were saved. A store that cannot
write rows and events in one transaction (Airtable) keeps each saved row's new events in its
Metadata ``journal`` until they are known to be in the history: a crash between the two writes
leaves them there, the next merge replays them (:attr:`WritePlan.replay`; events are idempotent
by key), and the row's next write drops them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from registry_core.cells import format_datetime, is_empty_cell
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.records import (
    AVAILABLE,
    FIELD_NAMES,
    METADATA,
    MODEL_ID,
    PROVIDER_ID,
    RECOMMENDED,
    STATUS,
    ModelRecord,
)

#: Metadata keys whose values are objects merged entry by entry (entry name = a column name).
NESTED_META: frozenset[str] = frozenset({"provenance", "filled"})
#: The Metadata key holding a row's events not yet known to be in the history (store-managed).
JOURNAL = "journal"
#: A journal never holds more than this many events (the newest are kept).
JOURNAL_MAX = 50


@dataclass(frozen=True, slots=True)
class RowWrite:
    """One row's part of a plan: the columns to set, and what they must still hold."""

    provider_id: str
    model_id: str
    set: Mapping[str, Any]  # column name -> cell value to write (only these columns)
    expect: Mapping[str, Any]  # column -> the cell value it must still hold (what was read)
    create: bool = False  # the row must not exist yet

    @property
    def key(self) -> tuple[str, str]:
        return (self.provider_id, self.model_id)


@dataclass(frozen=True, slots=True)
class WritePlan:
    """Rows to write, then the events of the rows that were saved, then the run."""

    rows: tuple[RowWrite, ...] = ()
    events: tuple[HistoryEvent, ...] = ()  # each names the (provider, model) row it belongs to
    run: DiscoveryRun | None = None
    #: events of rows saved earlier (from their journals): appended before anything is written
    replay: tuple[HistoryEvent, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.rows or self.events or self.replay or self.run)


@dataclass(slots=True)
class PlanOutcome:
    """What :meth:`apply_plan` did."""

    saved_rows: int = 0  # rows written, or already holding what the plan asked
    created: int = 0
    updated: int = 0
    conflicts: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    events_written: int = 0
    requests: int = 0
    unchanged: int = 0  # rows that needed no write (already as asked)
    version: str | None = None  # the version marker after the bump (None: not bumped)

    @property
    def conflicted_fields(self) -> int:
        return sum(len(columns) for _, _, columns in self.conflicts)

    def tally(self, row: RowWrite, resolved: RowResolution) -> bool:
        """Count one resolved row (conflicts, saved, unchanged); whether it has columns to write.

        The same bookkeeping for every store's :meth:`apply_plan`; a saved row's events are the
        caller's to keep (``resolved.events``), whether or not it needs a write.
        """
        if resolved.conflicts:
            self.conflicts.append((*row.key, resolved.conflicts))
        if not resolved.saved:
            return False
        self.saved_rows += 1
        if not resolved.write:
            self.unchanged += 1
            return False
        return True


@dataclass(frozen=True, slots=True)
class RowResolution:
    """:func:`resolve_row`'s answer for one row."""

    write: dict[str, Any]  # column -> cell to write (Metadata: the whole merged object)
    conflicts: tuple[str, ...]
    saved: bool  # the row holds (part of) what was asked after the write
    events: tuple[HistoryEvent, ...]  # the row's events that may be appended
    create: bool = False


# --- building plans --------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def row_cells(record: ModelRecord) -> dict[str, Any]:
    """Column -> comparable cell value, Metadata aside (dates as ISO text, tuples as lists)."""
    return {
        name: _cell(getattr(record, attr)) for attr, name in FIELD_NAMES.items() if name != METADATA
    }


def _meta_of(record: ModelRecord | None) -> dict[str, Any]:
    return dict(record.meta) if record is not None else {}


def _sub(meta: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = meta.get(key)
    return dict(value) if isinstance(value, dict) else {}


def meta_diff(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(set, expect) for Metadata: changed top-level keys, and changed entries of nested ones.

    ``None`` means "absent" (a key to delete, or a key that was not there).
    """
    to_set: dict[str, Any] = {}
    expect: dict[str, Any] = {}
    for key in sorted(set(old) | set(new)):
        if key == JOURNAL:
            continue
        if key in NESTED_META:
            before, after = _sub(old, key), _sub(new, key)
            entries = {
                k: after.get(k) for k in set(before) | set(after) if before.get(k) != after.get(k)
            }
            if entries:
                to_set[key] = entries
                expect[key] = {k: before.get(k) for k in entries}
        elif old.get(key) != new.get(key):
            to_set[key] = new.get(key)
            expect[key] = old.get(key)
    return to_set, expect


def row_write(old: ModelRecord | None, new: ModelRecord) -> RowWrite | None:
    """The write that turns the row read as ``old`` (``None``: absent) into ``new``.

    >>> a = ModelRecord("openai", "gpt-4o", notes="hi")
    >>> w = row_write(a, a.replace(max_tokens=8192))
    >>> dict(w.set), dict(w.expect)
    ({'Max Tokens': 8192}, {'Max Tokens': None})
    >>> row_write(a, a) is None
    True
    """
    if old is None:
        cells = {k: v for k, v in row_cells(new).items() if not is_empty_cell(v)}
        meta = {k: v for k, v in _meta_of(new).items() if k != JOURNAL}
        if meta:
            cells[METADATA] = meta
        return RowWrite(new.provider_id, new.model_id, cells, {}, create=True)
    before, after = row_cells(old), row_cells(new)
    to_set = {k: v for k, v in after.items() if before.get(k) != v}
    expect = {k: before.get(k) for k in to_set}
    meta_set, meta_expect = meta_diff(_meta_of(old), _meta_of(new))
    if meta_set:
        to_set[METADATA] = meta_set
        expect[METADATA] = meta_expect
    if not to_set:
        return None
    return RowWrite(new.provider_id, new.model_id, to_set, expect)


def plan_for(
    pairs: Iterable[tuple[ModelRecord | None, ModelRecord]],
    events: Sequence[HistoryEvent] = (),
    *,
    run: DiscoveryRun | None = None,
    replay: Sequence[HistoryEvent] = (),
) -> WritePlan:
    """A plan from (as read, as wanted) record pairs."""
    rows = tuple(w for w in (row_write(old, new) for old, new in pairs) if w is not None)
    return WritePlan(rows, tuple(events), run, tuple(replay))


# --- which columns an event stands on -------------------------------------------------------


def event_columns(event: HistoryEvent) -> tuple[str, ...]:
    """The columns whose write an event reports; it is written only if they were saved."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.kind in ("added", "unavailable", "available_again"):
        return (AVAILABLE,)
    if event.kind == "status_changed":
        return (STATUS,)
    if event.kind == "recommended_changed":
        return (RECOMMENDED,)
    if event.kind == "edited":
        changes = detail.get("changes")
        return tuple(str(c) for c in changes) if isinstance(changes, dict) else ()
    name = detail.get("field")
    return (name,) if isinstance(name, str) else ()


# --- resolving one row against the row as it is now -------------------------------------------


def _three_way(current: Any, wanted: Any, expected: Any) -> str:
    if current == wanted:
        return "same"
    if current == expected:
        return "write"
    return "conflict"


def resolve_row(
    row: RowWrite,
    current: ModelRecord | None,
    events: Sequence[HistoryEvent] = (),
    *,
    journal: bool = False,
    replayed: Iterable[str] = (),
) -> RowResolution:
    """What to write of ``row`` over the row as it is now (``None``: absent).

    ``events`` are the plan's events of this row; the answer keeps those whose columns were
    saved. With ``journal`` the merged Metadata carries them in its journal (see module doc),
    minus the entries whose keys are in ``replayed`` (already appended).
    """
    if row.create:
        if current is not None:
            now = row_cells(current)
            wanted = {k: v for k, v in row.set.items() if k != METADATA}
            if all(now.get(k) == v for k, v in wanted.items()):
                return RowResolution({}, (), True, tuple(events))
            return RowResolution({}, tuple(sorted(row.set)), False, ())
        cells = {k: copy.deepcopy(v) for k, v in row.set.items() if k != METADATA}
        meta = copy.deepcopy(dict(row.set.get(METADATA) or {}))
        kept = tuple(events)
        if journal and kept:
            meta[JOURNAL] = [journal_entry(e) for e in kept][-JOURNAL_MAX:]
        cells[PROVIDER_ID], cells[MODEL_ID] = row.provider_id, row.model_id
        cells[METADATA] = meta or None
        return RowResolution(cells, (), True, kept, create=True)
    if current is None:
        return RowResolution({}, tuple(sorted(row.set)), False, ())

    now = row_cells(current)
    cur_meta = _meta_of(current)
    write: dict[str, Any] = {}
    conflicted: set[str] = set()  # columns (and nested Metadata entries, by column name)
    meta_conflicts: set[str] = set()
    same: set[str] = set()  # items that already hold what was asked
    for name, value in row.set.items():
        if name == METADATA:
            continue
        verdict = _three_way(now.get(name), value, row.expect.get(name))
        if verdict == "write":
            write[name] = value
        elif verdict == "conflict":
            conflicted.add(name)
        else:
            same.add(name)

    meta_set = row.set.get(METADATA) or {}
    meta_expect = row.expect.get(METADATA) or {}
    top: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    if isinstance(meta_set, Mapping):
        for key, value in meta_set.items():
            if key in NESTED_META and isinstance(value, Mapping):
                before = meta_expect.get(key) if isinstance(meta_expect, Mapping) else None
                before = before if isinstance(before, Mapping) else {}
                have = _sub(cur_meta, key)
                for entry, wanted in value.items():
                    verdict = _three_way(have.get(entry), wanted, before.get(entry))
                    if verdict == "write":
                        nested.setdefault(key, {})[entry] = wanted
                    elif verdict == "conflict":
                        conflicted.add(entry)
                    else:
                        same.add(entry)
            else:
                expected = meta_expect.get(key) if isinstance(meta_expect, Mapping) else None
                verdict = _three_way(cur_meta.get(key), value, expected)
                if verdict == "write":
                    top[key] = value
                elif verdict == "conflict":
                    meta_conflicts.add(key)
                else:
                    same.add(f"{METADATA}.{key}")

    # a column and its provenance / filled entries stand or fall together
    for name in conflicted:
        write.pop(name, None)
    for key in list(nested):
        nested[key] = {k: v for k, v in nested[key].items() if k not in conflicted}
        if not nested[key]:
            del nested[key]

    kept = tuple(e for e in events if not set(event_columns(e)) & conflicted)
    merged = copy.deepcopy(cur_meta)
    for key, value in top.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = copy.deepcopy(value)
    for key, entries in nested.items():
        sub = _sub(merged, key)
        for entry, value in entries.items():
            if value is None:
                sub.pop(entry, None)
            else:
                sub[entry] = copy.deepcopy(value)
        merged[key] = sub
    if journal:
        done = set(replayed)
        old = [e for e in _journal_raw(cur_meta) if e.get("event_key") not in done]
        new_entries = (old + [journal_entry(e) for e in kept])[-JOURNAL_MAX:]
        if new_entries:
            merged[JOURNAL] = new_entries
        else:
            merged.pop(JOURNAL, None)
    if merged != cur_meta:
        write[METADATA] = merged or None
    reported = sorted(conflicted)
    reported += [f"{METADATA}.{k}" for k in sorted(meta_conflicts)]
    saved = bool(write) or bool(same - conflicted)
    return RowResolution(write, tuple(reported), saved, kept)


def apply_cells(cells: Mapping[str, Any], write: Mapping[str, Any]) -> dict[str, Any]:
    """Raw row cells with ``write`` applied (empty values removed, Metadata as JSON text)."""
    import json

    out = dict(cells)
    for name, value in write.items():
        if name == METADATA:
            value = json.dumps(value, sort_keys=True, ensure_ascii=False) if value else None
        if is_empty_cell(value):
            out.pop(name, None)
        else:
            out[name] = value
    return out


# --- the journal ------------------------------------------------------------------------------


def journal_entry(event: HistoryEvent) -> dict[str, Any]:
    return event.to_dict()


def _journal_raw(meta: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = meta.get(JOURNAL)
    return [e for e in raw if isinstance(e, dict)] if isinstance(raw, list) else []


def journal_events(record: ModelRecord) -> list[HistoryEvent]:
    """The events kept in a row's journal (entries people broke are skipped)."""
    out: list[HistoryEvent] = []
    for entry in _journal_raw(record.meta):
        key, kind, at = entry.get("event_key"), entry.get("kind"), entry.get("at")
        if not (isinstance(key, str) and isinstance(kind, str) and isinstance(at, str)):
            continue
        try:
            moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
        except ValueError:
            continue
        detail = entry.get("detail")
        out.append(
            HistoryEvent(
                event_key=key,
                provider_id=record.provider_id,
                model_id=record.model_id,
                kind=kind,
                at=moment,
                run_id=entry.get("run_id") if isinstance(entry.get("run_id"), str) else None,
                source=entry.get("source") if isinstance(entry.get("source"), str) else None,
                actor=entry.get("actor") if isinstance(entry.get("actor"), str) else None,
                detail=detail if isinstance(detail, dict) else {},
            )
        )
    return out


def events_by_row(
    events: Iterable[HistoryEvent],
) -> dict[tuple[str, str], list[HistoryEvent]]:
    out: dict[tuple[str, str], list[HistoryEvent]] = {}
    for event in events:
        out.setdefault((event.provider_id, event.model_id), []).append(event)
    return out
