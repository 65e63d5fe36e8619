"""History's charts: Altair specs from :mod:`registry_core.history` series, read well at any size.

One run or a thousand: time axes are UTC with dates and 24-hour times (``2026-12-01 21:31``),
never a millisecond tick; each provider has one colour (its label in the legend); runs in the
same moment stack as one bar per time bucket, segment per provider; every model row is labelled.
Tooltips carry their times as text made by :func:`registry_core.frames.show_time`, so they read
like the tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import altair as alt
import pandas as pd

from pages._ui.charts import ROW_PX, padded_domain, time_axis
from registry_core.filters import provider_label
from registry_core.frames import show_time


def provider_color(providers: Sequence[str]) -> Any:
    """One colour per provider, named by its label; the same provider gets the same colour."""
    labels = sorted({provider_label(p) for p in providers})
    return alt.Color(
        "provider:N",
        title="Provider",
        scale=alt.Scale(domain=labels, scheme="tableau10"),
        legend=alt.Legend(orient="right", labelLimit=0),
    )


def available_chart(rows: Sequence[Mapping[str, Any]]) -> Any:
    """Available models per provider as step lines, a point at every change, a label at the end."""
    frame = pd.DataFrame(list(rows))
    frame["provider"] = [provider_label(p) for p in frame["provider_id"]]
    frame["when"] = [show_time(t) for t in frame["at"]]
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    lo, hi = padded_domain(frame["at"].min().to_pydatetime(), frame["at"].max().to_pydatetime())
    domain = (lo, hi + (hi - lo) * 0.15)  # room for the end labels inside the plot
    color = provider_color(list(frame["provider_id"]))
    base = alt.Chart(frame).encode(
        x=time_axis("at", domain),
        y=alt.Y("available:Q", title="Available models"),
        color=color,
        tooltip=[
            alt.Tooltip("provider:N", title="Provider"),
            alt.Tooltip("when:N", title="At"),
            alt.Tooltip("available:Q", title="Available models"),
        ],
    )
    lines = base.mark_line(interpolate="step-after", strokeWidth=2)
    points = base.transform_filter("datum.change").mark_point(filled=True, size=50)
    # one label per end point: providers that end on the same count share it ("Google, Mistral 4")
    ends = (
        alt.Chart(end_labels(frame))
        .mark_text(align="left", dx=8, fontSize=12, color="#475569")
        .encode(x=time_axis("at", domain), y="available:Q", text="label:N")
    )
    return (lines + points + ends).properties(height=300)


def end_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """The closing rows of :func:`available_chart`'s frame, one per count, providers joined."""
    ends = frame[~frame["change"].astype(bool)]
    rows = [
        {
            "at": group["at"].max(),
            "available": count,
            "label": f"{', '.join(sorted(group['provider']))}: {count}",
        }
        for count, group in ends.groupby("available")
    ]
    return pd.DataFrame(rows, columns=["at", "available", "label"])


def runs_chart(bucket: str, rows: Sequence[Mapping[str, Any]]) -> Any:
    """Models added (up) and removed (down) per time bucket, one stacked segment per provider."""
    frame = pd.DataFrame(list(rows))
    frame["provider"] = [provider_label(p) for p in frame["provider_id"]]
    frame["period"] = [
        f"{show_time(s)} – {show_time(e)}"
        for s, e in zip(frame["start"], frame["end"], strict=True)
    ]
    frame["count"] = frame["models"].abs()
    frame = stacked(frame)
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    size = (frame["end"] - frame["start"]).iloc[0].to_pytimedelta()
    domain = padded_domain(
        frame["start"].min().to_pydatetime(), frame["end"].max().to_pydatetime(), pad=size
    )
    return (
        alt.Chart(frame)
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=time_axis("start", domain),
            x2="end:T",
            y=alt.Y(
                "low:Q",
                title=f"Models per {bucket}: added ↑ removed ↓",
                axis=alt.Axis(titleLimit=0),
            ),
            y2="high:Q",
            color=provider_color(list(frame["provider_id"])),
            opacity=alt.Opacity(
                "change:N",
                title="Change",
                scale=alt.Scale(domain=["added", "removed"], range=[1.0, 0.55]),
                legend=alt.Legend(orient="right"),
            ),
            tooltip=[
                alt.Tooltip("provider:N", title="Provider"),
                alt.Tooltip("change:N", title="Change"),
                alt.Tooltip("count:Q", title="Models"),
                alt.Tooltip("runs:Q", title="Runs"),
                alt.Tooltip("period:N", title="When (UTC)"),
            ],
        )
        .properties(height=260)
    )


def stacked(frame: pd.DataFrame) -> pd.DataFrame:
    """``low``/``high`` for each segment: per bucket, providers stacked in name order, added
    upwards from 0 and removed downwards (bars with a time range on x do not stack by themselves)."""
    frame = frame.sort_values(["start", "change", "provider"], kind="stable").copy()
    low, high = [], []
    level: dict[tuple[Any, str], int] = {}
    for start, change, models in zip(frame["start"], frame["change"], frame["models"], strict=True):
        base = level.get((start, change), 0)
        low.append(base)
        high.append(base + models)
        level[(start, change)] = base + models
    frame["low"], frame["high"] = low, high
    return frame


def intervals_chart(frame: pd.DataFrame, color: Any, now: datetime) -> Any:
    """One labelled row per ``provider/model``: the spans it was available."""
    frame = frame.copy()
    frame["from"] = [show_time(t) for t in frame["start"]]
    frame["until"] = [
        "now" if ongoing else show_time(t)
        for t, ongoing in zip(frame["end"], frame["ongoing"], strict=True)
    ]
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    domain = padded_domain(frame["start"].min().to_pydatetime(), max(now, frame["end"].max()))
    rows = frame["model"].nunique()
    return (
        alt.Chart(frame)
        .mark_bar(height={"band": 0.7})
        .encode(
            x=time_axis("start", domain),
            x2="end:T",
            y=alt.Y(
                "model:N",
                title=None,
                sort="ascending",
                axis=alt.Axis(labelLimit=0, labelOverlap=False, title=None),
            ),
            color=color,
            tooltip=[
                "model:N",
                alt.Tooltip("from:N", title="From"),
                alt.Tooltip("until:N", title="Until"),
                "availability:N",
            ],
        )
        .properties(height=max(120, ROW_PX * rows))
    )
