"""The row parser over hand-typed rows: never raises, flags every bad cell, keeps the good ones."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest

from registry_core import records as R
from registry_core.records import ModelRecord, parse_row, parse_rows

BASE = {R.PROVIDER_ID: "openai", R.MODEL_ID: "gpt-4o"}


# (cells, field that must be flagged (None = whole row), attribute, expected value after parsing)
MALFORMED: list[tuple[dict[str, Any], str | None, str | None, Any]] = [
    ({R.PROVIDER_ID: "", R.MODEL_ID: "x"}, None, None, "rejected"),
    ({R.PROVIDER_ID: "openai", R.MODEL_ID: "   "}, None, None, "rejected"),
    ({R.MODEL_ID: "gpt-4o"}, None, None, "rejected"),
    ({R.PROVIDER_ID: "openai"}, None, None, "rejected"),
    ({R.PROVIDER_ID: "openai", R.MODEL_ID: "x" * 300}, R.MODEL_ID, None, "rejected"),
    ({R.PROVIDER_ID: ["openai", "google"], R.MODEL_ID: "m"}, R.PROVIDER_ID, None, "rejected"),
    ({**BASE, R.STATUS: "retired"}, R.STATUS, "status", None),
    ({**BASE, R.STATUS: "Deprecated!"}, R.STATUS, "status", None),
    ({**BASE, R.STATUS: 3}, R.STATUS, "status", None),
    ({**BASE, R.DISCOVERY_METHOD: "scraped"}, R.DISCOVERY_METHOD, "discovery_method", None),
    ({**BASE, R.COST_PER_1K: "$0.50"}, R.COST_PER_1K, "cost_per_1k", None),
    ({**BASE, R.COST_PER_1K: "0,5"}, R.COST_PER_1K, "cost_per_1k", None),
    ({**BASE, R.COST_PER_1K: "free"}, R.COST_PER_1K, "cost_per_1k", None),
    ({**BASE, R.COST_PER_1K: -1}, R.COST_PER_1K, "cost_per_1k", None),
    ({**BASE, R.COST_PER_1K: float("nan")}, R.COST_PER_1K, "cost_per_1k", None),
    ({**BASE, R.COST_PER_1K: True}, R.COST_PER_1K, "cost_per_1k", None),
    ({**BASE, R.OUTPUT_COST_PER_1K: "1.5 USD"}, R.OUTPUT_COST_PER_1K, "output_cost_per_1k", None),
    ({**BASE, R.MAX_TOKENS: "128k"}, R.MAX_TOKENS, "max_tokens", None),
    ({**BASE, R.MAX_TOKENS: 1.5}, R.MAX_TOKENS, "max_tokens", None),
    ({**BASE, R.MAX_TOKENS: "1,000,000"}, R.MAX_TOKENS, "max_tokens", None),
    ({**BASE, R.MAX_OUTPUT_TOKENS: [4096]}, R.MAX_OUTPUT_TOKENS, "max_output_tokens", None),
    ({**BASE, R.SORT_ORDER: "first"}, R.SORT_ORDER, "sort_order", None),
    ({**BASE, R.FEATURES: ["chat", "telepathy"]}, R.FEATURES, "features", ("chat",)),
    ({**BASE, R.FEATURES: "Chat, VISION, smell"}, R.FEATURES, "features", ("chat", "vision")),
    ({**BASE, R.FEATURES: 7}, R.FEATURES, "features", ()),
    ({**BASE, R.FEATURES: ["chat", None]}, R.FEATURES, "features", ("chat",)),
    ({**BASE, R.REGIONS: ["us", "mars"]}, R.REGIONS, "regions", ("us",)),
    ({**BASE, R.REGIONS: "apac"}, R.REGIONS, "regions", ()),
    ({**BASE, R.DEPRECATION_DATE: "next year"}, R.DEPRECATION_DATE, "deprecation_date", None),
    ({**BASE, R.RETIREMENT_DATE: "31/12/2026"}, R.RETIREMENT_DATE, "retirement_date", None),
    ({**BASE, R.RELEASE_DATE: 20240101}, R.RELEASE_DATE, "release_date", None),
    ({**BASE, R.LAST_VERIFIED: "yesterday"}, R.LAST_VERIFIED, "last_verified", None),
    ({**BASE, R.AVAILABLE: "maybe"}, R.AVAILABLE, "available", False),
    ({**BASE, R.RECOMMENDED: 2}, R.RECOMMENDED, "recommended", False),
    ({**BASE, R.METADATA: "{not json"}, R.METADATA, "metadata", "{not json"),
    ({**BASE, R.METADATA: "[1, 2]"}, R.METADATA, "metadata", "[1, 2]"),
    ({**BASE, R.METADATA: 12}, R.METADATA, "metadata", None),
    ({**BASE, R.MODEL_NAME: "GPT\x00-4o\x1b"}, R.MODEL_NAME, "model_name", "GPT-4o"),
    ({**BASE, R.MODEL_NAME: "gpt\u202e-4o\u200b"}, R.MODEL_NAME, "model_name", "gpt-4o"),
    ({**BASE, R.NOTES: ["a", "b"]}, R.NOTES, "notes", None),
    ({**BASE, R.NOTES: "x" * (R.MAX_TEXT_LENGTH + 10)}, R.NOTES, "notes", "x" * R.MAX_TEXT_LENGTH),
]


@pytest.mark.parametrize(("cells", "flagged", "attr", "expected"), MALFORMED)
def test_malformed_rows_are_flagged_never_raised(
    cells: dict[str, Any], flagged: str | None, attr: str | None, expected: Any
) -> None:
    parsed = parse_row(cells, row_ref="row 7")
    assert parsed.warnings, "every malformed row must say what is wrong"
    assert all(w.row == "row 7" for w in parsed.warnings)
    if expected == "rejected":
        assert parsed.record is None
        assert any("rejected" in w.message or w.field == flagged for w in parsed.warnings)
        return
    assert parsed.record is not None, "one bad cell must not lose the row"
    assert any(w.field == flagged for w in parsed.warnings), parsed.warnings
    assert getattr(parsed.record, attr or "") == expected


def test_malformed_table_is_large_enough() -> None:
    assert len(MALFORMED) >= 30


def test_unknown_status_warning_names_value_and_options() -> None:
    parsed = parse_row({**BASE, R.STATUS: "Retired"})
    (warning,) = parsed.warnings
    assert "'Retired'" in warning.message
    for option in R.STATUS_OPTIONS:
        assert option in warning.message


def test_rejected_row_names_the_row() -> None:
    parsed = parse_row({R.PROVIDER_ID: "openai"}, row_ref="recABC")
    assert parsed.record is None
    assert str(parsed.warnings[0]).startswith("recABC")
    assert "Model ID" in parsed.warnings[0].message


def test_options_normalise_whitespace_and_case() -> None:
    parsed = parse_row(
        {
            R.PROVIDER_ID: "  Anthropic ",
            R.MODEL_ID: " claude-sonnet-4-5 ",
            R.STATUS: "  PREVIEW ",
            R.DISCOVERY_METHOD: "Manual",
            R.FEATURES: [" Vision", "chat ", "CHAT"],
            R.REGIONS: ["EU", " global"],
        }
    )
    assert parsed.warnings == ()
    rec = parsed.record
    assert rec is not None
    assert rec.key == ("anthropic", "claude-sonnet-4-5")
    assert (rec.status, rec.discovery_method) == ("preview", "manual")
    assert rec.features == ("chat", "vision")
    assert rec.regions == ("eu", "global")


def test_good_row_round_trips_through_cells() -> None:
    record = ModelRecord(
        provider_id="google",
        model_id="gemini-2.5-flash",
        model_name="Gemini 2.5 Flash",
        status="active",
        available=True,
        last_verified=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        discovery_method="api",
        cost_per_1k=0.0003,
        output_cost_per_1k=0.0025,
        max_tokens=1_048_576,
        max_output_tokens=65_536,
        features=("chat", "vision", "streaming"),
        regions=("global",),
        release_date=date(2025, 6, 17),
        deprecation_date=date(2026, 6, 17),
        retirement_date=date(2026, 12, 17),
        recommended=True,
        sort_order=-1,
        successor_model="gemini-3-flash",
        alias_of=None,
        source="provider+catalog",
        scope="google/acme",
        notes="line one\nline two",
        metadata={"provenance": {R.COST_PER_1K: "catalog"}},
    )
    cells = json.loads(json.dumps(record.to_fields(omit_empty=True)))
    parsed = parse_row(cells)
    assert parsed.warnings == ()
    assert parsed.record == record
    assert parsed.record.provenance == {R.COST_PER_1K: "catalog"}


def test_empty_and_false_cells_are_omitted_like_airtable() -> None:
    cells = ModelRecord("openai", "o3").to_fields(omit_empty=True)
    assert cells == {R.PROVIDER_ID: "openai", R.MODEL_ID: "o3"}
    assert parse_row(cells).record == ModelRecord("openai", "o3")


def test_plain_number_strings_and_checkbox_words_are_accepted() -> None:
    parsed = parse_row({**BASE, R.COST_PER_1K: " 0.5 ", R.MAX_TOKENS: "128000", R.AVAILABLE: "yes"})
    assert parsed.warnings == ()
    assert parsed.record is not None
    assert (parsed.record.cost_per_1k, parsed.record.max_tokens) == (0.5, 128000)
    assert parsed.record.available is True


def test_non_mapping_row_is_rejected_not_raised() -> None:
    parsed = parse_row(["openai", "gpt-4o"], row_ref="row 3")  # type: ignore[arg-type]
    assert parsed.record is None
    assert "row 3" in str(parsed.warnings[0])


def test_duplicates_are_reported_and_most_recently_verified_wins() -> None:
    old = {**BASE, R.LAST_VERIFIED: "2026-01-01T00:00:00Z", R.NOTES: "old"}
    new = {**BASE, R.LAST_VERIFIED: "2026-06-01T00:00:00Z", R.NOTES: "new"}
    never = {**BASE, R.NOTES: "never verified"}
    result = parse_rows([("row 1", old), ("row 2", new), ("row 3", never)])
    assert [r.notes for r in result.records] == ["new"]
    assert len(result.warnings) == 2
    assert all("duplicate" in w.message for w in result.warnings)
    assert {w.row for w in result.warnings} == {"row 1", "row 3"}


def test_one_bad_row_never_hides_the_good_ones() -> None:
    rows = [(f"row {i}", cells) for i, (cells, *_rest) in enumerate(MALFORMED)]
    rows.append(("row good", {R.PROVIDER_ID: "mistral", R.MODEL_ID: "mistral-large-2411"}))
    result = parse_rows(rows)
    keys = {r.key for r in result.records}
    assert ("mistral", "mistral-large-2411") in keys
    assert result.warnings
