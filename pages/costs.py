"""Costs: per 1K and per 1M tokens, a comparison chart, and CSV export of the filtered rows."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import altair as alt
import streamlit as st

from pages import _ui as ui
from registry_core.export import DEFAULT_EXPORT_COLUMNS, EXPORT_COLUMNS, records_to_csv
from registry_core.frames import cost_chart_frame, cost_frame, is_priced, unit_price_frame
from registry_core.price_history import prices_as_of

b = ui.require()
loaded = ui.safely("read the registry", lambda: ui.load_view(b))
if loaded is None:
    st.stop()
view: ui.RegistryView = loaded  # typed for the cached builders below (st.stop() raised)
flt = ui.current_filter()
# everything below is drawn from values built once per registry version, filter and input
# (ui.memo): a rerun only redraws them
fkey = ui.filter_key(flt)
records = ui.memo(b, "costs.records", fkey, lambda: flt.apply(view.records))

st.title("Costs")
ui.banners(view)
as_of = st.date_input(
    "Prices as of",
    value=None,
    max_value=ui.today(),
    key="costs_as_of",
    help="Empty: today's prices. A past day: prices as they were at the end of that day, "
    "rebuilt from the price changes in the history (models added later are left out).",
)
no_history = False
if as_of is not None:
    events = ui.safely("read the price history", lambda: ui.load_events(b))
    moment = datetime.combine(as_of, time.max, tzinfo=UTC)
    today_records, no_history = records, events is None
    records = ui.memo(
        b,
        "costs.records",
        (fkey, as_of, no_history),
        lambda: prices_as_of(today_records, events or [], moment),
    )
key = (fkey, as_of, no_history)
st.caption(
    ui.safe.text(flt.describe(len(records)))
    + " · prices in USD"
    + (f" as of {as_of.isoformat()}" if as_of is not None else "")
    + "; the sidebar filters apply"
)

costs = ui.memo(b, "costs.frame", key, lambda: cost_frame(records))
st.dataframe(
    costs,
    height=min(600, 35 * (len(costs) + 1) + 3),  # fitted to the rows, scrolling past 16
    hide_index=True,
    placeholder="—",  # a missing value reads as a dash, not None
    width="stretch",
    column_config={
        "Input $/1K": st.column_config.NumberColumn("Input $/1K", format="$%.6f"),
        "Output $/1K": st.column_config.NumberColumn("Output $/1K", format="$%.6f"),
        "Input $/1M": st.column_config.NumberColumn("Input $/1M", format="$%.3f"),
        "Output $/1M": st.column_config.NumberColumn("Output $/1M", format="$%.3f"),
        "Cache read $/1M": st.column_config.NumberColumn(
            "Cache read $/1M", format="$%.3f", help="input tokens read from the prompt cache"
        ),
        "Cache write $/1M": st.column_config.NumberColumn(
            "Cache write $/1M", format="$%.3f", help="input tokens written to the prompt cache"
        ),
        "Context": st.column_config.NumberColumn("Context", format="localized"),
    },
)
units = ui.memo(b, "costs.units", key, lambda: unit_price_frame(records))
if not units.empty:
    st.subheader("Prices not per token")
    st.caption("Per image, per request, per second of audio …, as the source states them.")
    st.dataframe(
        units,
        hide_index=True,
        placeholder="—",  # a missing value reads as a dash, not None
        width="stretch",
        column_config={"USD": st.column_config.NumberColumn("USD", format="$%.4f")},
    )
priced = ui.memo(
    b, "costs.priced", key, lambda: [r for r in records if is_priced(r)]
)  # the rows of the table, the chart and the CSV
unpriced = len(records) - len(priced)
if unpriced:
    st.caption(
        f"{unpriced:,} {'model' if unpriced == 1 else 'models'} in this view "
        f"{'has' if unpriced == 1 else 'have'} no price recorded and "
        f"{'is' if unpriced == 1 else 'are'} left out of the table, the chart and the CSV."
    )

st.subheader("Comparison")
cheapest = flt.sort == "cheapest"
top = st.slider(
    f"Models to compare ({'cheapest' if cheapest else 'most expensive'} first)",
    5,
    50,
    20,
    key="costs_top",
)


def _chart() -> Any:  # an altair chart (untyped), or None
    chart_rows = cost_chart_frame(priced, limit=top, cheapest_first=cheapest)
    if chart_rows.empty:
        return None
    return (
        alt.Chart(chart_rows)
        .mark_bar()
        .encode(
            y=alt.Y("Model:N", sort=None, title=None, axis=ui.model_axis()),
            x=alt.X("USD per 1M tokens:Q"),
            color=alt.Color(
                "Kind:N", scale=alt.Scale(domain=["input", "output"], range=["#6366f1", "#f59e0b"])
            ),
            yOffset="Kind:N",
            tooltip=[
                "Model:N",
                "Provider:N",
                "Kind:N",
                alt.Tooltip("USD per 1M tokens:Q", format="$.3f"),
            ],
        )
        .properties(height=max(160, 28 * chart_rows["Model"].nunique()))
    )


chart = ui.memo(b, "costs.chart", (key, top), _chart)
if chart is None:
    st.caption("No priced model in this view.")
else:
    st.altair_chart(chart, width="stretch")

st.subheader("Export")
columns = st.multiselect(
    "Columns", list(EXPORT_COLUMNS), default=list(DEFAULT_EXPORT_COLUMNS), key="export_columns"
)
st.download_button(
    f"Download CSV ({len(priced):,} rows)",
    data=ui.memo(
        b,
        "costs.csv",
        (key, tuple(columns)),
        lambda: records_to_csv(priced, columns or list(DEFAULT_EXPORT_COLUMNS)),
    ),
    file_name=f"ai-models-as-of-{as_of.isoformat()}.csv" if as_of else "ai-models.csv",
    mime="text/csv",
    icon=":material/download:",
    key="export_csv",
    on_click="ignore",
)
st.caption(
    f"The same {len(priced):,} {'row' if len(priced) == 1 else 'rows'} as the table above, "
    "in the same order; prices in USD as plain decimals."
)
