"""Busy hours: a persona's journeys start more often at some times of the week.

A profile gives each quarter hour of the week a weight (mean 1). Journeys start as a
Poisson process whose rate follows the weights, made by a change of clock: the
engines draw gaps on an *ordinary* clock, where every quarter hour lasts 15 minutes
times its weight, exactly as they do without a profile, and `to_real` maps the
ordinary time to the time of day (a quarter hour of weight 3 packs three times as many
starts into its 15 minutes; one of weight 0 gets none). The weekly total is unchanged,
and a run without profiles never calls this module, so its numbers do not move.

`to_real` and `to_ordinary` are the kernel's, so the engines agree to the bit.
"""

from __future__ import annotations

import numpy as np

from ..model import SLOT_MINUTES, SLOTS
from . import kernel


class Profile:
    """One persona's weekly profile: weights per quarter hour and their running total."""

    def __init__(self, weights: list[float]) -> None:
        cum = [0.0]
        for w in weights:
            cum.append(cum[-1] + SLOT_MINUTES * w)
        # each quarter hour, or the next one with starts (the last one, past the end)
        opened, following = [0] * SLOTS, max(i for i, w in enumerate(weights) if w > 0.0)
        for i in range(SLOTS - 1, -1, -1):
            if weights[i] > 0.0:
                following = i
            opened[i] = following
        self.weight = tuple(weights)
        # the kernel's tables: running total, weights and next open quarter hour
        self.cum = np.asarray(cum, dtype=np.float64)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.opened = np.asarray(opened, dtype=np.int64)

    def to_real(self, ordinary: float) -> float:
        return kernel.to_real(self.cum, self.weights, self.opened, ordinary)

    def to_ordinary(self, real: float) -> float:
        return kernel.to_ordinary(self.cum, self.weights, real)


def busiest_hours(profiles: list[Profile | None], rates: list[float]) -> list[bool] | None:
    """For each hour of the week (0 = Monday 0:00-1:00): does it have the most journey
    starts? None when no persona has a profile.

    Every hour at the peak counts, not only the first: on a plateau (`busy mon-fri
    9:00-12:00 3x`) the queue builds through the window, and its first hour alone would
    show the least of it.
    """
    if not any(profiles):
        return None
    per_hour = [0.0] * (SLOTS // 4)
    for profile, rate in zip(profiles, rates, strict=True):
        for i in range(SLOTS):
            w = profile.weight[i] if profile is not None else 1.0
            per_hour[i // 4] += rate * w
    peak = max(per_hour)
    return [h >= peak * (1 - 1e-9) for h in per_hour]


def hour_name(hour: int) -> str:
    """'Mon 9:00' for hour 9 of the week."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return f"{days[hour // 24]} {hour % 24}:00"
