"""Catalog coverage: prices and limits of the chat models in the corpus, and contradictions.

The corpus (``tests/catalog/data/corpus.json``: 13 providers' documented listing shapes, each
id with its expected price, context, kind and the source of that expectation) is served by an
``httpx.MockTransport`` to real discovery + enrichment. Coverage = chat ids that came out with
the expected input price and context window, over the chat ids some documented source prices
and sizes (local and self-hosted rows, and ids no source sizes, are counted apart).
Contradictions: output > context (unless the provider states both), unstated $0, a non-chat
kind flagged chat, and values that contradict the provider's own listing or pinning.

Baseline: the same corpus through the previous matching, i.e. ``registry_core`` as it is on
branch ``main`` (``git archive`` into a temporary directory, run in a subprocess), measured in
this run; when that is not possible, the floor of 95 %.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry_standins.catalog_corpus import CORPUS_PATH, run_corpus  # noqa: E402

TARGET = 95.0
FLOOR = 95.0

_OLD = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("corpus_eval", sys.argv[1])
mod = importlib.util.module_from_spec(spec); sys.modules["corpus_eval"] = mod
spec.loader.exec_module(mod)
report, _ = mod.run_corpus(mod.Path(sys.argv[2]))
print(json.dumps({"coverage": report.coverage, "contradictions": report.contradiction_count,
                  "wrong": len(report.wrong)}))
"""


def baseline(ref: str = "main") -> dict[str, float] | None:
    """The corpus through ``registry_core`` of ``ref`` (the previous matching), or ``None``."""
    with tempfile.TemporaryDirectory(prefix="catalog-baseline-") as tmp:
        archive = Path(tmp) / "old.tar"
        try:
            subprocess.run(
                ["git", "archive", "-o", str(archive), ref, "registry_core"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                timeout=60,
            )
            with tarfile.open(archive) as tar:
                tar.extractall(tmp, filter="data")
            proc = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _OLD,
                    str(ROOT / "standins" / "registry_standins" / "catalog_corpus.py"),
                    str(CORPUS_PATH),
                ],
                cwd=tmp,
                env={"PYTHONPATH": tmp, "PATH": "/usr/bin:/bin"},
                capture_output=True,
                text=True,
                timeout=180,
            )
        except (OSError, subprocess.SubprocessError, tarfile.TarError):
            return None
        if proc.returncode != 0:
            print(f"(baseline could not run: {proc.stderr.strip().splitlines()[-1:]})")
            return None
        result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
        return result


def main() -> int:
    report, _rows = run_corpus()
    print(f"corpus: {report.cases} ids across {report.providers} providers")
    print(
        f"chat ids a source prices and sizes: {report.chat_knowable}; "
        f"covered (expected input price and context): {report.chat_covered} "
        f"= {report.coverage:.1f} %; with both present: {report.chat_present}"
    )
    print(
        f"chat ids no source prices or sizes (local, self-hosted, undocumented): "
        f"{report.chat_unknowable}"
    )
    print(f"ids with any mismatch: {len(report.wrong)}")
    for ref, problems in sorted(report.wrong.items()):
        print(f"  {ref}: {'; '.join(problems)}")
    counts: dict[str, int] = {}
    for problems in report.contradictions.values():
        for p in problems:
            key = p.split(" (", 1)[0]
            counts[key] = counts.get(key, 0) + 1
    counts["contradicts the provider's listing"] = sum(
        len(v) for v in report.listing_contradictions.values()
    )
    print("contradictions: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))
    for ref, problems in sorted(report.contradictions.items()):
        print(f"  {ref}: {'; '.join(problems)}")
    old = baseline()
    if old is not None:
        print(
            f"previous matching (main): coverage {old['coverage']:.1f} %, "
            f"{int(old['contradictions'])} contradictions, {int(old['wrong'])} ids with a mismatch"
        )
        base = round(old["coverage"], 2)
    else:
        print(f"previous matching could not be run; baseline is the floor {FLOOR} %")
        base = FLOOR
    ours = round(report.coverage, 2)
    met = ours >= TARGET and report.contradiction_count == 0
    print(
        json.dumps(
            {
                "bench": "catalog",
                "ours": ours,
                "baseline": base,
                "ratio": round(ours / base, 3) if base else None,
                "target": ">= 95% coverage, 0 contradictions",
                "met": met,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
