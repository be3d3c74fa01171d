"""Common random numbers make a scenario's effect a paired difference: the two
guarantees every decision rests on."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cxjourney.decide import compare, objective
from cxjourney.language.scenarios import apply
from cxjourney.model import Change, Journey, Scenario, Value
from cxjourney.results import METRICS
from cxjourney.sim import runner, streams
from cxjourney.sim.experiment import RunSpec
from tests.decide.cases import WEEK, coffee, journey


def test_a_no_op_scenario_differs_from_the_baseline_by_exactly_zero() -> None:
    base = coffee()
    nothing = Scenario("nothing", "Costs money, changes nothing", 5000.0)
    same = Scenario(
        "same",
        "Changes that change nothing",
        5000.0,
        (
            Change("set", ("counter", "delivers"), "*=", _number(1.0)),
            Change("set", ("app", "crash", "chance"), "+=", _number(0.0)),
        ),
    )
    trial = replace(base, scenarios=(*base.scenarios, nothing, same))
    results, _ = compare.compare(
        trial, RunSpec(seed=3, replications=3, horizon=WEEK), scenarios=["nothing", "same"]
    )
    for name in ("nothing", "same"):
        entry = results["scenarios"][name]
        for metric in METRICS:
            if entry["metrics"][metric]["mean"] is not None:
                assert entry["delta"][metric] == {"mean": 0.0, "low": 0.0, "high": 0.0}, metric
        assert entry["roi"] == {"mean": -1.0, "low": -1.0, "high": -1.0}
    for row in results["ranking"]:
        assert row["effect"] == {"mean": 0.0, "low": 0.0, "high": 0.0}
        assert row["verdict"] == "not distinguishable"


def _number(x: float) -> Value:
    return Value("number", x)


# Repeat visits, no queue, no churn, no referrals and no recovery: every customer
# makes the same journeys in every variant, so a removed disappointer can only raise
# each remembered journey, each satisfaction and each customer's level.
STEADY = """
journey "Steady" {
  horizon 8 weeks
  customers 400
  persona regular {
    share 70%
    visits every 5 days
    spend 10
  }
  persona occasional {
    share 30%
    visits every 12 days
    expects +0.5
  }
  stage s {
    touchpoint find {
      expect 3.5
      delivers 3.4 +- 0.6
      disappointer lost "Cannot find it" chance 20% impact -1.5
    }
    touchpoint pay {
      delivers 3 +- 0.5
      moment_of_truth
      disappointer declined "Card declined" chance 10% impact -2
      delighter quick "Instant checkout" chance 30% impact +1
    }
    touchpoint leave {
      expect 4
      delivers 4.2 +- 0.3
      disappointer rain "Rain at the door" chance 50% impact -0.5
    }
  }
  loyalty {
    retention_floor 100%
    retention_cap 100%
    referral 0%
  }
}
"""


def _removals(j: Journey) -> list[tuple[str, Journey]]:
    out = []
    for tp in j.touchpoints:
        for e in tp.events:
            if e.kind == "disappointer":
                change = Change("remove", (tp.id, e.id))
                out.append((f"{tp.id}.{e.id}", apply(j, Scenario("r", "r", 0.0, (change,)))))
    return out


QUEUE = "      capacity 1\n      service exp(2 min)\n      max_wait 3 min\n"


@pytest.mark.parametrize("queue", [False, True], ids=["no queue", "queue"])
@pytest.mark.parametrize("memory", ["blend", "peak_end", "mean"])
def test_removing_a_disappointer_never_lowers_satisfaction(memory: str, queue: bool) -> None:
    """With a queue too: a disappointer changes no one's timing, so no one else's wait."""
    text = STEADY.replace("touchpoint pay {\n", "touchpoint pay {\n" + QUEUE) if queue else STEADY
    base = journey(text)
    if queue:
        assert base.touchpoint("pay").capacity == 1
    base = replace(base, loyalty=replace(base.loyalty, memory=memory))
    variants = [("baseline", base, 0.0), *[(n, j, 0.0) for n, j in _removals(base)]]
    keys = streams.replication_keys(11, 4)
    runs = runner.run_tasks(
        runner.plans_for([j for _, j, _ in variants]), [n for n, _, _ in variants], keys
    )
    for (name, _, _), reps in zip(variants[1:], runs[1:], strict=True):
        gains = objective.samples("satisfaction", runs[0], reps, 0.0)
        assert all(g is not None and g >= 0 for g in gains), (name, gains)
        assert any(g > 0 for g in gains), name  # and it does change something


RECOVERED = """
journey "Recovered" {
  customers 500
  persona p {
    share 100%
  }
  stage s {
    touchpoint order {
      disappointer wrong "Wrong order" chance 100% impact -2
    }
    touchpoint wait { }
    touchpoint help {
      recovers wrong chance 100%
    }
  }
  scenario fixed "Never wrong" {
    cost 1k
    remove order.wrong
  }
}
"""


def test_a_recovered_failure_is_never_better_than_no_failure() -> None:
    results, _ = compare.compare(
        journey(RECOVERED), RunSpec(seed=1, replications=3), objective="satisfaction"
    )
    assert results["scenarios"]["fixed"]["delta"]["satisfaction"]["mean"] >= 0
