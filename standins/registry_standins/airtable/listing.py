"""List records: options from a query string or a ``listRecords`` body, filtering, sorting,
field selection and paging with opaque, expiring ``itr…/rec…`` offsets (facts file §1.2–1.4).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from registry_standins.airtable import errors
from registry_standins.airtable.cells import computed_value, render
from registry_standins.airtable.formula import compile_formula
from registry_standins.airtable.formula_functions import to_text
from registry_standins.airtable.model import FieldDef, Record, Table, new_id

MAX_PAGE_SIZE = 100
_TRUE = frozenset({"1", "true", "True", "TRUE"})
_FALSE = frozenset({"0", "false", "False", "FALSE", ""})


@dataclass
class ListOptions:
    page_size: int = MAX_PAGE_SIZE
    max_records: int | None = None
    offset: str = ""
    view: str | None = None
    fields: list[str] | None = None
    formula: str | None = None
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    by_id: bool = False
    cell_format: str = "json"
    time_zone: str | None = None
    user_locale: str | None = None
    comment_count: bool = False


def _int(value: Any, name: str, *, low: int, high: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise errors.invalid_request(f"{name} must be a whole number") from None
    if number < low or (high is not None and number > high):
        raise errors.invalid_request(f"{name} must be between {low} and {high or 'any'}")
    return number


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value) in _TRUE:
        return True
    if str(value) in _FALSE:
        return False
    raise errors.invalid_request("returnFieldsByFieldId must be true or false")


def options_from_query(query: dict[str, list[str]]) -> ListOptions:
    """Options from a GET query string (``fields[]``, ``sort[0][field]``, ``pageSize``…)."""
    one = {k: v[-1] for k, v in query.items()}
    opts = ListOptions(offset=one.get("offset", ""), view=one.get("view") or None)
    if "pageSize" in one:
        opts.page_size = _int(one["pageSize"], "pageSize", low=1, high=MAX_PAGE_SIZE)
    if "maxRecords" in one:
        opts.max_records = _int(one["maxRecords"], "maxRecords", low=0)
    if "fields[]" in query or "fields" in query:
        opts.fields = query.get("fields[]", []) + query.get("fields", [])
    opts.formula = one.get("filterByFormula") or None
    sorts: dict[int, dict[str, str]] = {}
    for key, values in query.items():
        if key.startswith("sort[") and key.endswith("]"):
            position, _, part = key[5:-1].partition("][")
            sorts.setdefault(_int(position, "sort index", low=0), {})[part] = values[-1]
    for index in sorted(sorts):
        opts.sort.append(_sort_entry(sorts[index]))
    if "returnFieldsByFieldId" in one:
        opts.by_id = _flag(one["returnFieldsByFieldId"])
    _common(opts, one.get("cellFormat"), one, query.get("recordMetadata[]", []))
    return opts


def options_from_body(body: dict[str, Any], query: dict[str, list[str]]) -> ListOptions:
    """Options from a ``POST …/listRecords`` body; ``timeZone``/``userLocale`` stay in the query."""
    opts = ListOptions(offset=str(body.get("offset") or ""), view=body.get("view") or None)
    if body.get("pageSize") is not None:
        opts.page_size = _int(body["pageSize"], "pageSize", low=1, high=MAX_PAGE_SIZE)
    if body.get("maxRecords") is not None:
        opts.max_records = _int(body["maxRecords"], "maxRecords", low=0)
    if body.get("fields") is not None:
        if not isinstance(body["fields"], list):
            raise errors.invalid_request("fields must be an array of field names or ids")
        opts.fields = [str(f) for f in body["fields"]]
    opts.formula = body.get("filterByFormula") or None
    for entry in body.get("sort") or []:
        if not isinstance(entry, dict):
            raise errors.invalid_request("sort must be an array of {field, direction}")
        opts.sort.append(_sort_entry(entry))
    if "returnFieldsByFieldId" in body:
        opts.by_id = _flag(body["returnFieldsByFieldId"])
    one = {k: v[-1] for k, v in query.items()}
    _common(opts, body.get("cellFormat"), one, list(body.get("recordMetadata") or []))
    return opts


def _sort_entry(entry: dict[str, Any]) -> tuple[str, bool]:
    name, direction = entry.get("field"), entry.get("direction", "asc")
    if not isinstance(name, str) or direction not in ("asc", "desc"):
        raise errors.invalid_request("sort needs a field and a direction of asc or desc")
    return name, direction == "desc"


def _common(opts: ListOptions, cell_format: Any, one: dict[str, str], meta: list[Any]) -> None:
    opts.cell_format = str(cell_format or "json")
    if opts.cell_format not in ("json", "string"):
        raise errors.invalid_request("cellFormat must be json or string")
    opts.time_zone, opts.user_locale = one.get("timeZone"), one.get("userLocale")
    if opts.cell_format == "string" and not (opts.time_zone and opts.user_locale):
        raise errors.invalid_request("cellFormat=string requires timeZone and userLocale")
    opts.comment_count = "commentCount" in meta


@dataclass
class _Iterator:
    created: float
    ids: list[str]
    positions: dict[str, int]


class IteratorCache:
    """Live list iterators; an offset older than ``ttl_s`` gets LIST_RECORDS_ITERATOR_NOT_AVAILABLE."""

    def __init__(self, ttl_s: float = 600.0, capacity: int = 2000) -> None:
        self.ttl_s = ttl_s
        self._capacity = capacity
        self._items: OrderedDict[str, _Iterator] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, ids: list[str]) -> str:
        key = new_id("itr")
        with self._lock:
            self._items[key] = _Iterator(time.monotonic(), ids, {r: i for i, r in enumerate(ids)})
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return key

    def resume(self, offset: str) -> tuple[str, list[str], int]:
        key, _, last = offset.partition("/")
        with self._lock:
            it = self._items.get(key)
            if it is None or time.monotonic() - it.created > self.ttl_s or last not in it.positions:
                raise errors.iterator_not_available()
            return key, it.ids, it.positions[last] + 1

    def expire_all(self) -> None:
        with self._lock:
            self._items.clear()


def list_records(table: Table, opts: ListOptions, iterators: IteratorCache) -> dict[str, Any]:
    """One page of the list-records response."""
    only = _field_ids(table, opts.fields) if opts.fields is not None else None
    if opts.offset:
        key, ids, start = iterators.resume(opts.offset)
    else:
        ids = _matching_ids(table, opts)
        key, start = "", 0
    page: list[Record] = []
    position = start
    while position < len(ids) and len(page) < opts.page_size:
        record = table.records.get(ids[position])
        position += 1
        if record is not None:  # deleted since the iterator started
            page.append(record)
    out: dict[str, Any] = {"records": [_shape(table, r, opts, only) for r in page]}
    if position < len(ids) and page:
        out["offset"] = f"{key or iterators.start(ids)}/{page[-1].id}"
    return out


def _matching_ids(table: Table, opts: ListOptions) -> list[str]:
    if opts.view is not None and table.view(opts.view) is None:
        raise errors.ApiError(422, "VIEW_NAME_NOT_FOUND", f'View "{opts.view}" not found')
    records = list(table.records.values())
    if opts.formula:
        formula = compile_formula(opts.formula, table)
        records = [r for r in records if formula.matches(r)]
    for name, descending in reversed(opts.sort):
        fdef = table.field(name)
        if fdef is None:
            raise errors.unknown_field(name)
        records.sort(key=_sort_key(table, fdef), reverse=descending)
    if opts.max_records is not None:
        records = records[: opts.max_records]
    return [r.id for r in records]


def _sort_key(table: Table, fdef: FieldDef) -> Callable[[Record], tuple[int, Any]]:
    return lambda record: _sort_value(computed_value(table, fdef, record))


def _sort_value(value: Any) -> tuple[int, Any]:
    # Blanks sort first ascending (not documented; facts §11.4). Text sorts case-insensitively.
    if value is None or value == "" or value == [] or value is False:
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, float(value))
    if isinstance(value, list):
        return (2, ", ".join(to_text(v) for v in value).lower())
    return (2, str(value).lower())


def _field_ids(table: Table, names: list[str]) -> list[str]:
    out = []
    for name in names:
        fdef = table.field(name)
        if fdef is None:
            raise errors.unknown_field(name)
        out.append(fdef.id)
    return out


def _shape(
    table: Table, record: Record, opts: ListOptions, only: list[str] | None
) -> dict[str, Any]:
    data = render(table, record, by_id=opts.by_id, only=only)
    if opts.cell_format == "string":
        data["fields"] = {
            k: ", ".join(to_text(x) for x in v) if isinstance(v, list) else to_text(v)
            for k, v in data["fields"].items()
        }
    if opts.comment_count:
        data["commentCount"] = 0
    return data
