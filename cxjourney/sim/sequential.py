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
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

GROWTH = 1.5


@dataclass(frozen=True)
class Schedule:
    start: int
    maximum: int
    precision: float | None = None

    @property
    def adaptive(self) -> bool:
        return self.maximum > self.start

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
