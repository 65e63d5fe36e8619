"""``python -m registry_core setup-airtable``: create or complete the three tables, never touch data.

Reads the base schema through the Meta API (needs the ``schema.bases:read`` scope), plans what
is missing — tables, fields, select options — and applies it (``schema.bases:write``):

- a missing table is created with every field typed (the first field is the primary field);
- a missing field is added with its type and options;
- a missing select option is added the only way Airtable's API allows (its update-field
  endpoint takes a name and a description, nothing else): one scratch row written with
  ``typecast``, which makes Airtable create the option, deleted again in the next request.
  Existing rows are never read or written.

A field whose *type* differs is reported, not changed (the API cannot change field types). A
second run on a complete base plans nothing and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyairtable import Api

from registry_core.config import AirtableSettings
from registry_core.errors import ConfigError, PermissionDeniedError, RegistryError
from registry_core.stores.airtable_http import (
    RequestCounter,
    build_api,
    limiter_for,
    translate,
)
from registry_core.stores.airtable_schema import TABLE_SPECS, TableSpec

SELECT_TYPES = frozenset({"singleSelect", "multipleSelects"})


@dataclass(frozen=True)
class FieldState:
    """A field as the Meta API describes it (only what planning needs)."""

    name: str
    type: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableState:
    """A table as the Meta API describes it."""

    id: str
    name: str
    fields: tuple[FieldState, ...] = ()


@dataclass(frozen=True)
class SetupAction:
    """One change: ``create_table``, ``add_field`` or ``add_options``."""

    kind: str
    table: str
    spec: TableSpec
    field: dict[str, Any] | None = None
    options: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "create_table":
            return f"create table {self.table!r} with {len(self.spec.fields)} fields"
        assert self.field is not None
        if self.kind == "add_field":
            return f"add field {self.field['name']!r} ({self.field['type']}) to {self.table!r}"
        return (
            f"add option(s) {', '.join(repr(o) for o in self.options)} to "
            f"{self.field['name']!r} in {self.table!r}"
        )


@dataclass
class SetupPlan:
    """What setup would do, and what it cannot fix by itself."""

    actions: list[SetupAction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return not self.actions


def table_names(settings: AirtableSettings) -> dict[str, str]:
    """Table role -> the name configured for it."""
    return {
        "models": settings.models_table,
        "history": settings.history_table,
        "runs": settings.runs_table,
    }


def plan_setup(existing: Sequence[TableState], names: Mapping[str, str]) -> SetupPlan:
    """The actions that bring ``existing`` up to :data:`TABLE_SPECS` (pure; no I/O).

    >>> plan = plan_setup([], {"models": "M", "history": "H", "runs": "R"})
    >>> [a.describe() for a in plan.actions][0]
    "create table 'M' with 27 fields"
    """
    plan = SetupPlan()
    by_name = {t.name: t for t in existing}
    by_lower = {t.name.lower(): t for t in existing}
    for spec in TABLE_SPECS:
        name = names.get(spec.role, spec.default_name)
        table = by_name.get(name) or by_lower.get(name.lower())
        if table is None:
            plan.actions.append(SetupAction("create_table", name, spec))
            continue
        fields = {f.name: f for f in table.fields}
        lower = {f.name.lower(): f for f in table.fields}
        for wanted in spec.fields:
            fname = str(wanted["name"])
            have = fields.get(fname)
            if have is None:
                clash = lower.get(fname.lower())
                if clash is not None:
                    plan.problems.append(
                        f"{table.name!r} has a field {clash.name!r}; rename it to {fname!r} "
                        "(Airtable field names are unique regardless of case)"
                    )
                else:
                    plan.actions.append(SetupAction("add_field", table.name, spec, wanted))
                continue
            if have.type != wanted["type"]:
                plan.problems.append(
                    f"{table.name!r}.{fname!r} is a {have.type} field, expected {wanted['type']}; "
                    "change its type in Airtable (the API cannot)"
                )
                continue
            if wanted["type"] in SELECT_TYPES:
                choices = [str(c["name"]) for c in wanted["options"]["choices"]]
                missing = tuple(c for c in choices if c not in have.choices)
                if missing:
                    plan.actions.append(
                        SetupAction("add_options", table.name, spec, wanted, missing)
                    )
    return plan


def _table_state(table: Any) -> TableState:
    fields = []
    for f in table.fields:
        options = getattr(f, "options", None)
        choices = tuple(str(c.name) for c in getattr(options, "choices", None) or ())
        kind = getattr(f.type, "value", f.type)  # pyairtable gives an enum
        fields.append(FieldState(name=str(f.name), type=str(kind), choices=choices))
    return TableState(id=str(table.id), name=str(table.name), fields=tuple(fields))


def plan_for_schema(schema: Any, names: Mapping[str, str]) -> SetupPlan:
    """:func:`plan_setup` for a base schema as pyairtable reads it (``Base.schema()``).

    The one schema check: ``setup-airtable`` plans from it, and the Airtable store's health
    reports what it finds (missing tables, fields and options; fields whose type changed).
    """
    return plan_setup([_table_state(t) for t in schema.tables], names)


@dataclass
class SetupReport:
    """The outcome of :func:`run_setup`."""

    plan: SetupPlan
    applied: bool
    requests: int = 0

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.plan.nothing_to_do:
            out.append("nothing to do: the three Airtable tables have every field and option")
        else:
            verb = "did" if self.applied else "would do (dry run)"
            out.append(f"setup {verb}:")
            out.extend(f"  - {a.describe()}" for a in self.plan.actions)
        for problem in self.plan.problems:
            out.append(f"problem: {problem}")
        out.append(f"({self.requests} Airtable requests)")
        return out


class _Setup:
    def __init__(self, settings: AirtableSettings, api: Api | None) -> None:
        if not settings.token or not settings.base_id:
            raise ConfigError("setup-airtable needs AIRTABLE_API_KEY and AIRTABLE_BASE_ID")
        self.settings = settings
        self.token = settings.token
        self.counter = RequestCounter()
        self.api = api or build_api(
            settings.token,
            endpoint_url=settings.endpoint_url,
            limiter=limiter_for(
                settings.endpoint_url, settings.base_id, settings.requests_per_second
            ),
            counter=self.counter,
            lockout_s=settings.lockout_s,
        )
        self.base = self.api.base(settings.base_id)

    def _fail(self, exc: Exception, what: str, scope: str) -> RegistryError:
        error = translate(exc, what=what, token=self.token)
        if isinstance(error, PermissionDeniedError):
            return PermissionDeniedError(
                f"Airtable refused {what}: the token lacks the {scope} scope, or cannot see base "
                f"{self.settings.base_id}",
                status=error.status,
                hint=f"edit the token at airtable.com/create/tokens: add the {scope} scope and "
                "this base (creating tables and fields also needs the base's Creator role)",
            )
        return error

    def read(self) -> list[TableState]:
        try:
            schema = self.base.schema(force=True)
        except Exception as exc:
            raise self._fail(exc, "reading the base schema", "schema.bases:read") from None
        return [_table_state(t) for t in schema.tables]

    def apply(self, action: SetupAction) -> None:
        try:
            if action.kind == "create_table":
                self.base.create_table(
                    action.table, list(action.spec.fields), description=action.spec.description
                )
            elif action.kind == "add_field":
                assert action.field is not None
                self.base.table(action.table).create_field(
                    str(action.field["name"]),
                    str(action.field["type"]),
                    options=action.field.get("options"),
                )
            else:
                self._add_options(action)
        except Exception as exc:
            scope = "schema.bases:write" if action.kind != "add_options" else "data.records:write"
            raise self._fail(exc, action.describe(), scope) from None

    def _add_options(self, action: SetupAction) -> None:
        assert action.field is not None
        name = str(action.field["name"])
        table = self.base.table(action.table)
        rows: list[dict[str, Any]]
        if action.field["type"] == "multipleSelects":
            rows = [{name: list(action.options)}]
        else:  # one option per scratch row
            rows = [{name: option} for option in action.options]
        created = table.batch_create(rows, typecast=True)
        table.batch_delete([r["id"] for r in created])


def run_setup(
    settings: AirtableSettings, *, dry_run: bool = False, api: Api | None = None
) -> SetupReport:
    """Plan and (unless ``dry_run``) apply setup on the configured base.

    Raises :class:`PermissionDeniedError` naming the missing scope when the token may not read or
    change the schema.
    """
    setup = _Setup(settings, api)
    existing = setup.read()
    plan = plan_setup(existing, table_names(settings))
    if not dry_run:
        for action in plan.actions:
            setup.apply(action)
    return SetupReport(plan=plan, applied=not dry_run, requests=setup.counter.count)
