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
    ("header", "column", "message", "hint"),
    [
        ('persona "Busy parent {', 11, "unterminated string",
         "close the string on the same line"),
        ('persona busy "Busy parent {', 16, "unterminated string",
         'close it: persona busy "Busy parent" {'),
        ("persona busy parent {", 11, "a name is one word; join its words with '_'",
         "write: persona busy_parent {"),
        ('persona "Busy parent" {', 11, 'unexpected string "Busy parent"',
         'a name comes before the label: persona busy_parent "Busy parent" {'),
        ('persona busy-parent "Busy parent" {', 15, "unexpected character '-'",
         "names are letters, digits and '_': busy_parent"),
        ('persona busy "Busy parent"', 29, "expected '{' at the end of the line",
         "a block's first line ends with '{'"),
    ],
)  # fmt: skip
def test_a_broken_persona_header_is_one_error(
    header: str, column: int, message: str, hint: str
) -> None:
    found = diagnostics(broken('persona busy "Busy parent" {', header))
    assert found == [(2, column, message, hint)]


def test_a_broken_persona_header_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "j.journey"
    path.write_text(broken('persona busy "Busy parent" {', 'persona "Busy parent" {'))
    done = run_cli("check", str(path))
    assert done.stdout.decode() == (
        f'{path}:2:11: error: unexpected string "Busy parent"\n'
        '    persona "Busy parent" {\n'
        "            ^\n"
        '  hint: a name comes before the label: persona busy_parent "Busy parent" {\n'
        "1 error in 1 file\n"
    )


def test_a_broken_stage_header_does_not_report_a_journey_without_touchpoints() -> None:
    found = diagnostics(broken('stage arrive "Arrive" {', "stage arrive Arrive {"))
    assert found == [(5, 16, "a label is written in quotes", 'quote it: stage arrive "Arrive" {')]


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


# ---- several words where one name or one text stands -------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "column", "message", "hint"),
    [
        ("capacity 2", "owner Field operations\n      capacity 2", 13,
         "text of several words is written in quotes", 'quote them: owner "Field operations"'),
        ('touchpoint desk "Desk" {', "touchpoint desk Front desk {", 21,
         "text of several words is written in quotes",
         'quote them: touchpoint desk "Front desk" {'),
        ("capacity 2", "delighter tea Free tea chance 5% impact +1\n      capacity 2", 21,
         "text of several words is written in quotes",
         'quote them: delighter tea "Free tea" chance 5% impact +1'),
        ("capacity 2", "channel field ops\n      capacity 2", 15,
         "a name is one word; join its words with '_'", "write: channel field_ops"),
    ],
)  # fmt: skip
def test_bare_words_get_the_quotes_or_underscores_they_need(
    old: str, new: str, column: int, message: str, hint: str
) -> None:
    found = diagnostics(broken(old, new))
    line = JOURNEY[: JOURNEY.index(old)].count("\n") + 1
    assert found == [(line, column, message, hint)]


def test_after_bare_words_the_block_is_still_checked_as_meant() -> None:
    text = broken('stage arrive "Arrive" {', "stage arrive Arrive now {").replace(
        "capacity 2", "owner Field operations\n      capacity 2\n      expect 9"
    )
    found = [(line, message) for line, _, message, _ in diagnostics(text)]
    assert found == [
        (5, "text of several words is written in quotes"),
        (7, "text of several words is written in quotes"),
        (9, "expect must be between 1 and 5, got 9"),
    ]


def test_an_unquoted_owner_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "j.journey"
    path.write_text(broken("capacity 2", "owner Field operations\n      capacity 2"))
    done = run_cli("check", str(path))
    assert done.stdout.decode() == (
        f"{path}:7:13: error: text of several words is written in quotes\n"
        "        owner Field operations\n"
        "              ^\n"
        '  hint: quote them: owner "Field operations"\n'
        "1 error in 1 file\n"
    )


# ---- a missing '}' ----------------------------------------------------------------------
def test_a_missing_brace_names_the_block_and_later_errors_are_still_reported() -> None:
    text = broken("      service exp(4 min)\n    }\n", "      service exp(4 min)\n").replace(
        "  }\n}\n",
        '  }\n  stage pay "Pay" {\n    touchpoint till {\n      expect 9\n    }\n  }\n}\n',
    )
    assert diagnostics(text) == [
        (9, 3, "touchpoint 'desk' opened at line 6 is not closed",
         "add its '}' before this line, indented like line 6"),
        (12, 14, "expect must be between 1 and 5, got 9", ""),
    ]  # fmt: skip


def test_a_block_left_open_before_the_next_of_its_kind() -> None:
    text = JOURNEY.replace(
        "    }\n  }\n}\n", "    }\n\n  stage pay {\n    touchpoint till { }\n  }\n}\n"
    )
    assert diagnostics(text) == [
        (11, 3, "stage 'arrive' opened at line 5 is not closed",
         "add its '}' before this line, indented like line 5"),
    ]  # fmt: skip


