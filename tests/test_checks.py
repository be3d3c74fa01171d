"""Every validation rule, with the exact line and column it reports."""

from __future__ import annotations

import pytest

from tests.conftest import errors

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
