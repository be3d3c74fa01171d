"""A scenario that adds a queue runs on the SimPy engine, the baseline alone on the
batched one: every command must still give the same change, since the two engines give
the same numbers for the baseline."""

from __future__ import annotations

from cxjourney.decide import compare
from cxjourney.decide.versions import forecast
from cxjourney.language.scenarios import apply
from cxjourney.sim.experiment import RunSpec, baseline_runs, simulate
from tests.conftest import load_text

DAY = 24 * 60.0
QUEUE_FREE = """
journey "Pharmacy" {
  horizon 3 weeks
  customers 300
  persona regular {
    share 100%
    visits every 4 days
    patience 6 min
    spend 12
  }
  stage visit {
    touchpoint shelf {
      delivers 3.4 +- 0.6
      delighter found "Found it at once" chance 30% impact +1
    }
    touchpoint till {
      expect 3.5
      delivers 3.6 +- 0.4
      disappointer wrong "Charged twice" chance 4% impact -2
    }
  }
  scenario one_till "One till, staffed" {
    cost 10k
    till.capacity = 1
    till.service = exp(2 min)
    till.max_wait = 3 min
  }
}
"""


def test_a_queue_adding_scenario_gives_one_change_everywhere() -> None:
    journey = load_text(QUEUE_FREE).journey
    simulated = simulate(journey, RunSpec(seed=6, replications=3))
    change = simulated["scenarios"]["one_till"]["delta"]["nps"]
    # the baseline alone (the batched engine) is the baseline of the mixed run (SimPy)
    alone = simulate(journey, RunSpec(seed=6, replications=3), scenarios=[])
    assert alone["scenarios"]["baseline"] == simulated["scenarios"]["baseline"]
    results, _ = compare.compare(journey, RunSpec(seed=6, replications=3), scenarios=["one_till"])
    (row,) = results["ranking"]
    assert row["effect"] == change
    scenario = journey.scenarios[0]
    diffed = forecast(journey, apply(journey, scenario), RunSpec(seed=6, replications=3))
    assert diffed["metrics"]["nps"]["change"] == change
    base_runs = baseline_runs(journey, RunSpec(seed=6, replications=3))
    assert [r["metrics"]["nps"] for r in base_runs] == [
        r["metrics"]["nps"]
        for r in baseline_runs(journey, RunSpec(seed=6, replications=3, engine="simpy"))
    ]
