"""When an investment pays for itself: months until the change in revenue covers the cost.

Every replication keeps its cumulative revenue at each checkpoint of the horizon (the
results' "series"). A variant's *gain* at a checkpoint is its cumulative revenue minus
the baseline's in the same replication (common random numbers, so paired), summarised
by its mean and interval. The payback time is where the mean gain first reaches the
cost, interpolated linearly between checkpoints.

Its interval inverts the gain's band: the earliest month is where the band's upper
edge reaches the cost, the latest where its lower edge does. Per-replication payback
times would be censored at the horizon (a replication that has not paid back by then
has no time), so a t-interval over them is undefined exactly when the question matters;
the band needs no such time, and says "beyond the horizon" when its lower edge never
gets there.

Not paid back within the horizon: at the mean gain of the horizon's last month (30 days)
the rest of the cost takes `(cost − gain) / rate` more months; a rate at or below zero
never pays it back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..language import units
from ..sim import stats

MONTH_DAYS = units.MONTH / units.DAY  # 30 days, the language's month

Run = dict[str, Any]


def gain_series(
    base: Sequence[Run], runs: Sequence[Run], level: float = 0.95
) -> list[tuple[float, dict[str, float | None]]]:
    """(day, the paired change in cumulative revenue with its interval) at each checkpoint."""
    if not base or not base[0].get("series"):
        return []
    out = []
    for i, row in enumerate(base[0]["series"]):
        deltas = stats.paired(
            [r["series"][i]["revenue"] for r in base], [r["series"][i]["revenue"] for r in runs]
        )
        out.append((float(row["day"]), stats.interval(deltas, level=level)))
    return out


def crossing(days: Sequence[float], values: Sequence[float | None], cost: float) -> float | None:
    """The first day on which `values` reaches `cost`, linear between checkpoints; None if never."""
    prev_day, prev = None, None
    for day, value in zip(days, values, strict=True):
        if value is None:
            prev_day, prev = None, None
            continue
        if value >= cost:
            if prev is None or prev_day is None or value == prev:
                return day
            return prev_day + (day - prev_day) * (cost - prev) / (value - prev)
        prev_day, prev = day, value
    return None


def value_at(days: Sequence[float], values: Sequence[float], day: float) -> float:
    """`values` at `day`, linear between checkpoints (the first before the series)."""
    if day <= days[0]:
        return values[0]
    for i in range(1, len(days)):
        if day <= days[i]:
            span = days[i] - days[i - 1]
            share = (day - days[i - 1]) / span if span else 1.0
            return values[i - 1] + share * (values[i] - values[i - 1])
    return values[-1]


def months(day: float | None) -> float | None:
    return None if day is None else day / MONTH_DAYS


def payback(
    base: Sequence[Run], runs: Sequence[Run], cost: float, level: float = 0.95
) -> dict[str, Any]:
    """The payback of one variant against the baseline.

    `pays_back`: within the horizon. `months`: mean, low, high (high None: the band's
    lower edge does not reach the cost within the horizon; all None when the mean does
    not). `projected_months`: when it does not, the months it would take at the last
    month's rate (None: never at that rate). `monthly_gain`: that rate.
    """
    series = gain_series(base, runs, level)
    days = [day for day, _ in series]
    horizon = days[-1] if days else 0.0
    out: dict[str, Any] = {
        "cost": cost,
        "horizon_months": months(horizon),
        "pays_back": False,
        "months": {"mean": None, "low": None, "high": None},
        "gain": series[-1][1] if series else stats.interval([]),
        "monthly_gain": None,
        "projected_months": None,
    }
    if level != 0.95:  # the months' interval is at the run's level, as its effects are
        out["level"] = level
    if cost <= 0:
        out["pays_back"] = True
        out["months"] = {"mean": 0.0, "low": 0.0, "high": 0.0}
        return out
    means = [g["mean"] for _, g in series]
    if not series or any(m is None for m in means):
        return out
    mean_day = crossing(days, means, cost)
    if mean_day is not None:
        out["pays_back"] = True
        highs = [g["high"] if g["high"] is not None else g["mean"] for _, g in series]
        lows = [g["low"] if g["low"] is not None else g["mean"] for _, g in series]
        one = series[-1][1]["low"] is None  # one replication: no band
        out["months"] = {
            "mean": months(mean_day),
            "low": None if one else months(crossing(days, highs, cost)),
            "high": None if one else months(crossing(days, lows, cost)),
        }
        return out
    start = max(days[0], horizon - MONTH_DAYS)
    span = horizon - start
    rate = (means[-1] - value_at(days, means, start)) * (MONTH_DAYS / span) if span > 0 else 0.0
    out["monthly_gain"] = rate
    if rate > 0 and math.isfinite(rate):
        out["projected_months"] = months(horizon) + (cost - means[-1]) / rate
    return out


def pays_back_within(entry: dict[str, Any] | None) -> bool:
    return bool(entry and entry.get("pays_back"))


def from_summary(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each scenario's payback from a results file's mean series alone (no runs kept).

    The mean of the paired gains is the difference of the means, so the month is exact;
    its interval needs the paired runs, so it is left out (low and high None).
    """
    base = results["scenarios"]["baseline"].get("series") or []
    out = {}
    for name, entry in results["scenarios"].items():
        if name == "baseline" or not base or len(entry.get("series") or []) != len(base):
            continue
        rows = [
            {"series": [{"day": r["day"], "revenue": r["revenue"]["mean"]} for r in series]}
            for series in (base, entry["series"])
        ]
        out[name] = payback([rows[0]], [rows[1]], float(entry.get("cost", 0.0)))
    return out


def attach(results: dict[str, Any], paybacks: dict[str, dict[str, Any]]) -> None:
    """Put each scenario's payback in its entry of a results dict (the report reads it)."""
    for name, value in paybacks.items():
        results["scenarios"][name]["payback"] = value
