"""Planning setup from a base schema (pure): what is missing, what cannot be fixed."""

from __future__ import annotations

from registry_core import records as R
from registry_core.airtable_setup import FieldState, TableState, plan_setup
from registry_core.stores.airtable_schema import TABLE_SPECS

NAMES = {
    "models": "AI Model Registry",
    "history": "AI Model History",
    "runs": "AI Model Discovery Runs",
}


def _complete() -> list[TableState]:
    tables = []
    for spec in TABLE_SPECS:
        fields = []
        for f in spec.fields:
            choices = tuple(c["name"] for c in (f.get("options") or {}).get("choices", []))
            fields.append(FieldState(f["name"], f["type"], choices))
        tables.append(TableState("tbl" + spec.role, spec.default_name, tuple(fields)))
    return tables


def test_empty_base_creates_three_tables() -> None:
    plan = plan_setup([], NAMES)
    assert [(a.kind, a.table) for a in plan.actions] == [
        ("create_table", "AI Model Registry"),
        ("create_table", "AI Model History"),
        ("create_table", "AI Model Discovery Runs"),
    ]
    assert plan.actions[0].spec.fields[0]["name"] == R.MODEL_ID  # primary field


def test_complete_base_has_nothing_to_do() -> None:
    plan = plan_setup(_complete(), NAMES)
    assert plan.nothing_to_do and not plan.problems


def test_missing_field_and_option_are_planned_and_type_changes_reported() -> None:
    tables = _complete()
    models = tables[0]
    fields = [f for f in models.fields if f.name != R.NOTES]
    fields = [FieldState(f.name, f.type, ("chat",)) if f.name == R.FEATURES else f for f in fields]
    fields = [FieldState(f.name, "singleLineText") if f.name == R.MAX_TOKENS else f for f in fields]
    fields = [FieldState("model name", f.type) if f.name == R.MODEL_NAME else f for f in fields]
    tables[0] = TableState(models.id, models.name, tuple(fields))
    plan = plan_setup(tables, NAMES)
    described = [a.describe() for a in plan.actions]
    assert "add field 'Notes' (multilineText) to 'AI Model Registry'" in described
    assert (
        "add option(s) 'vision', 'embeddings', 'streaming' to 'Features' in 'AI Model Registry'"
        in described
    )
    assert len(plan.actions) == 2
    assert any("Max Tokens" in p and "singleLineText" in p for p in plan.problems)
    assert any("'model name'" in p and "rename" in p for p in plan.problems)


def test_custom_table_names_are_used() -> None:
    names = dict(NAMES, models="Models")
    plan = plan_setup(_complete(), names)
    assert [(a.kind, a.table) for a in plan.actions] == [("create_table", "Models")]
