"""Column settings for the History and Status tables: nothing cut that people need to read.

Streamlit's grid does not wrap cells and gives columns it is not told about the width of their
content, so a wide column pushes the last ones off the right edge. Here every column has a width
in pixels, summing to the main area at 1440 px (about 980 px beside the sidebar); the sentence
columns (an event's Detail, a run's Message) get what is left. The time column is the caller's
(``ui.time_column``, the one time format of every page).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

#: Event log: When, Provider, Model, Event, By, Detail.
EVENT_WIDTHS = {"When": 145, "Provider": 75, "Model": 175, "Event": 165, "By": 130, "Detail": 285}
#: Discovery runs (Seconds is left to the Status page): Started … Message.
RUN_WIDTHS = {
    "Started": 145,
    "Provider": 75,
    "Credential": 121,
    "Trigger": 70,
    "Outcome": 66,
    "Seen": 50,
    "Added": 54,
    "Removed": 66,
    "Changed": 66,
    "Seconds": 62,
    "Message": 262,
}
#: What History shows of a run (Status shows every column).
HISTORY_RUN_COLUMNS = tuple(c for c in RUN_WIDTHS if c != "Seconds")


def event_columns(when: Any) -> dict[str, Any]:
    """``column_config`` for :func:`registry_core.frames.events_frame`."""
    out: dict[str, Any] = {
        name: st.column_config.TextColumn(name, width=px) for name, px in EVENT_WIDTHS.items()
    }
    out["When"] = _sized(when, EVENT_WIDTHS["When"])
    return out


def run_columns(started: Any, *, seconds: bool = True) -> dict[str, Any]:
    """``column_config`` for :func:`registry_core.frames.runs_frame`; ``seconds``: the Seconds
    column is shown (its width then comes off the Message's)."""
    numbers = {"Seen", "Added", "Removed", "Changed"}
    widths = dict(RUN_WIDTHS)
    if seconds:
        widths["Message"] -= widths["Seconds"]
    out: dict[str, Any] = {}
    for name, px in widths.items():
        if name in numbers:
            out[name] = st.column_config.NumberColumn(name, width=px, format="%d")
        elif name == "Seconds":
            out[name] = st.column_config.NumberColumn(name, width=px, format="%.2f")
        else:
            out[name] = st.column_config.TextColumn(name, width=px)
    out["Started"] = _sized(started, RUN_WIDTHS["Started"])
    return out


def _sized(column: Any, px: int) -> Any:
    """A column config (a dict) with its width set."""
    sized = dict(column)
    sized["width"] = px
    return sized
