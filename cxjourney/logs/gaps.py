"""Visit gaps and churn from customers' case starts: two competing exponential clocks.

After each journey the simulator draws the gap to the next one and the time to
churn; whichever comes first happens. A customer's case starts in the log are then
gaps that beat churn, and a last stretch to the end of the log with no case, which
ends in churn or is still running. Maximising that likelihood over the visit rate
and the churn rate gives the gap without the bias of either simple estimate: the
mean of observed gaps is too short (long gaps run past the log's end) and
customer-days per repeat is too long (customers who left still count their days).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GapFit:
    gap: float  # minutes, mean time between journeys
    churn: float  # per minute, hazard of leaving (0 when the log shows none)
    repeats: int
    customers: int
    low: float  # 95% interval of the gap
    high: float

    @property
    def monthly_stay(self) -> float:
        return math.exp(-self.churn * 30 * 1440)

    def describe(self) -> str:
        churn = (
            f"churn about {100 * (1 - self.monthly_stay):.1f}% a month"
            if self.churn
            else "no sign of churn"
        )
        return f"{self.repeats} repeat cases of {self.customers} customers; {churn}"


#: The widest log rate (per minute) the fit looks at: e^±60 is far beyond a visit a
#: nanosecond apart or one in the universe's age, and keeps exp() finite.
MAX_LOG_RATE = 60.0


def fit_gaps(
    starts: list[list[float]],
    end: float,
    finishes: list[list[float]] | None = None,
    typical: float = 0.0,
) -> GapFit | None:
    """Per customer, the start times of their cases; `end`: when the log ends.

    `finishes`, per customer and in the order of `starts`, when each case ended: the
    simulator draws the gap to the next journey when one ends, so with them a gap is
    counted from the end of a case to the next start (a journey that lasts two weeks
    does not lengthen the gap by two weeks), and the last stretch from the last end.
    `typical`: the median duration of a case; a customer's last case is taken to last at
    least that long, as one still under way when the log ends looks shorter than it is
    (counting its remaining time as time without a repeat lengthened the gap by 6% on a
    simulated log of two-week journeys)."""
    gaps: list[float] = []
    tails: list[float] = []
    for i, times in enumerate(starts):
        ends = finishes[i] if finishes is not None else times
        ordered = sorted(zip(times, ends, strict=True))
        gaps += [max(b[0] - a[1], 0.0) for a, b in itertools.pairwise(ordered)]
        tails.append(max(end - max(ordered[-1][1], ordered[-1][0] + typical), 0.0))
    k = len(gaps)
    if k == 0 or sum(gaps) <= 0:  # no repeats, or all at the same instant: no gap to fit
        return None
    total_gaps = float(sum(gaps))
    tau = np.array(tails)

    def loglik(x: np.ndarray) -> float:
        if max(abs(x[0]), abs(x[1])) > MAX_LOG_RATE:
            return -math.inf  # rates beyond any log's resolution: never the answer
        lam, mu = math.exp(x[0]), math.exp(x[1])
        rate = lam + mu
        tail = np.log(mu + lam * np.exp(-rate * tau)) - math.log(rate)
        return k * x[0] - rate * total_gaps + float(tail.sum())

    simple = (total_gaps + float(tau.sum())) / k
    start = np.array([-math.log(simple), -math.log(simple) - 3])
    best = _nelder_mead(lambda x: -loglik(x), start)
    lam, mu = math.exp(best[0]), math.exp(best[1])
    se = _log_rate_error(loglik, best)
    if mu * 1e6 < lam:  # no sign of churn: the censored estimate
        mu = 0.0
        lam = k / (total_gaps + float(tau.sum()))
        se = 1 / math.sqrt(k)
    gap = 1 / lam
    return GapFit(gap, mu, k, len(starts), gap * math.exp(-1.96 * se), gap * math.exp(1.96 * se))


def _log_rate_error(loglik, at: np.ndarray, h: float = 1e-3) -> float:
    """Standard error of log(visit rate) from the observed information (numerical)."""
    hessian = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            e_i, e_j = np.eye(2)[i] * h, np.eye(2)[j] * h
            hessian[i, j] = (
                loglik(at + e_i + e_j) - loglik(at + e_i - e_j)
                - loglik(at - e_i + e_j) + loglik(at - e_i - e_j)
            ) / (4 * h * h)  # fmt: skip
    try:
        covariance = np.linalg.inv(-hessian)
    except np.linalg.LinAlgError:
        return math.inf
    variance = covariance[0, 0]
    return math.sqrt(variance) if variance > 0 else math.inf


def _nelder_mead(f, x0: np.ndarray, steps: int = 400, tol: float = 1e-9) -> np.ndarray:
    """Minimise f over R^n from x0 (standard coefficients); small and deterministic."""
    n = len(x0)
    simplex = [x0] + [x0 + np.eye(n)[i] * 0.5 for i in range(n)]
    values = [f(x) for x in simplex]
    for _ in range(steps):
        order = np.argsort(values)
        simplex = [simplex[i] for i in order]
        values = [values[i] for i in order]
        if abs(values[-1] - values[0]) < tol:
            break
        centre = np.mean(simplex[:-1], axis=0)
        worst = simplex[-1]
        reflected = centre + (centre - worst)
        fr = f(reflected)
        if fr < values[0]:
            expanded = centre + 2 * (centre - worst)
            fe = f(expanded)
            simplex[-1], values[-1] = (expanded, fe) if fe < fr else (reflected, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = reflected, fr
        else:
            contracted = centre + 0.5 * (worst - centre)
            fc = f(contracted)
            if fc < values[-1]:
                simplex[-1], values[-1] = contracted, fc
            else:
                best = simplex[0]
                simplex = [best + 0.5 * (x - best) for x in simplex]
                values = [f(x) for x in simplex]
    return simplex[int(np.argmin(values))]
