"""Running totals of one replication, shared by both engines, and its summary.

Every sum is kept in integers (fixed point, 2^-32 of a unit), so it does not depend on
the order in which customers are counted: the SimPy engine counts in time order, the
batched engine journey by journey, and both give the same bits. Memory grows with the
number of touchpoints and checkpoints, never with the number of visits.

The timeline keeps, per checkpoint, the changes that happen before it: customers
arriving and leaving, relationship satisfaction moving, revenue earned. Adding them up
gives the state at every checkpoint ("series" in the results) from the same run; the
last checkpoint is the horizon, whose state is the run's metrics.
"""

from __future__ import annotations

import bisect
import math
from typing import Any

import numpy as np

from . import kernel
from .kernel import DETRACTOR, NEUTRAL, PROMOTER
from .plan import Plan, initial_counts

SCALE = kernel.SCALE
DAY = 24 * 60.0
SERIES_METRICS = ("active", "retention", "satisfaction", "nps", "revenue")
#: Journey durations are counted in bins 1/64 of an octave wide (about 1.1%), from
#: 2^-10 minutes (0.06 s) to 2^26 minutes (128 years): memory does not grow with the
#: number of journeys, the count does not depend on their order, and the bin of a
#: duration is exact (frexp), so both engines put every journey in the same bin.
LOW_OCTAVE, PER_OCTAVE, DURATION_BINS = kernel.LOW_OCTAVE, kernel.PER_OCTAVE, kernel.DURATION_BINS


duration_bin = kernel.duration_bin  # the histogram bin of a duration (exact: frexp)


def bin_edges(i: int) -> tuple[float, float]:
    if i == 0:
        return 0.0, 2.0 ** (LOW_OCTAVE - 1)
    octave, step = divmod(i - 1, PER_OCTAVE)
    base = 2.0 ** (LOW_OCTAVE - 1 + octave)
    return base * (1 + step / PER_OCTAVE), base * (1 + (step + 1) / PER_OCTAVE)


def quantile(counts: list[int] | np.ndarray, q: float) -> float | None:
    """The q-quantile of a duration histogram, linear within its bin; 0 in bin 0, where
    journeys that took no time (or less than 0.06 s) are counted."""
    total = int(sum(counts))
    if total == 0:
        return None
    rank = q * total
    seen = 0
    for i, n in enumerate(counts):
        n = int(n)
        if n and seen + n >= rank:
            if i == 0:
                return 0.0
            lo, hi = bin_edges(i)
            return lo + (hi - lo) * max(0.0, rank - seen) / n
        seen += n
    return bin_edges(len(counts) - 1)[1]


def fixed(x: float) -> int:
    """x in integer units of 2^-32 (truncated toward zero)."""
    return int(x * SCALE)


def checkpoints(horizon: float) -> list[float]:
    """Times of the series: every day for runs up to four weeks, else every week; and
    the horizon."""
    step = DAY if horizon <= 28 * DAY else 7 * DAY
    times = [0.0]
    t = step
    while t < horizon:
        times.append(t)
        t += step
    times.append(horizon)
    return times


