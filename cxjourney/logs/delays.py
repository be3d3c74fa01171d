"""The time between steps of a case: fitted per edge, with timers recognised as rules.

A delay is measured from the end of a visit (its only timestamp when the log has one per
event) to the start of the next visit of the case. Each edge of the flow with at least
`min_n` delays gets its own (a fine is sent weeks after it is created, paid days after);
an edge with fewer takes the fit of every delay into its target.

**Timers.** When most delays of an edge fall on one value (at least TIMER_SHARE of them
within TIMER_TOLERANCE of the most common one, to the minute), the delay is a rule, not
a distribution: "a penalty is added 60 days after the notification" is written
`after 60 days`, however many delays there are. The tolerance lets a clock change or a
batch run an hour late count as the same rule, for a timer of a day or more: below that
an hour's slack would make a timer of any delays under an hour (on the receipt log the
steps a clerk takes in one sitting, half a minute to forty minutes apart, were written
`after 1 min`).

**Zeros.** Steps recorded in the same instant (a clerk's batch, two events of one
action) give delays of zero, which no positive family can hold; they are read as one
second (the resolution of most logs), so a family is still chosen by likelihood and the
mean stays the log's.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ..model import Distribution
from . import text
from .fit import fit_durations

#: A timer: this share of the delays within TIMER_TOLERANCE of the most common one.
TIMER_SHARE = 0.8
TIMER_TOLERANCE = 0.02  # relative; and at least TIMER_SLACK minutes from TIMER_LONG on
TIMER_SLACK = 60.0
TIMER_LONG = 1440.0
#: Delays of zero are read as this many minutes (one second).
FLOOR = 1 / 60
#: Delays shorter than this on average are steps that follow at once: no `after`.
AT_ONCE = 1.0


@dataclass(frozen=True)
class Delay:
    distribution: Distribution
    comment: str
    mean: float
    n: int
    low: float  # 95% interval of the mean (a timer's is its value)
    high: float


def fit_delay(values: list[float]) -> Delay | None:
    """A timer or the family by likelihood for `values` (minutes); None when they follow
    at once (mean under a minute) or are fewer than two."""
    xs = [x for x in values if x is not None and math.isfinite(x) and x >= 0]
    if len(xs) < 2:
        return None
    mean = sum(xs) / len(xs)
    if mean < AT_ONCE:
        return None
    timer = _timer(xs)
    if timer is not None:
        return timer
    fit = fit_durations([max(x, FLOOR) for x in xs])
    if fit is None:
        return None
    return Delay(fit.distribution, fit.describe(), fit.mean, fit.n, fit.low, fit.high)


def _timer(xs: list[float]) -> Delay | None:
    common, _ = Counter(round(x) for x in xs).most_common(1)[0]
    if common <= 0:
        return None
    slack = max(TIMER_SLACK if common >= TIMER_LONG else 0.0, TIMER_TOLERANCE * common)
    near = [x for x in xs if abs(x - common) <= slack]
    if len(near) < TIMER_SHARE * len(xs):
        return None
    value = text.rounded_duration(float(common))
    exact = sum(1 for x in xs if round(x) == common)
    others = len(xs) - len(near)
    return Delay(
        Distribution.constant(value),
        f"a timer: {len(near)} of {len(xs)} delays within {text.duration(slack)} of "
        f"{text.duration(common)} ({exact} exactly)"
        + (f"; {others} others left to chance" if others else ""),
        float(common),
        len(xs),
        float(common),
        float(common),
    )


def edge_delays(
    gaps: dict[tuple[str, str], list[float]], queued: set[str], min_n: int
) -> dict[tuple[str, str], Delay]:
    """(source, target) -> its delay: its own fit with `min_n` delays or more, else the
    fit of every delay into the target; none into a touchpoint with a queue (its waits
    already take that time) or from `start`."""
    into: dict[str, list[float]] = {}
    for (_, target), values in gaps.items():
        into.setdefault(target, []).extend(values)
    pooled = {t: fit_delay(v) if len(v) >= min_n else None for t, v in into.items()}
    out: dict[tuple[str, str], Delay] = {}
    for (source, target), values in gaps.items():
        if target in queued:
            continue
        own = fit_delay(values) if len(values) >= min_n else None
        if own is not None or len(values) >= min_n:
            if own is not None:
                out[(source, target)] = own
            continue
        shared = pooled.get(target)
        if shared is not None:
            out[(source, target)] = Delay(
                shared.distribution,
                f"{len(values)} delay{'' if len(values) == 1 else 's'} here, too few for "
                f"their own fit; every delay into the step: {shared.comment}",
                shared.mean,
                shared.n,
                shared.low,
                shared.high,
            )
    return out
