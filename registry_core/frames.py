"""Records, events and runs as pandas DataFrames and plain rows, ready for display.

Pure: no I/O, no Streamlit. ``today`` is always a parameter so views are testable. The Browse,
Costs and Deprecations pages render these frames; the column names here are what people see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the lock

from registry_core.cells import is_empty
from registry_core.events import DiscoveryRun, HistoryEvent
from registry_core.export import per_million
from registry_core.filters import provider_label
from registry_core.lifecycle import (
    DEFAULT_WINDOW_DAYS,
    Lifecycle,
    assess,
    is_retired,
    verified_providers,
)
from registry_core.records import (
    FIELD_NAMES,
    HUMAN_OWNED_FIELDS,
    METADATA,
    ModelRecord,
)

#: Days ahead within which a retirement counts as "retiring soon" (see :mod:`registry_core.lifecycle`;
#: the setting is ``REGISTRY_RETIRING_WITHIN_DAYS``).
RETIRING_SOON_DAYS = DEFAULT_WINDOW_DAYS

BADGE_DEPRECATED = "deprecated"
BADGE_RETIRING = "retiring soon"
BADGE_RETIRED = "retired"
BADGE_UNAVAILABLE = "unavailable"
BADGE_RECOMMENDED = "recommended"


def model_ref(record: ModelRecord) -> str:
    """The ``provider/model`` reference used in URLs (``?model=openai/gpt-4o``)."""
    return f"{record.provider_id}/{record.model_id}"


def parse_model_ref(ref: str | None) -> tuple[str, str] | None:
    """Inverse of :func:`model_ref`; ``None`` for anything that is not ``provider/model``.

    Model ids may contain slashes (``openrouter``'s ``meta-llama/llama-3``): only the first
    slash separates the provider.

    >>> parse_model_ref("openrouter/meta-llama/llama-3"), parse_model_ref("nope")
    (('openrouter', 'meta-llama/llama-3'), None)
    """
    if not ref or "/" not in ref:
        return None
    provider, _, model = ref.strip().partition("/")
    if not provider or not model:
        return None
    return provider.lower(), model


def detail_link(record: ModelRecord, page_path: str = "model") -> str:
    """A relative link to the model detail page."""
    return f"{page_path}?model={quote(model_ref(record), safe='/')}"


def badges(
    record: ModelRecord,
    today: date,
    *,
    soon_days: int = RETIRING_SOON_DAYS,
    verified: bool | None = None,
) -> list[str]:
    """Warnings a person should see next to a model (the rules: :func:`lifecycle.assess`).

    "unavailable" needs a discovery that looked (``verified``; ``None``: the record itself was
    verified): a model seeded from the catalog and never listed is not flagged.

    >>> rec = ModelRecord("openai", "x", status="deprecated", retirement_date=date(2025, 3, 1))
    >>> badges(rec, date(2025, 1, 1))
    ['deprecated', 'retiring soon']
    """
    return lifecycle_badges(assess(record, today, window_days=soon_days, verified=verified))


def lifecycle_badges(life: Lifecycle) -> list[str]:
    """The badge words for an assessed lifecycle, in display order."""
    out: list[str] = []
    if life.deprecated:
        out.append(BADGE_DEPRECATED)
    if life.retired:
        out.append(BADGE_RETIRED)
    elif life.retiring:
        out.append(BADGE_RETIRING)
    if life.unavailable:
        out.append(BADGE_UNAVAILABLE)
    return out


def _ts(value: date | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value)


# Browse columns, in order. The page's column config is keyed on these names.
BROWSE_COLUMNS: tuple[str, ...] = (
    "Provider",
    "Model",
    "Name",
    "Status",
    "Badges",
    "Available",
    "Recommended",
    "Input $/1M",
    "Output $/1M",
    "Cache read $/1M",
    "Context",
    "Max output",
    "Features",
    "Release",
    "Deprecation",
    "Retirement",
    "Last verified",
    "Source",
    "Detail",
)


#: What Browse shows first, in this order: what people decide on (which model, whose, is it
#: safe, what it costs, how much fits, until when). The other columns are behind the page's
#: column picker (and all of them on Model detail).
BROWSE_DECISION_COLUMNS: tuple[str, ...] = (
    "Model",
    "Provider",
    "Badges",
    "Input $/1M",
    "Output $/1M",
    "Context",
    "Retirement",
)
#: The rest, in the order the picker offers them.
BROWSE_MORE_COLUMNS: tuple[str, ...] = tuple(
    c for c in BROWSE_COLUMNS if c not in BROWSE_DECISION_COLUMNS
)


def browse_frame(
    records: Sequence[ModelRecord],
    today: date,
    *,
    page_path: str = "model",
    window_days: int = RETIRING_SOON_DAYS,
    verified: frozenset[str] | None = None,
) -> pd.DataFrame:
    """The Browse table: one row per record, in the given order, typed for column config.

    ``verified``: providers a listing has looked at (default: those among ``records``).
    """
    rows: dict[str, list[Any]] = {name: [] for name in BROWSE_COLUMNS}
    looked = verified_providers(records) if verified is None else verified
    for r in records:
        rows["Provider"].append(provider_label(r.provider_id))
        rows["Model"].append(r.model_id)
        rows["Name"].append(r.model_name or "")
        rows["Status"].append(r.status or "")
        rows["Badges"].append(
            badges(r, today, soon_days=window_days, verified=r.provider_id in looked)
        )
        rows["Available"].append(bool(r.available))
        rows["Recommended"].append(bool(r.recommended))
        rows["Input $/1M"].append(per_million(r.cost_per_1k))
        rows["Output $/1M"].append(per_million(r.output_cost_per_1k))
        rows["Cache read $/1M"].append(per_million(r.cache_read_cost_per_1k))
        rows["Context"].append(r.max_tokens)
        rows["Max output"].append(r.max_output_tokens)
        rows["Features"].append(list(r.features))
        rows["Release"].append(_ts(r.release_date))
        rows["Deprecation"].append(_ts(r.deprecation_date))
        rows["Retirement"].append(_ts(r.retirement_date))
        rows["Last verified"].append(
            None if r.last_verified is None else pd.Timestamp(r.last_verified)
        )
        rows["Source"].append(r.source or "")
        rows["Detail"].append(detail_link(r, page_path))
    frame = pd.DataFrame(rows, columns=list(BROWSE_COLUMNS))
    for col in ("Input $/1M", "Output $/1M", "Cache read $/1M"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Float64")
    for col in ("Context", "Max output"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    for col in ("Release", "Deprecation", "Retirement"):
        frame[col] = pd.to_datetime(frame[col])
    frame["Last verified"] = pd.to_datetime(frame["Last verified"], utc=True)
    return frame


@dataclass(frozen=True, slots=True)
class Counts:
    """Headline numbers for a set of records."""

    models: int
    providers: int
    available: int
    deprecated: int
    retiring_soon: int
    unavailable: int


def counts(
    records: Sequence[ModelRecord],
    today: date,
    *,
    window_days: int = RETIRING_SOON_DAYS,
    verified: frozenset[str] | None = None,
) -> Counts:
    """How many models, providers, and badge holders (badges as on Browse)."""
    looked = verified_providers(records) if verified is None else verified
    marks = [
        badges(r, today, soon_days=window_days, verified=r.provider_id in looked) for r in records
    ]
    return Counts(
        models=len(records),
        providers=len({r.provider_id for r in records}),
        available=sum(1 for r in records if r.available),
        deprecated=sum(1 for m in marks if BADGE_DEPRECATED in m),
        retiring_soon=sum(1 for m in marks if BADGE_RETIRING in m),
        unavailable=sum(1 for m in marks if BADGE_UNAVAILABLE in m),
    )


def cost_frame(records: Iterable[ModelRecord]) -> pd.DataFrame:
    """Costs per 1K and per 1M tokens; models without any price are left out."""
    rows = [
        {
            "Provider": provider_label(r.provider_id),
            "Model": r.model_id,
            "Input $/1K": r.cost_per_1k,
            "Output $/1K": r.output_cost_per_1k,
            "Input $/1M": per_million(r.cost_per_1k),
            "Output $/1M": per_million(r.output_cost_per_1k),
            "Cache read $/1M": per_million(r.cache_read_cost_per_1k),
            "Cache write $/1M": per_million(r.cache_write_cost_per_1k),
            "Context": r.max_tokens,
        }
        for r in records
        if is_priced(r)
    ]
    columns = [
        "Provider",
        "Model",
        "Input $/1K",
        "Output $/1K",
        "Input $/1M",
        "Output $/1M",
        "Cache read $/1M",
        "Cache write $/1M",
        "Context",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for col in columns[2:8]:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Float64")
    frame["Context"] = pd.array(frame["Context"].tolist(), dtype="Int64")
    return frame


def unit_price_frame(records: Iterable[ModelRecord]) -> pd.DataFrame:
    """Prices that are not per token (per image, per request, per second …), kept in
    ``Metadata.facts.unit_prices`` rather than shown as a $0 token price."""
    rows: list[dict[str, Any]] = []
    for r in records:
        facts = r.meta.get("facts")
        units = facts.get("unit_prices") if isinstance(facts, dict) else None
        if not isinstance(units, dict):
            continue
        for unit, usd in sorted(units.items()):
            if isinstance(usd, int | float) and not isinstance(usd, bool):
                rows.append(
                    {
                        "Provider": provider_label(r.provider_id),
                        "Model": r.model_id,
                        "Per": str(unit),
                        "USD": float(usd),
                    }
                )
    return pd.DataFrame(rows, columns=["Provider", "Model", "Per", "USD"])


def inference_text(record: ModelRecord) -> str | None:
    """ "inferred from <base> (<reason>)" when a row's values came from another model's entry."""
    facts = record.meta.get("facts")
    base = facts.get("inferred_from") if isinstance(facts, dict) else None
    if not isinstance(base, dict) or not base.get("model"):
        return None
    where = f"{base.get('catalog')}/" if base.get("catalog") else ""
    reason = f" ({base['reason']})" if base.get("reason") else ""
    return f"inferred from {where}{base['model']}{reason}"


def is_priced(record: ModelRecord) -> bool:
    """Whether a record has a token price (the rows of the Costs table, chart and CSV)."""
    return record.cost_per_1k is not None or record.output_cost_per_1k is not None


def cost_chart_frame(
    records: Iterable[ModelRecord], limit: int = 25, *, cheapest_first: bool = False
) -> pd.DataFrame:
    """Long-form costs per 1M tokens (input and output) for a grouped bar chart.

    The ``limit`` most expensive models by input + output price (the cheapest ones with
    ``cheapest_first``, as under the ``cheapest`` sort), so the chart stays readable.
    """
    priced = [r for r in records if is_priced(r)]
    total = [(r.cost_per_1k or 0.0) + (r.output_cost_per_1k or 0.0) for r in priced]
    order = sorted(range(len(priced)), key=lambda i: total[i] if cheapest_first else -total[i])
    priced = [priced[i] for i in order]
    rows: list[dict[str, Any]] = []
    for r in priced[:limit]:
        label = f"{r.provider_id}/{r.model_id}"
        for kind, value in (("input", r.cost_per_1k), ("output", r.output_cost_per_1k)):
            if value is not None:
                rows.append(
                    {
                        "Model": label,
                        "Provider": provider_label(r.provider_id),
                        "Kind": kind,
                        "USD per 1M tokens": per_million(value),
                    }
                )
    return pd.DataFrame(rows, columns=["Model", "Provider", "Kind", "USD per 1M tokens"])


# --- deprecations ---------------------------------------------------------------------------


def lifecycle_status(
    record: ModelRecord,
    today: date,
    *,
    window_days: int = RETIRING_SOON_DAYS,
    verified: bool | None = None,
) -> str:
    """One word for the timeline colour: retired / retiring soon / deprecated / status / active."""
    life = assess(record, today, window_days=window_days, verified=verified)
    if life.retired:
        return BADGE_RETIRED
    if life.retiring:
        return BADGE_RETIRING
    if life.deprecated:
        return BADGE_DEPRECATED
    return record.status or "active"


TIMELINE_COLUMNS: tuple[str, ...] = (
    "Model",
    "Provider",
    "Phase",
    "Start",
    "End",
    "Status",
    "Successor",
)
#: The timeline always spans at least this many days before and after today.
TIMELINE_MIN_PAST_DAYS = 180
TIMELINE_MIN_FUTURE_DAYS = 365


def timeline_frame(
    records: Iterable[ModelRecord], today: date, *, window_days: int = RETIRING_SOON_DAYS
) -> pd.DataFrame:
    """Phases per model for the deprecation timeline: release → deprecation → retirement.

    One row per phase (``in service`` from release to deprecation, ``deprecated`` from
    deprecation to retirement), for models with a deprecation or retirement date; every phase of
    a model carries the same ``Model`` label, so the chart draws one row per model. A phase whose
    end is unknown ends at the last known date (or today).
    """
    rows: list[dict[str, Any]] = []
    for r in records:
        if r.deprecation_date is None and r.retirement_date is None:
            continue
        label = f"{r.provider_id}/{r.model_id}"
        status = lifecycle_status(r, today, window_days=window_days)
        common = {
            "Model": label,
            "Provider": provider_label(r.provider_id),
            "Status": status,
            "Successor": r.successor_model or "",
        }
        end_of_service = r.deprecation_date or r.retirement_date
        if r.release_date is not None and end_of_service is not None:
            rows.append(
                {
                    **common,
                    "Phase": "in service",
                    "Start": pd.Timestamp(r.release_date),
                    "End": pd.Timestamp(max(end_of_service, r.release_date)),
                }
            )
        if r.deprecation_date is not None:
            end = r.retirement_date or max(today, r.deprecation_date)
            rows.append(
                {
                    **common,
                    "Phase": "deprecated",
                    "Start": pd.Timestamp(r.deprecation_date),
                    "End": pd.Timestamp(max(end, r.deprecation_date)),
                }
            )
        elif r.release_date is None and r.retirement_date is not None:
            # only a retirement date: a point on the chart
            rows.append(
                {
                    **common,
                    "Phase": "retirement",
                    "Start": pd.Timestamp(r.retirement_date),
                    "End": pd.Timestamp(r.retirement_date),
                }
            )
    return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))


def timeline_span(frame: pd.DataFrame, today: date) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The x-axis domain: every phase, and at least half a year back and a year ahead of today.

    >>> span = timeline_span(pd.DataFrame(columns=list(TIMELINE_COLUMNS)), date(2025, 1, 1))
    >>> [d.date().isoformat() for d in span]
    ['2024-07-05', '2026-01-01']
    """
    low = pd.Timestamp(today - timedelta(days=TIMELINE_MIN_PAST_DAYS))
    high = pd.Timestamp(today + timedelta(days=TIMELINE_MIN_FUTURE_DAYS))
    if not frame.empty:
        low = min(low, pd.Timestamp(frame["Start"].min()))
        high = max(high, pd.Timestamp(frame["End"].max()))
    return low, high


def upcoming(records: Iterable[ModelRecord], today: date, within_days: int) -> list[ModelRecord]:
    """Models whose deprecation or retirement falls after today and within ``within_days``,
    soonest first (a date that is today has already happened: see :mod:`registry_core.lifecycle`)."""
    horizon = today + timedelta(days=within_days)

    def next_date(r: ModelRecord) -> date | None:
        dates = [d for d in (r.deprecation_date, r.retirement_date) if d and today < d <= horizon]
        return min(dates) if dates else None

    hits = [(d, r) for r in records if (d := next_date(r)) is not None]
    hits.sort(key=lambda pair: (pair[0], pair[1].provider_id, pair[1].model_id))
    return [r for _, r in hits]


def upcoming_frame(records: Sequence[ModelRecord], today: date) -> pd.DataFrame:
    """Upcoming deprecations/retirements with days left."""
    rows = []
    for r in records:
        rows.append(
            {
                "Model": f"{r.provider_id}/{r.model_id}",
                "Status": r.status or "",
                "Deprecation": _ts(r.deprecation_date),
                "Retirement": _ts(r.retirement_date),
                "Days left": min(
                    (d - today).days
                    for d in (r.deprecation_date, r.retirement_date)
                    if d is not None and d > today
                ),
                "Successor": r.successor_model or "",
                "Used By": ", ".join(r.used_by),
                "Recommended": bool(r.recommended),
            }
        )
    columns = [
        "Model",
        "Status",
        "Deprecation",
        "Retirement",
        "Days left",
        "Successor",
        "Used By",
        "Recommended",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("Deprecation", "Retirement"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def deprecated_now(
    records: Iterable[ModelRecord], today: date, *, window_days: int = RETIRING_SOON_DAYS
) -> list[ModelRecord]:
    """Every deprecated or retired model, dated or not: the retired first, then by date and id."""
    pool = list(records)
    hits = [
        r
        for r in pool
        if (life := assess(r, today, window_days=window_days)).deprecated or life.retired
    ]
    return sorted(
        hits,
        key=lambda r: (
            not is_retired(r, today),
            r.retirement_date or date.max,
            r.deprecation_date or date.max,
            r.provider_id,
            r.model_id,
        ),
    )


def deprecated_frame(records: Sequence[ModelRecord], today: date) -> pd.DataFrame:
    """The "Deprecated now" table: state, dates (blank when unknown), successor, and the source."""
    rows = []
    for r in records:
        life = assess(r, today)
        rows.append(
            {
                "Model": f"{r.provider_id}/{r.model_id}",
                "State": "retired" if life.retired else "deprecated",
                "Deprecation": _ts(r.deprecation_date),
                "Retirement": _ts(r.retirement_date),
                "Successor": r.successor_model or "",
                "Date from": r.provenance.get("Retirement Date")
                or r.provenance.get("Deprecation Date")
                or "",
            }
        )
    columns = ["Model", "State", "Deprecation", "Retirement", "Successor", "Date from"]
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("Deprecation", "Retirement"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def at_risk(
    records: Iterable[ModelRecord],
    today: date,
    within_days: int = RETIRING_SOON_DAYS,
    *,
    verified: frozenset[str] | None = None,
) -> list[ModelRecord]:
    """Recommended or Used By models that are deprecated, retired, unavailable, or retire
    within ``within_days``; soonest retirement first. ``verified``: providers a listing looked at
    (default: those with a verified record among ``records``)."""
    pool = list(records)
    looked = verified_providers(pool) if verified is None else verified
    out = [
        r
        for r in pool
        if (r.recommended or r.used_by)
        and assess(r, today, window_days=within_days, verified=r.provider_id in looked).at_risk
    ]
    return sorted(out, key=lambda r: (r.retirement_date or date.max, r.provider_id, r.model_id))


def recommended_at_risk(
    records: Iterable[ModelRecord], today: date, within_days: int = RETIRING_SOON_DAYS
) -> list[ModelRecord]:
    """Recommended models that are deprecated, unavailable, or retire within ``within_days``."""
    pool = list(records)
    return [r for r in at_risk(pool, today, within_days) if r.recommended]


def move_to(record: ModelRecord, records: Sequence[ModelRecord], today: date) -> str:
    """What to move to: the recorded successor, else the registry's recommendation for the
    provider (with a feature the model has), else a plain "none recorded"."""
    if record.successor_model:
        return record.successor_model
    from registry_core.advice import recommend

    feature = next((f for f in ("chat", "embeddings") if f in record.features), None)
    pick = recommend(records, record.provider_id, today=today, feature=feature)
    if pick.model_id and pick.model_id != record.model_id:
        return f"{pick.model_id} (suggested: {pick.reason})"
    return "— none recorded"


def at_risk_frame(
    risky: Sequence[ModelRecord],
    records: Sequence[ModelRecord],
    today: date,
    within_days: int = RETIRING_SOON_DAYS,
) -> pd.DataFrame:
    """The "At risk" table: why, when, who uses it, and what to move to."""
    looked = verified_providers(records)
    rows = []
    for r in risky:
        life = assess(r, today, window_days=within_days, verified=r.provider_id in looked)
        rows.append(
            {
                "Model": f"{r.provider_id}/{r.model_id}",
                "State": str(life.state),
                "Retirement": _ts(r.retirement_date),
                "Days left": life.days_left,
                "Move to": move_to(r, records, today),
                "Used By": ", ".join(r.used_by),
                "Recommended": bool(r.recommended),
            }
        )
    columns = ["Model", "State", "Retirement", "Days left", "Move to", "Used By", "Recommended"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["Retirement"] = pd.to_datetime(frame["Retirement"])
    frame["Days left"] = pd.array(frame["Days left"].tolist(), dtype="Int64")
    return frame


def lifecycle_sources_rows(record: ModelRecord) -> list[dict[str, str]]:
    """Every source's lifecycle claim kept in Metadata (``lifecycle``), for Model detail, with
    which one the record holds. Empty when no source said anything."""
    raw = record.meta.get("lifecycle")
    if not isinstance(raw, dict):
        return []
    out: list[dict[str, str]] = []
    for origin, claims in raw.items():
        if not isinstance(claims, dict):
            continue
        for name, value in claims.items():
            if name in ("source_url", "taken", "sources"):
                continue
            attr = next((a for a, n in FIELD_NAMES.items() if n == name), None)
            held = _show(getattr(record, attr)) if attr else None
            out.append(
                {
                    "Field": str(name),
                    "Source": str(origin),
                    "Says": str(value),
                    "In use": "—" if held is None else ("yes" if held == str(value) else "no"),
                    "Link": str(claims.get("source_url") or ""),
                    "Taken": str(claims.get("taken") or ""),
                }
            )
    return out


# --- model detail ---------------------------------------------------------------------------


def provenance_rows(record: ModelRecord) -> list[dict[str, str]]:
    """Every filled field with where its value came from (provider / catalog / manual ...).

    A field's own provenance wins; fields people own count as ``manual``; otherwise the record's
    Source (``provider+catalog`` reads as both).
    """
    prov = record.provenance
    out: list[dict[str, str]] = []
    for attr, name in FIELD_NAMES.items():
        if name == METADATA:
            continue
        value = getattr(record, attr)
        if value is None or value == () or value == "":
            continue
        if name in prov:
            origin = prov[name]
            if origin == "inferred" and inference_text(record):
                origin = str(inference_text(record))
        elif name in HUMAN_OWNED_FIELDS:
            origin = "manual"
        elif name in ("Provider ID", "Model ID"):
            origin = "key"
        else:
            origin = record.source or ""
        out.append({"Field": name, "Value": _show(value), "From": origin})
    return out


def _show(value: Any) -> str:
    return table_value(value)  # one way to show a value in any table


def show_time(value: datetime) -> str:
    """A moment as people read it on every page: ``"2026-11-25 20:41 UTC"`` (naive is UTC)."""
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def show_duration(seconds: float) -> str:
    """A setting's duration as people say it: ``"1 h"``, ``"90 min"``, ``"30 s"``, ``"2 days"``.

    >>> [show_duration(s) for s in (3600, 5400, 30, 172800, 0, 90.5)]
    ['1 h', '90 min', '30 s', '2 days', '0 s', '90.5 s']
    """
    for size, unit in ((86400, " days"), (3600, " h"), (60, " min")):
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return f"{n}{' day' if unit == ' days' and n == 1 else unit}"
    return f"{seconds:g} s"


def alias_target(record: ModelRecord, records: Iterable[ModelRecord]) -> ModelRecord | None:
    """The pinned record an alias points to (same provider), if it is in the registry."""
    if not record.alias_of:
        return None
    for r in records:
        if r.provider_id == record.provider_id and r.model_id == record.alias_of:
            return r
    return None


def aliases_of(record: ModelRecord, records: Iterable[ModelRecord]) -> list[str]:
    """Model ids of the aliases pointing at ``record``."""
    return sorted(
        r.model_id
        for r in records
        if r.provider_id == record.provider_id and r.alias_of == record.model_id
    )


# --- history --------------------------------------------------------------------------------


def events_frame(events: Iterable[HistoryEvent]) -> pd.DataFrame:
    """The event log, newest first."""
    rows = [
        {
            "When": pd.Timestamp(e.at),
            "Provider": e.provider_id,
            "Model": e.model_id,
            "Event": e.kind.replace("_", " "),
            "By": e.actor or e.source or "",
            "Detail": _detail_text(e.detail),
        }
        for e in events
    ]
    frame = pd.DataFrame(rows, columns=["When", "Provider", "Model", "Event", "By", "Detail"])
    frame["When"] = pd.to_datetime(frame["When"], utc=True)
    return frame.sort_values("When", ascending=False, kind="stable").reset_index(drop=True)


def _detail_text(detail: dict[str, Any]) -> str:
    """An event's detail for people: ``Field: old → new``, ``Scope: openai/acme``.

    Empty values read ``(empty)`` on either side of an arrow; other keys whose value is empty
    (``scope=None`` on a public model) are left out rather than shown as ``None``.
    """
    if not detail:
        return ""
    changes = detail.get("changes")
    if isinstance(changes, dict):
        parts = []
        for name, change in changes.items():
            if isinstance(change, list | tuple) and len(change) == 2:
                parts.append(f"{name}: {_blank(change[0])} → {_blank(change[1])}")
            else:
                parts.append(f"{name}: {_blank(change)}")
        return "; ".join(parts)
    rest = dict(detail)
    head = ""
    if "old" in rest or "new" in rest:
        arrow = f"{_blank(rest.pop('old', None))} → {_blank(rest.pop('new', None))}"
        field = rest.pop("field", None)
        head = f"{field}: {arrow}" if field else arrow
    parts = [head] if head else []
    parts += [f"{_key_label(k)}: {_blank(v)}" for k, v in rest.items() if not is_empty(v)]
    return "; ".join(parts)


def _key_label(key: str) -> str:
    """``"unavailable_since"`` -> ``"Unavailable since"``."""
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _blank(value: Any) -> str:
    if is_empty(value):
        return "(empty)"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


#: What a table cell shows for no value.
NO_VALUE = "—"


def table_value(value: Any) -> str:
    """One value as a table cell people read: ``—``, ``yes``/``no``, ``chat, streaming``.

    Numbers never in scientific notation; moments as on every page (:func:`show_time`).

    >>> [table_value(v) for v in (None, "", [], True, False, ["chat", "streaming"], 2e-05, 128000)]
    ['—', '—', '—', 'yes', 'no', 'chat, streaming', '0.00002', '128,000']
    """
    if is_empty(value):
        return NO_VALUE
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(table_value(v) for v in value) or NO_VALUE
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer() and abs(value) >= 1:
            return f"{int(value):,}"
        return f"{value:.10f}".rstrip("0").rstrip(".")
    if isinstance(value, datetime):
        return show_time(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def change_rows(changed: Mapping[str, Mapping[str, Any]]) -> list[dict[str, str]]:
    """A listing's changed fields (``MergeDiff.changed``) as rows: Model, Field, Old, New.

    >>> change_rows({"m": {"Features": [None, ["chat", "streaming"]], "Available": [False, True]}})
    [{'Model': 'm', 'Field': 'Features', 'Old': '—', 'New': 'chat, streaming'}, {'Model': 'm', 'Field': 'Available', 'Old': 'no', 'New': 'yes'}]
    """
    rows: list[dict[str, str]] = []
    for model, fields in changed.items():
        for name, change in fields.items():
            if isinstance(change, list | tuple) and len(change) == 2:
                old, new = change
            else:
                old, new = None, change
            rows.append(
                {"Model": model, "Field": name, "Old": table_value(old), "New": table_value(new)}
            )
    return rows


def runs_frame(runs: Iterable[DiscoveryRun]) -> pd.DataFrame:
    """Discovery runs, newest first."""
    rows = [
        {
            "Started": pd.Timestamp(r.started_at),
            "Provider": r.provider_id,
            "Credential": r.credential or "",
            "Trigger": r.trigger,
            "Outcome": r.outcome,
            "Seen": r.models_seen,
            "Added": r.added,
            "Removed": r.removed,
            "Changed": r.changed,
            "Seconds": round(r.duration_s, 2),
            "Message": r.message or "",
        }
        for r in runs
    ]
    columns = [
        "Started",
        "Provider",
        "Credential",
        "Trigger",
        "Outcome",
        "Seen",
        "Added",
        "Removed",
        "Changed",
        "Seconds",
        "Message",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["Started"] = pd.to_datetime(frame["Started"], utc=True)
    return frame.sort_values("Started", ascending=False, kind="stable").reset_index(drop=True)
