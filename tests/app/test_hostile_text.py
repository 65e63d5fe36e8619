"""Provider data, registry cells, shared links and error bodies render as text on every page.

Every Markdown-rendering string of every element (bodies, labels, help, progress text) is read
with :func:`registry_standins.markup.live_markup`, which finds what a CommonMark/GFM
renderer would turn into a link, an image, HTML or an autolink.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from streamlit.testing.v1.element_tree import Block, Node, Text

from pages._ui.safe import plain
from registry_core.errors import UnavailableError
from registry_core.events import HistoryEvent, make_event_key
from registry_core.providers.base import Credential, DiscoveredModel, ProgressEvent
from registry_core.records import ModelRecord
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.markup import live_markup

from .conftest import NOW, TODAY, _ui

LINK_ID = "x` [PHISH](https://evil.example/login) `y"
IMAGE = "![b](http://attacker.example/beacon.png)"
AUTOLINKS = "see https://evil.example/a or www.evil.example or phish@evil.example"
HTML = "<img src=http://attacker.example/x.png><a href='https://evil.example'>x</a>"
REFERENCE = "[x]: https://evil.example\n[click here][x]"
STREAMLIT_MARKUP = ":red[alarm] :material/warning: $x^2$ **bold** # heading"
ERROR_BODY = "[Click here to re-enter your API key](https://evil.example/login)"
SEARCH = "[Session expired - sign in again](https://evil.example/login) ![t](http://attacker.example/t.png)"
HOSTILE_PROVIDER = "[p](https://evil.example)"

HOSTILE = [
    ModelRecord(
        "openai",
        LINK_ID,
        model_name="https://evil.example/title " + IMAGE,
        status="deprecated",
        available=True,
        cost_per_1k=0.001,
        output_cost_per_1k=0.002,
        features=("chat",),
        deprecation_date=TODAY - timedelta(days=5),
        retirement_date=TODAY + timedelta(days=20),
        successor_model=f"{IMAGE} {AUTOLINKS}",
        alias_of=f"`{LINK_ID}` {HTML}",
        recommended=True,
        notes=f"{HTML} {REFERENCE} {STREAMLIT_MARKUP}",
        source="provider",
    ),
    ModelRecord(
        "mistral",
        IMAGE,
        model_name=AUTOLINKS,
        status="active",
        cost_per_1k=0.003,
        output_cost_per_1k=0.004,
        features=("chat",),
        retirement_date=TODAY + timedelta(days=40),
        successor_model=LINK_ID,
        alias_of=LINK_ID,
        notes=REFERENCE,
        source="provider",
    ),
    ModelRecord("mistral", LINK_ID, model_name=HTML, alias_of=IMAGE, source="provider"),
]


@pytest.fixture
def hostile(data_dir) -> SQLiteStore:
    store = SQLiteStore(data_dir / "registry.db")
    store.upsert_models(HOSTILE)
    at = NOW - timedelta(days=2)
    store.append_events(
        [
            HistoryEvent(
                make_event_key(r.provider_id, r.model_id, "added"),
                r.provider_id,
                r.model_id,
                "added",
                at,
                source="discovery",
            )
            for r in HOSTILE
        ]
    )
    store.bump_version()
    return store


def _hostile_discovery(credential: Credential, **kw: Any) -> list[DiscoveredModel]:
    progress = kw.get("progress")
    pid = credential.provider_id
    if progress:
        progress(ProgressEvent(pid, "started"))
    if pid == "anthropic":
        if progress:
            progress(ProgressEvent(pid, "failed", message=ERROR_BODY))
        raise UnavailableError(ERROR_BODY, provider=pid, status=500, hint=IMAGE)
    ids = [LINK_ID, IMAGE, AUTOLINKS, HTML]
    models = [DiscoveredModel(pid, m, model_name=m, features=("chat",)) for m in ids]
    if progress:
        progress(ProgressEvent(pid, "finished", pages=1, models=len(models)))
    return models


@pytest.fixture
def hostile_discovery(keys: None) -> None:
    from registry_core.service import ModelRegistryService

    _ui.SERVICE_FACTORY = lambda settings: ModelRegistryService.from_settings(
        settings, discover=_hostile_discovery
    )


def markdown_strings(at) -> list[tuple[str, str]]:
    """(element type, text) of every string Streamlit renders as Markdown on the page."""
    out: list[tuple[str, str]] = []

    def visit(node: Node) -> None:
        if isinstance(node, Block):
            label = getattr(node, "label", None)
            if isinstance(label, str):
                out.append((node.type, label))
            for child in node.children.values():
                visit(child)
            return
        if isinstance(node, Text):  # st.text is plain text
            return
        proto = getattr(node, "proto", None)
        for field in ("body", "label", "help", "text"):
            value = getattr(proto, field, None) if proto is not None else None
            if isinstance(value, str) and value:
                out.append((node.type, value))
        if node.type == "radio":  # radio options are Markdown too
            out.extend((node.type, o) for o in node.options)

    visit(at._tree)
    return out


def assert_no_live_markup(at) -> None:
    strings = markdown_strings(at)
    assert strings, "the page rendered nothing to check"
    live = [(kind, text, found) for kind, text in strings if (found := live_markup(text))]
    assert not live, live


QUERY = {"q": SEARCH, "provider": ["openai", HOSTILE_PROVIDER, "mistral"]}


@pytest.mark.parametrize("page", ["browse", "costs", "deprecations", "history", "status"])
def test_pages_show_hostile_values_as_text(app, hostile, page) -> None:
    at = app(page, query=QUERY)
    assert_no_live_markup(at)
    # the hostile search is shown, just inert (Status shows no filters: they do not apply)
    shown = any("Session expired" in text for _, text in markdown_strings(at))
    assert shown == (page != "status")


@pytest.mark.parametrize(
    "ref", [f"openai/{LINK_ID}", f"mistral/{IMAGE}", f"mistral/{LINK_ID}", f"evil/{ERROR_BODY}"]
)
def test_model_detail_shows_hostile_values_as_text(app, hostile, ref) -> None:
    at = app("model", query={"model": ref, "q": SEARCH})
    assert_no_live_markup(at)


def test_the_hostile_record_is_really_on_the_detail_page(app, hostile) -> None:
    """The check above would pass on an empty page: this one sees the values arrive."""
    at = app("model", query={"model": f"openai/{LINK_ID}"})
    shown = plain("\n".join(text for _, text in markdown_strings(at)))
    assert "PHISH" in shown and "beacon" in shown and "Successor" in shown
    assert "Alias of pinned version" in shown


def test_discover_shows_hostile_ids_and_error_bodies_as_text(
    app, hostile, hostile_discovery
) -> None:
    at = app("discover", query={"q": SEARCH})
    at.button(key="discover_all").click().run()
    assert not at.exception
    shown = plain("\n".join(text for _, text in markdown_strings(at)))
    assert "Click here to re-enter your API key" in shown  # the error is there, inert
    assert "![b](http://attacker.example/beacon.png)" in shown  # an added model's id
    assert_no_live_markup(at)


def test_a_hostile_signed_in_email_is_text(app, hostile) -> None:
    secrets = {"auth": {"client_id": "x", "client_secret": "y", "redirect_uri": "http://l/cb"}}
    user = {"is_logged_in": True, "email": "[me](https://evil.example)@evil.example"}
    at = app("model", query={"model": f"openai/{LINK_ID}"}, secrets=secrets, user=user)
    assert any("Signed in as" in text for _, text in markdown_strings(at))
    assert_no_live_markup(at)


def test_the_oracle_sees_what_the_old_pages_rendered() -> None:
    """The unescaped strings the pages used to build are caught (the check is not vacuous)."""
    old: list[Callable[[], str]] = [
        lambda: f"- `{LINK_ID}`",
        lambda: f"Successor: **`{LINK_ID}`**",
        lambda: f'1 model matching "{SEARCH}"',
        lambda: f"**Anthropic (default)**: {ERROR_BODY}",
        lambda: "https://evil.example/title",
        lambda: HTML,
        lambda: REFERENCE,
        lambda: "Signed in as phish@evil.example",
    ]
    for build in old:
        assert live_markup(build()), build()
