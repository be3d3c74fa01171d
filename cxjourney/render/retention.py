"""Retention over the horizon, per scenario, for the report.

Results carry a time series per scenario (at least weekly, and at the horizon), from
the same run: the curve reads it and simulates nothing. Results written without a
series (by older versions) have one point, the horizon's: the curve between day 0 and
the horizon is then a constant-churn interpolation, R(t) = R(H)^(t/H), labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Point:
    day: float
    mean: float
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Retention:
    series: dict[str, list[Point]]  # scenario → points from day 0 to the horizon
    simulated: bool  # False: interpolated between day 0 and the horizon


def from_series(results: dict[str, Any]) -> Retention:
    """The curve from the results' own time series: one run, every checkpoint."""
    series: dict[str, list[Point]] = {}
    for name, entry in results["scenarios"].items():
        points = []
        for row in entry["series"]:
            value = row["retention"]
            if value["mean"] is not None:
                points.append(Point(float(row["day"]), value["mean"], value["low"], value["high"]))
        series[name] = points
    return Retention(series, True)


def retention_over_horizon(results: dict[str, Any]) -> Retention | None:
    """The retention curve of each scenario: the results' own series, or interpolated.

    None when the results define no retention (no time-0 customer can churn).
    """
    horizon_days = float(results["horizon_days"])
    scenarios = list(results["scenarios"])
    at_horizon = {s: results["scenarios"][s]["metrics"]["retention"] for s in scenarios}
    if all(v["mean"] is None for v in at_horizon.values()):
        return None
    if all("series" in results["scenarios"][s] for s in scenarios):
        return from_series(results)
    series: dict[str, list[Point]] = {s: [Point(0.0, 1.0, 1.0, 1.0)] for s in scenarios}
    for s in scenarios:
        end = at_horizon[s]["mean"]
        if end is not None and end > 0:
            for k in range(1, 8):
                day = horizon_days * k / 8
                series[s].append(Point(day, end ** (k / 8), None, None))
    for s in scenarios:
        v = at_horizon[s]
        if v["mean"] is not None:
            series[s].append(Point(horizon_days, v["mean"], v["low"], v["high"]))
    return Retention(series, False)
