"""Provider data at the door: what a listing may hold before anything of it is stored.

Ids (one rule, same on listing, write and read), impossible numbers, strict JSON out,
repeated pages, null lists, one broken Ollama model, duplicates in the run report, an overall
deadline, nesting and item limits.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from registry_core import records as R
from registry_core.config import Settings, discovery_deadline
from registry_core.errors import (
    ConfigError,
    MalformedResponseError,
    StoreWriteError,
    UnavailableError,
)
from registry_core.http import HTTPPolicy
from registry_core.ids import MAX_ID_LENGTH, checked_id
from registry_core.providers import Credential, Listing, discover_provider
from registry_core.records import parse_row
from registry_core.resolver import Resolver
from registry_core.stores.sqlite import SQLiteStore

Handler = Callable[[httpx.Request], httpx.Response]


def ok(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body)


def raw(text: str) -> httpx.Response:
    return httpx.Response(200, content=text.encode(), headers={"content-type": "application/json"})


def listing(
    provider: str,
    handler: Handler,
    *,
    policy: HTTPPolicy | None = None,
    secret: str | None = "k-test",
    base_url: str | None = None,
) -> Listing:
    async def main() -> Listing:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await discover_provider(
                Credential(provider, secret=secret, base_url=base_url),
                client=client,
                policy=policy,
                enrich_from_catalog=False,
            )

    return asyncio.run(main())


def via(handler: Handler) -> Callable[..., Any]:
    """A discover function for the resolver that answers through ``handler``."""

    async def discover(credential: Credential, **kw: Any) -> Listing:
        kw.pop("client", None)
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            return await discover_provider(
                credential, client=client, enrich_from_catalog=False, **kw
            )

    return discover


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path, db_path=tmp_path / "r.db", snapshot_path=tmp_path / "snap.json"
    )


def openai_models(*ids: str) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        return ok({"object": "list", "data": [{"id": i, "created": 1715367049} for i in ids]})

    return handle


# --- 9. ids: one rule on listing, write and read -----------------------------------------------


def test_invisible_characters_in_ids_do_not_churn_and_bidi_ids_are_refused(
    settings: Settings,
) -> None:
    ids = ("gpt-4o", "gpt\u200b-4o-mini", "\ufeffo3", "gpt-4.1 ", "o4\u202e-mini", "gpt\u200e-5")
    store = SQLiteStore(settings.db_path)
    resolver = Resolver(store, settings=settings, discover=via(openai_models(*ids)))
    cred = Credential("openai", secret="k-test")
    first = resolver.discover(cred)
    second = resolver.discover(cred)
    rows = store.list_models("openai")
    assert sorted(r.model_id for r in rows.records) == ["gpt-4.1", "gpt-4o", "gpt-4o-mini", "o3"]
    assert not rows.warnings
    assert len(first.diff.added) == 4 and second.diff.added == []  # no re-adding on refresh
    assert len(first.refused) == 2 and len(second.refused) == 2  # counted in the run report
    assert all("direction-changing" in r for r in first.refused)
    # the rows in SQLite hold exactly the ids the reader reads back
    with sqlite3.connect(settings.db_path) as conn:
        keys = sorted(m for (m,) in conn.execute("SELECT model_id FROM models"))
    assert keys == ["gpt-4.1", "gpt-4o", "gpt-4o-mini", "o3"]


@pytest.mark.parametrize(
    ("bad_id", "why"),
    [
        ("gpt\x00-4o", "control character"),
        ("gpt\ud800-4o", "lone surrogate"),
        ("a" * (MAX_ID_LENGTH + 1), f"longer than {MAX_ID_LENGTH}"),
        ("x" * 1_000_000, f"longer than {MAX_ID_LENGTH}"),
        ("gpt\u2066-4o", "direction-changing"),
        ("tab\tid", "control character"),
    ],
)
def test_unusable_ids_are_refused_on_listing_and_on_read(bad_id: str, why: str) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        body = json.dumps({"data": [{"id": bad_id}, {"id": "gpt-4o"}]}, ensure_ascii=True)
        return raw(body)

    models = listing("openai", handle)
    assert [m.model_id for m in models] == ["gpt-4o"]
    assert len(models.refused) == 1 and why in models.refused[0]
    assert len(models.refused[0]) < 400  # a 1 MB id is not repeated in the report
    parsed = parse_row({R.PROVIDER_ID: "openai", R.MODEL_ID: bad_id})
    assert parsed.record is None
    assert any(w.field == R.MODEL_ID and why in w.message for w in parsed.warnings)


def test_one_id_rule_for_listing_record_and_row() -> None:
    typed = " gpt\u200b-4o\ufeff "
    assert checked_id(typed) == ("gpt-4o", None)
    assert R.ModelRecord("openai", typed).model_id == "gpt-4o"
    row = parse_row({R.PROVIDER_ID: "openai", R.MODEL_ID: typed}).record
    assert row is not None and row.model_id == "gpt-4o"
    models = listing("openai", openai_models(typed))
    assert [m.model_id for m in models] == ["gpt-4o"]


# --- 10. impossible numbers ---------------------------------------------------------------------


def _openrouter_item(model_id: str, **over: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": model_id,
        "name": model_id,
        "context_length": 128000,
        "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
        "pricing": {"prompt": "0.0000025", "completion": "0.00001"},
        "top_provider": {"max_completion_tokens": 16384},
    }
    item.update(over)
    return item


def test_impossible_numbers_are_dropped_with_an_item_warning() -> None:
    items = [
        _openrouter_item("a/inf-price", pricing={"prompt": "1e400", "completion": "0.00001"}),
        _openrouter_item("a/million-per-token", pricing={"prompt": "1000000", "completion": "0"}),
        _openrouter_item("a/huge-context", context_length=10**30),
        _openrouter_item("a/fine"),
    ]
    body = json.dumps({"data": items}).replace(
        '"context_length": 128000', '"context_length": 1e400', 1
    )

    def handle(request: httpx.Request) -> httpx.Response:
        return raw(body)

    models = {m.model_id: m for m in listing("openrouter", handle, secret=None)}
    assert models["a/inf-price"].cost_per_1k is None
    assert models["a/inf-price"].output_cost_per_1k == pytest.approx(0.01)
    assert models["a/million-per-token"].cost_per_1k is None
    assert models["a/huge-context"].max_tokens is None
    assert R.MAX_TOKENS not in models["a/huge-context"].provenance
    assert models["a/fine"].cost_per_1k == pytest.approx(0.0025)
    assert models["a/fine"].max_tokens == 128000
    warnings = listing("openrouter", handle, secret=None).warnings
    assert sum("a/inf-price" in w for w in warnings) == 1
    assert any("a/million-per-token" in w and "plausible range" in w for w in warnings)
    assert any("a/huge-context" in w and "plausible range" in w for w in warnings)
    # the 1e400 literal stays in the raw item as its text: Metadata is strict JSON
    assert models["a/inf-price"].raw["context_length"] == "1e400"


@pytest.mark.parametrize(
    ("column", "value"),
    [
        (R.COST_PER_1K, 1e12),
        (R.COST_PER_1K, "1e400"),
        (R.OUTPUT_COST_PER_1K, 5000),
        (R.MAX_TOKENS, 10**30),
        (R.MAX_OUTPUT_TOKENS, "1e20"),
        (R.SORT_ORDER, 10**20),
    ],
)
def test_stored_impossible_numbers_are_left_empty_with_a_warning(column: str, value: Any) -> None:
    parsed = parse_row({R.PROVIDER_ID: "openai", R.MODEL_ID: "gpt-4o", column: value})
    assert parsed.record is not None
    assert getattr(parsed.record, R.ATTR_BY_FIELD[column]) is None
    assert [w.field for w in parsed.warnings] == [column]


def _strict(text: str) -> Any:
    def refuse(word: str) -> None:
        raise ValueError(f"not strict JSON: {word}")

    return json.loads(text, parse_constant=refuse)


def test_models_json_and_the_store_columns_are_strict_json(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from registry_core.cli import main

    monkeypatch.setenv("REGISTRY_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("REGISTRY_DB_PATH", str(settings.db_path))
    store = SQLiteStore(settings.db_path)
    # a row an older version wrote: Infinity in the metadata and in a cost
    store.put_raw_rows(
        [
            {
                R.PROVIDER_ID: "openai",
                R.MODEL_ID: "gpt-4o",
                R.COST_PER_1K: "Infinity",
                R.METADATA: '{"raw": {"context_length": Infinity, "x": NaN, "y": 1e400}}',
            }
        ]
    )
    assert main(["models", "--provider", "openai", "--json"]) == 0
    rows = [r for r in _strict(capsys.readouterr().out) if r["model_id"] == "gpt-4o"]
    assert rows[0]["cost_per_1k"] is None
    assert rows[0]["metadata"]["raw"] == {"context_length": "Infinity", "x": "NaN", "y": "1e400"}

    # written back through the store: every JSON column is valid for SQLite's JSON functions
    loaded = store.list_models("openai").records
    store.upsert_models(loaded)
    with sqlite3.connect(settings.db_path) as conn:
        cells = conn.execute("SELECT cells FROM models").fetchall()
        assert all(_strict(c) for (c,) in cells)
        assert (
            conn.execute("SELECT count(*) FROM models WHERE json_valid(cells) = 0").fetchone()[0]
            == 0
        )
        meta = conn.execute("SELECT json_extract(cells, '$.\"Metadata\"') FROM models").fetchone()[
            0
        ]
        assert "Infinity" not in meta.replace('"Infinity"', "")
        assert conn.execute("SELECT json_valid(?)", (meta,)).fetchone()[0] == 1


def test_a_record_that_still_holds_infinity_is_not_written(settings: Settings) -> None:
    store = SQLiteStore(settings.db_path)
    with pytest.raises(StoreWriteError, match="not JSON compliant"):
        store.upsert_models([R.ModelRecord("openai", "gpt-4o", cost_per_1k=float("inf"))])
    assert store.list_models().records == []  # nothing half-written


# --- 11. repeated pages, unmet totals, null lists -----------------------------------------------


def test_an_openrouter_server_that_ignores_offset_fails_the_listing() -> None:
    page = {"data": [_openrouter_item("a/one"), _openrouter_item("a/two")], "total_count": 3}
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return ok(page)

    with pytest.raises(MalformedResponseError, match="repeats an earlier page"):
        listing("openrouter", handle, secret=None)
    assert len(requests) == 2


def test_a_stated_total_that_is_not_reached_fails_the_listing() -> None:
    pages = {
        "0": {"data": [_openrouter_item("a/one"), _openrouter_item("a/two")], "total_count": 3},
        "2": {"data": [_openrouter_item("a/two")], "total_count": 3},
    }

    def handle(request: httpx.Request) -> httpx.Response:
        return ok(pages[request.url.params.get("offset", "0")])

    with pytest.raises(MalformedResponseError, match="total_count is 3"):
        listing("openrouter", handle, secret=None)


def test_a_repeated_anthropic_page_with_a_fresh_cursor_fails() -> None:
    calls = {"n": 0}

    def handle(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return ok({"data": [{"id": "claude-x"}], "has_more": True, "last_id": f"c{calls['n']}"})

    with pytest.raises(MalformedResponseError, match="repeats an earlier page"):
        listing("anthropic", handle)


@pytest.mark.parametrize(
    ("provider", "key", "base_url"),
    [
        ("openai", "data", None),
        ("anthropic", "data", None),
        ("google", "models", None),
        ("mistral", "data", None),
        ("groq", "data", None),
        ("openrouter", "data", None),
        ("xai", "models", None),
        ("deepseek", "data", None),
        ("cohere", "models", None),
        ("azure", "data", "https://example.openai.azure.com"),
        ("ollama", "models", None),
        ("openai_compatible", "data", "https://llm.example.com/v1"),
    ],
)
def test_a_null_model_list_is_malformed_not_empty(
    provider: str, key: str, base_url: str | None
) -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        return ok({key: None})

    with pytest.raises(MalformedResponseError, match=f"'{key}' is null"):
        listing(provider, handle, base_url=base_url)


# --- 12. one bad Ollama model -------------------------------------------------------------------


def test_one_failing_api_show_keeps_that_ollama_model_with_a_warning() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/tags":
            return ok({"models": [{"name": "llama3:8b"}, {"name": "broken:latest"}]})
        name = json.loads(request.content)["model"]
        if name == "broken:latest":
            return httpx.Response(500, json={"error": "boom"})
        return ok({"capabilities": ["completion"], "model_info": {"llama.context_length": 8192}})

    models = listing(
        "ollama", handle, secret=None, policy=HTTPPolicy(max_attempts=1, timeout_s=5.0)
    )
    by_id = {m.model_id: m for m in models}
    assert set(by_id) == {"llama3:8b", "broken:latest"}
    assert by_id["llama3:8b"].max_tokens == 8192
    assert "show" not in by_id["broken:latest"].raw
    assert len(models.warnings) == 1 and "broken:latest" in models.warnings[0]


# --- 13. duplicates in the run report -----------------------------------------------------------


def test_duplicate_ids_reach_the_run_report(settings: Settings) -> None:
    handler = openai_models("gpt-4o", "o3", "gpt-4o", "o3", "o3")
    resolver = Resolver(SQLiteStore(settings.db_path), settings=settings, discover=via(handler))
    report = resolver.discover(Credential("openai", secret="k-test"))
    assert report.ok and report.duplicates == ("gpt-4o", "o3")
    from registry_core.cli.resolver import report_to_dict

    assert report_to_dict(report)["duplicates"] == ["gpt-4o", "o3"]


def test_the_discover_page_shows_duplicates_as_plain_text(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from pages import _ui
    from registry_core.providers.base import DiscoveredModel
    from registry_core.service import ModelRegistryService

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-door-0123456789abcdef")

    def discover(credential: Credential, **kw: Any) -> Listing:
        models = [DiscoveredModel("openai", "gpt-4o", features=("chat",))]
        return Listing.of(models, duplicates=("gpt-4o", "**bold**_id"))

    monkeypatch.setattr(
        _ui,
        "SERVICE_FACTORY",
        lambda s: ModelRegistryService.from_settings(s, discover=discover),
    )
    root = Path(__file__).resolve().parents[2]
    at = AppTest.from_file(str(root / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/discover.py").run()
    at.button(key="discover_openai").click().run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [t.value for t in at.text]
    shown = next(t for t in texts if "listed more than once" in t)
    assert shown.startswith("OpenAI (default): 2 id(s) listed more than once")
    assert "gpt-4o" in shown and "**bold**_id" in shown  # as typed: not Markdown


# --- 19. an overall deadline --------------------------------------------------------------------


class _Trickle(BaseHTTPRequestHandler):
    stop = threading.Event()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        body = b'{"object": "list", "data": [' + b" " * 10_000 + b"]}"
        try:
            for index in range(len(body)):
                if self.stop.is_set():
                    return
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            return

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def trickle() -> Iterator[str]:
    _Trickle.stop.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        _Trickle.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_trickling_provider_fails_at_the_deadline_and_writes_nothing(
    trickle: str, settings: Settings, tmp_path: Path
) -> None:
    quick = Settings(
        data_dir=tmp_path,
        db_path=settings.db_path,
        snapshot_path=settings.snapshot_path,
        discovery_deadline_s=1.0,
    )
    store = SQLiteStore(quick.db_path)
    resolver = Resolver(store, settings=quick)
    started = time.monotonic()
    report = resolver.discover(Credential("openai_compatible", base_url=trickle))
    elapsed = time.monotonic() - started
    assert report.outcome == "failed"
    assert isinstance(report.error, UnavailableError)
    assert "within 1s" in report.message
    assert elapsed < 5.0, elapsed  # the per-read timeout (30 s) never fired: each byte came in time
    assert store.list_models().records == []


def test_the_deadline_setting_is_documented_and_validated() -> None:
    assert Settings.from_env({}).discovery_deadline_s == 120.0
    assert Settings.from_env({"REGISTRY_DISCOVERY_DEADLINE": "30s"}).discovery_deadline_s == 30.0
    for bad in ("0", "soon", "2h", "-5"):
        with pytest.raises(ConfigError, match="REGISTRY_DISCOVERY_DEADLINE"):
            discovery_deadline(bad)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "REGISTRY_DISCOVERY_DEADLINE" in readme


# --- 20. nesting and item limits ----------------------------------------------------------------


def test_deeply_nested_json_fails_the_listing_cleanly() -> None:
    deep = '{"data": [{"id": "x", "extra": ' + "[" * 3000 + "]" * 3000 + "}]}"
    assert len(deep) > 6000

    def handle(request: httpx.Request) -> httpx.Response:
        return raw(deep)

    with pytest.raises(MalformedResponseError, match="nested 3003 levels deep"):
        listing("openai", handle)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    body = json.dumps({"data": [{"id": "gpt-4o", "description": "[[[[{{{{" * 100}]})

    def handle(request: httpx.Request) -> httpx.Response:
        return raw(body)

    assert [m.model_id for m in listing("openai", handle)] == ["gpt-4o"]


def test_a_listing_past_the_item_limit_fails_before_it_is_parsed() -> None:
    body = json.dumps({"object": "list", "data": [{"id": f"m-{i}"} for i in range(100_000)]})

    def handle(request: httpx.Request) -> httpx.Response:
        return raw(body)

    started = time.monotonic()
    with pytest.raises(MalformedResponseError, match="more than 50000 models"):
        listing("openai", handle)
    assert time.monotonic() - started < 10


def test_the_item_limit_counts_every_page() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        n = int(request.url.params.get("pageToken") or 0)
        models = [{"name": f"models/m{n}-{i}"} for i in range(400)]
        return ok({"models": models, "nextPageToken": str(n + 1)})

    with pytest.raises(MalformedResponseError, match="more than 1000 models"):
        listing("google", handle, policy=HTTPPolicy(max_items=1000))
