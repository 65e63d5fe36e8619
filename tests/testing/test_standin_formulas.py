"""filterByFormula as pyairtable.formulas builds it: exactly the right rows, or the 422."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import requests
from pyairtable import Table
from pyairtable.formulas import (
    AND,
    EQ,
    FIND,
    GT,
    GTE,
    LOWER,
    LT,
    NE,
    NOT,
    OR,
    Field,
    match,
)

NAMES = [
    "plain",
    "O'Brien",
    'say "hi"',
    "back\\slash",
    "tricky \\' mix",
    "brace {x} and }",
    "Plain",
    "",
]


@pytest.fixture
def rows(table: Table) -> dict[str, str]:
    """Name -> record id for a set of rows chosen to break naive escaping."""
    made = table.batch_create(
        [
            {
                "Model Name": name,
                "Context Window": i * 10,
                "Vision": i % 2 == 1,
                "Released": f"2024-01-0{i + 1}",
                "Last Seen": f"2024-01-0{i + 1}T12:00:00.000Z",
                "Capabilities": ["text", "tools"] if i < 2 else ["vision"],
                "Status": "Active" if i < 4 else "Deprecated",
            }
            for i, name in enumerate(NAMES)
        ]
    )
    return {r["fields"].get("Model Name", ""): r["id"] for r in made}


def _names(table: Table, formula: Any) -> list[str]:
    return sorted(r["fields"].get("Model Name", "") for r in table.all(formula=formula))


@pytest.mark.parametrize("name", [n for n in NAMES if n])
def test_match_finds_exactly_the_row_with_awkward_characters(
    table: Table, rows: dict[str, str], name: str
) -> None:
    assert _names(table, match({"Model Name": name})) == [name]
    assert _names(table, EQ(Field("Model Name"), name)) == [name]


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        (match({"Model Name": "plain", "Vision": False}), ["plain"]),
        (match({"Vision": True}), ["", "O'Brien", "back\\slash", "brace {x} and }"]),
        (match({"Context Window": (">=", 50)}), ["", "Plain", "brace {x} and }"]),
        (match({"Model Name": "plain", "Status": "Active"}, match_any=True), sorted(NAMES[:4])),
        (AND(GT(Field("Context Window"), 10), LT(Field("Context Window"), 40)), sorted(NAMES[2:4])),
        (
            OR(EQ(Field("Model Name"), "plain"), EQ(Field("Model Name"), "Plain")),
            ["Plain", "plain"],
        ),
        (NOT(EQ(Field("Status"), "Active")), sorted(NAMES[4:])),
        (NE(Field("Status"), "Active"), sorted(NAMES[4:])),
        (EQ(LOWER(Field("Model Name")), "plain"), ["Plain", "plain"]),
        (GTE(FIND("'", Field("Model Name")), 1), ["O'Brien", "tricky \\' mix"]),
        (match({"Released": date(2024, 1, 3)}), ['say "hi"']),
        (match({"Last Seen": datetime(2024, 1, 2, 12, 0, 0)}), ["O'Brien"]),
        ("FIND('2024-01-04', {Last Seen})", ["back\\slash"]),
        ("FIND('tools', {Capabilities})", ["O'Brien", "plain"]),
        ("IS_AFTER({Released}, DATETIME_PARSE('2024-01-06'))", ["Plain", ""]),
        ("{Model Name}=BLANK()", [""]),
        ("{Model Name}=''", [""]),
        ('{Model Name}="plain"', ["plain"]),
        ("AND({Vision}, {Context Window}>40)", ["", "brace {x} and }"]),
        ("{Context Window}", sorted(NAMES[1:])),
        ("TRUE()", sorted(NAMES)),
        ("FALSE()", []),
        ("LEN({Model Name})=7", ["O'Brien"]),
        ("{Context Window}/10+1=3", ['say "hi"']),
        ("{Model Name}&'!'='plain!'", ["plain"]),
    ],
)
def test_formulas_return_exactly_the_right_rows(
    table: Table, rows: dict[str, str], formula: Any, expected: list[str]
) -> None:
    assert _names(table, formula) == sorted(expected)


def test_record_id_lookup(table: Table, rows: dict[str, str]) -> None:
    formula = OR(*(f"RECORD_ID()='{rows[n]}'" for n in ("plain", "O'Brien")))
    assert _names(table, formula) == ["O'Brien", "plain"]


def test_first_with_formula_and_none_when_empty(table: Table, rows: dict[str, str]) -> None:
    first = table.first(formula=match({"Model Name": "O'Brien"}))
    assert first is not None and first["id"] == rows["O'Brien"]
    assert table.first(formula=match({"Model Name": "nobody"})) is None


@pytest.mark.parametrize(
    ("formula", "tail"),
    [
        ("{Nope}='x'", "Unknown field names: nope"),
        ("AND({Model Name}='x', {Also Missing}=1)", "Unknown field names: also missing"),
        ("BAD({Model Name})", "Unknown function names: BAD"),
        ("{Model Name}='unterminated", "Invalid formula. Please check your formula text."),
        ("AND({Model Name}='x'", "Invalid formula. Please check your formula text."),
        ("{Model Name}=='x'", "Invalid formula. Please check your formula text."),
    ],
)
def test_bad_formulas_are_422_invalid_filter_by_formula(
    table: Table, formula: str, tail: str
) -> None:
    with pytest.raises(requests.HTTPError) as exc:
        table.all(formula=formula)
    assert exc.value.response.status_code == 422
    assert exc.value.response.json()["error"] == {
        "type": "INVALID_FILTER_BY_FORMULA",
        "message": f"The formula for filtering records is invalid: {tail}",
    }


def test_field_ids_in_formulas_are_refused(table: Table) -> None:
    # Reported rejected by the live API (facts §7.2); refusing keeps callers on names.
    field_id = table.schema().primary_field_id
    with pytest.raises(requests.HTTPError) as exc:
        table.all(formula=f"{{{field_id}}}='x'")
    assert "Unknown field names" in exc.value.response.json()["error"]["message"]


def test_rows_that_error_are_dropped_not_fatal(table: Table, rows: dict[str, str]) -> None:
    assert _names(table, "VALUE({Model Name})>0") == []
