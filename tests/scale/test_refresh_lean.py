"""Refresh fast paths of issue 16 (second pass) give what the slow paths gave."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from registry_core.cells import format_datetime
from registry_core.records import ModelRecord
from registry_core.snapshot import FORMAT, SnapshotFile

NOW = datetime(2025, 6, 1, tzinfo=UTC)
LATER = datetime(2025, 6, 2, tzinfo=UTC)


# --- snapshot: only changed records are encoded; the file is what json.dumps wrote ----------


def _records(provider: str, changed: int = -1) -> list[ModelRecord]:
    out = [
        ModelRecord(provider, "gpt-4o", model_name="GPT-4o", available=True, last_verified=NOW),
        ModelRecord(
            provider,
            "café-ü",
            cost_per_1k=0.0025,
            features=("chat", "vision"),
            release_date=date(2024, 5, 13),
            metadata={"raw": {"id": "café-ü", "n": 1, "f": 1.5}, "provenance": {"Status": "x"}},
        ),
        ModelRecord(provider, "text-embed", metadata="not json {", used_by=("a", "b")),
        ModelRecord(provider, "empty"),
    ]
    if changed >= 0:
        out[changed] = out[changed].replace(notes=f"changed {changed}", status="Deprecated")
    return out


def _expected(providers: dict[str, tuple[list[ModelRecord], datetime, str]]) -> str:
    """The file as the previous ``save`` wrote it: one json.dumps of the whole document."""
    doc = {
        pid: {
            "saved_at": format_datetime(at),
            "version": version,
            "records": [r.to_dict() for r in records],
        }
        for pid, (records, at, version) in providers.items()
    }
    return json.dumps(
        {"format": FORMAT, "providers": doc}, ensure_ascii=False, sort_keys=True, allow_nan=False
    )


def test_snapshot_save_writes_the_same_text_as_one_dumps(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    snap = SnapshotFile(path)
    state: dict[str, tuple[list[ModelRecord], datetime, str]] = {}
    steps = [
        ("openai", _records("openai"), NOW, "v1"),
        ("anthropic", _records("anthropic"), NOW, "v1"),
        ("openai", _records("openai"), LATER, "v2"),  # nothing changed
        ("openai", _records("openai", changed=1), LATER, "v3"),  # one changed
        ("openai", _records("openai", changed=2)[1:], LATER, "v4"),  # one gone, one changed
        ("anthropic", [], LATER, "v5"),
        ("openai", [*_records("openai"), ModelRecord("openai", "new")], LATER, "v6"),
    ]
    for provider, records, at, version in steps:
        assert snap.save(provider, records, version=version, saved_at=at)
        state[provider] = (records, at, version)
        assert path.read_text(encoding="utf-8") == _expected(state)
        loaded = snap.load(provider)
        assert loaded is not None
        assert [r.model_id for r in loaded.records] == [r.model_id for r in records]


def test_snapshot_reencodes_a_record_that_changed_but_kept_its_id(tmp_path: Path) -> None:
    snap = SnapshotFile(tmp_path / "snapshot.json")
    first = ModelRecord("openai", "gpt-4o", notes="before")
    snap.save("openai", [first], version="v1", saved_at=NOW)
    snap.save("openai", [first.replace(notes="after")], version="v2", saved_at=NOW)
    loaded = snap.load("openai")
    assert loaded is not None and [r.notes for r in loaded.records] == ["after"]


def test_snapshot_save_encodes_only_the_records_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snap = SnapshotFile(tmp_path / "snapshot.json")
    snap.save("openai", _records("openai"), version="v1", saved_at=NOW)
    encoded: list[str] = []
    to_dict = ModelRecord.to_dict

    def counting(self: ModelRecord) -> dict[str, object]:
        encoded.append(self.model_id)
        return to_dict(self)

    monkeypatch.setattr(ModelRecord, "to_dict", counting)
    # fresh but equal records, as a refresh reads them back from the store
    snap.save("openai", _records("openai", changed=3), version="v2", saved_at=LATER)
    assert encoded == ["empty"]
