"""What a change to a journey does to the forecast: both versions simulated, paired.

Both versions' baselines run with the same replication keys, so replication k of the
new version meets the customers of replication k of the old one wherever the change
does not touch them (common random numbers, as for scenarios). The 95% interval of the
per-replication differences is then the change's interval, much narrower than the two
versions' own intervals would suggest.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..language import units
from ..model import Journey

FORECAST_METRICS = ("nps", "retention", "revenue")


def forecast(
    old: Journey,
    new: Journey,
    *,
    seed: int = 1,
    replications: int = 10,
    horizon: float | None = None,
    workers: int = 1,
    dask: str | None = None,
) -> dict[str, Any]:
    """Each version's baseline with the same seeds: intervals of both, and of the change."""
    # the simulator is imported only when a forecast is asked for: `fmt` and `diff` start fast
    from ..sim import stats, streams
    from ..sim.runner import BOUNDS, plans_for, run_tasks

    if horizon is not None:
        old, new = replace(old, horizon=horizon), replace(new, horizon=horizon)
    baselines = [replace(old, scenarios=()), replace(new, scenarios=())]
    keys = streams.replication_keys(seed, replications)
    runs_old, runs_new = run_tasks(
        plans_for(baselines), ["old", "new"], keys, workers=workers, dask=dask
    )
    metrics = {}
    for metric in FORECAST_METRICS:
        a = [r["metrics"][metric] for r in runs_old]
        b = [r["metrics"][metric] for r in runs_new]
        metrics[metric] = {
            "old": stats.interval(a, BOUNDS[metric]),
            "new": stats.interval(b, BOUNDS[metric]),
            "change": stats.interval(stats.paired(a, b)),
        }
    return {
        "seed": seed,
        "replications": replications,
        "horizon_days": {
            "old": old.horizon / units.DAY,
            "new": new.horizon / units.DAY,
        },
        "currency": {"old": old.currency, "new": new.currency},
        "metrics": metrics,
    }
