"""Bench: ``scan`` over a generated tree of 10,000 files vs ``grep -rFf`` with the same id list.

    .venv/bin/python bench/lifecycle.py

The tree (in a temporary directory) holds 10,000 source and config files of 2–6 KB, a few per
cent of which name a registry model id; the id list is every id ``scan`` searches for (the
bundled catalog's and lifecycle dataset's ids of the default providers). Both sides read the
same files: ``grep -rFf ids.txt -o -n`` (fixed strings, Aho–Corasick style) and
:func:`registry_core.scan.scan_paths` (one trie-factored regular expression, token boundaries).
Figure: the median of 5 runs each, after one warm-up run each (the page cache is warm for both).
Target: ours ≤ 2× grep's time.
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from registry_core.catalog import load_catalog
from registry_core.config import DEFAULT_PROVIDERS
from registry_core.scan import MIN_ID_LENGTH, Matcher, scan_paths

FILES = 10_000
RUNS = 5
WORDS = [
    "def",
    "return",
    "import",
    "class",
    "self",
    "value",
    "result",
    "config",
    "client",
    "request",
    "response",
    "model",
    "token",
    "async",
    "await",
    "yield",
    "lambda",
    "for",
    "while",
    "if",
    "else",
    "try",
    "except",
    "raise",
    "with",
    "open",
    "json",
    "dict",
    "list",
]


def make_tree(root: Path, ids: list[str], rng: random.Random) -> None:
    for i in range(FILES):
        folder = root / f"pkg{i % 100:02d}" / f"mod{(i // 100) % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        suffix = (".py", ".ts", ".yaml", ".json", ".md")[i % 5]
        lines = []
        for _ in range(rng.randint(40, 120)):
            lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 10))))
        if rng.random() < 0.05:
            lines.insert(rng.randrange(len(lines)), f'MODEL = "{rng.choice(ids)}"')
        (folder / f"file{i}{suffix}").write_text("\n".join(lines) + "\n")


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    catalog = load_catalog()
    ids = sorted(
        {
            r.model_id
            for p in DEFAULT_PROVIDERS
            for r in catalog.records_for(p)
            if len(r.model_id) >= MIN_ID_LENGTH
        }
    )
    grep = shutil.which("grep")
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "tree"
        make_tree(root, ids, rng)
        id_file = Path(tmp) / "ids.txt"
        id_file.write_text("\n".join(ids) + "\n")
        matcher = Matcher.for_ids(ids)

        def ours() -> None:
            scan_paths([root], matcher)

        def baseline() -> None:
            subprocess.run(
                [grep or "grep", "-rFf", str(id_file), "-o", "-n", str(root)],
                stdout=subprocess.DEVNULL,
                check=False,
            )

        found = scan_paths([root], matcher)
        ours()
        ours_s = statistics.median(timed(ours) for _ in range(RUNS))
        if grep is None:
            print(json.dumps({"bench": "lifecycle", "met": False, "error": "grep not found"}))
            return 1
        baseline()
        base_s = statistics.median(timed(baseline) for _ in range(RUNS))
    ratio = ours_s / base_s if base_s else float("inf")
    print(f"ids: {len(ids)}; files: {found.files}; ids found: {len(found.hits)}")
    print(f"scan: {ours_s * 1000:.0f} ms; grep -rFf: {base_s * 1000:.0f} ms; ratio {ratio:.2f}")
    print(
        json.dumps(
            {
                "bench": "lifecycle",
                "ours": round(ours_s, 4),
                "baseline": round(base_s, 4),
                "ratio": round(ratio, 3),
                "target": "<= 2x grep -rFf",
                "met": ratio <= 2.0,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
