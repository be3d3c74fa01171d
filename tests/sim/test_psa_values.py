"""Ranges of belief on a touchpoint's `expect` and `delivers`, a persona's `spend` and
`patience`.

One touchpoint, so a customer's remembered experience R is the moment there, which rises
with the disconfirmation D = performance - expectation (docs/model.md); satisfaction is
S = 7 + 1.5 R + noise. With the same key, every customer meets the same draws of chance
(common random numbers), so moving one input moves every customer's S the same way:

- `expect` higher, `delivers` fixed: D falls, so S falls;
- `delivers` higher: D rises, so S rises;
- `expect` with no `delivers`: the step delivers what is expected, so both move and D,
  hence S, stays exactly the same;
- `spend` only prices a finished journey: the journeys stay the same and revenue scales
  with the spend, 20 / 10 = twice as much at the high end as at the low.
"""

from __future__ import annotations

import json

import pytest

from cxjourney.language import ranges
from cxjourney.sim import batch, beliefs, engine
from cxjourney.sim.experiment import RunSpec, simulate
from cxjourney.sim.plan import compile_plan, drawn
from cxjourney.sim.runner import variants
from cxjourney.sim.streams import replication_keys
from tests.decide.cases import journey

TEMPLATE = """
journey "One step" {
  horizon 4 weeks
  customers 300
  persona p {
    share 100%
    visits every 1 week
    spend SPEND
  }
  stage s {
    touchpoint a {
      expect EXPECT
      DELIVERS
    }
  }
  scenario better {
    cost 1k
    CHANGE
  }
}
"""


def ranged(
    spend: str = "10", expect: str = "3.5", delivers: str = "delivers 3.5 +- 0.5", change=""
):
    text = (
        TEMPLATE.replace("SPEND", spend)
        .replace("EXPECT", expect)
        .replace("DELIVERS", delivers)
        .replace("CHANGE", change or "a.max_wait = 1 h")
    )
    return journey(text)


KEY = replication_keys(5, 1)[0]


def _metrics(j, name: str, quantile: float) -> dict:
    """Replication KEY of the journey with input `name` at `quantile` of its range."""
    return batch.run_replication(compile_plan(ranges.fixed(j, {name: quantile})), KEY)["metrics"]


def test_a_higher_expectation_lowers_satisfaction() -> None:
    low, high = (_metrics(ranged(expect="3 .. 4"), "a.expect", q) for q in (0.0, 1.0))
    assert high["satisfaction"] < low["satisfaction"]
    assert high["nps"] <= low["nps"]


def test_a_higher_delivery_raises_satisfaction() -> None:
    j = ranged(delivers="delivers 3 .. 4")
    low, high = (_metrics(j, "a.delivers", q) for q in (0.0, 1.0))
    assert high["satisfaction"] > low["satisfaction"]
    assert high["nps"] >= low["nps"]


def test_without_delivers_an_uncertain_expectation_is_met_either_way() -> None:
    j = ranged(expect="3 .. 4", delivers="")
    low, high = (_metrics(j, "a.expect", q) for q in (0.0, 1.0))
    assert high["satisfaction"] == pytest.approx(low["satisfaction"], abs=1e-9)


def test_spend_scales_revenue_and_nothing_else() -> None:
    j = ranged(spend="10 .. 20")
    low, high = (_metrics(j, "p.spend", q) for q in (0.0, 1.0))
    assert high["journeys"] == low["journeys"] and high["revenue"] > 0
    assert high["revenue"] == pytest.approx(2 * low["revenue"])


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"expect": "3 .. 4"}, "a.expect"),
        ({"expect": "3 .. 4", "delivers": ""}, "a.expect"),
        ({"delivers": "delivers 3 .. 4"}, "a.delivers"),
        ({"spend": "10 .. 20"}, "p.spend"),
    ],
)
def test_a_replications_plan_is_the_journey_known_at_its_draw(kwargs, name) -> None:
    """The draw happens where the model's numbers become the replication's plan: the drawn
    plan is the plan of the journey with the input known at the replication's quantile."""
    j = ranged(**kwargs)
    assert [i.name for i in ranges.inputs(j)] == [name]
    plan = compile_plan(j)
    values = set()
    for key in replication_keys(3, 4):
        mine = drawn(plan, key)
        known = compile_plan(ranges.fixed(j, {name: beliefs.quantile(key, name)}))
        assert mine.expectation == [pytest.approx(row) for row in known.expectation]
        assert [s[1] * s[4] + s[5] for s in mine.performance] == pytest.approx(
            [s[1] * s[4] + s[5] for s in known.performance]
        )
        assert mine.spend == pytest.approx(known.spend)
        p = mine.performance[0]
        values.add((mine.expectation[0][0], p[1] * p[4] + p[5], mine.spend[0]))
    assert len(values) == 4  # each replication draws anew


