"""The fault matrix: every provider fault and every Airtable fault of the fault tables, counted.

Each case starts from a registry people have edited (Notes and Status on an OpenAI row; Notes
and a typed Max Tokens on an Anthropic row whose listed context then changes), runs a scheduled
refresh of both providers under the fault while each provider lists one more model, lifts the
fault and refreshes again. After each refresh the five counters of :mod:`.matrix` are computed
from the store's own data. The cases are the fault tables' own lists (``test_provider_faults``
on SQLite and on the Airtable stand-in, ``test_airtable_faults`` on the stand-in), plus a
refresh killed with SIGKILL half-way through its Airtable writes (helpers of ``test_outages``).

``pytest -s tests/faults/test_fault_matrix.py`` prints each case's line; the terminal summary
prints the table and the total line, and ``<pytest basetemp>/fault-matrix.txt`` keeps them.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from registry_core.config import Settings
from registry_core.refresh import refresh
from registry_core.resolution import RunReport
from registry_core.service import ModelRegistryService
from registry_core.stores import airtable_lease
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn
from registry_standins.fake_providers import FakeProviderServer

from .conftest import MODELS, PROVIDERS, ROOT, ServiceMaker, listed
from .matrix import (
    ROWS,
    WRITTEN,
    Counts,
    Key,
    MatrixRow,
    Step,
    StoreState,
    measure,
    read_airtable,
    read_sqlite,
    table_lines,
    total_line,
    totals,
)
from .test_airtable_faults import CASES as AIRTABLE_CASES
from .test_airtable_faults import World
from .test_outages import _refresh
from .test_provider_faults import CASES as PROVIDER_CASES
from .test_provider_faults import Case as ProviderCase

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _one_host_leases(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take Airtable leases without the 1.1 s wait for rival claims: one host refreshes here,
    so no rival can land (tests/integrity/test_lease.py covers the wait). The killed
    subprocess keeps the real wait."""
    monkeypatch.setattr(airtable_lease, "DECIDE_AFTER_S", 0.0)


TYPED_ROW: Key = ("anthropic", "claude-sonnet-4-5-20250929")
#: What people typed, by row and column (the Max Tokens differs from what Anthropic lists).
EDITS: dict[Key, dict[str, Any]] = {
    ("openai", "gpt-4o-mini"): {
        "Notes": "pinned for the support bot (ana)",
        "Status": "deprecated",
    },
    TYPED_ROW: {"Notes": "context checked by hand", "Max Tokens": 150_000},
}
NEW_MODELS = {"openai": "gpt-added-during-the-fault", "anthropic": "claude-added-during-the-fault"}


def edit_rows(service: ModelRegistryService) -> None:
    for (provider_id, model_id), columns in EDITS.items():
        service.edit_model(provider_id, model_id, columns, "ana")


def provider_moves(fake: FakeProviderServer) -> None:
    """While the fault lasts each provider lists one more model, and Anthropic raises the
    context of the row whose Max Tokens a person typed (discovery must leave it alone)."""
    for provider_id, model_id in NEW_MODELS.items():
        fake.add_model(provider_id, model_id)
    items = [
        {**item, "max_input_tokens": 300_000} if item.get("id") == TYPED_ROW[1] else item
        for item in fake.models("anthropic")
    ]
    fake.set_models("anthropic", items)


def seeded(service: ModelRegistryService) -> None:
    reports = refresh(service, PROVIDERS)
    assert [r.outcome for r in reports] == ["ok", "ok"], [r.message for r in reports]
    assert all(r.saved for r in reports), [r.warnings for r in reports]
    edit_rows(service)


def converged(state: StoreState, fake: FakeProviderServer, providers: tuple[str, ...]) -> bool:
    return all(state.available(p) == listed(fake, p) for p in providers)


def record(
    request: pytest.FixtureRequest,
    fault: str,
    case: str,
    store: str,
    steps: list[Step],
    is_converged: bool,
    started: float,
) -> MatrixRow:
    """Add the case's line to the matrix, print it, then fail it on any non-zero counter."""
    total = Counts()
    for step in steps:
        total = total + step.counts
    row = MatrixRow(fault, case, store, total, is_converged, time.monotonic() - started)
    ROWS.append(row)
    line = table_lines([row])[1]
    print(f"\n{line}")
    request.node.user_properties.append(("fault_matrix", line))
    found = {s.name: {k: v for k, v in s.found.items() if v} for s in steps}
    assert total.zero, found
    assert is_converged, f"{case} on {store}: the registry did not converge after the repair"
    return row


# --- provider faults, on SQLite and on the Airtable stand-in -------------------------------------


