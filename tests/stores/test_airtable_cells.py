"""Pure helpers of the Airtable store: diffing, cells for writes, formulas, events and runs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from registry_core import records as R
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.records import ModelRecord
from registry_core.stores import airtable_cells as C
from registry_core.stores import airtable_schema as S

BASE = ModelRecord("openai", "gpt-4o", model_name="GPT-4o", cost_per_1k=0.0025)


@pytest.mark.parametrize(
    ("known", "new", "changed"),
    [
        (None, BASE, True),
        (BASE, BASE, False),
        # Airtable omits false/empty: absent and false/empty are one state
        (BASE.replace(available=False), BASE, False),
        (BASE.replace(features=()), BASE.replace(features=()), False),
        (BASE.replace(notes=None), BASE.replace(notes=None), False),
        (BASE, BASE.replace(available=True), True),
        (BASE.replace(available=True), BASE, True),
        (BASE, BASE.replace(cost_per_1k=None), True),
        (BASE, BASE.replace(features=("chat",)), True),
        (BASE.replace(metadata={"a": 1, "b": 2}), BASE.replace(metadata={"b": 2, "a": 1}), False),
        (
            BASE.replace(last_verified=datetime(2025, 1, 1, 12, 0, 0, 123000, tzinfo=UTC)),
            BASE.replace(last_verified=datetime(2025, 1, 1, 12, 0, 0, 123456, tzinfo=UTC)),
            False,  # Airtable keeps milliseconds
        ),
        (BASE, BASE.replace(release_date=date(2024, 5, 13)), True),
    ],
)
def test_has_changed(known: ModelRecord | None, new: ModelRecord, changed: bool) -> None:
    assert C.has_changed(known, new) is changed


def test_cells_for_write_clears_every_empty_field_explicitly() -> None:
    cells = C.cells_for_write(BASE)
    assert set(cells) == set(R.ALL_FIELDS)
    assert cells[R.NOTES] is None and cells[R.STATUS] is None
    assert cells[R.AVAILABLE] is False and cells[R.RECOMMENDED] is False
    assert cells[R.FEATURES] == [] and cells[R.REGIONS] == []
    assert cells[R.COST_PER_1K] == 0.0025
    with_meta = C.cells_for_write(BASE.replace(metadata={"x": [1]}))
    assert json.loads(with_meta[R.METADATA]) == {"x": [1]}


def test_check_options_refuses_unknown_status_and_method() -> None:
    C.check_options(BASE.replace(status="active", discovery_method="api"))
    with pytest.raises(C.InvalidRecordError, match="Status 'retired'"):
        C.check_options(BASE.replace(status="retired"))
    with pytest.raises(C.InvalidRecordError, match="Discovery Method"):
        C.check_options(BASE.replace(discovery_method="scraped"))


@pytest.mark.parametrize(
    ("features", "regions", "typecast"),
    [
        ((), (), False),
        (("chat", "vision"), ("us",), False),
        (("audio",), (), True),
        ((), ("apac",), True),
    ],
)
def test_typecast_only_for_new_feature_or_region_options(
    features: tuple[str, ...], regions: tuple[str, ...], typecast: bool
) -> None:
    record = BASE.replace(features=features, regions=regions, status="active")
    assert C.needs_typecast([BASE, record]) is typecast


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("openai", "LOWER(TRIM({Provider ID}))='openai'"),
        (" OpenAI ", "LOWER(TRIM({Provider ID}))='openai'"),
        ("o'ai", "LOWER(TRIM({Provider ID}))='o\\'ai'"),
        ("a\\b", "LOWER(TRIM({Provider ID}))='a\\\\b'"),
        ("{x}", "LOWER(TRIM({Provider ID}))='{x}'"),
    ],
)
def test_provider_formula_escapes(provider: str, expected: str) -> None:
    assert C.provider_formula(provider) == expected


def test_event_and_runs_formulas() -> None:
    assert C.events_formula(None, None, None) is None
    assert C.events_formula("openai", None, None) == "{Provider ID}='openai'"
    since = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert C.events_formula("p", "m'1", since) == (
        "AND({Provider ID}='p', {Model ID}='m\\'1', "
        "{At}>=DATETIME_PARSE('2025-01-02T03:04:05.000Z'))"
    )
    assert C.runs_formula(None) == (
        "AND({Run ID}!='__registry_version__', NOT(LEFT({Run ID}, 10)='__lease__:'))"
    )
    assert C.runs_formula("x").startswith("AND(")
    assert C.event_keys_formula(["a"]) == "{Event Key}='a'"
    assert C.event_keys_formula(["a", "b"]) == "OR({Event Key}='a', {Event Key}='b')"


def test_event_round_trip_through_cells() -> None:
    event = HistoryEvent(
        event_key="k1",
        provider_id="openai",
        model_id='gpt "4o"',
        kind="cost_changed",
        at=datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        run_id="r1",
        source="discovery",
        detail={"field": "Cost per 1K tokens", "old": 1, "new": 2},
    )
    cells = {k: v for k, v in C.event_to_fields(event).items() if v is not None}
    assert C.fields_to_event("rec1", cells) == event


def test_broken_event_rows_are_skipped_not_raised() -> None:
    assert C.fields_to_event("rec1", {S.EVENT_KEY: "k"}) is None
    cells = {
        S.EVENT_KEY: "k",
        S.EVENT_PROVIDER_ID: "p",
        S.EVENT_MODEL_ID: "m",
        S.EVENT_KIND: "added",
        S.EVENT_AT: "yesterday",
    }
    assert C.fields_to_event("rec1", cells) is None
    cells[S.EVENT_AT] = "2025-01-01T00:00:00.000Z"
    cells[S.EVENT_DETAIL] = "not json"
    event = C.fields_to_event("rec1", cells)
    assert event is not None and event.detail == {"text": "not json"}


def test_run_round_trip_through_cells() -> None:
    run = DiscoveryRun(
        run_id="run-1",
        provider_id="anthropic",
        trigger="schedule",
        started_at=datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
        duration_s=1.25,
        models_seen=12,
        added=1,
        removed=0,
        changed=3,
        outcome="ok",
        credential="anthropic/default",
    )
    cells = {k: v for k, v in C.run_to_fields(run).items() if v is not None and v != 0}
    assert C.fields_to_run("rec1", cells) == run


def test_chunks() -> None:
    assert [list(c) for c in C.chunks(list(range(23)), 10)] == [
        list(range(10)),
        list(range(10, 20)),
        [20, 21, 22],
    ]


TYPED = BASE.replace(status="active", notes="typed by a person")


@pytest.mark.parametrize(
    ("new", "current", "seen", "sent"),
    [
        # a row not known to exist: only its non-empty cells (never a clear)
        (BASE, None, None, {R.PROVIDER_ID, R.MODEL_ID, R.MODEL_NAME, R.COST_PER_1K}),
        # a known row: only the changed columns
        (TYPED.replace(status="deprecated"), TYPED, None, {R.STATUS}),
        (TYPED, TYPED, None, set()),
        (TYPED.replace(notes=None), TYPED, None, {R.NOTES}),  # a clear that was meant
        (TYPED.replace(available=True), TYPED, None, {R.AVAILABLE}),
        # the row changed since the caller read it: columns the caller left alone stay
        (BASE.replace(status="deprecated"), TYPED, BASE, {R.STATUS}),
        (BASE.replace(status="active"), TYPED, BASE, set()),  # already so: nothing to send
    ],
)
def test_cells_to_write_sends_only_the_columns_a_write_changes(
    new: ModelRecord, current: ModelRecord | None, seen: ModelRecord | None, sent: set[str]
) -> None:
    cells = C.cells_to_write(new, current, seen)
    assert set(cells) == sent
    if R.NOTES in cells:
        assert cells[R.NOTES] is None
