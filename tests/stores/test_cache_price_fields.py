"""Cache price fields (issue 14): setup-airtable adds them to an existing base, rows untouched;
the row parser reads them with the cost fields' plausible range; SQLite keeps them as cells."""

from __future__ import annotations

from registry_core import records as R
from registry_core.airtable_setup import run_setup
from registry_core.records import ModelRecord, parse_row
from registry_core.stores.sqlite import SQLiteStore
from registry_standins.airtable_server import AirtableStandIn

from .conftest import MODELS_TABLE, new_base_id, table_specs
from .test_airtable_setup import _settings

CACHE = (R.CACHE_READ_COST_PER_1K, R.CACHE_WRITE_COST_PER_1K)


def test_setup_adds_the_cache_fields_to_an_existing_base_without_touching_rows(
    standin: AirtableStandIn,
) -> None:
    base = new_base_id()
    specs = table_specs()
    specs[0]["fields"] = [f for f in specs[0]["fields"] if f["name"] not in CACHE]
    standin.add_base(base, specs)  # a base set up before the cache fields existed
    standin.seed(base, MODELS_TABLE, [{R.PROVIDER_ID: "anthropic", R.MODEL_ID: "claude-opus-4-6"}])
    before = standin.records(base, MODELS_TABLE)

    report = run_setup(_settings(standin, base))

    assert [a.describe() for a in report.plan.actions] == [
        f"add field '{name}' (currency) to 'AI Model Registry'" for name in CACHE
    ]
    fields = {
        f["name"]: f
        for t in standin.schema(base)["tables"]
        if t["name"] == MODELS_TABLE
        for f in t["fields"]
    }
    assert all(fields[name]["options"]["precision"] == 6 for name in CACHE)
    assert standin.records(base, MODELS_TABLE) == before
    assert run_setup(_settings(standin, base)).plan.nothing_to_do


def test_row_parser_reads_cache_prices_with_the_cost_range() -> None:
    parsed = parse_row(
        {
            R.PROVIDER_ID: "anthropic",
            R.MODEL_ID: "claude-opus-4-6",
            R.CACHE_READ_COST_PER_1K: "0.0005",
            R.CACHE_WRITE_COST_PER_1K: 1e9,
        }
    )
    assert parsed.record is not None
    assert parsed.record.cache_read_cost_per_1k == 0.0005
    assert parsed.record.cache_write_cost_per_1k is None
    assert [w.field for w in parsed.warnings] == [R.CACHE_WRITE_COST_PER_1K]


def test_sqlite_keeps_cache_prices(tmp_path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    record = ModelRecord(
        "anthropic",
        "claude-opus-4-6",
        cache_read_cost_per_1k=0.0005,
        cache_write_cost_per_1k=0.00625,
    )
    store.upsert_models([record])
    loaded = store.list_models().records[0]
    assert (loaded.cache_read_cost_per_1k, loaded.cache_write_cost_per_1k) == (0.0005, 0.00625)
    assert record.to_dict()["cache_write_cost_per_1k"] == 0.00625  # the Python API


def test_seeded_rows_carry_the_catalogs_cache_prices() -> None:
    from registry_core.catalog import load_catalog

    seeded = {r.model_id: r for r in load_catalog().records_for("anthropic")}
    opus = seeded["claude-opus-4-6"]
    assert (opus.cache_read_cost_per_1k, opus.cache_write_cost_per_1k) == (0.0005, 0.00625)
    assert opus.provenance[R.CACHE_WRITE_COST_PER_1K] == "catalog"
