"""The forecast change of a journey's new version (decide/versions.py), in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