def test_a_journey_left_open_at_the_end_is_named_and_still_checked() -> None:
    text = JOURNEY.removesuffix("}\n").replace("capacity 2", "expect 9\n      capacity 2")
    found = diagnostics(text)
    assert found[-1] == (
        11, 4, 'journey "T" opened at line 1 is not closed',
        "add its '}' on a line of its own at the end of the file",
    )  # fmt: skip
    assert [message for _, _, message, _ in found[:-1]] == ["expect must be between 1 and 5, got 9"]


def test_without_indentation_only_the_end_of_the_file_names_the_block() -> None:
    text = "\n".join(line.strip() for line in JOURNEY.splitlines()[:-1]) + "\n"
    assert diagnostics(text) == [
        (10, 2, 'journey "T" opened at line 1 is not closed',
         "add its '}' on a line of its own at the end of the file"),
    ]  # fmt: skip


def test_a_dedented_statement_is_not_taken_for_a_missing_brace() -> None:
    text = broken("    share 100%\n", "    share 100%\n  spend 4\n").replace(
        "capacity 2", 'capacity 2\n      owner "A" "B"'
    )
    assert [message for _, _, message, _ in diagnostics(text)] == [
        'unexpected string "B" at the end of a statement'
    ]


def test_a_missing_brace_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "j.journey"
    path.write_text(broken("      service exp(4 min)\n    }\n", "      service exp(4 min)\n"))
    done = run_cli("check", str(path))
    assert done.stdout.decode() == (
        f"{path}:9:3: error: touchpoint 'desk' opened at line 6 is not closed\n"
        "    }\n"
        "    ^\n"
        "  hint: add its '}' before this line, indented like line 6\n"
        "1 error in 1 file\n"
    )


# ---- other slips: a string left open, a ':' after a keyword ---------------------------
def test_a_string_left_open_is_closed_and_the_block_still_checked() -> None:
    text = broken('touchpoint desk "Desk" {', 'touchpoint desk "Desk {').replace(
        "capacity 2", 'owner "Ops\n      capacity 2\n      expect 9'
    )
    assert diagnostics(text) == [
        (6, 21, "unterminated string", 'close it: touchpoint desk "Desk" {'),
        (7, 13, "unterminated string", 'close it: owner "Ops"'),
        (9, 14, "expect must be between 1 and 5, got 9", ""),
    ]


@pytest.mark.parametrize(
    ("old", "new", "column", "mark", "meant"),
    [
        ("share 100%", "share: 100%", 10, ":", "share 100%"),
        ("share 100%", "share = 100%", 11, "=", "share 100%"),
        ("capacity 2", "capacity: 2", 15, ":", "capacity 2"),
    ],
)
def test_a_colon_or_equals_after_a_keyword(
    old: str, new: str, column: int, mark: str, meant: str
) -> None:
    line = JOURNEY[: JOURNEY.index(old)].count("\n") + 1
    hint = f"a keyword is followed by its value, with no '{mark}': {meant}"
    assert diagnostics(broken(old, new)) == [(line, column, f"unexpected '{mark}'", hint)]


def test_a_brace_indented_by_mistake_is_not_taken_for_a_missing_one() -> None:
    text = broken("      service exp(4 min)\n    }\n", "      service exp(4 min)\n  }\n").replace(
        "  }\n}\n",
        '  }\n  stage pay {\n    touchpoint till {\n      owner "a" "b"\n    }\n  }\n}\n',
    )
    assert [(line, message) for line, _, message, _ in diagnostics(text)] == [
        (13, 'unexpected string "b" at the end of a statement')
    ]


def test_a_misspelled_keyword_is_one_error_and_read_as_meant() -> None:
    text = broken("share 100%", "shar 100%").replace('stage arrive "Arrive" {', "stge arrive {")
    assert diagnostics(text) == [
        (3, 5, "unknown keyword 'shar' in persona", "did you mean 'share'?"),
        (5, 3, "unknown keyword 'stge' in journey", "did you mean 'stage'?"),
    ]


def test_the_block_an_unknown_keyword_is_in_does_not_change_from_run_to_run(
    tmp_path: Path,
) -> None:
    import os
    import subprocess
    import sys

    path = tmp_path / "j.journey"
    path.write_text(broken('stage arrive "Arrive" {', "stge arrive {"))
    said = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        done = subprocess.run(
            [sys.executable, "-m", "cxjourney", "check", str(path)],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            timeout=300,
        )
        said |= {line for line in done.stdout.decode().splitlines() if "unknown" in line}
    assert said == {f"{path}:5:3: error: unknown keyword 'stge' in journey"}
