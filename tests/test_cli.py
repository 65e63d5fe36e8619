"""The command line: ``python -m registry_core``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from registry_core.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_models_json_prints_the_seeded_registry(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--provider", "openai", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) >= 20
    assert {row["provider_id"] for row in rows} == {"openai"}
    priced = [row for row in rows if row["cost_per_1k"] is not None]
    assert priced, "the catalog seeds costs"
    assert all(row["discovery_method"] == "fallback" for row in rows)
    assert all(isinstance(row["metadata"], dict) for row in rows)


def test_models_table_names_the_tier(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--provider", "anthropic"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PROVIDER")
    assert "models from the registry tier (sqlite)" in out


def test_bad_configuration_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRTABLE_MODE", "sometimes")
    assert main(["models"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: AIRTABLE_MODE='sometimes'")


def test_module_help_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "registry_core", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    for command in ("models", "discover", "setup-airtable", "refresh", "check", "recommend"):
        assert command in out


def test_registry_core_never_imports_streamlit() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "registry_core").rglob("*.py")
        if any(
            line.strip().startswith(("import streamlit", "from streamlit"))
            for line in path.read_text().splitlines()
        )
    ]
    assert offenders == []


def test_recommend_on_an_unverified_registry_says_nothing_was_verified(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["recommend", "openai"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip()  # a model id
    assert "nothing of openai has been verified yet" in captured.err
    assert main(["recommend", "openai", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["verified"] is False
    assert any("has been verified yet" in w for w in answer["warnings"])


def test_recommend_an_unknown_provider_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["recommend", "nosuchprovider"]) == 3
    err = capsys.readouterr().err
    assert "unknown provider 'nosuchprovider'" in err and "openai" in err
    assert "registry is empty" not in err  # it holds the seeded catalog
