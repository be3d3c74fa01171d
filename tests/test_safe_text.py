"""Text from journey files reaches terminals escaped and spreadsheets as text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cxjourney.language.diagnostics import Diagnostic, render
from cxjourney.safe_text import neutralise_csv, printable, spreadsheet_cell
from tests.conftest import run_cli

EVIL = """\
journey "Evil\x1b]0;owned\x07" {
  customers 5
  horizon 2 weeks
  persona p {
    share 100%
  }
  stage s "Stage\x1b[2J" {
    touchpoint t "Pay\x1b]52;c;aGk=\x07" {
      owner "=cmd|' /C calc'!A0"
    }
    touchpoint u {
      owner "@SUM(1)"
    }
  }
  scenario better "=HYPERLINK(\\"http://x\\")\x1b]8;;http://x\x07" {
    cost 1000
    t.delivers += 0.5
  }
}
"""


@pytest.fixture
def evil(tmp_path: Path) -> str:
    path = tmp_path / "evil.journey"
    path.write_text(EVIL, encoding="utf-8")
    return str(path)


def test_control_characters_are_shown_escaped() -> None:
    assert printable("a\x1b[31mb\x07c\rd\x9be\u202ef") == "a\\x1b[31mb\\x07c\\x0dd\\x9be\\u202ef"
    assert printable("line\n\tindented") == "line\n\tindented"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+A1", "'+A1"),
        ("-A1", "'-A1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-0.25", "-0.25"),
        ("+1e-05", "+1e-05"),
        ("-12", "-12"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_formula_cells_become_text_and_numbers_stay_numbers(cell: str, written: str) -> None:
    assert spreadsheet_cell(cell) == written


def test_a_safe_csv_is_unchanged() -> None:
    text = 'a,b,c\nx,-1.5,"quoted, comma"\n'
    assert neutralise_csv(text) == text


def formulas(text: str) -> list[str]:
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    return [
        c
        for c in cells
        if c[:1] in ("=", "+", "@", "\t", "\r")
        or (c.startswith("-") and not c.replace(".", "").lstrip("-").isdigit())
    ]


@pytest.mark.parametrize(
    "command",
    [
        ("drivers", "-n", "2", "-j", "1"),
        ("compare", "-n", "2", "-j", "1"),
        ("optimize", "--budget", "5k", "-n", "2", "-j", "1"),
        ("simulate", "-n", "2", "-j", "1"),
    ],
    ids=lambda c: c[0],
)
def test_no_csv_cell_is_a_formula(evil: str, command: tuple[str, ...]) -> None:
    done = run_cli(command[0], evil, *command[1:], "--format", "csv")
    assert done.returncode == 0, done.stderr.decode()
    text = done.stdout.decode()
    assert formulas(text) == []
    if command[0] == "drivers":
        assert "'=cmd|' /C calc'!A0" in text and "'@SUM(1)" in text
    if command[0] == "compare":
        assert "'=HYPERLINK" in text


@pytest.mark.parametrize(
    "command",
    [
        ("simulate", "-n", "2", "-j", "1"),
        ("drivers", "-n", "2", "-j", "1"),
        ("compare", "-n", "2", "-j", "1"),
    ],
    ids=lambda c: c[0],
)
def test_tables_reach_the_terminal_without_control_characters(
    evil: str, command: tuple[str, ...]
) -> None:
    done = run_cli(command[0], evil, *command[1:])
    assert done.returncode == 0, done.stderr.decode()
    for stream in (done.stdout, done.stderr):
        assert not any(b < 0x20 and b not in (0x0A, 0x09) for b in stream), stream
    assert b"\\x1b" in done.stdout


def test_checks_source_echo_is_escaped_and_its_caret_in_place() -> None:
    source = 'x "\x1b]0;t\x07" oops\n'
    shown = render(Diagnostic("f", 1, 12, "bad"), source)
    echoed, caret = shown.split("\n")[1:3]
    assert "\x1b" not in shown and "\x07" not in shown
    assert echoed[caret.index("^")] == "o"  # under the `o` of oops, escapes counted


def test_check_prints_no_control_character(tmp_path: Path) -> None:
    bad = tmp_path / "bad\x1b[2J.journey"
    bad.write_text('journey "T\x1b]0;x\x07" {\n  nonsense\n}\n', encoding="utf-8")
    done = run_cli("check", str(bad))
    assert done.returncode == 2
    assert not any(b < 0x20 and b not in (0x0A, 0x09) for b in done.stdout + done.stderr)
