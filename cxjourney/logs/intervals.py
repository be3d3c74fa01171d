"""Intervals the backtest and the drift check share: for shares, for a new draw, and Holm.

* `wilson`: the score interval of a share (Wilson 1927); it never collapses to a point
  at 0 or 1, so a share of 0 of 200 still has an upper end a later share can pass.
* `jeffreys`: the equal-tailed interval of the Jeffreys posterior Beta(k+½, n−k+½)
  (Brown, Cai & DasGupta 2001 recommend both).
* `share_prediction`: where the share of `m` later cases falls, given `k` of `n` earlier
  ones: the beta-binomial predictive of the Jeffreys posterior. Used when a forecast's
  share is 0 or 1 in every replication, where no spread between replications exists.
* `new_draw`: the prediction interval of one more draw from the distribution the
  replications came from: mean ± t(R−1) · sd · √(1 + 1/R), exact for normal draws,
  so that few replications give a wider interval, not a falsely narrow one.
* `holm`: Holm's step-down adjustment of p-values (family-wise error at most α).
* `poisson`: the exact (Garwood 1936) interval of a Poisson count's mean: never below
  0, and not 0 above when nothing was counted, where mean ± 1.96 √k is both.
"""

from __future__ import annotations

import math


def wilson(k: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of the share k/n; (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if k <= 0 else max(0.0, centre - half)  # exact at the ends, not by rounding
    high = 1.0 if k >= n else min(1.0, centre + half)
    return low, high


def poisson(k: float, level: float = 0.95) -> tuple[float, float]:
    """The exact interval of the mean of a Poisson count k: chi-square quantiles / 2."""
    from scipy.stats import chi2

    tail = (1 - level) / 2
    low = 0.0 if k <= 0 else float(chi2.ppf(tail, 2 * k)) / 2
    return low, float(chi2.ppf(1 - tail, 2 * k + 2)) / 2


def jeffreys(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """The Jeffreys interval of k/n; by convention 0 below when k = 0, 1 above when k = n."""
    from scipy.stats import beta

    if n <= 0:
        return 0.0, 1.0
    tail = (1 - level) / 2
    low = 0.0 if k <= 0 else float(beta.ppf(tail, k + 0.5, n - k + 0.5))
    high = 1.0 if k >= n else float(beta.ppf(1 - tail, k + 0.5, n - k + 0.5))
    return low, high


def share_prediction(k: float, n: int, m: int, level: float = 0.95) -> tuple[float, float]:
    """Where the share of m later cases falls when k of n earlier ones had the trait."""
    from scipy.stats import betabinom

    if m <= 0:
        return 0.0, 1.0
    n = max(int(n), 0)
    k = min(max(float(k), 0.0), float(n))
    law = betabinom(m, k + 0.5, n - k + 0.5)
    tail = (1 - level) / 2
    low, high = law.ppf(tail), law.ppf(1 - tail)
    return float(low) / m, float(high) / m


def new_draw(values: list[float], level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): the prediction interval of one more draw like `values` (≥ 2)."""
    from scipy.stats import t

    r = len(values)
    if r < 2:
        raise ValueError("a prediction interval needs at least two draws")
    mean = sum(values) / r
    sd = math.sqrt(sum((x - mean) ** 2 for x in values) / (r - 1))
    half = float(t.ppf(1 - (1 - level) / 2, r - 1)) * sd * math.sqrt(1 + 1 / r)
    return mean, mean - half, mean + half


def holm(p_values: list[float]) -> list[float]:
    """Holm-adjusted p-values, in the order given: reject where adjusted ≤ α."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted
