"""``discover PROVIDER``: a table with provenance marks, JSON, and one-line errors (exit 2)."""

from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

from registry_core.cli import discover as cli_discover
from registry_standins.fake_providers import FakeProviderServer


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    cli_discover.add_parser(sub)
    return parser.parse_args(["discover", *argv])


def call(
    argv: list[str], env: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    code = cli_discover.run(parse(argv), env=env)
    out, err = capsys.readouterr()
    return code, out, err


def test_table_with_provenance(
    fake: FakeProviderServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = call(["anthropic"], fake.env(), capsys)
    assert code == 0
    assert "claude-opus-4-6" in out and "200,000 (p)" in out
    assert "(c)" in out  # prices come from the catalog
    assert "3 models from anthropic/default" in out


def test_json_output(fake: FakeProviderServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(["xai", "--json", "--no-catalog"], fake.env(), capsys)
    rows = json.loads(out)
    assert code == 0 and rows[0]["model_id"] == "grok-4-0709"
    assert rows[0]["provenance"]["Cost per 1K tokens"] == "provider"
    assert rows[0]["verification"]["method"] == "list"


def test_validate_and_base_url_flags(
    fake: FakeProviderServer, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"OPENAI_API_KEY": fake.keys["openai"]}
    code, out, _ = call(
        ["openai", "--base-url", fake.base_url("openai"), "--validate", "retrieve", "--json"],
        env,
        capsys,
    )
    assert code == 0
    assert {r["verification"]["method"] for r in json.loads(out)} == {"retrieve"}


def test_named_credential(fake: FakeProviderServer, capsys: pytest.CaptureFixture[str]) -> None:
    env = {
        "REGISTRY_CREDENTIAL__GROQ__ACME": fake.keys["groq"],
        "REGISTRY_BASE_URL__GROQ__ACME": fake.base_url("groq"),
    }
    code, out, _ = call(["groq", "--credential", "acme"], env, capsys)
    assert code == 0 and "models from groq/acme" in out


@pytest.mark.parametrize(
    ("argv", "env_update", "message"),
    [
        (
            ["openai"],
            {"OPENAI_API_KEY": "sk-wrong-key-1234567890abcdef"},
            "rejected the credentials",
        ),
        (["openai", "--credential", "nope"], {}, "no OpenAI credential named 'nope'"),
        (["openai", "--base-url", "http://10.0.0.1/v1"], {}, "private address"),
        (["cohere"], {"CO_API_KEY": ""}, "CO_API_KEY"),
    ],
)
def test_failures_print_one_line_and_exit_2(
    fake: FakeProviderServer,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env_update: dict[str, str],
    message: str,
) -> None:
    env = {**fake.env(), **env_update}
    code, out, err = call(argv, env, capsys)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert "sk-wrong-key-1234567890abcdef" not in err
