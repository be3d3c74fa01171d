"""Ranges of belief on a touchpoint's `expect` and `delivers`, a persona's `spend` and
`patience`.

Like the ranges of an event's chance and impact: the model keeps the middle in the plain
field and the range in `FIELD_range`; `check` points at a reversed range, a range whose
ends take different units, and an end outside the values the attribute takes (a rating is
1..5); `fmt` and the printer write it back; a scenario moves it with its value.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxjourney.interop.model_json import journey_document
from cxjourney.interop.schema import model_schema, validate
from cxjourney.language import ranges
from cxjourney.language.fmt import format_source
from cxjourney.language.printer import print_journey
from cxjourney.language.scenarios import apply
from cxjourney.model import Belief, Distribution, to_plain
from tests.conftest import load_text

RANGED = """journey "Ranges" {
  persona p {
    share 100%
    spend 4..6
  }
  stage s {
    touchpoint a {
      expect 2.5  ..  3.5
      delivers 3.5
    }
    touchpoint b {
      delivers 3.5 .. 4.2
    }
  }
  scenario up {
    b.delivers += 0.2
    a.expect *= 1.2
    p.spend = 5
  }
}
"""


def ranged():
    loaded = load_text(RANGED)
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.journey


def test_a_range_keeps_its_middle_in_the_plain_field_and_its_ends_beside_it() -> None:
    journey = ranged()
    (p,) = journey.personas
    a, b = journey.touchpoints
    assert (p.spend, p.spend_range.low, p.spend_range.high) == (5, 4, 6)
    assert (a.expect, a.expect_range.low, a.expect_range.high) == (3, 2.5, 3.5)
    assert a.delivers == Distribution.constant(3.5) and a.delivers_range is None
    assert b.delivers == Distribution.constant(pytest.approx(3.85))
    assert (b.delivers_range.low, b.delivers_range.high) == (3.5, 4.2)


def test_the_inputs_are_named_by_owner_and_attribute_in_file_order() -> None:
    names = [(i.name, i.what) for i in ranges.inputs(ranged())]
    assert names == [("p.spend", "spend"), ("a.expect", "expect"), ("b.delivers", "delivers")]


def test_a_scenario_moves_a_range_with_its_value_or_sets_it_known() -> None:
    journey = ranged()
    after = apply(journey, journey.scenario("up"))
    a, b = after.touchpoints
    assert (b.delivers_range.low, b.delivers_range.high) == pytest.approx((3.7, 4.4))
    assert b.delivers.mean == pytest.approx(4.05)
    assert (a.expect_range.low, a.expect_range.high) == pytest.approx((3.0, 4.2))
    assert after.personas[0].spend == 5 and after.personas[0].spend_range is None
    assert Belief(3, 4).moved("=", 3) is None


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "message"),
    [
        ("expect 2.5  ..  3.5", "expect 3.5 .. 2.5", 8, 14, "the range of 'expect' runs backwards"),
        ("expect 2.5  ..  3.5", "expect 2.5 .. 35%", 8, 21, "both ends of a range take the same"),
        ("expect 2.5  ..  3.5", "expect 0.5 .. 3.5", 8, 14, "'expect' is between 1 and 5, at"),
        ("expect 2.5  ..  3.5", "expect 2.5 .. 5.5", 8, 21, "'expect' is between 1 and 5, at"),
        ("delivers 3.5 .. 4.2", "delivers 4.2 .. 3.5", 12, 16, "the range of 'delivers' runs"),
        ("delivers 3.5 .. 4.2", "delivers 3.5 .. 6", 12, 23, "'delivers' is between 1 and 5"),
        ("spend 4..6", "spend 6 .. 4", 4, 11, "the range of 'spend' runs backwards"),
        ("spend 4..6", "spend 4 .. 6 min", 4, 18, "'spend' takes no unit"),
    ],
)
def test_check_points_at_a_bad_range(old, new, line: int, column: int, message: str) -> None:
    loaded = load_text(RANGED.replace(old, new))
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    assert [(d.line, d.column) for d in errors] == [(line, column)]
    assert errors[0].message.startswith(message)


def test_the_command_line_gives_file_line_column_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.journey"
    path.write_text(RANGED.replace("delivers 3.5 .. 4.2", "delivers 3.5 .. 5.2"))
    done = subprocess.run(
        [sys.executable, "-m", "cxjourney", "check", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert (
        f"{path}:12:23: error: 'delivers' is between 1 and 5, at both ends of its range"
        in done.stdout
    )
    assert "Traceback" not in done.stderr


def test_fmt_spaces_a_range_one_way_and_is_idempotent() -> None:
    formatted = format_source(RANGED)
    for line in ("spend 4 .. 6\n", "expect 2.5 .. 3.5\n", "delivers 3.5 .. 4.2\n"):
        assert line in formatted
    assert format_source(formatted) == formatted


def test_the_printer_writes_ranges_back_to_the_same_model() -> None:
    """`expect 2.5 .. 3.5` has the default's middle (3) and is still written."""
    journey = ranged()
    printed = print_journey(journey)
    for line in ("spend 4 .. 6\n", "expect 2.5 .. 3.5\n", "delivers 3.5 .. 4.2\n"):
        assert line in printed
    again = load_text(printed)
    assert again.ok and to_plain(again.journey) == to_plain(journey)


