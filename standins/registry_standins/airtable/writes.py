"""Create, update (PATCH merges, PUT replaces), upsert and delete — all-or-nothing, ≤10 a time.

Each operation validates the whole request before touching a record (facts file §1.9): a bad
cell in the 7th record leaves the first six unwritten, and select options created by
``typecast`` for a failed request are rolled back too.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from registry_standins.airtable import errors
from registry_standins.airtable.cells import computed_value, normalize, render
from registry_standins.airtable.model import (
    COMPUTED_TYPES,
    SELECT_TYPES,
    Base,
    Record,
    Table,
    iso_now,
    new_id,
)

MAX_RECORDS_PER_REQUEST = 10
_MERGE_TYPES = frozenset(
    {
        "singleLineText",
        "multilineText",
        "email",
        "url",
        "phoneNumber",
        "number",
        "percent",
        "currency",
        "singleSelect",
        "multipleSelects",
        "date",
    }
)


@contextmanager
def _rollback_choices(table: Table) -> Iterator[None]:
    saved = {f.id: copy.deepcopy(f.options) for f in table.fields if f.type in SELECT_TYPES}
    try:
        yield
    except errors.ApiError:
        for f in table.fields:
            if f.id in saved:
                f.options = saved[f.id]
        raise


def _flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise errors.invalid_request(f"{key} must be true or false")
    return value


def _cells(table: Table, fields: Any, *, typecast: bool) -> dict[str, Any]:
    """Field id -> normalized value (``None`` = clear) for one record's ``fields`` object."""
    if not isinstance(fields, dict):
        raise errors.invalid_request('Each record needs a "fields" object')
    out: dict[str, Any] = {}
    for key, value in fields.items():
        fdef = next((f for f in table.fields if key in (f.id, f.name)), None)
        if fdef is None:
            raise errors.unknown_field(key)
        out[fdef.id] = normalize(fdef, value, typecast=typecast)
    return out


def _records_param(body: dict[str, Any], verb: str) -> list[Any]:
    records = body.get("records")
    if not isinstance(records, list) or not records:
        raise errors.invalid_records('"records" must be an array of up to 10 record objects.')
    if len(records) > MAX_RECORDS_PER_REQUEST:
        raise errors.invalid_records(
            f"A maximum of {MAX_RECORDS_PER_REQUEST} records can be {verb} per request but "
            f"you have provided {len(records)}."
        )
    return records


def _check_cap(base: Base, adding: int) -> None:
    if base.record_cap is not None and adding and base.record_count() + adding > base.record_cap:
        raise errors.record_cap(base.record_cap)


def _apply(table: Table, record: Record, cells: dict[str, Any], *, replace: bool) -> None:
    if replace:
        record.cells = {fid: v for fid, v in record.cells.items() if _computed(table, fid)}
    for fid, value in cells.items():
        if value is None:
            record.cells.pop(fid, None)
        else:
            record.cells[fid] = value
    record.modified_time = iso_now()


def _computed(table: Table, field_id: str) -> bool:
    fdef = table.fields_by_id.get(field_id)
    return fdef is not None and fdef.type in COMPUTED_TYPES


def _new_record(table: Table, cells: dict[str, Any]) -> Record:
    now = iso_now()
    record = Record(new_id("rec"), now, {}, now)
    for fdef in table.fields:
        if fdef.type == "autoNumber":
            table.autonumber += 1
            record.cells[fdef.id] = table.autonumber
    _apply(table, record, cells, replace=False)
    table.records[record.id] = record
    return record


def create(base: Base, table: Table, body: dict[str, Any]) -> dict[str, Any]:
    """POST: one record (``{"fields"}``) or a batch (``{"records"}``)."""
    typecast, by_id = _flag(body, "typecast"), _flag(body, "returnFieldsByFieldId")
    single = "records" not in body
    raw = [{"fields": body.get("fields", {})}] if single else _records_param(body, "created")
    with _rollback_choices(table):
        pending = []
        for item in raw:
            if not isinstance(item, dict):
                raise errors.invalid_records('Each item of "records" must be an object.')
            pending.append(_cells(table, item.get("fields", {}), typecast=typecast))
        _check_cap(base, len(pending))
    made = [render(table, _new_record(table, c), by_id=by_id, only=None) for c in pending]
    return made[0] if single else {"records": made}


