"""Discover now: credentials by name, progress, the diff, plain-language errors, gating."""

from __future__ import annotations

from pages._ui.safe import plain

from .conftest import ANTHROPIC_KEY, OPENAI_KEY, all_text


def test_shows_configured_credentials_never_keys(app, registry, with_fake_discovery) -> None:
    at = app("discover")
    table = at.dataframe[0].value
    configured = dict(zip(table["Provider"], table["Configured"], strict=True))
    assert configured["OpenAI"] and configured["Anthropic"] and not configured["Google Gemini"]
    hints = dict(zip(table["Provider"], table["To configure"], strict=True))
    # the variables the product really reads, not f"{provider.upper()}_API_KEY"
    assert hints["Google Gemini"] == "set GEMINI_API_KEY or GOOGLE_API_KEY"
    text = all_text(at)
    assert OPENAI_KEY not in text and ANTHROPIC_KEY not in text
    assert [b.label for b in at.button] == ["Discover all", "OpenAI", "Anthropic"]
    assert [r.value for r in at.radio] == ["none"]


def test_discover_one_provider_shows_the_diff_and_updates_browse(
    app, registry, with_fake_discovery
) -> None:
    at = app("discover")
    at.button(key="discover_openai").click().run()
    assert not at.exception
    assert at.get("expandable") or at.status
    # one label for the credential, and the provider is not repeated in the sentence
    assert plain(at.success[0].value).startswith("**OpenAI (default)**: 3 models listed, 1 added")
    assert at.success[0].value.count("OpenAI") == 1
    assert "OpenAI (default): ok, 3 models" in [plain(w.value) for w in at.status[0].markdown]
    expander_labels = [plain(e.label) for e in at.expander]
    assert any(
        label.startswith("Changes for OpenAI (default): 1 added") for label in expander_labels
    )
    assert "`fake-only-model`" in "\n".join(m.value for m in at.markdown)
    assert OPENAI_KEY not in all_text(at)
    # the cache was cleared: Browse and History show the new model at once
    at.switch_page("pages/browse.py").run()
    assert "fake-only-model" in set(at.dataframe[0].value["Model"])
    at.switch_page("pages/history.py").run()
    log = at.dataframe[0].value
    assert "fake-only-model" in set(log["Model"])
    runs = at.dataframe[1].value
    assert (runs["Provider"].iloc[0], runs["Added"].iloc[0]) == ("openai", 1)


def test_discover_all_reports_failures_in_plain_language(
    app, registry, with_fake_discovery
) -> None:
    at = app("discover")
    at.button(key="discover_all").click().run()
    errors = [plain(e.value) for e in at.error]
    assert any(
        "the Anthropic key was rejected (401)" in e and "ANTHROPIC_API_KEY" in e for e in errors
    ), errors
    # the same labels as after one provider's button
    assert [plain(s.value).split(":")[0] for s in at.success] == ["**OpenAI (default)**"]
    assert any(e.startswith("**Anthropic (default)**: the Anthropic key") for e in errors)
    assert ANTHROPIC_KEY not in all_text(at)


def test_validation_mode_is_passed_on(app, registry, keys) -> None:
    from pages import _ui
    from registry_core.service import ModelRegistryService

    seen: list[str] = []

    def discover(credential, **kw):
        seen.append(kw["validate"])
        return []

    _ui.SERVICE_FACTORY = lambda s: ModelRegistryService.from_settings(s, discover=discover)
    at = app("discover")
    at.radio(key="discover_validation").set_value("retrieve").run()
    at.button(key="discover_openai").click().run()
    assert seen == ["retrieve"]


def test_no_keys_means_no_buttons_but_a_hint(app, registry) -> None:
    at = app("discover")
    assert at.button(key="discover_all").disabled
    assert any("No provider has a key configured" in i.value for i in at.info)


def test_non_editor_cannot_discover(app, registry, with_fake_discovery) -> None:
    secrets = {
        "auth": {"client_id": "x", "client_secret": "y", "redirect_uri": "http://l/cb"},
        "REGISTRY_EDITORS": ["boss@example.com"],
    }
    at = app(secrets=secrets, user={"is_logged_in": True, "email": "ana@example.com"})
    at.switch_page("pages/discover.py").run()
    assert at.button(key="discover_all").disabled
    assert at.button(key="discover_openai").disabled


def test_sidebar_count_follows_a_discovery_at_once(app, registry, with_fake_discovery) -> None:
    at = app("discover")
    # the filters do not apply to Discover: no filter sentence (nor widgets) in its sidebar
    assert not any(c.value.startswith("6 models") for c in at.sidebar.caption)
    assert not at.sidebar.multiselect
    at.button(key="discover_openai").click().run()
    assert not at.exception
    # the result of the run stays visible
    assert "3 models listed, 1 added" in at.success[0].value
    # the sidebar is drawn before discovery runs: the next page must not keep the old count
    at.switch_page("pages/browse.py").run()
    assert at.sidebar.caption[0].value.startswith("7 models"), at.sidebar.caption[0].value


def test_a_listing_that_could_not_be_saved_is_not_a_green_finish(
    app, registry, with_fake_discovery, monkeypatch
) -> None:
    from registry_core.errors import StoreWriteError
    from registry_core.stores.sqlite import SQLiteStore

    def refuse(self, plan):  # the disk went read-only after the page was drawn
        raise StoreWriteError("the write to the SQLite registry failed (readonly database)")

    monkeypatch.setattr(SQLiteStore, "apply_plan", refuse)
    at = app("discover")
    at.button(key="discover_openai").click().run()
    assert not at.exception
    assert not at.success  # no green line for a listing that was not saved
    assert "Discovery finished" not in at.status[0].label
    assert at.status[0].state == "error"
    assert any("not saved" in e.value and "saved 0 of" in e.value for e in at.error)
