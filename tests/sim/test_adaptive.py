"""Adaptive replications: as many as the answer needs, the same count for any workers."""

from __future__ import annotations

import json

import pytest

from cxjourney.decide import compare, drivers, optimize
from cxjourney.sim.experiment import RunSpec, baseline_runs, simulate
from cxjourney.sim.sequential import Schedule, settled
from tests.conftest import load_text, run_cli

SHOP = """
journey "Corner shop" {
  horizon 4 weeks
  customers 150
  persona regular {
    share 100%
    visits every 3 days
    spend 8
  }
  stage visit {
    touchpoint aisle {
      delivers 3.2 +- 0.8
      delighter find "Finds it at once" chance 20% impact +1
    }
    touchpoint till {
      expect 3.5
      delivers 3.4 +- 0.5
      disappointer slow "Card reader fails" chance 10% impact -2
    }
  }
  scenario reader "New card readers" {
    cost 2k
    till.slow.chance = 1%
  }
  scenario nothing "A poster" {
    cost 500
  }
}
"""


def test_looks_are_fixed_in_advance_and_end_at_the_maximum() -> None:
    assert Schedule(10, 40).looks() == [10, 15, 23, 35, 40]
    assert Schedule(2, 7).looks() == [2, 4, 6, 7]
    assert Schedule(5, 5).looks() == [5] and not Schedule(5, 5).adaptive
    assert Schedule(10, 40).level == pytest.approx(1 - 0.05 / 5)


def test_a_verdict_is_settled_when_clear_or_clearly_small() -> None:
    assert settled({"mean": 1.0, "low": 0.5, "high": 1.5}, None)
    assert settled({"mean": -1.0, "low": -1.5, "high": -0.5}, None)
    assert not settled({"mean": 0.1, "low": -0.5, "high": 0.7}, None)
    assert settled({"mean": 0.1, "low": -0.5, "high": 0.7}, 0.6)
    assert not settled({"mean": 0.1, "low": None, "high": None}, 5.0)


def test_precision_stops_at_the_first_look_that_reaches_it() -> None:
    journey = load_text(SHOP).journey
    schedule = Schedule(3, 60, precision=4.0)
    results = simulate(journey, RunSpec(seed=2, schedule=schedule), objective="nps")
    n = results["replications"]
    note = results.pop("sequential")
    assert n in schedule.looks() and n == note["replications"] and note["settled"]
    # the same numbers as a fixed run of that many replications: replication k keeps
    # its random numbers however the run grew
    assert results == simulate(journey, RunSpec(seed=2, replications=n))
    half = [(v["high"] - v["low"]) / 2 for v in _objective(results)]
    assert max(half) <= 4.0
    earlier = schedule.looks()[schedule.looks().index(n) - 1] if n != 3 else None
    if earlier is not None:
        fixed = simulate(journey, RunSpec(seed=2, replications=earlier))
        assert max((v["high"] - v["low"]) / 2 for v in _objective(fixed)) > 4.0


def _objective(results):
    yield results["scenarios"]["baseline"]["metrics"]["nps"]
    for name, entry in results["scenarios"].items():
        if name != "baseline":
            yield entry["delta"]["nps"]


def test_compare_stops_when_every_verdict_is_settled() -> None:
    journey = load_text(SHOP).journey
    schedule = Schedule(3, 24, precision=3.0)
    results, experiment = compare.compare(journey, RunSpec(seed=1, schedule=schedule))
    ranking = {row["scenario"]: row for row in results["ranking"]}
    assert ranking["reader"]["verdict"] == "better"
    # the poster changes nothing: exactly zero, settled by the precision
    assert ranking["nothing"]["effect"]["mean"] == 0.0
    note = results["sequential"]
    assert note["replications"] == experiment.replications < 24
    assert note["level"] == pytest.approx(1 - 0.05 / len(schedule.looks()))
    without_precision, _ = compare.compare(journey, RunSpec(seed=1, schedule=Schedule(3, 8)))
    assert without_precision["replications"] == 8  # "nothing" can never be told apart


def test_drivers_and_optimize_grow_too() -> None:
    journey = load_text(SHOP).journey
    schedule = Schedule(2, 12, precision=2.0)
    doc = drivers.drivers(journey, RunSpec(seed=3, schedule=schedule))
    assert doc["replications"] in schedule.looks()
    assert doc["sequential"]["replications"] == doc["replications"]
    plan = optimize.optimize(journey, RunSpec(seed=3, schedule=schedule), budget=3000)
    assert plan["chosen"] == ["reader"]
    assert plan["replications"] in schedule.looks()


