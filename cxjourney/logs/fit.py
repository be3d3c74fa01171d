"""Fit a service-time distribution by maximum likelihood; pick the family by AIC.

The families are those the language can write: constant, exponential, log-normal,
normal and uniform. Each has a closed-form maximum-likelihood estimate, so no
optimiser is needed; the Akaike information criterion (2k - 2 log L) weighs the
extra parameter of the two-parameter families.

A log-normal is written with the data's own mean and the median its likelihood gives
(exp of the mean log): on times that mix "at once" with "weeks later" (most real logs)
the mean of the maximum-likelihood log-normal, exp(mu + sigma^2/2), can be thousands of
times the data's mean, and a simulation built from it would stretch every case by as
much. Pinning the mean keeps the sum of delays (a case's duration) what the log shows;
for data that are log-normal the two estimates agree within their error.

Its standard deviation is at most the data's. Pinned to the mean with the median of the
logs, a mixture of seconds and weeks gives a sigma near 3.6 (a standard deviation of
years on a mean of hours): the mean then lives in one draw in ten thousand, so that a
simulation's sample of a thousand draws has on average half of it, and draws beyond the
horizon are lost (on the receipt log the simulated mean case duration was 2.1 days for
the log's 5.4). With the data's standard deviation, the distribution keeps the data's
mean and spread (its median is then above the data's: that is what a single family can
do; `pace` separates the cases that run straight through from those that wait).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..model import Distribution
from . import text

FAMILIES = ("exp", "lognormal", "normal", "uniform")


@dataclass(frozen=True)
class Fit:
    family: str
    params: tuple[float, ...]  # minutes: exp (mean), lognormal/normal (mean, sd), uniform (lo, hi)
    n: int
    mean: float
    sd: float
    low: float  # 95% interval of the mean
    high: float
    aic: dict[str, float] = field(default_factory=dict)
    zeros: int = 0  # durations of zero left out of the positive families

    @property
    def distribution(self) -> Distribution:
        """The fitted distribution in minutes, each parameter to four significant digits."""
        params = tuple(text.rounded_duration(x) for x in self.params)
        if self.family == "constant":
            return Distribution.constant(params[0])
        return Distribution(self.family, params)

    def describe(self) -> str:
        ranked = sorted(self.aic.items(), key=lambda kv: kv[1])
        others = ", ".join(f"{k} {v - ranked[0][1]:+.1f}" for k, v in ranked[1:])
        return (
            f"{self.family} by likelihood from n={self.n}"
            + (f" (AIC vs {others})" if others else "")
            + f"; mean {text.duration(self.mean)} [{text.duration(self.low)}, "
            f"{text.duration(self.high)}]"
        )


def lognormal_of(mean: float, mu: float, s2: float, sd: float) -> tuple[float, float]:
    """(mean, sd) of the log-normal of median exp(mu) and mean `mean` (the data's), its
    standard deviation at most `sd` (the data's); the maximum-likelihood one (sigma^2 =
    s2) when the data's mean is below its median."""
    if math.log(mean) > mu:
        s2 = 2 * (math.log(mean) - mu)
        return mean, min(mean * math.sqrt(math.expm1(s2)), sd)
    m = math.exp(mu + s2 / 2)
    return m, m * math.sqrt(math.expm1(s2))


def fit_durations(values: list[float]) -> Fit | None:
    """The best family for `values` (minutes); None without two or more positive values."""
    xs = [x for x in values if x is not None and x >= 0 and math.isfinite(x)]
    n = len(xs)
    if n < 2:
        return None
    mean = sum(xs) / n
    var = sum((x - mean) ** 2 for x in xs) / (n - 1)
    sd = math.sqrt(var)
    half = 1.96 * sd / math.sqrt(n)
    low, high = max(0.0, mean - half), mean + half
    if mean <= 0:
        return None
    if sd <= 1e-3 * mean:  # the same time every visit (up to the log's rounding)
        return Fit("constant", (mean,), n, mean, 0.0, mean, mean, {"constant": 0.0})
    positive = [x for x in xs if x > 0]
    zeros = n - len(positive)
    aic: dict[str, float] = {}
    params: dict[str, tuple[float, ...]] = {}
    # normal (the simulator clips draws at zero)
    sigma_ml = math.sqrt(var * (n - 1) / n)
    aic["normal"] = 4 + n * (math.log(2 * math.pi * sigma_ml**2) + 1)
    params["normal"] = (mean, sd)
    # uniform
    lo, hi = min(xs), max(xs)
    if hi > lo:
        aic["uniform"] = 4 + 2 * n * math.log(hi - lo)
        params["uniform"] = (lo, hi)
    if not zeros:
        # exponential
        aic["exp"] = 2 + 2 * n * (math.log(mean) + 1)
        params["exp"] = (mean,)
        # log-normal: mu, sigma of the logs; written as its mean and standard deviation
        logs = [math.log(x) for x in positive]
        mu = sum(logs) / n
        s2 = sum((y - mu) ** 2 for y in logs) / n
        if s2 > 0:
            aic["lognormal"] = 4 + n * (math.log(2 * math.pi * s2) + 1) + 2 * sum(logs)
            params["lognormal"] = lognormal_of(mean, mu, s2, sd)
    best = min(aic, key=lambda k: (aic[k], FAMILIES.index(k)))
    return Fit(best, params[best], n, mean, sd, low, high, aic, zeros)
