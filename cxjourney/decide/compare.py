"""Rank the scenarios by an objective: effect, ROI and verdict, each with its interval.

The ranking comes from the results contract alone; with the runs at hand, each
scenario also gets its lead over the next one, paired replication by replication,
because two scenarios' intervals against the baseline can overlap while one is
still reliably ahead of the other on the same random numbers.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from ..language.diagnostics import Reporter
from ..language.scenarios import apply_checked
from ..model import Journey, Scenario
from ..results import assumed
from ..sim.experiment import Experiment, Progress, RunSpec, admit, file_scenarios, planned_runs
from . import objective as obj
from . import uncertainty
from .payback import payback


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


def add_paybacks(ranking: list[dict[str, Any]], experiment: Experiment) -> None:
    """Each scenario's payback: months until its change in revenue covers its cost."""
    for row in ranking:
        row["payback"] = payback(
            experiment.base, *experiment.runs_of(row["scenario"]), level=experiment.level
        )


#: The largest NPS move one change can claim before it needs evidence of its own
#: (docs/model.md, "How large an effect can be"): a year's moves of whole CX
#: programmes are a few points; ten is a sector's gap between average and leader.
EVIDENCE_NPS = 10.0


def add_evidence(
    ranking: list[dict[str, Any]],
    results: dict[str, Any],
    journey: Journey,
    experiment: Experiment,
) -> None:
    """Flag a scenario that moves NPS by more than EVIDENCE_NPS, and name the change that
    drives it: the one whose removal shrinks the effect most (each left out in turn, on
    the same random numbers), or its only change."""
    by_id = {s.id: s for s in journey.scenarios}
    for row in ranking:
        nps = results["scenarios"][row["scenario"]]["delta"]["nps"]["mean"]
        scenario = by_id.get(row["scenario"])
        if nps is None or abs(nps) <= EVIDENCE_NPS or scenario is None:
            continue
        row["evidence"] = {"threshold": EVIDENCE_NPS, "nps": nps, **_driver(scenario, experiment)}


def _driver(scenario: Scenario, experiment: Experiment) -> dict[str, Any]:
    """The change whose removal shrinks the scenario's NPS effect most, and by how much."""
    from ..language.printer import Printer

    printer = Printer()
    changes = scenario.changes
    if len(changes) == 1:
        return {"driver": printer.change(changes[0]), "without": None}  # its only change
    variants = []
    for i in range(len(changes)):
        rest = Scenario(scenario.id, scenario.label, scenario.cost, changes[:i] + changes[i + 1 :])
        built = apply_checked(experiment.journey, rest, Reporter(scenario.id))
        if built is not None:
            variants.append((f"{scenario.id}-without-{i}", built, scenario.cost, i))
    experiment.add([(name, j, cost) for name, j, cost, _ in variants])
    best: tuple[float, int] | None = None
    for name, _, cost, i in variants:
        runs, _ = experiment.runs_of(name)
        left = obj.effect("nps", experiment.base, runs, cost)["mean"]
        if left is not None and (best is None or left < best[0]):
            best = (left, i)
    if best is None:
        return {"driver": printer.change(changes[0]), "without": None}
    return {"driver": printer.change(changes[best[1]]), "without": best[0]}


def compare(
    journey: Journey,
    spec: RunSpec | None = None,
    *,
    objective: str = obj.DEFAULT,
    scenarios: list[str] | None = None,
    progress: Progress | None = None,
    extra_runs: int = 0,
) -> tuple[dict[str, Any], Experiment]:
    """The results contract plus `objective` and `ranking`; the experiment for reuse.

    With an adaptive schedule, replications are added until every scenario's verdict
    is settled (sim/sequential.py), or with a precision until every effect's interval is
    at most that wide; effects and verdicts are at its level.
    `extra_runs`: runs the caller adds afterwards (sensitivity), for the size check.
    With ranges of belief in the file, `unknowns` (decide/uncertainty.py) says which one
    matters to the decision: the value of information from these same replications, and
    the tornado of the best scenario from a few paired runs of its own.
    """
    spec = spec or RunSpec()
    chosen = file_scenarios(spec.on(journey), scenarios)
    runs = planned_runs(journey, spec, scenarios) + extra_runs
    runs += uncertainty.tornado_extra(journey, spec, None, objective, [n for n, _, _ in chosen])
    admit(spec, [journey, *(j for _, j, _ in chosen)], runs)
    experiment = Experiment(journey, spec, progress)
    experiment.add(chosen)

    def effects() -> dict[str, obj.Interval]:
        return {
            name: obj.effect(
                objective, experiment.base, *experiment.runs_of(name), experiment.level
            )
            for name, _, _ in chosen
        }

    precision = obj.settle(experiment, lambda: effects().values(), objective)
    uncertainty.grow_for_information(journey, experiment)  # no-op without ranges
    results = experiment.results()
    labels = {s.id: s.label for s in journey.scenarios}
    ranking = rank(results, objective, labels, effects() if experiment.level != 0.95 else None)
    add_leads(ranking, experiment, objective)
    add_paybacks(ranking, experiment)
    add_evidence(ranking, results, journey, experiment)
    results["objective"] = objective
    results["ranking"] = ranking
    if flags := assumed(journey):  # as simulate: what comes from the model's defaults
        results["assumed"] = flags
    note = obj.note(experiment, precision)
    if note is not None:
        results["sequential"] = note
    top = ranking[0]["scenario"] if ranking else None  # the tornado of the recommended one
    unknowns = uncertainty.unknowns(journey, experiment, objective, scenario=top, progress=progress)
    if unknowns is not None:
        results["unknowns"] = unknowns
    return results, experiment
