"""History: availability per provider over time, changes per run, per-model intervals, the logs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import streamlit as st

from pages import _ui as ui
from pages._ui import history_charts as charts
from pages._ui import log_tables as tables
from registry_core import history
from registry_core.events import EVENT_KINDS, DiscoveryRun, HistoryEvent
from registry_core.frames import events_frame, runs_frame, show_time

b = ui.require()
flt = ui.current_filter()
st.title("History")
providers = list(flt.providers)
st.caption(
    "All providers"
    if not providers
    else ui.safe.md("Providers: {} (sidebar)", ", ".join(providers))
)

all_events = ui.safely("read the history", lambda: ui.load_events(b))
all_runs = ui.safely("read the discovery runs", lambda: ui.load_runs(b))
# the frames and charts below are built once per registry version, providers and minute (they
# run up to "now") and reused by later reruns (ui.memo)
key = (tuple(providers), all_events is None, all_runs is None)


def _scoped() -> tuple[list[HistoryEvent], list[DiscoveryRun]]:
    events, runs = all_events or [], all_runs or []
    if providers:
        events = [e for e in events if e.provider_id in providers]
        runs = [r for r in runs if r.provider_id in providers]
    return events, runs


events, runs = ui.memo(b, "history.scoped", key, _scoped)
now = datetime.now(UTC)
minute = now.replace(second=0, microsecond=0)


def _available() -> Any:
    steps = history.available_steps(events, now=now)
    return charts.available_chart(steps) if steps else None


st.subheader("Available models per provider")
available = ui.memo(b, "history.available", (key, minute), _available)
if available is not None:
    st.altair_chart(available, width="stretch")
    st.caption("A step at every change a discovery made; the label at the end is today's count.")
else:
    st.caption("No discovery has listed any model yet. Run one on the Discover page.")

st.subheader("Added and removed per discovery run")


def _per_run() -> tuple[str, Any]:
    bucket, per_run = history.runs_per_bucket(runs)
    return bucket, (charts.runs_chart(bucket, per_run) if per_run else None)


bucket, per_run = ui.memo(b, "history.runs", key, _per_run)
if per_run is not None:
    st.altair_chart(per_run, width="stretch")
    st.caption(
        f"One bar per {bucket} (UTC); each provider's runs in it are one segment, added above "
        "the line, removed below. Seeding from the catalog is not shown."
    )
elif runs:
    st.caption(
        "Only the seeding from the bundled catalog so far: no provider has been listed yet. "
        "Run one on the Discover page."
    )
else:
    st.caption("No discovery runs yet. Run one on the Discover page.")

st.subheader("Availability per model")
LIMIT = 150


def _intervals() -> tuple[int, Any] | None:
    intervals = history.availability_intervals(events, now=now)
    if not intervals:
        return None
    frame = ui.availability_frame(intervals)
    frame["model"] = frame["provider_id"] + "/" + frame["model_id"]
    models = sorted(frame["model"].unique())
    if len(models) > LIMIT:
        frame = frame[frame["model"].isin(models[:LIMIT])]
    return len(models), charts.intervals_chart(frame, ui.availability_color(), now)


per_model = ui.memo(b, "history.intervals", (key, minute), _intervals)
if per_model is not None:
    n_models, intervals_chart = per_model
    if n_models > LIMIT:
        st.caption(f"The first {LIMIT} of {n_models} models; filter by provider to narrow.")
    st.altair_chart(intervals_chart, width="stretch")
else:
    st.caption("No availability intervals yet.")

st.subheader("Event log")
c1, c2, c3 = st.columns([2, 3, 1], vertical_alignment="bottom")
kinds = c1.multiselect(
    "Kinds", list(EVENT_KINDS), key="history_kinds", format_func=lambda k: k.replace("_", " ")
)
model_search = c2.text_input("Model contains", key="history_model")
seeding = ui.memo(b, "history.seeding", key, lambda: history.seeding_summary(events))
show_seeding = c3.toggle(
    "Show seeding",
    key="history_show_seeding",
    help="The rows the bundled catalog put into the registry at first start, one event each.",
    disabled=seeding is None,
)
if seeding is not None and not show_seeding and "seeded" not in kinds:
    st.caption(
        f"{seeding['count']:,} models from {seeding['providers']} providers were seeded from "
        f"the bundled catalog ({show_time(seeding['first'])}); their events are hidden. "
        "Turn on “Show seeding” to list them."
    )
hide_seeded = seeding is not None and not show_seeding and "seeded" not in kinds


def _log() -> tuple[int, Any]:
    log_events = [
        e
        for e in events
        if (not kinds or e.kind in kinds)
        and not (hide_seeded and e.kind == "seeded")
        and model_search.strip().lower() in e.model_id.lower()
    ]
    return len(log_events), events_frame(log_events)


n_log, log_frame = ui.memo(b, "history.log", (key, tuple(kinds), model_search, hide_seeded), _log)
st.dataframe(
    log_frame,
    hide_index=True,
    placeholder="—",
    width="stretch",
    column_config=tables.event_columns(ui.time_column("When")),
)
st.caption(f"{n_log:,} of {len(events):,} events")

st.subheader("Discovery runs")
st.dataframe(
    ui.memo(b, "history.runs_frame", key, lambda: runs_frame(runs)),
    hide_index=True,
    placeholder="—",
    width="stretch",
    column_config=tables.run_columns(ui.time_column("Started"), seconds=False),
    column_order=tables.HISTORY_RUN_COLUMNS,
)
