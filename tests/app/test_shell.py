"""The app shell: navigation, a fresh machine, broken configurations, sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from pages._ui.safe import plain

from .conftest import APP

PAGES = {"browse", "model", "discover", "history", "deprecations", "costs", "status"}


def _page_paths(at) -> set[str]:
    return {Path(info["script_path"]).stem for info in at._registered_pages.values()}


def test_fresh_machine_lists_the_seeded_catalog(app, data_dir) -> None:
    at = app()
    assert _page_paths(at) == PAGES
    frame = at.dataframe[0].value
    assert len(frame) >= 100
    assert frame["Provider"].nunique() >= 3
    assert frame["Input $/1M"].notna().sum() >= 50
    assert frame["Context"].notna().sum() >= 50
    caption = at.caption[0].value
    assert "models" in caption and "SQLite" in caption and "data not verified yet" in caption


def _resolve(at, url_pathname: str) -> dict | None:
    """The page Streamlit runs for a browser request to ``/<url_pathname>``."""
    from streamlit.runtime.pages_manager import PagesManager

    manager = PagesManager(str(APP))
    manager.set_script_intent("", url_pathname)
    return manager.set_pages_and_resolve(dict(at._registered_pages))


def test_browse_is_reachable_at_the_root_and_at_slash_browse(app, registry) -> None:
    at = app()
    default = [i for i in at._registered_pages.values() if i["url_pathname"] == ""]
    assert [Path(i["script_path"]).stem for i in default] == ["browse"]
    alias = _resolve(at, "browse")  # a shared link to /browse: no "Page not found"
    assert alias is not None and Path(alias["script_path"]).stem == "browse"
    assert _resolve(at, "nowhere") is None  # (the check can fail)
    at.switch_page("pages/browse.py").run()  # the /browse page (its url matches the file)
    assert not at.exception
    assert "gpt-4o" in set(at.dataframe[0].value["Model"])
    assert "Filters unavailable" not in "\n".join(w.value for w in at.sidebar.warning)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AIRTABLE_MODE": "bogus"}, "AIRTABLE_MODE='bogus' is not one of off, read, write"),
        (
            {"AIRTABLE_API_KEY": "patX", "AIRTABLE_BASE_ID": "not-a-base"},
            "is not a base id",
        ),
        ({"REGISTRY_CACHE_TTL": "soon"}, "REGISTRY_CACHE_TTL='soon' is not a duration"),
    ],
)
def test_broken_configuration_shows_navigation_and_an_error(
    app, data_dir, monkeypatch, env, message
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = app()
    assert _page_paths(at) == PAGES  # the navigation, not the raw file list
    errors = [plain(e.value) for e in at.error]
    assert any(message in e for e in errors), errors
    assert "patX" not in "\n".join(errors)
    for page in ("costs", "status"):
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        assert at.info[0].value.startswith("Nothing to show")


def test_unwritable_db_path_shows_an_error_not_a_traceback(app, data_dir, monkeypatch) -> None:
    blocker = data_dir / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("REGISTRY_DB_PATH", str(blocker / "registry.db"))
    at = app()
    assert _page_paths(at) == PAGES
    assert not at.exception
    assert at.error, "an unusable registry path must be reported"
    assert "registry" in at.error[0].value.lower()


def test_auth_gates_the_app_until_sign_in(app, registry) -> None:
    secrets = {"auth": {"client_id": "x", "client_secret": "y", "redirect_uri": "http://l/cb"}}
    at = app(secrets=secrets, user={"is_logged_in": False})
    assert {info["page_name"] for info in at._registered_pages.values()} == {"Sign in"}
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe


def test_signed_in_user_sees_the_registry(app, registry) -> None:
    secrets = {"auth": {"client_id": "x", "client_secret": "y", "redirect_uri": "http://l/cb"}}
    user = {"is_logged_in": True, "email": "ana@example.com", "name": "Ana"}
    at = app(secrets=secrets, user=user)
    assert _page_paths(at) == PAGES
    assert len(at.dataframe[0].value) == 6
    assert any("Signed in as ana@example.com" in plain(c.value) for c in at.sidebar.caption)


def test_app_file_exists() -> None:
    assert APP.is_file()
