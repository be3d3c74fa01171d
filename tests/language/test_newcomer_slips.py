"""Slips a newcomer makes in a first journey: each gets one clear error and a hint that
says what to write, never a cascade of errors that are only artefacts of the first."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxjourney.starter import starter_journey
from tests.conftest import load_text, run_cli


def diagnostics(text: str) -> list[tuple[int, int, str, str]]:
    loaded = load_text(text)
    return [(d.line, d.column, d.message, d.hint) for d in loaded.diagnostics]


# ---- init ------------------------------------------------------------------------------
def test_init_comments_name_the_path_the_file_was_written_to(tmp_path: Path) -> None:
    done = run_cli("init", "maps", "--name", "coffee", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    text = (tmp_path / "maps" / "coffee.journey").read_text()
    assert "#   cxjourney check maps/coffee.journey" in text
    assert "#   cxjourney simulate maps/coffee.journey" in text
    assert run_cli("check", "maps/coffee.journey", cwd=tmp_path).returncode == 0


def test_the_starter_for_no_file_of_its_own_names_no_path() -> None:
    text = starter_journey(None)
    assert "#   cxjourney check FILE" in text
    assert "cxjourney check 'my maps/a.journey'" in starter_journey("my maps/a.journey")
    assert "cxjourney check FILE" in starter_journey("bad\nname.journey")


# ---- one error for a broken header or statement, not its artefacts --------------------
JOURNEY = """\
journey "T" {
  persona busy "Busy parent" {
    share 100%
  }
  stage arrive "Arrive" {
    touchpoint desk "Desk" {
      capacity 2
      service exp(4 min)
    }
  }
}
"""


def broken(old: str, new: str) -> str:
    assert old in JOURNEY
    return JOURNEY.replace(old, new)


@pytest.mark.parametrize(
    ("header", "column", "message"),
    [
        ('persona "Busy parent {', 11, "unterminated string"),
        ('persona busy "Busy parent {', 16, "unterminated string"),
        ("persona busy parent {", 16, "unexpected word 'parent'"),
        ('persona "Busy parent" {', 11, 'unexpected string "Busy parent"'),
        ('persona busy-parent "Busy parent" {', 15, "unexpected character '-'"),
        ('persona busy "Busy parent"', 29, "expected '{' at the end of the line"),
    ],
)
def test_a_broken_persona_header_is_one_error(header: str, column: int, message: str) -> None:
    found = diagnostics(broken('persona busy "Busy parent" {', header))
    assert [(line, col, text) for line, col, text, _ in found] == [(2, column, message)]


def test_a_broken_stage_header_does_not_report_a_journey_without_touchpoints() -> None:
    found = diagnostics(broken('stage arrive "Arrive" {', "stage arrive Arrive {"))
    assert [text for _, _, text, _ in found] == ["unexpected word 'Arrive'"]


def test_a_missing_parenthesis_is_one_error_with_the_line_closed_in_its_hint() -> None:
    found = diagnostics(broken("service exp(4 min)", "service exp(4 mins"))
    assert found == [(8, 25, "')' is missing", "close the brackets: service exp(4 mins)")]


def test_a_missing_parenthesis_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "j.journey"
    path.write_text(broken("service exp(4 min)", "service exp(4 mins"))
    done = run_cli("check", str(path))
    assert done.returncode == 2
    assert done.stdout.decode() == (
        f"{path}:8:25: error: ')' is missing\n"
        "        service exp(4 mins\n"
        "                          ^\n"
        "  hint: close the brackets: service exp(4 mins)\n"
        "1 error in 1 file\n"
    )


def test_a_capacity_without_service_is_still_reported_when_nothing_hid_it() -> None:
    text = broken("      service exp(4 min)\n", "").replace("share 100%", "share 100")
    found = [text for _, _, text, _ in diagnostics(text)]
    assert found == [
        "100 must be written as a percentage",
        "touchpoint 'desk' has a capacity but no service time",
    ]


# ---- a word too many after a duration ----------------------------------------------------
UNITS_HINT = "use one of: seconds, minutes, hours, days, weeks, months, years"


@pytest.mark.parametrize(
    ("old", "new", "column", "message", "hint"),
    [
        ("share 100%", "share 100%\n    patience 10 working days", 17,
         "'working' is not a unit of time", UNITS_HINT),
        ("share 100%", "share 100%\n    visits every 2 business days", 20,
         "'business' is not a unit of time", UNITS_HINT),
        ("service exp(4 min)", "service exp(4 min)\n      max_wait 4 min please", 22,
         "unexpected word 'please' after the duration",
         "a duration is a number and one unit: max_wait 4 min"),
        ("share 100%", "share 100%\n    visits every 2 days form desk", 25,
         "unknown keyword 'form'", "did you mean 'from'?"),
    ],
)  # fmt: skip
def test_a_word_too_many_after_a_duration(
    old: str, new: str, column: int, message: str, hint: str
) -> None:
    found = diagnostics(broken(old, new))
    line = new.count("\n") + JOURNEY[: JOURNEY.index(old)].count("\n") + 1
    assert found == [(line, column, message, hint)]


def test_working_days_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "j.journey"
    path.write_text(broken("share 100%", "share 100%\n    patience 10 working days"))
    done = run_cli("check", str(path))
    assert done.stdout.decode() == (
        f"{path}:4:17: error: 'working' is not a unit of time\n"
        "      patience 10 working days\n"
        "                  ^\n"
        f"  hint: {UNITS_HINT}\n"
        "1 error in 1 file\n"
    )
