"""Scheduled refresh: exit status, --if-older-than, concurrent hosts, the in-process refresher, CLI."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from registry_core import refresh
from registry_core.cache import TTLCache
from registry_core.cli import resolver as cli_resolver
from registry_core.config import Settings
from registry_core.errors import UnavailableError
from registry_core.providers.base import Credential
from registry_core.records import ModelRecord
from registry_core.resolution import RunReport
from registry_core.service import ModelRegistryService
from registry_core.stores.sqlite import SQLiteStore

from .conftest import Clock, FakeDiscover, MemoryStore, models

CREDS = [Credential("openai", "default", secret="sk-1"), Credential("anthropic", secret="sk-2")]


def build(
    store: object,
    settings: Settings,
    discover: FakeDiscover,
    clock: Clock,
    creds: list[Credential] = CREDS,
) -> ModelRegistryService:
    return ModelRegistryService.from_settings(
        settings,
        store=store,  # type: ignore[arg-type]
        discover=discover,
        catalog_records=lambda p: [],
        credentials=lambda: creds,
        clock=clock,
        cache=TTLCache(3600, clock=clock.monotonic),
    )


@pytest.fixture
def discover() -> FakeDiscover:
    return FakeDiscover(
        {"openai": models("openai", "a", "b"), "anthropic": models("anthropic", "c")}
    )


def report(provider: str, outcome: str) -> RunReport:
    return RunReport(provider, f"{provider}/default", outcome, None)


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        ([("a", "ok"), ("b", "failed")], 0),
        ([("a", "failed"), ("b", "failed")], 1),
        ([("a", "failed")], 1),
        ([("a", "suspect")], 0),
        ([("a", "skipped"), ("b", "skipped")], 0),
        ([("a", "skipped"), ("b", "failed")], 1),
        ([("a", "failed"), ("a", "ok")], 0),  # one credential of a provider worked
        ([], 1),  # nothing configured: a cron job doing nothing should be noticed
    ],
)
def test_exit_status(outcomes: list[tuple[str, str]], status: int) -> None:
    assert refresh.exit_status([report(p, o) for p, o in outcomes]) == status


def test_refresh_lists_configured_providers_and_skips_fresh_ones(
    store: MemoryStore, settings: Settings, discover: FakeDiscover, clock: Clock
) -> None:
    svc = build(store, settings, discover, clock)
    first = refresh.refresh(svc, trigger="cli")
    assert [(r.provider_id, r.outcome) for r in first] == [("openai", "ok"), ("anthropic", "ok")]
    assert {r.trigger for r in store.runs.values()} == {"cli"}
    clock.advance(hours=2)
    second = refresh.refresh(svc, if_older_than_s=6 * 3600)
    assert [r.outcome for r in second] == ["skipped", "skipped"]
    assert "not due yet" in second[0].message
    clock.advance(hours=5)
    third = refresh.refresh(svc, ["anthropic"], if_older_than_s=6 * 3600)
    assert [(r.provider_id, r.outcome) for r in third] == [("anthropic", "ok")]
    assert discover.calls == 3


def test_a_failed_run_does_not_count_as_fresh(
    store: MemoryStore, settings: Settings, discover: FakeDiscover, clock: Clock
) -> None:
    svc = build(store, settings, discover, clock)
    discover.error = UnavailableError("down")
    assert refresh.exit_status(refresh.refresh(svc)) == 1
    discover.error = None
    clock.advance(minutes=5)
    again = refresh.refresh(svc, if_older_than_s=6 * 3600)
    assert [r.outcome for r in again] == ["ok", "ok"]


def test_two_hosts_refreshing_at_once_write_no_duplicate_events(
    tmp_path: Path, settings: Settings, clock: Clock
) -> None:
    listing = {"openai": models("openai", *[f"m{i}" for i in range(30)])}
    hosts = [
        build(
            SQLiteStore(tmp_path / "shared.db"),
            replace(settings, snapshot_path=tmp_path / f"snap{i}.json"),
            FakeDiscover(dict(listing)),
            clock,
            [CREDS[0]],
        )
        for i in range(2)
    ]
    barrier = threading.Barrier(2)
    results: list[list[RunReport]] = []

    def host(svc: ModelRegistryService) -> None:
        barrier.wait()
        results.append(refresh.refresh(svc, trigger="schedule"))

    threads = [threading.Thread(target=host, args=(svc,)) for svc in hosts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    # one host holds the provider's lease and lists it; the other reports who refreshed it
    assert sorted(r[0].outcome for r in results) == ["ok", "skipped"]
    assert "refreshed by" in next(r[0].message for r in results if r[0].outcome == "skipped")
    store = SQLiteStore(tmp_path / "shared.db")
    events = store.list_events("openai")
    assert len(events) == 30 and {e.kind for e in events} == {"added"}
    assert len(store.list_models("openai").records) == 30
    assert len(store.list_runs("openai")) == 1  # listed once


def test_background_refresher_starts_once_and_refreshes(
    store: MemoryStore, settings: Settings, discover: FakeDiscover, clock: Clock
) -> None:
    svc = build(store, replace(settings, refresh_every_s=3600), discover, clock)
    try:
        assert refresh.start_background_refresher(svc, initial_delay_s=0) is True
        assert refresh.start_background_refresher(svc, initial_delay_s=0) is False
        worker = refresh.background_refresher()
        assert worker is not None
        for _ in range(500):
            if worker.rounds:
                break
            threading.Event().wait(0.01)
        assert worker.rounds == 1 and discover.calls == 2
        assert {r.trigger for r in store.runs.values()} == {"schedule"}
    finally:
        refresh.stop_background_refresher()
    assert refresh.background_refresher() is None


def test_background_refresher_is_off_without_a_period(
    store: MemoryStore, settings: Settings, discover: FakeDiscover, clock: Clock
) -> None:
    svc = build(store, settings, discover, clock)
    assert svc.start_refresher() is False


# --- the commands ---------------------------------------------------------------------------


@pytest.fixture
def cli_service(
    store: MemoryStore,
    settings: Settings,
    discover: FakeDiscover,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> ModelRegistryService:
    svc = build(store, settings, discover, clock)
    monkeypatch.setattr(cli_resolver, "_service", lambda: svc)
    return svc


def test_cli_refresh_json_and_exit_status(
    cli_service: ModelRegistryService,
    discover: FakeDiscover,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli_resolver.main(["refresh", "--all", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["exit_status"] == 0 and [r["outcome"] for r in out["runs"]] == ["ok", "ok"]
    assert out["runs"][0]["run"]["trigger"] == "cli"
    assert "sk-1" not in json.dumps(out)
    discover.error = UnavailableError("down")
    assert cli_resolver.main(["refresh", "openai", "anthropic"]) == 1
    text = capsys.readouterr().out
    assert text.count("FAILED") == 2
    assert cli_resolver.main(["refresh", "--all", "openai"]) == 2


def test_cli_refresh_if_older_than(
    cli_service: ModelRegistryService, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_resolver.main(["refresh"])
    capsys.readouterr()
    assert cli_resolver.main(["refresh", "--if-older-than", "6h"]) == 0
    assert capsys.readouterr().out.count("skip") == 2


@pytest.mark.parametrize(
    ("changes", "code", "state"),
    [
        ({}, 0, "ok"),
        ({"Status": "deprecated", "Successor Model": "b"}, 1, "deprecated"),
    ],
)
def test_cli_check(
    cli_service: ModelRegistryService,
    capsys: pytest.CaptureFixture[str],
    changes: dict[str, str],
    code: int,
    state: str,
) -> None:
    cli_service.discover(["openai"])
    if changes:
        cli_service.edit_model("openai", "a", changes, editor="ops")
    capsys.readouterr()
    assert cli_resolver.main(["check", "openai", "a", "--json"]) == code
    assert json.loads(capsys.readouterr().out)["state"] == state
    assert cli_resolver.main(["check", "openai", "nope"]) == 3


def test_cli_recommend(
    cli_service: ModelRegistryService, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_service.discover(["openai"])
    cli_service.edit_model("openai", "b", {"Recommended": True}, editor="ops")
    capsys.readouterr()
    assert cli_resolver.main(["recommend", "openai"]) == 0
    assert capsys.readouterr().out.strip() == "b"
    assert cli_resolver.main(["recommend", "openai", "--feature", "vision", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["model_id"] is None


def test_cli_registers_into_the_main_parser(
    catalog_records: Callable[[str], list[ModelRecord]],
) -> None:
    import argparse

    parser = argparse.ArgumentParser()
    cli_resolver.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["refresh", "openai", "--if-older-than", "6h"])
    assert args.providers == ["openai"] and args.if_older_than == "6h"
    assert callable(args.handler)
