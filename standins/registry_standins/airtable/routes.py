"""Route one parsed request to the records or Meta API, in Airtable's order of checks.

Order: route shape → faults → token (401) → base visible to the token (403) → rate limit
(429) → scope (403) → table (403, or 404 ``TABLE_NOT_FOUND`` in legacy mode) → the operation.
This module knows nothing about sockets; :mod:`handler` feeds it and writes the answer.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from registry_standins.airtable import errors, listing, meta, writes
from registry_standins.airtable.cells import render
from registry_standins.airtable.limits import Fault
from registry_standins.airtable.model import Base, Table
from registry_standins.airtable.state import State, TokenGrant

_BASE_ID = re.compile(r"app[A-Za-z0-9]{14}")
_RECORD_ID = re.compile(r"rec[A-Za-z0-9]{14}")
MAX_URL_LENGTH = 16_000


@dataclass
class Request:
    method: str
    segments: list[str]  # path after /v0/, percent-decoded, trailing slash dropped
    query: dict[str, list[str]]
    body: Any
    token: str | None
    url_length: int = 0


@dataclass
class Response:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    base: str | None = None
    fault: Fault | None = None
    changed: bool = False


def dispatch(state: State, req: Request) -> Response:
    """Answer ``req``; every failure becomes the documented error body."""
    base_id = _base_of(req.segments)
    try:
        if req.url_length > MAX_URL_LENGTH:
            raise errors.ApiError(414, "INVALID_REQUEST_URI_TOO_LONG", "The URL is too long")
        fault = state.faults.take(base_id, _table_keys(state, req.segments, base_id))
        if fault is not None and fault.kind == "hang":
            time.sleep(fault.seconds)  # no lock is held here; the request then goes ahead
        elif fault is not None:
            raise _fault_error(fault)
        status, body, changed = _route(state, req, base_id)
        return Response(status, body, base=base_id, fault=fault, changed=changed)
    except errors.ApiError as exc:
        return Response(exc.status, exc.body(), exc.headers, base=base_id)


def _fault_error(fault: Fault) -> errors.ApiError:
    if fault.kind == "rate_limit":
        return errors.rate_limited()
    if fault.kind == "quota":
        return errors.billing_limit()
    return errors.server_error(fault.status)


def _base_of(segments: list[str]) -> str | None:
    if segments[:2] == ["meta", "bases"] and len(segments) >= 3:
        return segments[2]
    if segments and segments[0] != "meta":
        return segments[0]
    return None


def _table_keys(state: State, segments: list[str], base_id: str | None) -> tuple[str, ...]:
    raw = segments[4] if segments[:1] == ["meta"] and len(segments) > 4 else None
    if segments[:1] != ["meta"] and len(segments) > 1:
        raw = segments[1]
    if raw is None:
        return ()
    base = state.bases.get(base_id or "")
    table = base.table(raw) if base else None
    return (raw, table.id, table.name) if table else (raw,)


def _route(state: State, req: Request, base_id: str | None) -> tuple[int, Any, bool]:
    segs, method = req.segments, req.method
    if not segs:
        raise errors.route_not_found()
    grant = _authenticate(state, req.token)
    if segs == ["meta", "whoami"] and method == "GET":
        return 200, {"id": grant.user_id, "scopes": sorted(grant.scopes)}, False
    if segs == ["meta", "bases"] and method == "GET":
        _need(grant, "schema.bases:read")
        with state.lock:
            seen = [b for b in state.bases.values() if grant.can_see(b.id)]
            return 200, {"bases": [meta.base_info(b) for b in seen]}, False
    if base_id is None or (segs[0] == "meta" and (len(segs) < 4 or segs[3] != "tables")):
        raise errors.route_not_found()
    if not _BASE_ID.fullmatch(base_id):
        raise errors.route_not_found()
    with state.lock:
        base = state.bases.get(base_id)
        if base is None or not grant.can_see(base_id):
            raise errors.model_not_found()
    if not state.limiter.allow(base_id):
        raise errors.rate_limited()
    if segs[0] == "meta":
        _need(grant, "schema.bases:read" if method == "GET" else "schema.bases:write")
        with state.lock:
            status, body = meta.handle(base, method, segs[4:], req.body, state.legacy_not_found)
        return status, body, method != "GET"
    return _records(state, req, grant, base)


def _authenticate(state: State, token: str | None) -> TokenGrant:
    grant = state.tokens.get(token or "")
    if grant is None:
        raise errors.auth_required()
    return grant


def _need(grant: TokenGrant, scope: str) -> None:
    if scope not in grant.scopes:
        raise errors.model_not_found()


def _table(state: State, base: Base, key: str) -> Table:
    table = base.table(key)
    if table is None:
        if state.legacy_not_found:
            raise errors.table_not_found(key, base.id)
        raise errors.model_not_found()
    return table


def _records(state: State, req: Request, grant: TokenGrant, base: Base) -> tuple[int, Any, bool]:
    segs, method = req.segments, req.method
    if len(segs) < 2 or len(segs) > 3:
        raise errors.route_not_found()
    reading = method == "GET" or (len(segs) == 3 and segs[2] == "listRecords")
    _need(grant, "data.records:read" if reading else "data.records:write")
    body = req.body if isinstance(req.body, dict) else {}
    if (
        method in ("POST", "PATCH", "PUT")
        and req.body is not None
        and not isinstance(req.body, dict)
    ):
        raise errors.invalid_request("The request body must be a JSON object")
    with state.lock:
        table = _table(state, base, segs[1])
        if len(segs) == 3 and segs[2] == "listRecords":
            if method != "POST":
                raise errors.route_not_found()
            opts = listing.options_from_body(body, req.query)
            return 200, listing.list_records(table, opts, state.iterators), False
        if len(segs) == 3:
            return _one_record(req, base, table, segs[2], body)
        if method == "GET":
            opts = listing.options_from_query(req.query)
            return 200, listing.list_records(table, opts, state.iterators), False
        if method == "POST":
            return 200, writes.create(base, table, body), True
        if method in ("PATCH", "PUT"):
            result = writes.update(base, table, body, replace=method == "PUT", record_id=None)
            return 200, result, True
        if method == "DELETE":
            ids = req.query.get("records[]", [])
            return 200, writes.delete(table, ids), True
    raise errors.route_not_found()


def _one_record(
    req: Request, base: Base, table: Table, record_id: str, body: dict[str, Any]
) -> tuple[int, Any, bool]:
    if not _RECORD_ID.fullmatch(record_id) and req.method != "GET":
        raise errors.route_not_found()
    if req.method == "GET":
        record = table.records.get(record_id)
        if record is None:
            raise errors.record_not_found()
        one = {k: v[-1] for k, v in req.query.items()}
        by_id = one.get("returnFieldsByFieldId", "0") in ("1", "true", "True")
        return 200, render(table, record, by_id=by_id, only=None), False
    if req.method in ("PATCH", "PUT"):
        replace = req.method == "PUT"
        result = writes.update(base, table, body, replace=replace, record_id=record_id)
        return 200, result, True
    if req.method == "DELETE":
        if record_id not in table.records:
            raise errors.record_not_found()
        del table.records[record_id]
        return 200, {"id": record_id, "deleted": True}, True
    raise errors.route_not_found()
