"""A separate OS process for tests/integrity/test_lease.py: takes leases, crashes, or sends
paced requests, and prints one JSON line with what happened.

``python tests/integrity/lease_worker.py '<json job>'`` (run with PYTHONPATH=<repo>).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from registry_core.stores.airtable import AirtableStore
from registry_core.stores.base import RegistryStore
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.airtable_server import DEFAULT_TOKEN


def open_store(job: dict[str, Any]) -> RegistryStore:
    if job["store"] == "sqlite":
        return SQLiteStore(job["path"])
    pacing = job.get("pacing_dir")
    return AirtableStore(
        DEFAULT_TOKEN,
        job["base"],
        endpoint_url=job["url"],
        lockout_s=float(job.get("lockout_s", 30.0)),
        pacing_dir=Path(pacing) if pacing else None,
    )


def main() -> None:
    job = json.loads(sys.argv[1])
    store = open_store(job)
    holder = job["holder"]
    providers = job.get("providers", ["openai"])
    ttl = float(job.get("ttl", 30.0))
    delay = float(job.get("start_at", 0.0)) - time.time()
    if delay > 0:
        time.sleep(delay)
    out: dict[str, Any] = {"holder": holder, "pid": os.getpid()}
    mode = job["mode"]
    if mode in ("once", "crash"):
        token = uuid.uuid4().hex
        states = store.acquire_leases(providers, holder, ttl, token=token)
        out["granted"] = sorted(p for p, s in states.items() if s.held_by(token))
        out["holders"] = {p: s.lease.holder if s.lease else None for p, s in states.items()}
        print(json.dumps(out), flush=True)
        if mode == "crash":
            os._exit(3)  # die holding the leases: no release, no cleanup
        time.sleep(float(job.get("hold_s", 0.0)))
        mine = [s.lease for s in states.values() if s.held_by(token) and s.lease is not None]
        store.release_leases(mine, refreshed=True)
        return
    if mode == "loop":
        held: list[list[float]] = []
        for _ in range(int(job["n"])):
            token = uuid.uuid4().hex
            state = store.acquire_leases(providers, holder, ttl, token=token)[providers[0]]
            if state.held_by(token) and state.lease is not None:
                began = time.time()
                time.sleep(float(job.get("hold_s", 0.02)))
                ended = time.time()
                store.release_leases([state.lease], refreshed=True)
                held.append([began, ended])
                time.sleep(0.01)
            else:
                time.sleep(0.003)
        out["held"] = held
        print(json.dumps(out), flush=True)
        return
    if mode == "requests":
        for _ in range(int(job["n"])):
            store.get_version()
        out["sent"] = int(job["n"])
        print(json.dumps(out), flush=True)
        return
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
