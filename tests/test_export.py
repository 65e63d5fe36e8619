"""CSV export: chosen columns, per-1K and per-1M costs, formula injection neutralised."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from registry_core.export import (
    DEFAULT_EXPORT_COLUMNS,
    EXPORT_COLUMNS,
    export_rows,
    neutralise,
    per_million,
    records_to_csv,
)
from registry_core.records import ModelRecord


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("gpt-4o", "gpt-4o"),
        ("a=b", "a=b"),
        ("", ""),
        (None, None),
        (-1.5, -1.5),
        (3, 3),
        (True, True),
    ],
)
def test_neutralise(cell: object, expected: object) -> None:
    assert neutralise(cell) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("per_1k", "per_1m"),
    [(0.0025, 2.5), (0.00015, 0.15), (0.01, 10.0), (0.0, 0.0), (None, None), (0.000075, 0.075)],
)
def test_per_million(per_1k: float | None, per_1m: float | None) -> None:
    assert per_million(per_1k) == per_1m


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_default_columns_and_costs() -> None:
    recs = [
        ModelRecord(
            "openai",
            "gpt-4o-mini",
            model_name="GPT-4o mini",
            status="active",
            cost_per_1k=0.00015,
            output_cost_per_1k=0.0006,
            max_tokens=128_000,
        ),
        ModelRecord("mistral", "free-model"),
    ]
    rows = _parse(records_to_csv(recs))
    assert rows[0] == list(DEFAULT_EXPORT_COLUMNS)
    assert rows[1] == [
        "OpenAI",  # providers by name, as on every page
        "gpt-4o-mini",
        "GPT-4o mini",
        "active",
        "0.00015",
        "0.0006",
        "0.15",
        "0.6",
        "128000",
    ]
    assert rows[2] == ["Mistral", "free-model", "", "", "", "", "", "", ""]


def test_chosen_columns_in_chosen_order() -> None:
    rec = ModelRecord(
        "anthropic",
        "claude",
        features=("chat", "vision"),
        available=True,
        release_date=date(2024, 10, 22),
    )
    rows = _parse(records_to_csv([rec], ["Release", "Features", "Model ID", "Available"]))
    assert rows == [
        ["Release", "Features", "Model ID", "Available"],
        ["2024-10-22", "chat, vision", "claude", "true"],
    ]


def test_every_column_is_exportable() -> None:
    rec = ModelRecord("openai", "x")
    rows = export_rows([rec], list(EXPORT_COLUMNS))
    assert len(rows[1]) == len(EXPORT_COLUMNS)


def test_unknown_column_is_refused() -> None:
    with pytest.raises(KeyError, match="Secret"):
        records_to_csv([], ["Provider", "Secret"])


@pytest.mark.parametrize("payload", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "\t=1"])
def test_injected_text_cells_are_neutralised(payload: str) -> None:
    rec = ModelRecord("openai", "m", model_name=payload, notes=payload, successor_model=payload)
    rows = _parse(records_to_csv([rec], ["Model ID", "Model Name", "Notes", "Successor"]))
    for cell in rows[1][1:]:
        assert cell == "'" + payload
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_quotes_and_newlines_survive() -> None:
    rec = ModelRecord("openai", "m", notes='line one\nsays "hi", ok')
    rows = _parse(records_to_csv([rec], ["Notes"]))
    assert rows[1] == ['line one\nsays "hi", ok']


def test_no_rows_gives_header_only() -> None:
    assert records_to_csv([], ["Provider", "Model ID"]) == "Provider,Model ID\n"


def test_a_bare_carriage_return_cannot_start_a_formula_cell() -> None:
    rec = ModelRecord("openai", "m", notes="x\r=1+1", model_name="a\r\nb")
    text = records_to_csv([rec], ["Model Name", "Notes"])
    assert "\r" not in text
    assert _parse(text)[1] == ["a\nb", "x\n=1+1"]


def test_prices_are_plain_decimals_and_providers_have_an_id_column() -> None:
    rec = ModelRecord("openai", "tiny", cost_per_1k=0.00002, output_cost_per_1k=0.000001)
    rows = _parse(records_to_csv([rec], ["Provider", "Provider ID", "Input $/1K", "Output $/1K"]))
    # repr() wrote 2e-05 and 1e-06: spreadsheets in some locales read them as text
    assert rows[1] == ["OpenAI", "openai", "0.00002", "0.000001"]
