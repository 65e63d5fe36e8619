"""Replicas in step: two processes on one registry; one writes, how soon does the other see it?

The reader is a separate OS process holding a real :class:`~registry_core.resolver.Resolver`
(what a dashboard replica holds) and asking it for ``version()`` every 10 ms, as reruns of the
dashboard do (its ``st.cache_data`` is keyed on that marker). The writer (this process) applies
a one-row write plan; the figure is the time from the write's return to the reader's first
``version()`` that shows the new marker, the worst of several trials.

- SQLite and the Airtable stand-in: the reader polls the marker once per version check
  (``REGISTRY_VERSION_CHECK``, 2 s here instead of the production 30 s, so the bench is quick);
  target: within that interval.
- PostgreSQL: the version check is set to an hour, so only ``LISTEN/NOTIFY`` can explain a fast
  answer; target: within 1 s. Skipped (not met) when no server answers at
  ``REGISTRY_TEST_DATABASE_URL``.

Last line: ``{"bench": "replicas", "ours": <PostgreSQL s>, "baseline": <version check s>, ...}``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VERSION_CHECK_S = 2.0
TRIALS = 4
POLL_S = 0.01


def open_store(spec: dict[str, Any]) -> Any:
    kind = spec["kind"]
    if kind == "sqlite":
        from registry_core.stores.sqlite import SQLiteStore

        return SQLiteStore(spec["path"])
    if kind == "airtable":
        from registry_core.stores.airtable import AirtableStore
        from registry_standins.airtable_server import DEFAULT_TOKEN

        return AirtableStore(
            DEFAULT_TOKEN,
            spec["base"],
            endpoint_url=spec["url"],
            requests_per_second=500.0,
            cache_ttl_s=0.0,
        )
    from registry_core.stores.postgres import PostgresStore

    return PostgresStore(spec["url"], schema=spec["schema"])


def reader(spec: dict[str, Any]) -> int:
    """The other replica: print ``seen <marker> <wall time>`` whenever its marker moves."""
    from registry_core.config import Settings
    from registry_core.resolver import Resolver

    store = open_store(spec)
    data = Path(spec["data"])
    settings = Settings(
        data_dir=data, snapshot_path=data / "snapshot.json", version_check_s=spec["check_s"]
    )
    resolver = Resolver(store, settings=settings)
    if hasattr(store, "wait_listening"):
        store.wait_listening(10.0)
    last = resolver.version(refresh=True)
    print(f"ready {last}", flush=True)
    deadline = time.monotonic() + spec["lifetime_s"]
    while time.monotonic() < deadline:
        now = resolver.version()
        if now != last:
            print(f"seen {now} {time.time():.6f}", flush=True)
            last = now
        time.sleep(POLL_S)
    store.close()
    return 0


def measure(spec: dict[str, Any], label: str) -> float:
    """Worst write-to-seen latency over ``TRIALS`` writes, in seconds."""
    from registry_core.plan import plan_for
    from registry_core.records import ModelRecord

    writer = open_store(spec)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, __file__, "--reader", json.dumps(spec)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    try:
        first = proc.stdout.readline().split()
        if not first or first[0] != "ready":
            raise RuntimeError(f"{label} reader did not start")
        worst = 0.0
        for trial in range(TRIALS):
            time.sleep(0.3 + 0.37 * trial)  # writes land at different points of the check cycle
            record = ModelRecord("bench", f"replica-{label}-{trial}")
            outcome = writer.apply_plan(plan_for([(None, record)]))
            wrote_at = time.time()
            wanted = outcome.version or writer.get_version()
            while True:
                line = proc.stdout.readline().split()
                if not line:
                    raise RuntimeError(f"{label} reader stopped")
                if line[0] == "seen" and line[1] == wanted:
                    latency = max(0.0, float(line[2]) - wrote_at)
                    break
            worst = max(worst, latency)
            print(f"  {label:<9} trial {trial + 1}: seen after {latency * 1000:7.1f} ms")
        return worst
    finally:
        proc.kill()
        proc.wait()
        writer.close()


def main() -> int:
    from registry_core.stores.airtable_schema import TABLE_SPECS
    from registry_standins import postgres as pg
    from registry_standins.airtable_server import AirtableStandIn

    results: dict[str, float | None] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base: dict[str, Any] = {"data": tmp, "lifetime_s": 60.0}
        print(f"version check {VERSION_CHECK_S:g} s (SQLite, Airtable); {TRIALS} writes each")
        spec = {**base, "kind": "sqlite", "path": f"{tmp}/r.db", "check_s": VERSION_CHECK_S}
        results["sqlite"] = measure(spec, "sqlite")
        with AirtableStandIn(rate_limit=None) as server:
            tables = [
                {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
                for s in TABLE_SPECS
            ]
            server.add_base("appBenchReplicas1", tables)
            spec = {
                **base,
                "kind": "airtable",
                "url": server.url,
                "base": "appBenchReplicas1",
                "check_s": VERSION_CHECK_S,
            }
            results["airtable"] = measure(spec, "airtable")
        reason = pg.unreachable_reason()
        if reason:
            print(f"  postgres: {reason}")
            results["postgres"] = None
        else:
            with pg.fresh_schema() as schema:
                spec = {
                    **base,
                    "kind": "postgres",
                    "url": pg.test_database_url(),
                    "schema": schema,
                    "check_s": 3600.0,
                }
                results["postgres"] = measure(spec, "postgres")

    for name, worst in results.items():
        shown = "skipped" if worst is None else f"{worst:.3f} s"
        print(f"{name:<9} worst write-to-seen: {shown}")
    polled_ok = all(
        results[k] is not None and results[k] <= VERSION_CHECK_S + 0.25  # type: ignore[operator]
        for k in ("sqlite", "airtable")
    )
    pg_s = results["postgres"]
    met = polled_ok and pg_s is not None and pg_s <= 1.0
    print(
        json.dumps(
            {
                "bench": "replicas",
                "ours": None if pg_s is None else round(pg_s, 3),
                "baseline": VERSION_CHECK_S,
                "ratio": None if pg_s is None else round(pg_s / VERSION_CHECK_S, 3),
                "target": "PostgreSQL <= 1 s; SQLite/Airtable <= version check "
                f"(sqlite {results['sqlite']:.2f} s, airtable {results['airtable']:.2f} s)",
                "met": met,
            }
        )
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--reader":
        sys.exit(reader(json.loads(sys.argv[2])))
    sys.exit(main())
