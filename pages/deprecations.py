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
loaded = ui.safely("read the registry", lambda: ui.load_view(b))
if loaded is None:
    st.stop()
view: ui.RegistryView = loaded  # typed for the cached builders below (st.stop() raised)
flt = ui.current_filter()
today = ui.today()
window = ui.window_days_for(b.fingerprint)
# the assessments, frames and the chart are built once per registry version, filter, day and
# window (ui.memo); a rerun only redraws them
key = (ui.filter_key(flt), today, window)
records = ui.memo(b, "deprecations.records", key, lambda: flt.apply(view.records))

st.title("Deprecations")
ui.banners(view)
st.caption(ui.safe.text(flt.describe(len(records))) + " (sidebar filters apply)")

# --- at risk: what a team uses or recommends, first --------------------------------------------

st.subheader("At risk")


def _at_risk() -> tuple[int, pd.DataFrame | None]:
    risky = at_risk(view.records, today, window, verified=verified_providers(view.records))
    if not risky:
        return 0, None
    return len(risky), at_risk_frame(risky, list(view.records), today, window)


n_risky, risky_frame = ui.memo(b, "deprecations.at_risk", (today, window), _at_risk)
if risky_frame is not None:
    st.caption(
        f"{n_risky} Recommended or Used By models are deprecated, unavailable, retired or "
        f"retire within {window} days."
    )
    st.dataframe(
        risky_frame,
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


def _gone() -> tuple[int, pd.DataFrame | None]:
    gone = deprecated_now(records, today, window_days=window)
    return len(gone), (deprecated_frame(gone, today) if gone else None)


n_gone, gone_frame = ui.memo(b, "deprecations.gone", key, _gone)
if gone_frame is not None:
    st.caption(f"{n_gone} models are deprecated or retired (dates where any source has one).")
    st.dataframe(
        gone_frame,
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


def _soon() -> pd.DataFrame | None:
    soon = upcoming(records, today, days)
    return upcoming_frame(soon, today) if soon else None


soon_frame = ui.memo(b, "deprecations.upcoming", (key, days), _soon)
if soon_frame is not None:
    st.dataframe(
        soon_frame,
        hide_index=True,
        placeholder="—",
        width="stretch",
        column_config=DATE_COLUMNS,
    )
else:
    st.caption(f"Nothing is deprecated or retired within {days} days.")

# --- the timeline ------------------------------------------------------------------------------

st.subheader("Timeline")
LIMIT = 80


def _timeline() -> tuple[int, alt.LayerChart] | None:
    timeline = timeline_frame(records, today, window_days=window)
    if timeline.empty:
        return None
    models = list(dict.fromkeys(timeline.sort_values("End")["Model"]))
    n_models = len(models)
    if n_models > LIMIT:
        timeline = timeline[timeline["Model"].isin(models[:LIMIT])]
        models = models[:LIMIT]
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
    return n_models, (phases + ends + rule).properties(height=max(160, 20 * len(models)))


drawn = ui.memo(b, "deprecations.timeline", key, _timeline)
if drawn is None:
    st.caption("No model in this view has a deprecation or retirement date.")
else:
    n_models, chart = drawn
    if n_models > LIMIT:
        st.caption(f"The {LIMIT} models ending soonest of {n_models}; filter to narrow.")
    st.altair_chart(chart, width="stretch")
    st.caption(
        "One row per model. Bars: release → deprecation (solid) → retirement (faded); diamonds "
        "mark the end; the dashed line is today."
    )
