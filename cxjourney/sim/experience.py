"""One moment and the memory of a journey: the arithmetic of docs/model.md, pure.

Disconfirmation (Oliver 1980), a zone of tolerance (Zeithaml et al. 1993), the
prospect-theory value function (Tversky & Kahneman 1992) and three memory rules
(blend: Alaybek et al. 2022; peak-end: Fredrickson & Kahneman 1993; mean).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import kernel

WALKOUT_DISCONFIRMATION = -2.0
MAX_WAIT_RATIO = 3.0


def tolerate(d: float, tolerance: float) -> float:
    """D~ = sign(D) * max(0, |D| - tolerance)."""
    if d > tolerance:
        return d - tolerance
    if d < -tolerance:
        return d + tolerance
    return 0.0


def value(d: float, curvature: float, negativity: float) -> float:
    """v(d) = d^a for gains, -lambda (-d)^a for losses."""
    if d >= 0:
        return d**curvature
    return -negativity * (-d) ** curvature


felt = kernel.felt  # v(D~), compiled: the engines' hot path


def wait_term(wait: float, max_wait: float | None, sensitivity: float) -> float:
    """-s * min(3, max(0, (wait - max_wait) / max_wait)) (Maister 1985)."""
    if not max_wait:
        return 0.0
    return -sensitivity * min(MAX_WAIT_RATIO, max(0.0, (wait - max_wait) / max_wait))


def moment(
    *,
    expectation: float,
    performance: float,
    weight: float,
    impacts: Sequence[float] = (),
    wait: float = 0.0,
    max_wait: float | None = None,
    channel_term: float = 0.0,
    tolerance: float = 0.25,
    curvature: float = 0.88,
    negativity: float = 2.0,
    wait_sensitivity: float = 1.0,
) -> float:
    """x = weight * (v(D~) + sum of v(impact)) for the events that occurred."""
    p = min(5.0, max(1.0, performance))
    d = p - expectation + wait_term(wait, max_wait, wait_sensitivity) + channel_term
    total = value(tolerate(d, tolerance), curvature, negativity)
    total += sum(value(i, curvature, negativity) for i in impacts)
    return weight * total


def expected_moment(
    performances: Sequence[float],
    *,
    expectation: float,
    weight: float,
    events: Sequence[tuple[float, float]] = (),
    channel_term: float = 0.0,
    tolerance: float = 0.25,
    curvature: float = 0.88,
    negativity: float = 2.0,
) -> float:
    """The moment a visit is expected to give, before waits, learning and recovery.

    weight × the mean of v(D~) over `performances` (draws of what the touchpoint
    delivers, each clipped to 1-5, against the expectation less the channel term), plus
    each event's chance × its weighted value (`events`: (chance, weight × v(impact))).
    """
    base = expectation - channel_term
    total = 0.0
    for performance in performances:
        d = tolerate(min(5.0, max(1.0, performance)) - base, tolerance)
        total += value(d, curvature, negativity)
    core = weight * total / len(performances)
    return core + sum(chance * x for chance, x in events)


def walkout_moment(
    weight: float, tolerance: float = 0.25, curvature: float = 0.88, negativity: float = 2.0
) -> float:
    """Walking out of a queue: D = -2, no events."""
    return weight * value(tolerate(WALKOUT_DISCONFIRMATION, tolerance), curvature, negativity)


def recall(
    rule: str, n: int, total: float, last: float, high: float, low: float, peak: float
) -> float:
    """R from a journey's running figures (no list of moments needed).

    `high`/`low`: the largest and smallest x; `peak`: the x with the largest |x|, the
    later on a tie.
    """
    return kernel.recall(kernel.MEMORY_RULES[rule], n, total, last, high, low, peak)


def remember(moments: Sequence[float], rule: str = "blend") -> float:
    """R, the remembered experience of a journey's moments x_1..x_n."""
    values = np.asarray(moments, dtype=np.float64)
    return kernel.remember(values, len(values), kernel.MEMORY_RULES[rule])
