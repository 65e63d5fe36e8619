"""The fast paths of issue 16 give what the slow ones gave (no timings here: bench/scale.py)."""

from __future__ import annotations

import dataclasses
import json
import math
from datetime import UTC, date, datetime, timedelta

import pytest

from registry_core import jsonsafe
from registry_core.catalog import load_catalog
from registry_core.ids import checked_id, clean_id, id_problem
from registry_core.merge import MergePolicy, _stable_meta, merge_listing
from registry_core.providers.base import Credential, DiscoveredModel, evolve
from registry_core.providers.discovery import _may_hold, without_credential
from registry_core.records import ModelRecord

NOW = datetime(2025, 6, 1, tzinfo=UTC)


# --- ids -----------------------------------------------------------------------------------


def _slow_clean(text: str) -> str:
    import unicodedata

    from registry_core.ids import _ZERO_WIDTH, MAX_ID_LENGTH

    if len(text) > MAX_ID_LENGTH * 4:
        return text
    return unicodedata.normalize("NFC", _ZERO_WIDTH.sub("", text).strip())


@pytest.mark.parametrize(
    "text",
    [
        "gpt-4o",
        "  gpt-4o  ",
        "gpt\u200b-4o",
        " a b ",
        "",
        " ",
        "x" * 300,
        " " + "y" * 1030,
        "gpt\t4o",
        "café",
        "cafe\u0301",
        "gpt\u202e-4o",
        "a\nb",
    ],
)
def test_clean_id_and_id_problem_fast_path_match_the_rule(text: str) -> None:
    assert clean_id(text) == _slow_clean(text)
    cleaned = clean_id(text)
    assert checked_id(text) == (
        (None, id_problem(cleaned)) if id_problem(cleaned) else (cleaned, None)
    )


def test_id_problem_still_refuses_control_characters() -> None:
    assert id_problem("a\tb") is not None
    assert id_problem("a\x00b") is not None
    assert id_problem("gpt-4o") is None


# --- copies ----------------------------------------------------------------------------------


def test_evolve_equals_dataclasses_replace() -> None:
    model = DiscoveredModel("openai", "gpt-4o", max_tokens=5, raw={"id": "gpt-4o"})
    for changes in ({}, {"max_tokens": 9}, {"verification": {"outcome": "ok"}, "model_name": "x"}):
        assert evolve(model, **changes) == dataclasses.replace(model, **changes)
    with pytest.raises(TypeError):
        evolve(model, nope=1)


def test_record_replace_equals_dataclasses_replace() -> None:
    record = ModelRecord("openai", "gpt-4o", cost_per_1k=0.1, metadata={"a": 1})
    for changes in (
        {},
        {"available": True, "last_verified": NOW},
        {"model_id": " gpt-4o\u200b "},  # an id change still goes through __post_init__
    ):
        assert record.replace(**changes) == dataclasses.replace(record, **changes)
    assert record.replace(model_id=" gpt-4o\u200b ").model_id == "gpt-4o"
    with pytest.raises(TypeError):
        record.replace(nope=1)


# --- JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ['{"a": 1.5, "b": [1, 2]}', '{"x": 1e400}', '{"x": NaN, "y": -Infinity}', "[0.1]"]
)
def test_loads_keeps_non_finite_numbers_as_text(text: str) -> None:
    def keep(t: str) -> object:
        n = float(t)
        return n if math.isfinite(n) else t

    expected = json.loads(text, parse_float=keep, parse_constant=lambda t: t)
    assert jsonsafe.loads(text) == expected


def test_to_dict_is_the_same_as_before() -> None:
    record = ModelRecord(
        "openai",
        "gpt-4o",
        features=("chat",),
        release_date=date(2024, 5, 1),
        last_verified=NOW,
        metadata={"facts": {"x": float("inf")}, "raw": {"id": "gpt-4o"}},
    )
    out = record.to_dict()
    assert out["metadata"] == {"facts": {"x": "inf"}, "raw": {"id": "gpt-4o"}}
    from registry_core.records import FIELD_NAMES

    assert list(out) == list(FIELD_NAMES)  # the same keys in the same order as before
    plain = ModelRecord("openai", "o3", metadata={"a": [1, 2]})
    assert plain.to_dict()["metadata"] == {"a": [1, 2]}


# --- the scrub check -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model,secret,expected",
    [
        (DiscoveredModel("openai", "m", raw={"id": "m"}), "sk-secret-123", False),
        (DiscoveredModel("openai", "m", raw={"echo": "SK-SECRET-123"}), "sk-secret-123", True),
        (DiscoveredModel("openai", "m", raw={"sk-secret-123": 1}), "sk-secret-123", True),
        (DiscoveredModel("openai", "m", features=("sk-secret-123",)), "sk-secret-123", True),
        (DiscoveredModel("openai", "m", model_name="x sk-secret-123"), "sk-secret-123", True),
        (DiscoveredModel("openai", "m", raw={"id": "m"}), 'has"quote', True),  # undecidable
        (DiscoveredModel("openai", "m", raw={"id": "m"}), "abc", False),  # too short to scrub
    ],
)
def test_may_hold(model: DiscoveredModel, secret: str, expected: bool) -> None:
    assert _may_hold([model], secret) is expected


def test_without_credential_still_scrubs_an_echoed_key() -> None:
    from registry_core.providers._common import Context

    cred = Credential("openai", "default", "sk-secret-123", None)
    ctx = Context(http=None, credential=cred, base_url="")  # type: ignore[arg-type]
    clean = DiscoveredModel("openai", "a", raw={"id": "a"})
    echo = DiscoveredModel("openai", "b", raw={"note": "key sk-secret-123"})
    assert without_credential([clean], cred, ctx) == [clean]
    out = without_credential([clean, echo], cred, ctx)
    assert "sk-secret-123" not in json.dumps([m.raw for m in out])


