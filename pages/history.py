"""History: availability per provider over time, changes per run, per-model intervals, the logs."""

from __future__ import annotations

from datetime import UTC, datetime

import altair as alt
import pandas as pd
import streamlit as st

from pages import _ui as ui
from registry_core import history
from registry_core.events import EVENT_KINDS
from registry_core.frames import events_frame, runs_frame

b = ui.require()
flt = ui.current_filter()
st.title("History")
providers = list(flt.providers)
st.caption(
    "All providers"
    if not providers
    else ui.safe.md("Providers: {} (sidebar)", ", ".join(providers))
)

events = ui.safely("read the history", lambda: ui.load_events(b)) or []
runs = ui.safely("read the discovery runs", lambda: ui.load_runs(b)) or []
if providers:
    events = [e for e in events if e.provider_id in providers]
    runs = [r for r in runs if r.provider_id in providers]

st.subheader("Available models per provider")
series = history.available_over_time(events, until=ui.today())
if series:
    chart = (
        alt.Chart(pd.DataFrame(series))
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=alt.X("day:T", title=None),
            y=alt.Y("available:Q", title="Available models"),
            color=alt.Color("provider_id:N", title="Provider"),
            tooltip=["day:T", "provider_id:N", "available:Q"],
        )
        .properties(height=280)
    )
    st.altair_chart(chart, width="stretch")
else:
    st.caption("No discovery has listed any model yet. Run one on the Discover page.")

st.subheader("Added and removed per discovery run")
per_run = [r for r in history.runs_series(runs) if r["trigger"] != "seed"]
if per_run:
    frame = pd.DataFrame(per_run)
    frame["run"] = frame["provider_id"] + " · " + frame["started_at"].astype(str).str[:16]
    bars = (
        alt.Chart(frame)
        .transform_fold(["added", "removed"], as_=["change", "models"])
        .mark_bar()
        .encode(
            x=alt.X("started_at:T", title=None),
            y=alt.Y("models:Q", title="Models"),
            color=alt.Color(
                "change:N",
                scale=alt.Scale(domain=["added", "removed"], range=["#16a34a", "#dc2626"]),
            ),
            xOffset="change:N",
            tooltip=["run:N", "change:N", "models:Q", "outcome:N"],
        )
        .properties(height=220)
    )
    st.altair_chart(bars, width="stretch")
else:
    st.caption("No discovery runs yet (seeding from the catalog is not shown).")

st.subheader("Availability per model")
intervals = history.availability_intervals(events, now=datetime.now(UTC))
if intervals:
    frame = ui.availability_frame(intervals)
    frame["model"] = frame["provider_id"] + "/" + frame["model_id"]
    limit = 60
    models = sorted(frame["model"].unique())
    if len(models) > limit:
        st.caption(f"The first {limit} of {len(models)} models; filter by provider to narrow.")
        frame = frame[frame["model"].isin(models[:limit])]
    gantt = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("start:T", title=None),
            x2="end:T",
            y=alt.Y("model:N", title=None, sort="ascending", axis=ui.model_axis()),
            color=ui.availability_color(),
            tooltip=[
                "model:N",
                alt.Tooltip("start:T", format="%Y-%m-%d %H:%M"),
                alt.Tooltip("end:T", format="%Y-%m-%d %H:%M"),
                "availability:N",
            ],
        )
        .properties(height=max(120, 18 * frame["model"].nunique()))
    )
    st.altair_chart(gantt, width="stretch")
else:
    st.caption("No availability intervals yet.")

st.subheader("Event log")
c1, c2 = st.columns([2, 3])
kinds = c1.multiselect("Kinds", list(EVENT_KINDS), key="history_kinds")
model_search = c2.text_input("Model contains", key="history_model")
log_events = [
    e
    for e in events
    if (not kinds or e.kind in kinds) and model_search.strip().lower() in e.model_id.lower()
]
st.dataframe(
    events_frame(log_events),
    hide_index=True,
    width="stretch",
    column_config={"When": ui.time_column("When")},
)
st.caption(f"{len(log_events):,} of {len(events):,} events")

st.subheader("Discovery runs")
st.dataframe(
    runs_frame(runs),
    hide_index=True,
    width="stretch",
    column_config={"Started": ui.time_column("Started")},
)