@pytest.mark.slow
def test_the_same_count_and_bytes_for_any_number_of_workers(tmp_path) -> None:
    path = tmp_path / "shop.journey"
    path.write_text(SHOP)
    args = ["simulate", str(path), "-n", "3", "--precision", "4", "--max-replications", "40"]
    one = run_cli(*args, "--format", "json", "-j", "1")
    two = run_cli(*args, "--format", "json", "-j", "2")
    assert one.returncode == 0 and one.stdout == two.stdout
    assert json.loads(one.stdout)["sequential"]["replications"] > 3
    ranked = [run_cli("compare", str(path), "-n", "3", "--max-replications", "6", "-j", j)
              for j in ("1", "2")]  # fmt: skip
    assert ranked[0].stdout == ranked[1].stdout
    assert b"adaptive: 6 replications of at most 6" in ranked[0].stdout


def test_a_maximum_below_the_start_is_an_input_error(tmp_path) -> None:
    path = tmp_path / "shop.journey"
    path.write_text(SHOP)
    result = run_cli("simulate", str(path), "-n", "10", "--max-replications", "5")
    assert result.returncode == 2
    assert b"--max-replications" in result.stderr


def test_precision_is_judged_before_clipping_to_the_metric_range() -> None:
    """Retention near 100%: the clipped interval looks narrower than it is."""
    text = """
    journey "Loyal" {
      horizon 4 days
      customers 60
      persona p {
        share 100%
        visits every 3 days
      }
      stage s {
        touchpoint t {
          expect 3
          delivers 4
        }
      }
      loyalty {
        noise 0
      }
    }
    """
    journey = load_text(text).journey
    schedule = Schedule(3, 30, precision=0.02)
    results = simulate(journey, RunSpec(seed=3, schedule=schedule), objective="retention")
    n = results["replications"]
    runs = [
        r["metrics"]["retention"] for r in baseline_runs(journey, RunSpec(seed=3, replications=n))
    ]
    from cxjourney.sim import stats

    raw = stats.interval(runs)
    assert (raw["high"] - raw["low"]) / 2 <= 0.02


# ---- the default: as many replications as the answer needs -------------------------------


@pytest.mark.slow
def test_without_n_simulate_settles_its_answer_and_with_n_runs_exactly_n(tmp_path) -> None:
    """No -n: looks at 4, 6, 9, ... up to 40, stopping at the first look where the
    baseline's NPS is within ±4 points and each scenario's verdict is settled (a change
    clear of zero, or within ±1 point). `A poster` changes nothing, so its change is 0 in
    every replication (common random numbers): settled at once. The count is a look,
    and the same for one or two workers. With -n 5: exactly 5, and no adaptive note."""
    path = tmp_path / "shop.journey"
    path.write_text(SHOP)
    one = run_cli("simulate", str(path), "--format", "json", "-j", "1", "--quiet")
    two = run_cli("simulate", str(path), "--format", "json", "-j", "2", "--quiet")
    assert one.returncode == 0, one.stderr
    assert one.stdout == two.stdout
    results = json.loads(one.stdout)
    note = results["sequential"]
    assert note["rule"] == "verdicts" and note["settled"]
    assert results["replications"] in note["looks"] and note["looks"][0] == 4
    assert note["maximum"] == 40
    table = run_cli("simulate", str(path), "-j", "1", "--quiet")
    assert "stopped when nps and every verdict on it were settled" in table.stdout.decode()
    fixed = json.loads(
        run_cli("simulate", str(path), "-n", "5", "-j", "1", "--format", "json").stdout
    )
    assert fixed["replications"] == 5 and "sequential" not in fixed


def test_the_default_stop_needs_the_baseline_precise_and_every_verdict_settled() -> None:
    """Hand-made replications of NPS: a baseline spread of 1 point is precise enough
    (half-width at 4 replications: t(3) x 1 / 2 = 1.6 <= 4), one of 10 points is not
    (15.9 > 4); a scenario whose change is +0.5 +- 0.1 is within ±1 point (settled as
    small), one whose change wanders -3..+3 is not."""
    from cxjourney.sim.runner import answer_settled

    schedule = Schedule(4, 40, None, auto=True)

    def runs(values):
        return [{"metrics": {"nps": v}} for v in values]

    chosen = [("baseline", None, 0.0), ("s", None, 1.0)]
    calm = [10.0, 11.0, 9.0, 10.0]
    assert answer_settled(chosen, [runs(calm), runs([v + 0.5 for v in calm])], "nps", schedule)
    wide = [0.0, 20.0, -10.0, 10.0]
    assert not answer_settled(chosen, [runs(wide), runs(wide)], "nps", schedule)
    wander = [v + d for v, d in zip(calm, (-3.0, 3.0, -3.0, 3.0), strict=True)]
    assert not answer_settled(chosen, [runs(calm), runs(wander)], "nps", schedule)
    assert schedule.change_precision("revenue", 200_000.0) == pytest.approx(1_000.0)
    assert schedule.change_precision("nps") == 1.0
    assert Schedule(4, 40, 0.3).change_precision("nps") == 0.3  # --precision wins
