"""Ranges of belief beyond events and ratings: inside distributions, on times, rhythm,
arrivals, recoveries, edges and loyalty keys. Each is read in canonical units (minutes,
per minute, fractions) with its middle in the plain field; `fmt` and the printer write
them back to the same model; ranges that no value could make true are errors at the end
that breaks them."""

from __future__ import annotations

import pytest

from cxjourney.language.fmt import format_source
from cxjourney.language.printer import print_journey
from cxjourney.model import to_plain
from tests.conftest import load_text
from tests.decide.cases import journey

DAY = 24 * 60.0
WEEK = 7 * DAY

EVERYWHERE = """
journey "Ranges everywhere" {
  horizon 8 weeks
  customers 100
  persona p {
    share 100%
    visits every 20 days .. 40 days from a
    arrivals 30 .. 50 per week
    price_sensitivity 10% .. 30%
    expects -0.5 .. +0.5
  }
  stage s {
    touchpoint a {
      expect 3.5
      delivers 3.6 .. 4.0 +- 0.4
      after lognormal(4 days .. 8 days, 3 days)
      takes 1 h .. 2 h
      max_wait 8 days .. 12 days
      moment_of_truth 2 .. 4
      disappointer late "Late" chance 10% impact -1
    }
    touchpoint b {
      capacity 2
      service exp(20 min .. 40 min)
      recovers a.late chance 40% .. 60%
    }
  }
  flow {
    start -> a
    a -> b after 1 day .. 2 days
    b -> end after uniform(1 h .. 2 h, 3 h)
    a -> exit 10% .. 30%
    a -> b 30% .. 50% for p
  }
  scenario faster "Faster engineer" {
    cost 5k .. 9k
    a.after = lognormal(2 days .. 3 days, 1 day)
  }
  scenario halve {
    cost 1k
    a.takes *= 0.5
    flow a -> exit *= 0.5
  }
  loyalty {
    negativity 1.5 .. 2.5
    referral 1% .. 4%
  }
}
"""


def _range(belief) -> tuple[float, float]:
    return (belief.low, belief.high)


def test_every_kind_of_range_is_read_in_canonical_units_with_its_middle() -> None:
    j = journey(EVERYWHERE)
    (p,) = j.personas
    assert _range(p.visit_gap_range) == (20 * DAY, 40 * DAY) and p.visit_gap == 30 * DAY
    assert _range(p.arrivals_range) == pytest.approx((30 / WEEK, 50 / WEEK))
    assert p.arrivals == pytest.approx(40 / WEEK)
    assert _range(p.price_sensitivity_range) == (0.1, 0.3) and p.price_sensitivity == 0.2
    assert _range(p.expects_range) == (-0.5, 0.5) and p.expects == 0.0
    a, b = j.touchpoints
    assert a.delivers.kind == "normal" and a.delivers.params == pytest.approx((3.8, 0.4))
    assert _range(a.delivers.ranges[0]) == (3.6, 4.0) and a.delivers.ranges[1] is None
    assert a.after.params == (6 * DAY, 3 * DAY)
    assert _range(a.after.ranges[0]) == (4 * DAY, 8 * DAY)
    assert a.takes.params == (90.0,) and _range(a.takes_range) == (60.0, 120.0)
    assert _range(a.max_wait_range) == (8 * DAY, 12 * DAY) and a.max_wait == 10 * DAY
    assert a.moment_of_truth == 3 and _range(a.moment_of_truth_range) == (2, 4)
    assert b.service.params == (30.0,) and _range(b.service.ranges[0]) == (20.0, 40.0)
    (recovery,) = b.recovers
    assert recovery.chance == 0.5 and _range(recovery.chance_range) == (0.4, 0.6)
    _, ab, b_end, a_exit, ab_own = j.flow
    assert a_exit.probability == pytest.approx(0.2) and _range(a_exit.probability_range) == (
        0.1,
        0.3,
    )
    assert ab_own.persona == "p" and _range(ab_own.probability_range) == (0.3, 0.5)
    assert ab.after.params == (1.5 * DAY,) and _range(ab.after_range) == (DAY, 2 * DAY)
    assert b_end.after.params == (90.0, 180.0) and _range(b_end.after.ranges[0]) == (60, 120)
    assert j.loyalty.negativity == 2.0 and j.loyalty.referral == pytest.approx(0.025)
    assert [k for k, _ in j.loyalty.ranges] == ["negativity", "referral"]
    faster = j.scenario("faster")
    (change,) = faster.changes
    assert change.value.distribution.tag == "faster.a.after"


def test_a_scenario_scaling_a_ranged_time_scales_its_range() -> None:
    from cxjourney.language.scenarios import apply

    j = journey(EVERYWHERE)
    applied = apply(j, j.scenario("halve"))
    halved = applied.touchpoint("a")
    assert _range(halved.takes_range) == (30.0, 60.0) and halved.takes.mean == 45.0
    a_exit = next(e for e in applied.flow if e.target == "exit")
    assert _range(a_exit.probability_range) == pytest.approx((0.05, 0.15))
    assert (
        next(e for e in applied.flow if e.target == "b" and e.persona is None).probability is None
    )


