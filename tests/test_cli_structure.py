"""The command line is a package without import cycles, and its shared options are one."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from cxjourney.cli import main
from tests.conftest import ROOT, run_cli

CLI = ROOT / "cxjourney" / "cli"


def imported_siblings(path: Path) -> set[str]:
    """The cli modules a cli module imports (relative imports inside the package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add(node.module or "__init__")
    return found


def test_command_modules_import_only_the_common_module() -> None:
    for path in CLI.glob("*.py"):
        siblings = imported_siblings(path)
        if path.stem == "common":
            assert siblings == set(), f"common imports {siblings}"
        else:
            assert siblings <= {"common"}, f"{path.name} imports {siblings}"


def test_no_library_module_imports_the_command_line() -> None:
    for path in (ROOT / "cxjourney").rglob("*.py"):
        if CLI in path.parents or path.name == "__main__.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "from .cli" not in text and "from ..cli" not in text, path


def test_every_lazy_command_loads_and_is_named_as_listed() -> None:
    for name in main.list_commands(None):
        command = main.get_command(None, name)
        assert command is not None, name
        assert command.name in (name, name + "_"), (name, command.name)


def test_python_m_and_the_entry_point_run_the_same_group() -> None:
    for argv in (
        [sys.executable, "-m", "cxjourney", "--version"],
        [sys.executable, "-c", "from cxjourney.cli import main; main()", "--version"],
    ):
        done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert done.returncode == 0 and "cxjourney" in done.stdout, done


def test_shared_options_read_the_same_in_every_command() -> None:
    helps = {}
    for name in ("simulate", "render", "report", "compare", "drivers", "optimize", "diff"):
        command = main.get_command(None, name)
        for param in command.params:
            if param.name in ("seed", "workers", "horizon"):
                helps.setdefault(param.name, set()).add(param.help)
    assert helps.keys() == {"seed", "workers", "horizon"}
    assert all(len(texts) == 1 for texts in helps.values()), helps


# ---- the shared options in help ----------------------------------------------------------


def test_diff_takes_the_shared_simulation_options_with_help() -> None:
    out = run_cli("diff", "--help").stdout.decode()
    assert "--workers" in out and "--allow-long" in out
    assert re.search(r"--seed INTEGER RANGE\s+Seed of every random number", out)
    assert re.search(r"-n, --replications INTEGER RANGE\s+Independent replications", out)
