"""Run every ``bench/*.py`` and write ``bench/results.json`` and ``bench/RESULTS.md``.

Each bench script prints its figures and, as its last line, one JSON object:
``{"bench": NAME, "ours": X, "baseline": Y, "ratio": R, "target": "...", "met": true|false}``.
This runner collects those lines; a script that fails or prints no such line is reported as not met.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 240


def run_one(script: Path) -> dict[str, object]:
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            cwd=HERE.parent,
        )
    except subprocess.TimeoutExpired:
        return {"bench": script.stem, "met": False, "error": f"timed out after {TIMEOUT_S}s"}
    elapsed = time.perf_counter() - started
    sys.stdout.write(proc.stdout)
    lines = [line for line in proc.stdout.strip().splitlines() if line.strip()]
    try:
        result = json.loads(lines[-1])
        if not isinstance(result, dict) or "bench" not in result:
            raise ValueError("last line is not a bench result")
    except (IndexError, ValueError):
        tail = (proc.stderr or proc.stdout)[-500:]
        return {"bench": script.stem, "met": False, "error": f"exit {proc.returncode}: {tail}"}
    result["seconds"] = round(elapsed, 1)
    return result


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != Path(__file__).name)
    results = [run_one(script) for script in scripts]
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run_all.py`); ours and the baseline are measured side by",
        "side in one run, so the ratio is what matters on a noisy machine.",
        "",
        "| bench | ours | peer or floor | ratio | target | met? |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        met = "yes" if r.get("met") else "**no**"
        target = r.get("target") or r.get("error", "")
        lines.append(
            f"| {r['bench']} | {_fmt(r.get('ours'))} | {_fmt(r.get('baseline'))} | "
            f"{_fmt(r.get('ratio'))} | {_fmt(target)} | {met} |"
        )
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r.get("met") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
