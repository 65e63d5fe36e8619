"""How the package is put together: one import path per name, one async bridge, errors matched
by type, no import cycle between refresh and service, no "may not exist yet" scaffolding."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "registry_core"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_refresh_never_imports_the_service() -> None:
    """The cycle refresh <-> service is gone: refresh depends on a protocol."""
    assert "registry_core.service" not in _imported_modules(PACKAGE / "refresh.py")
    top_level = {
        node.module
        for node in _tree(PACKAGE / "service.py").body
        if isinstance(node, ast.ImportFrom)
    }
    assert "registry_core.refresh" in top_level


@pytest.mark.parametrize("module", ["registry_core.resolver", "registry_core.resolution"])
def test_modules_export_only_what_they_define(module: str) -> None:
    """``resolver`` re-exported ``resolution`` and ``flight`` names, giving them two paths."""
    mod = importlib.import_module(module)
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue  # constants and type aliases
        defined_in = getattr(obj, "__module__", module)
        assert defined_in == module, f"{module}.{name} is defined in {defined_in}"


def test_one_sync_to_async_bridge() -> None:
    """Only ``flight.run_sync`` (and the discovery loop) start event loops."""
    offenders: list[str] = []
    for path in SOURCES:
        if path.name == "flight.py":
            continue
        for node in ast.walk(_tree(path)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "asyncio"
                and node.func.attr in ("run", "new_event_loop", "run_coroutine_threadsafe")
            ):
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


def test_errors_are_matched_by_type_not_by_string() -> None:
    offenders: list[str] = []
    for path in SOURCES:
        for node in ast.walk(_tree(path)):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            by_class = any(isinstance(s, ast.Attribute) and s.attr == "error_class" for s in sides)
            by_text = isinstance(node.ops[0], ast.In | ast.NotIn) and any(
                isinstance(s, ast.Call)
                and isinstance(s.func, ast.Name)
                and s.func.id == "str"
                and s.args
                and isinstance(s.args[0], ast.Name)
                and s.args[0].id == "exc"
                for s in sides
            )
            if by_class or by_text:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("name", ["service.py", "resolver.py"])
def test_no_module_may_not_exist_scaffolding(name: str) -> None:
    text = (PACKAGE / name).read_text(encoding="utf-8")
    assert "importlib" not in text
    assert "ModuleNotFoundError" not in text


def test_a_deleted_airtable_row_is_a_typed_error() -> None:
    from registry_core.errors import NotFoundError, RecordGoneError
    from registry_core.stores.airtable_http import _translate_422

    error = _translate_422("ROW_DOES_NOT_EXIST", "Record ID rec1 does not exist", "", what="x")
    assert isinstance(error, RecordGoneError) and isinstance(error, NotFoundError)


def test_make_test_runs_the_doctests_and_mypy_covers_the_dashboard() -> None:
    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    pytest_options = config["tool"]["pytest"]["ini_options"]
    assert "--doctest-modules" in pytest_options["addopts"]
    assert "registry_core" in pytest_options["testpaths"]
    assert {"registry_core", "pages", "app.py"} <= set(config["tool"]["mypy"]["files"])
    makefile = (PACKAGE.parent / "Makefile").read_text(encoding="utf-8")
    assert "$(VENV)/bin/mypy registry_core\n" not in makefile
