"""Model detail: every field and where it came from, alias, successor, history, and the edit form."""

from __future__ import annotations

from datetime import UTC, datetime

import altair as alt
import pandas as pd
import streamlit as st

from pages import _ui as ui
from registry_core import history
from registry_core.access import ANONYMOUS, changed_fields
from registry_core.filters import provider_label
from registry_core.frames import (
    alias_target,
    aliases_of,
    badges,
    events_frame,
    model_ref,
    parse_model_ref,
    provenance_rows,
)
from registry_core.records import REGION_OPTIONS, STATUS_OPTIONS, ModelRecord

b = ui.require()
view = ui.safely("read the registry", lambda: ui.load_view(b))
if view is None:
    st.stop()
ui.banners(view)

refs = sorted(model_ref(r) for r in view.records)
st.selectbox(
    "Model",
    refs,
    index=None,
    key="model",
    bind="query-params",
    placeholder="Choose a model (provider/model id)",
)
picked = parse_model_ref(st.session_state.get("model"))
if picked is None:
    st.info("Choose a model above, or select a row on the Browse page.")
    st.stop()
found = ui.find_record(view, *picked)
if found is None:
    st.warning(f"{picked[0]}/{picked[1]} is not in the registry.")
    st.stop()
record: ModelRecord = found  # typed: the callbacks below cannot see the narrowing

flash = st.session_state.pop("_edit_flash", None)
if flash:
    st.success(flash)

st.title(record.model_name or record.model_id)
marks = badges(record, ui.today())
st.caption(
    f"{provider_label(record.provider_id)} · `{record.model_id}`"
    + (" · " + " · ".join(f":orange-badge[{m}]" for m in marks) if marks else "")
    + (" · :green-badge[recommended]" if record.recommended else "")
)

left, right = st.columns([3, 2])
with left:
    st.subheader("Fields")
    st.dataframe(
        pd.DataFrame(provenance_rows(record)),
        hide_index=True,
        width="stretch",
        column_config={
            "From": st.column_config.TextColumn("From", help="provider / catalog / manual")
        },
    )
with right:
    st.subheader("Lineage")
    target = alias_target(record, view.records)
    if record.alias_of:
        where = "" if target else " (not in the registry)"
        st.markdown(f"Alias of pinned version **`{record.alias_of}`**{where}")
    pointing = aliases_of(record, view.records)
    if pointing:
        st.markdown("Aliases pointing here: " + ", ".join(f"`{a}`" for a in pointing))
    if record.successor_model:
        st.markdown(f"Successor: **`{record.successor_model}`**")
    if not (record.alias_of or pointing or record.successor_model):
        st.caption("No alias or successor recorded.")
    with st.expander("Metadata"):
        st.json(record.meta or {}, expanded=1)

events = ui.safely(
    "read this model's history", lambda: ui.load_events(b, record.provider_id, record.model_id)
)
st.subheader("Availability")
now = datetime.now(UTC)
strip = history.availability_intervals(events or [], now=now)
if strip:
    chart = (
        alt.Chart(ui.availability_frame(strip))
        .mark_bar(height=18)
        .encode(
            x=alt.X("start:T", title=None),
            x2="end:T",
            color=ui.availability_color(),
            tooltip=[
                alt.Tooltip("start:T", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("end:T", format="%Y-%m-%d %H:%M"),
                "availability:N",
            ],
        )
        .properties(height=70)
    )
    st.altair_chart(chart, width="stretch")
else:
    st.caption("No discovery has listed this model yet (seeded from the catalog, not verified).")

st.subheader("History")
if events:
    st.dataframe(
        events_frame(events),
        hide_index=True,
        width="stretch",
        column_config={"When": ui.time_column("When")},
    )
else:
    st.caption("No history events for this model.")

# --- the edit form ------------------------------------------------------------------------------

st.subheader("Edit")
who = ui.access(b)
if not who.may_edit:
    st.info(who.reason)
    st.stop()

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
    notes = st.text_area("Notes", value=record.notes or "")
    name = ""
    if not ui.auth_configured():
        name = st.text_input(
            "Your name (written into the history)", placeholder=ANONYMOUS, max_chars=80
        )
    submitted = st.form_submit_button("Save changes", type="primary")

if submitted:
    proposed = {
        "status": status or None,
        "recommended": recommended,
        "sort_order": None if sort_order is None else int(sort_order),
        "regions": list(regions),
        "successor_model": successor.strip() or None,
        "deprecation_date": deprecation or None,
        "retirement_date": retirement or None,
        "cost_per_1k": cost_in,
        "output_cost_per_1k": cost_out,
        "notes": notes.strip() or None,
    }
    changes = changed_fields(record, proposed)
    if not changes:
        st.info("Nothing changed.")
    else:
        editor = who.editor if ui.auth_configured() else (name.strip() or ANONYMOUS)
        old_version = ui.version(b)
        saved = ui.safely(
            "save the edit",
            lambda: b.service.edit_model(record.provider_id, record.model_id, changes, editor),
        )
        if saved is not None:
            ui.invalidate(b, old_version, [record.provider_id], record.model_id)
            st.session_state["_edit_flash"] = (
                f"Saved {', '.join(sorted(changes))} as {editor}; the change is in the history."
            )
            st.rerun()