def test_fmt_and_the_printer_write_every_range_back_to_the_same_model() -> None:
    j = journey(EVERYWHERE)
    formatted = format_source(EVERYWHERE)
    assert format_source(formatted) == formatted  # idempotent
    assert "arrivals 30 .. 50 per week" in formatted
    assert "service exp(20 min .. 40 min)" in formatted
    assert to_plain(journey(formatted)) == to_plain(j)
    printed = print_journey(j)
    assert "referral 1% .. 4% per month" in printed
    assert "b -> end after uniform(1 h .. 2 h, 3 h)" in printed
    assert to_plain(journey(printed)) == to_plain(j)


def _errors(text: str) -> list[tuple[int, str]]:
    loaded = load_text(text)
    return [(d.line, d.message) for d in loaded.diagnostics if d.severity == "error"]


def _with(line: str, where: str = "touchpoint") -> str:
    persona = line if where == "persona" else ""
    step = line if where == "touchpoint" else ""
    loyalty = f"  loyalty {{\n    {line}\n  }}\n" if where == "loyalty" else ""
    if where == "flow":
        loyalty = f"  flow {{\n    start -> a\n    {line}\n  }}\n"
    return (
        'journey "x" {\n  persona p {\n    share 100%\n    ' + persona + "\n  }\n"
        "  stage s {\n    touchpoint a {\n      "
        + ("capacity 1\n      " if "service" in step else "")
        + step
        + "\n    }\n  }\n"
        + loyalty
        + "}\n"
    )


@pytest.mark.parametrize(
    ("line", "where", "message"),
    [
        ("arrivals -3 .. 5 per week", "persona", "'arrivals' is ≥ 0, at both ends"),
        ("arrivals 50 .. 30 per week", "persona", "runs backwards"),
        ("visits every 0 days .. 3 days", "persona", "'visits every' is > 0"),
        ("price_sensitivity 10% .. 130%", "persona", "between 0% and 100%"),
        ("expects 1 .. 2 min", "persona", "takes no unit"),
        ("service exp(0 min .. 4 min)", "touchpoint", "exp() needs a positive mean"),
        ("after uniform(1 h .. 3 h, 2 h)", "touchpoint", "low is above high"),
        ("after -1 h .. 2 h", "touchpoint", "'after' is ≥ 0"),
        ("moment_of_truth 0 .. 2", "touchpoint", "'moment_of_truth' is > 0"),
        ("service 0 min .. 3 min", "touchpoint", "'service' is > 0"),
        ("curvature 0.5 .. 1.5", "loyalty", "curvature must be in (0, 1]"),
        ("referral 1 .. 3", "loyalty", "'referral' takes a percentage"),
        ("memory 1 .. 2", "loyalty", "'memory' takes one of"),
        (
            "a -> end 20% .. 40%\n    a -> exit 60%",
            "flow",
            "no edge leaving 'a' takes what is left",
        ),
        ("a -> end 60% .. 100%\n    a -> exit", "flow", "add up to 100%, leaving nothing"),
    ],
)
def test_a_range_no_value_could_make_true_is_an_error(line, where, message) -> None:
    errors = _errors(_with(line, where))
    assert any(message in text for _, text in errors), errors


def test_a_valid_range_in_each_place_checks_clean() -> None:
    for line, where in [
        ("arrivals 30 .. 50 per week", "persona"),
        ("after uniform(1 h .. 2 h, 3 h)", "touchpoint"),
        ("service exp(2 min .. 4 min)", "touchpoint"),
        ("referral 1% .. 4%", "loyalty"),
        ("a -> end 20% .. 40%\n    a -> exit", "flow"),
    ]:
        assert _errors(_with(line, where)) == [], line


def test_a_diff_shows_a_range_that_changed_even_when_its_middle_did_not() -> None:
    """`visits every 30 days` → `20 days .. 40 days` keeps the middle (the model's value)
    but says something new: the diff shows it, as written, and so do widened ranges."""
    from cxjourney.language.diff import compare

    old = journey(EVERYWHERE)
    new = journey(
        EVERYWHERE.replace("visits every 20 days .. 40 days", "visits every 10 days .. 50 days")
        .replace("referral 1% .. 4%", "referral 2% .. 3%")
        .replace("a -> exit 10% .. 30%", "a -> exit 15% .. 25%")
        .replace("exp(20 min .. 40 min)", "exp(25 min .. 35 min)")
    )
    texts = {(d.element, d.old_text, d.new_text) for d in compare(old, new)}
    assert ("persona", "20 days .. 40 days", "10 days .. 50 days") in texts
    assert ("loyalty", "1% .. 4% per month", "2% .. 3% per month") in texts
    assert ("edge", "10% .. 30%", "15% .. 25%") in texts
    assert ("touchpoint", "exp(20 min .. 40 min)", "exp(25 min .. 35 min)") in texts


