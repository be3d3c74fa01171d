"""Satisfaction, advocacy and retention: the loyalty arithmetic of MODEL.md, pure."""

from __future__ import annotations

import math

import numpy as np

from ..model import Loyalty
from . import libm

NEUTRAL = 7.0  # L of a customer present at time 0 until its first journey
PROMOTER, DETRACTOR = 8.5, 6.5  # rounded 9-10 and 0-6 (Reichheld 2003)
MONTH_MINUTES = 30 * 24 * 60.0


def satisfaction(remembered: float, noise_draw: float = 0.0) -> float:
    """S = clip(7 + 1.5 R + noise, 0, 10): meeting expectations makes a passive."""
    return min(10.0, max(0.0, 7.0 + 1.5 * remembered + noise_draw))


def journey_satisfaction(remembered: float, noise: float, z: float) -> float:
    """S for R and a standard normal z: the engines' form of `satisfaction`."""
    s = 7.0 + 1.5 * remembered
    if noise:
        s = s + noise * z
    return 10.0 if s > 10.0 else (0.0 if s < 0.0 else s)


def journey_satisfaction_v(remembered: np.ndarray, noise: float, z: np.ndarray) -> np.ndarray:
    s = 7.0 + 1.5 * remembered
    if noise:
        s = s + noise * z
    return np.clip(s, 0.0, 10.0)


def relationship(previous: float | None, journey: float, smoothing: float) -> float:
    """L: the first journey sets it, later ones smooth it exponentially."""
    if previous is None:
        return journey
    return (1 - smoothing) * previous + smoothing * journey


def relationship_v(
    previous: np.ndarray, first: np.ndarray, journey: np.ndarray, smoothing: float
) -> np.ndarray:
    return np.where(first, journey, (1 - smoothing) * previous + smoothing * journey)


def monthly_retention(level: float, lo: Loyalty) -> float:
    """r(L): logistic between floor (inertia) and cap (Mittal & Kamakura 2001)."""
    span = lo.retention_cap - lo.retention_floor
    return lo.retention_floor + span / (
        1 + math.exp(-lo.retention_slope * (level - lo.retention_midpoint))
    )


def monthly_stay(level: float, price_sensitivity: float, lo: Loyalty) -> float:
    """Monthly probability of staying: r(L) times the price pull's complement."""
    return monthly_retention(level, lo) * (1 - lo.price_churn * price_sensitivity)


def monthly_stay_v(level: np.ndarray, price_sensitivity: np.ndarray, lo: Loyalty) -> np.ndarray:
    span = lo.retention_cap - lo.retention_floor
    r = lo.retention_floor + span / (
        1 + libm.exp(-lo.retention_slope * (level - lo.retention_midpoint))
    )
    return r * (1 - lo.price_churn * price_sensitivity)


def churn_after(stay: float, u: float) -> float:
    """Minutes until a customer with this monthly stay probability leaves.

    Exponential with the hazard that gives stay^(gap / 30 days) of staying over any gap;
    the customer leaves before its next journey when this falls within the gap.
    """
    if stay <= 0.0:
        return 0.0
    if stay >= 1.0:
        return math.inf
    return -math.log(u) / -math.log(stay) * MONTH_MINUTES


def churn_after_v(stay: np.ndarray, u: np.ndarray) -> np.ndarray:
    out = np.where(stay <= 0.0, 0.0, math.inf)
    pick = np.flatnonzero((stay > 0.0) & (stay < 1.0))
    out[pick] = -libm.log(u[pick]) / -libm.log(stay[pick]) * MONTH_MINUTES
    return out


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