def update(
    base: Base, table: Table, body: dict[str, Any], *, replace: bool, record_id: str | None
) -> dict[str, Any]:
    """PATCH/PUT on one record (``record_id``) or a batch, or an upsert if ``performUpsert``."""
    typecast, by_id = _flag(body, "typecast"), _flag(body, "returnFieldsByFieldId")
    if record_id is not None:
        record = table.records.get(record_id)
        if record is None:
            raise errors.record_not_found()
        with _rollback_choices(table):
            cells = _cells(table, body.get("fields", {}), typecast=typecast)
        _apply(table, record, cells, replace=replace)
        return render(table, record, by_id=by_id, only=None)
    if body.get("performUpsert") is not None:
        return _upsert(base, table, body, replace=replace, typecast=typecast, by_id=by_id)
    raw = _records_param(body, "updated")
    with _rollback_choices(table):
        pending: list[tuple[Record, dict[str, Any]]] = []
        for item in raw:
            rid = item.get("id") if isinstance(item, dict) else None
            if not isinstance(rid, str):
                raise errors.invalid_records('Each record to update needs an "id".')
            if rid not in table.records:
                raise errors.row_does_not_exist(rid)
            pending.append(
                (table.records[rid], _cells(table, item.get("fields"), typecast=typecast))
            )
    for record, cells in pending:
        _apply(table, record, cells, replace=replace)
    return {"records": [render(table, r, by_id=by_id, only=None) for r, _ in pending]}


def _upsert(
    base: Base, table: Table, body: dict[str, Any], *, replace: bool, typecast: bool, by_id: bool
) -> dict[str, Any]:
    spec = body["performUpsert"]
    merge_on = spec.get("fieldsToMergeOn") if isinstance(spec, dict) else None
    if not isinstance(merge_on, list) or not 1 <= len(merge_on) <= 3:
        raise errors.invalid_request("performUpsert.fieldsToMergeOn must list 1 to 3 fields")
    keys = []
    for name in merge_on:
        fdef = next((f for f in table.fields if name in (f.id, f.name)), None)
        if fdef is None:
            raise errors.unknown_field(str(name))
        if fdef.type not in _MERGE_TYPES:
            raise errors.invalid_request(f'Field "{fdef.name}" cannot be used to merge on')
        keys.append(fdef.id)
    raw = _records_param(body, "upserted")
    plan: list[tuple[str | None, dict[str, Any]]] = []  # (existing id or None, cells)
    with _rollback_choices(table):
        for item in raw:
            if not isinstance(item, dict):
                raise errors.invalid_records('Each item of "records" must be an object.')
            cells = _cells(table, item.get("fields"), typecast=typecast)
            rid = item.get("id")
            if rid is not None:
                if rid not in table.records:
                    raise errors.row_does_not_exist(str(rid))
                plan.append((rid, cells))
                continue
            plan.append((_match(table, keys, cells, plan), cells))
        creates = sum(1 for rid, _ in plan if rid is None)
        _check_cap(base, creates)
    created: list[str] = []
    updated: list[str] = []
    out: list[dict[str, Any]] = []
    batch_made: dict[int, Record] = {}
    for index, (rid, cells) in enumerate(plan):
        if rid is None:
            record = _new_record(table, cells)
            created.append(record.id)
            batch_made[index] = record
        else:
            if rid.startswith("#"):  # matches a record created earlier in this same request
                record = batch_made[int(rid[1:])]
            else:
                record = table.records[rid]
                if rid not in updated and rid not in created:
                    updated.append(rid)
            _apply(table, record, cells, replace=replace)
        out.append(render(table, record, by_id=by_id, only=None))
    return {"createdRecords": created, "updatedRecords": updated, "records": out}


def _match(
    table: Table, keys: list[str], cells: dict[str, Any], plan: list[tuple[str | None, Any]]
) -> str | None:
    """The id of the one record whose merge fields equal ``cells``'; 422 if several match."""
    wanted = [cells.get(k) for k in keys]
    if any(v is None for v in wanted):
        return None  # a null merge key creates a new record (live pyairtable test, facts §1.7)
    hits = [
        r.id
        for r in table.records.values()
        if [computed_value(table, table.fields_by_id[k], r) for k in keys] == wanted
    ]
    if len(hits) > 1:
        raise errors.invalid_records(
            "Cannot update more than one record with the same fieldsToMergeOn values; "
            f"{len(hits)} records match."
        )
    if hits:
        return hits[0]
    # Not in the table yet: an earlier record of this request may create it.
    for index, (rid, earlier) in enumerate(plan):
        if [earlier.get(k) for k in keys] == wanted:
            return rid if rid is not None else f"#{index}"
    return None


def delete(table: Table, ids: list[str]) -> dict[str, Any]:
    """DELETE ``?records[]=…`` (≤10); one unknown id fails the whole request."""
    if not ids or len(ids) > MAX_RECORDS_PER_REQUEST:
        raise errors.invalid_records('"records" must be an array of up to 10 record IDs.')
    for rid in ids:
        if rid not in table.records:
            raise errors.record_not_found()
    for rid in ids:
        table.records.pop(rid, None)
    return {"records": [{"id": rid, "deleted": True} for rid in ids]}
