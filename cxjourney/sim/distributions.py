"""Draws of `delivers` and `service` distributions from two uniforms, scalar and vector.

A distribution is compiled to a flat tuple (code, p0, p1, p2, scale, offset); a draw
always reads two uniforms, whatever the family, and both paths below do the same
floating-point operations in the same order, so the engines agree to the bit.
"""

from __future__ import annotations

import math

import numpy as np

from ..model import Distribution
from . import libm

CONSTANT, NORMAL, EXP, UNIFORM, TRIANGULAR, LOGNORMAL = range(6)
CODES = {
    "constant": CONSTANT,
    "normal": NORMAL,
    "exp": EXP,
    "uniform": UNIFORM,
    "triangular": TRIANGULAR,
    "lognormal": LOGNORMAL,
}
TWO_PI = 2.0 * math.pi

Sampler = tuple[int, float, float, float, float, float]  # code, p0, p1, p2, scale, offset


def sampler(dist: Distribution) -> Sampler:
    """A distribution as a flat tuple; lognormal's (mean, sd) become (mu, sigma)."""
    code = CODES[dist.kind]
    p = [*dist.params, 0.0, 0.0][:3]
    if code == LOGNORMAL:
        mean, sd = p[0], p[1]
        sigma2 = math.log(1 + (sd / mean) ** 2)
        p = [math.log(mean) - sigma2 / 2, math.sqrt(sigma2), 0.0]
    return (code, p[0], p[1], p[2], dist.scale, dist.offset)


def standard_normal(u1: float, u2: float) -> float:
    """Box-Muller: one standard normal from two uniforms."""
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(TWO_PI * u2)


def standard_normal_v(u1: np.ndarray, u2: np.ndarray) -> np.ndarray:
    return np.sqrt(-2.0 * libm.log(u1)) * libm.cos(TWO_PI * u2)


def draw(s: Sampler, u1: float, u2: float) -> float:
    code, p0, p1, p2, scale, offset = s
    if code == CONSTANT:
        x = p0
    elif code == NORMAL:
        x = p0 + p1 * standard_normal(u1, u2)
    elif code == EXP:
        x = -p0 * math.log(u1)
    elif code == UNIFORM:
        x = p0 + (p1 - p0) * u1
    elif code == TRIANGULAR:
        x = _triangular(p0, p1, p2, u1)
    else:
        x = math.exp(p0 + p1 * standard_normal(u1, u2))
    return x * scale + offset


def _triangular(lo: float, mode: float, hi: float, u: float) -> float:
    if hi == lo:
        return lo
    if u < (mode - lo) / (hi - lo):
        return lo + math.sqrt(u * (hi - lo) * (mode - lo))
    return hi - math.sqrt((1 - u) * (hi - lo) * (hi - mode))


def draw_v(
    codes: np.ndarray, params: np.ndarray, u1: np.ndarray, u2: np.ndarray, kinds: set[int]
) -> np.ndarray:
    """Draws for many visits at once; `params` rows are (p0, p1, p2, scale, offset)."""
    p0, p1, p2, scale, offset = params.T
    out = p0.copy()
    if kinds & {NORMAL, LOGNORMAL}:
        pick = np.flatnonzero((codes == NORMAL) | (codes == LOGNORMAL))
        z = standard_normal_v(u1[pick], u2[pick])
        y = p0[pick] + p1[pick] * z
        logn = codes[pick] == LOGNORMAL
        if logn.any():
            y[logn] = libm.exp(y[logn])
        out[pick] = y
    if EXP in kinds:
        pick = np.flatnonzero(codes == EXP)
        out[pick] = -p0[pick] * libm.log(u1[pick])
    if UNIFORM in kinds:
        pick = np.flatnonzero(codes == UNIFORM)
        out[pick] = p0[pick] + (p1[pick] - p0[pick]) * u1[pick]
    if TRIANGULAR in kinds:
        pick = np.flatnonzero(codes == TRIANGULAR)
        out[pick] = [
            _triangular(a, b, c, u)
            for a, b, c, u in zip(p0[pick], p1[pick], p2[pick], u1[pick], strict=True)
        ]
    return out * scale + offset
