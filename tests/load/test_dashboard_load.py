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
import json
import os
import secrets
import string
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn
from registry_standins.fake_providers import FakeProviderServer

from .streamlit_client import Session, StreamlitServer

SESSIONS = 20
PAGES = ("browse", "status", "costs", "history", "deprecations", "model", "discover", "browse")
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


def _scheduled_runs(server: AirtableStandIn, base: str) -> list[dict[str, Any]]:
    """The scheduled discovery runs, read from the stand-in's table without HTTP."""
    rows = server.records(base, "AI Model Discovery Runs")
    return [
        {
            "provider": f.get("Provider ID"),
            "started": str(f.get("Started At")).replace("Z", "+00:00"),
        }
        for f in (r["fields"] for r in rows)
        # refresh-lease claims share the runs table (stores/airtable_lease.py); not runs
        if f.get("Trigger") == "schedule" and not str(f.get("Run ID", "")).startswith("__lease__")
    ]


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
        with StreamlitServer(env, log_path=tmp_path / "streamlit.log") as app:
            first = Session(app.url)  # boots the service, seeds, starts the refresher
            errors.extend(first.run().exceptions)
            done = subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).with_name("run_sessions.py")),
                    app.url,
                    str(SESSIONS),
                    *PAGES,
                ],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert done.returncode == 0, done.stderr[-2000:]
            result = json.loads(done.stdout.strip().splitlines()[-1])
            errors.extend(result["errors"])
            assert result["hung"] == 0, "a session hung"
            # let the refresher finish at least two rounds under load; the runs are read from
            # the stand-in directly, so the test itself adds no request to the base's budget
            deadline = time.monotonic() + 3 * REFRESH_EVERY_S + 10
            while time.monotonic() < deadline:
                scheduled = _scheduled_runs(server, base)
                if len({r["provider"] for r in scheduled}) == 2 and len(scheduled) >= 4:
                    break
                time.sleep(0.5)
            log = server.request_log
            listings = {p: fake.request_count(p) for p in ("openai", "anthropic")}
            scheduled = _scheduled_runs(server, base)

        assert not errors, (errors[:3], (tmp_path / "streamlit.log").read_text()[-4000:])
        assert len(result["page_runs"]) == SESSIONS * len(PAGES)
        assert all(result["page_runs"])
        # single flight: one listing per discovery run, no listing outside a run
        per_provider: dict[str, list[Any]] = defaultdict(list)
        for run in scheduled:
            per_provider[run["provider"]].append(run)
        assert set(per_provider) == {"openai", "anthropic"}, scheduled
        for provider, provider_runs in per_provider.items():
            # (a round may be in flight when the counts are read: its listing, not yet its run)
            assert len(provider_runs) <= listings[provider] <= len(provider_runs) + 1, (
                provider,
                listings,
                provider_runs,
            )
            starts = sorted(datetime.fromisoformat(r["started"]) for r in provider_runs)
            gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
            assert all(g >= REFRESH_EVERY_S * 0.5 for g in gaps), gaps
        # Airtable's budget held throughout
        assert server.rate_limited_count == 0, [(r.time, r.method, r.path) for r in log[-30:]]
        assert busiest_second([r.time for r in log]) <= 5, busiest_second([r.time for r in log])