class Tally:
    """One replication's totals: the SimPy engine counts event by event, the batched
    engine fills the same sums from the kernel (batch.BatchSimulation.fill)."""

    def __init__(self, plan: Plan) -> None:
        k, personas = plan.size, len(plan.persona_ids)
        self.plan = plan
        self.times = checkpoints(plan.horizon)
        bins = len(self.times) + 1
        self.journeys = 0
        self.abandoned = 0
        self.referrals = 0
        self.cut = 0
        self.completed = [0] * personas
        self.visits = [0] * k
        self.walkouts = [0] * k
        self.peak = [0] * k
        self.trough = [0] * k
        self.x_sum = [0] * k
        self.wait_sum = [0] * k
        self.busy = [0.0] * k
        self.delay_sum = [0] * k
        self.busy_wait_sum = [0] * k  # queue waits of visits arriving in the busiest hour
        self.busy_visits = [0] * k
        self.durations = np.zeros(DURATION_BINS, dtype=np.int64)
        self.duration_sum = 0
        self.initial = 0
        # retention is defined only when some customer present at the start can churn
        # (one of a persona that makes repeat visits), after shares are rounded to people
        counts = initial_counts(plan.customers, plan.persona_share)
        self.can_churn = any(plan.visit_gap[p] > 0 and n > 0 for p, n in enumerate(counts))
        # changes up to each checkpoint: index i holds what happens in (times[i-1], times[i]]
        self.d_active = [0] * bins
        self.d_initial = [0] * bins
        self.d_level = [0] * bins
        self.d_promoters = [0] * bins
        self.d_detractors = [0] * bins
        self.d_completed = [[0] * bins for _ in range(personas)]
        self.d_duration = [0] * bins  # journeys' durations (fixed point) ending in each bin
        self.d_ended = [0] * bins

    # ---- scalar: one event at a time ------------------------------------------------
    def _bin(self, time: float) -> int:
        return bisect.bisect_left(self.times, time)

    def arrive(self, time: float, initial: bool) -> None:
        """A customer joins, holding L = 7 until its first journey."""
        i = self._bin(time)
        self.d_active[i] += 1
        self.d_level[i] += _NEUTRAL_FIXED
        if initial:
            self.initial += 1
            self.d_initial[i] += 1

    def level(self, time: float, old: float, new: float) -> None:
        i = self._bin(time)
        self.d_level[i] += fixed(new) - fixed(old)
        self.d_promoters[i] += int(new >= PROMOTER) - int(old >= PROMOTER)
        self.d_detractors[i] += int(new < DETRACTOR) - int(old < DETRACTOR)

    def leave(self, time: float, level: float, initial: bool) -> None:
        i = self._bin(time)
        self.d_active[i] -= 1
        self.d_level[i] -= fixed(level)
        self.d_promoters[i] -= int(level >= PROMOTER)
        self.d_detractors[i] -= int(level < DETRACTOR)
        if initial:
            self.d_initial[i] -= 1

    def complete(self, time: float, persona: int) -> None:
        self.d_completed[persona][self._bin(time)] += 1
        self.completed[persona] += 1

    def ended(self, time: float, duration: float) -> None:
        """A journey ended at `time`, having taken `duration` minutes."""
        f = fixed(duration)
        self.duration_sum += f
        self.durations[duration_bin(duration)] += 1
        i = self._bin(time)
        self.d_duration[i] += f
        self.d_ended[i] += 1

    # ---- the summary ----------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        plan = self.plan
        series = self.series()
        end = series[-1]
        journeys = self.journeys
        completed = sum(self.completed)
        metrics = {
            "journeys": float(journeys),
            "completion": completed / journeys if journeys else None,
            "abandonment": self.abandoned / journeys if journeys else None,
            "satisfaction": end["satisfaction"],
            "nps": end["nps"],
            "promoters": end["promoters"],
            "detractors": end["detractors"],
            "retention": end["retention"],
            "active": end["active"],
            "revenue": end["revenue"],
            "referrals": float(self.referrals),
        }
        if plan.timed:
            ended = int(self.durations.sum())
            metrics["duration_mean"] = self.duration_sum / SCALE / ended if ended else None
            metrics["duration_median"] = quantile(self.durations, 0.5)
            metrics["duration_p90"] = quantile(self.durations, 0.9)
        touchpoints = {}
        for t, tp_id in enumerate(plan.touchpoint_ids):
            visits = self.visits[t]
            entry: dict[str, float | None] = {"visits": float(visits)}
            if plan.capacity[t]:
                entry["wait_mean"] = self.wait_sum[t] / SCALE / visits if visits else None
                entry["utilisation"] = self.busy[t] / plan.server_minutes[t]
                if plan.busy_hour is not None:
                    n = self.busy_visits[t]
                    entry["wait_busy_mean"] = self.busy_wait_sum[t] / SCALE / n if n else None
                    entry["busy_hour"] = float(plan.busy_hour)
            if plan.timed:
                entry["delay_mean"] = self.delay_sum[t] / SCALE / visits if visits else None
            entry["abandon_rate"] = self.walkouts[t] / visits if visits else 0.0
            entry["experience_mean"] = self.x_sum[t] / SCALE / visits if visits else None
            entry["peak_share"] = self.peak[t] / journeys if journeys else 0.0
            entry["trough_share"] = self.trough[t] / journeys if journeys else 0.0
            touchpoints[tp_id] = entry
        return {
            "metrics": metrics,
            "touchpoints": touchpoints,
            "series": [{k: row[k] for k in ("day", *self.series_metrics)} for row in series],
            "cut": self.cut,
        }

    @property
    def series_metrics(self) -> tuple[str, ...]:
        return (*SERIES_METRICS, "duration") if self.plan.timed else SERIES_METRICS

    def series(self) -> list[dict[str, Any]]:
        plan = self.plan
        rows = []
        active = initial = level = promoters = detractors = 0
        duration = ended = 0
        done = [0] * len(self.completed)
        for i, time in enumerate(self.times):
            active += self.d_active[i]
            initial += self.d_initial[i]
            level += self.d_level[i]
            promoters += self.d_promoters[i]
            detractors += self.d_detractors[i]
            duration += self.d_duration[i]
            ended += self.d_ended[i]
            for p, changes in enumerate(self.d_completed):
                done[p] += changes[i]
            revenue = math.fsum(n * plan.spend[p] for p, n in enumerate(done))
            day = time / DAY
            rows.append(
                {
                    "day": int(day) if day.is_integer() else day,
                    "active": float(active),
                    "retention": (
                        initial / self.initial if self.initial and self.can_churn else None
                    ),
                    "satisfaction": level / SCALE / active if active else None,
                    "nps": 100.0 * (promoters - detractors) / active if active else None,
                    "promoters": promoters / active if active else None,
                    "detractors": detractors / active if active else None,
                    "revenue": revenue,
                    "duration": duration / SCALE / ended if ended else None,
                }
            )
        return rows


_NEUTRAL_FIXED = fixed(NEUTRAL)
