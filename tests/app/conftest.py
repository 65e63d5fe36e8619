"""AppTest fixtures: a registry in tmp_path with known rows, clean caches, a fake discovery."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from registry_core.errors import AuthError
from registry_core.events import HistoryEvent, make_event_key
from registry_core.providers.base import Credential, DiscoveredModel, ProgressEvent
from registry_core.records import ModelRecord
from registry_core.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pages import _ui  # noqa: E402  (needs ROOT on sys.path)

TODAY = datetime.now(UTC).date()
NOW = datetime.now(UTC).replace(microsecond=0)
OPENAI_KEY = "sk-test-NEVER-SHOWN-1234567890"
ANTHROPIC_KEY = "sk-ant-NEVER-SHOWN-0987654321"


def sample_records(today: date = TODAY) -> list[ModelRecord]:
    """Known rows: costs, an alias, deprecations at 20/45/80 days, a formula-injection name."""
    day = timedelta(days=1)
    return [
        ModelRecord(
            "openai",
            "gpt-4o",
            model_name="GPT-4o",
            status="active",
            available=True,
            last_verified=NOW - timedelta(hours=2),
            discovery_method="api",
            cost_per_1k=0.0025,
            output_cost_per_1k=0.01,
            max_tokens=128_000,
            max_output_tokens=16_384,
            features=("chat", "vision", "streaming"),
            release_date=date(2024, 5, 13),
            recommended=True,
            sort_order=1,
            source="provider+catalog",
            metadata={"provenance": {"Cost per 1K tokens": "catalog", "Max Tokens": "provider"}},
        ),
        ModelRecord(
            "openai",
            "gpt-4-0613",
            model_name="GPT-4 (0613)",
            status="deprecated",
            available=True,
            last_verified=NOW - timedelta(hours=2),
            cost_per_1k=0.03,
            output_cost_per_1k=0.06,
            max_tokens=8_192,
            features=("chat",),
            release_date=date(2023, 6, 13),
            deprecation_date=today - 100 * day,
            retirement_date=today + 20 * day,
            successor_model="gpt-4o",
            recommended=True,
            sort_order=2,
            source="provider",
        ),
        ModelRecord(
            "anthropic",
            "claude-3-5-sonnet-latest",
            model_name="Claude 3.5 Sonnet",
            status="active",
            cost_per_1k=0.003,
            output_cost_per_1k=0.015,
            max_tokens=200_000,
            features=("chat", "vision"),
            alias_of="claude-3-5-sonnet-20241022",
            source="catalog",
        ),
        ModelRecord(
            "anthropic",
            "claude-3-5-sonnet-20241022",
            model_name="Claude 3.5 Sonnet (2024-10-22)",
            status="active",
            cost_per_1k=0.003,
            output_cost_per_1k=0.015,
            max_tokens=200_000,
            features=("chat", "vision"),
            release_date=date(2024, 10, 22),
            retirement_date=today + 45 * day,
            source="catalog",
        ),
        ModelRecord(
            "google",
            "gemini-1.5-pro",
            model_name="Gemini 1.5 Pro",
            status="active",
            cost_per_1k=0.00125,
            output_cost_per_1k=0.005,
            max_tokens=2_000_000,
            features=("chat", "vision"),
            release_date=date(2024, 2, 15),
            deprecation_date=today + 10 * day,
            retirement_date=today + 80 * day,
            successor_model="gemini-2.0-pro",
            source="catalog",
        ),
        ModelRecord(
            "mistral",
            "mistral-evil",
            model_name='=HYPERLINK("http://evil.example","x")',
            status="beta",
            cost_per_1k=0.001,
            output_cost_per_1k=0.003,
            max_tokens=32_000,
            features=("chat",),
            notes="@SUM(1)",
            source="manual",
        ),
    ]


def sample_events() -> list[HistoryEvent]:
    at = NOW - timedelta(days=3)
    return [
        HistoryEvent(
            make_event_key("openai", m, "added"), "openai", m, "added", at, source="discovery"
        )
        for m in ("gpt-4o", "gpt-4-0613")
    ]


@pytest.fixture(autouse=True)
def clean_caches() -> Iterator[None]:
    """Every test starts with empty Streamlit caches and no service from an earlier test."""
    st.cache_data.clear()
    st.cache_resource.clear()
    _ui.reset_services()
    _ui.SERVICE_FACTORY = None
    yield
    st.cache_data.clear()
    _ui.reset_services()
    _ui.SERVICE_FACTORY = None


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REGISTRY_PROVIDERS", "openai,anthropic,google,mistral")
    return tmp_path


@pytest.fixture
def registry(data_dir: Path) -> SQLiteStore:
    """The SQLite registry the app will open, holding :func:`sample_records`."""
    store = SQLiteStore(data_dir / "registry.db")
    store.upsert_models(sample_records())
    store.append_events(sample_events())
    store.bump_version()
    return store


def fake_discover(listings: dict[str, list[str]]) -> Callable[..., list[DiscoveredModel]]:
    """A discovery function: provider -> model ids listed; a provider missing from it fails 401."""

    def discover(credential: Credential, **kw: Any) -> list[DiscoveredModel]:
        progress = kw.get("progress")
        pid = credential.provider_id
        if progress:
            progress(ProgressEvent(pid, "started"))
        if pid not in listings:
            if progress:
                progress(ProgressEvent(pid, "failed", message="rejected"))
            raise AuthError("invalid x-api-key", provider=pid, status=401)
        models = [
            DiscoveredModel(pid, model_id, model_name=model_id, features=("chat",))
            for model_id in listings[pid]
        ]
        if progress:
            progress(ProgressEvent(pid, "page", pages=1, models=len(models)))
            progress(ProgressEvent(pid, "finished", pages=1, models=len(models)))
        return models

    return discover


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)


@pytest.fixture
def with_fake_discovery(keys: None) -> None:
    from registry_core.service import ModelRegistryService

    discover = fake_discover({"openai": ["gpt-4o", "gpt-4-0613", "fake-only-model"]})
    _ui.SERVICE_FACTORY = lambda settings: ModelRegistryService.from_settings(
        settings, discover=discover
    )


@pytest.fixture
def app() -> Callable[..., AppTest]:
    """``app(page=None, query=None)``: an AppTest of app.py, run once (and on ``page`` if given)."""

    def make(page: str | None = None, query: dict[str, Any] | None = None, **state: Any) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        for key, value in state.items():
            setattr(at, key, value)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if page is not None:
            at.switch_page(f"pages/{page}.py").run()
            assert not at.exception, [e.value for e in at.exception]
        return at

    return make


def all_text(at: AppTest) -> str:
    """Every string value and label on the page (to check no key ever shows)."""
    parts: list[str] = []
    for node in at:
        for attr in ("value", "label", "body", "help", "placeholder"):
            value = (
                getattr(node, attr, None)
                if hasattr(type(node), attr) or hasattr(node, attr)
                else None
            )
            if isinstance(value, str):
                parts.append(value)
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
    return "\n".join(parts)


def vega_specs(at: AppTest) -> list[str]:
    """The Vega-Lite specs of the Altair charts on the page (JSON text)."""
    return [chart.proto.spec for chart in at.get("vega_lite_chart")]
