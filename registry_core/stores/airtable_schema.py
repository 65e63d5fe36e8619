"""The three Airtable tables this package owns: their field names, types and select options.

One declaration serves two readers: ``airtable_setup`` creates tables and fields from it through
the Meta API, and the Airtable store uses the field names when it reads and writes. The models
table uses the seed's column names from :mod:`registry_core.records` unchanged.

Field specs are in the Meta API's *write* format (``{"name", "type", "options"?}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry_core import records as R
from registry_core.events import EVENT_KINDS, RUN_OUTCOMES, RUN_TRIGGERS

# --- history table ("AI Model History") ----------------------------------------------------

EVENT_KEY = "Event Key"
EVENT_PROVIDER_ID = "Provider ID"
EVENT_MODEL_ID = "Model ID"
EVENT_KIND = "Kind"
EVENT_AT = "At"
EVENT_RUN_ID = "Run ID"
EVENT_SOURCE = "Source"
EVENT_ACTOR = "Actor"
EVENT_DETAIL = "Detail"

HISTORY_FIELDS: tuple[str, ...] = (
    EVENT_KEY,
    EVENT_PROVIDER_ID,
    EVENT_MODEL_ID,
    EVENT_KIND,
    EVENT_AT,
    EVENT_RUN_ID,
    EVENT_SOURCE,
    EVENT_ACTOR,
    EVENT_DETAIL,
)

# --- discovery runs table ("AI Model Discovery Runs") --------------------------------------

RUN_ID = "Run ID"
RUN_PROVIDER_ID = "Provider ID"
RUN_TRIGGER = "Trigger"
RUN_STARTED_AT = "Started At"
RUN_DURATION = "Duration (s)"
RUN_MODELS_SEEN = "Models Seen"
RUN_ADDED = "Added"
RUN_REMOVED = "Removed"
RUN_CHANGED = "Changed"
RUN_OUTCOME = "Outcome"
RUN_ERROR_CLASS = "Error Class"
RUN_MESSAGE = "Message"
RUN_CREDENTIAL = "Credential"

RUN_FIELDS: tuple[str, ...] = (
    RUN_ID,
    RUN_PROVIDER_ID,
    RUN_TRIGGER,
    RUN_STARTED_AT,
    RUN_DURATION,
    RUN_MODELS_SEEN,
    RUN_ADDED,
    RUN_REMOVED,
    RUN_CHANGED,
    RUN_OUTCOME,
    RUN_ERROR_CLASS,
    RUN_MESSAGE,
    RUN_CREDENTIAL,
)

#: The registry version marker is one row of the runs table with this Run ID (see
#: ``stores/airtable.py``); ``list_runs`` never returns it.
VERSION_MARKER_RUN_ID = "__registry_version__"

#: Fields written with ``typecast`` so an option missing from the table is created on the fly.
#: Status and Discovery Method are never typecast: a wrong value there must fail loudly.
TYPECAST_FIELDS: frozenset[str] = frozenset({R.FEATURES, R.REGIONS})

# --- field specs (Meta API write format) ---------------------------------------------------


def _text(name: str) -> dict[str, Any]:
    return {"name": name, "type": "singleLineText"}


def _long_text(name: str) -> dict[str, Any]:
    return {"name": name, "type": "multilineText"}


def _number(name: str, precision: int) -> dict[str, Any]:
    return {"name": name, "type": "number", "options": {"precision": precision}}


def _currency(name: str, precision: int) -> dict[str, Any]:
    return {"name": name, "type": "currency", "options": {"precision": precision, "symbol": "$"}}


def _checkbox(name: str) -> dict[str, Any]:
    # Free and Plus bases only allow this icon/color pair (facts §6.3).
    return {"name": name, "type": "checkbox", "options": {"icon": "check", "color": "greenBright"}}


def _date(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": "date",
        "options": {"dateFormat": {"name": "iso", "format": "YYYY-MM-DD"}},
    }


def _date_time(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": "dateTime",
        "options": {
            "timeZone": "utc",
            "dateFormat": {"name": "iso", "format": "YYYY-MM-DD"},
            "timeFormat": {"name": "24hour", "format": "HH:mm"},
        },
    }


def _select(name: str, choices: tuple[str, ...], *, multiple: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "type": "multipleSelects" if multiple else "singleSelect",
        "options": {"choices": [{"name": c} for c in choices]},
    }


@dataclass(frozen=True)
class TableSpec:
    """One table: its default name, and its fields (the first is the primary field)."""

    role: str  # "models" / "history" / "runs": which AirtableSettings name applies
    default_name: str
    description: str
    fields: tuple[dict[str, Any], ...] = field(default=())

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(str(f["name"]) for f in self.fields)

    def spec(self, name: str) -> dict[str, Any]:
        for spec in self.fields:
            if spec["name"] == name:
                return spec
        raise KeyError(name)


MODELS_TABLE = TableSpec(
    role="models",
    default_name="AI Model Registry",
    description="Which AI models the team can use. Keyed on Provider ID + Model ID.",
    fields=(
        # Model ID first: the primary field is what people see at the left of every row.
        _text(R.MODEL_ID),
        _text(R.PROVIDER_ID),
        _text(R.MODEL_NAME),
        _select(R.STATUS, R.STATUS_OPTIONS),
        _checkbox(R.AVAILABLE),
        _date_time(R.LAST_VERIFIED),
        _select(R.DISCOVERY_METHOD, R.DISCOVERY_METHOD_OPTIONS),
        _currency(R.COST_PER_1K, 6),
        _currency(R.OUTPUT_COST_PER_1K, 6),
        _number(R.MAX_TOKENS, 0),
        _number(R.MAX_OUTPUT_TOKENS, 0),
        _select(R.FEATURES, R.FEATURE_OPTIONS, multiple=True),
        _select(R.REGIONS, R.REGION_OPTIONS, multiple=True),
        _date(R.RELEASE_DATE),
        _date(R.DEPRECATION_DATE),
        _date(R.RETIREMENT_DATE),
        _checkbox(R.RECOMMENDED),
        _number(R.SORT_ORDER, 0),
        _text(R.SUCCESSOR_MODEL),
        _text(R.ALIAS_OF),
        _text(R.SOURCE),
        _text(R.SCOPE),
        _text(R.USED_BY),  # names separated by commas: free names need no option list
        _long_text(R.NOTES),
        _long_text(R.METADATA),
        # cache prices (issue 14): setup-airtable adds them to an existing base
        _currency(R.CACHE_READ_COST_PER_1K, 6),
        _currency(R.CACHE_WRITE_COST_PER_1K, 6),
    ),
)

HISTORY_TABLE = TableSpec(
    role="history",
    default_name="AI Model History",
    description="Append-only history of changes to models; one row per change, keyed on Event Key.",
    fields=(
        _text(EVENT_KEY),
        _text(EVENT_PROVIDER_ID),
        _text(EVENT_MODEL_ID),
        _select(EVENT_KIND, EVENT_KINDS),
        _date_time(EVENT_AT),
        _text(EVENT_RUN_ID),
        _text(EVENT_SOURCE),
        _text(EVENT_ACTOR),
        _long_text(EVENT_DETAIL),
    ),
)

RUNS_TABLE = TableSpec(
    role="runs",
    default_name="AI Model Discovery Runs",
    description="One row per discovery run, plus the registry version marker row.",
    fields=(
        _text(RUN_ID),
        _text(RUN_PROVIDER_ID),
        _select(RUN_TRIGGER, RUN_TRIGGERS),
        _date_time(RUN_STARTED_AT),
        _number(RUN_DURATION, 3),
        _number(RUN_MODELS_SEEN, 0),
        _number(RUN_ADDED, 0),
        _number(RUN_REMOVED, 0),
        _number(RUN_CHANGED, 0),
        _select(RUN_OUTCOME, RUN_OUTCOMES),
        _text(RUN_ERROR_CLASS),
        _long_text(RUN_MESSAGE),
        _text(RUN_CREDENTIAL),
    ),
)

TABLE_SPECS: tuple[TableSpec, ...] = (MODELS_TABLE, HISTORY_TABLE, RUNS_TABLE)

assert set(MODELS_TABLE.field_names) == set(R.ALL_FIELDS), "models table must carry every field"
