"""Architecture contracts: import layers, no import circles, one home per helper.

The layers and independence rules live in ``[tool.importlinter]`` in pyproject.toml
and are checked by ``lint-imports``; the checks below read the source itself.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "console", "kiosk", "screens", "server", "client")


def modules() -> dict[str, Path]:
    """Every module of the project by dotted name (a package by its own name)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports anywhere in its file: at module level, inside
    functions, under TYPE_CHECKING. ``from a import b`` counts as ``a.b`` if that is a module."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            candidates = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in known:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
                break
    return targets


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(name, path, known) for name, path in known.items()}


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            step = next(successors, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_circle_finder_finds_a_circle_through_three_modules_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}}
    assert circles(graph) == [{"a", "b", "c"}]


def test_no_module_imports_one_that_imports_it_back():
    graph = import_graph()
    assert "core.services.booking" in graph and graph["kiosk.app"]  # the graph was read
    assert [sorted(circle) for circle in circles(graph)] == []


def core_python_files(*, skip: tuple[str, ...] = ()) -> Iterator[tuple[str, ast.AST]]:
    for path in sorted((ROOT / "core").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(skip):
            yield relative, ast.parse(path.read_text(encoding="utf-8"))


def test_only_the_repositories_write_mongo_query_operators():
    operator = re.compile(r"^\$[A-Za-z]+$")
    found = [
        f"{relative}:{node.lineno}: {node.value}"
        for relative, tree in core_python_files(skip=("core/repo/",))
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and operator.match(node.value)
    ]
    assert found == []


def test_the_repositories_raise_the_errors_of_core_errors():
    # A service catching a repository's exception should not import the repository for it.
    found = [
        f"{relative}:{node.lineno}: {node.name}"
        for relative, tree in core_python_files()
        if relative.startswith("core/repo/")
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(base, ast.Name) and base.id.endswith(("Exception", "Error"))
            for base in node.bases
        )
    ]
    assert found == []


def test_the_clock_has_one_home():
    # The booking engine keeps a one-line _now (and one timestamp conversion) until
    # it is split into commands; core/clock.py is the only other place time is read.
    pending = ("core/services/booking.py", "core/services/aftersales.py")
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "core/clock.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == "Clock" for target in node.targets
                ):
                    found.append(f"{relative}:{node.lineno}: Clock defined again")
                if relative in pending:
                    continue
                if isinstance(node, ast.FunctionDef) and node.name == "_now":
                    found.append(f"{relative}:{node.lineno}: _now defined again")
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "fromtimestamp"
                    and len(node.args) == 2
                ):
                    found.append(f"{relative}:{node.lineno}: a UTC time made by hand")
    assert found == []


def test_the_import_contracts_hold():
    """``lint-imports`` with the contracts in pyproject.toml: layers, core free of UI
    libraries, web frameworks and terminals, MongoDB only in the repositories, the
    client and the API contract free of services and repositories, kiosk and console
    independent, no package or module importing one that imports it back; the
    terminals reach the server only through the client, the server imports no terminal
    or client and reaches the repositories only through the services."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint is not None, "import-linter is part of the test extra"
    result = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=100
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 13 kept, 0 broken." in result.stdout
    kept = " ".join(result.stdout.split())  # long names wrap
    for contract in (
        "The terminals reach the server only through the client and the API contract KEPT",
        "The server imports no terminal, no CLI and no client KEPT",
        "The server reaches the repositories only through the services KEPT",
    ):
        assert contract in kept


def textual_private_names() -> set[str]:
    """The private attributes (``_name``) of Textual's App, Screen and Widget."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widget import Widget

    found = set()
    for instance in (App(), Screen(), Widget()):
        for name in set(vars(instance)) | set(dir(type(instance))):
            if name.startswith("_") and not name.startswith("__"):
                found.add(name)
    return found


def test_the_tests_use_no_private_attribute_of_textual():
    # Read the screen with export_screenshot, notifications through a notify override.
    private = textual_private_names()
    found = [
        f"{path.name}:{node.lineno}: .{node.attr}"
        for path in sorted((ROOT / "tests").glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr in private
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    assert found == []


def test_nothing_imports_a_private_module_of_another_package():
    found = []
    for package in (*PACKAGES, "tests", "bench"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                for name in names:
                    top, *inner = name.split(".")
                    if top not in PACKAGES and any(part.startswith("_") for part in inner):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert found == []
