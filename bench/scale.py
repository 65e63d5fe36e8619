"""Refresh and read at 1,000 / 5,000 / 20,000 models: cost per model, against the floor.

For each size a fake OpenAI listing of N models is served locally and an SQLite registry is
refreshed twice through the product's real path (``registry_core.refresh.refresh``: leases,
``service.discover``, discovery + catalog enrichment, merge, ``apply_plan``, snapshot):

1. **first** refresh of an empty registry (every model added);
2. **second** refresh after 1 % of the models got a shutdown date (retirement + status).

The **floor** of each, measured in the same run right after it: fetch + ``json.loads`` of the
same listing body, one ``store.list_models`` of the provider, and a bare ``executemany`` of the
rows that refresh changed (their cells encoded as the store encodes them) into a scratch copy
of the table. Target (issue 16): each refresh of 20,000 models within 2x its floor.

**read**: ``service.list_models`` plus the JSON text ``models --json`` prints, in process, per
size; and at 20,000 the command itself (``python -m registry_core models --json``, a new
process: start-up and imports included). Target: that command within 2 s.

The cost per model (µs) is printed for every size, so growth beyond linear shows.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from registry_core.catalog import load_catalog  # noqa: E402
from registry_core.cli.terminal import json_text  # noqa: E402
from registry_core.config import Settings  # noqa: E402
from registry_core.records import ModelRecord  # noqa: E402
from registry_core.refresh import refresh  # noqa: E402
from registry_core.service import ModelRegistryService  # noqa: E402
from registry_core.stores.sqlite import SQLiteStore  # noqa: E402
from registry_standins.fake_provider_data import generated_items  # noqa: E402
from registry_standins.fake_providers import FakeProviderServer  # noqa: E402

SIZES = tuple(int(x) for x in os.environ.get("BENCH_SCALE_SIZES", "1000,5000,20000").split(","))
CHANGED_SHARE = 0.01
TARGET_REFRESH = 2.0
TARGET_READ_S = 2.0


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def _changed_keys(reports: list[Any]) -> set[str]:
    keys: set[str] = set()
    for report in reports:
        diff = report.diff
        if diff is not None:
            keys.update(diff.added, diff.removed, diff.returned, diff.changed)
    return keys


def _bare_write(records: list[ModelRecord], scratch: Path) -> float:
    """The floor of a write: encode the rows as the store does and executemany them."""
    conn = sqlite3.connect(scratch)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS models (provider_id TEXT NOT NULL, model_id TEXT NOT NULL, "
        "cells TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (provider_id, model_id))"
    )
    started = time.perf_counter()
    rows = [
        (
            r.provider_id,
            r.model_id,
            json.dumps(r.to_fields(omit_empty=True), sort_keys=True, allow_nan=False),
            "2025-01-01T00:00:00.000Z",
        )
        for r in records
    ]
    with conn:
        conn.executemany("INSERT OR REPLACE INTO models VALUES (?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def run_size(n: int, tmp: Path) -> dict[str, float]:
    data = tmp / f"n{n}"
    data.mkdir()
    items = generated_items("openai", n)
    with FakeProviderServer(models={"openai": items}) as fake:
        key = fake.keys["openai"] or ""
        url = fake.base_url("openai")
        settings = Settings(
            data_dir=data,
            db_path=data / "registry.db",
            snapshot_path=data / "snapshot.json",
            providers=("openai",),
            allow_http_hosts=True,
            allowed_private_hosts=("127.0.0.1",),
            env={"OPENAI_API_KEY": key, "OPENAI_BASE_URL": url},
        )
        store = SQLiteStore(data / "registry.db")
        service = ModelRegistryService.from_settings(settings, store=store)

        def floor(changed: set[str], label: str) -> float:
            fetch_s, body = _timed(
                lambda: httpx.get(f"{url}/models", headers={"Authorization": f"Bearer {key}"})
            )
            parse_s, _ = _timed(lambda: json.loads(body.content))
            read_s, loaded = _timed(lambda: store.list_models("openai"))
            rows = [r for r in loaded.records if r.model_id in changed]
            write_s = _bare_write(rows, data / f"scratch-{label}.db")
            return fetch_s + parse_s + read_s + write_s

        out: dict[str, float] = {}
        for label in ("first", "second"):
            if label == "second":
                step = int(1 / CHANGED_SHARE)
                fake.set_models(
                    "openai",
                    [
                        {**item, "shutdown_date": "2027-01-01"} if i % step == 0 else item
                        for i, item in enumerate(items)
                    ],
                )
            seconds, reports = _timed(lambda: refresh(service, ["openai"], trigger="bench"))
            assert all(r.outcome == "ok" and r.saved for r in reports), [r.message for r in reports]
            changed = _changed_keys(reports)
            out[f"{label}_s"] = seconds
            out[f"{label}_floor_s"] = floor(changed, label)
            out[f"{label}_rows"] = float(len(changed))

        def read() -> str:
            resolution = service.list_models(None)
            records = sorted(resolution.records, key=lambda r: (r.provider_id, r.model_id))
            assert len(records) == n, len(records)
            return json_text([r.to_dict() for r in records], indent=2)

        service.resolver.cache.clear()  # a cold read, as a new process has
        out["read_s"], _ = _timed(read)
        if n == max(SIZES):
            env = {
                **os.environ,
                "REGISTRY_DATA_DIR": str(data),
                "REGISTRY_PROVIDERS": "openai",
                "PYTHONPATH": str(ROOT),
            }
            started = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "registry_core", "models", "--json"],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                timeout=120,
            )
            out["command_s"] = time.perf_counter() - started
            assert proc.returncode == 0, proc.stderr[-500:]
            assert len(json.loads(proc.stdout)) == n
    return out


def main() -> int:
    logging.disable(logging.WARNING)
    load_catalog()  # a running service has the catalog loaded
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    results = {n: run_size(n, tmp) for n in SIZES}
    print("refresh through registry_core.refresh.refresh (SQLite), floor measured right after")
    print(
        f"{'models':>7} {'refresh':>8} {'rows':>6} {'ours s':>8} {'floor s':>8} {'ratio':>6} "
        f"{'µs/model':>9} {'floor µs/model':>15}"
    )
    for n, r in results.items():
        for label in ("first", "second"):
            ours, fl = r[f"{label}_s"], r[f"{label}_floor_s"]
            print(
                f"{n:>7,} {label:>8} {int(r[f'{label}_rows']):>6} {ours:>8.3f} {fl:>8.3f} "
                f"{ours / fl:>6.2f} {ours / n * 1e6:>9.1f} {fl / n * 1e6:>15.1f}"
            )
    print()
    print("read: service.list_models + the JSON text of `models --json` (in process)")
    for n, r in results.items():
        print(f"{n:>7,} models {r['read_s']:8.3f} s  {r['read_s'] / n * 1e6:7.1f} µs/model")
    big = results[max(SIZES)]
    print(
        f"`python -m registry_core models --json` of {max(SIZES):,} rows (new process): "
        f"{big['command_s']:.2f} s (target <= {TARGET_READ_S:g} s)"
    )
    ratios = {label: big[f"{label}_s"] / big[f"{label}_floor_s"] for label in ("first", "second")}
    worst = max(ratios.values())
    met = worst <= TARGET_REFRESH and big["command_s"] <= TARGET_READ_S
    print(
        json.dumps(
            {
                "bench": "scale",
                "ours": round(big["second_s"], 3),
                "baseline": round(big["second_floor_s"], 3),
                "ratio": round(worst, 2),
                "target": f"refresh of {max(SIZES):,} models <= {TARGET_REFRESH:g}x the floor "
                f"(first {ratios['first']:.2f}x, second {ratios['second']:.2f}x); models --json "
                f"<= {TARGET_READ_S:g} s (got {big['command_s']:.2f} s)",
                "met": met,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
