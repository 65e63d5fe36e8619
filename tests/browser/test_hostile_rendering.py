"""A hostile provider, hostile shared links and a broken secrets file, in a real browser.

Its own stack (not the shared one, whose data other tests and the README's screenshots use):
fake providers whose model ids, names, successors and aliases carry Markdown links, images,
bare URLs and HTML, and whose Anthropic listing fails with a phishing link in its 500 body; a
SQLite registry filled by a discovery against them; ``streamlit run app.py``. Every page is
opened with hostile query parameters: no element may become a link to ``evil`` or an image
from ``attacker``, and the browser must never ask the attacker's host for anything.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from registry_core.config import Settings
from registry_core.service import ModelRegistryService
from registry_standins.fake_providers import FakeProviderServer, Fault

from .browsing import SCREENSHOTS, open_page, url_for, wait_idle
from .stack import Dashboard, clean_environ, start_dashboard

pytestmark = pytest.mark.browser

LINK_ID = "x` [PHISH](https://evil.example/login) `y"
IMAGE_ID = "![b](http://attacker.example/beacon.png)"
AUTOLINK_ID = "see-https://evil.example/a-www.evil.example-phish@evil.example"
HTML_ID = "<img src=http://attacker.example/x.png><a href=https://evil.example>x</a>"
ERROR_BODY = "[Click here to re-enter your API key](https://evil.example/login)"
SEARCH = (
    "[Session expired - sign in again](https://evil.example/login) "
    "![t](http://attacker.example/t.png)"
)
HOSTILE_QUERY = {"q": SEARCH, "provider": ["openai", "[p](https://evil.example)", "mistral"]}
LIVE = "a[href*='evil'], img[src*='attacker']"
ATTACKER_HOSTS = ("evil.example", "attacker.example")


@pytest.fixture(scope="module")
def hostile_stack(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Dashboard, dict[str, str]]]:
    """The dashboard on the hostile data, and the environment it was started with."""
    data_dir = tmp_path_factory.mktemp("hostile-registry")
    with FakeProviderServer() as fake:
        fake.set_models("openai", [])
        for model_id in (LINK_ID, IMAGE_ID, AUTOLINK_ID, HTML_ID, "gpt-4o"):
            fake.add_model("openai", model_id)
        fake.set_models("mistral", [])
        fake.add_model(
            "mistral",
            "mistral-old",
            name=f"https://evil.example/title {IMAGE_ID}",
            aliases=[LINK_ID, IMAGE_ID],
            deprecation="2026-01-31T12:00:00Z",
            deprecation_replacement_model=LINK_ID,
        )
        env = clean_environ(os.environ)
        env.update(fake.env(("openai", "anthropic", "mistral")))
        env.update(
            {
                "REGISTRY_DATA_DIR": str(data_dir),
                "REGISTRY_PROVIDERS": "openai,anthropic,mistral",
                "REGISTRY_ALLOW_HTTP": "true",
                "REGISTRY_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
                "REGISTRY_VERSION_CHECK": "1s",
            }
        )
        service = ModelRegistryService.from_settings(Settings.from_env(env))
        try:
            service.ensure_seeded()
            reports = service.discover(["openai", "mistral"], trigger="cli")
            assert all(r.ok for r in reports), [r.message for r in reports]
            # what people typed into the registry (an Airtable cell) is outside text too
            service.edit_model(
                "openai",
                LINK_ID,
                {"notes": f"{HTML_ID} {ERROR_BODY}", "successor_model": IMAGE_ID},
                "![e](http://attacker.example/editor.png)",
            )
        finally:
            service.store.close()
        fake.inject("anthropic", Fault("status", status=500, body={"error": ERROR_BODY}))
        log_path = tmp_path_factory.mktemp("hostile-streamlit") / "streamlit.log"
        running = start_dashboard(env, log_path)
        try:
            yield running, env
        finally:
            running.stop()


@pytest.fixture(scope="module")
def hostile_dashboard(hostile_stack: tuple[Dashboard, dict[str, str]]) -> Dashboard:
    return hostile_stack[0]


def _watch(page: Any) -> list[str]:
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    return asked


def _attacker_requests(asked: list[str]) -> list[str]:
    return [u for u in asked if (urlsplit(u).hostname or "").endswith(ATTACKER_HOSTS)]


#: Links and images that lead off the dashboard to an attacker host. A link the page builds to
#: its own Browse search (``?q=<the text>``) carries the text in its query, harmlessly.
_OFFSITE = (
    "els => els.filter(e => { const u = new URL(e.href || e.src, location.href);"
    " return u.host !== location.host; }).map(e => e.outerHTML)"
)


def _assert_inert(page: Any, asked: list[str], where: str) -> None:
    live = page.locator(LIVE).evaluate_all(_OFFSITE)
    assert live == [], (where, live)
    assert not _attacker_requests(asked), (where, _attacker_requests(asked))


def test_hostile_provider_data_and_links_render_as_text(
    page: Any, hostile_dashboard: Dashboard
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    asked = _watch(page)
    for path, extra in [
        ("", {}),
        ("costs", {}),
        ("deprecations", {}),
        ("history", {}),
        ("status", {}),
        ("model", {"model": f"openai/{LINK_ID}"}),
        ("model", {"model": "mistral/mistral-old"}),
        ("model", {"model": f"evil/{ERROR_BODY}"}),
    ]:
        open_page(page, hostile_dashboard, path, {**HOSTILE_QUERY, **extra})
        _assert_inert(page, asked, path or "browse")
        if extra.get("model") == f"openai/{LINK_ID}":
            page.get_by_text("PHISH", exact=False).first.wait_for()  # the value is there
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "hostile-model.png"))
        if extra.get("model") == "mistral/mistral-old":
            page.screenshot(path=str(SCREENSHOTS / "hostile-model-mistral.png"))

    open_page(page, hostile_dashboard, "discover", HOSTILE_QUERY)
    page.get_by_role("button", name="Discover all").click()
    page.get_by_text("Discovery finished", exact=False).wait_for(timeout=60_000)
    wait_idle(page, 60_000)
    page.get_by_text("Click here to re-enter your API key", exact=False).first.wait_for()
    _assert_inert(page, asked, "discover")
    page.screenshot(path=str(SCREENSHOTS / "hostile-discover.png"), full_page=True)
    assert any(u.startswith(hostile_dashboard.url) for u in asked)  # the recorder works


BROKEN_SECRETS = """\
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "a-long-random-cookie-secret"
client_id = "registry-dashboard"
client_secret = "not-a-real-client-secret"
server_metadata_url = "https://accounts.example/.well-known/openid-configuration"

REGISTRY_EDITORS = "ana@example.com
"""


def test_a_broken_secrets_file_closes_the_dashboard(
    page: Any, hostile_stack: tuple[Dashboard, dict[str, str]], tmp_path: Path
) -> None:
    """``~/.streamlit/secrets.toml`` with a typo: every page is an error, nothing else."""
    home = tmp_path / "home"
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(BROKEN_SECRETS)
    env = {**hostile_stack[1], "HOME": str(home)}
    closed = start_dashboard(env, tmp_path / "streamlit.log")
    try:
        for path in ("", "discover", "model", "status"):
            page.goto(url_for(closed, path, {"model": f"openai/{LINK_ID}"}))
            wait_idle(page)
            alert = page.locator('[data-testid="stMain"] [data-testid="stAlertContentError"]')
            alert.first.wait_for()
            assert "The configuration cannot be read" in alert.first.inner_text()
            assert page.get_by_role("button", name="Discover all").count() == 0
            assert page.locator('[data-testid="stDataFrame"]').count() == 0
            assert page.locator('[data-testid="stForm"]').count() == 0
            assert page.get_by_text("Sign-in is", exact=False).count() == 0
    finally:
        closed.stop()
