"""Draws of `delivers`, `service` and delay distributions from two uniforms.

A distribution is compiled to a flat tuple (code, p0, p1, p2, scale, offset); a draw
always reads two uniforms, whatever the family. The sampling itself is the kernel's
(`kernel.sample`), which both engines run.
"""

from __future__ import annotations

import math

import numpy as np

from ..model import Distribution
from . import kernel
from .kernel import CONSTANT, EXP, LOGNORMAL, NORMAL, TRIANGULAR, UNIFORM

CODES = {
    "constant": CONSTANT,
    "normal": NORMAL,
    "exp": EXP,
    "uniform": UNIFORM,
    "triangular": TRIANGULAR,
    "lognormal": LOGNORMAL,
}

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


standard_normal = kernel.standard_normal  # Box-Muller: one standard normal from two uniforms


def draw(s: Sampler, u1: float, u2: float) -> float:
    """A draw of the distribution `s` from two uniforms."""
    return kernel.sample(np.asarray(s, dtype=np.float64), u1, u2)
