"""Costs: per 1K / per 1M table, the comparison chart, the CSV download of the filtered rows."""

from __future__ import annotations

import csv
import io
import json

from streamlit.runtime.media_file_manager import MediaFileManager

from .conftest import vega_specs


def test_costs_table(app, registry) -> None:
    at = app("costs")
    frame = at.dataframe[0].value
    row = frame[frame["Model"] == "gpt-4o"].iloc[0]
    assert (row["Input $/1K"], row["Output $/1K"]) == (0.0025, 0.01)
    assert (row["Input $/1M"], row["Output $/1M"]) == (2.5, 10.0)
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["Input $/1M"]["type_config"]["format"] == "$%.3f"


def test_comparison_chart(app, registry) -> None:
    at = app("costs")
    spec = json.loads(vega_specs(at)[0])
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["field"] == "USD per 1M tokens"
    assert spec["encoding"]["yOffset"]["field"] == "Kind"
    at.slider(key="costs_top").set_value(5).run()
    assert not at.exception


def test_download_button_matches_the_filtered_rows(app, registry) -> None:
    at = app("costs", query={"provider": ["openai", "mistral"]})
    button = at.download_button(key="export_csv")
    assert button.label == "Download CSV (3 rows)"
    assert button.proto.url.endswith(".csv")


def test_csv_content(app, registry, monkeypatch) -> None:
    captured: list[bytes] = []
    original = MediaFileManager.add

    def spy(
        self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False
    ):
        if mimetype == "text/csv":
            captured.append(path_or_data)
        return original(
            self, path_or_data, mimetype, coordinates, file_name, is_for_static_download
        )

    monkeypatch.setattr(MediaFileManager, "add", spy)
    at = app("costs", query={"provider": ["openai", "mistral"]})
    at.multiselect(key="export_columns").set_value(
        ["Provider", "Model ID", "Model Name", "Input $/1M", "Output $/1K", "Notes"]
    ).run()
    rows = list(csv.reader(io.StringIO(captured[-1].decode())))
    assert rows == [
        ["Provider", "Model ID", "Model Name", "Input $/1M", "Output $/1K", "Notes"],
        [
            "Mistral",
            "mistral-evil",
            '\'=HYPERLINK("http://evil.example","x")',
            "1",
            "0.003",
            "'@SUM(1)",
        ],
        ["OpenAI", "gpt-4o", "GPT-4o", "2.5", "0.01", ""],
        ["OpenAI", "gpt-4-0613", "GPT-4 (0613)", "30", "0.06", ""],
    ]


def test_comparison_rows_are_labelled_in_full(app, registry) -> None:
    # anthropic/claude-3-5-sonnet-latest and -20241022 were both clipped to "anthropic/claude…"
    at = app("costs")
    spec = json.loads(vega_specs(at)[0])
    y = spec["encoding"]["y"]
    assert y["field"] == "Model" and y["axis"]["labelLimit"] == 0
    assert {"field": "Provider", "type": "nominal"} in spec["encoding"]["tooltip"]


def test_costs_as_of_a_past_day_uses_the_price_history(app, registry) -> None:
    from datetime import timedelta

    from registry_core.events import HistoryEvent

    from .conftest import NOW

    registry.append_events(
        [
            HistoryEvent(
                "price-cut",
                "openai",
                "gpt-4o",
                "cost_changed",
                NOW - timedelta(days=1),
                source="discovery",
                detail={"field": "Cost per 1K tokens", "old": 0.005, "new": 0.0025},
            )
        ]
    )
    registry.bump_version()
    at = app("costs")
    assert "Cache read $/1M" in at.dataframe[0].value.columns
    at.date_input(key="costs_as_of").set_value((NOW - timedelta(days=2)).date()).run()
    assert not at.exception
    frame = at.dataframe[0].value
    row = frame[frame["Model"] == "gpt-4o"].iloc[0]
    assert row["Input $/1M"] == 5.0  # the price before the cut
    assert "as of" in at.caption[0].value


def _csv_rows(monkeypatch) -> list[bytes]:
    captured: list[bytes] = []
    original = MediaFileManager.add

    def spy(
        self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False
    ):
        if mimetype == "text/csv":
            captured.append(path_or_data)
        return original(
            self, path_or_data, mimetype, coordinates, file_name, is_for_static_download
        )

    monkeypatch.setattr(MediaFileManager, "add", spy)
    return captured


def test_table_and_csv_hold_the_same_rows_and_the_caption_says_so(
    app, registry, monkeypatch
) -> None:
    from registry_core.records import ModelRecord

    registry.upsert_models([ModelRecord("openai", "no-price-yet", model_name="No price")])
    registry.bump_version()
    captured = _csv_rows(monkeypatch)
    at = app("costs")
    table = at.dataframe[0].value
    rows = list(csv.reader(io.StringIO(captured[-1].decode())))
    # the CSV used to hold the unpriced model the table leaves out (and count it on the button)
    assert len(rows) - 1 == len(table) == 6
    assert [r[1] for r in rows[1:]] == list(table["Model"])
    assert at.download_button(key="export_csv").label == "Download CSV (6 rows)"
    captions = [c.value for c in at.caption]
    assert any("1 model in this view has no price recorded" in c for c in captions)
    assert any(c.startswith("The same 6 rows as the table above") for c in captions)
    assert not any("= + - @" in c for c in captions)  # a developer detail, not for readers
    assert rows[0][0] == "Provider" and rows[1][0] in {"OpenAI", "Anthropic", "Google", "Mistral"}
    assert not any("e-0" in cell for row in rows for cell in row)


def _chart_models(at) -> list[str]:
    """The models of the comparison chart, in the order it draws them (its data's order)."""
    import pyarrow as pa

    chart = at.get("vega_lite_chart")[0].proto
    spec = json.loads(chart.spec)
    assert spec["encoding"]["y"]["sort"] is None  # drawn in the data's order
    data = chart.datasets[0].data.data if chart.datasets else chart.data.data
    frame = pa.ipc.open_stream(data).read_all().to_pandas()
    return list(dict.fromkeys(frame["Model"]))


def test_comparison_follows_the_cheapest_sort(app, registry) -> None:
    at = app("costs", query={"sort": "cheapest"})
    models = _chart_models(at)
    assert models[0] == "mistral/mistral-evil"  # 0.001 + 0.003 per 1K: the cheapest
    assert "cheapest first" in at.slider(key="costs_top").label
    at = app("costs")
    models = _chart_models(at)
    assert models[0] == "openai/gpt-4-0613"  # most expensive first by default
