"""Where things live: the CLI is a package of command groups, and the test doubles are a
package of their own (``standins/``) that the product's wheel does not carry."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "registry_core"


def _config(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "old", ["cli_airtable", "cli_discover", "cli_resolver", "cli_lifecycle", "terminal", "testing"]
)
def test_the_old_module_paths_are_gone(old: str) -> None:
    """One import path per name: no shim left at the old place."""
    assert not (PACKAGE / f"{old}.py").exists()
    assert not (PACKAGE / old / "__init__.py").exists()  # (an ignored __pycache__ may stay)


def test_every_command_group_is_a_module_of_the_cli_package() -> None:
    from registry_core import cli

    assert Path(cli.__file__).parent == PACKAGE / "cli"
    groups = {p.stem for p in (PACKAGE / "cli").glob("*.py")} - {"__init__", "terminal"}
    assert set(cli._COMMAND_MODULES) == groups
    commands = cli.build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {"models", "discover", "setup-airtable", "refresh", "check", "recommend"} <= set(
        commands
    )
    assert {"scan", "alerts"} <= set(commands)


def test_the_wheel_carries_the_product_only() -> None:
    """The packages the main wheel's setuptools config selects: none of them is a test double."""
    find = _config(ROOT / "pyproject.toml")["tool"]["setuptools"]["packages"]["find"]
    packages = find_packages(str(ROOT), include=find["include"], exclude=find.get("exclude", ()))
    assert "registry_core" in packages and "registry_core.cli" in packages
    assert not [p for p in packages if "testing" in p or "standins" in p]


def test_the_standins_are_a_distribution_of_their_own() -> None:
    project = _config(ROOT / "standins" / "pyproject.toml")["project"]
    assert project["name"] == "team-model-registry-standins"
    import registry_standins

    assert Path(registry_standins.__file__).parent == ROOT / "standins" / "registry_standins"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-e ./standins" in makefile.split("$(STAMP):", 1)[1].split("\n\n", 1)[0]


def test_the_product_never_imports_the_standins() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if any(n.split(".")[0] == "registry_standins" for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
