"""The registry record: one AI model of one provider, under the seed's Airtable column names.

Field definitions (units are part of the contract):

- **Provider ID**: our provider id, lower case (``openai``, ``anthropic``, ``google`` ...).
- **Model ID**: the id the provider's API takes, exactly (``gpt-4o-2024-08-06``).
- **Model Name**: a human name for the model.
- **Status**: one of ``active``, ``deprecated``, ``beta``, ``preview`` (owned by people).
- **Available**: the provider listed it for the credential on the last verification.
- **Last Verified**: when discovery last saw the model (UTC).
- **Discovery Method**: ``api`` (seen in a provider listing), ``manual`` (typed by a person) or
  ``fallback`` (seeded from the bundled reference catalog, not yet verified).
- **Cost per 1K tokens**: *input* price in USD per 1,000 tokens.
- **Output Cost per 1K tokens**: output price in USD per 1,000 tokens.
- **Cache Read Cost per 1K tokens**: price of input tokens read from the provider's prompt
  cache, USD per 1,000 tokens. **Cache Write Cost per 1K tokens**: price of writing input
  tokens into the cache (Anthropic-style explicit caching), USD per 1,000 tokens.
- **Max Tokens**: the total context window (input + output), in tokens. When a source gives
  a separate input limit (Azure, OpenAI's GPT-5 family) it is kept in Metadata as
  ``facts.input_limit``.
- **Max Output Tokens**: the most tokens one response may hold.
- **Features**: any of ``chat``, ``vision``, ``embeddings``, ``streaming``.
- **Regions**: any of ``us``, ``eu``, ``global``.
- **Release Date**, **Deprecation Date**, **Retirement Date**: dates (retirement = shutdown, the
  day calls stop working; deprecation = the day it was announced as going away).
- **Recommended**, **Sort Order**: people's choice of default models, lowest Sort Order first.
- **Successor Model**: the model to move to when this one goes away.
- **Alias Of**: for ``-latest`` and undated aliases, the pinned version they point to.
- **Source**: where the facts came from (``provider``, ``catalog``, ``manual``, or ``a+b``).
- **Scope**: empty for models every credential sees; else the name of the only credential
  that sees it (``openai/acme``: fine-tunes, org-private models).
- **Used By**: the teams or services that depend on the model, a list of names (owned by
  people; ``scan --used-by NAME`` adds one). In Airtable a text cell, names separated by commas.
- **Notes**: free text from people.
- **Metadata**: a JSON object: the raw provider item, the provenance of each filled value
  (``{"provenance": {"Cost per 1K tokens": "catalog"}}``), verification and grace-period state.

Parsing a raw row (:func:`parse_row`) never raises: rows come from people typing in a
spreadsheet UI. It returns the record, or ``None`` when the row cannot be keyed, plus
field-level warnings.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from registry_core import jsonsafe
from registry_core.cells import cell, is_empty_cell, parse_instant
from registry_core.ids import MAX_ID_LENGTH as MAX_ID_LENGTH
from registry_core.ids import checked_id, clean_id

# --- the contract: Airtable column names ---------------------------------------------------

PROVIDER_ID = "Provider ID"
MODEL_ID = "Model ID"
MODEL_NAME = "Model Name"
STATUS = "Status"
AVAILABLE = "Available"
LAST_VERIFIED = "Last Verified"
DISCOVERY_METHOD = "Discovery Method"
COST_PER_1K = "Cost per 1K tokens"
OUTPUT_COST_PER_1K = "Output Cost per 1K tokens"
MAX_TOKENS = "Max Tokens"
MAX_OUTPUT_TOKENS = "Max Output Tokens"
FEATURES = "Features"
REGIONS = "Regions"
RELEASE_DATE = "Release Date"
DEPRECATION_DATE = "Deprecation Date"
RETIREMENT_DATE = "Retirement Date"
RECOMMENDED = "Recommended"
SORT_ORDER = "Sort Order"
SUCCESSOR_MODEL = "Successor Model"
ALIAS_OF = "Alias Of"
SOURCE = "Source"
SCOPE = "Scope"
USED_BY = "Used By"
NOTES = "Notes"
METADATA = "Metadata"

STATUS_OPTIONS: tuple[str, ...] = ("active", "deprecated", "beta", "preview")
DISCOVERY_METHOD_OPTIONS: tuple[str, ...] = ("api", "manual", "fallback")
FEATURE_OPTIONS: tuple[str, ...] = ("chat", "vision", "embeddings", "streaming")
REGION_OPTIONS: tuple[str, ...] = ("us", "eu", "global")

#: Attribute name on :class:`ModelRecord` -> Airtable column name, in display order.
FIELD_NAMES: dict[str, str] = {
    "provider_id": PROVIDER_ID,
    "model_id": MODEL_ID,
    "model_name": MODEL_NAME,
    "status": STATUS,
    "available": AVAILABLE,
    "last_verified": LAST_VERIFIED,
    "discovery_method": DISCOVERY_METHOD,
    "cost_per_1k": COST_PER_1K,
    "output_cost_per_1k": OUTPUT_COST_PER_1K,
    "max_tokens": MAX_TOKENS,
    "max_output_tokens": MAX_OUTPUT_TOKENS,
    "features": FEATURES,
    "regions": REGIONS,
    "release_date": RELEASE_DATE,
    "deprecation_date": DEPRECATION_DATE,
    "retirement_date": RETIREMENT_DATE,
    "recommended": RECOMMENDED,
    "sort_order": SORT_ORDER,
    "successor_model": SUCCESSOR_MODEL,
    "alias_of": ALIAS_OF,
    "source": SOURCE,
    "scope": SCOPE,
    "used_by": USED_BY,
    "notes": NOTES,
    "metadata": METADATA,
}
# --- cache prices (issue 14): prompt-cache reads and writes, USD per 1K tokens ---------------
CACHE_READ_COST_PER_1K = "Cache Read Cost per 1K tokens"
CACHE_WRITE_COST_PER_1K = "Cache Write Cost per 1K tokens"
FIELD_NAMES.update(
    {
        "cache_read_cost_per_1k": CACHE_READ_COST_PER_1K,
        "cache_write_cost_per_1k": CACHE_WRITE_COST_PER_1K,
    }
)

ATTR_BY_FIELD: dict[str, str] = {v: k for k, v in FIELD_NAMES.items()}
ALL_FIELDS: tuple[str, ...] = tuple(FIELD_NAMES.values())

#: Fields people own: discovery and the catalog never overwrite a value a person entered here.
HUMAN_OWNED_FIELDS: frozenset[str] = frozenset(
    {STATUS, RECOMMENDED, SORT_ORDER, REGIONS, NOTES, USED_BY}
)

MAX_NAME_LENGTH = 100  # one team or service name in Used By
MAX_TEXT_LENGTH = 100_000  # Airtable's long text limit

#: The plausible range of every numeric field (inclusive). A value outside it (or not finite)
#: is dropped with a warning wherever it comes from: a provider listing or a stored row. Costs
#: are USD per 1K tokens (the dearest model listed in 2026 costs about 0.6); token counts
#: allow a billion-token context, a hundred times the largest offered.
NUMBER_RANGES: dict[str, tuple[float, float]] = {
    COST_PER_1K: (0.0, 1_000.0),
    OUTPUT_COST_PER_1K: (0.0, 1_000.0),
    MAX_TOKENS: (1, 1_000_000_000),
    MAX_OUTPUT_TOKENS: (1, 1_000_000_000),
    SORT_ORDER: (-1_000_000_000, 1_000_000_000),
    CACHE_READ_COST_PER_1K: (0.0, 1_000.0),
    CACHE_WRITE_COST_PER_1K: (0.0, 1_000.0),
}


def implausible(name: str, value: float | None) -> str | None:
    """Why ``value`` cannot be the ``name`` field (non-finite or out of range), else ``None``.

    >>> implausible(COST_PER_1K, 1e9)
    'Cost per 1K tokens 1e+09 is outside the plausible range 0 to 1000; left empty'
    """
    if value is None or name not in NUMBER_RANGES:
        return None
    low, high = NUMBER_RANGES[name]
    if not math.isfinite(value):
        return f"{name} {value!r} is not a finite number; left empty"
    if not low <= value <= high:
        return f"{name} {value:g} is outside the plausible range {low:g} to {high:g}; left empty"
    return None


# --- the record -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """One row of the registry. Empty values are ``None`` (or ``()`` / ``False``)."""

    provider_id: str
    model_id: str
    model_name: str | None = None
    status: str | None = None
    available: bool = False
    last_verified: datetime | None = None
    discovery_method: str | None = None
    cost_per_1k: float | None = None
    output_cost_per_1k: float | None = None
    max_tokens: int | None = None
    max_output_tokens: int | None = None
    features: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    release_date: date | None = None
    deprecation_date: date | None = None
    retirement_date: date | None = None
    recommended: bool = False
    sort_order: int | None = None
    successor_model: str | None = None
    alias_of: str | None = None
    source: str | None = None
    scope: str | None = None
    used_by: tuple[str, ...] = ()
    notes: str | None = None
    metadata: dict[str, Any] | str | None = None
    cache_read_cost_per_1k: float | None = None
    cache_write_cost_per_1k: float | None = None

    def __post_init__(self) -> None:
        # the ids a store writes are the ids it reads back (see registry_core.ids)
        for attr in ("provider_id", "model_id"):
            value = getattr(self, attr)
            if isinstance(value, str):
                cleaned = clean_id(value)
                if cleaned != value:
                    object.__setattr__(self, attr, cleaned)

    @property
    def key(self) -> tuple[str, str]:
        """The registry key (Provider ID, Model ID)."""
        return (self.provider_id, self.model_id)

    @property
    def meta(self) -> dict[str, Any]:
        """Metadata as a dict (``{}`` when empty or kept as unparseable text)."""
        return self.metadata if isinstance(self.metadata, dict) else {}

    @property
    def provenance(self) -> dict[str, str]:
        """Where each filled value came from: field name -> provider / catalog / inferred / manual."""
        prov = self.meta.get("provenance")
        return {str(k): str(v) for k, v in prov.items()} if isinstance(prov, dict) else {}

    def replace(self, **changes: Any) -> ModelRecord:
        """A copy with ``changes`` applied (``dataclasses.replace``, faster for the common case).

        The ids were cleaned when this record was built, so a copy that keeps them needs no
        ``__post_init__``: its slots are copied directly. A change of an id (or of an unknown
        field, which raises) goes through ``dataclasses.replace``.
        """
        if "provider_id" in changes or "model_id" in changes or type(self) is not ModelRecord:
            return dataclasses.replace(self, **changes)
        new = object.__new__(ModelRecord)
        setter = object.__setattr__
        for name in _RECORD_FIELDS:
            setter(new, name, changes.pop(name) if name in changes else getattr(self, name))
        if changes:
            raise TypeError(f"ModelRecord has no field(s) {', '.join(sorted(changes))}")
        return new

    def to_fields(self, *, omit_empty: bool = False) -> dict[str, Any]:
        """The record as Airtable-style cells (JSON-serialisable), keyed by column name.

        With ``omit_empty`` the empty cells are left out, as Airtable itself returns them.

        >>> ModelRecord("openai", "gpt-4o", cost_per_1k=0.0025).to_fields(omit_empty=True)
        {'Provider ID': 'openai', 'Model ID': 'gpt-4o', 'Cost per 1K tokens': 0.0025}
        """
        out: dict[str, Any] = {}
        for attr, name in FIELD_NAMES.items():
            # Used By is a text cell (free names need no option list): "team-a, svc-b"
            cell = (
                ", ".join(self.used_by) or None
                if attr == "used_by"
                else _to_cell(getattr(self, attr))
            )
            if omit_empty and is_empty_cell(cell):
                continue
            out[name] = cell
        return out

    def to_dict(self) -> dict[str, Any]:
        """Snake_case JSON-serialisable dict (for ``--json`` output and snapshots).

        Unlike :meth:`to_fields`, Metadata stays a JSON object rather than JSON text (the
        record's own object when it is strict JSON already: serialise it, do not edit it).
        """
        out: dict[str, Any] = {}
        for attr in FIELD_NAMES:
            value = getattr(self, attr)
            # most cells are text, numbers, booleans or empty: kept as they are, no call
            if value is None or type(value) in _PLAIN_CELLS:
                out[attr] = value
            elif attr == "metadata":
                out[attr] = jsonsafe.strict_or_finite(value)
            else:
                out[attr] = _to_cell(value)
        return out


#: Cell types :func:`_to_cell` returns unchanged (exact types: a subclass takes the long way).
_PLAIN_CELLS: frozenset[type] = frozenset((str, int, float, bool))


def _to_cell(value: Any) -> Any:
    if isinstance(value, dict):  # Metadata: JSON text in the cell
        return jsonsafe.dumps(jsonsafe.finite(value), sort_keys=True, ensure_ascii=False)
    return cell(value)


def utcnow() -> datetime:
    """Now, in UTC, to the millisecond (what the stores can keep)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)


