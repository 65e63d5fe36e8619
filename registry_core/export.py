"""CSV export of registry records: chosen columns, costs per 1K and per 1M tokens, safe to open.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or
carriage return) as a formula. Model names and notes are typed by people and listed by
providers, so every text cell that starts that way is neutralised with a leading apostrophe
(OWASP's advice); numbers are written as plain numbers and never touched.

Providers read by name, as on every page (``Provider ID`` holds the id); prices are plain
decimals (``0.00002``, never ``2e-05``, which people and some spreadsheets misread).

>>> rec = ModelRecord("openai", "gpt-4o", cost_per_1k=0.00002, notes="=HYPERLINK(1)")
>>> print(records_to_csv([rec], ["Provider", "Model ID", "Input $/1K", "Notes"]), end="")
Provider,Model ID,Input $/1K,Notes
OpenAI,gpt-4o,0.00002,'=HYPERLINK(1)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from registry_core.cells import format_datetime
from registry_core.filters import provider_label
from registry_core.records import ModelRecord

#: Leading characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | None


def neutralise(value: Cell) -> Cell:
    """Make a text cell inert in spreadsheets; other values pass through.

    >>> neutralise("=1+1"), neutralise("-2"), neutralise("gpt-4o"), neutralise(-2.0)
    ("'=1+1", "'-2", 'gpt-4o', -2.0)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def per_million(cost_per_1k: float | None) -> float | None:
    """USD per 1K tokens -> USD per 1M tokens, without float noise.

    >>> per_million(0.00015)
    0.15
    """
    return None if cost_per_1k is None else round(cost_per_1k * 1000, 10)


def _per_1k(value: float | None) -> float | None:
    return None if value is None else round(value, 12)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: datetime | None) -> str | None:
    return None if value is None else format_datetime(value)


def _listed(values: Sequence[str]) -> str:
    return ", ".join(values)


def plain_decimal(value: float) -> str:
    """A float as a plain decimal, never in scientific notation.

    >>> plain_decimal(2e-05), plain_decimal(2.5), plain_decimal(30.0), plain_decimal(1e21)
    ('0.00002', '2.5', '30', '1000000000000000000000')
    """
    if value.is_integer():
        return str(int(value))
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


#: Export column label -> how to read it from a record, in the default order.
EXPORT_COLUMNS: dict[str, Callable[[ModelRecord], Cell]] = {
    "Provider": lambda r: provider_label(r.provider_id),
    "Provider ID": lambda r: r.provider_id,
    "Model ID": lambda r: r.model_id,
    "Model Name": lambda r: r.model_name,
    "Status": lambda r: r.status,
    "Available": lambda r: r.available,
    "Input $/1K": lambda r: _per_1k(r.cost_per_1k),
    "Output $/1K": lambda r: _per_1k(r.output_cost_per_1k),
    "Input $/1M": lambda r: per_million(r.cost_per_1k),
    "Output $/1M": lambda r: per_million(r.output_cost_per_1k),
    "Cache read $/1M": lambda r: per_million(r.cache_read_cost_per_1k),
    "Cache write $/1M": lambda r: per_million(r.cache_write_cost_per_1k),
    "Context window": lambda r: r.max_tokens,
    "Max output": lambda r: r.max_output_tokens,
    "Features": lambda r: _listed(r.features),
    "Regions": lambda r: _listed(r.regions),
    "Release": lambda r: _day(r.release_date),
    "Deprecation": lambda r: _day(r.deprecation_date),
    "Retirement": lambda r: _day(r.retirement_date),
    "Recommended": lambda r: r.recommended,
    "Successor": lambda r: r.successor_model,
    "Alias of": lambda r: r.alias_of,
    "Source": lambda r: r.source,
    "Last verified": lambda r: _moment(r.last_verified),
    "Notes": lambda r: r.notes,
}

DEFAULT_EXPORT_COLUMNS: tuple[str, ...] = (
    "Provider",
    "Model ID",
    "Model Name",
    "Status",
    "Input $/1K",
    "Output $/1K",
    "Input $/1M",
    "Output $/1M",
    "Context window",
)


def _text(value: Cell) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return plain_decimal(value)
    if isinstance(value, str) and "\r" in value:
        # a bare carriage return is not quoted by the csv module (the line end is "\n") but
        # spreadsheets break the row there, so "x\r=1+1" would start a new cell with a formula
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return neutralise(value)


def export_rows(
    records: Iterable[ModelRecord], columns: Sequence[str] = DEFAULT_EXPORT_COLUMNS
) -> list[list[Any]]:
    """The header and one row per record, with cells neutralised.

    Raises:
        KeyError: a column is not in :data:`EXPORT_COLUMNS`.
    """
    unknown = [c for c in columns if c not in EXPORT_COLUMNS]
    if unknown:
        raise KeyError(f"unknown export columns: {', '.join(unknown)}")
    getters = [EXPORT_COLUMNS[c] for c in columns]
    rows: list[list[Any]] = [list(columns)]
    rows.extend([_text(get(record)) for get in getters] for record in records)
    return rows


def records_to_csv(
    records: Iterable[ModelRecord], columns: Sequence[str] = DEFAULT_EXPORT_COLUMNS
) -> str:
    """CSV text (``\\n`` line ends, minimal quoting) of ``records`` with ``columns``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(export_rows(records, columns))
    return buffer.getvalue()
