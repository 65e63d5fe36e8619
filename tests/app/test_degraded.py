"""The pages while something is wrong: a stopped registry store, a corrupt snapshot, bad config.

The store here is the app's SQLite registry behind a switch: stopped, every call fails the way
a stopped Airtable does (UnavailableError with Airtable's hint), and its health says what
Airtable's does (unreachable, with the hint in ``fix``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pages import _ui
from pages._ui.safe import plain
from registry_core.errors import UnavailableError
from registry_core.stores.base import StoreHealth
from registry_core.stores.sqlite import SQLiteStore

from .conftest import all_text

HINT = "Airtable may be slow or down; try again later"
PAGES = ("browse", "model", "discover", "history", "deprecations", "costs", "status")


class SwitchableStore:
    """A real store that can be stopped."""

    def __init__(self, inner: SQLiteStore) -> None:
        self.inner = inner
        self.name = inner.name
        self.down = False

    def _error(self) -> UnavailableError:
        return UnavailableError("the registry could not be reached (connection refused)", hint=HINT)

    @property
    def location(self) -> str:
        return self.inner.location

    @property
    def writable(self) -> bool:
        return self.inner.writable

    def health(self) -> StoreHealth:
        if not self.down:
            return self.inner.health()
        error = self._error()  # what AirtableStore.health() answers when it cannot connect
        return StoreHealth(self.name, self.location, False, False, False, [str(error)], error.hint)

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise self._error()
            return attr(*args, **kwargs)

        return call


@pytest.fixture
def switch(registry: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> dict[str, SwitchableStore]:
    """The app's service runs on a :class:`SwitchableStore`; ``switch["store"].down = True``."""
    from registry_core.service import ModelRegistryService

    monkeypatch.setenv("REGISTRY_VERSION_CHECK", "0")  # every run re-checks the store
    holder: dict[str, SwitchableStore] = {}

    def factory(settings: Any) -> Any:
        holder["store"] = SwitchableStore(SQLiteStore(settings.db_path))
        return ModelRegistryService.from_settings(settings, store=holder["store"])

    _ui.SERVICE_FACTORY = factory
    return holder


def _banner(at: Any) -> list[str]:
    return [plain(w.value) for w in at.warning if "registry is unreachable" in plain(w.value)]


def test_every_page_shows_the_outage_banner_over_data_cached_before_it(app, switch) -> None:
    at = app(query={"model": "openai/gpt-4o"})
    assert not _banner(at)
    assert "served from the registry ·" in plain(at.caption[0].value)

    switch["store"].down = True
    at.run()  # the same session: Browse's data is cached from before the outage
    assert not at.exception
    assert len(at.dataframe[0].value) == 6, "the cached registry data is still served"
    [banner] = _banner(at)
    assert banner.startswith("The SQLite registry is unreachable")
    assert "connection refused" in banner  # what is down
    assert "registry's data as last read" in banner  # what is served
    assert "data 2 h old" in banner  # how old
    caption = plain(at.caption[0].value)
    assert "served from the registry ·" not in caption
    assert "last read (it is unreachable now)" in caption
    sidebar = "\n".join(plain(c.value) for c in at.sidebar.caption)
    assert "unreachable now" in sidebar

    for page in PAGES[1:]:
        at.switch_page(_ui.PAGES[page][0]).run()
        assert not at.exception, page
        assert len(_banner(at)) == 1, (page, [plain(w.value) for w in at.warning])

    switch["store"].down = False
    at.switch_page(_ui.PAGES["browse"][0]).run()
    assert not _banner(at), "the banner goes when the store is back"


def test_status_says_unreachable_and_nothing_untrue(app, switch) -> None:
    at = app("status")
    assert "reachable, writable, schema complete" in plain(at.success[0].value)
    switch["store"].down = True
    at.run()  # the health checked a moment ago (cached for a minute) is older than the outage
    assert not at.exception
    [headline] = [plain(e.value) for e in at.error if "reachable" in plain(e.value)]
    assert headline.endswith(": NOT reachable")
    text = all_text(at)
    assert "schema incomplete" not in text and "read-only" not in text
    assert "To fix, run:" not in [plain(c.value) for c in at.caption]
    assert not at.code, "there is no command that fixes an outage"
    assert any(HINT in plain(w.value) for w in at.warning)  # the hint is said, as a problem
    tiers = at.dataframe[0].value
    registry_row = tiers[tiers["Tier"].str.startswith("Registry")].iloc[0]
    assert registry_row["State"] == "unreachable"


@pytest.mark.parametrize(
    "content",
    [b'{"format": 1, "providers": \xff\xfe}', b"[" * 100_000 + b"]" * 100_000],
    ids=["non-utf8", "nested"],
)
def test_a_corrupt_snapshot_does_not_take_the_pages_down(
    app, registry, data_dir: Path, content: bytes
) -> None:
    (data_dir / "snapshot.json").write_bytes(content)
    at = app()
    assert not at.error, [plain(e.value) for e in at.error]
    assert len(at.dataframe[0].value) == 6
    for page in ("model", "costs", "status"):
        at.switch_page(_ui.PAGES[page][0]).run()
        assert not at.exception
        assert not [plain(e.value) for e in at.error if "Could not" in plain(e.value)], page


def test_status_warns_about_an_unusable_snapshot(app, registry, data_dir, monkeypatch) -> None:
    folder = data_dir / "not-a-file"
    folder.mkdir()
    monkeypatch.setenv("REGISTRY_SNAPSHOT_PATH", str(folder))
    at = app("status")
    warnings = [plain(w.value) for w in at.warning]
    assert any("not a regular file" in w and "REGISTRY_SNAPSHOT_PATH" in w for w in warnings)
    tiers = at.dataframe[0].value
    assert tiers[tiers["Tier"] == "Snapshot"].iloc[0]["State"] == "unreadable, ignored"


def test_a_store_down_with_a_corrupt_snapshot_falls_back_to_the_catalog(
    app, switch, data_dir: Path
) -> None:
    at = app()
    switch["store"].down = True
    (data_dir / "snapshot.json").write_bytes(b"\xff" * 64)
    at.switch_page(_ui.PAGES["status"][0]).run()
    assert not at.exception
    warnings = [plain(w.value) for w in at.warning]
    assert any("is not UTF-8 text" in w for w in warnings), warnings


def test_duplicate_providers_do_not_break_discover(app, registry, keys, monkeypatch) -> None:
    monkeypatch.setenv("REGISTRY_PROVIDERS", "openai,OpenAI, anthropic")
    at = app("discover")  # used to raise StreamlitDuplicateElementKey
    assert not at.error, [plain(e.value) for e in at.error]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REGISTRY_FRESHNESS": "9" * 400}, "REGISTRY_FRESHNESS="),
        ({"REGISTRY_REFRESH_EVERY": "9" * 400}, "REGISTRY_REFRESH_EVERY="),
        ({"REGISTRY_PROVIDERS": "openai,bogus"}, "valid ids: openai, anthropic"),
        ({"REGISTRY_ALLOWED_PRIVATE_HOSTS": "10.0.0.0/33"}, "REGISTRY_ALLOWED_PRIVATE_HOSTS"),
    ],
)
def test_bad_values_are_errors_on_the_page(app, data_dir, monkeypatch, env, message) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    at = app()
    errors = [plain(e.value) for e in at.error]
    assert any(message in e for e in errors), errors
    at.switch_page(_ui.PAGES["status"][0]).run()  # Status used to crash on int(inf)
    assert not at.exception
    assert at.info[0].value.startswith("Nothing to show")
