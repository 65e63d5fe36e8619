"""The last two rows of the table: both tiers down at once, and a sync killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pages._ui.safe import plain
from registry_core.config import Settings
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn
from registry_standins.fake_providers import FakeProviderServer, Fault

from .conftest import (
    MODELS,
    ROOT,
    Ledger,
    ServiceMaker,
    airtable_store,
    assert_airtable_unique,
    assert_converged,
    ids,
    new_base_id,
    page_text,
    table_specs,
)


def test_registry_and_provider_down_at_once(
    standin: AirtableStandIn,
    base_id: str,
    make_airtable_service: ServiceMaker,
    settings: Settings,
    fake: FakeProviderServer,
    dashboard: Callable[..., Any],
) -> None:
    live = replace(settings, version_check_s=0.0)
    good = make_airtable_service(live)
    first = good.get_available_models("openai")
    assert first.tier == "api"
    good.list_models()
    cells_before = standin.records(base_id, MODELS, by_id=True)
    before = Ledger.read(good.store)

    standin.inject_fault("error", status=503, count=10_000, base=base_id)
    fake.inject("openai", Fault(status=500, body={"error": {"message": "overloaded"}}))
    svc = make_airtable_service(live)  # a restart during the outage: only the snapshot is left
    answer = svc.get_available_models("openai", force_refresh=True)
    assert answer.tier == "snapshot", answer.warnings
    assert ids(answer.records) == ids(first.records)
    said = " ".join(answer.warnings)
    assert "OpenAI discovery failed (500)" in said
    assert "unreachable" in said and "last-known-good snapshot" in said
    shown = svc.list_models()
    assert shown.tier == "snapshot" and ids(shown.records) >= ids(first.records)
    text = page_text(dashboard(svc, "browse"))
    assert "registry is unreachable" in text and "snapshot" in text
    assert standin.records(base_id, MODELS, by_id=True) == cells_before

    standin.clear_faults()
    fake.clear_faults()
    fixed = make_airtable_service(live)
    again = fixed.get_available_models("openai", force_refresh=True)
    assert again.tier == "api" and not again.warnings, again.warnings
    after = Ledger.read(fixed.store)
    assert_converged(after, fake, "openai")
    assert set(after.rows) == set(before.rows)
    assert sorted(after.event_keys) == sorted(before.event_keys)
    assert_airtable_unique(standin, base_id)
    assert fixed.list_models().tier == "registry"


def test_airtable_down_every_page_says_so_and_status_claims_nothing_else(
    standin: AirtableStandIn,
    base_id: str,
    make_airtable_service: ServiceMaker,
    settings: Settings,
    dashboard: Callable[..., Any],
) -> None:
    """Pages showing data cached before the outage still carry the banner; Status says only
    "NOT reachable" (no schema or writability claim, no "To fix, run:" over a hint)."""
    live = replace(settings, version_check_s=0.0)
    svc = make_airtable_service(live)
    assert svc.get_available_models("openai").tier == "api"
    at = dashboard(svc, "browse")

    def banner() -> list[str]:
        return [plain(w.value) for w in at.warning if "Airtable registry is unreachable" in w.value]

    assert not banner()
    standin.inject_fault("error", status=503, count=10_000, base=base_id)
    at.run()
    assert not at.exception
    [said] = banner()
    assert "registry's data as last read" in said and "old)" in said
    assert "served from the registry ·" not in page_text(at)
    at.switch_page("pages/model.py").run()
    assert not at.exception and len(banner()) == 1
    at.switch_page("pages/status.py").run()
    assert not at.exception and len(banner()) == 1
    text = page_text(at)
    assert ": NOT reachable" in text
    assert "schema incomplete" not in text and "read-only" not in text
    assert "To fix, run:" not in text and not at.code
    standin.clear_faults()


def _refresh(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "registry_core", "refresh", "openai"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.slow
def test_sync_killed_with_sigkill_then_restarted(tmp_path: Path) -> None:
    """A refresh killed half-way through its writes leaves no duplicate; the restart converges.

    The stand-in runs at Airtable's real 5 requests/s, so writing 120 models (12 event batches,
    12 record batches) takes a few seconds; the process is killed after its third model write.
    """
    with (
        AirtableStandIn(rate_limit=5.0, lockout_s=0.5) as server,
        FakeProviderServer(n_models=120) as fake,
    ):
        base = new_base_id()
        server.add_base(base, table_specs())
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.endswith("_API_KEY") and "AIRTABLE" not in k
        }
        env.update(fake.env(("openai",)))
        env.update(
            {
                "REGISTRY_DATA_DIR": str(tmp_path),
                "REGISTRY_PROVIDERS": "openai",
                "AIRTABLE_API_KEY": DEFAULT_TOKEN,
                "AIRTABLE_BASE_ID": base,
                "AIRTABLE_ENDPOINT_URL": server.url,
                "PYTHONPATH": str(ROOT),
            }
        )
        proc = _refresh(env)
        model_writes = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            model_writes = sum(
                1
                for r in server.request_log
                if r.method in ("POST", "PATCH") and "Registry" in r.path and r.status == 200
            )
            if model_writes >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()[0].decode()[-2000:]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL

        # what the kill left: a part of the rows, no duplicate, no run recorded as ok
        partial = server.records(base, MODELS)
        assert 0 < len(partial) < 120
        assert_airtable_unique(server, base)
        store = airtable_store(server, base, requests_per_second=5.0, rate_limit_waits=4)
        assert not [r for r in store.list_runs("openai") if r.outcome == "ok"]

        # the restart converges: every model once, every event once, one ok run
        again = _refresh(env)
        out, _ = again.communicate(timeout=120)
        assert again.returncode == 0, out.decode()[-2000:]
        ledger = Ledger.read(store)
        assert_converged(ledger, fake, "openai")
        assert len(server.records(base, MODELS)) == 120
        assert_airtable_unique(server, base)
        added = [e for e in store.list_events("openai") if e.kind == "added"]
        assert len(added) == 120 and len({e.model_id for e in added}) == 120
        assert [r.outcome for r in store.list_runs("openai")] == ["ok"]
        store.close()
