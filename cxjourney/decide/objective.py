"""What an analysis maximises, and its effect as a paired difference from the baseline.

Every objective is "higher is better". The effect of a variant is computed per
replication against the baseline run on the same random numbers, then summarised
with a Student-t 95% interval, so ranking and verdicts use paired differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import results
from ..sim import stats

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
