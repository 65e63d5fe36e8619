"""Model detail: provenance, alias and successor, history, and the edit form."""

from __future__ import annotations

import json
import re

from pages._ui.safe import plain

from .conftest import vega_specs


def test_detail_shows_fields_with_their_origin(app, registry) -> None:
    at = app("model", query={"model": "openai/gpt-4o"})
    assert plain(at.title[0].value) == "GPT-4o"
    fields = at.dataframe[0].value
    origin = dict(zip(fields["Field"], fields["From"], strict=True))
    assert origin["Cost per 1K tokens"] == "catalog"
    assert origin["Max Tokens"] == "provider"
    assert origin["Status"] == "people"
    assert origin["Features"] == "provider, catalog"
    # no internal wording ("key"), numbers with separators
    assert origin["Model ID"] == "model id"
    values = dict(zip(fields["Field"], fields["Value"], strict=True))
    assert values["Max Tokens"] == "128,000"


def test_alias_successor_and_history(app, registry) -> None:
    at = app("model", query={"model": "anthropic/claude-3-5-sonnet-latest"})
    text = "\n".join(m.value for m in at.markdown)
    assert "Alias of pinned version **`claude-3-5-sonnet-20241022`**" in text
    at = app("model", query={"model": "anthropic/claude-3-5-sonnet-20241022"})
    assert "`claude-3-5-sonnet-latest`" in "\n".join(m.value for m in at.markdown)
    at = app("model", query={"model": "openai/gpt-4-0613"})
    assert "Successor: **`gpt-4o`**" in "\n".join(m.value for m in at.markdown)
    history = at.dataframe[1].value
    assert list(history["Event"]) == ["added"]
    spec = json.loads(vega_specs(at)[0])
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x2"]["field"] == "end"


def test_unknown_or_missing_model(app, registry) -> None:
    at = app("model")
    assert "Choose a model" in at.info[0].value
    at = app("model", query={"model": "openai/nope"})
    assert at.selectbox(key="model").value is None  # not an option
    # the address is kept and the page says why nothing is shown, offering the search
    assert at.query_params["model"] == "openai/nope"
    assert plain(at.warning[0].value).startswith("openai/nope is not in the registry.")
    assert not at.info  # not "Choose a model above"
    at = app("model", query={"model": "openai/gpt-4"})
    assert "`openai/gpt-4o`" in "\n".join(m.value for m in at.markdown)  # did you mean


def test_edit_form_saves_with_a_history_event(app, registry) -> None:
    at = app("model", query={"model": "mistral/mistral-evil"})
    form = at.get("form")[0]
    assert form is not None
    at.selectbox[1].set_value("deprecated")
    at.checkbox[0].check()
    at.text_area[0].input("moving off this one")
    by_label = {t.label: t for t in at.main.text_input}
    by_label["Your name (written into the history)"].input("Ana")
    by_label["Used By"].input("billing-api, Search team")
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    assert (
        plain(at.success[0].value)
        == "Saved Notes, Recommended, Status, Used By as Ana; the change is in the history."
    )
    saved = {r.model_id: r for r in registry.list_models("mistral").records}["mistral-evil"]
    assert saved.used_by == ("billing-api", "Search team")
    assert (saved.status, saved.recommended, saved.notes) == (
        "deprecated",
        True,
        "moving off this one",
    )
    assert saved.provenance["Status"] == "manual"
    edits = [e for e in registry.list_events("mistral", "mistral-evil") if e.kind == "edited"]
    assert [e.actor for e in edits] == ["Ana"]
    # the page re-reads: the history table shows the edit, the title badge the status
    events = at.dataframe[1].value
    assert "edited" in set(events["Event"]) and "Ana" in set(events["By"])


def test_edit_without_a_name_is_anonymous(app, registry) -> None:
    at = app("model", query={"model": "google/gemini-1.5-pro"})
    at.main.text_input[0].input("gemini-2.5-pro")  # successor
    at.button[0].click()
    at.run()
    assert "as anonymous" in at.success[0].value
    edits = [e for e in registry.list_events("google") if e.kind == "edited"]
    assert [e.actor for e in edits] == ["anonymous"]


def test_nothing_changed(app, registry) -> None:
    at = app("model", query={"model": "openai/gpt-4o"})
    at.button[0].click()
    at.run()
    assert any(i.value == "Nothing changed." for i in at.info)
    assert not [e for e in registry.list_events("openai") if e.kind == "edited"]


