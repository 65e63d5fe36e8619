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
