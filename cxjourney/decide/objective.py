"""What an analysis maximises, and its effect as a paired difference from the baseline.

Every objective is "higher is better". The effect of a variant is computed per
replication against the baseline run on the same random numbers, then summarised
with a Student-t 95% interval, so ranking and verdicts use paired differences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .. import results
from ..sim import sequential, stats

Run = dict[str, Any]
Interval = dict[str, float | None]

OBJECTIVES = ("nps", "satisfaction", "retention", "revenue", "roi")
DEFAULT = "nps"
NO_VALUE: Interval = results.NO_VALUE


def samples(objective: str, base: Sequence[Run], runs: Sequence[Run], cost: float) -> list:
    """The objective's paired effect in each replication (None where undefined).

    ROI = (delta revenue - cost) / cost (docs/model.md); undefined without a cost.
    """
    metric = "revenue" if objective == "roi" else objective
    deltas = stats.paired(
        [r["metrics"][metric] for r in base], [r["metrics"][metric] for r in runs]
    )
    if objective != "roi":
        return deltas
    if cost <= 0:
        return [None] * len(deltas)
    return [None if d is None else (d - cost) / cost for d in deltas]


def effect(
    objective: str, base: Sequence[Run], runs: Sequence[Run], cost: float, level: float = 0.95
) -> Interval:
    return stats.interval(samples(objective, base, runs, cost), level=level)


def gap(
    objective: str,
    base: Sequence[Run],
    first: tuple[Sequence[Run], float],
    second: tuple[Sequence[Run], float],
    level: float = 0.95,
) -> Interval:
    """How far the first variant is ahead of the second, paired replication by replication."""
    a = samples(objective, base, *first)
    b = samples(objective, base, *second)
    return stats.interval(stats.paired(b, a), level=level)


#: The objective's effect from a scenario of the results contract.
from_entry = results.effect_of
#: better / worse / not distinguishable from the baseline, by the 95% interval.
verdict = stats.effect_verdict


def score(value: Interval) -> float:
    """A sort key: undefined effects rank last."""
    mean = value.get("mean")
    return float("-inf") if mean is None else mean


def settle(experiment: Any, effects: Callable[[], Iterable[Interval]], objective: str) -> Any:
    """Grow `experiment` (sim/experiment.py) until its answer is what was asked.

    With --precision, what an analysis reports is each effect's interval, so replications
    are added until every one is at most ±precision wide (a clear verdict does not stop
    it early), or the maximum is reached. Otherwise until every verdict is settled.
    Returns whether the precision was met and the widest half-width (None without one).
    """
    schedule = experiment.schedule
    if schedule is None or not schedule.adaptive or schedule.precision is None:
        experiment.settle(effects, objective)
        return None

    def precise() -> bool:
        return all(sequential.precise(e, schedule.precision) for e in effects())

    sequential.run_until(schedule, experiment.grow, precise)
    widths = [w for e in effects() if (w := sequential.half_width(e)) is not None]
    return {"met": precise(), "half_width": max(widths, default=None)}


def note(experiment: Any, precision: dict[str, Any] | None) -> dict[str, Any] | None:
    """How many replications the answer took, and, with --precision, whether it was met
    and the widest half-width (for "stopped at the maximum of N replications; ±x")."""
    found = experiment.note()
    if found is None or precision is None:
        return found
    return found | {
        "settled": precision["met"],
        "precision_met": precision["met"],
        "half_width": precision["half_width"],
    }
