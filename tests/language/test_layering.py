"""The language package sits on the model: it imports nothing above it, and has no circle."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from tests.conftest import ROOT

PACKAGE = ROOT / "cxjourney"
LANGUAGE = PACKAGE / "language"
ABOVE = ("sim", "render", "decide", "logs", "interop", "lsp", "cli", "starter", "results")
BELOW = ("model", "graph", "queueing", "safe_text")


def imports_of(path: Path) -> set[str]:
    """Every cxjourney module a file imports, at its top or inside a function."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    package = parts[:-1] if parts[-1] != "__init__" else parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            if module.startswith("cxjourney"):
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("cxjourney"))
    return found


def test_the_language_imports_only_itself_and_what_lies_below_it() -> None:
    for path in LANGUAGE.glob("*.py"):
        for module in imports_of(path):
            top = module.split(".")[1] if "." in module else ""
            assert top not in ABOVE, f"{path.name} imports {module}"


def test_the_model_and_the_modules_below_the_language_never_import_it() -> None:
    for name in BELOW:
        for module in imports_of(PACKAGE / f"{name}.py"):
            assert not module.startswith("cxjourney.language"), f"{name}.py imports {module}"


def test_the_language_modules_import_no_circle() -> None:
    graph = nx.DiGraph()
    names = {p.stem for p in LANGUAGE.glob("*.py") if p.stem != "__init__"}
    for path in LANGUAGE.glob("*.py"):
        for module in imports_of(path):
            parts = module.split(".")
            if parts[:2] == ["cxjourney", "language"] and len(parts) > 2 and parts[2] in names:
                graph.add_edge(path.stem, parts[2])
    assert list(nx.simple_cycles(graph)) == []


#: The floors of docs/architecture.md: a module may import only its own floor or lower.
FLOORS = {
    "model": 1,
    "safe_text": 1,
    "output": 1,
    "starter": 1,
    "graph": 2,
    "queueing": 2,
    "results": 2,
    "language": 3,
    "sim": 4,
    "decide": 5,
    "render": 6,
    "interop": 7,
    "logs": 7,
    "lsp": 7,
    "cli": 8,
    "studio": 8,
}


def floor_of(module: str) -> int | None:
    parts = module.split(".")
    return FLOORS.get(parts[1]) if len(parts) > 1 and parts[0] == "cxjourney" else None


def test_every_import_points_down_the_floors_of_the_architecture() -> None:
    upward = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("").parts
        own = FLOORS.get(rel[0])
        if own is None:
            continue
        for module in imports_of(path):
            floor = floor_of(module)
            if floor is not None and floor > own:
                upward.append(f"{'/'.join(rel)} imports {module}")
    assert upward == []


def test_the_packages_import_no_circle() -> None:
    graph = nx.DiGraph()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("").parts
        for module in imports_of(path):
            parts = module.split(".")
            if len(parts) > 1 and parts[1] in FLOORS and parts[1] != rel[0]:
                graph.add_edge(rel[0], parts[1])
    assert list(nx.simple_cycles(graph)) == []
