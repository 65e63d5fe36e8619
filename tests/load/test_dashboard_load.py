"""Load: 20 concurrent dashboard sessions against ``streamlit run app.py`` (websocket clients,
as browser tabs), with the in-process scheduled refresh running, on Airtable (the stand-in at
Airtable's real 5 requests/s per base with its 30-s lockout) and the fake providers over HTTP.

Asserted: no exception or error on any page of any session; every provider listing belongs to
exactly one discovery run and the refresher never lists a provider twice in one period (single
flight: counted in the fake server's request log); Airtable never sees more than 5 requests in
any one-second window and never answers 429.
"""

from __future__ import annotations

import itertools
import os
import secrets
import string
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from registry_core.stores.airtable import AirtableStore
from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_core.testing.airtable_server import DEFAULT_TOKEN, AirtableStandIn
from registry_core.testing.fake_providers import FakeProviderServer

from .streamlit_client import PageRun, Session, StreamlitServer

SESSIONS = 20
PAGES = ("", "status", "costs", "history", "deprecations", "model", "discover", "")
REFRESH_EVERY_S = 4.0


def _base_id() -> str:
    return "app" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(14))


def busiest_second(times: list[float]) -> int:
    """The most requests in any window of one second (each window starts at a request)."""
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def _session(url: str, errors: list[str], runs: list[PageRun], start: threading.Barrier) -> None:
    try:
        session = Session(url)
        start.wait(60)
        for page in PAGES:
            page_run = session.run(page)
            runs.append(page_run)
            errors.extend(page_run.exceptions + page_run.errors)
        session.close()
    except Exception as exc:  # a session that cannot even run is a failure too
        errors.append(f"{type(exc).__name__}: {exc}")


@pytest.mark.slow
def test_twenty_sessions_and_a_scheduled_refresh(tmp_path: Path) -> None:
    with (
        AirtableStandIn(rate_limit=5.0, lockout_s=30.0) as server,
        FakeProviderServer(latency=0.2) as fake,
    ):
        base = _base_id()
        server.add_base(
            base,
            [
                {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
                for s in TABLE_SPECS
            ],
        )
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        env.update(
            {
                "REGISTRY_DATA_DIR": str(tmp_path),
                "REGISTRY_PROVIDERS": "openai,anthropic",
                "REGISTRY_REFRESH_EVERY": f"{REFRESH_EVERY_S:g}s",
                "AIRTABLE_API_KEY": DEFAULT_TOKEN,
                "AIRTABLE_BASE_ID": base,
                "AIRTABLE_ENDPOINT_URL": server.url,
                **fake.env(("openai", "anthropic")),
            }
        )
        errors: list[str] = []
        runs: list[PageRun] = []
        with StreamlitServer(env, log_path=tmp_path / "streamlit.log") as app:
            first = Session(app.url)  # boots the service, seeds, starts the refresher
            errors.extend(first.run().exceptions)
            start = threading.Barrier(SESSIONS)
            threads = [
                threading.Thread(target=_session, args=(app.url, errors, runs, start))
                for _ in range(SESSIONS)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(240)
            assert not [t for t in threads if t.is_alive()], "a session hung"
            # let the refresher finish at least two rounds under load
            store = AirtableStore(DEFAULT_TOKEN, base, endpoint_url=server.url)
            deadline = time.monotonic() + 3 * REFRESH_EVERY_S + 10
            while time.monotonic() < deadline:
                scheduled = [r for r in store.list_runs() if r.trigger == "schedule"]
                if len({r.provider_id for r in scheduled}) == 2 and len(scheduled) >= 4:
                    break
                time.sleep(1.0)
            log = server.request_log
            listings = {p: fake.request_count(p) for p in ("openai", "anthropic")}
            scheduled = [r for r in store.list_runs(limit=500) if r.trigger == "schedule"]
            store.close()

        assert not errors, errors[:5]
        assert len(runs) == SESSIONS * len(PAGES)
        assert all(r.texts for r in runs)
        # single flight: one listing per discovery run, no listing outside a run
        per_provider: dict[str, list[Any]] = defaultdict(list)
        for run in scheduled:
            per_provider[run.provider_id].append(run)
        assert set(per_provider) == {"openai", "anthropic"}, scheduled
        for provider, provider_runs in per_provider.items():
            assert listings[provider] == len(provider_runs), (provider, listings, provider_runs)
            starts = sorted(r.started_at for r in provider_runs)
            gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
            assert all(g >= REFRESH_EVERY_S * 0.5 for g in gaps), gaps
        # Airtable's budget held throughout
        assert server.rate_limited_count == 0
        assert busiest_second([r.time for r in log]) <= 5, busiest_second([r.time for r in log])
