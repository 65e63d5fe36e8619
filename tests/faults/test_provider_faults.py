"""Provider faults, one case per row of the issue's table, through the real adapters over HTTP.

For each: what the user sees (the resolver's tier and warnings, and the Status page), what is
served (the registry's rows, unchanged), what is written (only a failed run: no row lost or
rewritten, no event), and that the next good listing converges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from registry_core.service import ModelRegistryService
from registry_standins.fake_providers import FakeProviderServer, Fault

from .conftest import (
    Ledger,
    assert_converged,
    assert_no_duplicate_events,
    assert_nothing_lost,
    ids,
    listed,
    page_text,
)


@dataclass(frozen=True)
class Case:
    name: str
    provider: str
    inject: Callable[[FakeProviderServer], None]
    error_class: str | None  # None: the listing still succeeds (after a retry)
    says: tuple[str, ...]  # what the warning tells the user, in its own words
    page_size: int | None = None


def _hang(fake: FakeProviderServer) -> None:
    fake.inject("openai", Fault("hang", hang_s=3.0))


CASES = [
    Case(
        "401",
        "openai",
        lambda f: f.inject("openai", Fault.auth("openai")),
        "auth",
        ("the OpenAI key was rejected (401)", "OPENAI_API_KEY"),
    ),
    Case(
        "403",
        "openai",
        lambda f: f.inject(
            "openai",
            Fault(
                status=403,
                body={
                    "error": {
                        "message": "You are not allowed to list models in this project.",
                        "type": "invalid_request_error",
                        "code": "insufficient_permissions",
                    }
                },
            ),
        ),
        "auth",
        ("the OpenAI key was rejected (403)", "OPENAI_API_KEY"),
    ),
    Case(
        "429-retry-after-then-ok",
        "openai",
        lambda f: f.inject("openai", Fault.rate_limited("openai", retry_after="1", times=1)),
        None,
        (),
    ),
    Case(
        "429-retry-after-storm",
        "openai",
        lambda f: f.inject("openai", Fault.rate_limited("openai", retry_after="0.1")),
        "rate_limited",
        ("OpenAI is rate-limiting us (429)", "try again in"),
    ),
    Case(
        "insufficient_quota",
        "openai",
        lambda f: f.inject("openai", Fault.quota()),
        "quota",
        ("quota", "retrying will not help"),
    ),
    Case(
        "500",
        "openai",
        lambda f: f.inject("openai", Fault(status=500, body={"error": {"message": "boom"}})),
        "unavailable",
        ("OpenAI discovery failed (500)", "unavailable"),
    ),
    Case("timeout", "openai", _hang, "unavailable", ("did not answer within 1s",)),
    Case(
        "malformed-json",
        "openai",
        lambda f: f.inject("openai", Fault("malformed_json")),
        "malformed",
        ("OpenAI discovery failed", "not JSON"),
    ),
    Case(
        "truncated-page",
        "anthropic",
        lambda f: f.inject("anthropic", Fault("truncated_page", skip=1)),
        "malformed",
        ("Anthropic discovery failed", "not JSON"),
        page_size=2,
    ),
    Case(
        "repeating-cursor",
        "anthropic",
        lambda f: f.inject("anthropic", Fault("repeating_cursor")),
        "malformed",
        ("repeats an earlier cursor",),
        page_size=2,
    ),
    Case(
        "oversized-body",
        "openai",
        lambda f: f.inject("openai", Fault("huge_body")),
        "malformed",
        ("larger than 20 MB",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_provider_fault(
    case: Case,
    sqlite_service: ModelRegistryService,
    fake: FakeProviderServer,
    dashboard: Callable[..., Any],
) -> None:
    svc, p = sqlite_service, case.provider
    fake.page_size = case.page_size
    first = svc.get_available_models(p)
    assert first.tier == "api", first.warnings
    before = Ledger.read(svc.store)
    runs_before = len(before.runs)

    fake.reset_log()
    case.inject(fake)
    answer = svc.get_available_models(p, force_refresh=True)
    after = Ledger.read(svc.store)

    if case.error_class is None:
        # retry-after honoured: one 429, then the listing, at least a second apart
        statuses = [r.status for r in fake.requests if r.provider == p]
        assert statuses[:2] == [429, 200], statuses
        gap = fake.requests[1].at - fake.requests[0].at
        assert gap >= 0.9, gap
        assert answer.tier == "api" and not answer.warnings
        assert ids(answer.records) == ids(first.records)
        assert svc.runs(p)[0].outcome == "ok"
        assert_nothing_lost(before, after)
        return

    # what is served: the registry's rows, every one of them, flagged as a fallback
    assert answer.tier == "registry", (answer.tier, answer.warnings)
    assert ids(answer.records) == ids(first.records)
    assert answer.degraded
    text = " ".join(answer.warnings)
    for fragment in case.says:
        assert fragment in text, (fragment, answer.warnings)
    assert "Showing the registry's data" in text
    # what is written: one failed run saying what failed; no row, no event
    assert_nothing_lost(before, after)
    assert len(after.event_keys) == len(before.event_keys)
    assert len(after.runs) == runs_before + 1
    run = svc.runs(p)[0]
    assert run.outcome == "failed" and run.error_class == case.error_class
    assert run.added == run.removed == run.changed == 0
    if case.error_class in ("auth", "quota", "malformed"):
        # not worth retrying: exactly one request reached the failing page
        failing = [r for r in fake.requests if r.provider == p and r.status != 200]
        assert len(failing) <= 1 or case.name == "oversized-body"

    # what the dashboard shows: the Status page lists the failed run with the same sentence
    at = dashboard(svc, "status")
    shown = page_text(at)
    assert case.says[0] in shown, shown[:2000]
    browse = dashboard(svc, "browse")
    assert not browse.exception

    # the next good run converges
    fake.clear_faults()
    again = svc.get_available_models(p, force_refresh=True)
    assert again.tier == "api" and not again.warnings, again.warnings
    final = Ledger.read(svc.store)
    assert_converged(final, fake, p)
    assert ids(again.records) == listed(fake, p)
    assert_no_duplicate_events(final)
    assert len(final.event_keys) == len(before.event_keys)  # same listing: nothing new to say


def test_empty_listing_is_suspect_and_marks_nothing_unavailable(
    sqlite_service: ModelRegistryService, fake: FakeProviderServer, dashboard: Callable[..., Any]
) -> None:
    """An empty list from a provider that listed models before is not believed."""
    svc = sqlite_service
    first = svc.get_available_models("openai")
    before = Ledger.read(svc.store)
    fake.inject("openai", Fault("empty_list"))
    answer = svc.get_available_models("openai", force_refresh=True)
    after = Ledger.read(svc.store)
    assert ids(answer.records) == ids(first.records)
    assert answer.warnings, "an empty listing must be flagged"
    assert before.available("openai") == after.available("openai")
    assert set(before.rows) == set(after.rows)
    assert len(after.event_keys) == len(before.event_keys)
    run = svc.runs("openai")[0]
    assert run.outcome == "suspect"
    shown = page_text(dashboard(svc, "status"))
    assert "suspect" in shown
    fake.clear_faults()
    again = svc.get_available_models("openai", force_refresh=True)
    assert again.tier == "api" and not again.warnings
    assert_converged(Ledger.read(svc.store), fake, "openai")
