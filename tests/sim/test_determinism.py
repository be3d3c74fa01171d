"""Same seed, same bytes; common random numbers; memory that does not grow with visits."""

from __future__ import annotations

import json

from cxjourney import load
from cxjourney.results import dumps, validate
from cxjourney.sim.experiment import RunSpec, simulate
from tests.conftest import SPEC_EXAMPLES, load_text

COFFEE = str(SPEC_EXAMPLES / "coffee.journey")


def short(journey, customers: int = 300):
    """A fortnight with fewer customers: the same mechanics, quickly."""
    from dataclasses import replace

    return replace(journey, horizon=14 * 1440, customers=customers)


def test_same_seed_same_bytes_whatever_the_workers() -> None:
    journey = short(load(COFFEE).journey)
    one = dumps(simulate(journey, RunSpec(seed=4, replications=3, workers=1)))
    two = dumps(simulate(journey, RunSpec(seed=4, replications=3, workers=2)))
    assert one == two
    assert one != dumps(simulate(journey, RunSpec(seed=5, replications=3)))
    validate(json.loads(one))


def test_no_op_scenario_differs_by_exactly_zero() -> None:
    text = (SPEC_EXAMPLES / "coffee.journey").read_text()
    text = text.replace(
        '  scenario staff "Add a barista" {',
        "  scenario nothing {\n    cost 1k\n  }\n\n  scenario same {\n    cost 1k\n"
        "    counter.delivers *= 1\n    app.crash.chance += 0%\n  }\n\n"
        '  scenario staff "Add a barista" {',
    )
    journey = short(load_text(text).journey)
    results = simulate(journey, RunSpec(seed=2, replications=3), scenarios=["nothing", "same"])
    for name in ("nothing", "same"):
        for metric, delta in results["scenarios"][name]["delta"].items():
            if delta["mean"] is not None:
                assert delta == {"mean": 0.0, "low": 0.0, "high": 0.0}, (name, metric)


def test_changing_one_touchpoint_leaves_other_draws_alone(tmp_path) -> None:
    """With a scenario on `drink` only, every visit before `drink` keeps its moment."""
    text = (SPEC_EXAMPLES / "coffee.journey").read_text()
    text = text.replace(
        "  scenario staff",
        "  scenario better_drink {\n    cost 1k\n"
        "    drink.delivers += 0.3\n  }\n\n  scenario staff",
    )
    journey = short(load_text(text).journey)
    events = tmp_path / "visits.csv"
    simulate(journey, RunSpec(seed=3, replications=1), scenarios=["better_drink"], events=events)
    import csv

    rows = list(csv.DictReader(events.open()))
    base = [r for r in rows if r["scenario"] == "baseline"]
    other = [r for r in rows if r["scenario"] == "better_drink"]
    first_journeys = {
        (r["customer"], r["touchpoint"]): r["moment"]
        for r in base
        if r["journey"] == "1" and r["touchpoint"] != "drink"
    }
    # customers referred only in the scenario (its promoters differ) have no baseline twin
    same = [
        r
        for r in other
        if r["journey"] == "1"
        and r["touchpoint"] != "drink"
        and (r["customer"], r["touchpoint"]) in first_journeys
    ]
    assert same and all(
        first_journeys[(r["customer"], r["touchpoint"])] == r["moment"] for r in same
    )
    drinks = {
        r["customer"]: r["moment"]
        for r in base
        if r["journey"] == "1" and r["touchpoint"] == "drink"
    }
    changed = [r for r in other if r["journey"] == "1" and r["touchpoint"] == "drink"]
    assert any(drinks[r["customer"]] != r["moment"] for r in changed)


def test_removing_a_disappointer_never_lowers_satisfaction() -> None:
    text = """
    journey "Remove" {
      horizon 1 day
      customers 3000
      persona p {
        share 100%
      }
      stage s {
        touchpoint a {
          delivers 3 +- 0.5
          disappointer late chance 30% impact -2
        }
        touchpoint b {
          delivers 3.2 +- 0.8
          delighter nice chance 20% impact +1
        }
      }
      flow {
        a -> b 80%
        a -> end
        b -> end
      }
      scenario fix {
        cost 10k
        remove a.late
      }
    }
    """
    journey = load_text(text).journey
    results = simulate(journey, RunSpec(seed=8, replications=4))
    delta = results["scenarios"]["fix"]["delta"]
    assert delta["satisfaction"]["low"] > 0
    assert delta["detractors"]["high"] <= 0


def test_memory_does_not_grow_with_visits() -> None:
    import tracemalloc

    from cxjourney.sim import engine
    from cxjourney.sim.runner import plans_for

    base = load(COFFEE).journey
    from dataclasses import replace

    # no arrivals: the population is fixed, so memory must not grow with the horizon
    personas = tuple(replace(p, arrivals=None) for p in base.personas)
    peaks = []
    for days in (10, 80):
        journey = replace(base, horizon=days * 1440, customers=300, personas=personas)
        plan = plans_for([replace(journey, scenarios=())])[0]
        tracemalloc.start()
        result = engine.run_replication(plan, 7)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        peaks.append(result["metrics"]["journeys"])
    small, small_journeys, large, large_journeys = peaks
    assert large_journeys > 5 * small_journeys
    assert large < 1.5 * small


def test_baseline_does_not_depend_on_the_chosen_scenarios() -> None:
    journey = short(load(COFFEE).journey)
    baselines = {
        dumps(
            simulate(journey, RunSpec(seed=6, replications=2), scenarios=chosen)["scenarios"][
                "baseline"
            ]
        )
        for chosen in (["fix_first"], ["delight"], ["staff"], [])
    }
    assert len(baselines) == 1
