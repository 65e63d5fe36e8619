"""Fixtures of the data-integrity suite: real stores (SQLite and Airtable-on-the-stand-in), a
scripted provider listing, and a store proxy that lets a test land a write at an exact moment
(between the merge's read and the plan's apply) — a deterministic interleaving, no sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from registry_core.config import Settings
from registry_core.providers.base import Credential, DiscoveredModel
from registry_core.records import ModelRecord
from registry_core.service import ModelRegistryService
from registry_core.stores.base import RegistryStore
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.airtable_server import AirtableStandIn
from tests.resolver.conftest import T0, Clock
from tests.stores.conftest import make_airtable_store, new_base_id, table_specs

MODELS = "AI Model Registry"
HISTORY = "AI Model History"


class Listing:
    """A provider listing a test can change between runs (provider -> models)."""

    def __init__(self) -> None:
        self.models: dict[str, list[DiscoveredModel]] = {}

    def set(self, provider_id: str, *ids: str, **facts: Any) -> None:
        self.models[provider_id] = [DiscoveredModel(provider_id, i, **facts) for i in ids]

    async def __call__(self, credential: Credential, **_: Any) -> list[DiscoveredModel]:
        return list(self.models.get(credential.provider_id, []))


class Interleave:
    """A store proxy: ``before_write`` runs once, just before the next write reaches the store.

    The resolver reads (list_models), merges, then writes; a hook set here lands "a person's
    edit" exactly between the read and the write. Old write paths (upsert_models /
    append_events) and the plan path (apply_plan) are hooked alike.
    """

    def __init__(self, inner: RegistryStore) -> None:
        self._inner = inner
        self.before_write: Callable[[], None] | None = None
        self.fail_writes = 0  # the next N writes raise (after the hook)
        self.error: Exception | None = None

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name in ("apply_plan", "upsert_models", "append_events"):

            def hooked(*args: Any, **kwargs: Any) -> Any:
                hook, self.before_write = self.before_write, None
                if hook is not None:
                    hook()
                if self.fail_writes and name != "append_events":
                    self.fail_writes -= 1
                    raise self.error or RuntimeError("injected write failure")
                return attr(*args, **kwargs)

            return hooked
        return attr


@pytest.fixture(scope="session")
def standin() -> Iterator[AirtableStandIn]:
    with AirtableStandIn(rate_limit=None) as server:
        yield server


@pytest.fixture
def base_id(standin: AirtableStandIn) -> str:
    base = new_base_id()
    standin.add_base(base, table_specs())
    return base


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return replace(
        Settings.from_env({"REGISTRY_DATA_DIR": str(tmp_path)}),
        providers=("openai", "anthropic"),
        grace_listings=2,
        grace_period_s=86400.0,
    )


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def listing() -> Listing:
    return Listing()


@pytest.fixture(params=["sqlite", "airtable"])
def real_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RegistryStore]:
    if request.param == "sqlite":
        store: RegistryStore = SQLiteStore(tmp_path / "integrity.db")
    else:
        server: AirtableStandIn = request.getfixturevalue("standin")
        store = make_airtable_store(server, request.getfixturevalue("base_id"))
    yield store
    store.close()


def make_service(
    store: Any, settings: Settings, listing: Listing, clock: Clock
) -> ModelRegistryService:
    return ModelRegistryService.from_settings(
        settings,
        store=store,
        discover=listing,
        catalog_records=lambda _p: [],
        credentials=lambda: [
            Credential("openai", "default", secret="sk-test-openai"),
            Credential("anthropic", "default", secret="sk-test-anthropic"),
        ],
        clock=clock,
    )


def by_id(store: RegistryStore, provider_id: str = "openai") -> dict[str, ModelRecord]:
    return {r.model_id: r for r in store.list_models(provider_id).records}
