"""Pure helpers of the Airtable store: cells <-> events and runs, diffing, formulas, typecast.

No I/O here: everything is a function of its arguments, tested with tables of cases.
Model rows are never parsed here: they go through :func:`registry_core.records.parse_row`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pyairtable import formulas as F

from registry_core import records as R
from registry_core.cells import format_datetime, is_empty_cell
from registry_core.errors import RegistryError
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.records import ModelRecord
from registry_core.stores import airtable_schema as S

log = logging.getLogger(__name__)

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
    if provider_id is not None:
        terms.append(F.EQ(F.Field(S.RUN_PROVIDER_ID), provider_id))
    return str(terms[0] if len(terms) == 1 else F.AND(*terms))


def version_formula() -> str:
    return str(F.EQ(F.Field(S.RUN_ID), S.VERSION_MARKER_RUN_ID))


def as_utc(value: datetime) -> datetime:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


# --- history events --------------------------------------------------------------------------


def event_to_fields(event: HistoryEvent) -> dict[str, Any]:
    """A history event as cells of the history table."""
    return {
        S.EVENT_KEY: event.event_key,
        S.EVENT_PROVIDER_ID: event.provider_id,
        S.EVENT_MODEL_ID: event.model_id,
        S.EVENT_KIND: event.kind,
        S.EVENT_AT: format_datetime(event.at),
        S.EVENT_RUN_ID: event.run_id,
        S.EVENT_SOURCE: event.source,
        S.EVENT_ACTOR: event.actor,
        S.EVENT_DETAIL: json.dumps(
            event.detail, sort_keys=True, default=str, ensure_ascii=False, allow_nan=False
        )
        if event.detail
        else None,
    }


def _text(cells: Mapping[str, Any], name: str) -> str | None:
    value = cells.get(name)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if value is None or value == "":
        return None
    return str(value).strip() or None


def _moment(cells: Mapping[str, Any], name: str) -> datetime | None:
    text = _text(cells, name)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return as_utc(parsed)


def _number(cells: Mapping[str, Any], name: str, default: float = 0.0) -> float:
    value = cells.get(name)
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip()) if value is not None else default
    except ValueError:
        return default


def fields_to_event(row_ref: str, cells: Mapping[str, Any]) -> HistoryEvent | None:
    """A history row back to an event; ``None`` (logged) when a person broke a required cell."""
    key = _text(cells, S.EVENT_KEY)
    provider = _text(cells, S.EVENT_PROVIDER_ID)
    model = _text(cells, S.EVENT_MODEL_ID)
    kind = _text(cells, S.EVENT_KIND)
    at = _moment(cells, S.EVENT_AT)
    if not (key and provider and model and kind and at):
        log.warning("history row %s skipped: a required cell is empty or unreadable", row_ref)
        return None
    detail: dict[str, Any] = {}
    raw_detail = _text(cells, S.EVENT_DETAIL)
    if raw_detail:
        try:
            loaded = json.loads(raw_detail)
        except json.JSONDecodeError:
            loaded = {"text": raw_detail}
        detail = loaded if isinstance(loaded, dict) else {"value": loaded}
    return HistoryEvent(
        event_key=key,
        provider_id=provider,
        model_id=model,
        kind=kind,
        at=at,
        run_id=_text(cells, S.EVENT_RUN_ID),
        source=_text(cells, S.EVENT_SOURCE),
        actor=_text(cells, S.EVENT_ACTOR),
        detail=detail,
    )


# --- discovery runs --------------------------------------------------------------------------


def run_to_fields(run: DiscoveryRun) -> dict[str, Any]:
    """A discovery run as cells of the runs table (``None`` clears, so re-recording replaces)."""
    return {
        S.RUN_ID: run.run_id,
        S.RUN_PROVIDER_ID: run.provider_id,
        S.RUN_TRIGGER: run.trigger,
        S.RUN_STARTED_AT: format_datetime(run.started_at),
        S.RUN_DURATION: round(float(run.duration_s), 3),
        S.RUN_MODELS_SEEN: run.models_seen,
        S.RUN_ADDED: run.added,
        S.RUN_REMOVED: run.removed,
        S.RUN_CHANGED: run.changed,
        S.RUN_OUTCOME: run.outcome,
        S.RUN_ERROR_CLASS: run.error_class,
        S.RUN_MESSAGE: run.message,
        S.RUN_CREDENTIAL: run.credential,
    }


def fields_to_run(row_ref: str, cells: Mapping[str, Any]) -> DiscoveryRun | None:
    """A runs-table row back to a run; ``None`` (logged) when a required cell is broken."""
    run_id = _text(cells, S.RUN_ID)
    provider = _text(cells, S.RUN_PROVIDER_ID)
    started = _moment(cells, S.RUN_STARTED_AT)
    if not (run_id and provider and started):
        log.warning("discovery run row %s skipped: a required cell is empty or unreadable", row_ref)
        return None
    return DiscoveryRun(
        run_id=run_id,
        provider_id=provider,
        trigger=_text(cells, S.RUN_TRIGGER) or "user",
        started_at=started,
        duration_s=_number(cells, S.RUN_DURATION),
        models_seen=int(_number(cells, S.RUN_MODELS_SEEN)),
        added=int(_number(cells, S.RUN_ADDED)),
        removed=int(_number(cells, S.RUN_REMOVED)),
        changed=int(_number(cells, S.RUN_CHANGED)),
        outcome=_text(cells, S.RUN_OUTCOME) or "ok",
        error_class=_text(cells, S.RUN_ERROR_CLASS),
        message=cells.get(S.RUN_MESSAGE) if isinstance(cells.get(S.RUN_MESSAGE), str) else None,
        credential=_text(cells, S.RUN_CREDENTIAL),
    )


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    """``items`` in consecutive slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