@pytest.fixture(params=["sqlite", "airtable"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def provider_world(
    store_kind: str, request: pytest.FixtureRequest, settings: Settings
) -> Iterator[tuple[ModelRegistryService, Callable[[], StoreState]]]:
    if store_kind == "sqlite":
        service: ModelRegistryService = request.getfixturevalue("sqlite_service")
        yield service, lambda: read_sqlite(settings.db_path)
        return
    standin: AirtableStandIn = request.getfixturevalue("standin")
    base: str = request.getfixturevalue("base_id")
    make: ServiceMaker = request.getfixturevalue("make_airtable_service")
    yield make(replace(settings, version_check_s=0.0)), lambda: read_airtable(standin, base)


@pytest.mark.parametrize("case", PROVIDER_CASES, ids=[c.name for c in PROVIDER_CASES])
def test_provider_fault_matrix(
    case: ProviderCase,
    store_kind: str,
    provider_world: tuple[ModelRegistryService, Callable[[], StoreState]],
    fake: FakeProviderServer,
    request: pytest.FixtureRequest,
) -> None:
    started = time.monotonic()
    service, read = provider_world
    fake.page_size = case.page_size
    seeded(service)
    before = read()

    provider_moves(fake)
    case.inject(fake)
    during = refresh(service, PROVIDERS)
    faulted = read()
    fake.clear_faults()
    repaired = refresh(service, PROVIDERS)
    after = read()

    steps = [
        measure("under the fault", before, faulted, EDITS, during),
        measure("after the repair", faulted, after, EDITS, repaired),
    ]
    record(
        request,
        "provider",
        case.name,
        store_kind,
        steps,
        converged(after, fake, PROVIDERS),
        started,
    )


# --- Airtable faults, on the stand-in ------------------------------------------------------------


@pytest.mark.parametrize("case", AIRTABLE_CASES, ids=[c.name for c in AIRTABLE_CASES])
def test_airtable_fault_matrix(
    case: Any,
    standin: AirtableStandIn,
    base_id: str,
    make_airtable_service: ServiceMaker,
    settings: Settings,
    fake: FakeProviderServer,
    request: pytest.FixtureRequest,
) -> None:
    started = time.monotonic()
    live = replace(settings, version_check_s=0.0)

    def make(**options: Any) -> ModelRegistryService:
        return make_airtable_service(live, **options)

    world = World(standin, base_id, make, live)
    seeded(make())
    before = read_airtable(standin, base_id)

    provider_moves(fake)
    broken = case.breaks(world)
    during = refresh(broken, PROVIDERS)
    faulted = read_airtable(standin, base_id)
    standin.set_rate_limit(None)  # the storm's limiter goes with the fault
    fixed = case.repairs(world)
    repaired = refresh(fixed, PROVIDERS)
    after = read_airtable(standin, base_id)

    steps = [
        measure("under the fault", before, faulted, EDITS, during),
        measure("after the repair", faulted, after, EDITS, repaired),
    ]
    record(
        request,
        "airtable",
        case.name,
        "airtable",
        steps,
        converged(after, fake, PROVIDERS),
        started,
    )


# --- a refresh killed with SIGKILL half-way through its writes -----------------------------------

KILL_NEW_MODELS = 40


def test_sigkill_mid_refresh_matrix(
    standin: AirtableStandIn,
    base_id: str,
    make_airtable_service: ServiceMaker,
    settings: Settings,
    fake: FakeProviderServer,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    """The refresh process is killed after its first batch of new rows; a restart converges."""
    started = time.monotonic()
    live = replace(settings, version_check_s=0.0, providers=("openai",))
    edits = {k: v for k, v in EDITS.items() if k[0] == "openai"}
    first = refresh(make_airtable_service(live), ["openai"])
    assert first[0].saved, first[0].warnings
    edit_rows_of = make_airtable_service(live)
    for (provider_id, model_id), columns in edits.items():
        edit_rows_of.edit_model(provider_id, model_id, columns, "ana")
    before = read_airtable(standin, base_id)

    for i in range(KILL_NEW_MODELS):
        fake.add_model("openai", f"gpt-kill-{i:02d}")
    env = {
        k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and "AIRTABLE" not in k
    }
    env.update(fake.env(("openai",)))
    env.update(
        {
            "REGISTRY_DATA_DIR": str(tmp_path / "killed"),
            "REGISTRY_PROVIDERS": "openai",
            "AIRTABLE_API_KEY": DEFAULT_TOKEN,
            "AIRTABLE_BASE_ID": base_id,
            "AIRTABLE_ENDPOINT_URL": standin.url,
            "PYTHONPATH": str(ROOT),
        }
    )
    # Airtable's real 5 requests/s, so the kill lands between two of the refresh's writes
    standin.set_rate_limit(5.0, lockout_s=0.5)
    standin.reset_log()
    proc = _refresh(env)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            # kill once the first batch of new rows is in (batches of 10, 0.2 s apart)
            if len(standin.records(base_id, MODELS)) > len(before.rows):
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()[0].decode()[-2000:]
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    standin.set_rate_limit(None)
    killed = read_airtable(standin, base_id)
    written = len(killed.rows) - len(before.rows)
    assert 0 < written < KILL_NEW_MODELS, written  # the kill landed half-way
    logged = len(killed.events) - len(before.events)
    print(f"\nkilled with {written} of {KILL_NEW_MODELS} new rows and {logged} new events saved")

    restarted: list[RunReport] = refresh(make_airtable_service(live), ["openai"])
    after = read_airtable(standin, base_id)
    steps = [
        measure("killed", before, killed, edits),
        measure("restarted", killed, after, edits, restarted),
    ]
    record(
        request,
        "process",
        "sigkill-mid-refresh",
        "airtable",
        steps,
        converged(after, fake, ("openai",)),
        started,
    )


# --- the totals ----------------------------------------------------------------------------------


def test_fault_matrix_totals(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every case above that ran, in one table; each total must be 0 (runs last in the file)."""
    if not ROWS:
        pytest.skip("no fault-matrix case ran (deselected)")
    lines = [*table_lines(ROWS), total_line(ROWS)]
    out = tmp_path_factory.getbasetemp() / "fault-matrix.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    WRITTEN.append(out)
    print("\n" + "\n".join(lines))
    assert totals(ROWS).zero, total_line(ROWS)
    assert all(r.converged for r in ROWS), total_line(ROWS)
