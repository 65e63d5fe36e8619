"""SQLite health tells the truth about the file: writable only when a write can happen.

Tests run as root in CI, and root ignores file modes, so ``chmod`` proves nothing there. The
read-only cases use what binds root too: SQLite's read-only open mode (``mode=ro``) through the
store's connection factory, and the immutable attribute (``chattr +i``) where the filesystem has
it. Corruption is real bytes overwritten in the file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry_core.records import ModelRecord
from registry_core.stores.sqlite import SQLiteStore


def filled(path: Path, rows: int = 300) -> None:
    """A registry file with enough rows to span many pages, closed (WAL checkpointed)."""
    store = SQLiteStore(path)
    store.upsert_models([ModelRecord("openai", f"m-{i:04d}", notes="n" * 200) for i in range(rows)])
    store.close()


def read_only(path: Path, timeout_s: float) -> sqlite3.Connection:
    return sqlite3.connect(
        f"file:{path}?mode=ro", uri=True, timeout=timeout_s, isolation_level=None
    )


def test_a_healthy_file_is_writable_and_the_probe_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    filled(path)
    store = SQLiteStore(path)
    version = store.get_version()
    health = store.health()
    assert (health.reachable, health.writable, health.schema_ok) == (True, True, True)
    assert health.problems == [] and health.fix is None
    assert store.get_version() == version and len(store.list_models().records) == 300


def test_a_file_opened_read_only_is_reported_read_only(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    filled(path)
    store = SQLiteStore(path, connect=read_only)
    assert len(store.list_models().records) == 300  # reads still work
    health = store.health()
    assert health.reachable and health.schema_ok and not health.writable
    assert "read-only" in health.problems[0] and health.fix and "writable" in health.fix


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A registry file nobody may write, root included (``chattr +i``)."""
    path = tmp_path / "registry.db"
    filled(path)
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip(f"the filesystem has no immutable attribute: {made.stderr.decode()[:100]}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def test_an_immutable_file_is_not_called_writable(immutable: Path) -> None:
    store = SQLiteStore(immutable)  # opens: the file is readable and already migrated
    health = store.health()
    assert health.reachable and not health.writable
    assert "read-only" in health.problems[0]
    assert len(store.list_models().records) == 300


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes (see the mode=ro test)")
def test_a_chmod_read_only_file_is_not_called_writable(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    filled(path)
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        health = SQLiteStore(path).health()
        assert not health.writable
    finally:
        tmp_path.chmod(0o755)
        path.chmod(0o644)


def test_a_corrupted_file_is_reported_as_corrupted(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    filled(path)
    store = SQLiteStore(path)
    store.close()
    with path.open("r+b") as fh:  # the header stays; table pages are overwritten
        fh.seek(4096 * 2)
        fh.write(os.urandom(4096 * 3))
    health = store.health()
    assert not health.reachable and not health.writable and not health.schema_ok
    assert "corrupted" in health.problems[0] and health.fix and "backup" in health.fix


def test_a_file_that_is_not_a_database_is_reported_as_corrupted(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    filled(path)
    store = SQLiteStore(path)
    store.close()
    path.write_bytes(os.urandom(8192))
    health = store.health()
    assert not health.reachable and "corrupted" in health.problems[0]


def test_a_deleted_file_is_reported_gone_not_recreated(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    filled(path)
    store = SQLiteStore(path)
    store.close()
    for leftover in tmp_path.glob("registry.db*"):
        leftover.unlink()
    health = store.health()
    assert not health.reachable and "gone" in health.problems[0]
    assert not path.exists()


def test_health_never_raises_whatever_the_connection_does(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    filled(path)
    calls = {"n": 0}

    def flaky(p: Path, timeout_s: float) -> sqlite3.Connection:
        calls["n"] += 1
        if calls["n"] > 1:  # the store opened; the file became unreachable later
            raise OSError("input/output error")
        return sqlite3.connect(p, timeout=timeout_s, isolation_level=None)

    store = SQLiteStore(path, connect=flaky)
    health = store.health()
    assert not health.reachable and "input/output error" in health.problems[0]


def test_a_busy_file_answers_quickly_and_is_not_called_read_only(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    filled(path)
    store = SQLiteStore(path)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        health = store.health()
        assert time.monotonic() - started < 5.0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert health.reachable and health.writable and "busy" in health.problems[0]
