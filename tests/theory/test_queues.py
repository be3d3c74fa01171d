"""Queues against queueing theory: Erlang C waits for M/M/c, and Little's law."""

from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

import pytest

from cxjourney.sim.experiment import RunSpec, baseline_runs, simulate
from tests.conftest import load_text


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue of M/M/c: Wq = C(c, a) / (c mu - lam), a = lam / mu."""
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    probability_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return probability_wait / (c * mu - lam)


def mmc_journey(lam: float, mu: float, c: int, horizon_min: int) -> str:
    return f"""
    journey "M/M/{c}" {{
      horizon {horizon_min} min
      customers 0
      persona p {{
        share 100%
        arrivals {lam} per min
      }}
      stage s {{
        touchpoint desk {{
          capacity {c}
          service exp({1 / mu} min)
        }}
      }}
    }}
    """


@pytest.mark.parametrize(
    ("lam", "mu", "c", "expected"),
    [(2, 1, 3, 4 / 9), (3, 2, 2, 9 / 14), (2, 1, 4, 2 / 23)],
)
def test_erlang_c(lam: float, mu: float, c: int, expected: float) -> None:
    assert erlang_c_wait(lam, mu, c) == pytest.approx(expected)
    loaded = load_text(mmc_journey(lam, mu, c, 5000))
    assert loaded.ok, loaded.diagnostics
    runs = baseline_runs(loaded.journey, RunSpec(seed=11, replications=12))
    waits = [r["touchpoints"]["desk"]["wait_mean"] for r in runs]
    se = statistics.stdev(waits) / math.sqrt(len(waits))
    assert abs(statistics.fmean(waits) - expected) < 3 * se, (statistics.fmean(waits), se)
    served = statistics.fmean(r["metrics"]["journeys"] for r in runs)
    assert served == pytest.approx(lam * 5000, rel=0.02)


def test_littles_law_at_the_servers(tmp_path: Path) -> None:
    """Little's law for the servers alone: the time-average number of customers in
    service is the arrival rate times the mean service time, L_s = lambda / mu = 2.0 for
    M/M/3 with lambda = 2, mu = 1, whatever the queue does (no Erlang C here). Measured
    from the visit log, each service running from arrival + wait to the visit's end;
    the sweep over those intervals also shows that no more than c = 3 customers are ever
    in service at once (the log rounds times to 0.0001 min, so a start, arrival + wait,
    may fall just before the end it follows: ends count 0.001 min early). Sampling error: the
    mean of 40,000 exponential services has a relative standard error of
    1/sqrt(40,000) = 0.5%; the arrival count another 0.5%.
    """
    lam, mu, c, horizon = 2.0, 1.0, 3, 20000.0
    loaded = load_text(mmc_journey(lam, mu, c, int(horizon)))
    events = tmp_path / "visits.csv"
    simulate(loaded.journey, RunSpec(seed=5, replications=1), events=events)
    with events.open() as handle:
        rows = list(csv.DictReader(handle))
    services = [(float(r["arrival_min"]) + float(r["wait_min"]), float(r["end_min"])) for r in rows]
    in_service = sum(min(end, horizon) - min(start, horizon) for start, end in services)
    assert in_service / horizon == pytest.approx(lam / mu, rel=0.03)
    level = peak = 0
    marks = [(s, 1) for s, _ in services] + [(e - 1e-3, -1) for _, e in services]
    for _, step in sorted(marks):
        level += step
        peak = max(peak, level)
    assert peak == c


def test_impatient_customers_against_the_m_m_1_d_queue() -> None:
    """One server, Poisson arrivals, exponential service, every customer walking out
    after waiting D (Baccelli & Hebuterne 1981). The virtual waiting time has density
    P0 λ e^{(λ-μ)x} up to D and P0 λ e^{(λ-μ)D} e^{-μ(x-D)} beyond, so

        P0 = 1 / (1 + λ (e^{aD} - 1) / a + λ e^{aD} / μ),  a = λ - μ
        walk-outs = P0 λ e^{aD} / μ,   utilisation = 1 - P0,
        mean wait = P0 λ (e^{aD} (aD - 1) + 1) / a² + D · walk-outs.

    Here λ = 10/h and μ = 6/h: overloaded, so a third of the work walks away.
    """
    text = """
    journey "Couriers" {
      horizon 8 weeks
      customers 0
      persona hungry {
        share 100%
        arrivals 10 per hour
        patience 20 min
      }
      stage s {
        touchpoint courier {
          capacity 1
          service exp(10 min)
        }
      }
    }
    """
    lam, mu, d = 1 / 6, 1 / 10, 20.0
    a = lam - mu
    p0 = 1 / (1 + lam * (math.exp(a * d) - 1) / a + lam * math.exp(a * d) / mu)
    walkouts = p0 * lam * math.exp(a * d) / mu
    wait = p0 * lam * (math.exp(a * d) * (a * d - 1) + 1) / a**2 + d * walkouts
    results = simulate(load_text(text).journey, RunSpec(seed=8, replications=3))
    base = results["scenarios"]["baseline"]
    courier = base["touchpoints"]["courier"]
    assert base["metrics"]["abandonment"]["mean"] == pytest.approx(walkouts, abs=0.02)  # 0.442
    assert courier["utilisation"] == pytest.approx(1 - p0, abs=0.02)  # 0.930
    assert courier["wait_mean"] == pytest.approx(wait, rel=0.05)
