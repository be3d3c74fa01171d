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
