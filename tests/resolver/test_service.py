"""The façade: credentials, people's edits surviving discovery, reports, recommend and check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from registry_core import service as service_module
from registry_core.cache import TTLCache
from registry_core.config import Settings
from registry_core.errors import AuthError, NotFoundError, UnavailableError
from registry_core.providers.base import Credential
from registry_core.records import ModelRecord
from registry_core.service import AIService, EditRejectedError, ModelRegistryService

from .conftest import Clock, FakeDiscover, MemoryStore, models

CREDS = [
    Credential("openai", "default", secret="sk-openai-default"),
    Credential("openai", "acme", secret="sk-openai-acme"),
    Credential("anthropic", "default", secret="sk-ant"),
]


@pytest.fixture
def discover() -> FakeDiscover:
    return FakeDiscover(
        {
            "openai": models("openai", "gpt-4o", "gpt-4o-mini", features=("chat",)),
            "anthropic": models("anthropic", "claude-sonnet-4", features=("chat", "vision")),
        }
    )


@pytest.fixture
def svc(
    store: MemoryStore,
    settings: Settings,
    discover: FakeDiscover,
    clock: Clock,
    catalog_records: Callable[[str], list[ModelRecord]],
) -> ModelRegistryService:
    return ModelRegistryService.from_settings(
        settings,
        store=store,
        discover=discover,
        catalog_records=catalog_records,
        credentials=lambda: CREDS,
        clock=clock,
        cache=TTLCache(3600, clock=clock.monotonic),
    )


def test_get_available_models_uses_the_configured_credential(
    svc: ModelRegistryService, discover: FakeDiscover
) -> None:
    answer = svc.get_available_models("openai")
    assert answer.tier == "api" and discover.seen[-1].secret == "sk-openai-default"
    svc.get_available_models("openai", credential_name="acme")
    assert discover.seen[-1].secret == "sk-openai-acme"
    # an explicit key with the registry fresh: the registry answers, no listing
    fresh = svc.get_available_models("openai", api_key="sk-explicit")
    assert fresh.tier == "registry" and len(discover.seen) == 2
    svc.get_available_models(
        "openai", api_key="sk-explicit", base_url="http://127.0.0.1:1/v1", force_refresh=True
    )
    assert discover.seen[-1].secret == "sk-explicit"
    assert discover.seen[-1].base_url == "http://127.0.0.1:1/v1"


def test_discover_reports_every_credential_and_missing_ones(
    svc: ModelRegistryService, discover: FakeDiscover
) -> None:
    reports = svc.discover(["openai", "anthropic", "groq"])
    assert [(r.credential, r.outcome) for r in reports] == [
        ("openai/default", "ok"),
        ("openai/acme", "ok"),
        ("anthropic/default", "ok"),
        ("groq/default", "failed"),
    ]
    assert "set GROQ_API_KEY" in reports[-1].message
    assert reports[0].run is not None and reports[0].run.trigger == "user"
    assert reports[0].diff.added == ["gpt-4o", "gpt-4o-mini"]


def test_a_failed_discovery_report_says_what_to_do(
    svc: ModelRegistryService, discover: FakeDiscover, store: MemoryStore
) -> None:
    discover.error = AuthError("Incorrect API key", provider="openai", status=401)
    (report, _) = svc.discover(["openai"])
    assert report.outcome == "failed" and report.error is discover.error
    assert report.message == "the OpenAI key was rejected (401): check OPENAI_API_KEY"
    assert store.rows == {}


def test_edits_are_manual_evented_and_survive_discovery(
    svc: ModelRegistryService, store: MemoryStore, clock: Clock, discover: FakeDiscover
) -> None:
    svc.discover(["openai"])
    version = svc.version()
    edited = svc.edit_model(
        "openai",
        "gpt-4o",
        {
            "Status": "deprecated",
            "cost_per_1k": "0.002",
            "Retirement Date": date(2026, 1, 1),
            "Recommended": True,
            "Notes": "use for vision",
        },
        editor="ana@example.com",
    )
    assert edited.status == "deprecated" and edited.cost_per_1k == 0.002
    assert edited.provenance["Cost per 1K tokens"] == "manual"
    assert svc.version() != version
    kinds = sorted(e.kind for e in svc.history("openai", "gpt-4o") if e.source == "manual")
    assert kinds == [
        "cost_changed",
        "edited",
        "recommended_changed",
        "retirement_date_changed",
        "status_changed",
    ]
    edit = next(e for e in svc.history("openai", "gpt-4o") if e.kind == "edited")
    assert edit.actor == "ana@example.com"

    discover.models["openai"] = models(
        "openai",
        "gpt-4o",
        "gpt-4o-mini",
        cost_per_1k=0.005,
        status_hint="preview",
        retirement_date=date(2027, 1, 1),
        provenance={"Cost per 1K tokens": "provider"},
    )
    clock.advance(hours=3)
    svc.discover(["openai"])
    after = store.rows[("openai", "gpt-4o")]
    assert (
        after.status,
        after.cost_per_1k,
        after.retirement_date,
        after.recommended,
        after.notes,
    ) == ("deprecated", 0.002, date(2026, 1, 1), True, "use for vision")
    assert store.rows[("openai", "gpt-4o-mini")].cost_per_1k == 0.005  # not edited: refreshed


def test_clearing_a_value_lets_the_catalog_fill_it_again(
    svc: ModelRegistryService, store: MemoryStore, discover: FakeDiscover, clock: Clock
) -> None:
    svc.discover(["openai"])
    svc.edit_model("openai", "gpt-4o", {"Cost per 1K tokens": 0.002}, editor="ana")
    cleared = svc.edit_model("openai", "gpt-4o", {"Cost per 1K tokens": None}, editor="ana")
    assert cleared.cost_per_1k is None and "Cost per 1K tokens" not in cleared.provenance
    discover.models["openai"] = models(
        "openai",
        "gpt-4o",
        "gpt-4o-mini",
        cost_per_1k=0.0025,
        provenance={"Cost per 1K tokens": "catalog"},
    )
    clock.advance(hours=2)
    svc.discover(["openai"])
    assert store.rows[("openai", "gpt-4o")].cost_per_1k == 0.0025


@pytest.mark.parametrize(
    ("changes", "editor", "error"),
    [
        ({"Available": False}, "ana", EditRejectedError),  # discovery owns it
        ({"Model ID": "x"}, "ana", EditRejectedError),
        ({"Status": "retired-ish"}, "ana", EditRejectedError),  # not an option
        ({"Cost per 1K tokens": "$0.50"}, "ana", EditRejectedError),
        ({"Notes": "x"}, " ", EditRejectedError),  # who?
    ],
)
def test_bad_edits_are_rejected(
    svc: ModelRegistryService, changes: dict[str, Any], editor: str, error: type[Exception]
) -> None:
    svc.discover(["openai"])
    with pytest.raises(error):
        svc.edit_model("openai", "gpt-4o", changes, editor=editor)


def test_editing_an_unknown_model_is_not_found(svc: ModelRegistryService) -> None:
    with pytest.raises(NotFoundError):
        svc.edit_model("openai", "nope", {"Notes": "x"}, editor="ana")


def test_an_edit_that_changes_nothing_writes_nothing(
    svc: ModelRegistryService, store: MemoryStore
) -> None:
    svc.discover(["openai"])
    svc.edit_model("openai", "gpt-4o", {"Status": "active"}, editor="ana")
    events = len(store.events)
    svc.edit_model("openai", "gpt-4o", {"Status": "active"}, editor="ana")
    assert len(store.events) == events


def test_recommend_and_check_through_the_service(svc: ModelRegistryService, clock: Clock) -> None:
    svc.discover(["openai"])
    svc.edit_model("openai", "gpt-4o", {"Recommended": True, "Sort Order": 1}, editor="ana")
    assert svc.get_recommended_model("openai").model_id == "gpt-4o"
    svc.edit_model(
        "openai", "gpt-4o", {"Status": "deprecated", "Successor Model": "gpt-4o-mini"}, editor="ana"
    )
    pick = svc.get_recommended_model("openai")
    assert pick.model_id == "gpt-4o-mini" and pick.reason == "successor"
    assert "its successor is gpt-4o-mini" in pick.warnings[0]
    check = svc.check_model("openai", "gpt-4o")
    assert check.state == "deprecated" and check.successor == "gpt-4o-mini"
    assert svc.check_model("openai", "gpt-9").state == "unknown"


def test_list_models_filters_scoped_rows_by_credential_name(
    svc: ModelRegistryService, discover: FakeDiscover
) -> None:
    discover.per_secret = {"sk-openai-acme": models("openai", "gpt-4o", "acme-ft")}
    svc.discover(["openai"])
    assert "acme-ft" not in {r.model_id for r in svc.list_models().records}
    assert "acme-ft" in {r.model_id for r in svc.list_models("openai", "acme").records}
    assert svc.runs("openai")[0].credential in ("openai/default", "openai/acme")


def test_ai_service_and_module_functions_use_the_process_service(
    svc: ModelRegistryService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "_default", svc)
    answer = AIService().get_available_models("anthropic")
    assert answer.tier == "api" and [r.model_id for r in answer.records] == ["claude-sonnet-4"]
    assert service_module.get_available_models("anthropic").tier == "memory"
    assert service_module.get_recommended_model("anthropic").model_id == "claude-sonnet-4"
    assert service_module.check_model("anthropic", "claude-sonnet-4").state == "ok"


def test_from_settings_opens_the_configured_store(settings: Settings) -> None:
    built = ModelRegistryService.from_settings(settings, credentials=lambda: [])
    assert built.store.name == "sqlite"
    assert built.list_models().tier == "catalog"  # an empty registry falls back, never empty
    assert built.list_models().records
    built.store.close()


def test_during_an_outage_status_reads_answer_at_once(
    svc: ModelRegistryService, store: MemoryStore
) -> None:
    """Health and cell warnings go through the resolver's breaker, like every registry read."""
    assert svc.store_health().reachable
    assert svc.row_warnings() == []
    store.down = True
    with pytest.raises(UnavailableError):
        svc.row_warnings()  # the first failure opens the breaker
    before = dict(store.calls)
    health = svc.store_health()
    assert not health.reachable and "down" in health.problems[0]
    with pytest.raises(UnavailableError):
        svc.row_warnings()
    assert store.calls == before, "no store call while the breaker is open"
