"""Tests of chance that discovery uses: is a split, or a profile, more than noise?"""

from __future__ import annotations

import math


def homogeneity(a: list[float], b: list[float]) -> tuple[float, int]:
    """Pearson's chi-square of a 2 x K table (two groups' counts over the same targets)."""
    cols = [(x, y) for x, y in zip(a, b, strict=True) if x + y > 0]
    total_a, total_b = sum(x for x, _ in cols), sum(y for _, y in cols)
    total = total_a + total_b
    if total_a == 0 or total_b == 0 or len(cols) < 2:
        return 0.0, 0
    chi2 = 0.0
    for x, y in cols:
        col = x + y
        for observed, row in ((x, total_a), (y, total_b)):
            expected = row * col / total
            chi2 += (observed - expected) ** 2 / expected
    return chi2, len(cols) - 1


def chi2_critical(df: int, z: float = 2.3263) -> float:
    """The chi-square value exceeded with probability 1% (Wilson-Hilferty approximation)."""
    c = 2 / (9 * df)
    return df * (1 - c + z * math.sqrt(c)) ** 3
