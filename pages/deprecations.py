"""Deprecations people act on: what is at risk and what to move to, what is deprecated now, what
goes away within 30/60/90 days, and the timeline. The rules are registry_core.lifecycle's."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pages import _ui as ui
from registry_core.frames import (
    at_risk,
    at_risk_frame,
    deprecated_frame,
    deprecated_now,
    timeline_frame,
    timeline_span,
    upcoming,
    upcoming_frame,
)
from registry_core.lifecycle import verified_providers, window_choices

STATUS_COLOURS = {
    "retired": "#6b7280",
    "retiring soon": "#dc2626",
    "deprecated": "#f59e0b",
    "active": "#16a34a",
    "beta": "#0ea5e9",
    "preview": "#8b5cf6",
}
DATE_COLUMNS = {
    "Deprecation": st.column_config.DateColumn("Deprecation", format="YYYY-MM-DD"),
    "Retirement": st.column_config.DateColumn("Retirement", format="YYYY-MM-DD"),
    "Recommended": st.column_config.CheckboxColumn("Recommended"),
}

b = ui.require()
view = ui.safely("read the registry", lambda: ui.load_view(b))
if view is None:
    st.stop()
flt = ui.current_filter()
records = flt.apply(view.records)
today = ui.today()
window = ui.window_days_for(b.fingerprint)

st.title("Deprecations")
ui.banners(view)
st.caption(ui.safe.text(flt.describe(len(records))) + " (sidebar filters apply)")

# --- at risk: what a team uses or recommends, first --------------------------------------------

st.subheader("At risk")
risky = at_risk(view.records, today, window, verified=verified_providers(view.records))
if risky:
    st.caption(
        f"{len(risky)} Recommended or Used By models are deprecated, unavailable, retired or "
        f"retire within {window} days."
    )
    st.dataframe(
        at_risk_frame(risky, list(view.records), today, window),
        hide_index=True,
        placeholder="—",
        width="stretch",
        column_config=DATE_COLUMNS,
    )
else:
    st.success(
        f"No Recommended or Used By model is deprecated, unavailable or retiring within "
        f"{window} days."
    )

# --- deprecated now ----------------------------------------------------------------------------

st.subheader("Deprecated now")
gone = deprecated_now(records, today, window_days=window)
if gone:
    st.caption(f"{len(gone)} models are deprecated or retired (dates where any source has one).")
    st.dataframe(
        deprecated_frame(gone, today),
        hide_index=True,
        placeholder="—",
        width="stretch",
        column_config=DATE_COLUMNS,
    )
else:
    st.caption("No model in this view is deprecated or retired.")

# --- going away within N days ------------------------------------------------------------------

st.subheader("Going away")
choices = list(window_choices(window))
picked = st.segmented_control(
    "Within", choices, default=window, format_func=lambda d: f"{d} days", key="dep_window"
)
days = int(picked or window)
soon = upcoming(records, today, days)
if soon:
    st.dataframe(
        upcoming_frame(soon, today),
        hide_index=True,
        placeholder="—",
        width="stretch",
        column_config=DATE_COLUMNS,
    )
else:
    st.caption(f"Nothing is deprecated or retired within {days} days.")

# --- the timeline ------------------------------------------------------------------------------

st.subheader("Timeline")
timeline = timeline_frame(records, today, window_days=window)
if timeline.empty:
    st.caption("No model in this view has a deprecation or retirement date.")
else:
    limit = 80
    models = list(dict.fromkeys(timeline.sort_values("End")["Model"]))
    if len(models) > limit:
        st.caption(f"The {limit} models ending soonest of {len(models)}; filter to narrow.")
        timeline = timeline[timeline["Model"].isin(models[:limit])]
        models = models[:limit]
    start, end = timeline_span(timeline, today)
    domain = [s for s in STATUS_COLOURS if s in set(timeline["Status"])]
    base = alt.Chart(timeline).encode(
        y=alt.Y("Model:N", sort=models, title=None, axis=ui.model_axis()),
        color=alt.Color(
            "Status:N",
            scale=alt.Scale(domain=domain, range=[STATUS_COLOURS[s] for s in domain]),
        ),
        tooltip=["Model:N", "Provider:N", "Phase:N", "Start:T", "End:T", "Status:N", "Successor:N"],
    )
    x_scale = alt.Scale(domain=[start.isoformat(), end.isoformat()])
    years = alt.Axis(format="%Y", tickCount="year", title=None)
    phases = base.mark_bar(opacity=0.85).encode(
        x=alt.X("Start:T", scale=x_scale, axis=years),
        x2="End:T",
        opacity=alt.condition(alt.datum.Phase == "deprecated", alt.value(0.55), alt.value(0.95)),
    )
    ends = (
        base.transform_filter(alt.datum.Phase != "in service")
        .mark_point(shape="diamond", size=60, filled=True)
        .encode(x=alt.X("End:T", scale=x_scale, axis=years))
    )
    rule = (
        alt.Chart(pd.DataFrame({"today": [pd.Timestamp(today)]}))
        .mark_rule(color="#111827", strokeDash=[4, 3])
        .encode(x="today:T", tooltip=[alt.Tooltip("today:T", title="Today")])
    )
    chart = (phases + ends + rule).properties(height=max(160, 20 * len(models)))
    st.altair_chart(chart, width="stretch")
    st.caption(
        "One row per model. Bars: release → deprecation (solid) → retirement (faded); diamonds "
        "mark the end; the dashed line is today."
    )
