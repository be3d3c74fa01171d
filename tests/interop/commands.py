"""Running the interop commands in tests: in-process, and in a subprocess as users do.

A subprocess goes through `python -m cxjourney` once the commands are registered on
the main group, and straight to the command object before that.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner, Result

from cxjourney.cli import interop as cli_interop
from cxjourney.cli import main
from tests.conftest import ROOT

COMMANDS = {"fmt": "fmt", "diff": "diff", "import": "import_", "init": "init"}


def invoke(name: str, *args: str, input: bytes | str | None = None) -> Result:
    command: click.Command = getattr(cli_interop, COMMANDS[name])
    return CliRunner().invoke(command, list(args), input=input, catch_exceptions=False)


def argv(name: str) -> list[str]:
    """The command line that runs `cxjourney NAME`."""
    if name in main.list_commands(None):
        return [sys.executable, "-m", "cxjourney", name]
    entry = (
        f"import sys; from cxjourney.cli.interop import {COMMANDS[name]}; "
        f"{COMMANDS[name]}(sys.argv[1:], prog_name='cxjourney {name}')"
    )
    return [sys.executable, "-c", entry]


def run(
    name: str, *args: str, input: bytes | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*argv(name), *args], input=input, capture_output=True, cwd=cwd or ROOT, timeout=300
    )
