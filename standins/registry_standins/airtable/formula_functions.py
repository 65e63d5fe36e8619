"""Values, coercions and the function library of the ``filterByFormula`` evaluator.

Values are ``None`` (blank), ``bool``, ``int``/``float``, ``str`` and ``datetime`` (UTC).
Coercions follow Airtable where the facts file states them (§7.2): a blank cell equals ``''``
and ``BLANK()``, an unchecked checkbox is ``FALSE()``, numbers compare numerically, text ``=``
is case-sensitive, ``FIND`` gives 0 when absent and ``SEARCH`` gives blank. Where nothing is
documented the choice is the spreadsheet-like one: blank counts as 0 in numeric comparisons.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from registry_standins.airtable.model import FieldDef, Record, Table

Value = Any  # None | bool | int | float | str | datetime
_NUMERIC_CELLS = frozenset({"number", "percent", "currency", "rating", "duration", "autoNumber"})


class FormulaRuntimeError(Exception):
    """An ``#ERROR!`` while evaluating one record: that record is simply not kept."""


def field_value(table: Table, fdef: FieldDef, record: Record) -> Value:
    """What ``{Field}`` evaluates to for ``record``."""
    from registry_standins.airtable.cells import computed_value

    raw = computed_value(table, fdef, record)
    if fdef.type == "checkbox":
        return bool(raw)
    if raw is None:
        return None
    if fdef.type in ("date", "dateTime", "createdTime", "lastModifiedTime"):
        return parse_datetime(str(raw))
    if isinstance(raw, list):
        # Multiple selects (and other arrays) are flattened to text in formulas.
        return ", ".join(to_text(v) for v in raw)
    return raw


def parse_datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise FormulaRuntimeError(f"cannot parse date {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def truthy(value: Value) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    if isinstance(value, datetime):
        return True
    return bool(value)


def to_text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    return str(value)


def to_number(value: Value) -> float:
    if value is None or value == "":
        return 0
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime):
        return value.timestamp()
    try:
        return float(str(value).strip())
    except ValueError:
        raise FormulaRuntimeError(f"not a number: {value!r}") from None


