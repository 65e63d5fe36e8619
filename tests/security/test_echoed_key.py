"""A provider that echoes the key inside its model data — the id, the name, the canonical name
(alias), the successor, the description, the raw item's keys — in any letter case: the key is
redacted from every provider field before anything is stored or shown, and an id that holds it
is refused and counted, with a warning that does not repeat it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from registry_core.config import Settings
from registry_core.export import EXPORT_COLUMNS, records_to_csv
from registry_core.http import HTTPPolicy
from registry_core.providers.base import ProgressEvent
from registry_core.providers.discovery import discover_provider
from registry_core.service import ModelRegistryService
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.fake_provider_data import make_item
from registry_standins.fake_providers import FakeProviderServer

from .conftest import KEY, leaks

FAST = HTTPPolicy(timeout_s=5.0, backoff_base_s=0.01, backoff_max_s=0.02)
PROVIDERS = ("mistral", "openrouter")


def echoing_items(variant: str) -> dict[str, list[dict[str, object]]]:
    """Listings that put ``variant`` (the key in some letter case) everywhere they can."""
    return {
        "mistral": [
            make_item(
                "mistral",
                "mistral-small-latest",
                name=f"canon-{variant}",  # becomes alias_of
                description=f"served for {variant}",
                deprecation="2026-11-30T12:00:00Z",
                deprecation_replacement_model=f"next-{variant}",  # successor
                aliases=[variant, "mistral-small"],
            ),
            make_item("mistral", f"ft:mistral-small:{variant}"),  # the id holds the key
            make_item("mistral", "codestral-latest"),
        ],
        "openrouter": [
            make_item(
                "openrouter",
                "acme/echo-model",
                name=f"Echo for {variant}",
                description=f"key {variant}",
                alias_target={"slug": f"acme/{variant}"},
                **{variant: "a key used as a field name"},
            ),
            make_item("openrouter", f"acme/{variant.swapcase()}"),  # refused, other case
            make_item("openrouter", "acme/plain"),
        ],
    }


@pytest.fixture
def fake() -> Iterator[FakeProviderServer]:
    with FakeProviderServer(keys={p: KEY for p in PROVIDERS}) as server:
        yield server


def test_key_echoed_in_model_data_is_never_stored_or_shown(
    tmp_path: Path, fake: FakeProviderServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=PROVIDERS,
        env=fake.env(PROVIDERS),
    )
    store = SQLiteStore(settings.db_path)
    svc = ModelRegistryService.from_settings(
        settings, store=store, discover=partial(discover_provider, policy=FAST)
    )
    seen: list[str] = []
    # two rounds in different cases, so the second writes "changed" history events too
    for variant in (KEY, KEY.upper()):
        for provider, items in echoing_items(variant).items():
            fake.set_models(provider, items)
        for report in svc.discover(list(PROVIDERS)):
            assert report.outcome == "ok", report
            seen += [report.message or "", *report.warnings, repr(report)]
    listed = svc.list_models().records
    ids = {(r.provider_id, r.model_id) for r in listed}
    # the good models are all there; the ones whose id holds the key are not
    assert {("mistral", "mistral-small-latest"), ("mistral", "codestral-latest")} <= ids
    assert {("openrouter", "acme/echo-model"), ("openrouter", "acme/plain")} <= ids
    assert not [i for i in ids if leaks(i[1])]
    small = next(r for r in listed if r.model_id == "mistral-small-latest")
    assert small.alias_of == "canon-[redacted]" and small.successor_model == "next-[redacted]"
    echo = next(r for r in listed if r.model_id == "acme/echo-model")
    assert echo.model_name == "Echo for [redacted]" and echo.alias_of == "acme/[redacted]"

    seen += [repr(r) for r in listed] + [str(r.metadata) for r in listed]
    seen.append(records_to_csv(listed, list(EXPORT_COLUMNS)))
    seen += [repr(e) for e in svc.history()] + [repr(r) for r in svc.runs(limit=100)]
    for provider in PROVIDERS:
        answer = svc.get_available_models(provider)
        seen += answer.warnings + [repr(r) for r in answer.records]
    store.close()

    assert not [s for s in seen if leaks(s)], [s for s in seen if leaks(s)][:2]
    logged = [r.getMessage() for r in caplog.records]
    assert not [line for line in logged if leaks(line)]
    assert [line for line in logged if "contains the credential's key; refused" in line]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {"registry.db", "snapshot.json"} <= {p.name for p in files}
    for path in files:  # the SQLite file (models and history), its WAL, the snapshot
        assert not leaks(path.read_bytes()), path.name


def test_an_id_holding_the_key_is_counted_as_refused(fake: FakeProviderServer) -> None:
    fake.set_models("mistral", echoing_items(KEY.swapcase())["mistral"])
    events: list[ProgressEvent] = []
    models = asyncio.run(
        discover_provider(
            fake.credential("mistral"),
            enrich_from_catalog=False,
            policy=FAST,
            progress=events.append,
        )
    )
    assert [m.model_id for m in models] == ["mistral-small-latest", "codestral-latest"]
    finished = [e for e in events if e.stage == "finished"]
    assert finished and finished[0].message == "skipped 1 item(s) without a usable id"
    raw = models[0].raw
    assert raw["aliases"] == ["[redacted]", "mistral-small"]
    assert raw["description"] == "served for [redacted]"
    assert not leaks(repr(models))
