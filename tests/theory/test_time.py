"""Time between steps, a lifecycle and busy hours, against answers derived by hand.

Each test derives its answer in its docstring from the model (docs/model.md) and
probability theory alone; the simulation is then held to it. Both engines run where
the journey has no queue (they must agree to the bit on those anyway).
"""

from __future__ import annotations

import math
import statistics

import pytest

from cxjourney.sim.experiment import RunSpec, baseline_runs
from tests.conftest import load_text

ENGINES = ["simpy", "batch"]


def runs_of(text: str, *, seed: int, replications: int, engine: str = "auto") -> list[dict]:
    loaded = load_text(text)
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return baseline_runs(
        loaded.journey, RunSpec(seed=seed, replications=replications, engine=engine)
    )


# ---- durations: delays in series ----------------------------------------------------------
SERIES = """
journey "Delays in series" {
  horizon 1000 days
  customers 3000
  persona p {
    share 100%
  }
  stage s {
    touchpoint a {
      expect 3
      delivers 3
    }
    touchpoint b {
      after exp(30 min)
      expect 3
      delivers 3
    }
    touchpoint c {
      after 10 min
      takes 5 min
      expect 3
      delivers 3
    }
  }
  flow {
    start -> a
    a -> b after exp(2 h)
    b -> c
    c -> end
  }
  loyalty {
    referral 0%
  }
}
"""


def hypoexponential_cdf(t: float, m1: float, m2: float) -> float:
    """P(X1 + X2 <= t) for independent exponentials of means m1 != m2:
    1 - (b e^{-a t} - a e^{-b t}) / (b - a), a = 1/m1, b = 1/m2."""
    a, b = 1 / m1, 1 / m2
    return 1 - (b * math.exp(-a * t) - a * math.exp(-b * t)) / (b - a)


def hypoexponential_quantile(q: float, m1: float, m2: float) -> float:
    lo, hi = 0.0, 100 * (m1 + m2)
    for _ in range(200):  # the CDF is increasing: bisect
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if hypoexponential_cdf(mid, m1, m2) < q else (lo, mid)
    return (lo + hi) / 2


@pytest.mark.parametrize("engine", ENGINES)
def test_delays_in_series_give_a_shifted_hypoexponential_duration(engine: str) -> None:
    """Every customer present at the start (no `visits every`) makes one journey from
    time 0: a, then b after the edge's exp(2 h) and b's own exp(30 min), then c after a
    fixed 10 min, which takes a fixed 5 min. The journey lasts

        T = 15 + X1 + X2,  X1 ~ exp(mean 120), X2 ~ exp(mean 30)  (minutes)

    E[T] = 165 min; T - 15 is hypoexponential with the CDF above, so its median solves
    F(t) = 0.5 (t = 116.04 min, T = 131.04) and its 90th percentile F(t) = 0.9
    (t = 310.82, T = 325.82). The horizon (1,000 days) ends every journey. The mean is
    exact per journey (sums in fixed point); the quantiles come from bins 1.1% wide,
    read linearly within a bin, so they may sit up to 0.6% off besides sampling error.
    Sampling: sd(T) = sqrt(120^2 + 30^2) = 123.7 over 3,000 journeys a replication.
    """
    runs = runs_of(SERIES, seed=3, replications=4, engine=engine)
    n = 3000 * len(runs)
    mean = statistics.fmean(r["metrics"]["duration_mean"] for r in runs)
    assert abs(mean - 165.0) < 3.5 * math.hypot(120, 30) / math.sqrt(n), mean
    for q, key in ((0.5, "duration_median"), (0.9, "duration_p90")):
        t = hypoexponential_quantile(q, 120.0, 30.0)
        density = (hypoexponential_cdf(t + 1e-3, 120, 30) - hypoexponential_cdf(t, 120, 30)) / 1e-3
        se = math.sqrt(q * (1 - q) / n) / density  # of a sample quantile
        observed = statistics.fmean(r["metrics"][key] for r in runs)
        assert abs(observed - (15.0 + t)) < 3.5 * se + 0.006 * (15.0 + t), (key, observed, t)
    for r in runs:
        assert r["metrics"]["journeys"] == 3000
        assert r["touchpoints"]["b"]["delay_mean"] == pytest.approx(150.0, rel=0.05)
        assert r["touchpoints"]["c"]["delay_mean"] == pytest.approx(10.0, abs=1e-9)
        assert r["touchpoints"]["a"]["delay_mean"] == 0.0  # nothing comes before a


