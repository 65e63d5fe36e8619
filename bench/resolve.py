"""Bench: the hybrid resolver against a local fake provider (100 models) and the Airtable stand-in,
side by side with LiteLLM's ``get_valid_models(check_provider_endpoint=True, ...)``.

    .venv/bin/python bench/resolve.py

Figures (medians):

1. **warm** — our memory-tier answer (full records with provenance) vs LiteLLM's cached answer
   (bare ids from its 5-minute in-memory cache). Target: ours ≥ 10× faster.
2. **cold** — our first call (list the provider, normalise, enrich from the catalog, merge, write
   records + history events + the run + the version marker to Airtable, snapshot) vs the floor:
   a bare ``httpx`` listing plus the same writes issued directly through the store. Target: ≤ 1.5×.
3. **provider down** — the provider fails after the first listing; a restarted process asks
   again (ours with ``force_refresh``; LiteLLM after its cache has expired, as 5 minutes later or
   after a restart). Target: ours returns the 100 models, LiteLLM an empty list.

LiteLLM builds its listing URL as ``scheme://host:port/v1/models`` (it drops any path of
``api_base``), while the fake server keeps each provider under a prefix; a small loopback proxy
maps ``/v1/…`` to ``/openai/v1/…``, and *every* client here (ours, bare httpx, LiteLLM) goes
through it, so the hop is the same for all. The stand-in runs without its 5 req/s rate limit
and the store without pacing, so the figures measure our code, not Airtable's throttle.
LiteLLM is an optional ``bench`` extra; without it the LiteLLM figures are reported as missing.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network at import
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from registry_core.catalog import load_catalog
from registry_core.config import Settings
from registry_core.service import ModelRegistryService
from registry_core.stores.airtable import AirtableStore
from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn
from registry_standins.fake_providers import FakeProviderServer, Fault

N_MODELS = 100
COLD_RUNS = 7
WARM_CALLS = 5000
LITELLM_WARM_CALLS = 1000


# --- set-up -----------------------------------------------------------------------------------


class _Proxy(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def start_proxy(target: str) -> tuple[_Proxy, str]:
    """Forward ``GET /v1/...`` to ``{target}/v1/...`` (keeps the Authorization header)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            request = urllib.request.Request(target + self.path)
            for name in ("Authorization", "Accept"):
                if self.headers.get(name):
                    request.add_header(name, self.headers[name])
            try:
                with urllib.request.urlopen(request, timeout=30) as upstream:
                    status, body = upstream.status, upstream.read()
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = _Proxy(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def new_base(standin: AirtableStandIn, counter: list[int]) -> str:
    counter[0] += 1
    base = f"appBENCH{counter[0]:09d}"
    standin.add_base(
        base,
        [
            {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
            for s in TABLE_SPECS
        ],
    )
    return base


def store_on(standin: AirtableStandIn, base: str) -> AirtableStore:
    return AirtableStore(
        DEFAULT_TOKEN, base, endpoint_url=standin.url, requests_per_second=10_000.0
    )


def median_time(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def per_call(fn: Callable[[], Any], calls: int) -> float:
    fn()
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls


# --- the bench ----------------------------------------------------------------------------------


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="bench-resolve-"))
    bases = [0]
    load_catalog()  # a running service has the catalog loaded; not part of a request
    with FakeProviderServer(n_models=N_MODELS) as fake, AirtableStandIn(rate_limit=None) as standin:
        proxy, proxy_url = start_proxy(f"{fake.url}/openai")
        key = fake.keys["openai"] or ""
        settings = Settings(
            data_dir=tmp,
            db_path=tmp / "unused.db",
            snapshot_path=tmp / "snapshot.json",
            providers=("openai",),
            allow_http_hosts=True,
            allowed_private_hosts=("127.0.0.1",),
            env={"OPENAI_API_KEY": key, "OPENAI_BASE_URL": f"{proxy_url}/v1"},
        )

        def service(base: str, snapshot: str) -> ModelRegistryService:
            return ModelRegistryService.from_settings(
                replace(settings, snapshot_path=tmp / snapshot), store=store_on(standin, base)
            )

        # 1. cold: ours vs bare listing + the same writes straight through the store
        with httpx.Client() as client:

            def bare_listing() -> list[str]:
                response = client.get(
                    f"{proxy_url}/v1/models", headers={"Authorization": f"Bearer {key}"}
                )
                response.raise_for_status()
                return [item["id"] for item in response.json()["data"]]

            bare_listing()
            bare_s = median_time(bare_listing, 21)

        # a running service has its discovery loop and HTTP client up: one throwaway call
        service(new_base(standin, bases), "warmup.json").get_available_models("openai")

        def ours_cold(run: int) -> tuple[float, str]:
            svc = service(new_base(standin, bases), f"cold{run}.json")
            started = time.perf_counter()
            answer = svc.get_available_models("openai")
            elapsed = time.perf_counter() - started
            assert len(answer.records) == N_MODELS, (len(answer.records), answer.warnings)
            written.append(svc.store)
            return elapsed, answer.tier

        def same_writes(template: AirtableStore) -> float:
            # exactly what our cold call persisted, issued straight through the store
            records = template.list_models("openai").records
            events = template.list_events("openai")
            (run,) = template.list_runs("openai")
            store = store_on(standin, new_base(standin, bases))
            started = time.perf_counter()
            store.upsert_models(records)
            store.append_events(events)
            store.record_run(run)
            store.bump_version()
            return time.perf_counter() - started

        written: list[Any] = []
        colds: list[float] = []
        writes: list[float] = []
        cold_tiers: set[str] = set()
        for run in range(COLD_RUNS):  # interleaved, so load on the machine hits both alike
            elapsed, tier = ours_cold(run)
            colds.append(elapsed)
            cold_tiers.add(tier)
            writes.append(same_writes(written[-1]))
        cold_s = statistics.median(colds)
        writes_s = statistics.median(writes)
        floor_s = bare_s + writes_s
        cold_ratio = cold_s / floor_s

        # 2. warm: our memory tier
        base = new_base(standin, bases)
        svc = service(base, "warm.json")
        svc.get_available_models("openai")
        warm_s = per_call(lambda: svc.get_available_models("openai"), WARM_CALLS)
        warm_answer = svc.get_available_models("openai")
        assert warm_answer.tier == "memory" and len(warm_answer.records) == N_MODELS

        # LiteLLM, same fake provider, same proxy
        litellm_error = None
        litellm_warm_s = litellm_cold_s = None
        litellm_cached_n = litellm_down_n = None
        try:
            import litellm  # noqa: F401
            from litellm import get_valid_models
            from litellm.utils import _model_cache
        except Exception as exc:  # the bench extra is optional
            litellm_error = f"{type(exc).__name__}: {exc}"
        if litellm_error is None:

            def litellm_call() -> list[str]:
                result: list[str] = get_valid_models(
                    check_provider_endpoint=True,
                    custom_llm_provider="openai",
                    api_key=key,
                    api_base=proxy_url,
                )
                return result

            started = time.perf_counter()
            first = litellm_call()
            litellm_cold_s = time.perf_counter() - started
            assert len(first) == N_MODELS, len(first)
            litellm_warm_s = per_call(litellm_call, LITELLM_WARM_CALLS)

        # 3. the provider fails after the first listing
        fake.inject("openai", Fault(status=500, body={"error": {"message": "upstream down"}}))
        restarted = service(base, "warm.json")
        down = restarted.get_available_models("openai", force_refresh=True)
        ours_down_n = len(down.records)
        if litellm_error is None:
            litellm_cached_n = len(litellm_call())  # within its 5-minute cache
            _model_cache.flush_cache()  # 5 minutes later, or after a restart
            litellm_down_n = len(litellm_call())
        proxy.shutdown()

    print(f"fake provider: {N_MODELS} models; registry: Airtable stand-in (no rate limit)")
    print()
    print(f"cold path (median of {COLD_RUNS}, fresh base each):")
    print(
        f"  ours: discover + merge + write-back        {cold_s * 1000:8.1f} ms  (tier {', '.join(sorted(cold_tiers))})"
    )
    print(f"  bare httpx listing                          {bare_s * 1000:8.1f} ms")
    print(
        f"  the same store writes, issued directly      {writes_s * 1000:8.1f} ms  (records, events, run, version)"
    )
    print(f"  ratio ours / (listing + writes)             {cold_ratio:8.2f}   target <= 1.5")
    print()
    print("warm path (per call):")
    print(f"  ours (memory tier, {N_MODELS} full records)      {warm_s * 1e6:8.1f} us")
    if litellm_warm_s is not None and litellm_cold_s is not None:
        speedup = litellm_warm_s / warm_s
        print(f"  LiteLLM get_valid_models, cached (bare ids) {litellm_warm_s * 1e6:8.1f} us")
        print(f"  LiteLLM first (uncached) call               {litellm_cold_s * 1000:8.1f} ms")
        print(f"  speed-up ours vs LiteLLM                    {speedup:8.1f}x  target >= 10x")
    else:
        speedup = None
        print(f"  LiteLLM: not measured ({litellm_error})")
    print()
    print("provider failing after the first listing (restarted process, force_refresh):")
    print(f"  ours                    {ours_down_n:4d} models (tier {down.tier})")
    for warning in down.warnings:
        print(f"      warning: {warning}")
    if litellm_down_n is not None:
        print(f"  LiteLLM, cache expired  {litellm_down_n:4d} models")
        print(f"  (LiteLLM within its 5-minute cache still returned {litellm_cached_n})")

    cold_met = cold_ratio <= 1.5
    down_met = ours_down_n == N_MODELS and (litellm_down_n in (None, 0))
    warm_met = speedup is not None and speedup >= 10
    met = cold_met and down_met and warm_met
    print()
    print(
        f"targets: warm {'met' if warm_met else 'NOT met'}, cold {'met' if cold_met else 'NOT met'}, "
        f"provider down {'met' if down_met else 'NOT met'}"
    )
    print(
        json.dumps(
            {
                "bench": "resolve",
                "ours": round(warm_s * 1e6, 2),
                "baseline": round(litellm_warm_s * 1e6, 2) if litellm_warm_s else None,
                "ratio": round(speedup, 1) if speedup else None,
                "target": "warm call >= 10x faster than LiteLLM's cached get_valid_models (us/call); "
                f"cold <= 1.5x bare listing + minimal writes (got {cold_ratio:.2f}x); "
                f"provider down: ours {ours_down_n} models vs LiteLLM {litellm_down_n}",
                "met": met,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
