"""Refresh fast paths of issue 16 (second pass) give what the slow paths gave."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from registry_core.catalog import load_catalog
from registry_core.cells import format_datetime
from registry_core.merge import MergePolicy, MergeResult, SeenMemo, merge_listing
from registry_core.providers.base import DiscoveredModel, evolve
from registry_core.records import ModelRecord
from registry_core.snapshot import FORMAT

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


# --- merge: a row an equal listed item left untouched last time is left untouched again ----


def _listed(model_id: str, **changes: object) -> DiscoveredModel:
    base: dict[str, object] = {
        "model_name": model_id.upper(),
        "max_tokens": 8192,
        "raw": {"id": model_id, "owned_by": "openai"},
        "provenance": {},
    }
    base.update(changes)
    return DiscoveredModel("openai", model_id, **base)  # type: ignore[arg-type]


def _at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def _stamped(
    minutes: float, models: list[DiscoveredModel]
) -> tuple[datetime, list[DiscoveredModel]]:
    """A listing at ``minutes``: every item stamped with its own verification time."""
    at = _at(minutes)
    return at, [
        DiscoveredModel(**{**m.__dict__, "verification": {"outcome": "ok", "at": str(at)}})
        for m in models
    ]


LISTINGS: list[tuple[datetime, list[DiscoveredModel]]] = [
    _stamped(0, [_listed("a"), _listed("b"), _listed("c"), _listed("ft:x", raw={"id": "ft:x"})]),
    _stamped(1, [_listed("a"), _listed("b"), _listed("c")]),  # ft:x missing
    _stamped(2, [_listed("a"), _listed("b", max_tokens=4096), _listed("c")]),
    _stamped(
        3,
        [
            _listed("a"),
            _listed("b", max_tokens=4096),
            _listed("p", provenance={"Max Tokens": "manual"}),
        ],
    ),
    _stamped(
        4,
        [
            _listed("a", status_hint="deprecated"),
            _listed("c"),
            _listed("p", provenance={"Max Tokens": "manual"}),
        ],
    ),
    _stamped(
        5,
        [_listed("a", raw={"id": "a", "owned_by": "org-x"}), _listed("c", raw={"id": "c", "n": 2})],
    ),
    _stamped(
        6, [_listed("a", raw={"id": "a", "owned_by": "org-x"}), _listed("c", facts={"kind": "tts"})]
    ),
    _stamped(180, [_listed("a", status_hint="deprecated"), _listed("c")]),  # due a touch
    _stamped(181, [_listed("a", status_hint="deprecated"), _listed("c", cost_per_1k=0.5)]),
    _stamped(182, [_listed("a", status_hint="deprecated"), _listed("c", cost_per_1k=0.5)]),
]


def _plain(result: MergeResult) -> tuple[object, ...]:
    return (
        result.records,
        result.to_write,
        [(e.event_key, e.kind, e.detail) for e in result.events],
        result.diff,
        result.plan,
        result.warnings,
    )


@pytest.mark.parametrize(("label", "primary"), [("default", True), ("team", False)])
def test_merge_with_memo_gives_the_merge_without_it(
    label: str, primary: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from registry_core import merge

    calls: list[str] = []
    update_seen = merge._Merger.update_seen

    def counting(self: object, old: ModelRecord, model: DiscoveredModel) -> ModelRecord:
        calls.append(old.model_id)
        return update_seen(self, old, model)  # type: ignore[arg-type]

    monkeypatch.setattr(merge._Merger, "update_seen", counting)
    skipped = 0
    policy = MergePolicy(touch_after_s=3600.0, grace_listings=1, grace_period_s=0.0)
    memo = SeenMemo()
    plain_rows: list[ModelRecord] = []
    memo_rows: list[ModelRecord] = []
    for now, listing in LISTINGS:
        kwargs = {"now": now, "run_id": "r", "credential_name": label, "primary": primary}
        calls.clear()
        plain = merge_listing("openai", listing, plain_rows, policy=policy, **kwargs)  # type: ignore[arg-type]
        without = len(calls)
        # rows read back from the store are fresh objects: equal, not identical
        fresh = [r.replace() for r in memo_rows]
        memoed = merge_listing("openai", listing, fresh, policy=policy, memo=memo, **kwargs)  # type: ignore[arg-type]
        assert _plain(memoed) == _plain(plain)
        skipped += 2 * without - len(calls)
        plain_rows, memo_rows = plain.records, memoed.records
    assert skipped >= 5  # the memo was used, not only carried along


def test_merge_memo_skips_the_field_by_field_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from registry_core import merge

    memo = SeenMemo()
    policy = MergePolicy(touch_after_s=3600.0)
    listing = [_listed("a"), _listed("b")]
    first = merge_listing("openai", listing, [], now=NOW, memo=memo, policy=policy)
    calls: list[str] = []
    update_seen = merge._Merger.update_seen

    def counting(self: object, old: ModelRecord, model: DiscoveredModel) -> ModelRecord:
        calls.append(old.model_id)
        return update_seen(self, old, model)  # type: ignore[arg-type]

    monkeypatch.setattr(merge._Merger, "update_seen", counting)
    changed = [_listed("a"), _listed("b", max_tokens=1024)]
    third = merge_listing(
        "openai", changed, [r.replace() for r in first.records], now=NOW, memo=memo, policy=policy
    )
    assert calls == ["b"]
    assert [r.model_id for r in third.to_write] == ["b"]


# --- enrich: the same listed item, against the same catalog, is enriched once ---------------


ENRICH_ITEMS = [
    DiscoveredModel("openai", "gpt-4o"),
    DiscoveredModel("openai", "gpt-4o", max_tokens=100_000),
    DiscoveredModel(
        "openai", "gpt-4o-2024-08-06", alias_of="gpt-4o", provenance={"Alias Of": "provider"}
    ),
    DiscoveredModel("openai", "text-embedding-3-small", output_cost_per_1k=0.0),
    DiscoveredModel("openai", "ft:gpt-4o-mini:acme::abc", raw={"owned_by": "org-acme"}),
    DiscoveredModel("openai", "tts-1", features=("chat",), provenance={"Features": "inferred"}),
    DiscoveredModel(
        "openrouter", "x/free-model:free", cost_per_1k=0.0, raw={"pricing": {"image": "0.01"}}
    ),
    DiscoveredModel("anthropic", "claude-3-5-sonnet-20241022", status_hint="deprecated"),
    DiscoveredModel("ollama", "llama3:8b", raw={"details": {"parameter_size": "8B"}}),
    DiscoveredModel("openai", "no-such-model-xyz"),
]


@pytest.mark.parametrize("model", ENRICH_ITEMS, ids=lambda m: m.model_id)
def test_enrich_memo_gives_what_enriching_gives(model: DiscoveredModel) -> None:
    from registry_core import enrich as enrich_module

    catalog = load_catalog()
    enrich_module._MEMO.clear()
    fresh = enrich_module.enrich(model, catalog)
    again = enrich_module.enrich(evolve(model), catalog)  # equal, not identical
    assert again == fresh
    stamped = evolve(model, verification={"outcome": "ok", "at": "2025-06-01T00:00:00.000Z"})
    answer = enrich_module.enrich(stamped, catalog)
    enrich_module._MEMO.clear()
    assert answer == enrich_module.enrich(stamped, catalog)
    assert answer.verification is stamped.verification
    changed = evolve(model, max_output_tokens=123)
    enrich_module._MEMO.clear()
    expected = enrich_module.enrich(changed, catalog)
    enrich_module.enrich(model, catalog)
    assert enrich_module.enrich(changed, catalog) == expected


def test_enrich_memo_skips_the_catalog_for_an_item_seen_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from registry_core import enrich as enrich_module

    catalog = load_catalog()
    enrich_module._MEMO.clear()
    model = DiscoveredModel("openai", "gpt-4o", verification={"at": "1"})
    first = enrich_module.enrich(model, catalog)
    looked: list[str] = []
    find_entry = enrich_module.find_entry

    def counting(m: DiscoveredModel, c: object = None) -> object:
        looked.append(m.model_id)
        return find_entry(m, c)  # type: ignore[arg-type]

    monkeypatch.setattr(enrich_module, "find_entry", counting)
    second = enrich_module.enrich(evolve(model, verification={"at": "2"}), catalog)
    assert looked == []
    assert second == evolve(first, verification={"at": "2"})
    enrich_module.enrich(evolve(model, model_name="renamed"), catalog)
    assert looked == ["gpt-4o"]
