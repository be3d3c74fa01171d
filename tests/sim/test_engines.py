"""The SimPy engine and the batched engine simulate the same model."""

from __future__ import annotations

import math
import statistics

import pytest

from cxjourney import load
from cxjourney.sim.experiment import RunSpec, baseline_runs
from cxjourney.sim.runner import choose_engine, plans_for
from tests.conftest import SPEC_EXAMPLES, load_text


def without_queues(text: str) -> str:
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith(("capacity", "service"))]
    return "\n".join(lines).replace("counter.capacity = 3", "counter.delivers += 0.1") + "\n"


def test_one_engine_for_every_variant() -> None:
    coffee = load(str(SPEC_EXAMPLES / "coffee.journey")).journey
    plans = plans_for([coffee])
    assert choose_engine(plans).__module__.endswith("engine")
    queue_free = load_text(without_queues((SPEC_EXAMPLES / "coffee.journey").read_text()))
    assert choose_engine(plans_for([queue_free.journey])).__module__.endswith("batch")
    with pytest.raises(ValueError):
        choose_engine(plans, "batch")


@pytest.mark.parametrize("engine", ["simpy", "batch"])
def test_one_journey_promoters_refer_while_active(engine: str) -> None:
    """A one-journey customer stays active, so a promoter keeps referring (docs/model.md)."""
    text = """
    journey "Referrals" {
      horizon 300 days
      customers 2000
      persona fan {
        share 100%
      }
      stage s {
        touchpoint wow {
          expect 2
          delivers 5
        }
      }
      loyalty {
        noise 0
        referral 10%
      }
    }
    """
    runs = baseline_runs(load_text(text).journey, RunSpec(seed=4, replications=2, engine=engine))
    # every customer is a promoter (S = 7 + 1.5 * 0.75 * 2.75^0.88 > 8.5); referred
    # customers are promoters too, so the population grows at 10% a month: E = e^1 - 1
    initial_referrals = 2000 * (math.exp(0.1 * 10) - 1)
    mean = statistics.fmean(r["metrics"]["referrals"] for r in runs)
    assert mean == pytest.approx(initial_referrals, rel=0.08)
