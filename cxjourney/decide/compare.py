"""Rank the scenarios by an objective: effect, ROI and verdict, each with its interval.

The ranking comes from the results contract alone; with the runs at hand, each
scenario also gets its lead over the next one, paired replication by replication,
because two scenarios' intervals against the baseline can overlap while one is
still reliably ahead of the other on the same random numbers.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from ..model import Journey
from ..sim.runner import Progress
from ..sim.sequential import Schedule
from . import objective as obj
from .experiment import Experiment, file_scenarios, start


def rank(
    results: dict[str, Any],
    objective: str,
    labels: dict[str, str] | None = None,
    effects: dict[str, obj.Interval] | None = None,
) -> list[dict[str, Any]]:
    """The scenarios of a results dict, best first; ties keep file order.

    `effects` replaces the results' own 95% effects (a sequential run's wider ones).
    """
    labels = labels or {}
    rows = []
    for name, entry in results["scenarios"].items():
        if name == "baseline":
            continue
        effect = (effects or {}).get(name) or obj.from_entry(objective, entry)
        rows.append(
            {
                "scenario": name,
                "label": labels.get(name, name),
                "cost": entry.get("cost", 0.0),
                "effect": effect,
                "roi": entry.get("roi", obj.NO_VALUE),
                "verdict": obj.verdict(effect, results["replications"]),
            }
        )
    rows.sort(key=lambda row: -obj.score(row["effect"]))
    for position, row in enumerate(rows, 1):
        row["rank"] = position
    return rows


def add_leads(ranking: list[dict[str, Any]], experiment: Experiment, objective: str) -> None:
    """Each scenario's paired lead over the one ranked just below it."""
    for row, below in pairwise(ranking):
        lead = obj.gap(
            objective,
            experiment.base,
            experiment.runs_of(row["scenario"]),
            experiment.runs_of(below["scenario"]),
            level=experiment.level,
        )
        row["lead"] = {"over": below["scenario"], **lead}


def compare(
    journey: Journey,
    *,
    objective: str = obj.DEFAULT,
    seed: int = 1,
    replications: int = 10,
    scenarios: list[str] | None = None,
    horizon: float | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    dask: str | None = None,
    schedule: Schedule | None = None,
) -> tuple[dict[str, Any], Experiment]:
    """The results contract plus `objective` and `ranking`; the experiment for reuse.

    With an adaptive `schedule`, replications are added until every scenario's verdict
    is settled (sim/sequential.py), and effects and verdicts are at its level.
    """
    experiment = start(
        journey,
        seed=seed,
        replications=replications,
        horizon=horizon,
        workers=workers,
        progress=progress,
        dask=dask,
        schedule=schedule,
    )
    chosen = file_scenarios(experiment.journey, scenarios)
    experiment.add(chosen)

    def effects() -> dict[str, obj.Interval]:
        return {
            name: obj.effect(
                objective, experiment.base, *experiment.runs_of(name), experiment.level
            )
            for name, _, _ in chosen
        }

    experiment.settle(lambda: effects().values(), objective)
    results = experiment.results()
    labels = {s.id: s.label for s in journey.scenarios}
    ranking = rank(results, objective, labels, effects() if experiment.level != 0.95 else None)
    add_leads(ranking, experiment, objective)
    results["objective"] = objective
    results["ranking"] = ranking
    if experiment.schedule is not None and experiment.schedule.adaptive:
        results["sequential"] = sequential_note(experiment)
    return results, experiment


def sequential_note(experiment: Experiment) -> dict[str, Any]:
    """How many replications the answer took, and at what level its verdicts hold."""
    schedule = experiment.schedule
    assert schedule is not None
    return {
        "replications": experiment.replications,
        "maximum": schedule.maximum,
        "looks": schedule.looks(),
        "level": experiment.level,
        "precision": schedule.precision,
        "settled": experiment.replications < schedule.maximum,
    }
