"""REGISTRY_EDITORS parsing and matching, and the edit form's diff. Table-driven."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from registry_core.access import changed_fields, is_editor, parse_editors
from registry_core.records import ModelRecord


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, []),
        ("", []),
        ("ana@example.com", ["ana@example.com"]),
        (" Ana@Example.com , bo@x.io ,", ["ana@example.com", "bo@x.io"]),
        (["Ana@Example.com", "ana@example.com", ""], ["ana@example.com"]),
        (("@example.com", "*"), ["@example.com", "*"]),
        (42, ["42"]),
    ],
)
def test_parse_editors(raw: Any, expected: list[str]) -> None:
    assert parse_editors(raw) == expected


@pytest.mark.parametrize(
    ("email", "editors", "allowed"),
    [
        ("ana@example.com", ["ana@example.com"], True),
        ("ANA@example.com ", ["ana@example.com"], True),
        ("bo@example.com", ["ana@example.com"], False),
        ("bo@example.com", ["@example.com"], True),
        ("bo@evil-example.com", ["@example.com"], False),
        ("bo@example.com.evil.io", ["@example.com"], False),
        ("@example.com", ["@example.com"], False),
        ("anyone@anywhere.io", ["*"], True),
        (None, ["*"], False),
        ("", ["*"], False),
        ("ana@example.com", [], False),
    ],
)
def test_is_editor(email: str | None, editors: list[str], allowed: bool) -> None:
    assert is_editor(email, editors) is allowed


RECORD = ModelRecord(
    "openai",
    "gpt-4o",
    status="active",
    recommended=False,
    regions=("us",),
    cost_per_1k=0.0025,
    retirement_date=date(2026, 1, 1),
)


@pytest.mark.parametrize(
    ("proposed", "expected"),
    [
        ({}, {}),
        ({"status": "active", "recommended": False}, {}),
        ({"status": "deprecated"}, {"status": "deprecated"}),
        ({"status": None}, {"status": None}),
        ({"notes": ""}, {}),
        ({"notes": "hi"}, {"notes": "hi"}),
        ({"regions": ["us"]}, {}),
        ({"regions": ["us", "eu"]}, {"regions": ["us", "eu"]}),
        ({"regions": []}, {"regions": []}),
        ({"cost_per_1k": 0.0025000000000001}, {}),
        ({"cost_per_1k": 0.003}, {"cost_per_1k": 0.003}),
        ({"cost_per_1k": None}, {"cost_per_1k": None}),
        ({"output_cost_per_1k": 0.0}, {"output_cost_per_1k": 0.0}),
        ({"retirement_date": date(2026, 1, 1)}, {}),
        ({"retirement_date": None}, {"retirement_date": None}),
        ({"sort_order": 3}, {"sort_order": 3}),
    ],
)
def test_changed_fields(proposed: dict[str, Any], expected: dict[str, Any]) -> None:
    assert changed_fields(RECORD, proposed) == expected
