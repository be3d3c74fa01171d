"""Drivers: the same improvement at every touchpoint, and owners improved together."""

from __future__ import annotations

import pytest

from cxjourney.decide import drivers
from cxjourney.render import decisions_text as report
from cxjourney.sim.experiment import RunSpec, simulate
from tests.decide.cases import SHOP, journey


@pytest.fixture(scope="module")
def shop_drivers():
    return drivers.drivers(journey(SHOP), RunSpec(seed=4, replications=3))


def test_the_standard_improvement_is_written_as_scenario_changes() -> None:
    shop = journey(SHOP)
    a, _, c = shop.touchpoints
    improved = drivers.improved(shop, ["a", "c"], drivers.Improvement())
    new_a, _, new_c = improved.touchpoints
    assert new_a.performance.mean == pytest.approx(a.performance.mean + 0.5)
    assert new_a.event("broken").chance == pytest.approx(0.15)
    assert new_c.event("gift").chance == pytest.approx(0.40)
    only = drivers.Improvement(levers=("delighters",), delighter_factor=8)
    _, _, capped = drivers.improved(shop, ["c"], only).touchpoints
    assert capped.event("gift").chance == 1.0  # at most 100%
    assert capped.performance == c.performance
    assert drivers.changes_for(a, drivers.Improvement(step=0, levers=("delivers",))) == ()


def test_touchpoints_are_ranked_by_the_effect_of_the_improvement(shop_drivers) -> None:
    rows = shop_drivers["touchpoints"]
    means = [r["effect"]["mean"] for r in rows]
    assert means == sorted(means, reverse=True)
    assert all(r["verdict"] == "better" for r in rows)
    by_id = {r["touchpoint"]: r for r in rows}
    # a and b differ only by a's disappointer, which the improvement halves
    assert by_id["a"]["effect"]["low"] > by_id["b"]["effect"]["high"]
    assert by_id["c"]["owner"] == "Marketing"


def test_peak_and_trough_shares_are_the_baselines(shop_drivers) -> None:
    baseline = simulate(journey(SHOP), RunSpec(seed=4, replications=3), scenarios=[])
    tps = baseline["scenarios"]["baseline"]["touchpoints"]
    for row in shop_drivers["touchpoints"]:
        assert row["peak_share"] == tps[row["touchpoint"]]["peak_share"]
        assert row["trough_share"] == tps[row["touchpoint"]]["trough_share"]


def test_owners_are_simulated_with_all_their_touchpoints_improved(shop_drivers) -> None:
    owners = {r["owner"]: r for r in shop_drivers["owners"]}
    touchpoints = {r["touchpoint"]: r for r in shop_drivers["touchpoints"]}
    assert owners["Operations"]["touchpoints"] == ["a", "b"]
    assert owners["Marketing"]["effect"] == touchpoints["c"]["effect"]
    # one-journey customers: improving both of an owner's touchpoints beats either alone
    ops = owners["Operations"]["effect"]["mean"]
    assert ops > max(touchpoints["a"]["effect"]["mean"], touchpoints["b"]["effect"]["mean"])
    means = [r["effect"]["mean"] for r in shop_drivers["owners"]]
    assert means == sorted(means, reverse=True)


def test_no_improvement_has_an_effect_of_exactly_zero() -> None:
    none = drivers.Improvement(step=0, levers=())
    doc = drivers.drivers(journey(SHOP), RunSpec(seed=1, replications=2), improvement=none)
    for row in doc["touchpoints"] + doc["owners"]:
        assert row["effect"] == {"mean": 0.0, "low": 0.0, "high": 0.0}


def test_drivers_have_no_roi() -> None:
    with pytest.raises(ValueError, match="no cost"):
        drivers.drivers(journey(SHOP), RunSpec(replications=2), objective="roi")


def test_the_text_ranks_touchpoints_and_owners(shop_drivers) -> None:
    text = report.drivers_text(shop_drivers, drivers.Improvement().describe())
    assert "delivers +0.5, disappointer chances ×0.5, delighter chances ×2" in text
    assert "By owner" in text
    assert "Operations  a, b" in text
    csv_lines = report.drivers_csv(shop_drivers).splitlines()
    assert csv_lines[0].startswith("level,rank,name,owner,effect_mean")
    assert sum(line.startswith("owner,") for line in csv_lines) == 2
