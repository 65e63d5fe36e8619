"""A secrets file that does not parse closes the app; it never switches sign-in off.

The file is read the way the real server reads it: through Streamlit's ``secrets.files``
option, not AppTest's ``secrets=`` stand-in (which never parses a file).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config

from pages._ui.safe import plain
from pages._ui.secrets_files import secrets_problem

from .test_shell import PAGES

VALID_AUTH = """\
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "a-long-random-cookie-secret"
client_id = "registry-dashboard"
client_secret = "not-a-real-client-secret"
server_metadata_url = "https://accounts.example/.well-known/openid-configuration"
"""
#: One typo on another line: the closing quote is missing.
BROKEN_LINE = 'REGISTRY_EDITORS = "ana@example.com\n'


@pytest.fixture
def secrets_file(tmp_path: Path) -> Iterator[Path]:
    """The only secrets file Streamlit reads during the test (its ``secrets.files`` option)."""
    path = tmp_path / ".streamlit" / "secrets.toml"
    path.parent.mkdir()
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path)])
    st.secrets._reset()
    try:
        yield path
    finally:
        config.set_option("secrets.files", before)
        st.secrets._reset()


def _page_text(at) -> str:
    return "\n".join(
        plain(str(getattr(node, "value", "") or getattr(node, "label", "") or ""))
        for node in at.main
    )


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_malformed_secrets_file_closes_every_page(app, registry, secrets_file, page) -> None:
    secrets_file.write_text(VALID_AUTH + "\n" + BROKEN_LINE)
    at = app(user={"is_logged_in": False})
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]

    errors = [plain(e.value) for e in at.error]
    assert len(errors) == 1, errors
    assert "The configuration cannot be read" in errors[0]
    assert str(secrets_file) in errors[0] and "line 8" in errors[0]
    assert "ana@example.com" not in errors[0]  # where the problem is, never the file's text
    # nothing of the registry, no edit form, no discovery, no claim that sign-in is off
    assert not at.dataframe and not at.get("arrow_data_frame")
    assert not at.button and not at.text_input and not at.selectbox
    assert not at.get("form")
    assert "Sign-in is" not in _page_text(at)
    assert not at.sidebar.multiselect  # the filters are page content too


def test_the_same_file_fixed_asks_for_sign_in(app, registry, secrets_file) -> None:
    secrets_file.write_text(VALID_AUTH + 'REGISTRY_EDITORS = "ana@example.com"\n')
    at = app(user={"is_logged_in": False})
    assert not at.error
    assert {info["page_name"] for info in at._registered_pages.values()} == {"Sign in"}
    assert [b.label for b in at.button] == ["Sign in"]


def test_no_auth_section_in_a_file_that_parses_is_the_open_app(app, registry, secrets_file) -> None:
    secrets_file.write_text('REGISTRY_EDITORS = "ana@example.com"\n')
    at = app(user={"is_logged_in": False})
    assert not at.error
    assert len(at.dataframe[0].value) == 6


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, None),  # no file at all: nothing to read, the environment is enough
        ('A = "b"\n', None),
        ('A = "b\n', "is not valid TOML"),
        ("[auth]\n[auth]\n", "is not valid TOML"),  # a repeated table
        (b"A = '\xff'\n", "is not UTF-8 text"),
    ],
)
def test_secrets_problem_reads_each_file(tmp_path: Path, content, expected) -> None:
    path = tmp_path / "secrets.toml"
    if isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    found = secrets_problem([str(path)])
    assert (found is None) if expected is None else (expected in found and str(path) in found)


def test_secrets_problem_checks_directories_and_bad_paths(tmp_path: Path) -> None:
    good = tmp_path / "k8s"
    (good / "openai").mkdir(parents=True)
    (good / "openai" / "OPENAI_API_KEY").write_text("sk-x")
    assert secrets_problem([str(good)]) is None
    (good / "stray-file").write_text("x")
    assert "is not a folder" in (secrets_problem([str(good)]) or "")
    assert "neither a .toml file nor a directory" in (
        secrets_problem([str(tmp_path / "missing-dir")]) or ""
    )