def test_a_scenario_that_shifts_an_uncertain_value_keeps_the_baselines_draw() -> None:
    """Common random numbers: `a.delivers += 0.5` moves the range with the value, so in every
    replication the scenario delivers exactly 0.5 more than the baseline."""
    j = ranged(delivers="delivers 3 .. 4", change="a.delivers += 0.5")
    (_, base, _), (_, better, _) = variants(j, None)
    base_plan, better_plan = compile_plan(base), compile_plan(better)
    for key in replication_keys(3, 4):
        b = drawn(base_plan, key).performance[0]
        s = drawn(better_plan, key).performance[0]
        assert s[1] * s[4] + s[5] - (b[1] * b[4] + b[5]) == pytest.approx(0.5)


def test_psa_of_values_is_the_same_for_any_worker_count_and_engine() -> None:
    j = ranged(spend="10 .. 20", expect="3 .. 4", delivers="delivers 3.2 .. 3.8")
    spec = RunSpec(seed=3, replications=3)
    expected = json.dumps(simulate(j, spec), sort_keys=True)
    two = RunSpec(seed=3, replications=3, workers=2)
    assert json.dumps(simulate(j, two), sort_keys=True) == expected
    simpy = RunSpec(seed=3, replications=3, engine="simpy")
    assert json.dumps(simulate(j, simpy), sort_keys=True) == expected


def test_a_range_of_spend_widens_the_revenue_interval() -> None:
    spec = RunSpec(seed=3, replications=4)
    wide = simulate(ranged(spend="10 .. 20"), spec)["scenarios"]["baseline"]["metrics"]
    narrow = simulate(ranged(spend="15"), spec)["scenarios"]["baseline"]["metrics"]
    assert wide["revenue"]["high"] - wide["revenue"]["low"] > 2 * (
        narrow["revenue"]["high"] - narrow["revenue"]["low"]
    )


QUEUE = """
journey "A queue" {
  horizon 2 weeks
  customers 0
  persona p {
    share 100%
    arrivals 300 per day
    patience 2 min .. 20 min
  }
  stage s {
    touchpoint desk {
      capacity 1
      service exp(5 min)
    }
  }
  scenario calm {
    cost 1k
    p.patience *= 2
  }
}
"""


def test_more_patience_means_fewer_walk_outs() -> None:
    """The desk is loaded to about 100% (300 a day x 5 min = 1,500 of 1,440 minutes), so
    queues build; a customer walks out when the wait passes their patience, and with the
    same arrivals and services (common random numbers) a longer patience can only let
    fewer of them go: abandonment at 20 min is below that at 2 min (SimPy: it queues)."""
    j = journey(QUEUE)
    low, high = (
        engine.run_replication(compile_plan(ranges.fixed(j, {"p.patience": q})), KEY)["metrics"]
        for q in (0.0, 1.0)
    )
    assert high["abandonment"] < low["abandonment"]


def test_a_scenario_scaling_an_uncertain_patience_keeps_the_baselines_draw() -> None:
    (_, base, _), (_, calm, _) = variants(journey(QUEUE), None)
    base_plan, calm_plan = compile_plan(base), compile_plan(calm)
    for key in replication_keys(3, 4):
        (b,) = drawn(base_plan, key).patience
        (c,) = drawn(calm_plan, key).patience
        assert 2 <= b <= 20 and c == pytest.approx(2 * b)
