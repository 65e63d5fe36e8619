"""Run N concurrent dashboard sessions against a running app and print one JSON line of results.

Runs in its own process (``python tests/load/run_sessions.py URL N PAGE...``) so the load's
websocket parsing does not starve the stand-in's threads of the GIL in the test process, which
would bunch request arrivals together and misreport the client's pacing.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from streamlit_client import Session


def main(argv: list[str]) -> int:
    url, count, pages = argv[0], int(argv[1]), [p if p != "browse" else "" for p in argv[2:]]
    errors: list[str] = []
    page_runs: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(count)

    def one() -> None:
        try:
            session = Session(url)
            start.wait(60)
            for page in pages:
                run = session.run(page)
                with lock:
                    page_runs.append(len(run.texts))
                    errors.extend(run.exceptions + run.errors)
            session.close()
        except Exception as exc:  # a session that cannot even run is a failure too
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=one) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(240)
    hung = sum(1 for t in threads if t.is_alive())
    print(json.dumps({"errors": errors, "page_runs": page_runs, "hung": hung}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
