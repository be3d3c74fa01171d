"""Sensitivity: the ranking across the assumptions that decide it, in plain words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cxjourney.decide import compare, sensitivity
from cxjourney.decide.sensitivity import Setting
from cxjourney.model import Loyalty
from cxjourney.render import decisions_text as report
from cxjourney.results import validate
from cxjourney.sim.experiment import RunSpec, simulate
from tests.decide.cases import LOSS_AVERSION, SHOP, journey


@pytest.fixture(scope="module")
def flip():
    return sensitivity.analyse(journey(LOSS_AVERSION), RunSpec(seed=1, replications=4))


def _setting(sens, name):
    return next(s for s in sens["settings"] if s["setting"] == name)


def test_the_settings_move_one_assumption_at_a_time_from_the_files_own() -> None:
    names = [s.name for s in sensitivity.settings_for(Loyalty())]
    assert names == [
        "as written",
        "negativity 1.3",
        "negativity 2.25",
        "memory peak_end",
        "memory mean",
        "adaptation 0%",
        "adaptation 40%",
    ]
    own = Loyalty(negativity=2.25, memory="mean", adaptation=0.4)
    names = [s.name for s in sensitivity.settings_for(own)]
    assert "negativity 2.25" not in names and "memory mean" not in names
    assert "memory blend" in names and "adaptation 0%" in names
    moved = Setting("negativity", 1.3).apply(journey(SHOP))
    assert moved.loyalty == replace(Loyalty(), negativity=1.3)


def test_loss_aversion_decides_the_ranking_and_the_flip_is_reported(flip) -> None:
    low, high = _setting(flip, "negativity 1.3"), _setting(flip, "negativity 2.25")
    assert low["ranking"] == ["add_gain", "remove_loss"]  # gains weigh almost as losses
    assert high["ranking"] == ["remove_loss", "add_gain"]  # losses loom larger
    # the swap is not noise: each order is clear in its own setting
    assert low["effects"]["add_gain"]["low"] > low["effects"]["remove_loss"]["high"]
    assert high["effects"]["remove_loss"]["low"] > high["effects"]["add_gain"]["high"]
    for sid in ("remove_loss", "add_gain"):
        summary = flip["scenarios"][sid]
        assert summary["rank_holds"] is False
        means = [s["effects"][sid]["mean"] for s in flip["settings"]]
        assert (summary["low"], summary["high"]) == (min(means), max(means))
    # removing a loss is worth more the more losses weigh; adding a gain is not
    assert high["effects"]["remove_loss"]["mean"] > low["effects"]["remove_loss"]["mean"]
    text = report.sensitivity_text(flip, 4)
    assert "The ranking is NOT robust: it flips with negativity" in text
    assert "First place: remove_loss in " in text
    assert "add_gain of remove_loss with negativity 1.3: the flip is not noise." in text
    assert "With negativity 1.3: add_gain > remove_loss." in text
    assert "rank holds" in text and "NO" in text


def test_a_clear_winner_holds_its_rank_everywhere() -> None:
    shop = journey(SHOP)
    shop = replace(shop, scenarios=tuple(s for s in shop.scenarios if s.id in ("big", "bad")))
    sens = sensitivity.analyse(shop, RunSpec(seed=1, replications=2))
    assert all(s["ranking"] == ["big", "bad"] for s in sens["settings"])
    assert {sid: v["rank_holds"] for sid, v in sens["scenarios"].items()} == {
        "big": True,
        "bad": True,
    }
    assert "The ranking holds in every setting: big > bad." in report.sensitivity_text(sens, 2)


def test_simulate_results_are_reused_as_the_files_own_setting() -> None:
    j = journey(LOSS_AVERSION)
    results = simulate(j, RunSpec(seed=5, replications=2))
    sens = sensitivity.sensitivity_for_simulate(
        j, results, RunSpec(seed=5, replications=2, horizon=None, workers=1), objective="nps"
    )
    own = sens["settings"][0]
    assert own["setting"] == "as written"
    for sid in ("remove_loss", "add_gain"):
        assert own["effects"][sid] == results["scenarios"][sid]["delta"]["nps"]
    again = sensitivity.analyse(j, RunSpec(seed=5, replications=2))
    assert again == sens  # the same numbers as running every setting afresh
    sensitivity.attach(results, sens)
    validate(results)
    for sid in ("remove_loss", "add_gain"):
        assert set(results["scenarios"][sid]["sensitivity"]) == {"low", "high", "rank_holds"}
    assert results["sensitivity"]["objective"] == "nps"


def test_compare_with_sensitivity_prints_both() -> None:
    j = journey(LOSS_AVERSION)
    results, _ = compare.compare(j, RunSpec(seed=1, replications=2))
    sens = sensitivity.sensitivity_for_simulate(j, results, RunSpec(seed=1, replications=2))
    text = report.compare_text(results, sens)
    assert "Scenarios ranked by their effect on nps" in text
    assert "Sensitivity of the nps effect" in text


def test_no_scenarios_no_sensitivity() -> None:
    bare = replace(journey(SHOP), scenarios=())
    sens = sensitivity.analyse(bare, RunSpec(replications=2))
    assert sens == {"objective": "nps", "settings": [], "scenarios": {}}
    assert "no scenarios" in report.sensitivity_text(sens, 2)


def _row(name: str, effects: dict[str, tuple[float, float, float]]) -> dict:
    intervals = {k: {"mean": m, "low": lo, "high": hi} for k, (m, lo, hi) in effects.items()}
    return {
        "setting": name,
        "assumption": None if name == "as written" else name.split()[0],
        "value": None,
        "effects": intervals,
        "ranking": sensitivity.rank_order(intervals),
    }


def test_a_swap_within_the_noise_is_called_so() -> None:
    rows = [
        _row("as written", {"a": (3.0, 2.0, 4.0), "b": (2.5, 1.5, 3.5)}),
        _row("memory mean", {"a": (2.0, 1.0, 3.0), "b": (2.5, 1.5, 3.5)}),
    ]
    sens = {"objective": "nps", "settings": rows, "scenarios": sensitivity.summary(rows)}
    words = report.plain_words(sens)
    assert words[0] == "The ranking is NOT robust: it flips with memory."
    assert words[-1].startswith("a and b swap places, but their intervals overlap")
    rows[0] = _row("as written", {"a": (5.0, 4.0, 6.0), "b": (2.5, 1.5, 3.5)})
    sens["scenarios"] = sensitivity.summary(rows)
    assert report.plain_words(sens)[-1] == (
        "a is clearly ahead of b as written; where b leads, their intervals overlap, "
        "so that swap may be noise."
    )


def test_a_setting_replaces_a_loyalty_key_written_as_a_range() -> None:
    """`negativity 1.5 .. 2.5` is drawn per replication; the setting `negativity 1.3` must
    make it known at 1.3 in every replication (else the setting's rows would be the
    file's own draws), while other ranged keys stay ranges."""
    from cxjourney.language import ranges

    ranged = journey(
        LOSS_AVERSION.replace(
            '  scenario remove_loss "Fix',
            "  loyalty {\n    negativity 1.5 .. 2.5\n    referral 1% .. 3%\n  }\n"
            '  scenario remove_loss "Fix',
        )
    )
    moved = Setting("negativity", 1.3).apply(ranged)
    assert moved.loyalty.negativity == 1.3
    assert [k for k, _ in moved.loyalty.ranges] == ["referral"]
    assert [i.name for i in ranges.inputs(moved)] == ["loyalty.referral"]
