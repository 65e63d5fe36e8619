"""Airtable requests used by a registry sync, against the local stand-in with rate limiting on.

Scenario (issue 4): the registry holds 2,000 models, a discovery run changed 20 of them. The
Airtable store reads the table (20 pages of 100) and writes only the 20 changed rows (2 batches
of 10): 22 requests, paced under 5 requests/s so that none is answered 429. A cold load of 5,000
records is 50 requests.

Baseline, measured in the same run: the straightforward approach — for every model, one lookup
by formula, then one create or update — on a sample of models (the full 2,000 would take over
13 minutes at 5 requests/s); its requests per model times 2,000 is the baseline figure.

Run: ``.venv/bin/python bench/airtable_sync.py``. The last line is the JSON result.
"""

from __future__ import annotations

import json
import time
from typing import Any

from pyairtable import Api
from pyairtable.formulas import match

from registry_core import records as R
from registry_core.plan import plan_for
from registry_core.records import ModelRecord
from registry_core.stores.airtable import AirtableStore
from registry_core.stores.airtable_schema import TABLE_SPECS
from registry_standins.airtable_server import DEFAULT_TOKEN, AirtableStandIn

MODELS = 2_000
CHANGED = 20
COLD = 5_000
SAMPLE = 25
LOCKOUT_S = 30.0  # Airtable's real lockout: a single 429 would show as a 30-second stall


def tables() -> list[dict[str, Any]]:
    return [
        {"name": s.default_name, "description": s.description, "fields": list(s.fields)}
        for s in TABLE_SPECS
    ]


def registry(n: int) -> list[ModelRecord]:
    return [
        ModelRecord(
            provider_id=("openai", "anthropic", "google", "mistral")[i % 4],
            model_id=f"model-{i:05d}",
            model_name=f"Model {i}",
            status="active",
            available=True,
            discovery_method="api",
            cost_per_1k=0.001 * (i % 7 + 1),
            max_tokens=128_000,
            features=("chat",),
            metadata={"raw": {"id": f"model-{i:05d}"}},
        )
        for i in range(n)
    ]


def store_for(server: AirtableStandIn, base: str) -> AirtableStore:
    return AirtableStore(
        DEFAULT_TOKEN, base, endpoint_url=server.url, requests_per_second=5.0, lockout_s=LOCKOUT_S
    )


def measure_sync(server: AirtableStandIn) -> tuple[int, int, float]:
    base = "appBenchSync00001"
    server.add_base(base, tables())
    records = registry(MODELS)
    server.seed(base, "AI Model Registry", [r.to_fields(omit_empty=True) for r in records])
    step = MODELS // CHANGED
    changed = [
        r.replace(cost_per_1k=9.99, status="deprecated") if i % step == 0 else r
        for i, r in enumerate(records)
    ]
    store = store_for(server, base)
    server.reset_log()
    started = time.perf_counter()
    store.list_models()
    result = store.upsert_models(changed)
    elapsed = time.perf_counter() - started
    assert result.updated == CHANGED and result.unchanged == MODELS - CHANGED, result
    return server.count_requests(base=base), server.count_requests(base=base, status=429), elapsed


def measure_plan(server: AirtableStandIn) -> tuple[int, int, int, float]:
    """The same sync through a write plan (what a refresh does): read, plan, ``apply_plan``.

    Returns (requests, of which reads of the rows to write, 429s, seconds). The plan path adds
    one read of the 20 rows to be written (by record id, up to 100 a request) and the version
    bump that the resolver always did after a write.
    """
    base = "appBenchPlan00001"
    server.add_base(base, tables())
    records = registry(MODELS)
    server.seed(base, "AI Model Registry", [r.to_fields(omit_empty=True) for r in records])
    store = store_for(server, base)
    server.reset_log()
    started = time.perf_counter()
    read = store.list_models().records
    step = MODELS // CHANGED
    pairs = [
        (r, r.replace(cost_per_1k=9.99, status="deprecated"))
        for i, r in enumerate(read)
        if i % step == 0
    ]
    outcome = store.apply_plan(plan_for(pairs))
    elapsed = time.perf_counter() - started
    assert outcome.updated == CHANGED and not outcome.conflicts, outcome
    reads = sum(1 for r in server.request_log if "RECORD_ID" in json.dumps([r.query, r.body]))
    return (
        server.count_requests(base=base),
        reads,
        server.count_requests(base=base, status=429),
        elapsed,
    )


