"""Cell values: validate what a client writes, store it, and render it back as Airtable does.

Writes are checked against the field type (facts file §3 and §1.10): a wrong type is a 422
``INVALID_VALUE_FOR_COLUMN``, an unknown select option a 422 ``INVALID_MULTIPLE_CHOICE_OPTIONS``
unless ``typecast`` (which creates the option), a computed field refuses any value. Reads omit
empty values — ``""``, ``[]``, ``false`` and never-set cells — but keep ``0``.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from registry_standins.airtable import errors
from registry_standins.airtable.model import COMPUTED_TYPES, FieldDef, Record, Table

TEXT_TYPES = frozenset(
    {"singleLineText", "multilineText", "richText", "url", "email", "phoneNumber", "barcode"}
)
NUMBER_TYPES = frozenset({"number", "percent", "currency", "rating", "duration"})
_TRUE_WORDS = frozenset({"true", "yes", "1", "on", "checked", "x"})
_FALSE_WORDS = frozenset({"false", "no", "0", "off", "", "unchecked"})


def is_empty(value: Any) -> bool:
    return value is None or value is False or value == "" or value == []


def normalize(fdef: FieldDef, value: Any, *, typecast: bool) -> Any:
    """The value to store for ``value`` written to ``fdef`` (``None`` clears the cell).

    With ``typecast`` a select option that does not exist yet is added to the field's choices
    — that side effect is why the caller must validate a whole batch before writing any of it.
    """
    if fdef.type in COMPUTED_TYPES:
        raise errors.invalid_value(
            fdef.name, f'Field "{fdef.name}" cannot accept a value because the field is computed'
        )
    if value is None:
        return None
    kind = fdef.type
    if kind in TEXT_TYPES:
        return _text(fdef, value, typecast)
    if kind in NUMBER_TYPES:
        return _number(fdef, value, typecast)
    if kind == "checkbox":
        return _checkbox(fdef, value, typecast)
    if kind == "date":
        return _date(fdef, value, typecast)
    if kind == "dateTime":
        return _datetime(fdef, value)
    if kind == "singleSelect":
        return _choices(fdef, [value], typecast, single=True)[0] if value != "" else None
    if kind == "multipleSelects":
        if typecast and isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            raise _cannot_parse(fdef, value)
        return _choices(fdef, value, typecast, single=False)
    return value  # types the stand-in does not model are stored as sent


def render(table: Table, record: Record, *, by_id: bool, only: list[str] | None) -> dict[str, Any]:
    """A record as the API returns it; ``only`` is a list of field ids to keep."""
    cells: dict[str, Any] = {}
    wanted = set(only) if only is not None else None
    for fdef in table.fields:
        if wanted is not None and fdef.id not in wanted:
            continue
        value = computed_value(table, fdef, record)
        if not is_empty(value):
            cells[fdef.id if by_id else fdef.name] = value
    return {"id": record.id, "createdTime": record.created_time, "fields": cells}


def computed_value(table: Table, fdef: FieldDef, record: Record) -> Any:
    """The cell's value, filling in the computed types the stand-in knows how to compute."""
    if fdef.type == "createdTime":
        return record.created_time
    if fdef.type == "lastModifiedTime":
        return record.modified_time or record.created_time
    return record.cells.get(fdef.id)


def _cannot_parse(fdef: FieldDef, value: Any) -> errors.ApiError:
    shown = value if isinstance(value, str) else repr(value)
    return errors.invalid_value(fdef.name, f'Cannot parse value "{shown}" for field {fdef.name}')


def _text(fdef: FieldDef, value: Any, typecast: bool) -> str:
    if isinstance(value, str):
        return value
    if typecast and isinstance(value, int | float | bool):
        return str(value).lower() if isinstance(value, bool) else str(value)
    raise errors.invalid_value(fdef.name)


def _number(fdef: FieldDef, value: Any, typecast: bool) -> int | float:
    if isinstance(value, bool):
        raise _cannot_parse(fdef, value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise _cannot_parse(fdef, value)
        return value
    if typecast and isinstance(value, str):
        try:
            number = float(value.replace(",", "").strip())
        except ValueError:
            raise _cannot_parse(fdef, value) from None
        if math.isfinite(number):
            return int(number) if number.is_integer() else number
    raise _cannot_parse(fdef, value)


def _checkbox(fdef: FieldDef, value: Any, typecast: bool) -> bool | None:
    if isinstance(value, bool):
        return value or None
    if typecast and isinstance(value, str | int | float):
        word = str(value).strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return None
    raise _cannot_parse(fdef, value)


def _date(fdef: FieldDef, value: Any, typecast: bool) -> str:
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text).isoformat()
            # An ISO date-time is accepted for a date field; its UTC date is kept.
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC)
            return moment.date().isoformat()
        except ValueError:
            pass
    raise _cannot_parse(fdef, value)


def _datetime(fdef: FieldDef, value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A JS epoch-milliseconds number was accepted by the live API (facts §3).
        moment = datetime.fromtimestamp(value / 1000, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if not isinstance(value, str):
        raise _cannot_parse(fdef, value)
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise _cannot_parse(fdef, value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_field_zone(fdef))
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _field_zone(fdef: FieldDef) -> Any:
    name = (fdef.options or {}).get("timeZone", "utc")
    if name in ("utc", "client"):
        return UTC
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _choices(fdef: FieldDef, values: list[Any], typecast: bool, *, single: bool) -> list[str]:
    names = fdef.choice_names()
    out: list[str] = []
    for value in values:
        if not isinstance(value, str):
            if not (typecast and isinstance(value, int | float)):
                raise _cannot_parse(fdef, value)
            value = str(value)
        if value not in names:
            if not typecast:
                raise errors.invalid_choice(value)
            fdef.add_choice(value)
            names.append(value)
        if value not in out:
            out.append(value)
    if single and len(out) != 1:
        raise _cannot_parse(fdef, values)
    return out
