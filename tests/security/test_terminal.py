"""Provider text with terminal control sequences reaches the terminal visible, never raw.

The CLI runs as a subprocess (as a person runs it) against the fake providers, whose model ids,
names and error bodies carry ESC, OSC and C1 sequences.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry_core.cli.terminal import json_text, printable
from registry_standins.fake_providers import FakeProviderServer, Fault

from .conftest import ROOT

TITLE = "\x1b]0;pwned\x07gpt-title"
COLOUR = "\x1b[31mred\x1b[0m-model"
LINK = "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
C1 = "csi\x9b2J-clear"
OVERWRITE = "ok\rFAKE\x08\x7f"
HOSTILE_IDS = [TITLE, COLOUR, LINK, C1, OVERWRITE]
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile_fake() -> Iterator[FakeProviderServer]:
    with FakeProviderServer() as fake:
        fake.set_models("openai", [])
        for model_id in HOSTILE_IDS:
            fake.add_model("openai", model_id)
        fake.set_models("anthropic", [])
        fake.add_model("anthropic", "claude-x", display_name=f"Claude {LINK} {TITLE}")
        fake.inject(
            "mistral",
            Fault("status", status=500, body={"error": {"message": f"down {TITLE} {COLOUR}"}}),
        )
        yield fake


def _run(fake: FakeProviderServer, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.endswith(("_API_KEY", "_BASE_URL"))}
    env.update(fake.env(("openai", "anthropic", "mistral")))
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "REGISTRY_DATA_DIR": str(tmp_path),
            "REGISTRY_PROVIDERS": "openai,anthropic,mistral",
            "REGISTRY_ALLOW_HTTP": "true",
            "REGISTRY_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "registry_core", "-v", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def _text(done: subprocess.CompletedProcess) -> str:
    return done.stdout.decode("utf-8") + done.stderr.decode("utf-8")


def _assert_no_raw_controls(text: str) -> None:
    raw = sorted({f"{ord(c):#04x}" for c in RAW_CONTROL.findall(text)})
    assert not raw, f"raw control characters reached the terminal: {raw}"


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_discover_table_shows_sequences_as_visible_escapes(
    hostile_fake, tmp_path, provider
) -> None:
    done = _run(hostile_fake, tmp_path, "discover", provider, "--no-catalog")
    out = _text(done)
    assert done.returncode == 0, out
    _assert_no_raw_controls(out)
    if provider == "openai":
        # ids holding control characters are refused at the door (registry_core/ids.py) and
        # counted; what is printed about them is visible text
        assert "0 models from openai" in out and "refused" in out
    else:
        assert "\\x1b]0;pwned\\x07" in out and "\\x1b]8;;https://evil.example\\x07" in out


def test_discover_json_stays_json_and_keeps_the_values(hostile_fake, tmp_path) -> None:
    done = _run(hostile_fake, tmp_path, "discover", "anthropic", "--no-catalog", "--json")
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, _text(done)
    _assert_no_raw_controls(out)
    [model] = json.loads(out)
    assert model["model_name"] == f"Claude {LINK} {TITLE}"  # the value, escaped only as JSON


def test_refresh_models_and_check_print_nothing_raw(hostile_fake, tmp_path) -> None:
    refresh = _run(hostile_fake, tmp_path, "refresh")
    out = _text(refresh)
    _assert_no_raw_controls(out)
    assert "FAILED" in out and "\\x1b]0;pwned\\x07" in out  # mistral's error body, visible
    # the registry refuses ids with control characters (reported as unreadable cells), so
    # these print the rest; the id typed on the command line is echoed visibly
    for args in (("models",), ("models", "--json")):
        _assert_no_raw_controls(_text(_run(hostile_fake, tmp_path, *args)))
    check = _text(_run(hostile_fake, tmp_path, "check", "openai", COLOUR))
    _assert_no_raw_controls(check)
    assert "openai/\\x1b[31mred\\x1b[0m-model" in check


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain\ttab\nnew line", "plain\ttab\nnew line"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\x00\x07\x08\x0b\x0c\r\x1f\x7f", "\\x00\\x07\\x08\\x0b\\x0c\\x0d\\x1f\\x7f"),
        ("\x80\x9b\x9f", "\\x80\\x9b\\x9f"),
        ("ünïcödé 🚀 \xa0", "ünïcödé 🚀 \xa0"),  # printable text beyond C1 is left alone
    ],
)
def test_printable_table(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_json_text_escapes_c1_and_round_trips() -> None:
    value = {"id": "a\x1b[31m\x9b\x85é"}
    text = json_text(value)
    _assert_no_raw_controls(text)
    assert json.loads(text) == value and "é" in text
