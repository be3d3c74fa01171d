"""Satisfaction, advocacy and retention: the loyalty arithmetic of MODEL.md, pure."""

from __future__ import annotations

import math

from ..model import Loyalty

NEUTRAL = 7.0  # L of a customer present at time 0 until its first journey
PROMOTER, DETRACTOR = 8.5, 6.5  # rounded 9-10 and 0-6 (Reichheld 2003)
MONTH_MINUTES = 30 * 24 * 60.0


def satisfaction(remembered: float, noise_draw: float = 0.0) -> float:
    """S = clip(7 + 1.5 R + noise, 0, 10): meeting expectations makes a passive."""
    return min(10.0, max(0.0, 7.0 + 1.5 * remembered + noise_draw))


def relationship(previous: float | None, journey: float, smoothing: float) -> float:
    """L: the first journey sets it, later ones smooth it exponentially."""
    if previous is None:
        return journey
    return (1 - smoothing) * previous + smoothing * journey


def monthly_retention(level: float, lo: Loyalty) -> float:
    """r(L): logistic between floor (inertia) and cap (Mittal & Kamakura 2001)."""
    span = lo.retention_cap - lo.retention_floor
    return lo.retention_floor + span / (
        1 + math.exp(-lo.retention_slope * (level - lo.retention_midpoint))
    )


def monthly_stay(level: float, price_sensitivity: float, lo: Loyalty) -> float:
    """Monthly probability of staying: r(L) times the price pull's complement."""
    return monthly_retention(level, lo) * (1 - lo.price_churn * price_sensitivity)


def churn_hazard(level: float, price_sensitivity: float, lo: Loyalty) -> float:
    """Per-minute hazard β with exp(-β·gap) = stay^(gap / 30 days)."""
    stay = monthly_stay(level, price_sensitivity, lo)
    if stay <= 0:
        return math.inf
    return -math.log(stay) / MONTH_MINUTES


def expected_retention(
    horizon: float, visit_gap: float, level: float, price_sensitivity: float, lo: Loyalty
) -> float:
    """Closed form for a constant L: the share of time-0 customers active at the horizon.

    Churn runs at a constant hazard β after the first journey, which starts uniformly
    in [0, D): P = E[exp(-β (T - U))] over U ~ U(0, min(D, T)) plus those whose first
    journey falls after T (they cannot have churned).
    """
    beta = churn_hazard(level, price_sensitivity, lo)
    d = visit_gap
    if beta == 0:
        return 1.0
    t = horizon
    u_max = min(d, t)
    inside = (math.exp(-beta * (t - u_max)) - math.exp(-beta * t)) / (beta * d)
    after = max(0.0, d - t) / d
    return inside + after
