"""A snapshot file that cannot be used is no snapshot: never an error, never an unbounded read.

It used to take every page down while the registry was healthy (the resolver saves a snapshot
after every good read, and saving reads the old file first): non-UTF-8 bytes raised
UnicodeDecodeError, deep nesting RecursionError, a long number ValueError; a path at an endless
file (``/dev/zero``) was read until memory ran out.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from registry_core.cli import main
from registry_core.config import Settings
from registry_core.records import ModelRecord
from registry_core.resolver import Resolver
from registry_core.snapshot import MAX_SNAPSHOT_BYTES, SnapshotFile
from registry_core.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime.now(UTC).replace(microsecond=0)

CORRUPT: dict[str, bytes] = {
    "non-utf8": b'{"format": 1, "providers": {"openai": \xff\xfe\x00}}',
    "nested": b"[" * 100_000 + b"]" * 100_000,
    "nested-object": b'{"format": 1, "providers": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001,
    "long-number": b'{"format": 1, "providers": {}, "n": ' + b"9" * 10_000 + b"}",
    "not-json": b"\x00\x00\x00\x00",
}
WHY = {
    "non-utf8": "not UTF-8",
    "nested": "nested too deeply",
    "nested-object": "nested too deeply",
    "long-number": "not valid JSON",
    "not-json": "not valid JSON",
}


def _good(path: Path) -> SnapshotFile:
    snap = SnapshotFile(path)
    assert snap.save("openai", [ModelRecord("openai", "gpt-4o")], version="v1", saved_at=NOW)
    return snap


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_a_corrupt_snapshot_is_no_snapshot_and_says_why(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "snapshot.json"
    path.write_bytes(CORRUPT[kind])
    snap = SnapshotFile(path)
    assert snap.load("openai") is None
    assert snap.providers() == []
    problem = snap.problem()
    assert problem is not None and WHY[kind] in problem and str(path) in problem
    # the next good read replaces it (saving used to raise here, failing the read it followed)
    assert snap.save("openai", [ModelRecord("openai", "gpt-4o")], version="v2") is True
    assert snap.problem() is None
    loaded = snap.load("openai")
    assert loaded is not None and [r.model_id for r in loaded.records] == ["gpt-4o"]


def test_foreign_shapes_are_no_snapshot_and_bad_rows_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    snap = SnapshotFile(path)
    for shape in ([1, 2], {"format": 2, "providers": {}}, {"format": 1, "providers": []}):
        path.write_text(json.dumps(shape))
        assert snap.load("openai") is None
        assert snap.problem() is not None, shape
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "providers": {
                    "openai": {
                        "saved_at": "2025-06-01T00:00:00Z",
                        "records": [
                            {"provider_id": "openai", "model_id": ["not", "a", "string"]},
                            {"provider_id": "openai", "model_id": "ok", "metadata": [[[[]]]]},
                            {"provider_id": "openai", "model_id": "also-ok", "features": 7},
                        ],
                    },
                    "anthropic": {"saved_at": 5, "records": "x"},
                },
            }
        )
    )
    loaded = snap.load("openai")
    assert loaded is not None
    assert {r.model_id for r in loaded.records} >= {"ok", "also-ok"}
    assert snap.load("anthropic") is None


def test_reads_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    snap = _good(path)
    size = path.stat().st_size
    capped = SnapshotFile(path, max_bytes=size - 1)
    assert capped.load("openai") is None
    problem = capped.problem()
    assert problem is not None and "larger than" in problem
    assert SnapshotFile(path, max_bytes=size).load("openai") is not None
    assert snap.load("openai") is not None  # the default cap
    assert MAX_SNAPSHOT_BYTES == 64 * 1024 * 1024
    assert "64 MiB" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_a_file_bigger_than_the_cap_is_not_read_at_all(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    with path.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(MAX_SNAPSHOT_BYTES + 1)
    snap = SnapshotFile(path)
    assert snap.load("openai") is None
    assert "larger than 64 MiB" in (snap.problem() or "")


def test_a_directory_is_neither_read_nor_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "snapshot.json"
    folder.mkdir()
    snap = SnapshotFile(folder)
    assert snap.load("openai") is None
    assert "not a regular file" in (snap.problem() or "")
    assert snap.save("openai", [ModelRecord("openai", "m")], version="1") is False
    assert folder.is_dir()


_CHILD = textwrap.dedent(
    """
    import os, resource, stat, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1 GiB: the old read hit 23 GB
    from registry_core.records import ModelRecord
    from registry_core.snapshot import SnapshotFile
    for path in sys.argv[1:]:
        snap = SnapshotFile(path)
        assert snap.load("openai") is None, path
        assert snap.providers() == [], path
        assert "not a regular file" in (snap.problem() or ""), path
        if stat.S_ISFIFO(os.stat(path).st_mode):  # never replace a device (as root: /dev/zero!)
            assert snap.save("openai", [ModelRecord("openai", "m")], version="1") is False
            assert stat.S_ISFIFO(os.stat(path).st_mode)
    print("ok")
    """
)


def test_endless_files_and_fifos_are_not_read(tmp_path: Path) -> None:
    """``/dev/zero`` and ``/dev/full`` never end; a FIFO with no writer blocks an open() forever.

    Run in a child process with a memory limit and a timeout, so the old unbounded read fails
    the test instead of exhausting the machine. Only the FIFO (in ``tmp_path``) is written to.
    """
    fifo = tmp_path / "snapshot.fifo"
    os.mkfifo(fifo)
    paths = [p for p in ("/dev/zero", "/dev/full") if Path(p).exists()] + [str(fifo)]
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *paths],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# --- through the resolver and the CLI: a healthy registry is served --------------------------


def _registry(tmp_path: Path) -> tuple[SQLiteStore, Settings]:
    settings = Settings(
        data_dir=tmp_path,
        db_path=tmp_path / "registry.db",
        snapshot_path=tmp_path / "snapshot.json",
        providers=("openai",),
        cache_key_secret="t",
    )
    store = SQLiteStore(settings.db_path)
    store.upsert_models([ModelRecord("openai", "gpt-4o", last_verified=NOW)])
    return store, settings


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_a_corrupt_snapshot_does_not_fail_a_healthy_registry_read(
    tmp_path: Path, kind: str
) -> None:
    store, settings = _registry(tmp_path)
    settings.snapshot_path.write_bytes(CORRUPT[kind])
    resolver = Resolver(store, settings=settings, catalog_records=lambda _p: [])
    answer = resolver.list_records()
    assert answer.tier == "registry"
    assert [r.model_id for r in answer.records] == ["gpt-4o"]
    # and it was replaced by a good snapshot of that read
    assert resolver.snapshot.problem() is None
    assert resolver.snapshot.load("openai") is not None
    store.close()


def test_cli_models_with_a_corrupt_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REGISTRY_PROVIDERS", "openai")
    (tmp_path / "snapshot.json").write_bytes(CORRUPT["non-utf8"])
    assert main(["models", "--provider", "openai", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {row["provider_id"] for row in rows} == {"openai"}
