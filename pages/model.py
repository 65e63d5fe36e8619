"""Model detail: every field and where it came from, alias, successor, history, and the edit form."""

from __future__ import annotations

import difflib
import uuid
from datetime import UTC, datetime
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from pages import _ui as ui
from pages._ui.charts import padded_domain, time_axis
from registry_core import history, price_history
from registry_core.access import ANONYMOUS, changed_fields
from registry_core.filters import provider_label
from registry_core.frames import (
    alias_target,
    aliases_of,
    badges,
    events_frame,
    lifecycle_sources_rows,
    model_ref,
    parse_model_ref,
    provenance_rows,
)
from registry_core.labels import field_labels, origin_label
from registry_core.lifecycle import verified_providers
from registry_core.records import REGION_OPTIONS, STATUS_OPTIONS, ModelRecord

b = ui.require()
loaded = ui.safely("read the registry", lambda: ui.load_view(b))
if loaded is None:
    st.stop()
view: ui.RegistryView = loaded  # typed for the cached builders below (st.stop() raised)
ui.banners(view)

# what this page derives from the registry is built once per registry version (and model, and
# minute for the charts that run up to now) and reused by later reruns (ui.memo)
refs = ui.memo(b, "model.refs", None, lambda: sorted(model_ref(r) for r in view.records))
# the URL names the model (?model=provider/model). The picker is not bound to it: a bound
# selectbox drops a value that is not one of its options, and a link to a model that is not
# in the registry should say so, keeping the address as it is.
wanted = st.query_params.get("model") or None
if st.session_state.get("_model_url", "") != wanted or "model" not in st.session_state:
    # a new address (or the first visit): the picker follows it
    st.session_state["_model_url"] = wanted
    st.session_state["model"] = wanted if wanted in refs else None


def _picked() -> None:
    chosen = st.session_state.get("model")
    if chosen:
        st.query_params["model"] = chosen
        st.session_state["_model_url"] = chosen


st.selectbox(
    "Model",
    refs,
    key="model",
    on_change=_picked,
    placeholder="Choose a model (provider/model id) — type to search",
)
parsed = parse_model_ref(st.session_state.get("model") or wanted)
if parsed is None:
    st.info("Choose a model above, or select a row on the Browse page.")
    st.stop()
picked: tuple[str, str] = parsed
found = ui.memo(b, "model.record", picked, lambda: ui.find_record(view, *picked))
if found is None:
    st.warning(
        ui.safe.md(
            "{} is not in the registry. Check the id, or pick a model above (type to search).",
            f"{picked[0]}/{picked[1]}",
        ),
        icon=":material/search_off:",
    )
    near = difflib.get_close_matches(f"{picked[0]}/{picked[1]}", refs, n=5, cutoff=0.5)
    if near:
        st.markdown("Did you mean: " + ", ".join(ui.safe.code(r) for r in near))
    st.page_link(
        ui.page_path("browse"),
        label=ui.safe.md("Search Browse for “{}”", picked[1]),
        query_params={"q": picked[1][:200]},
        icon=":material/search:",
    )
    st.stop()
record: ModelRecord = found  # typed: the callbacks below cannot see the narrowing

flash = st.session_state.pop("_edit_flash", None)
if flash:
    st.success(ui.safe.text(flash))

st.title(ui.safe.text(record.model_name or record.model_id), anchor=False)  # no slug of it
marks = badges(
    record,
    ui.today(),
    soon_days=ui.window_days_for(b.fingerprint),
    verified=record.provider_id
    in ui.memo(b, "model.verified", None, lambda: verified_providers(view.records)),
)
st.caption(
    ui.safe.md("{} · {}", provider_label(record.provider_id), ui.safe.code(record.model_id))
    + (" · " + " · ".join(ui.safe.md(":orange-badge[{}]", m) for m in marks) if marks else "")
    + (" · :green-badge[recommended]" if record.recommended else "")
)

