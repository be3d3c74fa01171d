"""The value of information and the tornado.

The estimators are checked on synthetic draws with a closed form, then end to end on a
tiny journey where one unknown cannot change the choice.

Closed form: two options, doing nothing (value 0) and one whose value is a + bθ with
θ uniform on (0, 1). With perfect information the second is chosen when a + bθ > 0, so
EVPI = E[max(0, a + bθ)] − max(0, a + b/2). For a = −1, b = 3 the option pays when
θ > 1/3: E[max] = ∫_{1/3}^{1} (3θ − 1) dθ = 2/3, and max(0, 0.5) = 0.5, so EVPI = 1/6.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxjourney.decide import uncertainty as u
from cxjourney.model import Belief
from cxjourney.sim.experiment import RunSpec
from tests.decide.cases import journey

N = 10_000
THETA = (np.arange(N) + 0.5) / N  # evenly spread over (0, 1): the integral's midpoints
CLOSED_FORM = 1 / 6


def raw_evpi(values) -> float:
    """E[max over options] − max over options of E, on the replications as they are: the
    estimate without a fit, which counts chance as something to learn."""
    table = np.asarray(values, dtype=float)
    return float(table.max(axis=0).mean() - table.mean(axis=1).max())


def test_evpi_matches_the_closed_form() -> None:
    values = [np.zeros(N), -1 + 3 * THETA]
    lines = u.lines_of(values, [THETA], [[], [0]])  # exactly a line: the fit is exact
    assert u.evpi_of(lines) == pytest.approx(CLOSED_FORM, abs=1e-6)


def test_evppi_of_the_only_input_on_its_line_is_the_same_closed_form() -> None:
    """Doing nothing is worth 0, the option -1 + 3u: it wins for u > 1/3, so knowing u is
    worth the integral of max(0, -1 + 3u) over (0, 1), 1/6, and no more than knowing
    everything (here the same, as u is the only input)."""
    lines = u.Lines(np.array([0.0, -1.0]), np.array([[0.0], [3.0]]))
    assert u.evppi_of(lines, 0) == pytest.approx(CLOSED_FORM, abs=1e-6)
    assert u.evpi_of(lines) == pytest.approx(CLOSED_FORM, abs=5e-3)  # Monte Carlo


def test_the_linear_fit_removes_chance_but_keeps_what_the_input_explains() -> None:
    rng = np.random.default_rng(2)
    noise = rng.normal(0, 2.0, N)  # chance: as large as the decision's stakes, unrelated to θ
    values = [np.zeros(N), -1 + 3 * THETA + noise]
    assert raw_evpi(values) > 0.5  # the raw estimate counts chance as something to learn
    lines = u.lines_of(values, [THETA], [[], [0]])
    assert u.evpi_of(lines) == pytest.approx(CLOSED_FORM, abs=0.01)


def test_an_input_that_cannot_change_the_decision_is_worth_exactly_nothing() -> None:
    rng = np.random.default_rng(3)
    theta = rng.uniform(size=500)
    other = rng.uniform(size=500)
    values = [np.zeros(500), 5 + theta + rng.normal(0, 1, 500)]  # always ahead
    assert raw_evpi(values) == 0.0
    lines = u.lines_of(values, [theta, other], [[], [0, 1]])
    assert u.evppi_of(lines, 0) == 0.0 and u.evppi_of(lines, 1) == 0.0
    assert u.evpi_of(lines) == 0.0


def test_an_input_that_cannot_move_an_option_gets_no_slope_on_it() -> None:
    """An option fitted without an input (another scenario's cost) has a slope of 0 on
    it, however its values happen to line up with that input's draws."""
    rng = np.random.default_rng(4)
    theta, unrelated = rng.uniform(size=(2, 40))
    values = [np.zeros(40), -1 + 3 * theta + rng.normal(0, 0.5, 40)]
    lines = u.lines_of(values, [theta, unrelated], [[], [0]])
    assert lines.slopes[1, 1] == 0.0 and u.evppi_of(lines, 1) == 0.0
    assert u.evppi_of(lines, 0) > 0.1


def test_without_inputs_the_fit_is_each_options_mean_and_evpi_is_zero() -> None:
    values = [[0.0, 0.0, 0.0], [1.0, -1.0, 0.5]]
    lines = u.lines_of(values, [], [[], []])
    assert list(lines.mean()) == pytest.approx([0.0, 1 / 6]) and u.evpi_of(lines) == 0.0


# ---- end to end ------------------------------------------------------------------------------

# One visit per customer. The welcome pack's delighter has an impact the team does not
# know (+0.5 .. +2); whatever it is, the pack raises NPS, so on NPS the choice never
# depends on it, and the lateness of `a` (in baseline and pack alike) cannot change it
# either. The pack's cost cannot move an NPS effect at all.
TINY = """
journey "Tiny" {
  horizon 4 weeks
  customers 300
  currency GBP
  persona p {
    share 100%
    spend 10
  }
  stage s {
    touchpoint a {
      expect 3
      delivers 3 +- 0.5
      disappointer late "Late" chance 10% .. 30% impact -2 .. -1
    }
    touchpoint b {
      expect 3
      delivers 3 +- 0.5
    }
  }
  scenario pack "Welcome pack" {
    cost 1k .. 3k
    add delighter b.pack "Welcome pack" chance 50% impact +0.5 .. +2
  }
}
"""


@pytest.fixture(scope="module")
def tiny():
    return journey(TINY)


def test_end_to_end_an_unknown_that_cannot_change_the_choice_is_worth_nothing(tiny) -> None:
    info = u.information(tiny, RunSpec(seed=5, replications=8))
    assert info.chosen == "pack" and info.replications == 8
    assert info.total == 0.0
    assert {p.input.name: p.value for p in info.partial} == {
        "a.late.chance": 0.0,
        "a.late.impact": 0.0,
        "b.pack.impact": 0.0,
        "pack.cost": 0.0,
    }


def test_the_tornado_ranks_the_unknown_that_moves_the_effect_first(tiny) -> None:
    chart = u.tornado(tiny, RunSpec(seed=5, replications=4), "pack")
    names = [b.input.name for b in chart.bars]
    assert names[0] == "b.pack.impact"
    first = chart.bars[0]
    assert first.high["mean"] > chart.middle["mean"] > first.low["mean"]
    cost = next(b for b in chart.bars if b.input.name == "pack.cost")
    assert cost.swing == 0.0 and cost.low == chart.middle  # a cost cannot move NPS


def test_the_document_and_its_words(tiny) -> None:
    from cxjourney.render.tornado import tornado_svg, uncertainty_text

    spec = RunSpec(seed=5, replications=10)  # 4 unknowns: the fit needs 2 x (4 + 1)
    info = u.information(tiny, spec)
    chart = u.tornado(tiny, spec, u.best_scenario(info))
    doc = u.document(tiny, 5, chart, info)
    text = uncertainty_text(doc)
    assert "b.pack.impact  +0.5 .. +2" in text
    assert "Nothing here is worth measuring before deciding." in text
    cost = next(p for p in doc["value_of_information"]["partial"] if p["input"] == "pack.cost")
    assert cost["evppi"] == 0.0  # a cost cannot move NPS: it is not in NPS's fit
    svg = tornado_svg(doc)
    assert svg.startswith("<svg") and svg.count("<rect") == 2 * len(chart.bars)


def test_the_command_prints_json_writes_the_chart_and_refuses_a_bad_scenario(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tiny.journey"
    path.write_text(TINY)
    svg = tmp_path / "tornado.svg"
    base = [sys.executable, "-m", "cxjourney", "uncertainty", str(path), "-n", "3", "-q", "-j", "1"]
    done = subprocess.run(
        [*base, "--format", "json", "--svg", str(svg)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["tornado"]["scenario"] == "pack"
    assert doc["value_of_information"]["replications"] == 3
    assert doc["inputs"][0]["input"] == "a.late.chance"
    assert svg.read_text().startswith("<svg")
    bad = subprocess.run([*base, "--scenario", "nope"], capture_output=True, text=True)
    assert bad.returncode == 2 and "nope" in bad.stderr and "Traceback" not in bad.stderr


@settings(max_examples=50, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    options=st.integers(2, 4),
    inputs=st.integers(1, 3),
    n=st.integers(4, 60),
)
def test_no_single_input_is_worth_more_than_knowing_them_all(seed, options, inputs, n) -> None:
    rng = np.random.default_rng(seed)
    thetas = rng.uniform(size=(inputs, n))
    slopes = rng.normal(size=(options, inputs))
    values = slopes @ thetas + rng.normal(0, 0.5, size=(options, n))
    lines = u.lines_of(values, thetas, [list(range(inputs))] * options)
    total = u.evpi_of(lines)
    assert total >= 0
    for i in range(inputs):  # Jensen: one input's worth is at most all of theirs
        assert 0 <= u.evppi_of(lines, i) <= total * 1.02 + 1e-9  # the EVPI by Monte Carlo


def test_end_to_end_a_cost_that_decides_is_the_unknown_to_measure(tiny) -> None:
    """The pack wins back about 5 GBP of revenue in four weeks; with its cost anywhere in
    0 .. 10 GBP, whether it pays for itself depends on the cost: the value of information
    in money is positive (about E[max(0, 5 − c)] = 1.25 GBP for c uniform on 0 .. 10), and
    the cost is the unknown most worth knowing."""
    cheap = replace(
        tiny,
        scenarios=(replace(tiny.scenarios[0], cost=5.0, cost_range=Belief(0.0, 10.0)),),
    )
    info = u.information(cheap, RunSpec(seed=5, replications=40))
    assert info.total == 0.0  # on NPS the pack is best whatever the unknowns
    assert 0.5 < info.total_money < 2.0  # 1.25 by hand; an estimate from 40 replications
    first, second = sorted(info.partial, key=lambda p: -p.money)[:2]
    assert first.input.name == "pack.cost" and first.money > 1.5 * second.money


def test_too_few_replications_for_the_fit_say_so_instead_of_a_number(tiny) -> None:
    """With n <= k + 1 replications a fit of k unknowns reproduces chance exactly, so the
    "value" it finds is noise: below 2 (k + 1) nothing is estimated, and the words say
    how many replications it needs; left to the tool, the count grows to that."""
    from cxjourney.render.tornado import information_text

    info = u.information(tiny, RunSpec(seed=5, replications=4))
    assert not info.enough and info.needed == 10
    doc = u.document(tiny, 5, None, info)
    assert doc["value_of_information"]["evpi"] is None
    (sentence,) = information_text(doc)
    assert "4 replications are too few" in sentence and "-n 10" in sentence
    from cxjourney.sim.sequential import Schedule

    adaptive = RunSpec(seed=5, replications=4, schedule=Schedule(4, 40))
    grown = u.information(tiny, adaptive)  # the count left to the tool: grown to the fit's
    assert grown.replications == 10 and grown.enough
