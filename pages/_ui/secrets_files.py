"""Whether the secrets files Streamlit reads can be read: a broken one stops the app.

``st.secrets`` raises on a file that does not parse, and a dashboard that treats that as "no
secrets" would also see no ``[auth]`` section and switch sign-in off: one typo on any line would
open every page, the edit form and discovery to anyone. So the files are checked here, with the
same rules Streamlit applies, before anything else: ``app.py`` shows the problem on every page
and runs none of them. The app is open only when a file that parsed has no ``[auth]``.

The files are those of Streamlit's ``secrets.files`` option: by default
``~/.streamlit/secrets.toml``, ``.streamlit/secrets.toml`` of the working directory and, when it
differs, ``.streamlit/secrets.toml`` next to ``app.py``; an entry may also be a directory of
Kubernetes-style secret folders.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from pathlib import Path


def secrets_locations() -> list[str]:
    """Where Streamlit reads secrets from in this process (its ``secrets.files`` option)."""
    from streamlit import config

    return [str(p) for p in config.get_option("secrets.files") or []]


def _check_toml(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None  # the usual case for one of the default locations
    except OSError as exc:
        return f"{path} could not be opened ({exc.strerror or type(exc).__name__})"
    try:
        tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return f"{path} is not UTF-8 text"
    except tomllib.TOMLDecodeError as exc:
        # tomllib says where ("Unterminated string (at line 3, column 9)"), never the text
        return f"{path} is not valid TOML: {exc}"
    return None


def _check_directory(path: Path) -> str | None:
    try:
        entries = sorted(os.listdir(path))
    except OSError as exc:
        return f"{path} could not be listed ({exc.strerror or type(exc).__name__})"
    for name in entries:
        if not (path / name).is_dir():
            return f"{path / name} is not a folder (each secret needs its own folder in {path})"
    return None


def secrets_problem(locations: Iterable[str] | None = None) -> str | None:
    """Why the secrets cannot be read, in one line; ``None`` when they can (or there are none).

    Never raises: a check that fails for an unexpected reason is itself reported as a problem,
    so the app stays closed rather than open.
    """
    try:
        for entry in secrets_locations() if locations is None else locations:
            path = Path(entry).expanduser()
            if entry.endswith(".toml"):
                problem = _check_toml(path)
            elif path.is_dir():
                problem = _check_directory(path)
            else:
                problem = f"{path} is neither a .toml file nor a directory (secrets.files)"
            if problem:
                return problem
    except Exception as exc:
        return f"the secrets files could not be checked ({type(exc).__name__})"
    return None
