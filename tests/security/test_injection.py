"""Formula injection through Airtable reads, SSRF through base URLs and redirects, CSV injection,
and the git-ignore rules that keep secrets and data out of the repository."""

from __future__ import annotations

import csv
import io
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest

from registry_core.config import Settings
from registry_core.errors import UnsafeURLError
from registry_core.events import HistoryEvent, make_event_key
from registry_core.export import EXPORT_COLUMNS, records_to_csv
from registry_core.flight import run_sync
from registry_core.http import HTTPPolicy, check_url
from registry_core.providers.base import Credential
from registry_core.providers.discovery import discover_provider
from registry_core.records import ModelRecord
from registry_core.service import ModelRegistryService
from registry_core.stores.airtable import AirtableStore
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn

from .conftest import KEY, ROOT, leaks, new_base_id, table_specs

# --- formula injection -------------------------------------------------------------------------

TRICKY_IDS = [
    "it's",
    'say "hi"',
    "{Model ID}",
    "back\\slash",
    "trailing\\",
    "\\'",
    "x') OR TRUE() OR ('",
    'x", TRUE(), "',
    "}{",
    "a'},{Provider ID}='openai",
    "=1+1",
    "emoji-🚀",
]


@pytest.fixture
def airtable(standin: AirtableStandIn) -> Iterator[AirtableStore]:
    base = new_base_id()
    standin.add_base(base, table_specs())
    store = AirtableStore(
        DEFAULT_TOKEN, base, endpoint_url=standin.url, requests_per_second=500.0, lockout_s=0.3
    )
    yield store
    store.close()


def test_formula_injection_returns_exactly_the_right_rows(airtable: AirtableStore) -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    records = [ModelRecord("openai", m, model_name=f"name of {m}") for m in TRICKY_IDS]
    records += [ModelRecord("o'ai", "quoted-provider"), ModelRecord("anthropic", "plain")]
    airtable.upsert_models(records)
    airtable.append_events(
        [
            HistoryEvent(
                make_event_key(r.provider_id, r.model_id, "added"),
                r.provider_id,
                r.model_id,
                "added",
                at,
            )
            for r in records
        ]
    )
    assert {r.model_id for r in airtable.list_models("openai").records} == set(TRICKY_IDS)
    assert [r.model_id for r in airtable.list_models("o'ai").records] == ["quoted-provider"]
    assert airtable.list_models("x' OR TRUE() OR '").records == []
    assert airtable.list_models('openai", TRUE(), "').records == []
    for model_id in TRICKY_IDS:
        events = airtable.list_events("openai", model_id)
        assert [(e.provider_id, e.model_id) for e in events] == [("openai", model_id)], model_id
    # writing again by the same tricky keys updates in place: no duplicate rows
    airtable.upsert_models([r.replace(notes="second write") for r in records])
    again = airtable.list_models().records
    assert len(again) == len(records)
    assert all(r.notes == "second write" for r in again)


# --- SSRF ----------------------------------------------------------------------------------------

REFUSED = [
    ("file:///etc/passwd", "scheme"),
    ("ftp://example.com/v1", "scheme"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"),
    ("http://[fd00:ec2::254]/", "metadata"),
    ("http://metadata.google.internal/computeMetadata/v1/", "metadata"),
    ("http://10.0.0.5/v1", "private"),
    ("https://10.1.2.3/v1", "private"),
    ("http://192.168.1.10:8000/v1", "private"),
    ("http://172.16.0.1/v1", "private"),
    ("http://169.254.1.1/v1", "private"),
    ("http://[::ffff:10.0.0.1]/v1", "private"),
    ("http://0.0.0.0:8000/v1", "private"),
    ("https://build.internal/v1", "private"),
    ("https://user:pass@api.openai.com/v1", "password"),
    ("http://api.openai.com/v1", "plain http"),
]


@pytest.mark.parametrize(("url", "says"), REFUSED, ids=[u for u, _ in REFUSED])
def test_unsafe_base_urls_are_refused_with_a_clear_error(url: str, says: str) -> None:
    with pytest.raises(UnsafeURLError) as caught:
        check_url(url)
    assert says in str(caught.value)


def test_loopback_is_allowed_for_local_servers() -> None:
    assert str(check_url("http://127.0.0.1:11434")) == "http://127.0.0.1:11434"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[ModelRegistryService]:
    settings = Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=("openai",),
        env={"OPENAI_API_KEY": KEY},
    )
    store = SQLiteStore(settings.db_path)
    policy = HTTPPolicy(timeout_s=2.0, backoff_base_s=0.01, backoff_max_s=0.02)
    yield ModelRegistryService.from_settings(
        settings, store=store, discover=partial(discover_provider, policy=policy)
    )
    store.close()


@pytest.mark.parametrize(
    "base_url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/v1",
        "http://10.0.0.5/v1",
        "http://192.168.0.7/v1",
    ],
)
def test_unsafe_base_url_through_the_service_is_refused_and_nothing_is_sent(
    service: ModelRegistryService, base_url: str, loopback_only: list[str]
) -> None:
    answer = service.get_available_models("openai", base_url=base_url, force_refresh=True)
    assert answer.tier == "catalog" and answer.records  # still an answer: the catalog
    said = " ".join(answer.warnings)
    assert "refused" in said or "only http and https" in said, answer.warnings
    assert not leaks(said)
    assert service.runs("openai")[0].error_class == "unsafe_url"
    assert [h for h in loopback_only if h not in ("127.0.0.1", "localhost", "::1")] == []


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/v1/models",
        "http://192.168.1.1/v1/models",
        "https://evil.example/v1/models",
    ],
)
def test_redirects_off_the_host_are_not_followed(
    redirector: Callable[[str], str], target: str, loopback_only: list[str]
) -> None:
    base = redirector(target)
    credential = Credential("openai", "default", KEY, base)
    with pytest.raises(UnsafeURLError) as caught:
        run_sync(discover_provider(credential, enrich_from_catalog=False))
    message = str(caught.value)
    assert "redirect" in message and "not followed" in message
    assert not leaks(message)
    assert set(loopback_only) <= {"127.0.0.1"}


# --- CSV injection -----------------------------------------------------------------------------

PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1\n=2+2",
    "harmless\r=1+1",  # a bare CR ends the row in a spreadsheet: the formula would start a row
]


def test_csv_export_neutralises_every_formula_cell() -> None:
    records = [
        ModelRecord(
            "openai",
            payload,
            model_name=payload,
            notes=payload,
            successor_model=payload,
            alias_of=payload,
            cost_per_1k=-0.0 if i % 2 else 0.5,
        )
        for i, payload in enumerate(PAYLOADS)
    ]
    text = records_to_csv(records, list(EXPORT_COLUMNS))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(PAYLOADS)
    for row in body:
        for column, value in zip(header, row, strict=True):
            if value and value[0] in "=+-@\t\r":
                # only numbers may start with a minus; text never starts with a formula sign
                float(value)
                assert column.endswith(("$/1K", "$/1M")) or "ost" in column, (column, value)


# --- what git must never see -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [".streamlit/secrets.toml", ".registry/registry.db", ".registry/snapshot.json", ".registry/"],
)
def test_secrets_and_the_data_folder_are_git_ignored(path: str) -> None:
    done = subprocess.run(
        ["git", "check-ignore", "-q", path], cwd=ROOT, capture_output=True, check=False
    )
    assert done.returncode == 0, f"{path} is not git-ignored"


def test_no_secrets_file_or_data_is_tracked() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert ".streamlit/secrets.toml" not in tracked
    assert not [p for p in tracked if p.startswith(".registry/")]
