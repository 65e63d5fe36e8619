"""The outage banner and Status's health wording (registry_core.notices), and the resolver state
they are built from (Resolver.store_failure)."""

from __future__ import annotations

import pytest

from registry_core.errors import AuthError, SchemaMismatchError, UnavailableError
from registry_core.notices import health_summary, outage_banner, registry_state, served_from
from registry_core.records import ModelRecord, utcnow
from registry_core.resolver import Resolver
from registry_core.stores.base import StoreHealth
from tests.resolver.conftest import Clock, MemoryStore

DOWN = UnavailableError("Airtable could not be reached", hint="try again later")


@pytest.mark.parametrize(
    ("tier", "age", "served"),
    [
        ("registry", 660.0, "Showing the registry's data as last read (data 11 min old)"),
        ("memory", 7200.0, "Showing the registry's data as last read (data 2 h old)"),
        ("snapshot", 3 * 86400.0, "Showing the last-known-good snapshot (data 3 days old)"),
        ("catalog", None, "Showing the bundled reference catalog: prices and limits"),
        ("registry", None, "as last read (never verified by a listing)"),
    ],
)
def test_the_banner_says_what_is_down_what_is_served_and_how_old(tier, age, served) -> None:
    text = outage_banner(store="airtable", failure=DOWN, tier=tier, age_s=age)
    assert text is not None
    assert text.startswith(
        "The Airtable registry is unreachable (Airtable could not be reached — try again later)."
    )
    assert served in text
    assert "cannot be saved until it is back" in text


def test_no_banner_while_the_registry_is_served() -> None:
    for tier in ("registry", "memory", "api"):
        assert outage_banner(store="sqlite", failure=None, tier=tier, age_s=5.0) is None


def test_a_fallback_without_an_outage_still_gets_a_banner() -> None:
    text = outage_banner(store="sqlite", failure=None, tier="snapshot", age_s=80 * 60.0)
    assert text == (
        "Not showing the SQLite registry: showing the last-known-good snapshot (data 80 min old)."
    )


def test_nothing_readable_still_says_what_is_down() -> None:
    text = outage_banner(store="airtable", failure=DOWN, tier=None, age_s=None)
    assert text is not None and "unreachable" in text and "Showing" not in text
    assert outage_banner(store="airtable", failure=None, tier=None, age_s=None) is None


def test_served_from_and_registry_state_follow_the_outage() -> None:
    assert served_from("registry") == "the registry"
    assert "unreachable now" in served_from("memory", store_down=True)
    assert served_from("snapshot", store_down=True) == "the last-known-good snapshot"
    assert registry_state("memory") == "serving"
    assert registry_state("registry", store_down=True) == "unreachable"
    assert registry_state("snapshot", store_down=True) == "unreachable; fallback: snapshot"


def test_unreachable_health_claims_nothing_and_offers_no_command() -> None:
    down = StoreHealth(
        "airtable", "appX", False, False, False, [str(DOWN), str(DOWN)], "try again later"
    )
    said = health_summary(down)
    assert not said.ok
    assert said.states == ["NOT reachable"]
    assert said.fix is None
    assert said.problems == [str(DOWN)]  # the hint is kept, as a problem, once


def test_reachable_health_keeps_its_command() -> None:
    broken = StoreHealth(
        "airtable",
        "appX",
        True,
        False,
        False,
        ["table lacks Notes"],
        "python -m registry_core setup-airtable",
    )
    said = health_summary(broken)
    assert not said.ok
    assert said.states == ["reachable", "read-only", "schema incomplete"]
    assert said.fix == "python -m registry_core setup-airtable"
    good = health_summary(StoreHealth("sqlite", "/r.db", True, True, True))
    assert good.ok and good.states == ["reachable", "writable", "schema complete"]
    assert good.fix is None


# --- the resolver's state ---------------------------------------------------------------------


def _resolver(store: MemoryStore, clock: Clock, **settings_kw: float) -> Resolver:
    from registry_core.config import Settings

    return Resolver(
        store,
        settings=Settings(cache_key_secret="t", **settings_kw),  # type: ignore[arg-type]
        catalog_records=lambda _p: [],
        clock=clock,
        monotonic=clock.monotonic,
    )


def test_store_failure_lasts_the_whole_outage_not_just_the_breaker_window(tmp_path) -> None:
    store, clock = MemoryStore(), Clock()
    store.rows[("openai", "m")] = ModelRecord("openai", "m", last_verified=utcnow())
    resolver = _resolver(store, clock, version_check_s=30.0)
    resolver.snapshot.path = tmp_path / "snapshot.json"
    assert resolver.list_records().tier == "registry"
    assert resolver.store_failure() is None

    store.down = True
    clock.advance(seconds=31)
    assert resolver.list_records().tier == "memory"  # the cached answer from before the outage
    assert isinstance(resolver.store_failure(), UnavailableError)  # the version check failed
    clock.advance(seconds=31)  # the breaker window is over, the outage is not
    assert resolver.store_outage() is None
    assert isinstance(resolver.store_failure(), UnavailableError)

    store.down = False
    resolver.version(refresh=True)
    assert resolver.store_failure() is None


def test_a_zero_breaker_window_still_reports_the_outage(tmp_path) -> None:
    store, clock = MemoryStore(), Clock()
    resolver = _resolver(store, clock, version_check_s=0.0)
    resolver.snapshot.path = tmp_path / "snapshot.json"
    store.down = True
    resolver.version()
    assert resolver.store_outage() is None  # no fail-fast window at all
    assert resolver.store_failure() is not None


def test_only_failures_that_mean_unreadable_count() -> None:
    store, clock = MemoryStore(), Clock()
    resolver = _resolver(store, clock)

    def schema() -> None:
        raise SchemaMismatchError("no Notes field", missing_fields=["Notes"])

    def auth() -> None:
        raise AuthError("token rejected", status=401)

    with pytest.raises(SchemaMismatchError):
        resolver.guard(schema)
    assert resolver.store_failure() is None  # a write problem, not an outage
    with pytest.raises(AuthError):
        resolver.guard(auth)
    assert isinstance(resolver.store_failure(), AuthError)
