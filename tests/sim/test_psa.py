"""Probabilistic sensitivity analysis: each replication draws every range of belief once.

- Intervals carry what the team does not know as well as chance: wider than with every
  unknown at its middle.
- A journey without ranges runs exactly as before (tests/sim/test_golden_results.py holds
  the bytes against files written before ranges existed); here, a file with the middles
  written as plain numbers gives the same bytes as the ranged file fixed at its middles.
- Common random numbers: in one replication the baseline and every scenario see the
  same draw of a shared unknown; draws do not depend on workers or engine.
"""

from __future__ import annotations

import json

import pytest

from cxjourney.language import ranges
from cxjourney.sim import beliefs
from cxjourney.sim.experiment import RunSpec, simulate
from cxjourney.sim.plan import compile_plan, drawn
from cxjourney.sim.runner import variants
from cxjourney.sim.streams import replication_keys
from tests.decide.cases import journey

RANGED = """
journey "Psa" {
  horizon 4 weeks
  customers 300
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
# the same file with each range's middle written as a plain number
MIDDLES = (
    RANGED.replace("10% .. 30%", "20%")
    .replace("-2 .. -1", "-1.5")
    .replace("1k .. 3k", "2k")
    .replace("+0.5 .. +2", "+1.25")
)
SPEC = RunSpec(seed=11, replications=6)


@pytest.fixture(scope="module")
def ranged():
    return journey(RANGED)


@pytest.fixture(scope="module")
def psa(ranged):
    return simulate(ranged, SPEC)


def _width(interval: dict) -> float:
    return interval["high"] - interval["low"]


def test_intervals_are_wider_with_what_the_team_does_not_know(ranged, psa) -> None:
    chance_alone = simulate(ranges.fixed(ranged), SPEC)
    for metric in ("nps", "satisfaction"):
        wide = psa["scenarios"]["pack"]["delta"][metric]
        narrow = chance_alone["scenarios"]["pack"]["delta"][metric]
        assert _width(wide) > 2 * _width(narrow)
    assert _width(psa["scenarios"]["baseline"]["metrics"]["nps"]) > _width(
        chance_alone["scenarios"]["baseline"]["metrics"]["nps"]
    )


def test_without_ranges_the_bytes_are_those_of_plain_numbers(ranged) -> None:
    fixed = json.dumps(simulate(ranges.fixed(ranged), SPEC), sort_keys=True)
    plain = json.dumps(simulate(journey(MIDDLES), SPEC), sort_keys=True)
    assert fixed == plain


def test_a_journey_without_ranges_runs_its_plan_unchanged() -> None:
    plan = compile_plan(journey(MIDDLES))
    assert plan.source is None and drawn(plan, 12345) is plan


def test_the_baseline_and_a_scenario_see_the_same_draw_of_a_shared_unknown(ranged) -> None:
    (_, base, _), (_, pack, _) = variants(ranged, None)
    base_plan, pack_plan = compile_plan(base), compile_plan(pack)
    for key in replication_keys(3, 5):
        a = drawn(base_plan, key).events[0][0]
        b = drawn(pack_plan, key).events[0][0]
        assert a == b  # the late disappointer: same chance and same felt impact
        added = drawn(pack_plan, key).events[1][0][2]
        assert added > 0
    chances = {drawn(base_plan, k).events[0][0][1] for k in replication_keys(3, 5)}
    assert len(chances) == 5 and all(0.10 <= c <= 0.30 for c in chances)


def test_the_draws_do_not_depend_on_workers_or_engine(ranged, psa) -> None:
    expected = json.dumps(psa, sort_keys=True)
    assert (
        json.dumps(simulate(ranged, RunSpec(seed=11, replications=6, workers=2)), sort_keys=True)
        == expected
    )
    simpy = RunSpec(seed=11, replications=6, engine="simpy")
    assert json.dumps(simulate(ranged, simpy), sort_keys=True) == expected


def test_a_replications_draw_depends_on_its_key_only() -> None:
    """A run that grows keeps replication k's draws: the first two of six are those of two."""
    first = [beliefs.quantile(k, "a.late.chance") for k in replication_keys(11, 6)[:2]]
    assert first == [beliefs.quantile(k, "a.late.chance") for k in replication_keys(11, 2)]


def test_quantiles_spread_evenly_over_the_range() -> None:
    draws = [beliefs.quantile(k, "x") for k in replication_keys(1, 2000)]
    assert min(draws) > 0 and max(draws) < 1
    assert sum(draws) / len(draws) == pytest.approx(0.5, abs=0.02)
    assert sum(d < 0.25 for d in draws) / len(draws) == pytest.approx(0.25, abs=0.03)
