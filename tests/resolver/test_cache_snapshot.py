"""The memory tier's cache and keys, and the last-known-good snapshot file."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

from registry_core.cache import ResolutionCache, TTLCache, cache_key, credential_fingerprint
from registry_core.records import ModelRecord
from registry_core.snapshot import SnapshotFile


def test_ttl_cache_expires_and_is_bounded() -> None:
    now = [0.0]
    cache = TTLCache(ttl_s=10, max_entries=2, clock=lambda: now[0])
    assert isinstance(cache, ResolutionCache)
    cache.set("a", 1)
    cache.set("b", 2, ttl_s=100)
    assert cache.get("a") == 1  # a is now most recently used
    cache.set("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and len(cache) == 2
    now[0] = 20
    assert cache.get("a") is None and cache.get("c") is None
    cache.set("d", 4)
    cache.clear()
    assert cache.get("d") is None


def test_fingerprint_is_keyed_and_never_contains_the_secret() -> None:
    a = credential_fingerprint("sk-live-123", key_secret="one")
    assert "sk-live-123" not in a
    assert a == credential_fingerprint("sk-live-123", key_secret="one")
    assert a != credential_fingerprint("sk-live-123", key_secret="two")
    assert a != credential_fingerprint("sk-live-456", key_secret="one")
    # no configured secret: a per-process one, still stable within the process
    assert credential_fingerprint("k") == credential_fingerprint("k")
    assert credential_fingerprint(None) == "anonymous"


def test_cache_key_separates_credentials_base_urls_and_versions() -> None:
    fp1 = credential_fingerprint("sk-1", key_secret="s")
    fp2 = credential_fingerprint("sk-2", key_secret="s")
    keys = {
        cache_key("models", "openai", fingerprint=fp1, version="1"),
        cache_key("models", "openai", fingerprint=fp2, version="1"),
        cache_key("models", "openai", fingerprint=fp1, version="2"),
        cache_key("models", "openai", base_url="http://h/v1", fingerprint=fp1, version="1"),
        cache_key("models", "openai", credential_name="acme", fingerprint=fp1, version="1"),
    }
    assert len(keys) == 5
    assert all("sk-1" not in k for k in keys)


def test_snapshot_round_trip_keeps_other_providers(tmp_path: Path) -> None:
    snap = SnapshotFile(tmp_path / "sub" / "snapshot.json")
    at = datetime(2025, 6, 1, tzinfo=UTC)
    rec = ModelRecord(
        "openai",
        "gpt-4o",
        available=True,
        cost_per_1k=0.0025,
        scope="openai/acme",
        metadata={"provenance": {"Status": "manual"}},
    )
    assert snap.save("openai", [rec], version="7", saved_at=at)
    assert snap.save("anthropic", [ModelRecord("anthropic", "claude")], version="8")
    loaded = snap.load("openai")
    assert loaded is not None and loaded.version == "7" and loaded.saved_at == at
    assert loaded.records == (rec,)
    assert snap.providers() == ["anthropic", "openai"]
    assert not list((tmp_path / "sub").glob(".snapshot-*"))  # no temp files left behind


def test_snapshot_tolerates_missing_corrupt_and_foreign_files(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    snap = SnapshotFile(path)
    assert snap.load("openai") is None
    path.write_text('{"format": 1, "providers": {"openai": {"saved_at": "x", "rec')
    assert snap.load("openai") is None
    path.write_text(json.dumps({"format": 99, "providers": {}}))
    assert snap.load("openai") is None
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "providers": {
                    "openai": {
                        "saved_at": "2025-06-01T00:00:00.000Z",
                        "version": "1",
                        "records": [
                            {"provider_id": "openai", "model_id": "ok"},
                            {"model_id": ""},
                            "junk",
                        ],
                    }
                },
            }
        )
    )
    loaded = snap.load("openai")
    assert loaded is not None and [r.model_id for r in loaded.records] == ["ok"]


def test_snapshot_write_failure_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    snap = SnapshotFile(blocker / "snapshot.json")  # parent is a file: cannot write
    assert snap.save("openai", [ModelRecord("openai", "m")], version="1") is False


def test_concurrent_snapshot_saves_leave_a_valid_file(tmp_path: Path) -> None:
    snap = SnapshotFile(tmp_path / "snapshot.json")
    threads = [
        threading.Thread(
            target=snap.save,
            args=(f"p{i}", [ModelRecord(f"p{i}", "m")]),
            kwargs={"version": str(i)},
        )
        for i in range(20)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(snap.providers()) == 20
