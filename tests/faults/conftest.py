"""Fault-injection fixtures: the real resolver, real provider adapters and real stores, talking
over real HTTP on 127.0.0.1 to the fake provider server and the Airtable stand-in.

Every scenario follows the same three steps, and :class:`Ledger` holds what the proof compares:

1. a good run fills the registry (the state *before*);
2. the fault is injected and the user asks (what they see, what is served, what is written);
3. the fault is cleared and the next run converges on the provider's listing.
"""

from __future__ import annotations

import secrets
import string
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from pages._ui.safe import plain
from registry_core.config import Settings
from registry_core.http import HTTPPolicy
from registry_core.providers.discovery import discover_provider
from registry_core.records import ModelRecord
from registry_core.service import ModelRegistryService
from registry_core.stores.airtable import AirtableStore
from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_core.stores.base import RegistryStore
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn
from registry_standins.fake_providers import FakeProviderServer

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MODELS = "AI Model Registry"
HISTORY = "AI Model History"
RUNS = "AI Model Discovery Runs"
PROVIDERS = ("openai", "anthropic")

#: Short waits so a fault costs fractions of a second, not the production 30 s.
FAST_POLICY = HTTPPolicy(
    timeout_s=1.0,
    backoff_base_s=0.01,
    backoff_max_s=0.05,
    max_retry_after_s=5.0,
)


def new_base_id() -> str:
    alphabet = string.ascii_letters + string.digits
    return "app" + "".join(secrets.choice(alphabet) for _ in range(14))


def table_specs() -> list[dict[str, Any]]:
    """The three tables in Meta API create-table format (as setup-airtable creates them)."""
    return [
        {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
        for s in TABLE_SPECS
    ]


def fast_discover(policy: HTTPPolicy = FAST_POLICY) -> Callable[..., Any]:
    """The real discovery (adapters + HTTP) with test-sized timeouts and back-off."""
    return partial(discover_provider, policy=policy)


def ids(records: list[ModelRecord] | tuple[ModelRecord, ...]) -> set[str]:
    return {r.model_id for r in records}


def listed(fake: FakeProviderServer, provider: str) -> set[str]:
    return {str(item.get("id") or item.get("name")) for item in fake.models(provider)}


@dataclass(frozen=True)
class Ledger:
    """What the registry holds at one moment, read from the store (not from any cache)."""

    rows: dict[tuple[str, str], dict[str, Any]]
    event_keys: list[str]
    runs: list[Any]

    @classmethod
    def read(cls, store: RegistryStore) -> Ledger:
        loaded = store.list_models()
        rows = {r.key: _comparable(r) for r in loaded.records}
        keys = [e.event_key for e in store.list_events()]
        return cls(rows, keys, store.list_runs(limit=500))

    def available(self, provider: str) -> set[str]:
        return {m for (p, m), row in self.rows.items() if p == provider and row["available"]}


def _comparable(record: ModelRecord) -> dict[str, Any]:
    fields = record.to_fields()
    return {"available": record.available, "status": record.status, "fields": fields}


def assert_nothing_lost(before: Ledger, after: Ledger) -> None:
    """Every row is still there, unchanged; no event vanished; no duplicate event appeared."""
    missing = set(before.rows) - set(after.rows)
    assert not missing, f"rows lost: {sorted(missing)}"
    changed = [k for k in before.rows if before.rows[k] != after.rows[k]]
    assert not changed, f"rows rewritten by a failed run: {changed[:5]}"
    assert set(before.event_keys) <= set(after.event_keys)
    assert_no_duplicate_events(after)


def assert_no_duplicate_events(ledger: Ledger) -> None:
    dupes = [k for k, n in Counter(ledger.event_keys).items() if n > 1]
    assert not dupes, f"duplicate history events: {dupes[:5]}"


def assert_converged(ledger: Ledger, fake: FakeProviderServer, provider: str) -> None:
    """The registry's available rows of ``provider`` are exactly what it lists now."""
    assert ledger.available(provider) == listed(fake, provider)
    assert_no_duplicate_events(ledger)


def assert_airtable_unique(server: AirtableStandIn, base: str) -> None:
    """No duplicate model row and no duplicate event in the stand-in's own tables."""
    pairs = Counter(
        (r["fields"].get("Provider ID"), r["fields"].get("Model ID"))
        for r in server.records(base, MODELS)
    )
    dup_rows = [k for k, n in pairs.items() if n > 1]
    assert not dup_rows, f"duplicate model rows in Airtable: {dup_rows[:5]}"
    keys = Counter(r["fields"].get("Event Key") for r in server.records(base, HISTORY))
    dup_events = [k for k, n in keys.items() if n > 1]
    assert not dup_events, f"duplicate events in Airtable: {dup_events[:5]}"


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeProviderServer]:
    with FakeProviderServer() as server:
        yield server


