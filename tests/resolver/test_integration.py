"""The resolver end to end: real provider adapters against the fake provider server, on the
SQLite store and on the Airtable stand-in, with the real catalog and snapshot file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from registry_core.config import Settings
from registry_core.records import ModelRecord
from registry_core.seed import seed_if_empty
from registry_core.service import ModelRegistryService
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.fake_providers import Fault

from .conftest import airtable_store, live_settings


def ids(records: list[ModelRecord]) -> set[str]:
    return {r.model_id for r in records}


def listed(fake: Any, provider: str) -> set[str]:
    return {str(item.get("id") or item.get("name")) for item in fake.models(provider)}


@pytest.fixture(params=["sqlite", "airtable"])
def make_service(
    request: pytest.FixtureRequest, settings: Settings, fake_providers: Any, tmp_path: Any
) -> Iterator[Any]:
    """Builds services on one shared store of the tier (one per 'instance')."""
    live = live_settings(settings, fake_providers, ("openai", "anthropic"))
    opened: list[Any] = []

    if request.param == "sqlite":

        def open_store() -> Any:
            return SQLiteStore(tmp_path / "registry.db")
    else:
        server = request.getfixturevalue("standin")
        base = request.getfixturevalue("airtable_base")

        def open_store() -> Any:
            return airtable_store(server, base)

    def make(**overrides: Any) -> ModelRegistryService:
        store = open_store()
        opened.append(store)
        return ModelRegistryService.from_settings(replace(live, **overrides), store=store)

    yield make
    for store in opened:
        store.close()


def test_discovery_through_the_real_adapters_and_store(
    make_service: Any, fake_providers: Any
) -> None:
    svc = make_service()
    answer = svc.get_available_models("openai")
    assert answer.tier == "api", answer.warnings
    assert ids(answer.records) == listed(fake_providers, "openai")
    assert fake_providers.request_count("openai") >= 1
    assert svc.get_available_models("openai").tier == "memory"
    (run,) = svc.runs("openai")
    assert run.outcome == "ok" and run.added == len(answer.records)
    # the catalog filled what OpenAI's listing leaves out, with provenance
    gpt = next((r for r in answer.records if r.cost_per_1k is not None), None)
    assert gpt is not None and gpt.provenance.get("Cost per 1K tokens") in ("catalog", "inferred")


def test_provider_down_falls_back_to_the_registry(make_service: Any, fake_providers: Any) -> None:
    svc = make_service()
    svc.get_available_models("openai")
    fake_providers.inject("openai", Fault(status=503, body={"error": {"message": "overloaded"}}))
    answer = svc.get_available_models("openai", force_refresh=True)
    assert answer.tier == "registry" and answer.records
    assert any("OpenAI" in w for w in answer.warnings)
    assert svc.runs("openai")[0].outcome == "failed"


def test_wrong_key_says_which_variable_to_check(make_service: Any, fake_providers: Any) -> None:
    svc = make_service()
    (report,) = svc.discover(["anthropic"])
    assert report.outcome == "ok"
    answer = svc.get_available_models("anthropic", api_key="wrong-key", force_refresh=True)
    assert answer.tier == "registry"
    assert any("key was rejected" in w and "ANTHROPIC_API_KEY" in w for w in answer.warnings)
    assert all("wrong-key" not in w for w in answer.warnings)


def test_seeded_rows_become_verified_rows(make_service: Any, fake_providers: Any) -> None:
    svc = make_service()
    seed_if_empty(svc.store, ["openai"])
    seeded = svc.list_models("openai")
    assert seeded.records and all(r.discovery_method == "fallback" for r in seeded.records)
    answer = svc.get_available_models("openai")
    assert answer.tier == "api"
    verified = [r for r in answer.records if r.discovery_method == "api"]
    assert ids(verified) == listed(fake_providers, "openai")
    assert all(r.available for r in verified)


def test_grace_and_return_through_the_real_stack(make_service: Any, fake_providers: Any) -> None:
    svc = make_service(grace_listings=2, grace_period_s=0)
    svc.discover(["openai"])
    gone = sorted(listed(fake_providers, "openai"))[0]
    fake_providers.remove_model("openai", gone)
    svc.discover(["openai"])
    assert next(r for r in svc.list_models("openai").records if r.model_id == gone).available
    svc.discover(["openai"])
    rows = svc.resolver.store.list_models("openai").records
    assert not next(r for r in rows if r.model_id == gone).available
    kinds = [e.kind for e in svc.history("openai", gone)]
    assert kinds == ["added", "unavailable"]


def test_fifty_concurrent_callers_make_one_provider_request(
    make_service: Any, fake_providers: Any
) -> None:
    svc = make_service()
    fake_providers.set_latency("openai", 0.3)
    fake_providers.reset_log()
    answers: list[Any] = []
    threads = [
        threading.Thread(target=lambda: answers.append(svc.get_available_models("openai")))
        for _ in range(50)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(answers) == 50 and all(a.records for a in answers)
    assert fake_providers.request_count("openai") == 1


def test_two_instances_see_each_others_discovery_within_the_window(
    make_service: Any, fake_providers: Any, tmp_path: Any
) -> None:
    a = make_service(version_check_s=0.2, snapshot_path=tmp_path / "a.json")
    b = make_service(version_check_s=0.2, snapshot_path=tmp_path / "b.json")
    a.get_available_models("openai")
    assert b.get_available_models("openai").tier == "registry"
    fake_providers.add_model("openai", "gpt-brand-new")
    assert "gpt-brand-new" in ids(a.get_available_models("openai", force_refresh=True).records)
    threading.Event().wait(0.3)
    seen = b.get_available_models("openai")
    assert seen.tier == "registry" and "gpt-brand-new" in ids(seen.records)


def test_registry_down_then_restart_serves_the_snapshot(
    settings: Settings, fake_providers: Any, tmp_path: Any
) -> None:
    from registry_standins.airtable_server import AirtableStandIn

    from .conftest import new_base_id, table_specs

    live = live_settings(settings, fake_providers, ("openai",))
    server = AirtableStandIn(rate_limit=None).start()
    base = new_base_id()
    server.add_base(base, table_specs())
    url = server.url
    svc = ModelRegistryService.from_settings(live, store=airtable_store(url, base))
    first = svc.get_available_models("openai")
    assert first.tier == "api"
    server.stop()  # Airtable outage
    fake_providers.inject("openai", Fault(status=500))  # and the provider is down too
    restarted = ModelRegistryService.from_settings(live, store=airtable_store(url, base))
    answer = restarted.get_available_models("openai")
    assert answer.tier == "snapshot"
    assert ids(answer.records) == ids(first.records)
    assert any("unreachable" in w for w in answer.warnings)
    assert restarted.list_models("openai").tier == "snapshot"
    assert restarted.check_model("openai", sorted(ids(first.records))[0]).state in (
        "ok",
        "deprecated",
        "retiring",
    )