# --- parsing raw rows -----------------------------------------------------------------------


_RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ModelRecord))


@dataclass(frozen=True, slots=True)
class FieldWarning:
    """A problem with one cell (or a whole row, when ``field`` is ``None``)."""

    row: str
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.row}, {self.field}" if self.field else self.row
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """The outcome of :func:`parse_row`: the record (``None`` when rejected) and its warnings."""

    record: ModelRecord | None
    warnings: tuple[FieldWarning, ...] = ()


@dataclass(slots=True)
class LoadResult:
    """Records read from a store, with the warnings their rows raised."""

    records: list[ModelRecord] = field(default_factory=list)
    warnings: list[FieldWarning] = field(default_factory=list)


#: Control characters, plus invisible and direction-changing ones (zero-width, bidi overrides,
#: BOM) that make a cell display differently from what it holds.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_TRUE = {"true", "yes", "y", "1", "checked", "x", "✓", "✔"}
_FALSE = {"false", "no", "n", "0", "unchecked", ""}


class _RowParser:
    def __init__(self, row_ref: str) -> None:
        self.row_ref = row_ref
        self.warnings: list[FieldWarning] = []

    def warn(self, name: str | None, message: str) -> None:
        self.warnings.append(FieldWarning(self.row_ref, name, message))

    def text(self, name: str, value: Any, *, multiline: bool = False) -> str | None:
        if value is None:
            return None
        if isinstance(value, list | tuple) and len(value) == 1:
            value = value[0]  # lookup / linked-record cells arrive as one-item lists
        if not isinstance(value, str):
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.warn(name, f"expected text, got {type(value).__name__}; left empty")
                return None
            value = str(value)
        cleaned = value if multiline else value.replace("\n", " ").replace("\r", " ")
        stripped = _CONTROL.sub("", cleaned)
        if stripped != cleaned:
            self.warn(name, "control or invisible characters removed")
        stripped = stripped.strip()
        if len(stripped) > MAX_TEXT_LENGTH:
            self.warn(name, f"text longer than {MAX_TEXT_LENGTH} characters; cut")
            stripped = stripped[:MAX_TEXT_LENGTH]
        return stripped or None

    def option(self, name: str, value: Any, options: Sequence[str]) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.warn(name, f"expected one of {', '.join(options)}, got {value!r}; left empty")
            return None
        norm = value.strip().lower()
        if not norm:
            return None
        if norm not in options:
            self.warn(
                name,
                f"unknown option {value.strip()[:80]!r}; allowed: {', '.join(options)}; left empty",
            )
            return None
        return norm

    def options(self, name: str, value: Any, options: Sequence[str]) -> tuple[str, ...]:
        if value is None:
            return ()
        items: list[Any]
        if isinstance(value, str):
            items = [part for part in re.split(r"[,;\n]", value)]
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            self.warn(name, f"expected a list of {', '.join(options)}, got {value!r}; left empty")
            return ()
        out: list[str] = []
        for item in items:
            if not isinstance(item, str):
                self.warn(name, f"dropped non-text option {item!r}")
                continue
            norm = item.strip().lower()
            if not norm:
                continue
            if norm not in options:
                self.warn(
                    name,
                    f"dropped unknown option {item.strip()[:80]!r}; allowed: {', '.join(options)}",
                )
                continue
            if norm not in out:
                out.append(norm)
        # a fixed order makes rows comparable whatever order people clicked them in
        return tuple(o for o in options if o in out)

    def names(self, name: str, value: Any) -> tuple[str, ...]:
        """A list of free names (Used By): text split on commas, semicolons and new lines, or
        a list; each cleaned like text, duplicates (ignoring case) dropped, typed order kept."""
        if value is None:
            return ()
        if isinstance(value, str):
            items: list[Any] = re.split(r"[,;\n]", value)
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            self.warn(name, f"expected a list of names, got {type(value).__name__}; left empty")
            return ()
        out: list[str] = []
        seen: set[str] = set()
        for item in items:
            text = self.text(name, item) if isinstance(item, str) else None
            if not isinstance(item, str):
                self.warn(name, f"dropped non-text name {item!r}")
            if not text:
                continue
            if len(text) > MAX_NAME_LENGTH:
                self.warn(name, f"name longer than {MAX_NAME_LENGTH} characters; cut")
                text = text[:MAX_NAME_LENGTH].rstrip()
            if text.casefold() not in seen:
                seen.add(text.casefold())
                out.append(unicodedata.normalize("NFC", text))
        return tuple(out)

    def number(self, name: str, value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool):
            self.warn(name, f"expected a number, got {value!r}; left empty")
            return None
        if isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str):
            text = value.strip()
            if not text:
                return None
            if not _PLAIN_NUMBER.match(text):
                self.warn(
                    name,
                    f"{text[:80]!r} is not a plain number (write 0.5, not $0.50 or 0,5); "
                    "left empty",
                )
                return None
            number = float(text)
        else:
            self.warn(name, f"expected a number, got {type(value).__name__}; left empty")
            return None
        if math.isnan(number) or math.isinf(number):
            self.warn(name, f"{value!r} is not a finite number; left empty")
            return None
        if number < 0 and name != SORT_ORDER:
            self.warn(name, f"negative value {number:g}; left empty")
            return None
        problem = implausible(name, number)
        if problem:
            self.warn(name, problem)
            return None
        return number

    def integer(self, name: str, value: Any, *, allow_negative: bool = False) -> int | None:
        if isinstance(value, int | float) and not isinstance(value, bool) and allow_negative:
            value_f = float(value)
            if math.isfinite(value_f) and value_f.is_integer() and not implausible(name, value_f):
                return int(value_f)
        if (
            allow_negative
            and isinstance(value, str)
            and value.strip().startswith("-")
            and value.strip()[1:].isdigit()
        ):
            return int(value.strip())
        number = self.number(name, value)
        if number is None:
            return None
        if not number.is_integer():
            self.warn(name, f"{number:g} is not a whole number; left empty")
            return None
        return int(number)

    def boolean(self, name: str, value: Any) -> bool:
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        self.warn(name, f"expected a checkbox, got {value!r}; read as unchecked")
        return False

    def day(self, name: str, value: Any) -> date | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            text = value.strip()
            try:
                return (
                    date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
                )
            except ValueError:
                pass
        self.warn(name, f"{str(value)[:80]!r} is not a date (write YYYY-MM-DD); left empty")
        return None

    def moment(self, name: str, value: Any) -> datetime | None:
        if value is None or value == "":
            return None
        parsed: datetime | None = None
        if isinstance(value, datetime):
            parsed = value
        elif isinstance(value, date):
            parsed = datetime(value.year, value.month, value.day)
        elif isinstance(value, str):
            parsed = parse_instant(value)
        if parsed is None:
            self.warn(name, f"{str(value)[:80]!r} is not a date and time (ISO 8601); left empty")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)

    def metadata(self, value: Any) -> dict[str, Any] | str | None:
        if value is None or value == "":
            return None
        if isinstance(value, dict):
            return dict(jsonsafe.finite(value))
        if isinstance(value, str):
            try:
                # NaN / Infinity / 1e400 read back as their text: the row stays strict JSON
                loaded = jsonsafe.loads(value)
            except json.JSONDecodeError as exc:
                self.warn(METADATA, f"not valid JSON ({exc.msg} at char {exc.pos}); kept as text")
                return self.text(METADATA, value, multiline=True)
            except ValueError as exc:
                self.warn(METADATA, f"not readable JSON ({exc}); kept as text")
                return self.text(METADATA, value, multiline=True)
            if isinstance(loaded, dict):
                return loaded
            self.warn(METADATA, "JSON is not an object; kept as text")
            return self.text(METADATA, value, multiline=True)
        self.warn(METADATA, f"expected JSON text, got {type(value).__name__}; left empty")
        return None


