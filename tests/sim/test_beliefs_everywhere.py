"""Ranges of belief on times, rhythm, arrivals and loyalty keys, drawn per replication.

Each replication runs the journey with every range replaced by its own draw: the value
at quantile u = hash(key, name) of a uniform over the range (`beliefs.quantile`). So:

- one step that `takes 1 h .. 3 h` (a constant time, no wait): every journey of a
  replication lasts exactly its draw 60 + 120 u minutes, and the mean duration of
  replication k is that number, to rounding;
- `after exp(1 day .. 3 days)` (one visit per customer): the replication's mean wait is a
  sample mean of exponential waits of mean m = 1440 (1 + 2u) minutes, so it lies within a
  few standard errors m / sqrt(n) of m; and across replications the waits follow the
  draws (their rank correlation with u is near 1);
- more arrivals can only bring more journeys (at the same key the arrival stream of the
  smaller rate is thinner: counts are Poisson with mean rate x horizon, far apart at the
  two ends);
- a journey's draws do not depend on the workers or the engine that run it.
"""

from __future__ import annotations

import json
import math
import statistics

import pytest

from cxjourney.language import ranges
from cxjourney.sim import batch, beliefs
from cxjourney.sim.experiment import RunSpec, simulate
from cxjourney.sim.plan import compile_plan, drawn
from cxjourney.sim.streams import replication_keys
from tests.decide.cases import journey

STEP = """
journey "One step that takes time" {
  horizon 2 weeks
  customers 200
  persona p {
    share 100%
  }
  stage s {
    touchpoint a {
      TIME
    }
  }
}
"""


def _step(time: str):
    return journey(STEP.replace("TIME", time))


def _duration_mean(result: dict) -> float:
    return result["metrics"]["duration_mean"]


def test_a_ranged_constant_time_is_each_replications_own_draw_exactly() -> None:
    j = _step("takes 1 h .. 3 h")
    assert [i.name for i in ranges.inputs(j)] == ["a.takes"]
    plan = compile_plan(j)
    means = []
    for key in replication_keys(11, 6):
        u = beliefs.quantile(key, "a.takes")
        result = batch.run_replication(drawn(plan, key), key)
        assert _duration_mean(result) == pytest.approx(60 + 120 * u, rel=1e-9)
        means.append(_duration_mean(result))
    assert len(set(means)) == 6 and min(means) >= 60 and max(means) <= 180


def test_a_ranged_mean_inside_a_distribution_moves_every_visits_draw() -> None:
    j = _step("after exp(1 day .. 3 days)\n      max_wait 30 days")
    assert [i.name for i in ranges.inputs(j)] == ["a.after.mean"]
    plan = compile_plan(j)
    keys = replication_keys(12, 8)
    draws, waits = [], []
    for key in keys:
        u = beliefs.quantile(key, "a.after.mean")
        m = 1440 * (1 + 2 * u)
        result = batch.run_replication(drawn(plan, key), key)
        wait = _duration_mean(result)  # the step takes no time: a journey is its wait
        n = 200
        assert abs(wait - m) < 5 * m / math.sqrt(n), (wait, m)
        draws.append(u)
        waits.append(wait)
    ranked = [sorted(xs).index(x) for xs in (draws, waits) for x in xs]
    assert statistics.correlation(ranked[:8], ranked[8:]) > 0.8  # Spearman's rho


ARRIVALS = """
journey "Walk-ins" {
  horizon 4 weeks
  customers 0
  persona p {
    share 100%
    arrivals 100 .. 400 per week
    busy mon-fri 9:00-17:00 3x
  }
  stage s {
    touchpoint a {
      expect 3.5
    }
  }
}
"""


def test_more_arrivals_at_the_high_end_of_their_range() -> None:
    """Expected journeys over 4 weeks: 400 at the low end, 1,600 at the high; Poisson
    counts of those means are 20 and 40 standard deviations apart."""
    j = journey(ARRIVALS)
    key = replication_keys(3, 1)[0]
    low, high = (
        batch.run_replication(compile_plan(ranges.fixed(j, {"p.arrivals": q})), key)
        for q in (0.0, 1.0)
    )
    assert abs(low["metrics"]["journeys"] - 400) < 5 * math.sqrt(400)
    assert abs(high["metrics"]["journeys"] - 1600) < 5 * math.sqrt(1600)


def test_the_busy_hour_stays_the_middles_in_every_replication() -> None:
    plan = compile_plan(journey(ARRIVALS))
    for key in replication_keys(4, 3):
        assert drawn(plan, key).busy_hours == plan.busy_hours


def test_a_loyalty_key_is_drawn_once_per_replication() -> None:
    j = journey(
        ARRIVALS.replace("  stage s {", "  loyalty {\n    negativity 1.5 .. 2.5\n  }\n  stage s {")
    )
    assert [i.name for i in ranges.inputs(j)] == ["p.arrivals", "loyalty.negativity"]
    plan = compile_plan(j)
    seen = set()
    for key in replication_keys(5, 4):
        u = beliefs.quantile(key, "loyalty.negativity")
        mine = drawn(plan, key)
        assert mine.negativity == pytest.approx(1.5 + u) and mine.loyalty.ranges == ()
        seen.add(mine.negativity)
    assert len(seen) == 4


