"""Chart conventions shared by the pages: availability colours, axes that never clip labels."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

#: How an availability interval is labelled and coloured, on History and Model detail alike.
AVAILABLE_NOW = "available now"
NO_LONGER_AVAILABLE = "no longer available"
AVAILABILITY_COLORS = {AVAILABLE_NOW: "#16a34a", NO_LONGER_AVAILABLE: "#94a3b8"}


def availability_frame(intervals: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Intervals from ``history.availability_intervals`` with a readable ``availability``."""
    frame = pd.DataFrame(list(intervals))
    frame["availability"] = [
        AVAILABLE_NOW if ongoing else NO_LONGER_AVAILABLE for ongoing in frame["ongoing"]
    ]
    return frame


def availability_color() -> alt.Color:
    """The colour encoding of ``availability``; the legend sits below the chart, so it fits."""
    return alt.Color(
        "availability:N",
        title="Availability",
        scale=alt.Scale(domain=list(AVAILABILITY_COLORS), range=list(AVAILABILITY_COLORS.values())),
        legend=alt.Legend(
            orient="bottom", direction="horizontal", titleOrient="left", labelLimit=0
        ),
    )


def model_axis() -> alt.Axis:
    """The y axis of a chart with one row per ``provider/model``: labels are never clipped.

    Vega-Lite cuts axis labels at 180 px by default, which turns ``anthropic/claude-3-5-sonnet-
    20241022`` and ``anthropic/claude-3-5-sonnet-latest`` into the same ``anthropic/claude…``.
    """
    return alt.Axis(labelLimit=0, title=None)
