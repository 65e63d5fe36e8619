"""Status reads times like History and shows the in-memory tier's real TTL."""

from __future__ import annotations

import json


def test_memory_tier_shows_the_configured_ttl(app, registry, monkeypatch) -> None:
    monkeypatch.setenv("REGISTRY_CACHE_TTL", "5m")
    at = app("status")
    tiers = at.dataframe[0].value
    memory = tiers[tiers["Tier"] == "In-memory cache"]["State"].iloc[0]
    assert memory.startswith("TTL 5 min (REGISTRY_CACHE_TTL)"), memory


def test_runs_read_times_as_history_does(app, registry, with_fake_discovery) -> None:
    at = app("discover")
    at.button(key="discover_openai").click().run()
    at.switch_page("pages/status.py").run()
    status_runs = json.loads(at.dataframe[-2].proto.columns)
    at.switch_page("pages/history.py").run()
    history_runs = json.loads(at.dataframe[-1].proto.columns)
    assert status_runs["Started"]["type_config"] == history_runs["Started"]["type_config"]
    assert status_runs["Started"]["type_config"]["timezone"] == "UTC"
    assert status_runs["Message"]["width"] >= 200
