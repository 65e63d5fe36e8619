"""History: charts from the history series, the event log with filters, discovery runs."""

from __future__ import annotations

import json

from .conftest import vega_specs


def test_charts_and_logs(app, registry, with_fake_discovery) -> None:
    at = app("discover")
    at.button(key="discover_openai").click().run()
    at.switch_page("pages/history.py").run()
    specs = [json.loads(s) for s in vega_specs(at)]
    # available over time (step lines, points, end labels), added/removed, intervals
    assert [m["mark"]["type"] for m in specs[0]["layer"]] == ["line", "point", "text"]
    assert [s["mark"]["type"] for s in specs[1:]] == ["bar", "bar"]
    assert specs[0]["layer"][0]["encoding"]["color"]["field"] == "provider"
    assert specs[1]["encoding"]["color"]["field"] == "provider"  # one colour per provider
    assert specs[1]["encoding"]["opacity"]["scale"]["domain"] == ["added", "removed"]
    assert specs[2]["encoding"]["x2"]["field"] == "end"
    assert len(at.dataframe) == 2


def test_event_log_filters(app, registry) -> None:
    at = app("history")
    assert len(at.dataframe[0].value) == 2
    at.text_input(key="history_model").input("0613").run()
    assert list(at.dataframe[0].value["Model"]) == ["gpt-4-0613"]
    at.text_input(key="history_model").input("").run()
    at.multiselect(key="history_kinds").set_value(["edited"]).run()
    assert len(at.dataframe[0].value) == 0
    assert at.main.caption[-1].value == "0 of 2 events"


def test_provider_filter_from_the_sidebar(app, registry) -> None:
    at = app("history", query={"provider": "anthropic"})
    assert len(at.dataframe[0].value) == 0
    assert at.main.caption[0].value == "Providers: anthropic (sidebar)"


def test_availability_reads_the_same_on_history_and_model_detail(app, registry) -> None:
    at = app("history")
    history_color = json.loads(vega_specs(at)[-1])["encoding"]["color"]
    columns = json.loads(at.dataframe[0].proto.columns)
    at = app("model", query={"model": "openai/gpt-4o"})
    model_color = json.loads(vega_specs(at)[0])["encoding"]["color"]
    # one field, labels and colours (green: available now, grey: no longer available)
    for key in ("field", "scale", "legend", "title"):
        assert history_color[key] == model_color[key], key
    assert history_color["scale"]["range"] == ["#16a34a", "#94a3b8"]
    # and times as on Model detail
    model_columns = json.loads(at.dataframe[1].proto.columns)
    assert columns["When"]["type_config"] == model_columns["When"]["type_config"]
