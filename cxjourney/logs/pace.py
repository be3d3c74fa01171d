"""Pace classes: cases that run straight through and cases that wait.

In many logs the time between steps is either minutes or days, and which it is goes with
the case, not the step: some cases are handled in one sitting, others wait in a pile. On
the receipt log half the cases finish within an hour, while drawing each gap short or
long independently, with its edge's own share, would finish 38% so; no delay per edge
reproduces both the median (minutes) and the mean (days) of a case's duration.

**Threshold.** A gap is short when it is below the valley of the distribution of log
gaps: the logs of the positive gaps are split in two by Otsu's rule (the cut that
maximises the variance between the two groups), then the threshold is the least
populated bin (a quarter of a decade, counts smoothed over three bins) between the two
groups' most populated bins. No valley (the smoothed minimum above VALLEY_DEPTH of the
lower peak): no split.

**Is the split real?** A case is `at once` when every gap of it is short. Were gaps short
or long independently, with each edge's share of short gaps, a case would be at once
with the product p_c of its edges' shares, so that the number of such cases has mean
sum p_c and variance sum p_c (1 - p_c) (a Poisson binomial). The split is kept when the
observed number exceeds that mean by more than Z_SPLIT standard deviations and by
MIN_EXCESS of the cases with a gap, and each class has at least MIN_CLASS cases. Cases
without a gap (one event) are at once and take no part in the test.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from . import text
from .cases import Case

AT_ONCE, WAITS = "at_once", "waits"
LABELS = {AT_ONCE: "Cases that run straight through", WAITS: "Cases that wait"}
BIN = 0.25  # decades
VALLEY_DEPTH = 0.5  # the valley's smoothed count at most this share of the lower peak
Z_SPLIT = 3.0  # standard deviations above independence
MIN_EXCESS = 0.05  # and this share of the cases with a gap
MIN_CLASS = 20  # cases in each class
FLOOR = 1 / 60  # gaps of zero are read as one second, as for delays


@dataclass(frozen=True)
class PaceSplit:
    threshold: float  # minutes: a gap below it is short
    classes: dict[str, str]  # case id -> AT_ONCE or WAITS
    observed: int  # cases with a gap whose every gap is short
    expected: float  # the same under independence
    sd: float
    tested: int  # cases with a gap

    def describe(self) -> str:
        """What the split rests on, for a comment."""
        share, exp = self.observed / self.tested, self.expected / self.tested
        half = 1.96 * self.sd / self.tested
        return (
            f"every gap under {text.duration(self.threshold)} in {self.observed} of "
            f"{self.tested} cases ({share:.1%}); {exp:.1%} if gaps were short independently "
            f"(95%: {exp - half:.1%} to {exp + half:.1%})"
        )


def case_gaps(case: Case) -> list[tuple[tuple[str, str], float]]:
    """(edge between activities, minutes) for each step of `case`: from the end of the
    previous visit (its only time when it has one) to the start of the next."""
    out = []
    for previous, visit in zip(case.visits, case.visits[1:], strict=False):
        done = previous.end if previous.end is not None else previous.time
        if done is not None and visit.time is not None and visit.time >= done:
            out.append(((previous.activity, visit.activity), visit.time - done))
    return out


def valley(gaps: list[float]) -> float | None:
    """Minutes at the valley between the short and the long gaps, or None without one."""
    logs = [math.log10(max(g, FLOOR)) for g in gaps]
    if len(logs) < 2 * MIN_CLASS:
        return None
    cut = _otsu(logs)
    if cut is None:
        return None
    counts = Counter(math.floor(x / BIN) for x in logs)
    low_bins = [b for b in counts if b * BIN < cut]
    high_bins = [b for b in counts if b * BIN >= cut]
    if not low_bins or not high_bins:
        return None

    def smooth(b: int) -> float:
        return (counts[b - 1] + counts[b] + counts[b + 1]) / 3

    lo = max(low_bins, key=lambda b: (smooth(b), -b))
    hi = max(high_bins, key=lambda b: (smooth(b), b))
    if hi - lo < 2:
        return None
    bottom = min(range(lo + 1, hi), key=lambda b: (smooth(b), b))
    if smooth(bottom) > VALLEY_DEPTH * min(smooth(lo), smooth(hi)):
        return None
    return 10 ** (bottom * BIN)


def _otsu(xs: list[float]) -> float | None:
    """The cut of sorted `xs` that maximises the variance between the two groups."""
    xs = sorted(xs)
    n, total = len(xs), sum(xs)
    best, cut, left = 0.0, None, 0.0
    for i in range(1, n):
        left += xs[i - 1]
        if xs[i] == xs[i - 1]:
            continue
        w0, w1 = i / n, (n - i) / n
        m0, m1 = left / i, (total - left) / (n - i)
        between = w0 * w1 * (m1 - m0) ** 2
        if between > best:
            best, cut = between, (xs[i - 1] + xs[i]) / 2
    return cut


def pace_split(cases: list[Case]) -> PaceSplit | None:
    """The two pace classes of `cases`, or None when their gaps do not split so."""
    gaps = {c.id: case_gaps(c) for c in cases}
    threshold = valley([g for steps in gaps.values() for _, g in steps])
    if threshold is None:
        return None
    short: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for steps in gaps.values():
        for edge, g in steps:
            short[edge][0] += g < threshold
            short[edge][1] += 1
    observed, expected, variance, tested = 0, 0.0, 0.0, 0
    classes: dict[str, str] = {}
    for case in cases:
        steps = gaps[case.id]
        fast = all(g < threshold for _, g in steps)
        classes[case.id] = AT_ONCE if fast else WAITS
        if not steps:
            continue
        p = math.prod(short[e][0] / short[e][1] for e, _ in steps)
        tested += 1
        observed += fast
        expected += p
        variance += p * (1 - p)
    sd = math.sqrt(variance)
    waiting = sum(1 for k in classes.values() if k == WAITS)
    if (
        tested == 0
        or observed - expected <= max(Z_SPLIT * sd, MIN_EXCESS * tested)
        or min(waiting, len(classes) - waiting) < MIN_CLASS
    ):
        return None
    return PaceSplit(threshold, classes, observed, expected, sd, tested)
