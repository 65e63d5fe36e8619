"""Browse page with 5,000 models and a warm cache vs a bare page rendering the same DataFrame.

Ours: the whole app (app.py: page config, navigation, URL-bound sidebar, version check; then the
Browse page: cached view, cached table, metrics, ``st.dataframe`` with column config) on an
SQLite registry of 5,000 models, after one warm-up run. The warm path keeps the table already
converted to Arrow (per registry version and filter), so a rerun skips the pandas -> Arrow
conversion the bare page pays every time; that conversion is most of a bare page's cost.
Baseline: a page that only calls ``st.dataframe`` on the very same DataFrame, already in memory.

Both run through Streamlit's ``AppTest`` in this process, alternating, so the script-runner
overhead and machine noise hit both alike. ``AppTest`` makes a new script cache for every run, so
it recompiles every script each time; a server compiles each page once, so the bench shares one
script cache across runs (for both), as a server does. Target: ours <= 1.5x the baseline (median
of runs).
"""

from __future__ import annotations

import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODELS = 5_000
RUNS = 15
TARGET = 1.5
PROVIDERS = ("openai", "anthropic", "google", "mistral", "groq", "openrouter", "xai", "deepseek")


def synthetic_records(n: int) -> list:  # type: ignore[type-arg]
    from registry_core.records import FEATURE_OPTIONS, ModelRecord

    rng = random.Random(7)
    now = datetime.now(UTC)
    out = []
    for i in range(n):
        provider = PROVIDERS[i % len(PROVIDERS)]
        cost = round(rng.uniform(0.00005, 0.06), 6)
        released = date(2023, 1, 1) + timedelta(days=rng.randrange(900))
        retiring = released + timedelta(days=rng.randrange(400, 1200)) if i % 7 == 0 else None
        out.append(
            ModelRecord(
                provider,
                f"model-{i:05d}",
                model_name=f"Model {i}",
                status=rng.choice(("active", "active", "deprecated", "beta", "preview")),
                available=i % 5 != 0,
                last_verified=now - timedelta(hours=rng.randrange(48)),
                cost_per_1k=cost,
                output_cost_per_1k=round(cost * 4, 6),
                max_tokens=rng.choice((8_192, 32_000, 128_000, 200_000, 1_000_000)),
                max_output_tokens=rng.choice((4_096, 8_192, 16_384)),
                features=tuple(f for f in FEATURE_OPTIONS if rng.random() < 0.5) or ("chat",),
                release_date=released,
                retirement_date=retiring,
                source="provider+catalog",
            )
        )
    return out


def timed(run) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    logging.disable(logging.WARNING)
    data = Path(tempfile.mkdtemp(prefix="bench-browse-"))
    os.environ["REGISTRY_DATA_DIR"] = str(data)
    os.environ["REGISTRY_PROVIDERS"] = ",".join(PROVIDERS)

    import streamlit.testing.v1.app_test as app_test
    from streamlit.testing.v1 import AppTest

    shared_cache = app_test.ScriptCache()
    app_test.ScriptCache = lambda: shared_cache  # type: ignore[assignment,misc]

    from registry_core.frames import browse_frame
    from registry_core.stores.sqlite import SQLiteStore

    store = SQLiteStore(data / "registry.db")
    records = synthetic_records(MODELS)
    store.upsert_models(records)
    store.bump_version()
    store.close()

    ours = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    cold = timed(ours.run)
    assert not ours.exception, [e.value for e in ours.exception]
    shown = len(ours.dataframe[0].value)
    assert shown == MODELS, shown

    # the baseline renders the very same frame the Browse page shows, held in memory
    from registry_core.filters import RegistryFilter

    frame = browse_frame(RegistryFilter().apply(records), datetime.now(UTC).date())
    holder = type(sys)("bench_browse_frame")
    holder.FRAME = frame  # type: ignore[attr-defined]
    sys.modules["bench_browse_frame"] = holder
    bare = AppTest.from_string(
        "import streamlit as st\nimport bench_browse_frame\n"
        "st.dataframe(bench_browse_frame.FRAME)\n",
        default_timeout=120,
    )
    bare.run()

    ours_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(RUNS):
        ours_times.append(timed(ours.run))
        bare_times.append(timed(bare.run))
    assert not ours.exception and len(ours.dataframe[0].value) == MODELS

    ours_s = statistics.median(ours_times)
    bare_s = statistics.median(bare_times)
    ratio = ours_s / bare_s
    print(f"models: {MODELS:,}; runs: {RUNS} each, alternating; median seconds per page run")
    print(f"cold first run of the Browse page (seeding the caches): {cold * 1000:.0f} ms")
    print(f"Browse page, warm cache (whole app: sidebar + page): {ours_s * 1000:.1f} ms")
    print(f"bare page, st.dataframe of the same DataFrame:        {bare_s * 1000:.1f} ms")
    print(f"ratio: {ratio:.2f}x (target <= {TARGET}x)")
    print(
        json.dumps(
            {
                "bench": "browse_page",
                "ours": round(ours_s, 4),
                "baseline": round(bare_s, 4),
                "ratio": round(ratio, 3),
                "target": f"Browse page with {MODELS} models, warm cache, <= {TARGET}x a bare "
                "st.dataframe page",
                "met": ratio <= TARGET,
            }
        )
    )


if __name__ == "__main__":
    main()