def test_the_hypoexponential_quantiles_used_above() -> None:
    """The bisection against values checked by hand: with a = 1/120, b = 1/30,
    at t = 116.04: (b e^{-0.96700} - a e^{-3.8680}) / (b - a) = (0.012677 - 0.000174) /
    0.025 = 0.5001, so F = 0.4999; at t = 310.82: (0.0025003 - 0.0000003) / 0.025 = 0.1000,
    so F = 0.9000."""
    assert hypoexponential_quantile(0.5, 120, 30) == pytest.approx(116.04, abs=0.01)
    assert hypoexponential_quantile(0.9, 120, 30) == pytest.approx(310.82, abs=0.01)


# ---- a delay costs what an equal queue wait costs -------------------------------------------
DELAYED = """
journey "Delay" {
  horizon 1 day
  customers 2
  persona p {
    share 100%
    patience 1 day
  }
  stage s {
    touchpoint t {
      after 30 min
      max_wait 10 min
      expect 3
      delivers 3
    }
  }
  loyalty {
    noise 0
  }
}
"""

QUEUED = """
journey "Queue" {
  horizon 1 day
  customers 2
  persona p {
    share 100%
    patience 1 day
  }
  stage s {
    touchpoint t {
      capacity 1
      service 30 min
      max_wait 10 min
      expect 3
      delivers 3
    }
  }
  loyalty {
    noise 0
  }
}
"""


def test_a_delay_beyond_max_wait_costs_exactly_an_equal_queue_wait() -> None:
    """Delivery meets expectation (P = E = 3), so a visit's gap is its wait term alone:
    D = -wait_sensitivity * min(3, (wait - max_wait) / max_wait) = -(30 - 10) / 10 = -2.
    Beyond the tolerance (0.25) the loss is felt as -negativity * (2 - 0.25)^curvature
    = -2 * 1.75^0.88 = -3.2727.

    With a delay of 30 min both customers feel it: mean experience -3.2727. With one
    server taking exactly 30 min and both customers there at time 0, one is served at
    once (wait 0, nothing felt) and the other waits exactly 30 min: mean -3.2727 / 2.
    """
    felt = -2.0 * 1.75**0.88
    delayed = runs_of(DELAYED, seed=1, replications=1)[0]["touchpoints"]["t"]
    queued = runs_of(QUEUED, seed=1, replications=1)[0]["touchpoints"]["t"]
    assert delayed["delay_mean"] == 30.0
    assert delayed["experience_mean"] == pytest.approx(felt, abs=1e-9)
    assert queued["wait_mean"] == pytest.approx(15.0, abs=1e-9)
    assert queued["experience_mean"] == pytest.approx(felt / 2, abs=1e-9)


# ---- a lifecycle: onboarding once, repeat journeys under a churn hazard ----------------------
LIFECYCLE = """
journey "Lifecycle" {
  horizon 360 days
  customers 3000
  persona p {
    share 100%
    visits every 20 days from bill
    price_sensitivity 0%
  }
  stage join {
    touchpoint signup {
      expect 3
      delivers 3
    }
    touchpoint welcome {
      expect 3
      delivers 3
    }
  }
  stage live {
    touchpoint bill {
      expect 3
      delivers 3 +- 0.5
    }
  }
  flow {
    start -> signup
    signup -> welcome
    welcome -> bill
    bill -> end
  }
  loyalty {
    retention_floor 94%
    retention_cap 94%
    referral 0%
  }
}
"""


def expected_repeats(h: float, gap: float, horizon: float) -> float:
    """E[repeat journeys] of a customer whose first journey is at U ~ uniform(0, G), who
    then journeys at rate 1/G while alive and leaves at hazard h (memoryless):
    (1/(hG)) [1 - e^{-hH} (e^{hG} - 1) / (hG)]."""
    return (1 / (h * gap)) * (1 - math.exp(-h * horizon) * math.expm1(h * gap) / (h * gap))


