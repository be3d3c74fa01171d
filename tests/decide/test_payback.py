"""Payback: months until the change in cumulative revenue covers the cost.

Hand-computed series. Three replications whose paired gain grows linearly, by 38, 40
and 42 a month (checkpoints every 30 days, so every interpolation is exact): the mean
gain is 40 a month, its standard deviation 2, its standard error 2/sqrt(3), and the
95% t quantile with 2 degrees of freedom 4.3027, so the band's edges grow by
40 ± 4.3027 × 2/sqrt(3) = 40 ± 4.968 a month. A cost of 100 is covered in 100/40 = 2.5
months on average, 100/44.968 = 2.224 months at the earliest, 100/35.032 = 2.855 at the
latest. A cost of 200 is not covered within 3 months (gain 120); at the last month's 40,
the remaining 80 take 2 more months: about 5 in all.
"""

from __future__ import annotations

import math

import pytest

from cxjourney.decide import compare, payback
from cxjourney.render import decisions_text
from cxjourney.sim.experiment import RunSpec
from tests.decide.cases import SHOP, journey

DAYS = [0, 30, 60, 90]
HALF = 4.302652729911275 * 2 / math.sqrt(3)


def run(revenues: list[float]) -> dict:
    return {"series": [{"day": d, "revenue": r} for d, r in zip(DAYS, revenues, strict=True)]}


def runs(per_month: list[float], start: float = 0.0) -> list[dict]:
    return [run([start + a * i for i in range(len(DAYS))]) for a in per_month]


BASE = runs([100, 100, 100])
VARIANT = runs([138, 140, 142])


def test_payback_of_a_hand_computed_series() -> None:
    found = payback.payback(BASE, VARIANT, cost=100)
    assert found["pays_back"] is True
    months = found["months"]
    assert months["mean"] == pytest.approx(2.5)
    assert months["low"] == pytest.approx(100 / (40 + HALF), rel=1e-4)
    assert months["high"] == pytest.approx(100 / (40 - HALF), rel=1e-4)
    assert found["horizon_months"] == pytest.approx(3.0)


def test_not_within_the_horizon_at_the_last_months_rate() -> None:
    found = payback.payback(BASE, VARIANT, cost=200)
    assert found["pays_back"] is False
    assert found["months"]["mean"] is None
    assert found["monthly_gain"] == pytest.approx(40)
    assert found["projected_months"] == pytest.approx(5.0)
    words = decisions_text.payback_words(found)
    assert words == (
        "does not pay for itself within the horizon; at the rate of its last month, "
        "in about 5.0 months"
    )


def test_never_when_the_last_month_gains_nothing() -> None:
    flat = [run([0, 40 + k, 80 + k, 80 + k]) for k in (0, 1, 2)]
    found = payback.payback(BASE[:0] + [run([0, 0, 0, 0])] * 3, flat, cost=500)
    assert found["pays_back"] is False
    assert found["monthly_gain"] == pytest.approx(0)
    assert found["projected_months"] is None
    assert "never at this rate" in decisions_text.payback_words(found)


def test_a_free_change_pays_back_at_once_and_the_band_can_reach_beyond_the_horizon() -> None:
    assert payback.payback(BASE, VARIANT, cost=0)["months"] == {
        "mean": 0.0,
        "low": 0.0,
        "high": 0.0,
    }
    # mean gain reaches 110 at 3 months only just; the band's lower edge does not
    found = payback.payback(BASE, VARIANT, cost=119)
    assert found["pays_back"] is True
    assert found["months"]["high"] is None
    assert "beyond the horizon" in decisions_text.payback_words(found)


def test_crossing_interpolates_between_checkpoints() -> None:
    assert payback.crossing([0, 10, 20], [0, 5, 15], 10) == pytest.approx(15)
    assert payback.crossing([0, 10, 20], [0, 5, 9], 10) is None
    assert payback.crossing([0, 10], [12, 20], 10) == 0


def test_compare_gives_each_scenario_its_payback_and_leads_with_money() -> None:
    results, _ = compare.compare(journey(SHOP), RunSpec(seed=2, replications=3))
    for row in results["ranking"]:
        assert set(row["payback"]) >= {"pays_back", "months", "projected_months", "cost"}
        assert row["payback"]["cost"] == row["cost"]
    first = decisions_text.compare_text(results).splitlines()[0]
    top = results["ranking"][0]
    if top["payback"]["pays_back"]:
        assert first.startswith(f"Recommended: {top['scenario']} pays for itself")
    else:
        assert "pay for itself within the horizon" in first or first.startswith("None")


def test_none_paying_back_is_said_first_with_what_they_buy() -> None:
    options = [
        {
            "scenario": "wow",
            "payback": payback.payback(BASE, VARIANT, cost=1000),
            "delta": {
                "nps": {"mean": 3.0, "low": 2.0, "high": 4.0},
                "retention": {"mean": 0.01, "low": 0.005, "high": 0.015},
            },
        }
    ]
    text = decisions_text.money_first(options, "3 months")
    assert text.startswith("None of the options pays for itself within the horizon of 3 months")
    assert "at the rate of their last month, wow in about 25 months." in text
    bought = "What they buy instead: wow +3.0 [+2.0, +4.0] NPS, +1.0 [+0.5, +1.5] pts retention"
    assert bought in text


def test_optimize_gives_the_chosen_set_and_runners_up_their_payback() -> None:
    from cxjourney.decide import optimize

    doc = optimize.optimize(journey(SHOP), RunSpec(seed=2, replications=3), budget=1e9)
    assert doc["chosen"]
    assert doc["payback"]["cost"] == doc["cost"]
    for row in doc["runners_up"]:
        assert row["payback"]["cost"] == row["cost"]
        assert set(row["delta"]) == {"nps", "retention"}
    first = decisions_text.optimize_text(doc).splitlines()[0]
    name = " + ".join(doc["chosen"])
    if doc["payback"]["pays_back"]:
        assert first.startswith(f"Recommended: {name} pays for itself")
    else:
        assert first.startswith(f"Recommended: {name} does not pay") or first.startswith("None")


def test_a_distant_projection_is_not_given_to_the_month() -> None:
    far = {"cost": 1e6, "pays_back": False, "months": {}, "projected_months": 449_970.0}
    assert decisions_text.payback_words(far).endswith(
        "at the rate of its last month, not within 10 years"
    )


def test_the_payback_interval_says_the_runs_level() -> None:
    """An adaptive run states its intervals at a higher level than 95% (each look spends
    some of the error); the payback's months are at that level, and say so."""
    from cxjourney.render.decisions_text import payback_words

    pay = {"pays_back": True, "cost": 10.0, "months": {"mean": 4.0, "low": 3.1, "high": 5.6}}
    assert "(95%: 3.1 to 5.6 months)" in payback_words(pay)
    assert "(99.4%: 3.1 to 5.6 months)" in payback_words({**pay, "level": 0.99375})
