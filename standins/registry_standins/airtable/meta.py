"""The Meta (schema) API that table setup uses: read a base's tables, create a table, create a
field, rename or describe a table or field (facts file §6). Responses are in the read format
pyairtable's pydantic schema models require.
"""

from __future__ import annotations

from typing import Any

from registry_standins.airtable import errors
from registry_standins.airtable.model import Base, FieldDef, Table, field_from_spec, new_id

#: Types Airtable refuses as a table's primary (first) field.
_NOT_PRIMARY = frozenset(
    {
        "checkbox",
        "singleSelect",
        "multipleSelects",
        "multipleRecordLinks",
        "multipleAttachments",
        "multipleCollaborators",
        "singleCollaborator",
        "rating",
        "button",
    }
)


def base_info(base: Base) -> dict[str, Any]:
    return {"id": base.id, "name": base.name, "permissionLevel": "create"}


def new_table(base: Base, spec: Any) -> Table:
    """Validate a create-table body and add the table to ``base``."""
    if not isinstance(spec, dict):
        raise errors.invalid_request("The request body must be a JSON object")
    name, fields = spec.get("name"), spec.get("fields")
    if not isinstance(name, str) or not name.strip():
        raise errors.invalid_request("Table name is missing or empty")
    if any(t.name.lower() == name.lower() for t in base.tables):
        raise errors.ApiError(422, "DUPLICATE_TABLE_NAME", f'Table name "{name}" is already used')
    if not isinstance(fields, list) or not fields:
        raise errors.invalid_request("A table needs at least one field")
    description = spec.get("description")
    if description is not None and (not isinstance(description, str) or len(description) > 20_000):
        raise errors.invalid_request("Table description must be text of at most 20,000 characters")
    made: list[FieldDef] = []
    for raw in fields:
        made.append(field_from_spec(raw, made))
    if made[0].type in _NOT_PRIMARY:
        raise errors.ApiError(
            422,
            "INVALID_FIELD_TYPE_FOR_PRIMARY",
            f'Field type "{made[0].type}" cannot be the primary field',
        )
    view = {"id": new_id("viw"), "name": "Grid view", "type": "grid"}
    table = Table(new_id("tbl"), name, made, [view], description or None)
    base.tables.append(table)
    return table


def handle(
    base: Base, method: str, rest: list[str], body: Any, legacy_not_found: bool
) -> tuple[int, Any]:
    """``rest`` is the path after ``/v0/meta/bases/{baseId}/tables``."""
    if not rest:
        if method == "GET":
            return 200, {"tables": [t.schema() for t in base.tables]}
        if method == "POST":
            return 200, new_table(base, body).schema()
        raise errors.route_not_found()
    table = base.table(rest[0])
    if table is None:
        if legacy_not_found:
            raise errors.table_not_found(rest[0], base.id)
        raise errors.model_not_found()
    payload = body if isinstance(body, dict) else {}
    if len(rest) == 1 and method == "PATCH":
        _rename(payload, table.name, [t.name for t in base.tables], "table")
        table.name = payload.get("name", table.name)
        if "description" in payload:
            table.description = payload["description"] or None
        return 200, table.schema()
    if len(rest) == 2 and rest[1] == "fields" and method == "POST":
        fdef = field_from_spec(payload, table.fields)
        table.fields.append(fdef)
        return 200, fdef.schema()
    if len(rest) == 3 and rest[1] == "fields" and method == "PATCH":
        target = next((f for f in table.fields if f.id == rest[2]), None)
        if target is None:
            raise errors.model_not_found()
        fdef = target
        if "type" in payload or "options" in payload:
            raise errors.invalid_request("Only a field's name and description can be updated")
        _rename(payload, fdef.name, [f.name for f in table.fields], "field")
        fdef.name = payload.get("name", fdef.name)
        if "description" in payload:
            fdef.description = payload["description"] or None
        return 200, fdef.schema()
    raise errors.route_not_found()


def _rename(payload: dict[str, Any], current: str, taken: list[str], what: str) -> None:
    if "name" not in payload and "description" not in payload:
        raise errors.invalid_request(f"Give a new name or description for the {what}")
    name = payload.get("name", current)
    if not isinstance(name, str) or not name.strip():
        raise errors.invalid_request(f"The {what} name is missing or empty")
    if name.lower() != current.lower() and any(n.lower() == name.lower() for n in taken):
        raise errors.invalid_request(f'{what.capitalize()} name "{name}" is already used')
