"""``models --json`` at scale: what it imports, what it reads and writes, what it prints.

Timings are bench/cli_models.py's; these check the lean path gives what the old one gave.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from registry_core import jsonsafe
from registry_core.cli.terminal import json_rows, json_text
from registry_core.records import ModelRecord
from registry_core.seed import seed_if_empty
from registry_core.snapshot import SnapshotFile
from registry_core.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 6, 1, tzinfo=UTC)

HEAVY = (
    "httpx",
    "pyairtable",
    "pandas",
    "pyarrow",
    "streamlit",
    "altair",
    "litellm",
    "psycopg",
    "registry_core.providers._registry",
    "registry_core.http",
)


def test_models_json_imports_no_heavy_module(tmp_path: Path) -> None:
    assert seed_if_empty(SQLiteStore(tmp_path / "registry.db"), ["deepseek"]).rows > 0
    script = (
        "import sys, io, contextlib\n"
        "from registry_core.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['models', '--json'])\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(code, ','.join(heavy))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "REGISTRY_DATA_DIR": str(tmp_path),
        "REGISTRY_PROVIDERS": "deepseek",
    }
    for key in ("REGISTRY_DATABASE_URL", "AIRTABLE_API_KEY", "AIRTABLE_BASE_ID"):
        env.pop(key, None)
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-800:]
    code, _, heavy = proc.stdout.strip().partition(" ")
    assert code == "0"
    assert heavy == "", f"models --json imported {heavy}"


def test_the_provider_table_names_every_adapter() -> None:
    # REGISTRY_PROVIDERS is checked against the table (no adapter imports): the same ids
    from registry_core.provider_table import PROVIDER_TABLE
    from registry_core.providers._registry import MODULES

    assert list(PROVIDER_TABLE) == list(MODULES)


def test_other_commands_are_still_registered() -> None:
    from registry_core.cli import build_parser

    parser = build_parser([])
    text = parser.format_help()
    for command in ("models", "discover", "setup-airtable", "refresh"):
        assert command in text
    # `models` alone needs only its own parser
    assert "setup-airtable" not in build_parser(["-v", "models", "--json"]).format_help()


def test_json_rows_is_the_json_of_json_text_one_row_per_line() -> None:
    rows = [
        {"a": "x\x9by\x1b", "b": [1, {"c": None}], "d": "ü"},
        {"a": "two"},
    ]
    text = json_rows(rows)
    assert json.loads(text) == json.loads(json_text(rows)) == rows
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 4
    assert "\x9b" not in text and "\\u009b" in text and "\\u001b" in text
    assert json_rows([]) == "[]"
    with pytest.raises(ValueError):
        json_rows([{"x": float("nan")}])


def _old_loads(content: bytes | str) -> Any:
    """jsonsafe.loads as it was: C parse, a strictness check, a second parse with hooks."""
    if jsonsafe.nesting_depth(content) > jsonsafe.MAX_DEPTH:
        raise jsonsafe.TooDeepError("too deep")
    value = json.loads(content)
    try:
        json.dumps(value, allow_nan=False)
        return value
    except ValueError:
        return json.loads(content, parse_float=jsonsafe._keep_float, parse_constant=lambda t: t)


@pytest.mark.parametrize(
    "content",
    [
        '{"a": 1.5, "b": [1, 2e10, -0.0], "c": 10, "d": 1e-400}',
        '{"x": 1e400, "y": -1E+999, "z": NaN, "w": [Infinity, -Infinity]}',
        b'{"k": 1E+999, "s": "\\u00fc"}',
        '"' + "[" * 200 + '"',  # brackets in a string are not nesting
        "[" * 64 + "]" * 64,
        "3",
    ],
)
def test_loads_gives_what_it_gave(content: bytes | str) -> None:
    assert jsonsafe.loads(content) == _old_loads(content)


def test_loads_still_refuses_deep_nesting_and_bad_json() -> None:
    with pytest.raises(jsonsafe.TooDeepError):
        jsonsafe.loads("[" * 65 + "]" * 65)
    with pytest.raises(ValueError):
        jsonsafe.loads("{" * 10)
    with pytest.raises(ValueError):
        jsonsafe.loads("")


def test_to_dict_keeps_every_cell_kind() -> None:
    record = ModelRecord(
        "openai",
        "gpt-4o",
        features=("chat", "vision"),
        used_by=("team-a",),
        release_date=date(2024, 5, 1),
        last_verified=NOW,
        cost_per_1k=0.5,
        max_tokens=128000,
        available=True,
        metadata="kept as text",
    )
    out = record.to_dict()
    assert out["features"] == ["chat", "vision"] and out["used_by"] == ["team-a"]
    assert out["release_date"] == "2024-05-01"
    assert out["last_verified"] == "2025-06-01T00:00:00.000Z"
    assert out["metadata"] == "kept as text"
    assert (out["cost_per_1k"], out["max_tokens"], out["available"]) == (0.5, 128000, True)
    json.dumps(out, allow_nan=False)


class _CountingStore(SQLiteStore):
    reads = 0

    def list_models(self, provider_id: str | None = None) -> Any:
        type(self).reads += 1
        return super().list_models(provider_id)


def test_the_seed_check_probes_instead_of_reading_every_row(tmp_path: Path) -> None:
    store = _CountingStore(tmp_path / "r.db")
    # a row the parser rejects still makes the registry "not empty": a person put it there
    store.put_raw_rows([{"Provider ID": "openai", "Model ID": "", "Notes": "typed by hand"}])
    result = seed_if_empty(store, ["deepseek"])
    assert not result.seeded and result.skipped
    assert _CountingStore.reads == 0
    empty = SQLiteStore(tmp_path / "empty.db")
    assert not empty.has_rows()
    assert seed_if_empty(empty, ["deepseek"]).rows > 0 and empty.has_rows()


def _records(n: int, notes: str | None = None) -> list[ModelRecord]:
    return [ModelRecord("openai", f"m-{i}", last_verified=NOW, notes=notes) for i in range(n)]


def _stamp(path: Path) -> tuple[int, int]:
    info = os.stat(path)
    return (info.st_ino, info.st_mtime_ns)


def test_a_snapshot_that_holds_the_same_rows_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    assert SnapshotFile(path).save("openai", _records(3), version="sqlite:7")
    before = _stamp(path)
    # a new process (a new SnapshotFile) reads only the index at the head, not the records
    fresh = SnapshotFile(path)
    fresh._parse = lambda: pytest.fail("the whole file was parsed")  # type: ignore[method-assign]
    assert fresh.save("openai", _records(3), version="sqlite:7")
    assert _stamp(path) == before
    # other rows at the same version (a cell edited where the marker does not move), another
    # version, or an empty marker (the version check failed): written
    assert SnapshotFile(path).save("openai", _records(3, notes="keep"), version="sqlite:7")
    assert SnapshotFile(path).load("openai").records[0].notes == "keep"  # type: ignore[union-attr]
    assert SnapshotFile(path).save("openai", _records(3, notes="keep"), version="sqlite:8")
    assert SnapshotFile(path).load("openai").version == "sqlite:8"  # type: ignore[union-attr]
    assert SnapshotFile(path).save("openai", _records(3, notes="keep"), version="")
    assert SnapshotFile(path).load("openai").version == ""  # type: ignore[union-attr]


def test_a_snapshot_without_an_index_is_read_and_checked_in_full(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    rows = [r.to_dict() for r in _records(2)]
    entry = {"saved_at": "2025-06-01T00:00:00.000Z", "version": "v1", "records": rows}
    path.write_text(json.dumps({"format": 1, "providers": {"openai": entry}}, sort_keys=True))
    before = _stamp(path)
    snap = SnapshotFile(path)
    assert [r.model_id for r in snap.load("openai").records] == ["m-0", "m-1"]  # type: ignore[union-attr]
    assert snap.save("openai", _records(2), version="v1")
    assert _stamp(path) == before  # the same version and rows: left alone
    assert snap.save("anthropic", [ModelRecord("anthropic", "c")], version="v1")
    assert path.read_bytes().startswith(b'{"format": 1, "index": ')
    both = SnapshotFile(path)
    assert both.providers() == ["anthropic", "openai"]
    assert [r.model_id for r in both.load("openai").records] == ["m-0", "m-1"]  # type: ignore[union-attr]
    assert both._indexed("openai") is not None


def test_the_snapshot_text_is_what_json_dumps_wrote() -> None:
    from registry_core.snapshot import _payload

    providers: dict[str, Any] = {
        "b": {"version": "v", "saved_at": "x", "records": [{"z": 1, "a": "ü"}]},
        "a": {"records": [], "version": "", "saved_at": "y"},
        "c": {"version": "q"},
        "e": {"alpha": 1, "records": []},
    }
    text = _payload(providers, {})
    data = json.loads(text)
    assert data["format"] == 1 and set(data["index"]) == {"a", "b", "c", "e"}
    marker = ', "providers": '
    body = text[text.index(marker) + len(marker) : -1]
    assert body == json.dumps(providers, sort_keys=True, ensure_ascii=False)
