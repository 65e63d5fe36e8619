"""The provider table is the one place a provider's identity lives; everything else agrees with it.

Each test here would fail on the old code: hints were built as ``f"{p.upper()}_API_KEY"``
("set AZURE_API_KEY", "set OLLAMA_API_KEY"), filters had their own labels (five providers that
do not exist, no ``openai_compatible``) and the README's table was written by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from registry_core import filters
from registry_core.errors import AuthError, ConfigError
from registry_core.provider_table import (
    PROVIDER_TABLE,
    ProviderSpec,
    display_name,
    enable_hint,
    spec_for,
)
from registry_core.providers import MODULES, PROVIDERS, credentials_from_env
from registry_core.providers._common import make_context
from registry_core.resolution import describe_failure

README = Path(__file__).resolve().parents[2] / "README.md"
SPECS = list(PROVIDER_TABLE.values())
_VAR = re.compile(r"`([A-Z][A-Z0-9_]{2,})`")


def _readme_rows() -> list[list[str]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| Provider | Key | Base URL override |")
    rows: list[list[str]] = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def _row_for(spec: ProviderSpec, rows: list[list[str]]) -> list[str]:
    matches = [
        r for r in rows if r[0] == spec.display_name or r[0].startswith(f"{spec.display_name} (")
    ]
    assert len(matches) == 1, f"README's credential table has no single row for {spec.display_name}"
    return matches[0]


def test_every_adapter_takes_its_identity_from_the_table() -> None:
    assert list(MODULES) == list(PROVIDER_TABLE)
    for pid, module in MODULES.items():
        assert module.SPEC is PROVIDER_TABLE[pid]
        assert PROVIDERS[pid] is PROVIDER_TABLE[pid]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_retrieve_and_probe_flags_match_what_the_adapter_can_do(spec: ProviderSpec) -> None:
    module = MODULES[spec.id]
    can_retrieve = hasattr(module, "retrieve") or hasattr(module, "retrieve_all")
    assert spec.can_retrieve == can_retrieve
    assert spec.can_probe == hasattr(module, "probe_request")
    assert not hasattr(module, "list_models"), "the dead list_models contract is gone"
    assert spec.docs_url.startswith("https://")


def test_readme_credential_table_matches_the_provider_table() -> None:
    rows = _readme_rows()
    assert len(rows) == len(SPECS), "one README row per provider, no more"
    for spec in SPECS:
        _, key_cell, base_cell = _row_for(spec, rows)
        assert _VAR.findall(key_cell) == list(spec.key_env), spec.id
        assert _VAR.findall(base_cell) == list(spec.base_url_env), spec.id
        row_text = key_cell + base_cell
        for var in spec.enable_vars:
            assert var in row_text


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_the_enable_hint_names_exactly_what_makes_discovery_work(spec: ProviderSpec) -> None:
    """Setting the hint's variables (the first of each group) is enough; leaving any group out
    is not: the provider is then not configured, or discovery refuses it for a missing key or
    base URL."""
    hint = enable_hint(spec.id)
    assert hint.startswith("set ")
    for var in spec.enable_vars:
        assert var in hint
    made_up = f"{spec.id.upper()}_API_KEY"  # what the old hint said for every provider
    if made_up not in spec.enable_vars:
        assert made_up not in hint

    def usable(env: dict[str, str]) -> bool:
        creds = [c for c in credentials_from_env(env) if c.provider_id == spec.id]
        if not creds:
            return False
        cred = creds[0]
        if spec.key_required and not cred.secret:
            return False
        try:
            make_context(spec, {}, None, cred)
        except ConfigError:
            return False
        return True

    values = {"_BASE_URL": "https://example.com/v1", "ENDPOINT": "https://res.openai.azure.com"}

    def value(var: str) -> str:
        if var == "OLLAMA_HOST":
            return "127.0.0.1"
        return next((v for k, v in values.items() if var.endswith(k)), "key-value-123")

    everything = {group[0]: value(group[0]) for group in spec.enabled_by}
    assert usable(everything), f"{hint!r} is not enough to enable {spec.id}"
    for left_out in spec.enabled_by:
        partial = {k: v for k, v in everything.items() if k != left_out[0]}
        if partial == everything:
            continue
        assert not usable(partial), f"{left_out} is named in the hint but not needed"


@pytest.mark.parametrize(
    ("provider", "expected", "wrong"),
    [
        ("azure", "set AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT", "AZURE_API_KEY"),
        ("ollama", "set OLLAMA_HOST", "OLLAMA_API_KEY"),
        ("openai_compatible", "set OPENAI_COMPATIBLE_BASE_URL", "OPENAI_COMPATIBLE_API_KEY"),
        ("google", "set GEMINI_API_KEY or GOOGLE_API_KEY", "set GOOGLE_API_KEY"),
        ("cohere", "set CO_API_KEY or COHERE_API_KEY", "set COHERE_API_KEY"),
    ],
)
def test_hints_name_the_variables_the_product_reads(
    provider: str, expected: str, wrong: str
) -> None:
    assert enable_hint(provider) == expected
    assert not enable_hint(provider).startswith(wrong)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_error_fixes_name_the_variables_the_product_reads(spec: ProviderSpec) -> None:
    auth = describe_failure(spec.id, AuthError("401 from the provider", status=401))
    assert auth.startswith(f"the {spec.display_name} key was rejected (401): check ")
    assert spec.key_env[0] in auth
    config = describe_failure(spec.id, ConfigError("no base URL"))
    assert config.endswith(f"{spec.enable_hint} and try again")
    made_up = f"{spec.id.upper()}_API_KEY"
    if made_up not in spec.key_env:
        assert made_up not in auth + config


def test_azure_errors_never_say_azure_api_key() -> None:
    text = describe_failure("azure", AuthError("rejected", status=401))
    text += describe_failure("azure", ConfigError("no endpoint"))
    assert "AZURE_API_KEY" not in text
    assert "AZURE_OPENAI_API_KEY" in text and "AZURE_OPENAI_ENDPOINT" in text


def test_filter_labels_come_from_the_table() -> None:
    for spec in SPECS:
        assert filters.provider_label(spec.id) == spec.display_name
    assert filters.provider_label("openai_compatible") == "OpenAI-compatible server"
    # providers that do not exist here are shown as written, not given a made-up name
    assert filters.provider_label("bedrock") == "bedrock"
    assert not hasattr(filters, "PROVIDER_LABELS")


def test_unknown_provider_is_shown_as_written() -> None:
    assert display_name("acme") == "acme"
    with pytest.raises(KeyError):
        spec_for("acme")
