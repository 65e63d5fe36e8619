"""One memory-tier setting: REGISTRY_CACHE_TTL drives the resolver's cache and the dashboard's
``st.cache_data``; the bounded memo tables evict one entry instead of clearing all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from registry_core.cache import LRUMap, TTLCache
from registry_core.config import Settings, cache_ttl_or_default
from registry_core.resolver import Resolver
from registry_core.service import ModelRegistryService
from registry_core.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]


def test_the_resolver_cache_follows_registry_cache_ttl(tmp_path: Path) -> None:
    settings = Settings.from_env({"REGISTRY_CACHE_TTL": "5m", "REGISTRY_DATA_DIR": str(tmp_path)})
    resolver = Resolver(SQLiteStore(tmp_path / "r.db"), settings=settings)
    assert isinstance(resolver.cache, TTLCache)
    assert resolver.cache.ttl_s == 300.0 == settings.cache_ttl_s


def test_the_dashboard_cache_ttl_follows_registry_cache_ttl() -> None:
    """``pages._ui.CACHE_TTL_S`` was a hard-coded 3600 for every ``st.cache_data``."""
    env = {**os.environ, "REGISTRY_CACHE_TTL": "5m", "PYTHONPATH": str(ROOT)}
    code = "import pages._ui as ui; print(ui.CACHE_TTL_S)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "300.0"


def test_an_invalid_ttl_never_breaks_the_dashboard_import() -> None:
    assert cache_ttl_or_default({"REGISTRY_CACHE_TTL": "soon"}) == 3600.0
    assert cache_ttl_or_default({}) == 3600.0


def test_ttl_cache_entries_expire_on_their_own_ttl_and_evict_lru() -> None:
    now = [0.0]
    cache = TTLCache(ttl_s=100, max_entries=2, clock=lambda: now[0])
    cache.set("long", 1)
    cache.set("short", 2, ttl_s=5)
    now[0] = 6.0
    assert cache.get("short") is None and cache.get("long") == 1
    cache.set("b", 3)
    cache.set("c", 4)  # full: the least recently used ("long") goes
    assert cache.get("long") is None and cache.get("b") == 3 and cache.get("c") == 4


def test_a_full_memo_table_evicts_one_entry_not_all() -> None:
    memo: LRUMap[int, int] = LRUMap(256)
    for i in range(257):
        memo.set(i, i)
    assert len(memo) == 256
    assert memo.get(0) is None and memo.get(1) == 1 and memo.get(256) == 256


def _service(tmp_path: Path) -> ModelRegistryService:
    settings = Settings.from_env({"REGISTRY_DATA_DIR": str(tmp_path)})
    store = SQLiteStore(tmp_path / "r.db")
    return ModelRegistryService(
        store, settings, Resolver(store, settings=settings), credentials=lambda: []
    )


def test_service_and_resolver_memo_tables_evict(tmp_path: Path) -> None:
    service = _service(tmp_path)
    assert isinstance(service._resolved, LRUMap)
    assert isinstance(service.resolver._key_prefixes, LRUMap)


def test_a_provider_without_credential_names_the_variables_really_read(tmp_path: Path) -> None:
    """The old hint was f"set {provider.upper()}_API_KEY": "set AZURE_API_KEY"."""
    reports = _service(tmp_path).discover(["azure", "ollama", "openai_compatible"])
    hints = {r.provider_id: r.error.hint for r in reports if r.error is not None}
    assert hints == {
        "azure": "set AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT",
        "ollama": "set OLLAMA_HOST",
        "openai_compatible": "set OPENAI_COMPATIBLE_BASE_URL",
    }
