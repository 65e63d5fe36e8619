"""scan (the CI gate) and alerts (webhook + Slack, once per crossing), end to end."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from registry_core.alerts import due_alerts
from registry_core.cli import main
from registry_core.config import Settings
from registry_core.lifecycle import today_utc
from registry_core.records import ModelRecord
from registry_core.scan import Matcher, scan_paths
from registry_core.stores.sqlite import SQLiteStore

TODAY = today_utc()


def test_matcher_finds_whole_tokens_only() -> None:
    matcher = Matcher.for_ids(["gpt-4o", "gpt-4o-mini", "gemini-2.0-flash", "o1", "a/b-1"])
    text = (
        b'm = "gpt-4o"\nx = gpt-4o-mini-tts\nsee gpt-4o.\nmodels/gemini-2.0-flash\nrun a/b-1\no1\n'
    )
    assert list(matcher.find(text)) == [
        ("gpt-4o", 1),
        ("gpt-4o", 3),
        ("gemini-2.0-flash", 4),
        ("a/b-1", 5),
    ]  # "gpt-4o-mini-tts" is another model; "o1" is too short to report


def test_scan_skips_vendored_and_binary(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text('MODEL = "gpt-4o"\n')
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.js").write_text("gpt-4o\n")
    (tmp_path / "src" / "blob.bin").write_bytes(b"\0gpt-4o")
    (tmp_path / "src" / "logo.png").write_bytes(b"gpt-4o")
    result = scan_paths([tmp_path], Matcher.for_ids(["gpt-4o"]))
    assert result.hits == {"gpt-4o": [(str(tmp_path / "src" / "app.py"), 1)]}


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SQLiteStore:
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path / "reg"))
    monkeypatch.setenv("REGISTRY_PROVIDERS", "openai")
    for key in ("REGISTRY_ALERT_WEBHOOK", "REGISTRY_SLACK_WEBHOOK", "OPENAI_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    settings = Settings.from_env()
    store = SQLiteStore(settings.db_path)
    store.upsert_models(
        [
            ModelRecord(
                "openai",
                "gpt-going",
                retirement_date=TODAY + timedelta(days=20),
                successor_model="gpt-next",
                used_by=("billing-api",),
                discovery_method="manual",
            ),
            ModelRecord("openai", "gpt-next", discovery_method="manual"),
            ModelRecord(
                "openai",
                "gpt-later",
                retirement_date=TODAY + timedelta(days=400),
                recommended=True,
                discovery_method="manual",
            ),
        ]
    )
    return store


def test_scan_gate_exit_status_json_and_used_by(
    registry: SQLiteStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "svc.yaml").write_text("model: gpt-next\nfallback: gpt-going\n")
    assert main(["scan", str(code), "--json", "--used-by", "search"]) == 1
    out = json.loads(capsys.readouterr().out)
    by_id = {m["model_id"]: m for m in out["models"]}
    assert by_id["gpt-going"]["state"] == "retiring" and by_id["gpt-going"]["fails"] is True
    assert by_id["gpt-going"]["successor"] == "gpt-next"
    assert by_id["gpt-going"]["locations"] == [f"{code / 'svc.yaml'}:2"]
    assert by_id["gpt-next"]["fails"] is False
    saved = {r.model_id: r for r in registry.list_models("openai").records}
    assert saved["gpt-going"].used_by == ("billing-api", "search")
    assert saved["gpt-next"].used_by == ("search",)
    (code / "svc.yaml").write_text("model: gpt-next\n")
    assert main(["scan", str(code)]) == 0


class Receiver:
    """A local webhook receiver on an OS-assigned port; fails the first ``fail`` requests."""

    def __init__(self, fail: int = 0) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.fail = fail
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if outer.fail > 0:
                    outer.fail -= 1
                    self.send_response(500)
                else:
                    outer.bodies.append(body)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    hook, slack = Receiver(fail=1), Receiver()
    yield hook, slack
    hook.close()
    slack.close()


def test_alerts_end_to_end_once_per_crossing_and_retried_after_a_failure(
    registry: SQLiteStore,
    receivers: tuple[Receiver, Receiver],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hook, slack = receivers
    monkeypatch.setenv("REGISTRY_ALERT_WEBHOOK", hook.url)
    monkeypatch.setenv("REGISTRY_SLACK_WEBHOOK", slack.url)

    assert main(["alerts"]) == 1  # the webhook answered 500: nothing recorded
    assert "not delivered to webhook (HTTP 500)" in capsys.readouterr().err
    assert not [e for e in registry.list_events() if e.kind == "lifecycle_alert"]

    assert main(["alerts"]) == 0  # sent again, now accepted
    [digest] = hook.bodies
    assert [(a["model_id"], a["what"]) for a in digest["alerts"]] == [
        ("gpt-going", "retires-in-30")
    ]
    assert digest["alerts"][0]["successor"] == "gpt-next"
    assert "gpt-going" in slack.bodies[-1]["text"] and "gpt-next" in slack.bodies[-1]["text"]
    events = [e for e in registry.list_events() if e.kind == "lifecycle_alert"]
    assert len(events) == 1

    capsys.readouterr()
    assert main(["alerts"]) == 0  # the same crossing is not sent twice
    assert "no new lifecycle alerts" in capsys.readouterr().out
    assert len(hook.bodies) == 1


def test_due_alerts_thresholds_and_moved_dates() -> None:
    today = date(2026, 1, 1)

    def rec(days: int) -> ModelRecord:
        return ModelRecord(
            "openai", f"m{days}", retirement_date=today + timedelta(days=days), used_by=("t",)
        )

    alerts = due_alerts([rec(91), rec(90), rec(61), rec(60), rec(8), rec(7), rec(0)], today, [])
    assert [(a.model_id, a.what) for a in alerts] == [
        ("m0", "retired"),
        ("m7", "retires-in-7"),
        ("m8", "retires-in-30"),
        ("m60", "retires-in-60"),
        ("m61", "retires-in-90"),
        ("m90", "retires-in-90"),
    ]
    first = due_alerts([rec(20)], today, [])
    assert due_alerts([rec(20)], today, [first[0].event_key]) == []
    moved = rec(20).replace(retirement_date=today + timedelta(days=25))
    assert due_alerts([moved], today, [first[0].event_key])  # a new date is a new crossing
    nobody = ModelRecord("openai", "x", retirement_date=today + timedelta(days=5))
    assert due_alerts([nobody], today, []) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/services/T000/B000/SECRETPATH",  # plain http to a public host
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "https://10.0.0.7/hook",  # a private address
        "file:///etc/passwd",
    ],
)
def test_alerts_refuse_a_webhook_url_a_key_may_not_go_to(
    registry: SQLiteStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
) -> None:
    monkeypatch.setenv("REGISTRY_SLACK_WEBHOOK", url)
    assert main(["alerts"]) == 2
    err = capsys.readouterr().err
    assert "REGISTRY_SLACK_WEBHOOK" in err
    assert "SECRETPATH" not in err and "meta-data" not in err  # the path is never shown
    assert not [e for e in registry.list_events() if e.kind == "lifecycle_alert"]
