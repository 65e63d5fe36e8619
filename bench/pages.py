"""Every page: a warm rerun after a filter change vs a bare page drawing the same tables and charts.

Ours: the whole app (``app.py``: page config, navigation, URL-bound sidebar, version check; then
the page itself: cached reads, frames, charts) on an SQLite registry of :data:`MODELS` models with
a history (an ``added`` event per model, some withdrawn, discovery runs over 60 days). Each timed
run follows a filter change: the sidebar's Provider filter flips between all providers and one
(pages without it, such as Discover and Status once filters only show where they apply, rerun
as they are). Both filter states are run once before timing, so every run is warm.

Baseline: a bare page that makes exactly the ``st.dataframe`` / ``st.data_editor`` /
``st.altair_chart`` calls the page made in that run, with the very same objects (the same
cached data, already built) and arguments, and nothing else. The calls are recorded by wrapping
those three Streamlit functions while ours runs.

Both run through Streamlit's ``AppTest`` in this process, alternating, with one script cache
shared across runs as a server compiles each page once. Target: ours <= 1.5x the baseline
(median of runs) for every page. The last line is one JSON object for the worst page.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# this file is bench/pages.py: with bench/ on the path, ``import pages`` (the dashboard's
# package) would find this script instead
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

MODELS = 2_000
RUNS = 9
TARGET = 1.5
#: url path -> (file, query parameters)
PAGES: dict[str, tuple[str, dict[str, str]]] = {
    "browse": ("pages/browse.py", {}),
    "model": ("pages/model.py", {"model": "openai/model-00000"}),
    "discover": ("pages/discover.py", {}),
    "history": ("pages/history.py", {}),
    "deprecations": ("pages/deprecations.py", {}),
    "costs": ("pages/costs.py", {}),
    "status": ("pages/status.py", {}),
}
RECORDED = ("dataframe", "data_editor", "altair_chart")


class Recorder:
    """Wraps ``st.dataframe`` / ``st.data_editor`` / ``st.altair_chart`` to note each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.on = False

    def install(self) -> None:
        import streamlit as st

        for name in RECORDED:
            original = getattr(st, name)
            setattr(st, name, self._wrap(name, original))

    def _wrap(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if self.on:
                self.calls.append((name, args, dict(kwargs)))
            return original(*args, **kwargs)

        return recorded


def history_for(records: list[Any]) -> tuple[list[Any], list[Any]]:
    """An ``added`` event per model over 60 days, every 10th withdrawn later; runs per provider."""
    from registry_core.events import DiscoveryRun, HistoryEvent, make_event_key

    now = datetime.now(UTC)
    events, runs = [], []
    for i, r in enumerate(records):
        at = now - timedelta(days=60 - (i % 50))
        events.append(
            HistoryEvent(
                make_event_key(r.provider_id, r.model_id, "added"),
                r.provider_id,
                r.model_id,
                "added",
                at,
                source="discovery",
            )
        )
        if i % 10 == 0:
            events.append(
                HistoryEvent(
                    make_event_key(r.provider_id, r.model_id, "unavailable", "x"),
                    r.provider_id,
                    r.model_id,
                    "unavailable",
                    at + timedelta(days=5),
                    source="discovery",
                )
            )
    providers = sorted({r.provider_id for r in records})
    for day in range(60):
        for p in providers:
            runs.append(
                DiscoveryRun(
                    f"run-{p}-{day}",
                    p,
                    "schedule",
                    now - timedelta(days=60 - day, minutes=providers.index(p)),
                    duration_s=0.4,
                    models_seen=200,
                    added=day % 7,
                    removed=day % 11 == 0,
                    credential=f"{p}/default",
                )
            )
    return events, runs


def timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    logging.disable(logging.WARNING)
    data = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    os.environ["REGISTRY_DATA_DIR"] = str(data)
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_browse_page", ROOT / "bench" / "browse_page.py"
    )
    assert spec is not None and spec.loader is not None
    browse_page = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(browse_page)
    PROVIDERS, synthetic_records = browse_page.PROVIDERS, browse_page.synthetic_records

    os.environ["REGISTRY_PROVIDERS"] = ",".join(PROVIDERS)

    import streamlit.testing.v1.app_test as app_test
    import streamlit.testing.v1.local_script_runner as local_script_runner
    from streamlit.testing.v1 import AppTest

    shared_cache = app_test.ScriptCache()
    # both the pages manager (app_test) and each run's script runner (local_script_runner) make
    # their own cache; without the second, every run recompiled app.py and the page
    app_test.ScriptCache = lambda: shared_cache  # type: ignore[assignment,misc]
    local_script_runner.ScriptCache = lambda: shared_cache  # type: ignore[assignment,misc]

    from registry_core.filters import PARAM_PROVIDER
    from registry_core.stores.sqlite import SQLiteStore

    store = SQLiteStore(data / "registry.db")
    records = synthetic_records(MODELS)
    store.upsert_models(records)
    events, runs = history_for(records)
    store.append_events(events)
    for run in runs:
        store.record_run(run)
    store.bump_version()
    store.close()

    recorder = Recorder()
    recorder.install()
    holder = type(sys)("bench_pages_calls")
    holder.CALLS = []  # type: ignore[attr-defined]
    sys.modules["bench_pages_calls"] = holder
    bare = AppTest.from_string(
        "import streamlit as st\nimport bench_pages_calls\n"
        "for name, args, kwargs in bench_pages_calls.CALLS:\n"
        "    getattr(st, name)(*args, **kwargs)\n",
        default_timeout=120,
    )

    states: list[list[str]] = [[], ["openai"]]
    results: dict[str, dict[str, Any]] = {}
    for name, (path, query) in PAGES.items():
        ours = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for key, value in query.items():
            ours.query_params[key] = value
        ours.run()
        ours.switch_page(path).run()
        assert not ours.exception, (name, [e.value for e in ours.exception])

        def flip(state: list[str], ours: AppTest = ours) -> bool:
            widgets = [w for w in ours.multiselect if w.key == PARAM_PROVIDER]
            if widgets:
                widgets[0].set_value(state)
            return bool(widgets)

        filtered = False
        recordings: list[list[Any]] = []
        for state in states:  # warm both states, and record what each draws
            filtered = flip(state)
            recorder.calls, recorder.on = [], True
            ours.run()
            recorder.on = False
            assert not ours.exception, (name, [e.value for e in ours.exception])
            recordings.append(list(recorder.calls))
        for calls in recordings:
            holder.CALLS = calls  # type: ignore[attr-defined]
            bare.run()
            assert not bare.exception, (name, [e.value for e in bare.exception])

        ours_times: list[float] = []
        bare_times: list[float] = []
        for i in range(RUNS):
            index = i % 2
            flip(states[index])
            ours_times.append(timed(ours.run))
            holder.CALLS = recordings[index]  # type: ignore[attr-defined]
            bare_times.append(timed(bare.run))
        assert not ours.exception, (name, [e.value for e in ours.exception])
        ours_s = statistics.median(ours_times)
        bare_s = statistics.median(bare_times)
        results[name] = {
            "ours": ours_s,
            "baseline": bare_s,
            "ratio": ours_s / bare_s,
            "drawn": sorted({c[0] for c in recordings[0]}),
            "elements": len(recordings[0]),
            "filter": "provider" if filtered else "none on this page (plain rerun)",
        }

    print(
        f"models: {MODELS:,}; history events: {len(events):,}; runs: {len(runs):,}; "
        f"{RUNS} timed reruns per page, alternating with the bare page; medians"
    )
    print(f"{'page':<14}{'ours ms':>9}{'bare ms':>9}{'ratio':>8}  drawn (filter changed)")
    for name, r in results.items():
        print(
            f"{name:<14}{r['ours'] * 1000:>9.1f}{r['baseline'] * 1000:>9.1f}{r['ratio']:>7.2f}x"
            f"  {r['elements']} × {'/'.join(r['drawn'])} ({r['filter']})"
        )
    worst_name, worst = max(results.items(), key=lambda kv: kv[1]["ratio"])
    print(f"worst: {worst_name} {worst['ratio']:.2f}x (target <= {TARGET}x for every page)")
    print(
        json.dumps(
            {
                "bench": "pages",
                "page": worst_name,
                "ours": round(worst["ours"], 4),
                "baseline": round(worst["baseline"], 4),
                "ratio": round(worst["ratio"], 3),
                "target": f"<= {TARGET}x for every page",
                "met": all(r["ratio"] <= TARGET for r in results.values()),
            }
        )
    )


if __name__ == "__main__":
    main()