# --- the merge ------------------------------------------------------------------------------


def _listing(n: int) -> list[DiscoveredModel]:
    return [
        DiscoveredModel(
            "openai",
            f"m-{i}",
            model_name=f"M {i}",
            max_tokens=1000 + i,
            cost_per_1k=0.001 * (i % 3) or None,
            features=("chat",),
            raw={"id": f"m-{i}"},
            provenance={"Max Tokens": "provider"},
            facts={"kind": "chat"} if i % 2 else {},
        )
        for i in range(n)
    ]


def _plan_key(plan: object) -> str:
    return json.dumps(
        [(r.key, dict(r.set), dict(r.expect), r.create) for r in plan.rows],  # type: ignore[attr-defined]
        sort_keys=True,
        default=str,
    )


def _cases() -> list[tuple[str, list[DiscoveredModel], list[ModelRecord], MergePolicy]]:
    first = merge_listing("openai", _listing(6), [], now=NOW - timedelta(days=2)).records
    edited = [
        r.replace(notes="mine")
        if i == 0
        else r.replace(max_tokens=7)
        if i == 1
        # a person's edit of a filled value
        else r.replace(metadata={**r.meta, "facts": (1, 2)})
        if i == 2
        # tuple vs list
        else r
        for i, r in enumerate(first)
    ]
    listing = _listing(6)
    changed = [evolve(m, max_tokens=99) if m.model_id == "m-3" else m for m in listing[:5]]
    policies = [MergePolicy(), MergePolicy(touch_after_s=10 * 86400.0)]
    return [
        (name, disc, existing, policy)
        for name, disc, existing in (
            ("empty", listing, []),
            ("same", listing, first),
            ("edited", listing, edited),
            ("changed and one missing", changed, first),
        )
        for policy in policies
    ]


@pytest.mark.parametrize("case", range(8))
def test_merge_plan_is_what_the_json_comparison_gave(
    case: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import registry_core.merge as merge

    name, disc, existing, policy = _cases()[case]
    fast = merge_listing("openai", disc, existing, now=NOW, run_id="r", policy=policy)
    monkeypatch.setattr(
        merge, "_meta_changed", lambda old, new: _stable_meta(old) != _stable_meta(new)
    )
    slow = merge_listing("openai", disc, existing, now=NOW, run_id="r", policy=policy)
    assert _plan_key(fast.plan) == _plan_key(slow.plan), name
    assert [e.event_key for e in fast.events] == [e.event_key for e in slow.events]
    assert fast.records == slow.records


# --- catalog matching ----------------------------------------------------------------------


def test_snapshot_search_by_prefix_matches_the_scan() -> None:
    from registry_core.catalog import _SNAPSHOT_SUFFIXES

    catalog = load_catalog()
    for cid in ("openai", "anthropic", "google", "mistral"):
        index = catalog._index(cid)
        for stem in ("gpt-4o", "claude-3-5-sonnet", "gemini-1.5-pro", "mistral-large", "o1", "x"):
            scan = [
                index.entries[c]
                for low, c in index.by_lower.items()
                if low.startswith(stem + "-")
                and any(p.fullmatch(low[len(stem) :]) for p in _SNAPSHOT_SUFFIXES)
            ]
            fast = catalog._snapshots(index, stem)
            assert sorted(e.model_id for e in fast) == sorted(e.model_id for e in scan)


# --- seeding with progress ------------------------------------------------------------------


def test_seed_reports_progress_to_the_end(tmp_path: object) -> None:
    from pathlib import Path

    from registry_core.seed import SeedProgress, seed_if_empty
    from registry_core.stores.sqlite import SQLiteStore

    store = SQLiteStore(Path(str(tmp_path)) / "r.db")
    seen: list[SeedProgress] = []
    result = seed_if_empty(store, ["openai", "anthropic", "nope"], progress=seen.append)
    assert seen[0].stage == "started" and seen[0].done == 0
    assert seen[-1].stage == "finished" and seen[-1].done == result.rows == seen[-1].total
    assert [p.provider_id for p in seen if p.stage == "provider"] == ["openai", "anthropic"]
    assert [p.done for p in seen] == sorted(p.done for p in seen)


def test_a_broken_progress_callback_does_not_break_seeding(tmp_path: object) -> None:
    from pathlib import Path

    from registry_core.seed import seed_if_empty
    from registry_core.stores.sqlite import SQLiteStore

    def broken(_: object) -> None:
        raise RuntimeError("display gone")

    store = SQLiteStore(Path(str(tmp_path)) / "r.db")
    assert seed_if_empty(store, ["openai"], progress=broken).rows > 0


def test_service_ensure_seeded_passes_progress(tmp_path: object) -> None:
    from pathlib import Path

    from registry_core.config import Settings
    from registry_core.service import ModelRegistryService
    from registry_core.stores.sqlite import SQLiteStore

    data = Path(str(tmp_path))
    settings = Settings(
        data_dir=data, db_path=data / "r.db", snapshot_path=data / "s.json", providers=("openai",)
    )
    service = ModelRegistryService.from_settings(settings, store=SQLiteStore(data / "r.db"))
    seen: list[object] = []
    rows = service.ensure_seeded(progress=seen.append)
    assert rows > 0 and seen and seen[-1].done == rows  # type: ignore[attr-defined]
