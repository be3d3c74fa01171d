"""Satisfaction, advocacy and retention: the loyalty arithmetic of docs/model.md, pure."""

from __future__ import annotations

import math

import numpy as np

from ..model import Loyalty
from . import kernel
from .kernel import DETRACTOR, MONTH_MINUTES, NEUTRAL, PROMOTER

__all__ = ["DETRACTOR", "MONTH_MINUTES", "NEUTRAL", "PROMOTER"]


def satisfaction(remembered: float, noise_draw: float = 0.0) -> float:
    """S = clip(7 + 1.5 R + noise, 0, 10): meeting expectations makes a passive."""
    return min(10.0, max(0.0, 7.0 + 1.5 * remembered + noise_draw))


journey_satisfaction = kernel.satisfaction  # S for R and a standard normal z


def relationship(previous: float | None, journey: float, smoothing: float) -> float:
    """L: the first journey sets it, later ones smooth it exponentially."""
    if previous is None:
        return journey
    return kernel.relationship(previous, journey, smoothing, False)


def loyalty_vector(lo: Loyalty) -> np.ndarray:
    """A Loyalty's retention parameters as `kernel.stay` reads them."""
    return np.array(
        [lo.retention_floor, lo.retention_cap, lo.retention_slope, lo.retention_midpoint,
         lo.price_churn], dtype=np.float64,
    )  # fmt: skip


def monthly_retention(level: float, lo: Loyalty) -> float:
    """r(L): logistic between floor (inertia) and cap (Mittal & Kamakura 2001)."""
    return kernel.stay(level, 0.0, loyalty_vector(lo))


def monthly_stay(level: float, price_sensitivity: float, lo: Loyalty) -> float:
    """Monthly probability of staying: r(L) times the price pull's complement."""
    return kernel.stay(level, price_sensitivity, loyalty_vector(lo))


churn_after = kernel.churn_after  # minutes until a customer with this stay probability leaves


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