SCENARIO_RANGES = """
journey "What a change does" {
  persona p {
    share 100%
    arrivals 20 per week
  }
  stage s {
    touchpoint a {
      expect 3.5
      delivers 3.4 +- 0.3
      takes 1 h
    }
    touchpoint b {
      capacity 2
      service exp(30 min)
    }
  }
  flow {
    start -> a
    a -> b 30%
    a -> end
    b -> end
  }
  scenario better {
    cost 5k
    a.delivers += 0.2 .. 0.6
    b.service *= 0.5 .. 0.8
    p.arrivals += 5 .. 10 per week
    flow a -> b = 10% .. 20%
    a.takes = 30 min .. 50 min
  }
}
"""


def test_a_scenarios_change_may_be_a_range_named_after_the_scenario() -> None:
    from cxjourney.language import ranges

    j = journey(SCENARIO_RANGES)
    values = {".".join(c.path): c.value for c in j.scenario("better").changes}
    assert _range(values["b.service"].range) == (0.5, 0.8) and values["b.service"].number == 0.65
    assert _range(values["p.arrivals"].range) == pytest.approx((5 / WEEK, 10 / WEEK))
    assert _range(values["a.b"].range) == (0.1, 0.2)
    assert _range(values["a.takes"].range) == (30, 50)
    assert [(i.name, i.what) for i in ranges.inputs(j)] == [
        ("better.a.delivers", "shift"),
        ("better.b.service", "factor"),
        ("better.p.arrivals", "rate"),
        ("better.flow.a->b", "chance"),
        ("better.a.takes", "duration"),
    ]
    formatted = format_source(SCENARIO_RANGES)
    assert "b.service *= 0.5 .. 0.8" in formatted
    assert to_plain(journey(formatted)) == to_plain(j)
    assert to_plain(journey(print_journey(j))) == to_plain(j)


def test_a_scenarios_range_must_leave_a_valid_journey_at_both_ends() -> None:
    errors = _errors(SCENARIO_RANGES.replace("a.delivers += 0.2 .. 0.6", "a.expect += 1 .. 2"))
    assert any("with every range of belief at its high end" in text for _, text in errors), errors
    wrong_kind = _errors(SCENARIO_RANGES.replace("5 .. 10 per week", "5% .. 10%"))
    assert any("takes a rate range" in text for _, text in wrong_kind), wrong_kind


ENDS = """
journey "Ends" {
  persona p {
    share 100%
    spend SPEND
  }
  stage s {
    touchpoint a {
      max_wait 8 min .. 15 min
      takes 1 h .. 3 h
      disappointer late "Late" chance 15% .. 35% impact -1
    }
  }
  scenario change {
    CHANGE
  }
}
"""


@pytest.mark.parametrize(
    ("spend", "change", "line", "words"),
    [
        ("-10 .. 45", "a.takes *= 2", 4, "spend cannot be negative (with every range of belief"),
        ("10", "cost -10k .. 40k", 14, "a cost cannot be negative (with every range"),
        ("10", "a.late.chance *= 3", 14, "got 105% (with every range of belief at its high end)"),
        ("10", "a.max_wait -= 10 min", 14, "max_wait must be positive (with every range"),
        ("10", "a.takes -= 30 min .. 2 h", 14, "the scenario's at their high ends"),
    ],
)
def test_a_journey_is_checked_at_the_ends_of_its_ranges(spend, change, line, words) -> None:
    """Every replication may draw any value of a range, so a number valid at its middle
    but not at an end is refused, at the line to change; a scenario's subtraction is also
    tried with the file's ranges low and the scenario's high."""
    text = ENDS.replace("SPEND", spend).replace("CHANGE", change)
    errors = _errors(text)
    assert any(words in message and at == line for at, message in errors), errors
    fine = ENDS.replace("SPEND", "10 .. 45").replace("CHANGE", "a.takes -= 30 min .. 50 min")
    assert _errors(fine) == []


def test_a_diff_shows_a_scenarios_ranged_cost_and_changes_as_written() -> None:
    from cxjourney.language.diff import compare

    old = journey(SCENARIO_RANGES.replace("cost 5k", "cost 40k .. 60k"))
    new = journey(
        SCENARIO_RANGES.replace("cost 5k", "cost 50k")
        .replace("b.service *= 0.5 .. 0.8", "b.service *= 0.6 .. 0.7")
        .replace("arrivals 20 per week", "arrivals 30 .. 50 per week")
    )
    texts = {(d.element, d.old_text, d.new_text) for d in compare(old, new)}
    assert ("scenario", "40k .. 60k", "50k") in texts, texts
    assert ("scenario", "", "b.service *= 0.6 .. 0.7") in texts, texts
    assert ("persona", "20 per week", "30 .. 50 per week") in texts, texts
