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


def _readme_tree() -> set[str]:
    """The paths the README's "How the code is laid out" tree names (files and folders/)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## How the code is laid out\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\n", 1)[1].split("```", 1)[0]
    stack: list[str] = []
    paths: set[str] = set()
    for line in block.splitlines():
        depth = (len(line) - len(line.lstrip(" "))) // 2
        for token in line.split():
            if not token.endswith(("/", ".py")):
                break  # the rest of the line describes it
            path = "/".join([*stack[:depth], token.rstrip("/")])
            paths.add(path + ("/" if token.endswith("/") else ""))
            if token.endswith("/"):
                stack = [*stack[:depth], token.rstrip("/")]
    return paths


_LAID_OUT = (
    "registry_core",
    "registry_core/providers",
    "registry_core/stores",
    "registry_core/cli",
    "pages",
    "pages/_ui",
    "standins/registry_standins",
    "bench",
    "scripts",
)


def test_the_readme_lays_out_every_module_and_only_real_ones() -> None:
    listed = _readme_tree()
    on_disk = {
        p.relative_to(ROOT).as_posix() for folder in _LAID_OUT for p in (ROOT / folder).glob("*.py")
    }
    in_folders = {p for p in listed if p.rpartition("/")[0] in _LAID_OUT and p.endswith(".py")}
    assert sorted(on_disk - listed) == [], "modules missing from the README's layout"
    assert sorted(in_folders - on_disk) == [], "the README's layout names modules that are gone"
    test_dirs = {
        f"tests/{p.name}/" for p in (ROOT / "tests").iterdir() if (p / "__init__.py").exists()
    }
    listed_test_dirs = {p for p in listed if p.startswith("tests/") and p.endswith("/")}
    assert listed_test_dirs - {"tests/"} == test_dirs