@pytest.mark.parametrize("engine", ENGINES)
def test_onboarding_happens_once_and_repeats_follow_the_churn_hazard(engine: str) -> None:
    """The 3,000 customers present at the start spread their first journey uniformly over
    one gap (20 days), from the flow's start: signup and welcome once each, so exactly
    3,000 visits each, whatever the draws. Repeat journeys start at `bill`. Retention is
    94% a month whatever the satisfaction (floor = cap, no price pull), so a customer
    leaves at hazard h = -ln(0.94) / 30 per day; between journeys it journeys at rate 1/20
    per day. Journeys take no time, so each ends when it starts. Bill visits =
    3,000 x (1 + E[repeats]) with E[repeats] from `expected_repeats`: for H = 360 days,
    hG = 0.041253, 1/(hG) = 24.241, e^{-hH} = 0.47590, (e^{hG} - 1)/(hG) = 1.02082, so
    E = 24.241 x (1 - 0.48581) = 12.464. The count of repeats per customer has variance
    at most its mean times (1 + mean) (geometric-like); the tolerance uses that bound.
    """
    h = -math.log(0.94) / 30
    repeats = expected_repeats(h, 20.0, 360.0)
    assert repeats == pytest.approx(12.464, abs=1e-3)
    runs = runs_of(LIFECYCLE, seed=5, replications=3, engine=engine)
    for r in runs:
        assert r["touchpoints"]["signup"]["visits"] == 3000
        assert r["touchpoints"]["welcome"]["visits"] == 3000
    bills = statistics.fmean(r["touchpoints"]["bill"]["visits"] for r in runs)
    n = 3000 * len(runs)
    se = 3000 * math.sqrt(repeats * (1 + repeats) / n)
    assert abs(bills - 3000 * (1 + repeats)) < 3.5 * se, (bills, 3000 * (1 + repeats), se)


# ---- busy hours: a two-level arrival profile against Erlang C per level ----------------------
BUSY = """
journey "Two levels" {
  horizon 8 weeks
  customers 0
  persona p {
    share 100%
    arrivals 1 per min
    patience 1 day
    busy daily 0:00-12:00 0x
    busy daily 12:00-18:00 1x
    busy daily 18:00-24:00 3x
  }
  stage s {
    touchpoint desk {
      capacity 4
      service exp(1 min)
      expect 3
      delivers 3
    }
  }
}
"""


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c: Wq = C(c, a) / (c mu - lam), a = lam / mu."""
    a = lam / mu
    top = a**c / math.factorial(c) / (1 - a / c)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top) / (c * mu - lam)


def test_waits_under_a_two_level_profile_follow_erlang_c_at_each_level() -> None:
    """Arrivals average 1 a minute over the week, with densities 0, 1 and 3 over three
    parts of each day (12 h, 6 h, 6 h): the profile is normalised to mean 1, so the
    rates are 0, 1/(6/24 + 3 * 6/24) = 1 and 3 a minute. Four servers of exp(1 min):
    at 1 a minute rho = 0.25, at 3 a minute rho = 0.75. Service (1 min) is short
    against a level's six hours, and an M/M/4 at rho = 0.75 relaxes in about
    1 / (c mu (1 - sqrt(rho))^2) = 14 min, so each level is near its stationary
    Erlang C wait: Wq(1) = 0.00680 min, Wq(3) = 0.5094 min. The busiest hours are the
    six at 3 a minute; their mean wait is Wq(3), minus a little for the first quarter
    hour of each evening, when the queue is still building (we allow 12%). Overall,
    waits average over arrivals: (1 x Wq(1) + 3 x Wq(3)) / 4 = 0.3838 min.
    """
    low, high = erlang_c_wait(1, 1, 4), erlang_c_wait(3, 1, 4)
    assert high == pytest.approx(0.5094, abs=1e-4)
    runs = runs_of(BUSY, seed=2, replications=2)
    busy = statistics.fmean(r["touchpoints"]["desk"]["wait_busy_mean"] for r in runs)
    overall = statistics.fmean(r["touchpoints"]["desk"]["wait_mean"] for r in runs)
    assert busy == pytest.approx(high, rel=0.12), busy
    assert overall == pytest.approx((low + 3 * high) / 4, rel=0.12), overall
    assert all(r["touchpoints"]["desk"]["busy_hour"] == 18.0 for r in runs)  # Mon 18:00
    journeys = statistics.fmean(r["metrics"]["journeys"] for r in runs)
    assert journeys == pytest.approx(8 * 7 * 24 * 60, rel=0.01)
