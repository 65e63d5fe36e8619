"""Chart conventions shared by the pages: availability colours, axes that never clip labels,
UTC time axes with dates and 24-hour times that never read as millisecond ticks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
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


#: How time axes read on every chart: date and 24-hour time, UTC (the scale is ``utc``).
AXIS_TIME_FORMAT = "%Y-%m-%d %H:%M"
TIME_TITLE = "Time (UTC)"
#: Pixels per model row on "Availability per model": every row keeps its label.
ROW_PX = 22
#: The time axes of a chart never span less than this, so one run is not a millisecond axis.
MIN_SPAN = timedelta(minutes=10)


def time_axis(field: str, domain: tuple[datetime, datetime] | None = None, **kw: Any) -> Any:
    """An x encoding of ``field`` on a UTC scale, labelled ``YYYY-MM-DD HH:MM``."""
    scale = alt.Scale(type="utc", domain=[_iso(d) for d in domain] if domain else alt.Undefined)
    return alt.X(
        f"{field}:T",
        title=TIME_TITLE,
        scale=scale,
        axis=alt.Axis(format=AXIS_TIME_FORMAT, labelAngle=0, labelOverlap=True, tickCount=6),
        **kw,
    )


def _iso(moment: datetime) -> str:
    """A moment as ISO text in UTC: what Vega parses for a domain (epoch numbers are not
    taken as times by every mark)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def padded_domain(
    first: datetime, last: datetime, *, pad: timedelta | None = None
) -> tuple[datetime, datetime]:
    """``first``..``last`` grown to at least :data:`MIN_SPAN` (centred), plus a margin each side
    (``pad``, or 3 % of the span), so marks at either end stay clear of the axis."""
    span = last - first
    if span < MIN_SPAN:
        grow = (MIN_SPAN - span) / 2
        first, last, span = first - grow, last + grow, MIN_SPAN
    margin = pad if pad is not None else span * 0.03
    return first - margin, last + margin
