"""Deprecations: the timeline spec, 30/60/90-day windows, Recommended models at risk."""

from __future__ import annotations

import json

from .conftest import vega_specs


def test_timeline_has_phases_a_today_rule_and_status_colours(app, registry) -> None:
    at = app("deprecations")
    specs = [json.loads(s) for s in vega_specs(at)]
    assert len(specs) == 1
    layers = specs[0]["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["bar", "point", "rule"]
    assert layers[0]["encoding"]["x2"]["field"] == "End"
    colour = layers[0]["encoding"]["color"]
    assert colour["field"] == "Status"
    # all three dated models retire within 90 days; the palette maps status to colour
    assert colour["scale"]["domain"] == ["retiring soon"]
    assert colour["scale"]["range"] == ["#dc2626"]


def test_upcoming_windows(app, registry) -> None:
    at = app("deprecations")
    assert list(at.dataframe[0].value["Model"]) == ["google/gemini-1.5-pro", "openai/gpt-4-0613"]
    at.segmented_control(key="dep_window").set_value(60).run()
    assert list(at.dataframe[0].value["Model"]) == [
        "google/gemini-1.5-pro",
        "openai/gpt-4-0613",
        "anthropic/claude-3-5-sonnet-20241022",
    ]
    assert list(at.dataframe[0].value["Days left"]) == [10, 20, 45]


def test_recommended_at_risk_with_successor(app, registry) -> None:
    at = app("deprecations")
    at_risk = at.dataframe[-1].value
    assert list(at_risk["Model"]) == ["openai/gpt-4-0613"]
    assert list(at_risk["Successor"]) == ["gpt-4o"]


def test_sidebar_filter_applies(app, registry) -> None:
    at = app("deprecations", query={"provider": "mistral"})
    assert not vega_specs(at)
    assert "No model in this view has a deprecation" in at.caption[1].value


def test_timeline_rows_are_labelled_in_full(app, registry) -> None:
    at = app("deprecations")
    layers = json.loads(vega_specs(at)[0])["layer"]
    for layer in layers[:2]:  # the bars and the end markers share the model axis
        y = layer["encoding"]["y"]
        assert y["field"] == "Model" and y["axis"]["labelLimit"] == 0
    assert {"field": "Provider", "type": "nominal"} in layers[0]["encoding"]["tooltip"]