left, right = st.columns([2, 1])
with left:
    st.subheader("Fields")

    def _fields() -> pd.DataFrame:
        fields = pd.DataFrame(provenance_rows(record))
        fields["From"] = [origin_label(o) for o in fields["From"]] if len(fields) else []
        return fields

    fields = ui.memo(b, "model.fields", picked, _fields)
    st.dataframe(
        fields,
        hide_index=True,
        placeholder="—",  # a missing value reads as a dash, not None
        width="stretch",
        height=35 * (len(fields) + 1) + 3,  # every field at once, no scrolling inside the grid
        column_config={
            "Field": st.column_config.TextColumn("Field", width=205),
            "Value": st.column_config.TextColumn("Value", width=215),
            "From": st.column_config.TextColumn(
                "From",
                help="Where the value came from: the provider's listing, the lifecycle "
                "data, the bundled catalog, or people (edited here or in Airtable)",
            ),
        },
    )
    claims = ui.memo(b, "model.claims", picked, lambda: lifecycle_sources_rows(record))
    if claims:
        st.subheader("Lifecycle sources")
        st.caption(
            "What each source says; the record holds the winner "
            "(your edits > the provider's listing > the lifecycle dataset > the catalog)."
        )
        st.dataframe(
            ui.memo(b, "model.claims_frame", picked, lambda: pd.DataFrame(claims)),
            hide_index=True,
            placeholder="—",  # a missing value reads as a dash, not None
            width="stretch",
            column_config={"Link": st.column_config.LinkColumn("Link")},
        )
with right:
    st.subheader("Lineage")
    target = ui.memo(b, "model.alias_target", picked, lambda: alias_target(record, view.records))
    if record.alias_of:
        where = "" if target else " (not in the registry)"
        st.markdown(
            ui.safe.md("Alias of pinned version **{}**", ui.safe.code(record.alias_of)) + where
        )
    pointing = ui.memo(b, "model.aliases", picked, lambda: aliases_of(record, view.records))
    if pointing:
        st.markdown("Aliases pointing here: " + ", ".join(ui.safe.code(a) for a in pointing))
    if record.successor_model:
        st.markdown(ui.safe.md("Successor: **{}**", ui.safe.code(record.successor_model)))
    if not (record.alias_of or pointing or record.successor_model):
        st.caption("No alias or successor recorded.")
    with st.expander("Metadata"):
        st.json(record.meta or {}, expanded=1)

events = ui.safely(
    "read this model's history", lambda: ui.load_events(b, record.provider_id, record.model_id)
)
st.subheader("Availability")
now = datetime.now(UTC)
chart_key = (picked, events is None, now.replace(second=0, microsecond=0))


def _strip() -> Any:  # an altair chart (untyped), or None
    strip = history.availability_intervals(events or [], now=now)
    if not strip:
        return None
    span = padded_domain(min(i["start"] for i in strip), max(i["end"] for i in strip))
    return (
        alt.Chart(ui.availability_frame(strip))
        .mark_bar(height=18)
        .encode(
            x=time_axis("start", span),
            x2="end:T",
            color=ui.availability_color(),
            tooltip=[
                alt.Tooltip("start:T", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("end:T", format="%Y-%m-%d %H:%M"),
                "availability:N",
            ],
        )
        .properties(height=90)
    )


strip_chart = ui.memo(b, "model.availability", chart_key, _strip)
if strip_chart is not None:
    st.altair_chart(strip_chart, width="stretch")
else:
    st.caption("No discovery has listed this model yet (seeded from the catalog, not verified).")


def _prices() -> Any:  # an altair chart (untyped), or None
    prices = price_history.price_points(record, events or [], now=now)
    if not prices:
        return None
    price_span = padded_domain(min(p["at"] for p in prices), max(p["at"] for p in prices))
    return (
        alt.Chart(pd.DataFrame(prices))
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=time_axis("at", price_span),
            y=alt.Y("usd_per_1m:Q", title="USD per 1M tokens"),
            color=alt.Color("price:N", title="price"),
            tooltip=[
                alt.Tooltip("at:T", format="%Y-%m-%d %H:%M"),
                "price:N",
                alt.Tooltip("usd_per_1m:Q", format="$.4f"),
                "source:N",
            ],
        )
        .properties(height=180)
    )


price_chart = ui.memo(b, "model.prices", chart_key, _prices)
if price_chart is not None:
    st.subheader("Price over time")
    st.altair_chart(price_chart, width="stretch")

st.subheader("History")
if events:
    st.dataframe(
        ui.memo(b, "model.events", (picked, events is None), lambda: events_frame(events or [])),
        hide_index=True,
        placeholder="—",  # a missing value reads as a dash, not None
        width="stretch",
        column_config={"When": ui.time_column("When")},
    )
else:
    st.caption("No history events for this model.")

# --- the edit form ------------------------------------------------------------------------------

st.subheader("Edit")
who = ui.access(b)
if not who.may_edit:
    st.info(ui.safe.text(who.reason))
    st.stop()

