"""Pure helpers of the Airtable store: cells <-> events and runs, diffing, formulas, typecast.

No I/O here: everything is a function of its arguments, tested with tables of cases.
Model rows are never parsed here: they go through :func:`registry_core.records.parse_row`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pyairtable import formulas as F

from registry_core import records as R
from registry_core.cells import as_utc, is_empty_cell
from registry_core.codecs import event_from_row, event_to_row, run_from_json, run_to_json
from registry_core.errors import RegistryError
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.records import ModelRecord
from registry_core.stores import airtable_schema as S
from registry_core.stores.airtable_lease import not_a_lease

#: Keys an event-existence lookup puts in one formula (~40 characters each; far below the
#: 16,000-character URL limit, and pyairtable switches to POST /listRecords past it anyway).
KEYS_PER_LOOKUP = 100


class InvalidRecordError(RegistryError, ValueError):
    """A record carries a value Airtable must not be given (e.g. an unknown Status option)."""

    error_class = "invalid_record"


# --- model rows ------------------------------------------------------------------------------


def comparable(record: ModelRecord) -> dict[str, Any]:
    """The cells of a record as Airtable keeps them: empty and false cells left out.

    Two records are the same row exactly when these are equal ("absent" and "false/empty"
    are one state in Airtable).
    """
    return record.to_fields(omit_empty=True)


def has_changed(known: ModelRecord | None, new: ModelRecord) -> bool:
    """Whether writing ``new`` over the row last read as ``known`` would change anything.

    >>> a = ModelRecord("openai", "gpt-4o", available=False, features=())
    >>> has_changed(a, ModelRecord("openai", "gpt-4o"))
    False
    >>> has_changed(a, a.replace(notes="hi"))
    True
    """
    return known is None or comparable(known) != comparable(new)


def cells_for_write(record: ModelRecord) -> dict[str, Any]:
    """Every cell of ``record`` for a write; empty cells are sent as explicit clears (``null``).

    Checkboxes are sent as ``false`` (Airtable's own "empty" for them), multiple selects as
    ``[]``; text, numbers and dates as ``None``.
    """
    out: dict[str, Any] = {}
    for name, value in record.to_fields().items():
        if name in (R.AVAILABLE, R.RECOMMENDED):
            out[name] = bool(value)
        elif name in (R.FEATURES, R.REGIONS):
            out[name] = list(value or [])
        else:
            out[name] = None if is_empty_cell(value) else value
    return out


def cells_to_write(
    new: ModelRecord, current: ModelRecord | None, seen: ModelRecord | None = None
) -> dict[str, Any]:
    """The cells a write of ``new`` sends: only the columns it changes, never a stray clear.

    ``current`` is the row as last read (``None``: not known to exist, so the write may create
    it; only non-empty cells are sent, because a clear on a row another client just created
    would wipe that client's cells). ``seen`` is the row as the caller saw it when the store
    has read it again since; a column the caller left as it saw it is not written, so a value a
    person typed in the meantime stays. An empty cell is sent as an explicit clear only when it
    is a change.

    >>> old = ModelRecord("openai", "gpt-4o", status="active", notes="typed by a person")
    >>> cells_to_write(old.replace(status="deprecated"), old)
    {'Status': 'deprecated'}
    >>> cells_to_write(old.replace(notes=None), old)
    {'Notes': None}
    >>> sorted(cells_to_write(ModelRecord("openai", "o3"), None))
    ['Model ID', 'Provider ID']
    """
    cells = cells_for_write(new)
    after = comparable(new)
    if current is None:
        return {name: cells[name] for name in after}
    before = comparable(current)
    saw = comparable(seen) if seen is not None else before
    return {
        name: value
        for name, value in cells.items()
        if after.get(name) != before.get(name) and after.get(name) != saw.get(name)
    }


def check_options(record: ModelRecord) -> None:
    """Refuse a Status or Discovery Method that is not one of the seed's options.

    Those two are never typecast, so Airtable would refuse the whole batch; better to name the
    record here.
    """
    if record.status is not None and record.status not in R.STATUS_OPTIONS:
        raise InvalidRecordError(
            f"{record.provider_id}/{record.model_id}: Status {record.status!r} is not one of "
            f"{', '.join(R.STATUS_OPTIONS)}"
        )
    if record.discovery_method is not None and (
        record.discovery_method not in R.DISCOVERY_METHOD_OPTIONS
    ):
        raise InvalidRecordError(
            f"{record.provider_id}/{record.model_id}: Discovery Method "
            f"{record.discovery_method!r} is not one of {', '.join(R.DISCOVERY_METHOD_OPTIONS)}"
        )


def needs_typecast(records: Iterable[ModelRecord]) -> bool:
    """Whether a batch carries Features/Regions options the seed does not define.

    Only then is the batch written with ``typecast`` (which makes Airtable create the option).
    Status and Discovery Method were checked by :func:`check_options` first, so typecast cannot
    invent options for them.
    """
    for record in records:
        if any(f not in R.FEATURE_OPTIONS for f in record.features):
            return True
        if any(r not in R.REGION_OPTIONS for r in record.regions):
            return True
    return False


# --- formulas (always through pyairtable.formulas: ids may hold quotes, braces, backslashes) --


def provider_formula(provider_id: str) -> str:
    """Rows of one provider, whatever case or spaces a person typed the id with.

    >>> provider_formula("o'ai")
    "LOWER(TRIM({Provider ID}))='o\\\\'ai'"
    """
    return str(F.EQ(F.LOWER(F.TRIM(F.Field(R.PROVIDER_ID))), provider_id.strip().lower()))


def event_keys_formula(keys: Sequence[str]) -> str:
    """Rows whose Event Key is one of ``keys``."""
    terms = [F.EQ(F.Field(S.EVENT_KEY), key) for key in keys]
    return str(terms[0] if len(terms) == 1 else F.OR(*terms))


def events_formula(
    provider_id: str | None, model_id: str | None, since: datetime | None
) -> str | None:
    """The filter of :meth:`list_events` (``None`` when nothing is filtered)."""
    terms: list[F.Formula] = []
    if provider_id is not None:
        terms.append(F.EQ(F.Field(S.EVENT_PROVIDER_ID), provider_id))
    if model_id is not None:
        terms.append(F.EQ(F.Field(S.EVENT_MODEL_ID), model_id))
    if since is not None:
        terms.append(F.GTE(F.Field(S.EVENT_AT), as_utc(since)))
    if not terms:
        return None
    return str(terms[0] if len(terms) == 1 else F.AND(*terms))


def runs_formula(provider_id: str | None) -> str:
    """Discovery runs (never the version marker row), of one provider when given."""
    terms: list[F.Formula] = [F.NE(F.Field(S.RUN_ID), S.VERSION_MARKER_RUN_ID)]
    terms.append(not_a_lease())  # refresh lease rows live in the runs table too
    if provider_id is not None:
        terms.append(F.EQ(F.Field(S.RUN_PROVIDER_ID), provider_id))
    return str(terms[0] if len(terms) == 1 else F.AND(*terms))


def version_formula() -> str:
    return str(F.EQ(F.Field(S.RUN_ID), S.VERSION_MARKER_RUN_ID))


#: Airtable's field names for the columns of the shared row codecs (registry_core.codecs).
EVENT_FIELDS: dict[str, str] = {
    "event_key": S.EVENT_KEY,
    "provider_id": S.EVENT_PROVIDER_ID,
    "model_id": S.EVENT_MODEL_ID,
    "kind": S.EVENT_KIND,
    "at": S.EVENT_AT,
    "run_id": S.EVENT_RUN_ID,
    "source": S.EVENT_SOURCE,
    "actor": S.EVENT_ACTOR,
    "detail": S.EVENT_DETAIL,
}
RUN_FIELDS: dict[str, str] = {
    "run_id": S.RUN_ID,
    "provider_id": S.RUN_PROVIDER_ID,
    "trigger": S.RUN_TRIGGER,
    "started_at": S.RUN_STARTED_AT,
    "duration_s": S.RUN_DURATION,
    "models_seen": S.RUN_MODELS_SEEN,
    "added": S.RUN_ADDED,
    "removed": S.RUN_REMOVED,
    "changed": S.RUN_CHANGED,
    "outcome": S.RUN_OUTCOME,
    "error_class": S.RUN_ERROR_CLASS,
    "message": S.RUN_MESSAGE,
    "credential": S.RUN_CREDENTIAL,
}


# --- history events --------------------------------------------------------------------------


def event_to_fields(event: HistoryEvent) -> dict[str, Any]:
    """A history event as cells of the history table."""
    return {EVENT_FIELDS[k]: v for k, v in event_to_row(event).items()}


def fields_to_event(row_ref: str, cells: Mapping[str, Any]) -> HistoryEvent | None:
    """A history row back to an event; ``None`` (logged) when a person broke a required cell."""
    return event_from_row({k: cells.get(f) for k, f in EVENT_FIELDS.items()}, row_ref)


# --- discovery runs --------------------------------------------------------------------------


def run_to_fields(run: DiscoveryRun) -> dict[str, Any]:
    """A discovery run as cells of the runs table (``None`` clears, so re-recording replaces)."""
    cells = {RUN_FIELDS[k]: v for k, v in run_to_json(run).items()}
    cells[S.RUN_DURATION] = round(float(run.duration_s), 3)
    return cells


def fields_to_run(row_ref: str, cells: Mapping[str, Any]) -> DiscoveryRun | None:
    """A runs-table row back to a run; ``None`` (logged) when a required cell is broken."""
    return run_from_json({k: cells.get(f) for k, f in RUN_FIELDS.items()}, row_ref)


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    """``items`` in consecutive slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def cells_for_patch(cells: Mapping[str, Any]) -> dict[str, Any]:
    """Only the given cells, as :func:`cells_for_write` sends them (Metadata: JSON text).

    >>> cells_for_patch({"Available": None, "Features": None, "Notes": ""})
    {'Available': False, 'Features': [], 'Notes': None}
    """
    out: dict[str, Any] = {}
    for name, value in cells.items():
        if name in (R.AVAILABLE, R.RECOMMENDED):
            out[name] = bool(value)
        elif name in (R.FEATURES, R.REGIONS):
            out[name] = list(value or [])
        elif name == R.METADATA and isinstance(value, dict):
            out[name] = json.dumps(value, sort_keys=True, ensure_ascii=False) if value else None
        else:
            out[name] = None if is_empty_cell(value) else value
    return out


def row_lookup_formula(record_ids: Sequence[str], keys: Sequence[tuple[str, str]]) -> str:
    """Rows with one of ``record_ids``, or keyed (Provider ID, Model ID) as one of ``keys``."""
    terms: list[F.Formula] = [F.EQ(F.RECORD_ID(), rid) for rid in record_ids]
    for provider, model in keys:
        terms.append(
            F.AND(
                F.EQ(F.LOWER(F.TRIM(F.Field(R.PROVIDER_ID))), provider.strip().lower()),
                F.EQ(F.Field(R.MODEL_ID), model),
            )
        )
    return str(terms[0] if len(terms) == 1 else F.OR(*terms))
