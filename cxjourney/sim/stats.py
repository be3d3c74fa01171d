"""Summaries across replications: means and Student-t 95% confidence intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

from ..results import Interval, IntervalLike

# Two-sided 95% quantiles of Student's t, df = 1..30 (exact to 3 decimals).
_T95 = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
]  # fmt: skip


def t_quantile_95(df: int) -> float:
    """t_{0.975, df}; beyond the table, the Cornish-Fisher expansion (error < 1e-4)."""
    if df < 1:
        return math.nan
    if df <= len(_T95):
        return _T95[df - 1]
    z = NormalDist().inv_cdf(0.975)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


def t_quantile(df: int, level: float = 0.95) -> float:
    """The two-sided `level` quantile of Student's t with df degrees of freedom."""
    if level == 0.95:
        return t_quantile_95(df)
    from scipy.stats import t  # only sequential analyses need other levels

    return float(t.ppf(0.5 + level / 2, df))


def interval(
    values: Sequence[float | None],
    bounds: tuple[float, float] | None = None,
    level: float = 0.95,
) -> dict[str, float | None]:
    """Mean and 95% (or `level`) interval; None where no replication had a value, and
    no interval (low and high None) below two values.

    `bounds` clips the interval to the values the quantity can take (a share cannot
    fall below 0, even when few replications make the t-interval wide).
    """
    xs = [v for v in values if v is not None and math.isfinite(v)]
    if not xs:
        return {"mean": None, "low": None, "high": None}
    n = len(xs)
    mean = math.fsum(xs) / n
    if n < 2:
        return {"mean": mean, "low": None, "high": None}  # one value has no interval
    var = math.fsum((x - mean) ** 2 for x in xs) / (n - 1)
    half = t_quantile(n - 1, level) * math.sqrt(var / n)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(bounds[0], low), min(bounds[1], high)
    return {"mean": mean, "low": low, "high": high}


def paired(base: Sequence[float | None], other: Sequence[float | None]) -> list[float | None]:
    """Per-replication differences (common random numbers make them paired)."""
    return [None if a is None or b is None else b - a for a, b in zip(base, other, strict=True)]


def verdict(value: IntervalLike, n: int, above: str, below: str) -> str:
    """The one wording of a verdict on a difference from zero, for every table.

    `above`/`below` name the two clear outcomes ("better"/"worse", "higher"/"lower");
    an interval across zero is "not distinguishable"; below two replications there is
    no interval, so no verdict: "no interval".
    """
    side = Interval.of(value).side(n)
    return {
        "above": above,
        "below": below,
        "across": "not distinguishable",
        "none": "no interval",
        "no value": "no value",
    }[side]


def effect_verdict(effect: IntervalLike, n: int) -> str:
    """better / worse / not distinguishable from the baseline: the verdict on an
    objective's effect (every objective is "higher is better"). One replication gives a
    mean but no interval, so no verdict either: "no interval"."""
    return verdict(effect, n, "better", "worse")


def replication_count(n: int) -> str:
    """'1 replication', '10 replications'."""
    return f"{n:,} replication" + ("" if n == 1 else "s")