def _identifier(p: _RowParser, name: str, value: Any) -> str | None:
    """The id in a cell, cleaned by the one id rule (:mod:`registry_core.ids`); ``None`` when
    it is empty or refused (a refused id is flagged on its cell)."""
    if isinstance(value, list | tuple) and len(value) == 1:
        value = value[0]  # lookup / linked-record cells arrive as one-item lists
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        p.warn(name, f"expected text, got {type(value).__name__}; left empty")
        return None
    text, problem = checked_id(value)
    if problem and clean_id(value):
        p.warn(name, f"refused: the id {problem}")
    return text


def parse_row(fields: Mapping[str, Any], *, row_ref: str = "row") -> ParsedRow:
    """Parse one raw row (Airtable cells, a CSV row, SQLite columns) into a record.

    Never raises. ``row_ref`` names the row in warnings ("row 12", or an Airtable record id).

    >>> parsed = parse_row({"Provider ID": " OpenAI ", "Model ID": "gpt-4o", "Status": "Active"})
    >>> parsed.record.provider_id, parsed.record.status, parsed.warnings
    ('openai', 'active', ())
    >>> parse_row({"Provider ID": "openai", "Model ID": "o3", "Cost per 1K tokens": "$0.50"}).warnings[0].message
    "'$0.50' is not a plain number (write 0.5, not $0.50 or 0,5); left empty"
    """
    if not isinstance(fields, Mapping):
        return ParsedRow(
            None,
            (
                FieldWarning(
                    row_ref, None, f"row is not a mapping of cells ({type(fields).__name__})"
                ),
            ),
        )
    p = _RowParser(row_ref)
    try:
        provider = _identifier(p, PROVIDER_ID, fields.get(PROVIDER_ID))
        model = _identifier(p, MODEL_ID, fields.get(MODEL_ID))
        if not provider or not model:
            missing = " and ".join(
                n for n, v in ((PROVIDER_ID, provider), (MODEL_ID, model)) if not v
            )
            flagged = {w.field for w in p.warnings}
            refused = PROVIDER_ID in flagged or MODEL_ID in flagged
            p.warn(None, f"rejected: {missing} is {'empty or refused' if refused else 'empty'}")
            return ParsedRow(None, tuple(p.warnings))
        unknown = [k for k in fields if k not in ATTR_BY_FIELD]
        record = ModelRecord(
            provider_id=provider.lower(),
            model_id=model,
            model_name=p.text(MODEL_NAME, fields.get(MODEL_NAME)),
            status=p.option(STATUS, fields.get(STATUS), STATUS_OPTIONS),
            available=p.boolean(AVAILABLE, fields.get(AVAILABLE)),
            last_verified=p.moment(LAST_VERIFIED, fields.get(LAST_VERIFIED)),
            discovery_method=p.option(
                DISCOVERY_METHOD, fields.get(DISCOVERY_METHOD), DISCOVERY_METHOD_OPTIONS
            ),
            cost_per_1k=p.number(COST_PER_1K, fields.get(COST_PER_1K)),
            output_cost_per_1k=p.number(OUTPUT_COST_PER_1K, fields.get(OUTPUT_COST_PER_1K)),
            max_tokens=p.integer(MAX_TOKENS, fields.get(MAX_TOKENS)),
            max_output_tokens=p.integer(MAX_OUTPUT_TOKENS, fields.get(MAX_OUTPUT_TOKENS)),
            features=p.options(FEATURES, fields.get(FEATURES), FEATURE_OPTIONS),
            regions=p.options(REGIONS, fields.get(REGIONS), REGION_OPTIONS),
            release_date=p.day(RELEASE_DATE, fields.get(RELEASE_DATE)),
            deprecation_date=p.day(DEPRECATION_DATE, fields.get(DEPRECATION_DATE)),
            retirement_date=p.day(RETIREMENT_DATE, fields.get(RETIREMENT_DATE)),
            recommended=p.boolean(RECOMMENDED, fields.get(RECOMMENDED)),
            sort_order=p.integer(SORT_ORDER, fields.get(SORT_ORDER), allow_negative=True),
            successor_model=p.text(SUCCESSOR_MODEL, fields.get(SUCCESSOR_MODEL)),
            alias_of=p.text(ALIAS_OF, fields.get(ALIAS_OF)),
            source=p.text(SOURCE, fields.get(SOURCE)),
            scope=p.text(SCOPE, fields.get(SCOPE)),
            used_by=p.names(USED_BY, fields.get(USED_BY)),
            notes=p.text(NOTES, fields.get(NOTES), multiline=True),
            metadata=p.metadata(fields.get(METADATA)),
            cache_read_cost_per_1k=p.number(
                CACHE_READ_COST_PER_1K, fields.get(CACHE_READ_COST_PER_1K)
            ),
            cache_write_cost_per_1k=p.number(
                CACHE_WRITE_COST_PER_1K, fields.get(CACHE_WRITE_COST_PER_1K)
            ),
        )
        if unknown:
            # extra columns people added in the UI are fine; say so once, quietly
            pass
        return ParsedRow(record, tuple(p.warnings))
    except Exception as exc:
        p.warn(None, f"rejected: could not be read ({type(exc).__name__})")
        return ParsedRow(None, tuple(p.warnings))