def test_the_json_export_has_a_range_only_where_one_is_written() -> None:
    document = journey_document(ranged())
    assert validate(document, model_schema()) == []
    a, b = document["journey"]["touchpoints"]
    assert a["expect_range"] == {"low": 2.5, "high": 3.5} and "delivers_range" not in a
    assert b["delivers_range"] == {"low": 3.5, "high": 4.2} and "expect_range" not in b
    assert document["journey"]["personas"][0]["spend_range"] == {"low": 4, "high": 6}
    plain = journey_document(load_text(RANGED.replace("4..6", "5")).journey)
    assert "spend_range" not in str(plain)


def test_fixing_an_input_makes_it_known_at_its_quantile() -> None:
    known = ranges.fixed(ranged(), {"a.expect": 0.0, "b.delivers": 1.0})
    (p,) = known.personas
    a, b = known.touchpoints
    assert a.expect == 2.5 and a.expect_range is None
    assert b.delivers == Distribution.constant(4.2) and b.delivers_range is None
    assert p.spend == 5 and p.spend_range is None  # not named: its middle
    assert ranges.inputs(known) == []


# the scenario's `*= 1.2` and `+= 0.2` keep a range from 1 to 4 within 1..5
_LOW_TENTHS = st.integers(min_value=10, max_value=40).map(lambda n: n / 10)


@settings(max_examples=40, deadline=None)
@given(
    expect=st.tuples(_LOW_TENTHS, _LOW_TENTHS).map(sorted),
    delivers=st.tuples(_LOW_TENTHS, _LOW_TENTHS).map(sorted),
    spend=st.tuples(st.integers(0, 900), st.integers(0, 900)).map(sorted),
)
def test_any_range_prints_back_to_the_same_model(expect, delivers, spend) -> None:
    text = (
        RANGED.replace("2.5  ..  3.5", f"{expect[0]:g} .. {expect[1]:g}")
        .replace("3.5 .. 4.2", f"{delivers[0]:g} .. {delivers[1]:g}")
        .replace("4..6", f"{spend[0]} .. {spend[1]}")
    )
    loaded = load_text(text)
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    a = loaded.journey.touchpoints[0]
    assert (a.expect_range is None) == (expect[0] == expect[1])
    assert a.expect == pytest.approx((expect[0] + expect[1]) / 2)
    again = load_text(print_journey(loaded.journey))
    assert to_plain(again.journey) == to_plain(loaded.journey)
    assert format_source(format_source(text)) == format_source(text)


def test_a_scenario_that_moves_a_range_past_a_rating_is_an_error() -> None:
    """`*= 1.5` takes a middle of 3 to 4.5, within 1..5, but the range's top to 5.25."""
    loaded = load_text(RANGED.replace("a.expect *= 1.2", "a.expect *= 1.5"))
    (error,) = [d for d in loaded.diagnostics if d.severity == "error"]
    assert error.line == 17
    assert error.message == (
        "scenario 'up': this change moves the range of 'expect' to 3.75 .. 5.25, outside 1 .. 5"
    )


PATIENT = RANGED.replace("    spend 4..6\n", "    spend 4..6\n    patience 2 min..20 min\n")


def test_a_patience_range_is_a_range_of_durations_in_minutes() -> None:
    loaded = load_text(PATIENT)
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    (p,) = loaded.journey.personas
    assert (p.patience, p.patience_range.low, p.patience_range.high) == (11, 2, 20)
    assert "    patience 2 min .. 20 min\n" in print_journey(loaded.journey)
    assert "    patience 2 min .. 20 min\n" in format_source(PATIENT)
    assert [i.name for i in ranges.inputs(loaded.journey)][:2] == ["p.patience", "p.spend"]
    document = journey_document(loaded.journey)
    assert validate(document, model_schema()) == []
    assert document["journey"]["personas"][0]["patience_range"] == {"low": 2, "high": 20}


@pytest.mark.parametrize(
    ("written", "column", "message"),
    [
        ("patience 20 min .. 2 min", 14, "the range of 'patience' runs backwards"),
        ("patience 0 min .. 2 min", 14, "'patience' is > 0, at both ends of its range"),
        ("patience 2 min .. 4", 23, "'patience' needs a time unit"),
        ("patience 2 min .. 40%", 23, "both ends of a range take the same unit"),
    ],
)
def test_check_points_at_a_bad_patience_range(written: str, column: int, message: str) -> None:
    loaded = load_text(PATIENT.replace("patience 2 min..20 min", written))
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    assert [(d.line, d.column) for d in errors] == [(5, column)]
    assert errors[0].message.startswith(message)
