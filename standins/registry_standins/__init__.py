"""Test doubles that talk the real wire protocols (see :mod:`.airtable_server`)."""

from __future__ import annotations

from registry_standins.airtable import (
    ALL_SCOPES,
    DEFAULT_BASE_ID,
    DEFAULT_TOKEN,
    AirtableStandIn,
)

__all__ = ["ALL_SCOPES", "DEFAULT_BASE_ID", "DEFAULT_TOKEN", "AirtableStandIn"]