def test_ranges_everywhere_give_the_same_bytes_for_any_worker_count_and_engine() -> None:
    j = _step("after lognormal(1 day .. 2 days, 12 h)\n      takes 1 h .. 2 h")
    spec = RunSpec(seed=4, replications=3)
    expected = json.dumps(simulate(j, spec), sort_keys=True)
    assert json.dumps(simulate(j, RunSpec(seed=4, replications=3, workers=2)), sort_keys=True) == (
        expected
    )
    simpy = RunSpec(seed=4, replications=3, engine="simpy")
    assert json.dumps(simulate(j, simpy), sort_keys=True) == expected


def test_a_ranged_time_widens_the_duration_interval() -> None:
    spec = RunSpec(seed=4, replications=5)
    wide = simulate(_step("takes 1 h .. 3 h"), spec)["scenarios"]["baseline"]["metrics"]
    known = simulate(_step("takes 2 h"), spec)["scenarios"]["baseline"]["metrics"]
    wide_band = wide["duration_mean"]["high"] - wide["duration_mean"]["low"]
    known_band = known["duration_mean"]["high"] - known["duration_mean"]["low"]
    assert known_band == pytest.approx(0, abs=1e-6) and wide_band > 30


BILLS = """
journey "Bills" {
  horizon 4 weeks
  customers 2000
  persona p {
    share 100%
  }
  stage s {
    touchpoint bill {
      expect 3.5
    }
    touchpoint support {
      expect 3.5
    }
  }
  flow {
    start -> bill
    bill -> support 20% .. 40%
    bill -> end
    support -> end
  }
  scenario clearer {
    cost 10k
    flow bill -> support *= 0.5
  }
}
"""


def test_a_ranged_flow_share_routes_its_draw_and_a_scenario_halves_the_same_draw() -> None:
    """2,000 customers (and a few referred), one journey each: the share of bills that
    reach support in a replication is a binomial proportion around the drawn share
    s = 0.2 + 0.2 u (standard error at most sqrt(0.4 x 0.6 / 2000) = 1.1 points), and
    the scenario's around s / 2 with the same u (its range moved: 10% .. 20%)."""
    from cxjourney.sim.runner import variants

    (_, base, _), (_, clearer, _) = variants(journey(BILLS), None)
    base_plan, clearer_plan = compile_plan(base), compile_plan(clearer)
    for key in replication_keys(6, 3):
        u = beliefs.quantile(key, "bill->support.chance")
        share = 0.2 + 0.2 * u
        for plan, expected in ((base_plan, share), (clearer_plan, share / 2)):
            result = batch.run_replication(drawn(plan, key), key)
            visits = result["touchpoints"]
            support = visits["support"]["visits"] / visits["bill"]["visits"]  # with referrals
            assert abs(support - expected) < 5 * math.sqrt(expected * (1 - expected) / 2000)


def test_every_range_is_one_named_input_and_fixing_them_leaves_none() -> None:
    """The names `cxjourney uncertainty` shows, one per range, in file order; a journey
    fixed at any quantiles has no range left (so it compiles to a plan without a
    source, which runs without draws)."""
    from tests.language.test_ranges_everywhere import EVERYWHERE

    j = journey(EVERYWHERE)
    names = [i.name for i in ranges.inputs(j)]
    assert names == [
        "p.visits",
        "p.arrivals",
        "p.price_sensitivity",
        "p.expects",
        "a.delivers.mean",
        "a.after.mean",
        "a.takes",
        "a.max_wait",
        "a.moment_of_truth",
        "b.service.mean",
        "b.recovers.a.late.chance",
        "a->b.after",
        "b->end.after.low",
        "a->exit.chance",
        "a->b(p).chance",
        "loyalty.negativity",
        "loyalty.referral",
        "faster.a.after.mean",
        "faster.cost",
    ]
    known = ranges.fixed(j, {name: 0.25 for name in names})
    assert ranges.inputs(known) == [] and compile_plan(known).source is None
    (p,) = known.personas
    assert p.visit_gap == pytest.approx(25 * 24 * 60)  # 20 days + a quarter of 20 days
    assert known.loyalty.referral == pytest.approx(0.0175)


FASTER = """
journey "One step that takes time" {
  horizon 2 weeks
  customers 200
  persona p {
    share 100%
  }
  stage s {
    touchpoint a {
      takes 1 h .. 3 h
    }
  }
  scenario faster "A new process" {
    cost 5k
    a.takes *= 0.4 .. 0.6
  }
}
"""


def test_a_scenarios_ranged_change_is_drawn_and_applied_to_the_baselines_draw() -> None:
    """The team does not know what the new process saves (`*= 0.4 .. 0.6`) nor what the
    step takes now (`1 h .. 3 h`). In replication k the baseline lasts its draw
    t = 60 + 120 u, and the scenario t x (0.4 + 0.2 v), with u and v the two inputs'
    quantiles: the scenario's own unknown is drawn on top of the baseline's."""
    from cxjourney.sim.runner import variants

    j = journey(FASTER)
    assert [i.name for i in ranges.inputs(j)] == ["a.takes", "faster.a.takes"]
    (_, base, _), (_, faster, _) = variants(j, None)
    base_plan, faster_plan = compile_plan(base), compile_plan(faster)
    factors = set()
    for key in replication_keys(8, 5):
        u = beliefs.quantile(key, "a.takes")
        v = beliefs.quantile(key, "faster.a.takes")
        t = 60 + 120 * u
        assert _duration_mean(batch.run_replication(drawn(base_plan, key), key)) == (
            pytest.approx(t, rel=1e-9)
        )
        scenario = _duration_mean(batch.run_replication(drawn(faster_plan, key), key))
        assert scenario == pytest.approx(t * (0.4 + 0.2 * v), rel=1e-9)
        factors.add(round(scenario / t, 9))
    assert len(factors) == 5
