"""Every validation rule, with the exact line and column it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import OVERLOADED, SHOP, errors, run_cli, write

BASE = """\
journey "C" {
  horizon 26 weeks
  persona a "A" {
    share 60%
    patience 4 min
  }
  persona b {
    share 40%
  }
  stage s {
    touchpoint t1 "One" {
      expect 4
      delivers 3.8 +- 0.4
      capacity 2
      service exp(90 s)
      disappointer wrong "Wrong" chance 5% impact -2
    }
    touchpoint t2 {
      recovers wrong chance 50%
    }
  }
  flow {
    t1 -> t2 70%
    t1 -> end
    t2 -> end
  }
  scenario x {
    cost 10k
    t1.delivers += 0.5
  }
}
"""


def variant(line: int, new: str) -> str:
    lines = BASE.split("\n")
    lines[line - 1] = new
    return "\n".join(lines)


def test_base_is_valid() -> None:
    assert errors(BASE) == []


CASES = [
    # (line to replace, its new text, expected line, column, message fragment)
    (4, "    share 50%", 4, 11, "add up to 90%"),
    (4, "    share 60", 4, 11, "must be written as a percentage"),
    (4, "    share 160%", 4, 11, "between 0% and 100%"),
    (12, "      expect 6", 12, 14, "between 1 and 5"),
    (12, "      expect 0.5", 12, 14, "between 1 and 5"),
    (13, "      delivers 5.5", 13, 16, "between 1 and 5"),
    (13, "      delivers 3.8 +- -0.4", 13, 16, "standard deviation"),
    (13, "      delivers uniform(4, 2)", 13, 16, "low is above high"),
    (13, "      delivers triangular(1, 4, 3)", 13, 16, "low ≤ mode ≤ high"),
    (13, "      delivers normall(3, 1)", 13, 16, "unknown distribution 'normall'"),
    (13, "      delivers 4 min", 13, 18, "takes no unit"),
    (14, "      capacity 0", 14, 16, "whole number ≥ 1"),
    (14, "      capacity 1.5", 14, 16, "whole number ≥ 1"),
    (14, "      max_wait 2 min", 15, 7, "service time but no capacity"),
    (15, "      max_wait 2 min", 14, 7, "capacity but no service time"),
    (15, "      service exp(0 min)", 15, 15, "positive mean"),
    (15, "      service lognormal(-1 min, 1 min)", 15, 15, "positive mean"),
    (15, "      service exp(90)", 15, 19, "needs a time unit"),
    (15, "      service exp(90 mins_)", 15, 22, "unknown unit 'mins_'"),
    (16, '      disappointer wrong "Wrong" chance 5% impact +2', 16, 20, "negative impact"),
    (16, '      delighter wrong "Wrong" chance 5% impact -2', 16, 17, "positive impact"),
    (16, '      disappointer wrong "Wrong" chance 105% impact -2', 16, 20, "between 0% and 100%"),
    (19, "      recovers wrnog chance 50%", 19, 16, "no disappointer 'wrnog'"),
    (19, "      recovers t1.nope chance 50%", 19, 16, "has no disappointer 'nope'"),
    (19, "      recovers t9.wrong chance 50%", 19, 16, "unknown touchpoint 't9'"),
    (5, "    patience -4 min", 5, 14, "patience must be positive"),
    (2, "  horizon 0 weeks", 2, 11, "horizon must be positive"),
    (2, "  horizon 26", 2, 11, "needs a time unit"),
    (2, "  horizon 26 weks", 2, 14, "unknown unit 'weks'"),
    (23, "    t1 -> t3 70%", 23, 11, "unknown touchpoint 't3'"),
    (23, "    t1 -> t2 110%", 23, 5, "over 100%"),
    (24, "    t1 -> end 20%", 23, 5, "nowhere to go"),
    (24, "    t1 -> t2", 24, 5, "duplicate edge"),
    (24, "    end -> t1", 24, 5, "no edge may leave 'end'"),
    (24, "    t1 -> start", 24, 11, "no edge may enter 'start'"),
    (24, "    t1 -> end 30% for c", 24, 5, "unknown persona 'c'"),
    (24, "    t1 -> end for a", 24, 5, "needs a percentage"),
    (25, "    t2 -> t2 10% for a", 25, 5, "no edge for everyone"),
    (25, "    t2 -> t2", 18, 5, "no way to 'end' or 'exit'"),
    (29, "    t1.delivrs += 0.5", 29, 8, "no attribute or event 'delivrs'"),
    (29, "    t9.delivers += 0.5", 29, 5, "unknown touchpoint or persona 't9'"),
    (29, "    t1.wrong.chanse = 1%", 29, 14, "no attribute 'chanse'"),
    (29, "    a.share = 50%", 29, 7, "cannot change a persona's share"),
    (29, "    remove t1.nope", 29, 15, "no delighter or disappointer 'nope'"),
    (29, "    flow t2 -> t1 = 50%", 29, 16, "no edge t2 -> t1"),
    (29, "    t1.capacity = 0", 27, 3, "leaves an invalid journey"),
    (28, "    cost -10k", 28, 5, "cannot be negative"),
    (27, "  scenario baseline {", 27, 3, "cannot be named 'baseline'"),
    (27, "  scenario t1 {", 27, 3, "already defined"),
    (18, "    touchpoint a {", 18, 5, "already defined"),
    (18, "    touchpoint end {", 18, 5, "cannot be named 'end'"),
    (12, "      expectt 4", 12, 7, "unknown keyword 'expectt'"),
    (12, "      expect 4 }", 12, 16, "'}' must stand on a line of its own"),
    (12, "      expect 4; delivers 3", 12, 15, "unexpected ';'"),
    (11, '    touchpoint t1 "One {', 11, 19, "unterminated string"),
    (11, '    touchpoint t1 "On\\e" {', 11, 19, "invalid escape"),
    (28, "    cost 1e3", 28, 10, "not a valid number"),
    (28, "    cost 1" + "0" * 400, 28, 10, "too large"),
]


@pytest.mark.parametrize(("line", "new", "at_line", "at_col", "fragment"), CASES)
def test_rule(line: int, new: str, at_line: int, at_col: int, fragment: str) -> None:
    found = errors(variant(line, new))
    assert any((ln, col) == (at_line, at_col) and fragment in msg for ln, col, msg in found), found


def test_every_problem_is_reported_and_sorted() -> None:
    text = variant(12, "      expect 6")
    text = text.replace("    share 40%", "    share 30%").replace("t1 -> t2 70%", "t1 -> t3 70%")
    found = errors(text)
    assert [(ln, col) for ln, col, _ in found] == sorted((ln, col) for ln, col, _ in found)
    assert {ln for ln, _, _ in found} >= {4, 12, 23}


def test_unknown_name_suppresses_graph_checks() -> None:
    found = errors(variant(23, "    t1 -> t3 70%"))
    assert not any("cannot be reached" in m or "no way" in m for _, _, m in found)


def test_unreachable_touchpoint() -> None:
    text = variant(23, "    t1 -> end 70%")
    found = errors(text)
    assert (18, 5) in [(ln, col) for ln, col, m in found if "cannot be reached" in m]


def test_did_you_mean_hints() -> None:
    from tests.conftest import load_text

    loaded = load_text(variant(29, "    t1.delivrs += 0.5"))
    assert any("did you mean 'delivers'" in d.hint for d in loaded.diagnostics)
    loaded = load_text(variant(12, "      expectt 4"))
    assert any("did you mean 'expect'" in d.hint for d in loaded.diagnostics)


def test_ambiguous_recovery_needs_touchpoint() -> None:
    text = variant(
        19, "      recovers wrong chance 50%\n      disappointer wrong chance 1% impact -1"
    )
    found = errors(text)
    assert any("names several disappointers" in m for _, _, m in found)
    fixed = text.replace("recovers wrong chance", "recovers t1.wrong chance")
    assert errors(fixed) == []


def test_a_second_journey_is_an_error() -> None:
    found = errors(BASE + 'journey "Two" {\n}\n')
    assert (32, 1, "a file holds one journey; this is a second one") in found


def test_journey_without_persona_or_touchpoint() -> None:
    found = errors('journey "E" {\n}\n')
    assert (1, 1, "the journey has no persona") in found
    assert (1, 1, "the journey has no touchpoint") in found


def test_attribute_given_twice() -> None:
    found = errors(variant(12, "      expect 4\n      expect 3"))
    assert any(ln == 13 and "given twice" in m for ln, _, m in found)


def test_remainder_with_unlabelled_edge_at_zero() -> None:
    found = errors(variant(23, "    t1 -> t2 100%"))
    assert any(ln == 24 and "left with 0%" in m for ln, _, m in found)


def test_persona_own_probabilities_over_100() -> None:
    text = variant(24, "    t1 -> end\n    t1 -> t2 80% for a\n    t1 -> end 30% for a")
    found = errors(text)
    assert any("a's own edges leaving 't1' add up to 110%" in m for _, _, m in found)


def test_flow_change_needs_flow_block() -> None:
    text = BASE.replace("  flow {\n    t1 -> t2 70%\n    t1 -> end\n    t2 -> end\n  }\n", "")
    text = text.replace("    t1.delivers += 0.5", "    flow t1 -> t2 = 50%")
    found = errors(text)
    assert any("needs an explicit flow block" in m for _, _, m in found)


# ---- delays longer than max_wait ---------------------------------------------------------

DELAYED = """\
journey "D" {
  persona p {
    share 100%
  }
  stage s {
    touchpoint bill { }
    touchpoint support {
      after exp(1 day)
      max_wait 10 min
    }
  }
  flow {
    bill -> support 20%
    bill -> end
    support -> end
  }
}
"""


def warnings(text: str) -> list[tuple[int, int, str, str]]:
    from tests.conftest import load_text

    loaded = load_text(text)
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return [(d.line, d.column, d.message, d.hint) for d in loaded.diagnostics]


def test_a_delay_longer_than_max_wait_is_a_warning_at_its_after() -> None:
    assert warnings(DELAYED) == [
        (
            8,
            7,
            "the delay before 'support' (1 day on average) is longer than its max_wait "
            "(10 min): most visits will count as late",
            "max_wait is the wait customers accept, delay included; raise it to what you promise",
        )
    ]


@pytest.mark.parametrize(
    ("after", "max_wait"),
    [
        ("      after exp(1 day)\n", "      max_wait 2 days\n"),  # within what is promised
        ("      after 10 min\n", "      max_wait 10 min\n"),  # exactly the promise
        ("      after exp(1 day)\n", ""),  # no max_wait: waits never disappoint
        ("", "      max_wait 10 min\n"),  # no delay
    ],
)
def test_no_warning_when_the_delay_fits_or_nothing_is_promised(after: str, max_wait: str) -> None:
    text = DELAYED.replace("      after exp(1 day)\n", after).replace(
        "      max_wait 10 min\n", max_wait
    )
    assert warnings(text) == []


def test_an_edge_delay_counts_and_the_warning_names_the_way_in() -> None:
    text = DELAYED.replace("      after exp(1 day)\n", "      after 5 min\n").replace(
        "    bill -> support 20%\n",
        "    bill -> support 20% after exp(3 days) for p\n    bill -> support 10%\n",
    )
    ((line, column, message, _),) = warnings(text)
    assert (line, column) == (13, 5)  # the edge's line: its delay is what passes max_wait
    assert message == (
        "the delay before 'support' on the way from 'bill' for p (3.0 days on average) "
        "is longer than its max_wait (10 min): most visits will count as late"
    )


def test_own_delay_and_edge_delay_add_up() -> None:
    text = DELAYED.replace("      after exp(1 day)\n", "      after 6 min\n").replace(
        "    bill -> support 20%\n", "    bill -> support 20% after 6 min\n"
    )
    ((line, _, message, _),) = warnings(text)
    assert line == 8  # the touchpoint's own `after`: neither alone is too long
    assert "on the way from 'bill' (12 min on average)" in message
    no_own = text.replace("      after 6 min\n", "").replace("after 6 min", "after 12 min")
    ((line, _, message, _),) = warnings(no_own)
    assert line == 12  # without a delay of its own, at the edge (a line above: no `after`)


def test_a_scenario_that_lengthens_a_delay_is_not_warned_about() -> None:
    text = DELAYED.replace("      after exp(1 day)\n", "      after 5 min\n").replace(
        "  flow {", "  scenario slow {\n    support.after *= 10\n  }\n  flow {"
    )
    assert warnings(text) == []  # warnings are about the baseline


# ---- flows that trap customers -----------------------------------------------------------

LOOP_FOR_PERSONA = """\
journey "Loop" {
  persona p {
    share 100%
  }
  stage s {
    touchpoint a { }
    touchpoint b { }
  }
  flow {
    start -> a
    a -> b
    b -> a 50%
    b -> a 100% for p
    b -> end
  }
}
"""


LOOP_BY_SCENARIO = """\
journey "Loop" {
  persona p {
    share 100%
  }
  stage s {
    touchpoint a { }
    touchpoint b { }
  }
  flow {
    start -> a
    a -> b
    b -> a 50%
    b -> end
  }
  scenario loop "Loop" {
    cost 1
    flow b -> a = 100%
  }
}
"""


LOOP_AT_ZERO = LOOP_FOR_PERSONA.replace("    b -> a 100% for p\n", "").replace(
    "b -> a 50%\n    b -> end", "b -> a 100%\n    b -> end 0%"
)


def test_a_persona_edge_that_traps_its_customers_is_an_error_at_that_edge() -> None:
    found = errors(LOOP_FOR_PERSONA)
    assert found == [
        (
            13,
            5,
            "persona 'p' can never finish: from 'a' no edge above 0% leads on to 'end' or 'exit'",
        )
    ]


def test_an_edge_at_0_percent_is_no_way_out() -> None:
    found = errors(LOOP_AT_ZERO)
    assert len(found) == 1 and found[0][0] == 13 and "can never finish" in found[0][2]


def test_a_scenario_that_traps_customers_is_an_error_at_the_scenario() -> None:
    found = errors(LOOP_BY_SCENARIO)
    assert len(found) == 1
    line, _, message = found[0]
    assert line == 15
    assert message.startswith("scenario 'loop' leaves an invalid journey: persona 'p' can never")


def test_a_trapping_file_is_not_simulated(tmp_path: Path) -> None:
    done = run_cli("simulate", write(tmp_path, LOOP_FOR_PERSONA), "-n", "1")
    assert done.returncode == 2 and b"can never finish" in done.stderr


# ---- queues: service times and load ------------------------------------------------------

QUEUE = """\
journey "Queue" {{
  customers 5
  persona p {{
    share 100%
  }}
  stage s {{
    touchpoint t {{
      capacity 1
      service {service}
    }}
  }}
  scenario faster "Faster" {{
    cost 1
    t.service *= {factor}
  }}
}}
"""


def test_a_lognormal_the_engine_cannot_draw_is_a_check_error_with_its_place() -> None:
    huge = "1" + "0" * 155
    found = errors(QUEUE.format(service=f"lognormal(1 s, {huge} s)", factor="0.5"))
    assert [(line, message.split(":")[0]) for line, _, message in found] == [
        (9, "lognormal(0.0166667, 1.66667e+153)")  # minutes
    ]


@pytest.mark.parametrize(
    "service", ["uniform(0 s, 0 s)", "triangular(0 s, 0 s, 0 s)", "normal(0 s, 0 s)", "0 s"]
)
def test_a_service_that_takes_no_time_is_an_error(service: str) -> None:
    found = errors(QUEUE.format(service=service, factor="0.5"))
    assert [line for line, _, _ in found] == [9]
    assert "service must be a positive duration" in found[0][2]


def test_a_scenario_that_multiplies_service_by_0_is_an_error_at_the_scenario() -> None:
    found = errors(QUEUE.format(service="exp(2 min)", factor="0"))
    assert len(found) == 1 and found[0][0] == 12
    assert "service must be a positive duration" in found[0][2]


def test_check_warns_about_a_queue_that_cannot_keep_up(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED)
    result = run_cli("check", str(path))
    assert result.returncode == 0
    err = (result.stdout + result.stderr).decode()
    assert "food.journey:12:16: warning: the queue at 'courier' cannot keep up" in err
    assert "offered load 1.67" in err
    fine = run_cli("check", "-", input=OVERLOADED.replace("capacity 1", "capacity 3").encode())
    assert b"warning" not in fine.stdout + fine.stderr


# ---- units and numbers -------------------------------------------------------------------


def test_a_unit_where_none_belongs_names_the_attribute() -> None:
    text = SHOP.replace("courier.capacity = 3", "courier.capacity = 7 couriers")
    found = errors(text)
    assert found == [(17, 26, "'capacity' takes no unit, found 'couriers'")]


def test_hints_lead_to_the_number_meant(tmp_path) -> None:
    path = tmp_path / "hint.journey"
    path.write_text(
        'journey "T" {\n  persona p {\n    share 100%\n    spend 10 k\n'
        "    price_sensitivity 0.2\n  }\n  stage s {\n    touchpoint t { }\n  }\n}\n"
    )
    err = run_cli("check", str(path)).stderr.decode() + run_cli("check", str(path)).stdout.decode()
    assert "with no space: 10k" in err
    assert "write 20%" in err
