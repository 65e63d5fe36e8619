"""Browse: the registry as a table, filtered by the sidebar; selecting a row opens its detail."""

from __future__ import annotations

import streamlit as st

from pages import _ui as ui
from registry_core.cells import data_age
from registry_core.frames import BROWSE_DECISION_COLUMNS, BROWSE_MORE_COLUMNS, model_ref
from registry_core.records import ModelRecord

#: Grid geometry (Streamlit's defaults): rows and the header are 35 px, plus a border.
ROW_PX = 35
MAX_HEIGHT_PX = 600

b = ui.require()
flt = ui.current_filter()
view = ui.safely("read the registry", lambda: ui.view_summary(b))
if view is None:
    st.stop()
table = ui.safely("build the table", lambda: ui.browse_table(b, flt, ui.today()))
if table is None:
    st.stop()

st.title("AI models")
ui.banners(view)
st.caption(
    ui.safe.md(
        "{} (of {}) · from {}, served from {} · data {}",
        flt.describe(len(table.keys)),
        f"{table.total:,}",
        ui.store_label(b),
        ui.banner.served_label(b, view.tier),
        data_age(view.age_s()),
    )
)

if not table.verified and table.total:
    # nothing has been checked against a provider yet: say where the rows come from and how
    # to get real ones
    with st.container(border=True):
        st.markdown("**Nothing here has been verified yet**")
        st.markdown(
            f"These {table.total:,} models come from the bundled reference catalog and "
            "lifecycle data that ship with the registry, not from your providers: "
            "**Available** and **Status** are not checked, and prices and dates are the "
            "catalog's."
        )
        st.markdown(
            "To check them: add a provider key (for example `OPENAI_API_KEY`) to the "
            "environment or `.streamlit/secrets.toml`, restart, and press **Discover**. "
            "To share one registry with your team, connect Airtable (see the README, "
            "section Airtable). This panel goes away after the first discovery."
        )
        st.page_link(ui.page_path("discover"), label="Go to Discover", icon=":material/radar:")

cols = st.columns(5)
cols[0].metric("Shown", f"{len(table.keys):,}")
cols[1].metric("Providers", table.providers)
cols[2].metric("Deprecated", table.deprecated)
cols[3].metric("Retiring soon", table.retiring_soon, help="Retirement within 90 days")
cols[4].metric("Unavailable", table.unavailable, help="Not in the provider's last listing")

more = st.multiselect(
    "More columns",
    list(BROWSE_MORE_COLUMNS),
    key="columns",
    bind="query-params",
    placeholder="Name, Status, Features, dates, Last verified…",
    help="The table shows what people decide on first; add any other column here "
    "(Model detail shows every field).",
)
shown_columns = [*BROWSE_DECISION_COLUMNS, *(c for c in BROWSE_MORE_COLUMNS if c in more)]

event = st.dataframe(
    table.arrow,  # converted once per registry version and filter, not on every rerun
    key="browse_table",
    hide_index=True,
    placeholder="—",  # a missing value reads as a dash, not None
    width="stretch",
    height=min(MAX_HEIGHT_PX, ROW_PX * (len(table.keys) + 1) + 3),  # no empty grid below
    on_select="rerun",
    selection_mode=["single-row", "single-cell"],  # a click on any cell opens the model
    column_order=shown_columns,
    column_config={
        "Provider": st.column_config.TextColumn("Provider", width="small"),
        "Model": st.column_config.TextColumn("Model", pinned=True),
        "Status": st.column_config.TextColumn("Status", width="small"),
        "Badges": st.column_config.ListColumn(
            "Badges", help="deprecated / retiring soon / …", width="medium"
        ),
        "Available": st.column_config.CheckboxColumn("Available", help="In the last listing"),
        "Recommended": st.column_config.CheckboxColumn("Recommended"),
        "Input $/1M": st.column_config.NumberColumn(
            "Input $/1M", format="$%.3f", help="USD per million input tokens"
        ),
        "Output $/1M": st.column_config.NumberColumn(
            "Output $/1M", format="$%.3f", help="USD per million output tokens"
        ),
        "Cache read $/1M": st.column_config.NumberColumn(
            "Cache read $/1M", format="$%.3f", help="USD per million input tokens read from cache"
        ),
        "Context": st.column_config.NumberColumn("Context", format="localized"),
        "Max output": st.column_config.NumberColumn("Max output", format="localized"),
        "Features": st.column_config.ListColumn("Features"),
        "Release": st.column_config.DateColumn("Release", format="YYYY-MM-DD"),
        "Deprecation": st.column_config.DateColumn("Deprecation", format="YYYY-MM-DD"),
        "Retirement": st.column_config.DateColumn("Retirement", format="YYYY-MM-DD"),
        "Last verified": st.column_config.DatetimeColumn("Last verified", format="distance"),
        "Detail": st.column_config.LinkColumn("Detail", display_text="Open"),
    },
)

picked: list[int] = []
if event is not None:
    picked = list(event.selection.rows) or [cell[0] for cell in event.selection.get("cells", [])]
if picked and 0 <= picked[0] < len(table.keys):
    provider_id, model_id = table.keys[picked[0]]
    ref = model_ref(ModelRecord(provider_id, model_id))
    # bound filter params are kept by their widgets; only the model is passed on
    st.switch_page(ui.page_path("model"), query_params={"model": ref})

if not table.keys:
    st.info("No model matches these filters. Clear some in the sidebar.")
