"""The layers keep their promises: core imports no UI library, only core/repo imports pymongo."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI_LIBRARIES = {"textual", "typer", "rich", "click"}
DRIVER_LIBRARIES = {"pymongo", "bson", "gridfs"}


def imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def python_files(folder: str) -> list[Path]:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert files, f"no Python files found under {folder}/"
    return files


def test_core_imports_no_ui_library():
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_modules(path) & UI_LIBRARIES)
        for path in python_files("core")
        if imported_top_modules(path) & UI_LIBRARIES
    }
    assert offenders == {}


def test_only_the_repository_layer_imports_the_driver():
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_modules(path) & DRIVER_LIBRARIES)
        for folder in ("core", "console", "kiosk", "screens")
        for path in python_files(folder)
        if imported_top_modules(path) & DRIVER_LIBRARIES
        and not path.is_relative_to(ROOT / "core" / "repo")
    }
    assert offenders == {}


def test_uis_never_reach_into_repositories():
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("console", "kiosk", "screens")
        for path in python_files(folder)
        if any(module.startswith("core.repo") for module in _dotted_imports(path))
    ]
    assert offenders == []


def _dotted_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
    return names
