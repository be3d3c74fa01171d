"""The commands docs/git-workflow.md shows exist and take the options it gives them."""

from __future__ import annotations

import re
import shlex

import click
import pytest

from cxjourney.cli import interop as cli_interop
from cxjourney.cli import main
from tests.conftest import ROOT

DOC = ROOT / "docs" / "git-workflow.md"
OURS = {"fmt": cli_interop.fmt, "diff": cli_interop.diff, "import": cli_interop.import_}
OURS["init"] = cli_interop.init
PENDING_EXPORT_FORMATS = {"mermaid", "json-schema"}  # until `export` offers them


def documented_commands() -> list[list[str]]:
    """Each `cxjourney ...` command line in the document's code blocks, as words."""
    found = []
    in_block = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        text = line.strip().removeprefix("$ ").removeprefix("- run: ")
        if in_block and text.startswith(("cxjourney ", "cat ")):
            text = re.split(r"\s+#\s", text)[0]  # a comment after the command
            text = re.split(r"\s[>|]\s", text.split("| ", 1)[-1])[0]  # pipes, redirects
            words = shlex.split(text)
            if words[0] == "cxjourney":
                found.append(words[1:])
    return found


def command_for(name: str) -> click.Command:
    if name in OURS:
        return OURS[name]
    assert name in main.list_commands(None), f"cxjourney {name} does not exist"
    return main.get_command(None, name)


def test_the_document_shows_every_command() -> None:
    names = {words[0] for words in documented_commands()}
    assert {"init", "fmt", "check", "diff", "import", "export", "simulate"} <= names


@pytest.mark.parametrize("words", documented_commands(), ids=" ".join)
def test_each_documented_command_parses(words: list[str]) -> None:
    name, *args = words
    command = command_for(name)
    if name == "export" and "--to" in args:
        target = args[args.index("--to") + 1]
        choices = next(p for p in command.params if p.name == "target").type.choices
        if target in PENDING_EXPORT_FORMATS and target not in choices:
            args = [a for a in args if a not in ("--to", target)]
    with command.make_context(f"cxjourney {name}", list(args)) as context:
        assert context.command is command


def test_the_git_config_line_names_the_diff_command() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert 'git config diff.journey.command "cxjourney diff"' in text
    assert "*.journey diff=journey" in text
