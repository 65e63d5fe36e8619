"""A faithful local stand-in of the Airtable Web API (records + Meta), for tests and dev."""

from __future__ import annotations

from registry_standins.airtable.errors import RECORD_CAP_TYPE, ApiError
from registry_standins.airtable.limits import FAULT_KINDS, LoggedRequest
from registry_standins.airtable.server import (
    DEFAULT_BASE_ID,
    DEFAULT_TOKEN,
    FREE_PLAN_RECORD_CAP,
    AirtableStandIn,
)
from registry_standins.airtable.state import ALL_SCOPES

__all__ = [
    "ALL_SCOPES",
    "DEFAULT_BASE_ID",
    "DEFAULT_TOKEN",
    "FAULT_KINDS",
    "FREE_PLAN_RECORD_CAP",
    "RECORD_CAP_TYPE",
    "AirtableStandIn",
    "ApiError",
    "LoggedRequest",
]