def measure_cold_load(server: AirtableStandIn) -> tuple[int, int, int, float]:
    base = "appBenchCold00001"
    server.add_base(base, tables())
    server.seed(base, "AI Model Registry", [r.to_fields(omit_empty=True) for r in registry(COLD)])
    store = store_for(server, base)
    server.reset_log()
    started = time.perf_counter()
    loaded = store.list_models()
    elapsed = time.perf_counter() - started
    return (
        server.count_requests(base=base),
        server.count_requests(base=base, status=429),
        len(loaded.records),
        elapsed,
    )


def measure_naive(server: AirtableStandIn) -> float:
    """Requests per model of lookup-then-write, on SAMPLE models (no rate limit needed)."""
    base = "appBenchNaive0001"
    server.add_base(base, tables())
    records = registry(SAMPLE)
    server.seed(base, "AI Model Registry", [r.to_fields(omit_empty=True) for r in records])
    table = Api(DEFAULT_TOKEN, endpoint_url=server.url).table(base, "AI Model Registry")
    server.set_rate_limit(None)
    server.reset_log()
    for record in records:
        found = table.first(
            formula=match({R.PROVIDER_ID: record.provider_id, R.MODEL_ID: record.model_id})
        )
        fields = record.replace(notes="touched").to_fields(omit_empty=True)
        if found is None:
            table.create(fields)
        else:
            table.update(found["id"], fields)
    used = server.count_requests(base=base)
    server.set_rate_limit(5.0, LOCKOUT_S)
    return used / SAMPLE


def main() -> None:
    with AirtableStandIn(rate_limit=5.0, lockout_s=LOCKOUT_S) as server:
        sync_used, sync_429, sync_s = measure_sync(server)
        plan_used, plan_reads, plan_429, plan_s = measure_plan(server)
        cold_used, cold_429, cold_rows, cold_s = measure_cold_load(server)
        per_model = measure_naive(server)
    minimum_sync = MODELS // 100 + -(-CHANGED // 10)
    minimum_cold = -(-COLD // 100)
    baseline = per_model * MODELS
    print(f"stand-in: 5 requests/s per base, {LOCKOUT_S:.0f} s lockout after a 429")
    print(
        f"sync of {MODELS:,} models, {CHANGED} changed: {sync_used} requests "
        f"(minimum {minimum_sync} = {MODELS // 100} list pages + {-(-CHANGED // 10)} write "
        f"batches), {sync_429} answered 429, {sync_s:.1f} s"
    )
    print(
        f"same sync through apply_plan: {plan_used} requests ({MODELS // 100} list pages + "
        f"{plan_reads} read(s) of the rows to write + {-(-CHANGED // 10)} write batches + 1 "
        f"version bump), {plan_429} answered 429, {plan_s:.1f} s"
    )
    print(
        f"cold load of {COLD:,} records: {cold_used} requests (minimum {minimum_cold}), "
        f"{cold_rows:,} records, {cold_429} answered 429, {cold_s:.1f} s"
    )
    print(
        f"straightforward approach (lookup + write per model), measured on {SAMPLE} models: "
        f"{per_model:.1f} requests per model -> {baseline:,.0f} requests for {MODELS:,} models"
    )
    ratio = baseline / sync_used if sync_used else float("inf")
    print(f"ratio: {ratio:.1f}x fewer requests than the straightforward approach")
    met = (
        sync_used == minimum_sync
        and cold_used == minimum_cold
        and sync_429 == 0
        and cold_429 == 0
        and cold_rows == COLD
    )
    print(
        json.dumps(
            {
                "bench": "airtable_sync",
                "ours": sync_used,
                "plan_requests": plan_used,
                "baseline": round(baseline),
                "ratio": round(ratio, 1),
                "target": f"sync {MODELS} models/{CHANGED} changed in exactly {minimum_sync} "
                f"requests, cold load {COLD} in {minimum_cold}, no 429",
                "met": met,
            }
        )
    )


if __name__ == "__main__":
    main()
