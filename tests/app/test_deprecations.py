"""Deprecations: at risk first, deprecated now, 30/60/90-day windows, and the timeline spec.

Tables in page order: 0 at risk, 1 deprecated now, 2 going away.
"""

from __future__ import annotations

import json

import pandas as pd

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
    # the default view is the whole window (REGISTRY_RETIRING_WITHIN_DAYS, 90 days)
    assert at.segmented_control(key="dep_window").value == 90
    assert list(at.dataframe[2].value["Model"]) == [
        "google/gemini-1.5-pro",
        "openai/gpt-4-0613",
        "anthropic/claude-3-5-sonnet-20241022",
    ]
    at.segmented_control(key="dep_window").set_value(30).run()
    assert list(at.dataframe[2].value["Model"]) == ["google/gemini-1.5-pro", "openai/gpt-4-0613"]
    at.segmented_control(key="dep_window").set_value(60).run()
    assert list(at.dataframe[2].value["Days left"]) == [10, 20, 45]


def test_at_risk_comes_first_with_what_to_move_to(app, registry) -> None:
    at = app("deprecations")
    assert at.subheader[0].value == "At risk"
    risky = at.dataframe[0].value
    assert list(risky["Model"]) == ["openai/gpt-4-0613"]
    assert list(risky["Move to"]) == ["gpt-4o"]
    assert list(risky["State"]) == ["retiring"]


def test_deprecated_now_lists_models_without_dates(app, registry) -> None:
    at = app("deprecations")
    now = at.dataframe[1].value
    assert "openai/gpt-4-0613" in list(now["Model"])
    assert set(now.columns) >= {"Model", "State", "Deprecation", "Retirement", "Successor"}


def test_sidebar_filter_applies(app, registry) -> None:
    at = app("deprecations", query={"provider": "mistral"})
    assert not vega_specs(at)
    assert any("No model in this view has a deprecation" in c.value for c in at.caption)


def test_timeline_rows_are_labelled_in_full(app, registry) -> None:
    at = app("deprecations")
    layers = json.loads(vega_specs(at)[0])["layer"]
    for layer in layers[:2]:  # the bars and the end markers share the model axis
        y = layer["encoding"]["y"]
        assert y["field"] == "Model" and y["axis"]["labelLimit"] == 0
    assert {"field": "Provider", "type": "nominal"} in layers[0]["encoding"]["tooltip"]


def test_timeline_axis_shows_years_over_a_sensible_span(app, registry) -> None:
    at = app("deprecations")
    layers = json.loads(vega_specs(at)[0])["layer"]
    x = layers[0]["encoding"]["x"]
    assert x["axis"]["format"] == "%Y"
    low, high = (pd.Timestamp(d) for d in x["scale"]["domain"])
    assert (high - low).days >= 365 + 180  # half a year back, a year ahead at least