AUTH = {"auth": {"client_id": "x", "client_secret": "y", "redirect_uri": "http://l/cb"}}


def test_signed_in_non_editor_cannot_edit(app, registry) -> None:
    secrets = {**AUTH, "REGISTRY_EDITORS": ["boss@example.com"]}
    user = {"is_logged_in": True, "email": "ana@example.com"}
    at = app(secrets=secrets, user=user)
    at.switch_page("pages/model.py")
    at.query_params["model"] = "openai/gpt-4o"
    at.run()
    assert not at.get("form")
    assert "ana@example.com is not in REGISTRY_EDITORS" in plain(at.info[-1].value)


def test_signed_in_editor_edits_under_their_email(app, registry) -> None:
    secrets = {**AUTH, "REGISTRY_EDITORS": ["@example.com"]}
    user = {"is_logged_in": True, "email": "ana@example.com"}
    at = app(secrets=secrets, user=user)
    at.switch_page("pages/model.py")
    at.query_params["model"] = "openai/gpt-4o"
    at.run()
    # no name field: the signed-in email is the editor (the inputs are Successor and Used By)
    assert [t.label for t in at.main.text_input] == ["Successor model", "Used By"]
    at.text_area[0].input("our default")
    at.button[0].click()
    at.run()
    assert "as ana@example.com" in plain(at.success[0].value)
    edits = [e for e in registry.list_events("openai", "gpt-4o") if e.kind == "edited"]
    assert [e.actor for e in edits] == ["ana@example.com"]


def test_availability_chart_last_verified_and_history_times_read_well(app, registry) -> None:
    at = app("model", query={"model": "openai/gpt-4o"})
    spec = json.loads(vega_specs(at)[0])
    color = spec["encoding"]["color"]
    # readable labels, not true/false, and a legend below the chart that does not clip them
    assert color["field"] == "availability"
    assert color["scale"]["domain"] == ["available now", "no longer available"]
    assert color["legend"]["orient"] == "bottom" and color["legend"]["labelLimit"] == 0
    # Last Verified like every other time: minutes and UTC, no microseconds or offset
    fields = at.dataframe[0].value
    verified = dict(zip(fields["Field"], fields["Value"], strict=True))["Last Verified"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", verified), verified
    # the history table's times are configured like the History page's
    columns = json.loads(at.dataframe[1].proto.columns)
    assert columns["When"]["type_config"]["format"] == "YYYY-MM-DD HH:mm [UTC]"


def test_price_over_time_and_inferred_base_are_shown(app, registry) -> None:
    from registry_core.records import ModelRecord

    registry.upsert_models(
        [
            ModelRecord(
                "openai",
                "ft:gpt-4.1-mini:acme::B1x",
                cost_per_1k=0.0004,
                metadata={
                    "provenance": {"Cost per 1K tokens": "inferred"},
                    "facts": {
                        "inferred_from": {
                            "model": "gpt-4.1-mini",
                            "catalog": "openai",
                            "reason": "fine-tune",
                        }
                    },
                },
            )
        ]
    )
    registry.bump_version()
    at = app("model", query={"model": "openai/ft:gpt-4.1-mini:acme::B1x"})
    fields = at.dataframe[0].value
    origin = dict(zip(fields["Field"], fields["From"], strict=True))
    assert origin["Cost per 1K tokens"] == "inferred from openai/gpt-4.1-mini (fine-tune)"
    at = app("model", query={"model": "openai/gpt-4o"})
    specs = [json.loads(s) for s in vega_specs(at)]
    line = [s for s in specs if s["mark"]["type"] == "line"]
    assert line and line[0]["encoding"]["y"]["title"] == "USD per 1M tokens"


def test_edit_form_saves_cache_prices(app, registry) -> None:
    at = app("model", query={"model": "openai/gpt-4o"})
    by_label = {n.label: n for n in at.main.number_input}
    by_label["Cache read cost per 1K tokens (USD)"].set_value(0.00125)
    by_label["Cache write cost per 1K tokens (USD)"].set_value(0.003)
    at.button[0].click()
    at.run()
    assert not at.exception
    assert "Cache Read Cost per 1K tokens, Cache Write Cost per 1K tokens" in plain(
        at.success[0].value
    )
    saved = {r.model_id: r for r in registry.list_models("openai").records}["gpt-4o"]
    assert (saved.cache_read_cost_per_1k, saved.cache_write_cost_per_1k) == (0.00125, 0.003)
    assert saved.provenance["Cache Read Cost per 1K tokens"] == "manual"
