"""Ranking scenarios by an objective, with paired intervals and plain verdicts."""

from __future__ import annotations

from itertools import pairwise

import pytest

from cxjourney.decide import compare, objective
from cxjourney.render import decisions_text as report
from cxjourney.render import table
from cxjourney.results import validate
from cxjourney.sim.experiment import RunSpec
from tests.decide.cases import SHOP, journey


@pytest.fixture(scope="module")
def shop():
    return compare.compare(journey(SHOP), RunSpec(seed=2, replications=4))


def test_scenarios_are_ranked_best_first_with_verdicts(shop) -> None:
    results, _ = shop
    validate(results)
    ranking = results["ranking"]
    assert [row["rank"] for row in ranking] == [1, 2, 3, 4, 5]
    means = [row["effect"]["mean"] for row in ranking]
    assert means == sorted(means, reverse=True)
    by_id = {row["scenario"]: row for row in ranking}
    assert ranking[0]["scenario"] == "big"
    assert by_id["big"]["verdict"] == "better"
    assert by_id["bad"]["verdict"] == "worse"
    assert by_id["nothing"]["verdict"] == "not distinguishable"
    assert ranking[-1]["scenario"] == "bad"
    for row in ranking:
        assert row["effect"] == results["scenarios"][row["scenario"]]["delta"]["nps"]


def test_each_scenario_leads_the_next_by_a_paired_difference(shop) -> None:
    results, experiment = shop
    ranking = results["ranking"]
    assert "lead" not in ranking[-1]
    for row, below in pairwise(ranking):
        lead = row["lead"]
        assert lead["over"] == below["scenario"]
        assert lead["mean"] == pytest.approx(row["effect"]["mean"] - below["effect"]["mean"])
        assert lead["low"] <= lead["mean"] <= lead["high"]
    big = experiment.runs_of("big")
    assert objective.samples("roi", experiment.base, *big) == [
        (r["metrics"]["revenue"] - b["metrics"]["revenue"] - 50_000) / 50_000
        for b, r in zip(experiment.base, big[0], strict=True)
    ]


@pytest.mark.parametrize("name", ["retention", "revenue", "roi", "satisfaction"])
def test_every_objective_ranks(shop, name: str) -> None:
    results, _ = shop
    ranking = compare.rank(results, name)
    effects = [objective.score(row["effect"]) for row in ranking]
    assert effects == sorted(effects, reverse=True)


def test_a_scenario_without_cost_has_no_roi_and_ranks_last_on_roi(shop) -> None:
    results, _ = shop
    ranking = compare.rank(results, "roi")
    assert ranking[-1]["scenario"] == "nothing"
    assert ranking[-1]["verdict"] == "no value"


def test_verdict_lines_say_better_worse_or_not_distinguishable() -> None:
    def line(low: float, high: float, n: int = 10) -> str:
        row = {
            "scenario": "s",
            "effect": {"mean": (low + high) / 2, "low": low, "high": high},
            "verdict": objective.verdict({"mean": (low + high) / 2, "low": low, "high": high}, n),
        }
        return table.verdict_line(row, "nps", n)

    assert line(1.0, 3.0) == "s: better than the baseline on nps, +2.0 [+1.0, +3.0]"
    assert line(-3.0, -1.0) == "s: worse than the baseline on nps, -2.0 [-3.0, -1.0]"
    assert line(-1.0, 3.0) == (
        "s: not distinguishable from the baseline on nps at 10 replications (+1.0 [-1.0, +3.0])"
    )
    assert "one replication" in line(1.0, 1.0, n=1)
    assert objective.verdict({"mean": 1.0, "low": 1.0, "high": 1.0}, 1) == "no interval"


def test_the_text_names_the_ranking_and_the_leads(shop) -> None:
    results, _ = shop
    text = report.compare_text(results)
    assert "Scenarios ranked by their effect on nps" in text
    assert "big: better than the baseline on nps" in text
    assert "bad: worse than the baseline on nps" in text
    assert "vs small_c" in text or "vs big" in text
    csv_text = report.compare_csv(results)
    assert csv_text.splitlines()[1].startswith("1,big,Fix a properly,50000.0,")
