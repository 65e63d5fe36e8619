"""The in-memory shape of a base: tables, fields, views and records, plus schema rendering.

Cells are stored by field **id**, so renaming a field (in the UI, or here through
``AirtableStandIn.rename_field``) keeps the data, exactly as Airtable does. The Meta API's
write format for fields is turned into the read format pyairtable's pydantic models demand
(facts file §6.2–6.3).
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from registry_standins.airtable import errors

_ALPHABET = string.ascii_letters + string.digits
COMPUTED_TYPES = frozenset(
    {
        "autoNumber",
        "createdTime",
        "lastModifiedTime",
        "formula",
        "rollup",
        "count",
        "lookup",
        "multipleLookupValues",
        "createdBy",
        "lastModifiedBy",
        "button",
    }
)
SELECT_TYPES = frozenset({"singleSelect", "multipleSelects"})
_CHOICE_COLORS = ("blueLight2", "cyanLight2", "tealLight2", "greenLight2", "yellowLight2")
_DATE_FORMATS = {
    "local": "l",
    "friendly": "LL",
    "us": "M/D/YYYY",
    "european": "D/M/YYYY",
    "iso": "YYYY-MM-DD",
}
_TIME_FORMATS = {"12hour": "h:mma", "24hour": "HH:mm"}


def new_id(prefix: str) -> str:
    """An Airtable-shaped id: three-letter prefix + 14 alphanumerics (``rec…``, ``fld…``)."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(14))


def iso_now() -> str:
    """Now in Airtable's ``createdTime`` form: UTC, milliseconds always ``.000``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class FieldDef:
    id: str
    name: str
    type: str
    options: dict[str, Any] | None = None
    description: str | None = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if self.description:
            out["description"] = self.description
        if self.options is not None:
            out["options"] = self.options
        return out

    def choice_names(self) -> list[str]:
        return [str(c["name"]) for c in (self.options or {}).get("choices", [])]

    def add_choice(self, name: str) -> None:
        choices = (self.options or {}).setdefault("choices", [])
        color = _CHOICE_COLORS[len(choices) % len(_CHOICE_COLORS)]
        choices.append({"id": new_id("sel"), "name": name, "color": color})


@dataclass
class Record:
    id: str
    created_time: str
    cells: dict[str, Any] = field(default_factory=dict)  # field id -> stored value
    modified_time: str = ""


@dataclass
class Table:
    id: str
    name: str
    fields: list[FieldDef]
    views: list[dict[str, Any]]
    description: str | None = None
    records: dict[str, Record] = field(default_factory=dict)  # insertion order = view order
    autonumber: int = 0

    @property
    def primary_field_id(self) -> str:
        return self.fields[0].id

    @property
    def fields_by_id(self) -> dict[str, FieldDef]:
        return {f.id: f for f in self.fields}

    def field(self, key: str) -> FieldDef | None:
        """Find a field by id or name: exact first, then case-insensitive like Airtable."""
        for f in self.fields:
            if key in (f.id, f.name):
                return f
        low = key.lower()
        return next((f for f in self.fields if f.name.lower() == low), None)

    def view(self, key: str) -> dict[str, Any] | None:
        return next((v for v in self.views if key in (v["id"], v["name"])), None)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "primaryFieldId": self.primary_field_id,
            "fields": [f.schema() for f in self.fields],
            "views": [{**v, "visibleFieldIds": [f.id for f in self.fields]} for v in self.views],
        }
        if self.description:
            out["description"] = self.description
        return out


@dataclass
class Base:
    id: str
    name: str
    tables: list[Table] = field(default_factory=list)
    record_cap: int | None = None

    def table(self, key: str) -> Table | None:
        """Table by id or by (exact) name, as the record and meta URLs address it."""
        return next((t for t in self.tables if key in (t.id, t.name)), None)

    def record_count(self) -> int:
        return sum(len(t.records) for t in self.tables)


def field_from_spec(spec: Any, existing: list[FieldDef]) -> FieldDef:
    """Validate a Meta API field in write format and return it in read format.

    Raises :class:`ApiError` 422 for what Airtable refuses: no name, a duplicate name
    (case-insensitive), an unknown type, a computed type (no documented write format) or
    options that the type needs but lacks.
    """
    if not isinstance(spec, dict):
        raise errors.invalid_request("Each field must be an object with a name and a type")
    name, ftype = spec.get("name"), spec.get("type")
    if not isinstance(name, str) or not name.strip():
        raise errors.invalid_request("Field name is missing or empty")
    if not isinstance(ftype, str) or not ftype:
        raise errors.invalid_request(f'Field "{name}" has no type')
    if any(f.name.lower() == name.lower() for f in existing):
        raise errors.ApiError(
            422, "DUPLICATE_OR_EMPTY_FIELD_NAME", f'Field name "{name}" is already used'
        )
    if ftype in COMPUTED_TYPES:
        raise errors.ApiError(
            422, "UNSUPPORTED_FIELD_TYPE_FOR_CREATE", f'Field type "{ftype}" cannot be created'
        )
    description = spec.get("description")
    return FieldDef(
        id=new_id("fld"),
        name=name,
        type=ftype,
        options=_read_options(name, ftype, spec.get("options")),
        description=description if isinstance(description, str) else None,
    )


def _read_options(name: str, ftype: str, raw: Any) -> dict[str, Any] | None:
    opts = dict(raw) if isinstance(raw, dict) else {}
    if raw is not None and not isinstance(raw, dict):
        raise errors.invalid_request(f'Options of field "{name}" must be an object')
    if ftype in ("number", "percent"):
        return {"precision": _precision(name, opts.get("precision", 0), 8)}
    if ftype == "currency":
        return {
            "precision": _precision(name, opts.get("precision", 2), 7),
            "symbol": str(opts.get("symbol", "$")),
        }
    if ftype == "checkbox":
        return {"color": opts.get("color", "greenBright"), "icon": opts.get("icon", "check")}
    if ftype == "date":
        return {"dateFormat": _format(opts.get("dateFormat"), _DATE_FORMATS, "iso")}
    if ftype == "dateTime":
        return {
            "timeZone": str(opts.get("timeZone", "utc")),
            "dateFormat": _format(opts.get("dateFormat"), _DATE_FORMATS, "iso"),
            "timeFormat": _format(opts.get("timeFormat"), _TIME_FORMATS, "24hour"),
        }
    if ftype in SELECT_TYPES:
        choices: list[dict[str, Any]] = []
        for choice in opts.get("choices", []):
            # pyairtable's own tests pass bare strings; the documented format is objects.
            entry = {"name": choice} if isinstance(choice, str) else dict(choice)
            if not isinstance(entry.get("name"), str):
                raise errors.invalid_request(f'A choice of field "{name}" has no name')
            entry.setdefault("id", new_id("sel"))
            entry.setdefault("color", _CHOICE_COLORS[len(choices) % len(_CHOICE_COLORS)])
            choices.append(entry)
        return {"choices": choices}
    return opts or None


def _precision(name: str, value: Any, top: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
        raise errors.invalid_request(f'Precision of field "{name}" must be 0–{top}')
    return value


def _format(raw: Any, known: dict[str, str], default: str) -> dict[str, str]:
    name = raw.get("name", default) if isinstance(raw, dict) else default
    fmt = raw.get("format") if isinstance(raw, dict) else None
    return {"name": name, "format": fmt or known.get(name, known[default])}
