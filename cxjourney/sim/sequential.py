"""Adaptive replications: run as many as the answer needs, and no more.

A run starts with `start` replications and may grow to `maximum`, looking at its
numbers at a fixed list of replication counts (each about 1.5 times the one before).
The looks are fixed in advance and replication k always has the same random numbers,
so the same seed and options give the same answer and the same count, whatever the
number of workers.

Two kinds of question:

- **Precision** (`simulate --precision X`): stop at the first look where the 95%
  half-width of the objective is at most X for the baseline and for every scenario's
  change. A half-width is not a test, so nothing is corrected.
- **Verdicts** (`compare`, `drivers`, `optimize`, `--sensitivity`): stop at the first look
  where every effect is settled: its interval excludes zero (better or worse), or is
  narrower than ±X when a precision is given (no difference that matters). Looking
  J times at the same effect would raise the chance of a wrong "better" or "worse"
  above 5%; each look uses level 1 − 0.05 / J instead (Bonferroni over the looks), so
  over the whole run that chance stays below 5% for each effect.

Without `-n` or either option, every command is adaptive (`Schedule.auto`): from 4
replications up to 40, it stops once the answer it gives is settled — each scenario's
verdict on the objective (clear, or a change smaller than what matters, `AUTO`), and
for `simulate` the baseline's own figure within its half-width. `-n` fixes the count.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

GROWTH = 1.5
AUTO_START, AUTO_MAXIMUM = 4, 40
#: Per objective, without --precision: (a change smaller than this does not matter, the
#: half-width the baseline's own figure needs). Revenue's are fractions of the baseline's
#: revenue; an ROI has no baseline figure.
AUTO: dict[str, tuple[float, float | None]] = {
    "nps": (1.0, 4.0),
    "satisfaction": (0.05, 0.2),
    "retention": (0.005, 0.02),
    "revenue": (0.005, 0.02),
    "roi": (0.05, None),
}
RELATIVE = ("revenue",)


@dataclass(frozen=True)
class Schedule:
    start: int
    maximum: int
    precision: float | None = None
    auto: bool = False  # the default: settle the answer with AUTO's thresholds

    @property
    def adaptive(self) -> bool:
        return self.maximum > self.start

    def change_precision(self, objective: str, baseline: float | None = None) -> float | None:
        """A change this small does not matter: the option's, or the default's."""
        return self._threshold(0, objective, baseline)

    def level_precision(self, objective: str, baseline: float | None = None) -> float | None:
        """The half-width the baseline's own figure needs (None: no condition)."""
        return self._threshold(1, objective, baseline)

    def _threshold(self, which: int, objective: str, baseline: float | None) -> float | None:
        """--precision when given; else AUTO's, in the objective's units (revenue's as a
        fraction of the baseline's)."""
        if self.precision is not None or not self.auto:
            return self.precision
        size = AUTO[objective][which]
        if size is None or objective not in RELATIVE:
            return size
        return None if baseline is None else size * abs(baseline)

    def looks(self) -> list[int]:
        """The replication counts at which the numbers are looked at."""
        counts = [self.start]
        while counts[-1] < self.maximum:
            counts.append(min(self.maximum, max(counts[-1] + 2, math.ceil(counts[-1] * GROWTH))))
        return counts

    @property
    def level(self) -> float:
        """The confidence level of each look that keeps the run's error below 5%."""
        return 1 - 0.05 / len(self.looks()) if self.adaptive else 0.95


def half_width(value: dict[str, float | None]) -> float | None:
    low, high = value.get("low"), value.get("high")
    if low is None or high is None:
        return None
    return (high - low) / 2


def precise(value: dict[str, float | None], precision: float) -> bool:
    """The interval is at most ±precision (an undefined value has nothing to learn)."""
    if value.get("mean") is None:
        return True
    width = half_width(value)
    return width is not None and width <= precision


def settled(value: dict[str, float | None], precision: float | None) -> bool:
    """A verdict that more replications would not change: clear, or clearly small."""
    if value.get("mean") is None:
        return True
    low, high = value.get("low"), value.get("high")
    if low is None or high is None:
        return False
    if low > 0 or high < 0:
        return True
    return precision is not None and precise(value, precision)


def run_until(
    schedule: Schedule,
    grow: Callable[[int], None],
    done: Callable[[], bool],
) -> int:
    """Grow to each look in turn until `done()`; return the replications run."""
    count = schedule.start
    for count in schedule.looks():
        grow(count)
        if done():
            break
    return count