@pytest.fixture(scope="module")
def standin() -> Iterator[AirtableStandIn]:
    with AirtableStandIn(rate_limit=None) as server:
        yield server


@pytest.fixture
def base_id(standin: AirtableStandIn) -> Iterator[str]:
    base = new_base_id()
    standin.add_base(base, table_specs())
    yield base
    standin.clear_faults()
    standin.set_rate_limit(None)


@pytest.fixture
def settings(tmp_path: Path, fake: FakeProviderServer) -> Settings:
    return Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=PROVIDERS,
        cache_key_secret="faults-test",
        env=fake.env(PROVIDERS),
        allowed_private_hosts=("127.0.0.1",),
    )


def airtable_store(server: AirtableStandIn, base: str, **kwargs: Any) -> AirtableStore:
    options: dict[str, Any] = {
        "endpoint_url": server.url,
        "requests_per_second": 500.0,
        "lockout_s": 0.3,
        "timeout": (1.0, 0.5),
        "cache_ttl_s": 0.0,
        # one retry of a 5xx or a lockout (production: 4), so an outage costs milliseconds here
        "rate_limit_waits": 1,
    }
    options.update(kwargs)
    token = options.pop("token", DEFAULT_TOKEN)
    return AirtableStore(token, base, **options)


@pytest.fixture
def sqlite_service(settings: Settings) -> Iterator[ModelRegistryService]:
    store = SQLiteStore(settings.db_path)
    yield ModelRegistryService.from_settings(settings, store=store, discover=fast_discover())
    store.close()


ServiceMaker = Callable[..., ModelRegistryService]


@pytest.fixture
def make_airtable_service(
    settings: Settings, standin: AirtableStandIn, base_id: str
) -> Iterator[ServiceMaker]:
    """``make(**store_options)``: a fresh service (a fresh process, in effect) on the base."""
    opened: list[AirtableStore] = []

    def make(settings_: Settings | None = None, **options: Any) -> ModelRegistryService:
        store = airtable_store(standin, base_id, **options)
        opened.append(store)
        return ModelRegistryService.from_settings(
            settings_ or settings, store=store, discover=fast_discover()
        )

    yield make
    for store in opened:
        store.close()


# --- the dashboard, on the same service ----------------------------------------------------------


def ui_module() -> Any:
    """The dashboard's Streamlit glue module (``pages/_ui/__init__.py``)."""
    import pages._ui

    return pages._ui


@pytest.fixture
def dashboard(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """``dashboard(service, page)``: an AppTest of app.py on ``service``, switched to ``page``."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    _ui = ui_module()

    monkeypatch.setenv("REGISTRY_PROVIDERS", ",".join(PROVIDERS))

    def reset() -> None:
        st.cache_data.clear()
        with _ui._SERVICES_LOCK:  # the service belongs to the test: forget it, do not close it
            _ui._SERVICES.clear()
        _ui.SERVICE_FACTORY = None

    def render(service: ModelRegistryService, page: str = "browse") -> AppTest:
        reset()
        _ui.SERVICE_FACTORY = lambda _settings: service
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        if page != "browse":
            at.switch_page(_ui.PAGES[page][0]).run()
            assert not at.exception, [e.value for e in at.exception]
        return at

    reset()
    yield render
    reset()


def page_text(at: Any) -> str:
    """Everything a person can read on the page: messages, captions, markdown and table cells."""
    parts: list[str] = []
    for kind in (
        "warning",
        "error",
        "info",
        "success",
        "caption",
        "markdown",
        "title",
        "subheader",
    ):
        parts.extend(plain(str(el.value)) for el in at.get(kind))  # as a reader sees it
    for frame in at.dataframe:
        parts.append(frame.value.to_csv(index=False))
    return "\n".join(parts)


# --- the fault matrix's totals in the terminal summary (so a CI log shows them) --------------


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from .matrix import ROWS, WRITTEN, table_lines, total_line

    if ROWS:
        terminalreporter.section("fault matrix")
        for line in table_lines(ROWS):
            terminalreporter.write_line(line)
        terminalreporter.write_line(total_line(ROWS))
        for path in WRITTEN:
            terminalreporter.write_line(f"(also written to {path})")
