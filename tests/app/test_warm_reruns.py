"""A warm rerun redraws what it built before: frames, charts and CSV are not rebuilt, and the
store's snapshot file is not read again, until the registry version or the inputs change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from registry_core import export, frames, history, snapshot


def _count(monkeypatch: pytest.MonkeyPatch, calls: Counter[str], module: Any, name: str) -> None:
    original: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)


def test_costs_rerun_reuses_frames_chart_and_csv(app, registry, monkeypatch) -> None:
    calls: Counter[str] = Counter()
    for name in ("cost_frame", "unit_price_frame", "cost_chart_frame"):
        _count(monkeypatch, calls, frames, name)
    _count(monkeypatch, calls, export, "records_to_csv")
    at = app("costs")
    first = dict(calls)
    assert first == {n: 1 for n in first} and len(first) == 4
    at.run()
    assert not at.exception
    assert dict(calls) == first  # nothing rebuilt
    at.slider(key="costs_top").set_value(5).run()  # an input changes: only the chart is rebuilt
    assert calls["cost_chart_frame"] == 2 and calls["cost_frame"] == 1


def test_history_rerun_reuses_series(app, registry, monkeypatch) -> None:
    calls: Counter[str] = Counter()
    for name in ("available_steps", "runs_per_bucket", "availability_intervals"):
        _count(monkeypatch, calls, history, name)
    _count(monkeypatch, calls, frames, "events_frame")
    at = app("history")
    first = dict(calls)
    at.run()
    assert not at.exception
    assert dict(calls) == first
    at.text_input(key="history_model").set_value("gpt").run()  # the log is rebuilt, not the charts
    assert calls["events_frame"] == first["events_frame"] + 1
    assert calls["runs_per_bucket"] == first["runs_per_bucket"]


def test_deprecations_rerun_reuses_assessments(app, registry, monkeypatch) -> None:
    calls: Counter[str] = Counter()
    for name in ("at_risk", "deprecated_now", "upcoming", "timeline_frame"):
        _count(monkeypatch, calls, frames, name)
    at = app("deprecations")
    first = dict(calls)
    assert len(first) == 4
    at.run()
    assert not at.exception
    assert dict(calls) == first


def test_status_rerun_does_not_reread_the_snapshot(app, registry, monkeypatch) -> None:
    calls: Counter[str] = Counter()
    _count(monkeypatch, calls, snapshot.SnapshotFile, "problem")
    at = app("status")
    assert calls["problem"] == 1
    at.run()
    assert calls["problem"] == 1
    at.button(key="status_recheck").click().run()  # "Check again" reads it now
    assert calls["problem"] >= 2


def test_model_rerun_reuses_its_frames(app, registry, monkeypatch) -> None:
    calls: Counter[str] = Counter()
    for name in ("provenance_rows", "events_frame"):
        _count(monkeypatch, calls, frames, name)
    at = app("model", query={"model": "openai/gpt-4o"})
    first = dict(calls)
    assert first.get("provenance_rows") == 1
    at.run()
    assert not at.exception
    assert dict(calls) == first
