"""The hand-typed bad rows through both stores: every valid row shown as typed, every bad
field flagged on its own row, nothing flagged that is not bad, nothing raised."""

from __future__ import annotations

from collections import defaultdict

from registry_core.records import parse_row

from .conftest import Loaded, bad_rows


def _key(cells: dict[str, object]) -> tuple[str, str]:
    """The key a person means: trimmed, provider in lower case, control characters dropped."""
    record = parse_row(cells).record
    assert record is not None, cells
    return record.key


def test_the_table_is_big_enough_for_both_stores() -> None:
    rows = bad_rows()
    assert len(rows) >= 50
    assert sum(1 for r in rows if r.applies_to("airtable")) >= 50
    assert sum(1 for r in rows if r.applies_to("sqlite")) >= 50
    assert sum(1 for r in rows if r.flags) >= 40


def test_every_bad_field_flagged_and_every_valid_row_shown(loaded: Loaded) -> None:
    result = loaded.store.list_models()
    by_ref: dict[str, set[str]] = defaultdict(set)
    for warning in result.warnings:
        by_ref[warning.row].add(warning.field or "*")
    records = {r.key: r for r in result.records}

    for row in loaded.rows:
        ref = loaded.refs[row.index]
        got = by_ref.get(ref, set())
        assert got == set(row.flags), (loaded.tier, row.index, row.note, got, row.flags)
        if not row.shown:
            if row.duplicate_of is None and not row.flags & {"*"}:
                continue
            if "Provider ID" in row.cells and "Model ID" in row.cells and row.duplicate_of:
                # the duplicate is not what is shown: the first row typed is
                shown = records[_key(row.cells)]
                assert shown.model_name != row.cells.get("Model Name")
            continue
        key = _key(row.cells)
        assert key in records, (loaded.tier, row.index, row.note)
        if not row.flags and row.wins_over is None and row.applies_to("airtable"):
            # a valid row is shown exactly as typed
            expected = parse_row(row.cells).record
            assert expected is not None
            assert records[key].to_fields() == expected.to_fields(), (row.index, row.note)
        if row.wins_over:
            assert records[key].last_verified is not None
            assert records[key].last_verified.year == 2030

    # nothing else was flagged, and every shown record came from one of the rows
    refs = set(loaded.refs.values())
    stray = [w for w in result.warnings if w.row not in refs]
    assert not stray, stray[:5]
    expected_shown = {_key(r.cells) for r in loaded.rows if r.shown}
    assert set(records) == expected_shown


def test_provider_filter_and_formula_ids_read_exactly_their_rows(loaded: Loaded) -> None:
    """Reading one provider (an Airtable formula) returns that provider's rows and no other."""
    every = loaded.store.list_models().records
    # a control character inside a provider id ("open\0ai") refuses the row (registry_core.ids)
    for provider in ("openai", "anthropic", "mistral"):
        one = loaded.store.list_models(provider).records
        wanted = {r.key for r in every if r.provider_id == provider}
        assert {r.key for r in one} == wanted
