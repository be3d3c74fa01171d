"""What a change to a journey does: both versions forecast, paired, and their rankings.

Both versions' baselines run in one experiment on the same replication keys, so
replication k of the new version meets the customers of replication k of the old one
wherever the change does not touch them (common random numbers, as for scenarios). The
95% interval of the per-replication differences is then the change's interval, much
narrower than the two versions' own intervals would suggest.

A change to the baseline can also reorder the scenarios: each version's scenarios are
ranked by the same seed, so a scenario present in both meets the same customers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..language import units
from ..model import Journey
from ..results import assumed
from ..sim import stats
from ..sim.experiment import Experiment, RunSpec, admit, file_scenarios
from ..sim.runner import BOUNDS
from . import objective as obj
from .compare import rank
from .payback import payback

FORECAST_METRICS = ("nps", "retention", "revenue")


def forecast(old: Journey, new: Journey, spec: RunSpec | None = None) -> dict[str, Any]:
    """Each version's baseline on the same keys: intervals of both, and of the change."""
    spec = spec or RunSpec()
    baselines = [replace(old, scenarios=()), replace(new, scenarios=())]
    admit(spec, baselines, 2 * spec.most)
    experiment = Experiment(old, spec, variants=[("new", baselines[1], 0.0)])
    runs_old, runs_new = experiment.runs
    metrics = {}
    for metric in FORECAST_METRICS:
        a = [r["metrics"][metric] for r in runs_old]
        b = [r["metrics"][metric] for r in runs_new]
        metrics[metric] = {
            "old": stats.interval(a, BOUNDS[metric]),
            "new": stats.interval(b, BOUNDS[metric]),
            "change": stats.interval(stats.paired(a, b)),
        }
    flags = assumed(new)
    return {
        **({"assumed": flags} if flags else {}),
        "seed": spec.seed,
        "replications": spec.replications,
        "horizon_days": {
            "old": spec.on(old).horizon / units.DAY,
            "new": spec.on(new).horizon / units.DAY,
        },
        "currency": {"old": old.currency, "new": new.currency},
        "metrics": metrics,
    }


def rankings(
    old: Journey, new: Journey, spec: RunSpec | None = None, objective: str = obj.DEFAULT
) -> dict[str, Any] | None:
    """Each version's scenarios ranked by their effect on `objective`; None without any."""
    if not old.scenarios and not new.scenarios:
        return None
    spec = spec or RunSpec()
    out: dict[str, Any] = {"objective": objective, "currency": new.currency}
    for side, journey in (("old", old), ("new", new)):
        if not journey.scenarios:
            out[side] = []
            continue
        variants = file_scenarios(spec.on(journey))
        admit(spec, [journey, *(j for _, j, _ in variants)], (len(variants) + 1) * spec.most)
        experiment = Experiment(journey, spec, variants=variants)
        results = experiment.results()
        labels = {s.id: s.label for s in journey.scenarios}
        out[side] = [
            {k: row[k] for k in ("scenario", "rank", "effect", "verdict")}
            | {
                "payback": payback(
                    experiment.base, *experiment.runs_of(row["scenario"]), experiment.level
                ),
                "delta": {
                    m: results["scenarios"][row["scenario"]]["delta"][m]
                    for m in ("nps", "retention")
                },
            }
            for row in rank(results, objective, labels)
        ]
    out["horizon_days"] = results["horizon_days"] if new.scenarios else None
    return out
