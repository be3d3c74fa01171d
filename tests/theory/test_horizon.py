"""What happens at and after the horizon, against values derived by hand from the model.

- Nothing happens after the horizon: referrals that would arrive later are not made.
- Journeys still under way at the horizon count nowhere (journeys, waits, visits).
- A journey that visits nothing credits no touchpoint with its peak or trough.
"""

from __future__ import annotations

import math
import statistics

import pytest

from cxjourney.sim.experiment import RunSpec, baseline_runs, simulate
from tests.conftest import load_text

ENGINES = pytest.mark.parametrize("engine", ["simpy", "batch"])

# Everyone is a promoter after every journey (noise 0, no learning, so S = 7 + 1.5 R
# with R = 0.75 * 2.75^0.88 = 1.83 every time) and nobody churns (monthly retention
# 100%, no price pull), so a customer refers at the referral rate from its first journey
# to the horizon, and so do its friends, who make their first journey on arrival.
REFERRING = """
journey "Referrals" {
  horizon 90 days
  customers 2000
  persona fan {
    share 100%
    visits every 30 days
  }
  stage s {
    touchpoint wow {
      expect 2
      delivers 5
    }
  }
  loyalty {
    noise 0
    adaptation 0%
    referral 20%
    retention_floor 100%
    retention_cap 100%
    price_churn 0%
  }
}
"""


@ENGINES
def test_repeat_visit_referrals_stop_at_the_horizon(engine: str) -> None:
    """E[referrals] = N * E_U[exp(rho (T - U)) - 1], U ~ U(0, D): each first journey
    starts a Yule process of promoters at rate rho (per month) until T."""
    runs = baseline_runs(
        load_text(REFERRING).journey, RunSpec(seed=11, replications=6, engine=engine)
    )
    rho, t, d, n = 0.2, 3.0, 1.0, 2000  # months
    expected = n * ((math.exp(rho * t) - math.exp(rho * (t - d))) / (rho * d) - 1)
    counts = [r["metrics"]["referrals"] for r in runs]
    assert statistics.fmean(counts) == pytest.approx(expected, rel=0.05)  # 1,303
    # every referred customer arrived before the horizon, so all of them are active
    assert all(r["metrics"]["active"] == n + r["metrics"]["referrals"] for r in runs)


def test_a_promoter_late_in_the_run_refers_only_until_the_horizon() -> None:
    """One-journey customers joining at time 0: E = N (exp(rho T) - 1) exactly as before,
    and with a horizon shorter than the visit gap no promoter window may run past it."""
    text = REFERRING.replace("visits every 30 days", "visits every 300 days")
    runs = baseline_runs(load_text(text).journey, RunSpec(seed=3, replications=6))
    rho, t, d, n = 0.2, 3.0, 10.0, 2000
    # first journeys at U ~ U(0, 10 months); only those before T = 3 months happen
    expected = n * ((math.exp(rho * t) - 1) / (rho * d) - t / d)
    counts = [r["metrics"]["referrals"] for r in runs]
    assert statistics.fmean(counts) == pytest.approx(expected, rel=0.08)  # 122


def test_waits_of_journeys_unfinished_at_the_horizon_are_left_out() -> None:
    """60 customers at time 0, one server, 1-minute service, horizon 50.5 minutes.

    Customer i (0-based) waits i minutes and leaves at i + 1: 50 journeys end before the
    horizon, with waits 0..49 (mean 24.5); the 51st is in service and counts nowhere.
    """
    text = """
    journey "One desk" {
      horizon 50.5 min
      customers 60
      persona p {
        share 100%
      }
      stage s {
        touchpoint desk {
          capacity 1
          service 1 min
        }
      }
    }
    """
    results = simulate(load_text(text).journey, RunSpec(seed=1, replications=2))
    base = results["scenarios"]["baseline"]
    assert base["touchpoints"]["desk"]["wait_mean"] == pytest.approx(24.5)
    assert base["touchpoints"]["desk"]["visits"] == 50
    assert base["metrics"]["journeys"]["mean"] == 50
    assert base["metrics"]["completion"]["mean"] == 1.0
    # the server was busy from 0 to the horizon
    assert base["touchpoints"]["desk"]["utilisation"] == pytest.approx(1.0)


@ENGINES
def test_a_journey_with_no_visit_credits_no_peak_or_trough(engine: str) -> None:
    text = """
    journey "Half stay away" {
      horizon 10 days
      customers 400
      persona p {
        share 100%
      }
      stage s {
        touchpoint t {
          delivers 4
        }
      }
      flow {
        start -> t 50%
        start -> exit
        t -> end
      }
    }
    """
    results = simulate(load_text(text).journey, RunSpec(seed=2, replications=2, engine=engine))
    base = results["scenarios"]["baseline"]
    t = base["touchpoints"]["t"]
    journeys = base["metrics"]["journeys"]["mean"]
    assert journeys == 400
    # the share of journeys that reached t is both its peak and its trough share
    assert t["peak_share"] == t["trough_share"] == pytest.approx(t["visits"] / journeys)
    assert 0.4 < t["peak_share"] < 0.6
    assert base["metrics"]["completion"]["mean"] == pytest.approx(t["visits"] / journeys)


@ENGINES
def test_the_series_ends_at_the_horizon_with_the_metrics(engine: str) -> None:
    text = REFERRING.replace("horizon 90 days", "horizon 30 days").replace("2000", "200")
    results = simulate(load_text(text).journey, RunSpec(seed=4, replications=3, engine=engine))
    for entry in results["scenarios"].values():
        series = entry["series"]
        assert series[0]["day"] == 0 and series[-1]["day"] == 30
        assert [row["day"] for row in series[:-1]] == list(range(0, 30, 7)) or [
            row["day"] for row in series
        ] == list(range(0, 31))
        for metric in ("active", "retention", "satisfaction", "nps", "revenue"):
            assert series[-1][metric] == entry["metrics"][metric], metric
        assert series[0]["active"]["mean"] == 200
        assert series[0]["satisfaction"]["mean"] == 7.0  # L = 7 until the first journey
        actives = [row["active"]["mean"] for row in series]
        assert actives == sorted(actives)  # nobody churns; referrals only add


def test_one_replication_gives_means_and_no_interval() -> None:
    text = REFERRING.replace("2000", "100")
    results = simulate(load_text(text).journey, RunSpec(seed=1, replications=1))
    for value in results["scenarios"]["baseline"]["metrics"].values():
        assert value["low"] is None and value["high"] is None
    for row in results["scenarios"]["baseline"]["series"]:
        assert row["active"]["mean"] is not None and row["active"]["low"] is None


def test_retention_is_null_when_the_only_customer_present_cannot_churn() -> None:
    """Shares round to people: one customer, who falls to the one-journey persona."""
    text = """
    journey "One" {
      horizon 10 days
      customers 1
      persona a {
        share 40%
        visits every 3 days
      }
      persona b {
        share 60%
      }
      stage s {
        touchpoint t { }
      }
    }
    """
    results = simulate(load_text(text).journey, RunSpec(seed=1, replications=2))
    assert results["scenarios"]["baseline"]["metrics"]["retention"]["mean"] is None
