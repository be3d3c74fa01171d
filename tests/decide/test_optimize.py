"""The best combination within a budget: simulated, never over budget, known answers."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations
from pathlib import Path

import pytest

from cxjourney.decide import optimize
from cxjourney.render import decisions_text as report
from cxjourney.sim.experiment import RunSpec
from tests.conftest import run_cli, write
from tests.decide.cases import SHOP, journey

COSTS = {"big": 50e3, "small_b": 30e3, "small_c": 30e3, "bad": 10e3, "nothing": 0.0}


@pytest.fixture(scope="module")
def shop():
    return journey(SHOP)


def test_the_known_best_set_is_found_exhaustively_and_greedily(shop) -> None:
    # 80k buys big + one small: big is the largest gain, c is the end of the journey
    # and gets the larger step; bad hurts; the free placeholder adds nothing.
    for method in ("exhaustive", "greedy"):
        doc = optimize.optimize(shop, RunSpec(seed=1, replications=3), budget=80e3, method=method)
        assert doc["search"] == method
        assert doc["chosen"] == ["big", "small_c"], method
        assert doc["cost"] == 80e3
        assert doc["verdict"] == "better"
        assert doc["effect"]["low"] <= doc["effect"]["mean"] <= doc["effect"]["high"]
        assert doc["delta"]["nps"] == doc["effect"]
    exhaustive = optimize.optimize(shop, RunSpec(seed=1, replications=3), budget=80e3)
    assert exhaustive["search"] == "exhaustive"
    affordable = [
        c for n in range(1, 6) for c in combinations(COSTS, n) if sum(COSTS[s] for s in c) <= 80e3
    ]
    assert exhaustive["evaluated"] == len(affordable)


@pytest.mark.parametrize("budget", [0.0, 9_999.0, 10e3, 45e3, 60e3, 90e3, 1e9])
def test_the_budget_is_never_exceeded(shop, budget: float) -> None:
    doc = optimize.optimize(shop, RunSpec(seed=2, replications=2), budget=budget, runners_up=100)
    assert doc["cost"] <= budget
    assert doc["budget"] == budget
    assert all(row["cost"] <= budget for row in doc["runners_up"])
    keys = [(-row["effect"]["mean"], row["cost"]) for row in doc["runners_up"]]
    assert keys == sorted(keys)
    assert all(row["behind"]["mean"] >= 0 for row in doc["runners_up"])
    assert doc["over_budget"] == [s for s, c in COSTS.items() if c > budget]


def test_a_free_no_op_is_not_chosen_and_a_hurting_set_never_is(shop) -> None:
    doc = optimize.optimize(shop, RunSpec(seed=1, replications=2), budget=10e3)
    assert doc["chosen"] == []  # bad hurts, nothing does nothing: keep the baseline
    assert doc["effect"] == {"mean": 0.0, "low": 0.0, "high": 0.0}
    assert "keep the baseline" in report.optimize_text(doc)
    free = {tuple(r["chosen"]): r for r in doc["runners_up"]}
    assert free[("nothing",)]["effect"] == {"mean": 0.0, "low": 0.0, "high": 0.0}


def test_combinations_are_simulated_not_added(shop) -> None:
    text = SHOP.replace(
        '  scenario nothing "A placeholder" {',
        "  scenario set_a {\n    cost 1k\n    a.delivers = 4\n  }\n"
        "  scenario set_a_more {\n    cost 1k\n    a.delivers = 4.5\n  }\n"
        '  scenario nothing "A placeholder" {',
    )
    j = journey(text)
    doc = optimize.optimize(
        j,
        RunSpec(seed=1, replications=2),
        budget=2e3,
        scenarios=["set_a", "set_a_more"],
        runners_up=5,
    )
    effects = {tuple(r["chosen"]): r["effect"] for r in doc["runners_up"]}
    effects[tuple(doc["chosen"])] = doc["effect"]
    # applied in file order, the second `=` wins: the pair is exactly the second alone
    assert effects[("set_a", "set_a_more")] == effects[("set_a_more",)]
    assert effects[("set_a", "set_a_more")]["mean"] < (
        effects[("set_a",)]["mean"] + effects[("set_a_more",)]["mean"]
    )
    assert doc["chosen"] == ["set_a_more"]  # as good as the pair, and cheaper


def test_scenarios_that_cannot_be_combined_are_skipped_with_the_reason(shop) -> None:
    text = SHOP.replace(
        '  scenario nothing "A placeholder" {',
        '  scenario gift_a {\n    cost 1k\n    add delighter a.gift "Gift" chance 50% impact +1\n'
        "  }\n  scenario gift_a_too {\n    cost 1k\n"
        '    add delighter a.gift "Gift" chance 90% impact +2\n  }\n'
        '  scenario nothing "A placeholder" {',
    )
    doc = optimize.optimize(
        journey(text),
        RunSpec(seed=1, replications=2),
        budget=5e3,
        scenarios=["gift_a", "gift_a_too"],
    )
    assert doc["chosen"] == ["gift_a_too"]
    assert doc["skipped"] == [
        {"scenarios": ["gift_a", "gift_a_too"], "reason": "touchpoint 'a' already has 'gift'"}
    ]
    assert (
        "cannot be combined (touchpoint 'a' already has 'gift'): gift_a + gift_a_too"
        in report.optimize_text(doc)
    )


def test_greedy_search_simulates_fewer_combinations(shop) -> None:
    many = replace(
        shop,
        scenarios=tuple(
            replace(s, id=f"{s.id}_{k}", cost=s.cost / 10 + k)
            for k in range(2)
            for s in shop.scenarios
            if s.id != "nothing"
        ),
    )
    doc = optimize.optimize(many, RunSpec(seed=1, replications=2), budget=20e3)
    assert doc["search"] == "greedy"  # 8 scenarios, 100+ affordable combinations
    assert doc["evaluated"] < 100
    assert doc["cost"] <= 20e3
    assert "bad_0" not in doc["chosen"] and "bad_1" not in doc["chosen"]
    assert {"big_0", "small_c_0"} <= set(doc["chosen"]) or {"big_1"} <= set(doc["chosen"])


def test_money_that_brings_nothing_back_is_not_spent_for_roi(shop) -> None:
    # one journey per customer: no churn, so no scenario changes revenue; ROI is -1
    doc = optimize.optimize(shop, RunSpec(seed=1, replications=2), budget=1e9, objective="roi")
    assert doc["chosen"] == []
    assert all(r["effect"]["mean"] == -1.0 for r in doc["runners_up"])


def test_a_negative_budget_is_refused(shop) -> None:
    with pytest.raises(ValueError, match="negative"):
        optimize.optimize(shop, RunSpec(replications=2), budget=-1)


# ---- on the command line -----------------------------------------------------------------

TRAP_TOGETHER = """\
journey "Together" {
  customers 5
  persona p {
    share 100%
  }
  stage s {
    touchpoint a { }
    touchpoint b { }
    touchpoint c { }
  }
  flow {
    start -> a
    a -> b
    b -> end 50%
    b -> c
    c -> end 50%
    c -> a
  }
  scenario one "One" {
    cost 10
    flow b -> c = 100%
  }
  scenario two "Two" {
    cost 10
    flow c -> a = 100%
  }
}
"""


def test_scenarios_that_trap_customers_only_together_are_skipped_by_optimize_and_named(
    tmp_path: Path,
) -> None:
    """The command line does what the library does: the combination is not simulated,
    the others are, and the output says which was left out and why."""
    journey = write(tmp_path, TRAP_TOGETHER)
    assert run_cli("check", journey).returncode == 0  # each alone is fine
    done = run_cli("optimize", journey, "--budget", "100", "-n", "2", "-j", "1")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "2 combinations simulated" in out
    skipped = [line for line in out.splitlines() if line.startswith("cannot be combined")]
    assert len(skipped) == 1 and skipped[0].endswith(": one + two"), out
    assert "can never finish" in skipped[0]