def to_datetime(value: Value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return parse_datetime(to_text(value))


def equals(left: Value, right: Value) -> bool:
    if left is None or right is None:
        other = right if left is None else left
        return other is None or other == "" or (not isinstance(other, str) and other == 0)
    if isinstance(left, datetime) or isinstance(right, datetime):
        try:
            return to_datetime(left) == to_datetime(right)
        except FormulaRuntimeError:
            return to_text(left) == to_text(right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    if isinstance(left, str) or isinstance(right, str):
        try:
            return to_number(left) == to_number(right)
        except FormulaRuntimeError:
            return to_text(left) == to_text(right)
    return bool(left == right)


def order(left: Value, right: Value) -> int | None:
    """-1/0/1 for ``<``-style comparisons; ``None`` when the two cannot be ordered."""
    try:
        if isinstance(left, datetime) or isinstance(right, datetime):
            a, b = to_datetime(left), to_datetime(right)
            if a is None or b is None:
                return None
            return (a > b) - (a < b)
        if isinstance(left, str) and isinstance(right, str):
            return (left > right) - (left < right)
        x, y = to_number(left), to_number(right)
        return (x > y) - (x < y)
    except FormulaRuntimeError:
        return None


_UNITS = {
    "milliseconds": 0.001, "ms": 0.001, "seconds": 1, "s": 1, "minutes": 60, "m": 60,
    "hours": 3600, "h": 3600, "days": 86400, "d": 86400, "weeks": 604800, "w": 604800,
}  # fmt: skip


def _unit(value: Value) -> str:
    word = to_text(value).lower() if value is not None else "seconds"
    return word if word.endswith("s") or len(word) <= 2 else word + "s"


def _dateadd(moment: Value, count: Value, unit: Value) -> datetime:
    start, word = to_datetime(moment), _unit(unit)
    if start is None:
        raise FormulaRuntimeError("DATEADD of a blank date")
    n = to_number(count)
    if word in ("months", "years", "quarters"):
        months = int(n) * {"months": 1, "years": 12, "quarters": 3}[word]
        y, m = divmod(start.month - 1 + months, 12)
        return start.replace(year=start.year + y, month=m + 1)
    if word not in _UNITS:
        raise FormulaRuntimeError(f"unknown unit {word}")
    return start + timedelta(seconds=n * _UNITS[word])


def _diff(a: Value, b: Value, unit: Value = None) -> float:
    x, y, word = to_datetime(a), to_datetime(b), _unit(unit)
    if x is None or y is None:
        return 0
    seconds = (x - y).total_seconds()
    if word in ("months", "years"):
        months = (x.year - y.year) * 12 + x.month - y.month
        return months if word == "months" else months // 12
    return int(seconds / _UNITS.get(word, 1))


def _same(a: Value, b: Value, unit: Value = None) -> bool:
    x, y = to_datetime(a), to_datetime(b)
    if x is None or y is None:
        return False
    word = _unit(unit) if unit is not None else "milliseconds"
    cut = {"years": 4, "months": 7, "days": 10, "hours": 13, "minutes": 16, "seconds": 19}
    return to_text(x)[: cut.get(word, 24)] == to_text(y)[: cut.get(word, 24)]


def _format(moment: Value, fmt: Value = None) -> str:
    when = to_datetime(moment)
    if when is None:
        return ""
    pattern = to_text(fmt) if fmt is not None else "YYYY-MM-DDTHH:mm:ss.SSSZ"
    table = {"YYYY": "%Y", "MM": "%m", "DD": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
    out = re.sub("YYYY|MM|DD|HH|mm|ss", lambda m: table[m.group()], pattern)
    return when.strftime(out).replace("SSS", f"{when.microsecond // 1000:03d}")


def _find(needle: Value, hay: Value, start: Value = 0, *, blank_if_absent: bool) -> Value:
    where = to_text(hay).find(to_text(needle), max(int(to_number(start)) - 1, 0))
    if where < 0:
        return None if blank_if_absent else 0
    return where + 1


def _substitute(text: Value, old: Value, new: Value, index: Value = None) -> str:
    s, o, n = to_text(text), to_text(old), to_text(new)
    if index is None or not o:
        return s.replace(o, n) if o else s
    parts, k = s.split(o), int(to_number(index))
    if not 1 <= k < len(parts):
        return s
    return o.join(parts[:k]) + n + o.join(parts[k:])


def _switch(expr: Value, *rest: Value) -> Value:
    pairs, default = (rest, None) if len(rest) % 2 == 0 else (rest[:-1], rest[-1])
    for i in range(0, len(pairs), 2):
        if equals(expr, pairs[i]):
            return pairs[i + 1]
    return default


def _value(text: Value) -> float:
    cleaned = re.sub(r"[^0-9.eE+-]", "", to_text(text))
    return to_number(cleaned) if cleaned else 0


def _record_fn(fn: Callable[..., Value]) -> Callable[[Record, list[Value]], Value]:
    def call(_record: Record, args: list[Value]) -> Value:
        try:
            return fn(*args)
        except TypeError:
            raise FormulaRuntimeError("wrong number of arguments") from None

    return call


_PLAIN: dict[str, Callable[..., Value]] = {
    "AND": lambda *a: bool(a) and all(truthy(v) for v in a),
    "OR": lambda *a: any(truthy(v) for v in a),
    "NOT": lambda v: not truthy(v),
    "XOR": lambda *a: sum(truthy(v) for v in a) % 2 == 1,
    "IF": lambda c, a, b=None: a if truthy(c) else b,
    "SWITCH": _switch,
    "BLANK": lambda: None,
    "TRUE": lambda: True,
    "FALSE": lambda: False,
    "ISERROR": lambda v: False,
    "FIND": lambda n, h, s=0: _find(n, h, s, blank_if_absent=False),
    "SEARCH": lambda n, h, s=0: _find(n, h, s, blank_if_absent=True),
    "LOWER": lambda v: to_text(v).lower(),
    "UPPER": lambda v: to_text(v).upper(),
    "TRIM": lambda v: to_text(v).strip(),
    "LEN": lambda v: len(to_text(v)),
    "LEFT": lambda v, n: to_text(v)[: int(to_number(n))],
    "RIGHT": lambda v, n: to_text(v)[-int(to_number(n)) :] if int(to_number(n)) else "",
    "MID": lambda v, s, n: to_text(v)[
        int(to_number(s)) - 1 : int(to_number(s)) - 1 + int(to_number(n))
    ],
    "SUBSTITUTE": _substitute,
    "REPLACE": lambda v, s, n, new: (
        to_text(v)[: int(to_number(s)) - 1]
        + to_text(new)
        + to_text(v)[int(to_number(s)) - 1 + int(to_number(n)) :]
    ),
    "CONCATENATE": lambda *a: "".join(to_text(v) for v in a),
    "T": lambda v: v if isinstance(v, str) else "",
    "VALUE": _value,
    "REGEX_MATCH": lambda v, p: re.search(to_text(p), to_text(v)) is not None,
    "REGEX_EXTRACT": lambda v, p: m.group() if (m := re.search(to_text(p), to_text(v))) else None,
    "REGEX_REPLACE": lambda v, p, r: re.sub(to_text(p), to_text(r), to_text(v)),
    "DATETIME_PARSE": lambda v, fmt=None, locale=None: to_datetime(v),
    "DATETIME_FORMAT": _format,
    "DATEADD": _dateadd,
    "DATETIME_DIFF": _diff,
    "IS_AFTER": lambda a, b: (order(a, b) or 0) > 0,
    "IS_BEFORE": lambda a, b: (order(a, b) or 0) < 0,
    "IS_SAME": _same,
    "TODAY": lambda: datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0),
    "NOW": lambda: datetime.now(UTC),
    "ABS": lambda v: abs(to_number(v)),
    "ROUND": lambda v, d=0: round(to_number(v), int(to_number(d))),
    "INT": lambda v: math.floor(to_number(v)),
    "MAX": lambda *a: max(to_number(v) for v in a),
    "MIN": lambda *a: min(to_number(v) for v in a),
    "SUM": lambda *a: sum(to_number(v) for v in a),
}

FUNCTIONS: dict[str, Callable[[Record, list[Value]], Value]] = {
    name: _record_fn(fn) for name, fn in _PLAIN.items()
}
FUNCTIONS["RECORD_ID"] = lambda record, args: record.id
FUNCTIONS["CREATED_TIME"] = lambda record, args: parse_datetime(record.created_time)
FUNCTIONS["LAST_MODIFIED_TIME"] = lambda record, args: parse_datetime(
    record.modified_time or record.created_time
)
