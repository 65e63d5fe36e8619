"""Deprecations: a timeline, what goes away within 30/60/90 days, and Recommended models at risk."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from pages import _ui as ui
from registry_core.frames import (
    recommended_at_risk,
    timeline_frame,
    upcoming,
    upcoming_frame,
)

STATUS_COLOURS = {
    "retired": "#6b7280",
    "retiring soon": "#dc2626",
    "deprecated": "#f59e0b",
    "active": "#16a34a",
    "beta": "#0ea5e9",
    "preview": "#8b5cf6",
}

b = ui.require()
view = ui.safely("read the registry", lambda: ui.load_view(b))
if view is None:
    st.stop()
flt = ui.current_filter()
records = flt.apply(view.records)
today = ui.today()

st.title("Deprecations")
ui.banners(view)
st.caption(ui.safe.text(flt.describe(len(records))) + " (sidebar filters apply)")

st.subheader("Timeline")
timeline = timeline_frame(records, today)
if timeline.empty:
    st.caption("No model in this view has a deprecation or retirement date.")
else:
    limit = 80
    models = list(dict.fromkeys(timeline.sort_values("End")["Model"]))
    if len(models) > limit:
        st.caption(f"The {limit} models ending soonest of {len(models)}; filter to narrow.")
        timeline = timeline[timeline["Model"].isin(models[:limit])]
        models = models[:limit]
    domain = [s for s in STATUS_COLOURS if s in set(timeline["Status"])]
    base = alt.Chart(timeline).encode(
        y=alt.Y("Model:N", sort=models, title=None, axis=ui.model_axis()),
        color=alt.Color(
            "Status:N",
            scale=alt.Scale(domain=domain, range=[STATUS_COLOURS[s] for s in domain]),
        ),
        tooltip=["Model:N", "Provider:N", "Phase:N", "Start:T", "End:T", "Status:N", "Successor:N"],
    )
    phases = base.mark_bar(opacity=0.85).encode(
        x=alt.X("Start:T", title=None),
        x2="End:T",
        opacity=alt.condition(alt.datum.Phase == "deprecated", alt.value(0.55), alt.value(0.95)),
    )
    ends = (
        base.transform_filter(alt.datum.Phase != "in service")
        .mark_point(shape="diamond", size=60, filled=True)
        .encode(x="End:T")
    )
    rule = (
        alt.Chart(pd.DataFrame({"today": [pd.Timestamp(today)]}))
        .mark_rule(color="#111827", strokeDash=[4, 3])
        .encode(x="today:T", tooltip=[alt.Tooltip("today:T", title="Today")])
    )
    chart = (phases + ends + rule).properties(height=max(160, 20 * len(models)))
    st.altair_chart(chart, width="stretch")
    st.caption(
        "Bars: release → deprecation (solid) → retirement (faded); the dashed line is today."
    )

st.subheader("Coming up")
window = st.segmented_control(
    "Within", [30, 60, 90], default=30, format_func=lambda d: f"{d} days", key="dep_window"
)
days = int(window or 30)
soon = upcoming(records, today, days)
if soon:
    st.dataframe(
        upcoming_frame(soon, today),
        hide_index=True,
        width="stretch",
        column_config={
            "Deprecation": st.column_config.DateColumn("Deprecation", format="YYYY-MM-DD"),
            "Retirement": st.column_config.DateColumn("Retirement", format="YYYY-MM-DD"),
            "Recommended": st.column_config.CheckboxColumn("Recommended"),
        },
    )
else:
    st.caption(f"Nothing is deprecated or retired within {days} days.")

st.subheader("Recommended models at risk")
at_risk = recommended_at_risk(view.records, today)
if at_risk:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Model": f"{r.provider_id}/{r.model_id}",
                    "Status": r.status or "",
                    "Retirement": r.retirement_date,
                    "Successor": r.successor_model or "— none recorded",
                    "Available": r.available,
                }
                for r in at_risk
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Retirement": st.column_config.DateColumn("Retirement", format="YYYY-MM-DD"),
            "Available": st.column_config.CheckboxColumn("Available"),
        },
    )
else:
    st.success("No Recommended model is deprecated, unavailable or retiring within 90 days.")
