"""Visit gaps beside churn: the competing-clocks estimate recovers both rates."""

from __future__ import annotations

import math

import numpy as np

from cxjourney.logs.gaps import fit_gaps

DAY = 1440.0


def customers(gap_days: float, stay: float, n: int, span_days: float, seed: int):
    """Case starts of customers who return every `gap_days` and stay `stay` a month."""
    rng = np.random.default_rng(seed)
    churn = -math.log(stay) / (30 * DAY)
    out = []
    for _ in range(n):
        t = rng.uniform(0, span_days * DAY)
        starts = [t]
        while True:
            gap, leave = rng.exponential(gap_days * DAY), rng.exponential(1 / churn)
            if leave < gap or t + gap > span_days * DAY:
                break
            t += gap
            starts.append(t)
        out.append(starts)
    return out


def test_recovers_gap_and_churn_where_simple_estimates_are_biased():
    starts = customers(7, 0.85, 600, 60, seed=5)
    fit = fit_gaps(starts, 60 * DAY)
    assert fit.low <= 7 * DAY <= fit.high
    assert abs(fit.monthly_stay - 0.85) < 0.05
    exposure = sum(60 * DAY - s[0] for s in starts)
    assert exposure / fit.repeats > fit.high  # customer-days per repeat: too long


def test_without_churn_the_censored_estimate():
    starts = customers(10, 0.999999, 400, 90, seed=2)
    fit = fit_gaps(starts, 90 * DAY)
    assert fit.low <= 10 * DAY <= fit.high
    assert fit.monthly_stay > 0.97


def test_no_repeats_no_estimate():
    assert fit_gaps([[0.0], [5.0]], 10.0) is None


def test_repeat_cases_at_one_instant_give_no_gap_and_no_overflow() -> None:
    """Case starts that all fall on the same minute carry no gap: the likelihood grows
    without end as the visit rate does (exp() overflowed inside the search). No fit;
    a gap of a microsecond still fits, to a finite rate."""
    assert fit_gaps([[10.0, 10.0, 10.0], [0.5]], 11.5) is None
    tiny = fit_gaps([[0.0, 1e-9], [0.5]], 1e6)
    assert tiny is not None and 0 < tiny.gap < 1e-6
