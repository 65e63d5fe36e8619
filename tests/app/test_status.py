"""Status: the store's health with the fix, tiers, access, runs, versions."""

from __future__ import annotations


def test_status_page(app, registry) -> None:
    at = app("status")
    assert at.success[0].value.startswith("sqlite at `")
    assert "reachable, writable, schema complete" in at.success[0].value
    tiers = at.dataframe[0].value
    assert list(tiers["Tier"]) == [
        "In-memory cache",
        "Registry (SQLite)",
        "Snapshot",
        "Reference catalog",
    ]
    assert "Sign-in is **off**" in "\n".join(m.value for m in at.markdown)
    versions = at.dataframe[-1].value
    assert "Registry version marker" in set(versions["Component"])
    at.button(key="status_recheck").click().run()
    assert not at.exception


def test_status_lists_unreadable_cells(app, registry) -> None:
    registry.put_raw_rows(
        [{"Provider ID": "openai", "Model ID": "typo", "Cost per 1K tokens": "$0.50"}]
    )
    registry.bump_version()
    at = app("status")
    labels = [e.label for e in at.expander]
    assert any("registry cells could not be read" in label for label in labels)


def test_status_shows_the_configured_cache_ttl(app, registry, monkeypatch) -> None:
    """The Status page said "TTL 60 min" whatever REGISTRY_CACHE_TTL was."""
    monkeypatch.setenv("REGISTRY_CACHE_TTL", "5m")
    at = app("status")
    tiers = at.dataframe[0].value
    state = dict(zip(tiers["Tier"], tiers["State"], strict=True))["In-memory cache"]
    assert state.startswith("TTL 5 min,")
