"""Browse: the table, its column config, filters from the URL, selection opening the detail."""

from __future__ import annotations

import json

from pages._ui.safe import plain


def test_table_counts_and_caption(app, registry) -> None:
    at = app()
    frame = at.dataframe[0].value
    assert len(frame) == 6
    assert at.caption[0].value.startswith("6 models (of 6) · from SQLite")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Shown"] == "6"
    assert metrics["Providers"] == "4"
    assert metrics["Deprecated"] == "1"
    assert metrics["Retiring soon"] == "3"
    row = frame[frame["Model"] == "gpt-4o"].iloc[0]
    assert row["Input $/1M"] == 2.5 and row["Output $/1M"] == 10.0
    assert bool(row["Available"]) and bool(row["Recommended"])
    deprecated = frame[frame["Model"] == "gpt-4-0613"].iloc[0]
    assert list(deprecated["Badges"]) == ["deprecated", "retiring soon"]


def test_column_config_money_dates_checkboxes_links(app, registry) -> None:
    at = app()
    config = json.loads(at.dataframe[0].proto.columns)
    assert config["Input $/1M"]["type_config"]["format"] == "$%.3f"
    assert config["Available"]["type_config"]["type"] == "checkbox"
    assert config["Release"]["type_config"]["type"] == "date"
    assert config["Detail"]["type_config"]["type"] == "link"
    assert config["Badges"]["type_config"]["type"] == "list"


def test_sidebar_filters_narrow_the_table(app, registry) -> None:
    at = app()
    at.multiselect(key="provider").set_value(["openai", "anthropic"]).run()
    at.multiselect(key="feature").set_value(["vision"]).run()
    at.selectbox(key="sort").set_value("cheapest").run()
    frame = at.dataframe[0].value
    assert list(frame["Model"]) == [
        "gpt-4o",
        "claude-3-5-sonnet-20241022",  # same price as -latest: default order breaks the tie
        "claude-3-5-sonnet-latest",
    ]
    description = "3 models from openai and anthropic with vision, cheapest first"
    assert description.lower() in at.caption[0].value.lower()
    assert any(c.value.lower() == description.lower() for c in at.sidebar.caption)


def test_search_and_available_only(app, registry) -> None:
    at = app()
    at.text_input(key="q").input("sonnet").run()
    assert len(at.dataframe[0].value) == 2
    at.text_input(key="q").input("").run()
    at.toggle(key="available").set_value(True).run()
    assert set(at.dataframe[0].value["Model"]) == {"gpt-4o", "gpt-4-0613"}


def test_filters_are_read_from_the_url(app, registry) -> None:
    at = app(query={"provider": "anthropic", "status": "active", "sort": "name"})
    assert at.multiselect(key="provider").value == ["anthropic"]
    assert at.multiselect(key="status").value == ["active"]
    frame = at.dataframe[0].value
    assert set(frame["Model"]) == {"claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022"}
    assert at.caption[0].value.startswith("2 active models from Anthropic, by name")


def test_bad_url_values_are_ignored(app, registry) -> None:
    at = app(query={"status": "nonsense", "sort": "drop-table"})
    assert len(at.dataframe[0].value) == 6


def test_selecting_a_row_opens_its_detail_with_the_filters(app, registry) -> None:
    at = app(query={"provider": "google"})
    at.session_state["browse_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert at.query_params.get("model") == "google/gemini-1.5-pro"
    assert at.query_params.get("provider") == "google"
    assert plain(at.title[0].value) == "Gemini 1.5 Pro"


def test_no_match_says_so(app, registry) -> None:
    at = app(query={"q": "no-such-model-anywhere"})
    assert len(at.dataframe[0].value) == 0
    assert "No model matches" in at.info[0].value


def test_first_run_panel_says_where_the_rows_came_from_until_something_is_verified(
    app, data_dir
) -> None:
    at = app()  # nothing in the registry: seeded from the bundled catalog on this first start
    text = "\n".join(m.value for m in at.markdown)
    assert "Nothing here has been verified yet" in text
    assert "bundled reference catalog and lifecycle data" in text
    assert "press **Discover**" in text and "Airtable" in text


def test_no_first_run_panel_once_a_listing_verified_rows(app, registry) -> None:
    at = app()
    assert "Nothing here has been verified yet" not in "\n".join(m.value for m in at.markdown)


def test_columns_people_decide_on_come_first_and_the_rest_is_picked(app, registry) -> None:
    at = app()
    order = list(at.dataframe[0].proto.column_order)
    assert order == [
        "Model",
        "Provider",
        "Badges",
        "Input $/1M",
        "Output $/1M",
        "Context",
        "Retirement",
    ]
    at.multiselect(key="columns").set_value(["Features", "Last verified"]).run()
    assert list(at.dataframe[0].proto.column_order)[-2:] == ["Features", "Last verified"]
    at = app(query={"columns": ["Name", "Status"]})  # a shared link keeps its columns
    assert list(at.dataframe[0].proto.column_order)[-2:] == ["Name", "Status"]


def test_a_clicked_cell_opens_the_detail(app, registry) -> None:
    at = app(query={"provider": "google"})
    at.session_state["browse_table"] = {
        "selection": {"rows": [], "columns": [], "cells": [[0, "Context"]]}
    }
    at.run()
    assert at.query_params.get("model") == "google/gemini-1.5-pro"


def test_sidebar_options_read_as_words_while_the_url_keeps_ids(app, registry) -> None:
    at = app(query={"provider": "openai", "sort": "cheapest"})
    provider = at.sidebar.multiselect(key="provider")
    assert "OpenAI" in provider.proto.options and "openai" not in provider.proto.options
    assert set(at.sidebar.multiselect(key="status").proto.options) == {
        "Active",
        "Deprecated",
        "Beta",
        "Preview",
    }
    assert "Cheapest first" in at.sidebar.selectbox(key="sort").proto.options
    assert provider.value == ["openai"]
    at.sidebar.multiselect(key="status").set_value(["deprecated"]).run()
    assert at.query_params.get("status") == "deprecated"
    assert at.query_params.get("provider") == "openai"
    assert len(at.dataframe[0].value) == 1


def test_filters_only_on_pages_they_apply_to_and_kept_across_pages(app, registry) -> None:
    at = app(query={"provider": "anthropic"})
    assert len(at.dataframe[0].value) == 2
    for page in ("discover", "status"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        assert not at.sidebar.multiselect, page  # no filters where they do nothing
    at.switch_page("pages/costs.py").run()
    assert at.sidebar.multiselect(key="provider").value == ["anthropic"]
    assert set(at.dataframe[0].value["Provider"]) == {"Anthropic"}