def parse_rows(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> LoadResult:
    """Parse ``(row_ref, cells)`` pairs and de-duplicate them (see :func:`dedupe_records`)."""
    result = LoadResult()
    parsed: list[tuple[str, ModelRecord]] = []
    for row_ref, cells in rows:
        outcome = parse_row(cells, row_ref=row_ref)
        result.warnings.extend(outcome.warnings)
        if outcome.record is not None:
            parsed.append((row_ref, outcome.record))
    records, dup_warnings = dedupe_records(parsed)
    result.records = records
    result.warnings.extend(dup_warnings)
    return result


def dedupe_records(
    rows: Sequence[tuple[str, ModelRecord]],
) -> tuple[list[ModelRecord], list[FieldWarning]]:
    """Keep one record per (Provider ID, Model ID): the most recently verified wins.

    Ties (or rows never verified) keep the first row. Every dropped duplicate is reported.
    """
    best: dict[tuple[str, str], tuple[str, ModelRecord]] = {}
    warnings: list[FieldWarning] = []
    floor = datetime.min.replace(tzinfo=UTC)
    for row_ref, record in rows:
        current = best.get(record.key)
        if current is None:
            best[record.key] = (row_ref, record)
            continue
        kept_ref, kept = current
        if (record.last_verified or floor) > (kept.last_verified or floor):
            best[record.key] = (row_ref, record)
            warnings.append(
                FieldWarning(
                    kept_ref,
                    None,
                    f"duplicate of {row_ref} for {record.provider_id}/{record.model_id}; "
                    f"{row_ref} is newer and wins",
                )
            )
        else:
            warnings.append(
                FieldWarning(
                    row_ref,
                    None,
                    f"duplicate of {kept_ref} for {record.provider_id}/{record.model_id}; "
                    f"{kept_ref} wins",
                )
            )
    return [rec for _, rec in best.values()], warnings


def record_from_dict(data: Mapping[str, Any]) -> ModelRecord | None:
    """Inverse of :meth:`ModelRecord.to_dict` (snake_case keys), through the row parser."""
    cells = {FIELD_NAMES[k]: v for k, v in data.items() if k in FIELD_NAMES}
    return parse_row(cells).record
