"""Retention against its closed form for a journey with constant satisfaction.

With L constant, a customer churns at a constant monthly hazard
beta = -ln(r(L) * (1 - price_churn * price_sensitivity)) / 30 days after its first
journey, which starts uniformly in [0, D). Active at T: E[exp(-beta (T - U))] =
(exp(-beta (T - D)) - exp(-beta T)) / (beta D) for D <= T.
"""

from __future__ import annotations

import math

import pytest

from cxjourney.sim.experiment import RunSpec, baseline_runs
from tests.conftest import load_text

JOURNEY = """
journey "Constant" {
  horizon 180 days
  customers 20000
  persona p {
    share 100%
    visits every 10 days
    price_sensitivity 50%
  }
  stage s {
    touchpoint t {
      expect 3
      delivers 3
    }
  }
  loyalty {
    noise 0
    referral 0%
  }
}
"""


def closed_form(level: float, days: float, gap_days: float, price: float) -> float:
    r = 0.70 + (0.99 - 0.70) / (1 + math.exp(-1.5 * (level - 7)))
    stay = r * (1 - 0.05 * price)
    beta = -math.log(stay) / 30  # per day
    return (math.exp(-beta * (days - gap_days)) - math.exp(-beta * days)) / (beta * gap_days)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["simpy", "batch"])
def test_retention_matches_closed_form(engine: str) -> None:
    """Visits every 30 days here: the gap enters the closed form only through the first
    journey's start, U ~ U(0, D), and a third of the visits make the SimPy engine's run
    a third as long for the same 60,000 customers (the same standard error). The tests
    away from the midpoint keep visits every 10 days."""
    loaded = load_text(JOURNEY.replace("visits every 10 days", "visits every 30 days"))
    assert loaded.ok
    runs = baseline_runs(loaded.journey, RunSpec(seed=9, replications=3, engine=engine))
    expected = closed_form(7.0, 180, 30, 0.5)
    n = 20000 * len(runs)
    observed = sum(r["metrics"]["retention"] for r in runs) / len(runs)
    se = math.sqrt(expected * (1 - expected) / n)
    assert abs(observed - expected) < 3 * se, (observed, expected, se)
    assert all(r["metrics"]["satisfaction"] == pytest.approx(7.0) for r in runs)


def test_package_closed_form_agrees() -> None:
    from cxjourney.model import Loyalty
    from cxjourney.sim.loyalty import expected_retention

    value = expected_retention(180 * 1440, 10 * 1440, 7.0, 0.5, Loyalty())
    assert value == pytest.approx(closed_form(7.0, 180, 10, 0.5))


def test_one_journey_personas_never_churn() -> None:
    text = JOURNEY.replace("    visits every 10 days\n", "")
    runs = baseline_runs(load_text(text).journey, RunSpec(seed=1, replications=1))
    assert runs[0]["metrics"]["retention"] is None
    assert runs[0]["metrics"]["active"] == 20000


def _level(delivers: float, expect: float = 3.0) -> float:
    """L for one touchpoint, blend memory, no noise: S = 7 + 1.5 * 0.75 * v(D~)."""
    d = delivers - expect
    beyond = math.copysign(max(0.0, abs(d) - 0.25), d)
    v = beyond**0.88 if beyond >= 0 else -2.0 * (-beyond) ** 0.88
    return 7 + 1.5 * 0.75 * v


@pytest.mark.parametrize("engine", ["simpy", "batch"])
@pytest.mark.parametrize("delivers", [4.0, 2.0])
def test_retention_away_from_the_midpoint(engine: str, delivers: float) -> None:
    """Satisfied customers (L = 7.87) stay longer, dissatisfied ones (L = 5.25) leave
    sooner: the slope and its sign matter here, unlike at the midpoint."""
    text = (
        JOURNEY.replace("delivers 3", f"delivers {delivers:g}")
        .replace("noise 0", "noise 0\n    adaptation 0%")
        .replace("customers 20000", "customers 8000")
    )
    runs = baseline_runs(load_text(text).journey, RunSpec(seed=5, replications=3, engine=engine))
    level = _level(delivers)
    assert all(r["metrics"]["satisfaction"] == pytest.approx(level) for r in runs)
    expected = closed_form(level, 180, 10, 0.5)
    observed = sum(r["metrics"]["retention"] for r in runs) / len(runs)
    se = math.sqrt(expected * (1 - expected) / (8000 * len(runs)))
    assert abs(observed - expected) < 3.5 * se, (observed, expected, se)
    at_midpoint = closed_form(7.0, 180, 10, 0.5)
    assert (observed > at_midpoint) == (delivers > 3)