# the values this form shows, kept until the next run: a submission expects these (an edit
# never overwrites what someone else saved since the page was drawn)
shown_key = f"_edit_shown:{record.provider_id}/{record.model_id}"
shown_before: dict[str, object] = st.session_state.get(shown_key) or {}
st.session_state[shown_key] = {
    attr: getattr(record, attr)
    for attr in (
        "status",
        "recommended",
        "sort_order",
        "regions",
        "successor_model",
        "deprecation_date",
        "retirement_date",
        "cost_per_1k",
        "output_cost_per_1k",
        "cache_read_cost_per_1k",
        "cache_write_cost_per_1k",
        "notes",
    )
}

with st.form("edit_model"):
    c1, c2 = st.columns(2)
    status_options = ["", *STATUS_OPTIONS]
    status = c1.selectbox(
        "Status",
        status_options,
        index=status_options.index(record.status or ""),
        format_func=lambda s: s or "(none)",
    )
    recommended = c1.checkbox("Recommended", value=record.recommended)
    sort_order = c1.number_input("Sort order", value=record.sort_order, step=1, format="%d")
    regions = c1.multiselect("Regions", list(REGION_OPTIONS), default=list(record.regions))
    successor = c2.text_input("Successor model", value=record.successor_model or "")
    deprecation = c2.date_input("Deprecation date", value=record.deprecation_date)
    retirement = c2.date_input("Retirement date", value=record.retirement_date)
    cost_in = c2.number_input(
        "Input cost per 1K tokens (USD)", value=record.cost_per_1k, min_value=0.0, format="%.6f"
    )
    cost_out = c2.number_input(
        "Output cost per 1K tokens (USD)",
        value=record.output_cost_per_1k,
        min_value=0.0,
        format="%.6f",
    )
    cache_read = c2.number_input(
        "Cache read cost per 1K tokens (USD)",
        value=record.cache_read_cost_per_1k,
        min_value=0.0,
        format="%.6f",
    )
    cache_write = c2.number_input(
        "Cache write cost per 1K tokens (USD)",
        value=record.cache_write_cost_per_1k,
        min_value=0.0,
        format="%.6f",
    )
    notes = st.text_area("Notes", value=record.notes or "")
    name = ""
    if not ui.auth_configured():
        name = st.text_input(
            "Your name (written into the history)", placeholder=ANONYMOUS, max_chars=80
        )
    used_by = st.text_input(
        "Used By",
        value=", ".join(record.used_by),
        help="Teams or services that depend on this model, separated by commas",
    )
    submitted = st.form_submit_button("Save changes", type="primary")

if submitted:
    proposed = {
        "status": status or None,
        "recommended": recommended,
        "sort_order": None if sort_order is None else int(sort_order),
        "regions": list(regions),
        "used_by": [n.strip() for n in used_by.split(",") if n.strip()],
        "successor_model": successor.strip() or None,
        "deprecation_date": deprecation or None,
        "retirement_date": retirement or None,
        "cost_per_1k": cost_in,
        "output_cost_per_1k": cost_out,
        "cache_read_cost_per_1k": cache_read,
        "cache_write_cost_per_1k": cache_write,
        "notes": notes.strip() or None,
    }
    changes = changed_fields(record, proposed)
    if not changes:
        st.info("Nothing changed.")
    else:
        editor = who.editor if ui.auth_configured() else (name.strip() or ANONYMOUS)
        old_version = ui.version(b)
        # one idempotency key per submission; a retry of the same submission reuses it, so
        # its history is written once however often it is retried
        signature = f"{record.provider_id}/{record.model_id}:{sorted(changes.items())!r}"
        pending = st.session_state.get("_edit_pending")
        edit_id = pending[1] if pending and pending[0] == signature else uuid.uuid4().hex
        st.session_state["_edit_pending"] = (signature, edit_id)
        expected = {a: shown_before.get(a, getattr(record, a)) for a in changes}
        assert b.service is not None  # ui.require() stops the page without one
        edit = b.service.edit_model
        saved = ui.safely(
            "save the edit",
            lambda: edit(
                record.provider_id,
                record.model_id,
                changes,
                editor,
                edit_id=edit_id,
                expected=expected,
            ),
        )
        if saved is not None:
            st.session_state.pop("_edit_pending", None)
            ui.invalidate(b, old_version, [record.provider_id], record.model_id)
            st.session_state["_edit_flash"] = (
                f"Saved {', '.join(sorted(field_labels(changes)))} as {editor}; "
                "the change is in the history."
            )
            st.rerun()
