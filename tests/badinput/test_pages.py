"""Every dashboard page renders on a registry full of hand-typed bad rows, on both stores:
no exception, every valid row on Browse, the cell warnings on Status, each model's page."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from registry_core.records import parse_row
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn

from .conftest import ROOT, Loaded, put_rows

PAGES = ("browse", "model", "discover", "history", "deprecations", "costs", "status")


def _ui() -> Any:
    return importlib.import_module("pages._ui")


@pytest.fixture(params=["sqlite", "airtable"])
def app_on_bad_rows(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    standin: AirtableStandIn,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Loaded]:
    loaded = put_rows(request.param, tmp_path, standin)
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REGISTRY_PROVIDERS", "openai,anthropic,mistral")
    if loaded.tier == "airtable":
        base = loaded.store.base_id  # type: ignore[attr-defined]
        monkeypatch.setenv("AIRTABLE_API_KEY", DEFAULT_TOKEN)
        monkeypatch.setenv("AIRTABLE_BASE_ID", base)
        monkeypatch.setenv("AIRTABLE_ENDPOINT_URL", standin.url)
    ui = _ui()
    st.cache_data.clear()
    ui.reset_services()
    yield loaded
    st.cache_data.clear()
    ui.reset_services()
    loaded.store.close()


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_every_page_renders_with_the_bad_rows(app_on_bad_rows: Loaded) -> None:
    ui = _ui()
    shown = [
        parse_row(r.cells).record
        for r in app_on_bad_rows.rows
        if r.shown and r.cells.get("Model ID")
    ]
    # a scoped row belongs to one credential's view; Browse shows the unscoped ones
    keys = {rec.key for rec in shown if rec is not None and not rec.scope}

    at = _run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60))
    assert not at.error, [e.value for e in at.error]
    (table,) = at.dataframe
    text = table.value.to_csv(index=False)
    assert len(table.value) == len(keys), (len(table.value), len(keys))
    for _, model in keys:
        if "\n" not in model and '"' not in model:
            assert model in text, model

    for page in PAGES[1:]:
        at.switch_page(ui.PAGES[page][0])
        _run(at)
        assert not at.error, (page, [e.value for e in at.error])

    # Status lists the cells that could not be read as typed
    expanders = [e.label for e in at.expander]
    assert any("registry cells could not be read as typed" in label for label in expanders)

    # each model's page renders, even for the strangest ids
    at.switch_page(ui.PAGES["model"][0])
    _run(at)
    for provider, model in sorted(keys):
        at.selectbox(key="model").set_value(f"{provider}/{model}")
        _run(at)
        assert not at.error, (model, [e.value for e in at.error])
        assert not [w for w in at.warning if "is not in the registry" in str(w.value)], model
