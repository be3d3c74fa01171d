"""Which touchpoints and owners move loyalty: a standard improvement, simulated.

Each touchpoint gets the same improvement (by default +0.5 on `delivers`, every
disappointer's chance halved, every delighter's chance doubled up to 100%), built as
scenario changes so it means exactly what a hand-written scenario would. Each is
simulated against the baseline on the same random numbers.

An owner's effect is simulated too, with all of its touchpoints improved at once,
rather than summed from its touchpoints: improvements to one journey interact
(memory keeps the peak, the trough and the end), so a sum would over- or undercount.
An owner with a single touchpoint reuses that touchpoint's runs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..language.scenarios import apply
from ..model import Change, Journey, Scenario, Touchpoint, Value
from ..sim.experiment import Experiment, Progress, RunSpec, Variant, admit
from . import objective as obj

LEVERS = ("delivers", "disappointers", "delighters")
NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class Improvement:
    """The standard improvement given to every touchpoint."""

    step: float = 0.5  # added to `delivers` (rating points)
    disappointer_factor: float = 0.5  # multiplies each disappointer's chance
    delighter_factor: float = 2.0  # multiplies each delighter's chance, capped at 100%
    levers: tuple[str, ...] = LEVERS

    def describe(self) -> str:
        parts = []
        if "delivers" in self.levers:
            parts.append(f"delivers {self.step:+g}")
        if "disappointers" in self.levers:
            parts.append(f"disappointer chances ×{self.disappointer_factor:g}")
        if "delighters" in self.levers:
            parts.append(f"delighter chances ×{self.delighter_factor:g} (at most 100%)")
        return ", ".join(parts)


def changes_for(tp: Touchpoint, improvement: Improvement) -> tuple[Change, ...]:
    """The improvement of one touchpoint, as the lines of a scenario."""
    out = []
    if "delivers" in improvement.levers and improvement.step:
        out.append(Change("set", (tp.id, "delivers"), "+=", Value("number", improvement.step)))
    for event in tp.events:
        factor = (
            improvement.disappointer_factor
            if event.kind == "disappointer"
            else improvement.delighter_factor
        )
        lever = event.kind + "s"
        if lever in improvement.levers:
            chance = min(1.0, event.chance * factor)
            out.append(Change("set", (tp.id, event.id, "chance"), "=", Value("percent", chance)))
    return tuple(out)


def improved(journey: Journey, tp_ids: list[str], improvement: Improvement) -> Journey:
    """The journey with the standard improvement at each of the touchpoints."""
    changes: tuple[Change, ...] = ()
    for tp in journey.touchpoints:
        if tp.id in tp_ids:
            changes += changes_for(tp, improvement)
    return apply(journey, Scenario("improvement", "standard improvement", 0.0, changes))


def owners(journey: Journey) -> dict[str, list[str]]:
    """Owner → its touchpoints, in the order first met."""
    out: dict[str, list[str]] = {}
    for tp in journey.touchpoints:
        out.setdefault(tp.owner or NO_OWNER, []).append(tp.id)
    return out


def planned_runs(journey: Journey, spec: RunSpec) -> int:
    """Replications the analysis may run: the baseline, each touchpoint, each owner."""
    groups = owners(journey)
    variants = 1 + len(journey.touchpoints) + sum(len(ids) > 1 for ids in groups.values())
    return variants * spec.most


def drivers(
    journey: Journey,
    spec: RunSpec | None = None,
    *,
    objective: str = obj.DEFAULT,
    improvement: Improvement | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Touchpoints and owners ranked by the effect of the standard improvement.

    With an adaptive schedule, replications are added until every verdict is settled.
    """
    if objective == "roi":
        raise ValueError("drivers have no cost, so no ROI; choose another objective")
    spec = spec or RunSpec()
    improvement = improvement or Improvement()
    admit(spec, [journey], planned_runs(journey, spec))
    experiment = Experiment(journey, spec, progress)
    base = experiment.journey
    groups = owners(base)
    variants: list[Variant] = [
        (f"touchpoint:{tp.id}", improved(base, [tp.id], improvement), 0.0)
        for tp in base.touchpoints
    ]
    variants += [
        (f"owner:{owner}", improved(base, ids, improvement), 0.0)
        for owner, ids in groups.items()
        if len(ids) > 1
    ]
    experiment.add(variants)
    precision = obj.settle(
        experiment,
        lambda: [
            obj.effect(objective, experiment.base, *experiment.runs_of(v[0]), experiment.level)
            for v in variants
        ],
        objective,
    )
    results = experiment.results()
    baseline_tps = results["scenarios"]["baseline"]["touchpoints"]
    touchpoints = [
        {
            "touchpoint": tp.id,
            "label": tp.label,
            "owner": tp.owner or NO_OWNER,
            **_row(experiment, results, objective, f"touchpoint:{tp.id}"),
            "peak_share": baseline_tps[tp.id]["peak_share"],
            "trough_share": baseline_tps[tp.id]["trough_share"],
        }
        for tp in base.touchpoints
    ]
    owner_rows = []
    for owner, ids in groups.items():
        name = f"owner:{owner}" if len(ids) > 1 else f"touchpoint:{ids[0]}"
        owner_rows.append(
            {"owner": owner, "touchpoints": ids, **_row(experiment, results, objective, name)}
        )
    touchpoints.sort(key=lambda row: -obj.score(row["effect"]))
    owner_rows.sort(key=lambda row: -obj.score(row["effect"]))
    return {
        "journey": results["journey"],
        "seed": spec.seed,
        "replications": experiment.replications,
        "horizon_days": results["horizon_days"],
        "objective": objective,
        "improvement": asdict(improvement) | {"levers": list(improvement.levers)},
        "touchpoints": touchpoints,
        "owners": owner_rows,
    } | ({"sequential": note} if (note := obj.note(experiment, precision)) is not None else {})


def _row(
    experiment: Experiment, results: dict[str, Any], objective: str, name: str
) -> dict[str, Any]:
    effect = obj.effect(objective, experiment.base, *experiment.runs_of(name), experiment.level)
    return {
        "effect": effect,
        "verdict": obj.verdict(effect, experiment.replications),
        "delta": results["scenarios"][name]["delta"],
    }
