"""Fixtures for a fresh install: the catalog seed only, no discovery yet (a module's own stack).

A test module imports :func:`backends` and :func:`dashboard` from here to override the package's
two-months-of-history stack; its first test presses "Discover all", as a newcomer would.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .stack import Backends, Dashboard, fresh_install, start_backends, start_dashboard


@pytest.fixture(scope="module")
def backends(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backends]:
    stack = start_backends(tmp_path_factory.mktemp("fresh-registry"))
    try:
        fresh_install(stack, discover=False)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def dashboard(backends: Backends, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    running = start_dashboard(backends.env, tmp_path_factory.mktemp("fresh-st") / "streamlit.log")
    try:
        yield running
    finally:
        running.stop()
