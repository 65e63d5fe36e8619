"""Discovering twelve providers at once costs little more than the slowest one alone.

Twelve fake providers on a local server, each answering every request after 300 ms. We time
each provider alone (the slowest is the baseline) and then all twelve through
``discover_many`` (one shared client). Target: all-providers time ≤ 1.3 × the slowest single.
Each figure is the median of three runs.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from registry_core.catalog import load_catalog
from registry_core.providers import discover_many, discover_provider
from registry_standins.fake_provider_data import PROVIDER_IDS
from registry_standins.fake_providers import FakeProviderServer

LATENCY_S = 0.3
RUNS = 3
TARGET = 1.3
PROVIDERS = tuple(p for p in PROVIDER_IDS if p != "openai_compatible")  # the twelve


def _median_time(make: object) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        asyncio.run(make())  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    load_catalog()  # warm the catalog so neither side pays for reading it
    with FakeProviderServer(latency=LATENCY_S) as fake:
        creds = [fake.credential(p) for p in PROVIDERS]
        singles: dict[str, float] = {}
        for cred in creds:
            singles[cred.provider_id] = _median_time(lambda c=cred: discover_provider(c))
        slowest_id = max(singles, key=lambda p: singles[p])
        slowest = singles[slowest_id]

        async def all_at_once() -> None:
            results = await discover_many(creds)
            failed = {k: str(v) for k, v in results.items() if isinstance(v, Exception)}
            if failed:
                raise SystemExit(f"discovery failed: {failed}")

        together = _median_time(all_at_once)
    sequential = sum(singles.values())
    ratio = together / slowest
    for pid, seconds in sorted(singles.items(), key=lambda kv: -kv[1]):
        print(f"  {pid:<18} {seconds:6.3f} s alone")
    print(f"slowest single provider ({slowest_id}): {slowest:.3f} s")
    print(f"all {len(creds)} providers concurrently:     {together:.3f} s")
    print(f"(one after another would take:   {sequential:.3f} s)")
    print(f"ratio all/slowest: {ratio:.2f} (target ≤ {TARGET})")
    print(
        json.dumps(
            {
                "bench": "discovery",
                "ours": round(together, 4),
                "baseline": round(slowest, 4),
                "ratio": round(ratio, 3),
                "target": f"all {len(creds)} providers ≤ {TARGET}× the slowest single provider "
                f"({LATENCY_S * 1000:.0f} ms per request)",
                "met": ratio <= TARGET,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
