"""Ranges of belief in the language: `impact +1 .. +3`, `chance 5% .. 15%`, `cost 40k .. 60k`.

The model keeps a range's middle in the plain field (so everything that ignores beliefs
sees the middle) and the range beside it; `check` points at a reversed or mixed range;
`fmt` and the printer write it back; the JSON export has the range only where one is set.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxjourney.interop.model_json import journey_document
from cxjourney.interop.schema import model_schema, validate
from cxjourney.language.fmt import format_source
from cxjourney.language.printer import print_journey
from cxjourney.language.scenarios import apply
from cxjourney.model import Belief, to_plain
from tests.conftest import load_text

RANGED = """journey "Ranges" {
  persona p {
    share 100%
  }
  stage s {
    touchpoint a {
      delighter d chance 5%..15% impact +1   ..  +3
      disappointer x chance 10% impact -2 .. -1
    }
  }
  scenario pack {
    cost 40k .. 60k
    add delighter a.w chance 20% impact 1 .. 2.5
    a.x.impact += 0.5
  }
  scenario fixed {
    a.d.impact = 2
  }
}
"""


def ranged():
    loaded = load_text(RANGED)
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.journey


def test_a_range_keeps_its_middle_in_the_plain_field_and_its_ends_beside_it() -> None:
    journey = ranged()
    d, x = journey.touchpoints[0].events
    assert (d.chance, d.chance_range.low, d.chance_range.high) == pytest.approx((0.10, 0.05, 0.15))
    assert (d.impact, d.impact_range.low, d.impact_range.high) == (2.0, 1.0, 3.0)
    assert x.chance == 0.10 and x.chance_range is None
    assert (x.impact, x.impact_range.low, x.impact_range.high) == (-1.5, -2.0, -1.0)
    pack = journey.scenario("pack")
    assert (pack.cost, pack.cost_range.low, pack.cost_range.high) == (50_000, 40_000, 60_000)
    added = pack.changes[0].event
    assert (added.impact, added.impact_range.high) == (1.75, 2.5)


def test_a_scenario_moves_a_range_with_its_value_or_sets_it_known() -> None:
    journey = ranged()
    shifted = apply(journey, journey.scenario("pack")).touchpoints[0].event("x")
    assert (shifted.impact, shifted.impact_range.low, shifted.impact_range.high) == (
        -1.0,
        -1.5,
        -0.5,
    )
    known = apply(journey, journey.scenario("fixed")).touchpoints[0].event("d")
    assert known.impact == 2 and known.impact_range is None
    assert Belief(1, 3).moved("*=", -1) == Belief(-3, -1)


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("delighter d chance 15% .. 5% impact +1", 26, "the range of 'chance' runs backwards"),
        ("delighter d chance 5% .. 15 impact +1", 32, "both ends of a range take the same unit"),
        ("delighter d chance 5% impact +3 .. +1", 36, "the range of 'impact' runs backwards"),
        ("delighter d chance 5% impact 1 .. 3%", 41, "both ends of a range take the same unit"),
        ("delighter d chance 90% .. 120% impact +1", 33, "'chance' is between 0% and 100%"),
        ("delighter d chance 5% impact -1 .. +2", 36, "delighter 'd' needs a positive impact"),
    ],
)
def test_check_points_at_a_bad_range(line: str, column: int, message: str) -> None:
    loaded = load_text(RANGED.replace("delighter d chance 5%..15% impact +1   ..  +3", line))
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    assert [(d.line, d.column) for d in errors] == [(7, column)]
    assert errors[0].message.startswith(message)


def test_the_command_line_gives_file_line_column_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.journey"
    path.write_text(RANGED.replace("5%..15%", "15% .. 5%"))
    done = subprocess.run(
        [sys.executable, "-m", "cxjourney", "check", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert f"{path}:7:26: error: the range of 'chance' runs backwards: 15% .. 5%" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_reversed_cost_names_the_order_to_write() -> None:
    loaded = load_text(RANGED.replace("cost 40k .. 60k", "cost 60k .. 40k"))
    (problem,) = [d for d in loaded.diagnostics if d.severity == "error"]
    assert (problem.line, problem.column) == (12, 10)
    assert problem.hint == "write the lower end first: 40k .. 60k"


def test_fmt_spaces_a_range_one_way_and_is_idempotent() -> None:
    formatted = format_source(RANGED)
    assert "delighter d chance 5% .. 15% impact +1 .. +3\n" in formatted
    assert "cost 40k .. 60k\n" in formatted
    assert format_source(formatted) == formatted


def test_the_printer_writes_ranges_back_to_the_same_model() -> None:
    journey = ranged()
    printed = print_journey(journey)
    assert "chance 5% .. 15% impact +1 .. +3" in printed
    assert "cost 40k .. 60k" in printed
    again = load_text(printed)
    assert again.ok and to_plain(again.journey) == to_plain(journey)


def test_the_json_export_has_a_range_only_where_one_is_written() -> None:
    document = journey_document(ranged())
    assert validate(document, model_schema()) == []
    event = document["journey"]["touchpoints"][0]["events"][1]
    assert "chance_range" not in event and event["impact_range"] == {"low": -2, "high": -1}
    known = journey_document(replace(ranged(), scenarios=()))
    assert "cost_range" not in str(known)


def test_every_shipped_journey_still_checks() -> None:
    """The language contract: the new syntax changes nothing for files without ranges."""
    root = Path(__file__).resolve().parents[2] / "journeys"
    files = sorted(str(p) for p in root.glob("*.journey"))
    done = subprocess.run(
        [sys.executable, "-m", "cxjourney", "check", *files], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


_TENTHS = st.integers(min_value=1, max_value=400).map(lambda n: n / 10)


@settings(max_examples=40, deadline=None)
@given(
    chance=st.tuples(st.integers(0, 100), st.integers(0, 100)).map(sorted),
    impact=st.tuples(_TENTHS, _TENTHS).map(sorted),
    cost=st.tuples(st.integers(0, 900), st.integers(0, 900)).map(sorted),
)
def test_any_range_prints_back_to_the_same_model(chance, impact, cost) -> None:
    text = (
        RANGED.replace("5%..15%", f"{chance[0]}% .. {chance[1]}%")
        .replace("+1   ..  +3", f"+{impact[0]:g} .. +{impact[1]:g}")
        .replace("40k .. 60k", f"{cost[0]}k .. {cost[1]}k")
    )
    loaded = load_text(text)
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    event = loaded.journey.touchpoints[0].events[0]
    assert (event.chance_range is None) == (chance[0] == chance[1])
    assert event.impact == pytest.approx((impact[0] + impact[1]) / 2)
    again = load_text(print_journey(loaded.journey))
    assert to_plain(again.journey) == to_plain(loaded.journey)
    assert format_source(format_source(text)) == format_source(text)
