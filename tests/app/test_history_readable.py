"""History reads well with one run and with many: UTC axes, providers by colour, every row
labelled, seeding collapsed, no "no runs yet" above a table of runs, columns not cut."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd

from pages._ui import history_charts as charts
from registry_core import history
from registry_core.events import DiscoveryRun, HistoryEvent, make_event_key
from registry_core.filters import provider_label

from .conftest import NOW, vega_specs


def _x_axes(spec: dict) -> list[dict]:
    layers = spec.get("layer") or [spec]
    return [layer["encoding"]["x"] for layer in layers]


def test_time_axes_are_utc_dates_and_24_hour_times(app, registry, with_fake_discovery) -> None:
    at = app("discover")
    at.button(key="discover_all").click().run()
    at.switch_page("pages/history.py").run()
    specs = [json.loads(s) for s in vega_specs(at)]
    assert len(specs) == 3
    for spec in specs:
        for x in _x_axes(spec):
            assert x["type"] == "temporal"
            assert x["scale"]["type"] == "utc"  # labels in UTC, not the browser's zone
            assert x["axis"]["format"] == "%Y-%m-%d %H:%M"  # never ".716" or "07:39 PM"
            lo, hi = (datetime.fromisoformat(v) for v in x["scale"]["domain"])
            assert hi - lo >= timedelta(minutes=10)  # one run is not a millisecond axis


def test_runs_in_the_same_second_stack_one_segment_per_provider(app, registry) -> None:
    moment = NOW - timedelta(hours=1)
    runs = [
        DiscoveryRun(f"r-{p}", p, "user", moment, added=n, removed=r)
        for p, n, r in (("openai", 3, 1), ("anthropic", 2, 0), ("google", 4, 2))
    ]
    for run in runs:
        registry.record_run(run)
    registry.bump_version()
    at = app("history")
    spec = json.loads(vega_specs(at)[1])
    assert spec["encoding"]["y"]["field"] == "low" and spec["encoding"]["y2"]["field"] == "high"
    assert spec["encoding"]["y"]["title"].startswith("Models per minute: added")
    assert spec["encoding"]["color"]["title"] == "Provider"
    assert set(spec["encoding"]["color"]["scale"]["domain"]) >= {
        "OpenAI",
        "Anthropic",
        "Google Gemini",
    }
    _, rows = history.runs_per_bucket(runs)
    assert len({r["start"] for r in rows}) == 1  # one bar
    assert len(rows) == 5  # 3 added segments, 2 removed segments
    frame = pd.DataFrame(rows)
    frame["provider"] = [provider_label(p) for p in frame["provider_id"]]
    frame = charts.stacked(frame)
    spans = {
        (row.provider, row.change): (row.low, row.high) for row in frame.itertuples(index=False)
    }
    # stacked in name order (Anthropic 2, Google 4, OpenAI 3), removed below the line
    assert spans[("Anthropic", "added")] == (0, 2)
    assert spans[("Google Gemini", "added")] == (2, 6)
    assert spans[("OpenAI", "added")] == (6, 9)
    assert spans[("Google Gemini", "removed")] == (0, -2)
    assert spans[("OpenAI", "removed")] == (-2, -3)


def test_every_model_row_is_labelled(app, registry) -> None:
    events = [
        HistoryEvent(
            make_event_key("openai", f"m-{i:02d}", "added"),
            "openai",
            f"m-{i:02d}",
            "added",
            NOW - timedelta(days=1),
        )
        for i in range(40)
    ]
    registry.append_events(events)
    registry.bump_version()
    at = app("history")
    spec = json.loads(vega_specs(at)[-1])
    axis = spec["encoding"]["y"]["axis"]
    assert axis["labelOverlap"] is False and axis["labelLimit"] == 0
    assert spec["height"] >= 20 * 42  # a row's height for every model: no label dropped


def test_seeding_is_one_line_not_521_rows(app, registry) -> None:
    seeded_at = NOW - timedelta(days=2)
    registry.append_events(
        [
            HistoryEvent(
                make_event_key("google", f"s-{i}", "seeded"),
                "google",
                f"s-{i}",
                "seeded",
                seeded_at,
            )
            for i in range(50)
        ]
    )
    registry.record_run(
        DiscoveryRun("seed-google", "google", "seed", seeded_at, models_seen=50, added=50)
    )
    registry.bump_version()
    at = app("history")
    log = at.dataframe[0].value
    assert "seeded" not in set(log["Event"])
    assert len(log) == 2
    summary = [c.value for c in at.main.caption if "seeded from the bundled catalog" in c.value]
    assert summary and summary[0].startswith("50 models from 1 providers")
    at.toggle(key="history_show_seeding").set_value(True).run()
    assert (at.dataframe[0].value["Event"] == "seeded").sum() == 50
    # runs exist (the seed run): the page does not also say there are none
    captions = " ".join(c.value for c in at.main.caption)
    assert "No discovery runs yet" not in captions
    assert "Only the seeding from the bundled catalog so far" in captions


def test_message_credential_and_detail_columns_have_room(app, registry) -> None:
    at = app("history")
    log_columns = json.loads(at.dataframe[0].proto.columns)
    run_columns = json.loads(at.dataframe[1].proto.columns)
    assert log_columns["Detail"]["width"] >= 280 and log_columns["By"]["width"] >= 120
    assert run_columns["Message"]["width"] >= 250 and run_columns["Credential"]["width"] >= 120
    # times read as on Status
    assert run_columns["Started"]["type_config"]["format"] == "YYYY-MM-DD HH:mm [UTC]"


def test_available_steps_with_many_runs_give_one_step_per_change() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    events = [
        HistoryEvent(f"k{i}", "openai", f"m{i}", "added", start + timedelta(hours=6 * i))
        for i in range(1000)
    ]
    rows = history.available_steps(events, now=start + timedelta(days=300))
    assert len(rows) == 1001 and rows[-2]["available"] == 1000 and not rows[-1]["change"]
    assert history.bucket_for(start, start + timedelta(days=250))[0] == "week"
