"""``python -m registry_core models --json`` of 20,000 rows, as a new process, against its floor.

An SQLite registry of ``BENCH_CLI_MODELS`` (20,000) models is written through the product's
real refresh path (a fake OpenAI listing served locally), so the rows are what a team's
registry holds. Then, side by side and ``BENCH_CLI_REPEAT`` (3) times each, interleaved:

- **ours**: ``python -m registry_core models --json`` (start-up, imports, seed check, one
  store read, row validation, the snapshot check, JSON out);
- **floor**: a bare ``python`` process that opens the same SQLite file, reads the rows'
  cells, ``json.loads`` each and ``json.dumps`` the list to stdout.

The best run of each is compared. Target (issue 16): ours <= 2 s and <= 2x the floor.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from registry_core.config import Settings  # noqa: E402
from registry_core.refresh import refresh  # noqa: E402
from registry_core.service import ModelRegistryService  # noqa: E402
from registry_core.stores.sqlite import SQLiteStore  # noqa: E402
from registry_standins.fake_provider_data import generated_items  # noqa: E402
from registry_standins.fake_providers import FakeProviderServer  # noqa: E402

N = int(os.environ.get("BENCH_CLI_MODELS", "20000"))
REPEAT = int(os.environ.get("BENCH_CLI_REPEAT", "3"))
TARGET_S = 2.0
TARGET_RATIO = 2.0

FLOOR = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
rows = [json.loads(c) for (c,) in conn.execute("SELECT cells FROM models ORDER BY rowid")]
sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\\n")
"""


def build(data: Path) -> None:
    items = generated_items("openai", N)
    with FakeProviderServer(models={"openai": items}) as fake:
        settings = Settings(
            data_dir=data,
            db_path=data / "registry.db",
            snapshot_path=data / "snapshot.json",
            providers=("openai",),
            allow_http_hosts=True,
            allowed_private_hosts=("127.0.0.1",),
            env={
                "OPENAI_API_KEY": fake.keys["openai"] or "",
                "OPENAI_BASE_URL": fake.base_url("openai"),
            },
        )
        service = ModelRegistryService.from_settings(
            settings, store=SQLiteStore(data / "registry.db")
        )
        reports = refresh(service, ["openai"], trigger="bench")
        assert all(r.outcome == "ok" and r.saved for r in reports), [r.message for r in reports]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)
    elapsed = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr[-800:]
    return elapsed, proc.stdout


def main() -> int:
    logging.disable(logging.WARNING)
    data = Path(tempfile.mkdtemp(prefix="bench-cli-models-"))
    started = time.perf_counter()
    build(data)
    print(f"registry of {N:,} models written by refresh in {time.perf_counter() - started:.1f} s")
    env = {
        **os.environ,
        "REGISTRY_DATA_DIR": str(data),
        "REGISTRY_PROVIDERS": "openai",
        "PYTHONPATH": str(ROOT),
    }
    ours_cmd = [sys.executable, "-m", "registry_core", "models", "--json"]
    floor_cmd = [sys.executable, "-c", FLOOR, str(data / "registry.db")]
    ours: list[float] = []
    floor: list[float] = []
    for _ in range(REPEAT):
        seconds, out = timed(ours_cmd, env)
        assert len(json.loads(out)) == N
        ours.append(seconds)
        seconds, out = timed(floor_cmd, env)
        assert len(json.loads(out)) == N
        floor.append(seconds)
    best, base = min(ours), min(floor)
    print(f"ours  (models --json, new process): {', '.join(f'{s:.2f}' for s in ours)} s")
    print(f"floor (bare sqlite read + json.dumps): {', '.join(f'{s:.2f}' for s in floor)} s")
    ratio = best / base
    print(f"best: ours {best:.2f} s, floor {base:.2f} s, ratio {ratio:.2f}")
    print(
        json.dumps(
            {
                "bench": "cli_models",
                "ours": round(best, 3),
                "baseline": round(base, 3),
                "ratio": round(ratio, 2),
                "target": f"models --json of {N:,} rows <= {TARGET_S:g} s and "
                f"<= {TARGET_RATIO:g}x the floor (bare read + json.dumps)",
                "met": best <= TARGET_S and ratio <= TARGET_RATIO,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
