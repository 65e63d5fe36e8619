"""Item 7: a refresh that saved nothing says so ("listed 12, saved 0") and exits non-zero."""

from __future__ import annotations

from registry_core import refresh
from registry_core.cli.resolver import report_to_dict
from registry_core.config import Settings
from registry_core.errors import UnavailableError
from registry_core.stores.base import RegistryStore
from tests.resolver.conftest import Clock

from .conftest import Interleave, Listing, make_service

IDS = [f"m{i:02d}" for i in range(12)]


def test_unsaved_refresh_says_listed_and_saved_and_exits_3(
    real_store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    proxy = Interleave(real_store)
    proxy.fail_writes = 10
    proxy.error = UnavailableError("429 for the whole run (test)")
    listing.set("openai", *IDS)
    listing.set("anthropic", "claude")
    reports = refresh.refresh(make_service(proxy, settings, listing, clock), ["openai"])
    [report] = reports
    assert report.listed == 12 and report.saved_rows == 0 and report.save_failed
    assert "12 models listed" in report.message and "saved 0 of 12 rows" in report.message
    assert refresh.exit_status(reports) == refresh.EXIT_NOT_SAVED == 3
    as_json = report_to_dict(report)
    assert as_json["rows_saved"] == 0 and as_json["listed"] == 12
    assert as_json["save_error_class"] == "unavailable"


def test_saved_refresh_exits_0_and_counts_rows(
    real_store: RegistryStore, settings: Settings, listing: Listing, clock: Clock
) -> None:
    listing.set("openai", *IDS)
    reports = refresh.refresh(make_service(real_store, settings, listing, clock), ["openai"])
    assert refresh.exit_status(reports) == 0
    assert reports[0].listed == 12 and reports[0].saved_rows == 12
    assert "saved 12 of 12 rows" in reports[0].message
