"""Discover now: list providers' models live, with progress, then show what changed."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st

from pages import _ui as ui
from registry_core.filters import provider_label
from registry_core.frames import change_rows
from registry_core.provider_table import enable_hint

VALIDATION_MODES = {
    "none": "Listing only (free): a successful listing proves the key",
    "retrieve": "Retrieve each model (free, slower) where the provider allows it",
    "probe": "Probe each chat model with a 1-token request (costs a little money)",
}


def _items(model_ids: list[str]) -> str:
    """A Markdown list of model ids, each as inline code it cannot break out of."""
    return "\n".join(f"- {ui.safe.code(m)}" for m in model_ids)


b = ui.require()
st.title("Discover now")
st.write(
    "Ask each provider which models your keys can use right now, and write what changed to "
    "the registry."
)

configured = ui.credential_labels(b)
providers = list(b.settings.providers) if b.settings else []
providers += [p for p in configured if p not in providers]
st.dataframe(
    pd.DataFrame(
        [
            {
                "Provider": provider_label(p),
                "Credentials": ", ".join(configured.get(p, [])),
                "Configured": bool(configured.get(p)),
                "To configure": "" if configured.get(p) else enable_hint(p),
            }
            for p in providers
        ]
    ),
    hide_index=True,
    placeholder="—",
    width="stretch",
    column_config={"Configured": st.column_config.CheckboxColumn("Configured")},
)
st.caption("Credentials are shown by name only; keys never leave the server.")

who = ui.access(b)
mode = st.radio(
    "Validation",
    list(VALIDATION_MODES),
    format_func=lambda m: VALIDATION_MODES[m],
    key="discover_validation",
    horizontal=False,
)
ready = [p for p in providers if configured.get(p)]
chosen: list[str] | None = None
buttons = st.columns(max(1, min(len(ready), 6)) + 1)
if buttons[0].button(
    "Discover all",
    type="primary",
    disabled=not (who.may_edit and ready),
    help=ui.safe.text(who.reason) or (None if ready else "No provider has a key configured."),
    key="discover_all",
):
    chosen = ready
for index, provider_id in enumerate(ready):
    column = buttons[1 + index % (len(buttons) - 1)]
    if column.button(
        ui.safe.text(provider_label(provider_id)),
        key=f"discover_{provider_id}",
        disabled=not who.may_edit,
        help=ui.safe.text(who.reason) or None,
    ):
        chosen = [provider_id]
if not who.may_edit:
    st.info(ui.safe.text(who.reason))
if not ready:
    st.info(
        "No provider has a key configured. Set e.g. OPENAI_API_KEY in the environment or in "
        ".streamlit/secrets.toml, then restart the dashboard."
    )

if chosen:
    old_version = ui.version(b)
    with st.status(f"Discovering {len(chosen)} provider(s)…", expanded=True) as box:
        bars = {
            p: box.progress(0.0, text=ui.safe.md("{}: waiting", provider_label(p))) for p in chosen
        }
        reports = ui.run_discovery(b, chosen, mode, bars)
        failed = [r for r in reports if not r.ok]
        unsaved = [r for r in reports if r.ok and r.save_failed]
        label = "Discovery finished" + (f" — {len(failed)} failed" if failed else "")
        if unsaved:
            label = f"Discovery could not save {len(unsaved)} listing(s) to the registry" + (
                f"; {len(failed)} failed" if failed else ""
            )
        state: Literal["error", "complete"] = (
            "error" if unsaved or (failed and len(failed) == len(reports)) else "complete"
        )
        finished = {"label": label, "state": state, "lines": [ui.report_line(r) for r in reports]}
        box.update(label=label, state=state, expanded=False)
    ui.invalidate(b, old_version, chosen)
    st.session_state["_discover_reports"] = ui.summarise_reports(reports)
    st.session_state["_discover_status"] = finished
    if ui.version(b) != old_version:
        # the sidebar was drawn before the run, with the old counts: draw the page again (the
        # status and the reports are kept in session state and shown below)
        st.rerun()
elif finished_before := st.session_state.get("_discover_status"):
    with st.status(finished_before["label"], state=finished_before["state"], expanded=False):
        for line in finished_before["lines"]:
            st.markdown(ui.safe.text(line))

for summary in st.session_state.get("_discover_reports", []):
    title = summary.get("title") or ui.credential_title(
        summary["provider_id"], summary["credential"]
    )
    if summary["outcome"] == "failed":
        st.error(ui.safe.md("**{}**: {}", title, summary["message"]), icon=":material/error:")
        continue
    if summary.get("save_failed"):
        st.error(
            ui.safe.md("**{}**: not saved — {}", title, summary["message"]),
            icon=":material/error:",
        )
    elif summary["outcome"] == "suspect":
        st.warning(ui.safe.md("**{}**: {}", title, summary["message"]))
    else:
        st.success(ui.safe.md("**{}**: {}", title, summary["message"]))
    for warning in summary["warnings"]:
        st.warning(ui.safe.text(warning))
    # provider text (ids, reasons) shown as plain text, never as Markdown
    left_out = [
        (f"{len(summary.get(key, []))} {label}", summary.get(key, []))
        for key, label in (
            ("duplicates", "id(s) listed more than once (the first was kept)"),
            ("refused", "item(s) refused"),
            ("item_warnings", "value(s) dropped"),
        )
        if summary.get(key)
    ]
    for heading, lines in left_out:
        st.text(f"{title}: {heading}\n" + "\n".join(f"  {line}" for line in lines[:50]))
    diff = summary["diff"]
    with st.expander(
        ui.safe.md(
            "Changes for {}: {} added, {} removed, {} changed",
            title,
            len(diff["added"]),
            len(diff["removed"]),
            len(diff["changed"]),
        ),
        expanded=bool(diff["added"] or diff["removed"] or diff["changed"]),
    ):
        if not (diff["added"] or diff["removed"] or diff["changed"] or diff["returned"]):
            st.caption("Nothing changed.")
        cols = st.columns(3)
        cols[0].markdown("**Added**\n\n" + _items(diff["added"]))
        cols[1].markdown("**Removed**\n\n" + _items(diff["removed"]))
        if diff["returned"]:
            cols[2].markdown("**Back**\n\n" + _items(diff["returned"]))
        if diff["missing"]:
            cols[2].markdown("**Missing, within the grace period**\n\n" + _items(diff["missing"]))
        if diff["changed"]:
            st.dataframe(
                pd.DataFrame(
                    change_rows(diff["changed"]), columns=["Model", "Field", "Old", "New"]
                ),
                hide_index=True,
                placeholder="—",
                width="stretch",
            )
