"""What a change to a journey does to the forecast: both versions simulated, paired.

Both versions' baselines run with the same replication keys, so replication k of the
new version meets the customers of replication k of the old one wherever the change
does not touch them (common random numbers, as for scenarios). The 95% interval of the
per-replication differences is then the change's interval, much narrower than the two
versions' own intervals would suggest.
"""

from __future__ import annotations

from collections.abc import Callable
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


_METRIC_NAMES = {"nps": "NPS", "retention": "retention", "revenue": "revenue"}


def forecast_lines(prediction: dict[str, Any]) -> list[str]:
    reps = prediction["replications"]
    currency = prediction["currency"]["new"]
    lines = [
        f"forecast: baseline of each version, {reps} replication{'s' if reps != 1 else ''} "
        f"paired by seed {prediction['seed']} (95% intervals)",
        f"  {'metric':<10} {'old':<26} {'new':<26} change",
    ]
    for metric, entry in prediction["metrics"].items():
        show = _metric_spelling(metric, currency)
        lines.append(
            f"  {_METRIC_NAMES[metric]:<10} {_interval(entry['old'], show):<26} "
            f"{_interval(entry['new'], show):<26} {_interval(entry['change'], show, sign=True)}"
        )
    return lines


def _metric_spelling(metric: str, currency: str) -> Callable[[float, bool], str]:
    if metric == "retention":
        return lambda v, sign: f"{v * 100:+.1f} pts" if sign else f"{v * 100:.1f}%"
    if metric == "revenue":
        return lambda v, sign: f"{v:+,.0f}" if sign else f"{v:,.0f}"
    return lambda v, sign: f"{v:+.1f}" if sign else f"{v:.1f}"


def _interval(
    entry: dict[str, float | None], show: Callable[[float, bool], str], *, sign: bool = False
) -> str:
    mean, low, high = entry["mean"], entry["low"], entry["high"]
    if mean is None:
        return "n/a"
    if low is None or high is None or low == high:
        return show(mean, sign)
    return f"{show(mean, sign)} [{show(low, sign)}, {show(high, sign)}]"
