"""The error bodies the Airtable Web API answers with, as one exception type.

Every failure inside the stand-in raises :class:`ApiError`; the HTTP handler turns it into the
status and JSON body Airtable documents (facts file §4). Helper constructors name each kind so
the rest of the package never spells a status code or a body by hand.
"""

from __future__ import annotations

from typing import Any

MODEL_NOT_FOUND_MESSAGE = (
    "Invalid permissions, or the requested model was not found. Check that both your user and "
    "your token have the required permissions, and that the model names and/or ids are correct."
)
#: Not found in any source (facts file): Airtable's exact answer when a base is over its plan's
#: record cap. Kept distinct so a client can tell it from the 10-records-per-request error.
RECORD_CAP_TYPE = "ROW_LIMIT_EXCEEDED"


class ApiError(Exception):
    """One documented Airtable error response: status, ``error.type`` and ``error.message``."""

    def __init__(
        self,
        status: int,
        error_type: str,
        message: str | None = None,
        *,
        bare: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {error_type}: {message or ''}")
        self.status = status
        self.error_type = error_type
        self.message = message
        self.bare = bare
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The JSON body: ``{"error": {"type", "message"?}}`` or the bare ``{"error": TYPE}``."""
        if self.bare:
            return {"error": self.error_type}
        error: dict[str, Any] = {"type": self.error_type}
        if self.message is not None:
            error["message"] = self.message
        return {"error": error}


def auth_required() -> ApiError:
    return ApiError(401, "AUTHENTICATION_REQUIRED", "Authentication required")


def model_not_found() -> ApiError:
    """403 for no access **and** for an unknown base/table (what PATs get, facts §4)."""
    return ApiError(403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND", MODEL_NOT_FOUND_MESSAGE)


def route_not_found() -> ApiError:
    return ApiError(404, "NOT_FOUND", bare=True)


def table_not_found(table: str, base_id: str) -> ApiError:
    """The 2022 (API-key era) answer for an unknown table; used when ``legacy_not_found``."""
    return ApiError(
        404, "TABLE_NOT_FOUND", f"Could not find table {table} in application {base_id}"
    )


def record_not_found() -> ApiError:
    return ApiError(404, "MODEL_ID_NOT_FOUND", "Record not found")


def invalid_request(message: str | None = None) -> ApiError:
    return ApiError(
        422,
        "INVALID_REQUEST_UNKNOWN",
        message or "Invalid request: parameter validation failed. Check your request data.",
    )


def invalid_json() -> ApiError:
    return ApiError(400, "INVALID_REQUEST_BODY", "Could not parse request body as JSON")


def unknown_field(name: str) -> ApiError:
    return ApiError(422, "UNKNOWN_FIELD_NAME", f'Unknown field name: "{name}"')


def invalid_value(field: str, detail: str | None = None) -> ApiError:
    return ApiError(
        422,
        "INVALID_VALUE_FOR_COLUMN",
        detail or f'Field "{field}" cannot accept the provided value',
    )


def invalid_choice(option: str) -> ApiError:
    # The doubled quotes are Airtable's, not a typo (facts §4).
    return ApiError(
        422,
        "INVALID_MULTIPLE_CHOICE_OPTIONS",
        f'Insufficient permissions to create new select option ""{option}""',
    )


def invalid_formula(detail: str) -> ApiError:
    return ApiError(
        422,
        "INVALID_FILTER_BY_FORMULA",
        f"The formula for filtering records is invalid: {detail}",
    )


def invalid_records(message: str) -> ApiError:
    return ApiError(422, "INVALID_RECORDS", message)


def row_does_not_exist(record_id: str) -> ApiError:
    return ApiError(
        422, "ROW_DOES_NOT_EXIST", f"Record ID {record_id} does not exist in this table"
    )


def iterator_not_available() -> ApiError:
    return ApiError(422, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE")


def rate_limited() -> ApiError:
    return ApiError(429, "RATE_LIMIT_REACHED", "Rate limit exceeded. Please try again later")


def billing_limit() -> ApiError:
    return ApiError(
        429,
        "PUBLIC_API_BILLING_LIMIT_EXCEEDED",
        "API billing plan limit exceeded. You've reached the maximum number of requests "
        "allowed for this month.",
    )


def server_error(status: int) -> ApiError:
    """A 5xx as Airtable sends it: 503 is the documented retriable body, others are terse."""
    if status == 503:
        return ApiError(
            503,
            "RETRIABLE_ERROR",
            "Server encountered an error while processing your request, and it is safe to "
            "retry the request",
        )
    return ApiError(status, "SERVER_ERROR", "Server error")


def record_cap(cap: int) -> ApiError:
    return ApiError(
        422,
        RECORD_CAP_TYPE,
        f"This base has reached its record limit of {cap} records for its plan. Delete "
        "records or upgrade the plan to add more.",
    )
