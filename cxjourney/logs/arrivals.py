"""Arrivals as the log shows them: the rate over the window in which cases start, and the
hours and days of the week they crowd when the log shows a profile.

**Rate.** n cases starting between t1 and tn mark n - 1 gaps, so the rate is n over the
window widened by one mean gap: (tn - t1) * n / (n - 1). The log's tail after its last
start (cases still finishing) is not part of it: over the whole span the rate would be
too low by the tail's share (8% on a loan log).

**Profile.** Starts are counted by hour of the day and by day of the week (in UTC, as
the log's times are read); each is a profile when a chi-square test rejects a flat one
at 1% and there are at least MIN_STARTS starts. A log of dates without times (nine in ten
starts in the same two hours: midnight in the log's zones) has no hour profile. With a
day profile, weekdays and weekends are two groups (a day's own peak within the week is
not written: a map a person can read
over seven near-identical blocks of hours); each group's hours get their density
relative to a flat week, neighbouring hours merged while their counts are one rate
within chance (two Poisson standard deviations), to a tenth below 1x and a half above,
written as `busy` lines, equal hours merged and hours at 1x left out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ..model import DAY_MINUTES, Shift, Window
from .chance import chi2_critical

MIN_STARTS = 50
HOUR = 60.0
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday
WEEKDAYS, WEEKENDS, ALL = (0, 1, 2, 3, 4), (5, 6), (0, 1, 2, 3, 4, 5, 6)


@dataclass(frozen=True)
class Arrivals:
    window: float  # minutes in which cases start
    busy: tuple[Shift, ...]
    comment: str  # what the profile came from, or why there is none


def start_window(starts: list[float]) -> float:
    """Minutes over which `starts` arrive: their range widened by one mean gap."""
    if len(starts) < 2:
        return 0.0
    return (max(starts) - min(starts)) * len(starts) / (len(starts) - 1)


def weekly_profile(
    starts: list[float], epoch_weekday: int = EPOCH_WEEKDAY
) -> tuple[tuple[Shift, ...], str]:
    """`busy` lines for `starts`, and a comment. `epoch_weekday`: the day of the week of
    minute 0 (0 = Monday): a Thursday for a log's times (minutes since 1970-01-01), a
    Monday for a simulated log (minutes since the run's start)."""
    n = len(starts)
    if n < MIN_STARTS:
        return (), f"{n} starts, too few for a weekly profile"
    # 1970-01-01 was a Thursday: day 0 of the week is Monday
    days = Counter(int((t // DAY_MINUTES + epoch_weekday) % 7) for t in starts)
    hours = Counter(int((t % DAY_MINUTES) // HOUR) for t in starts)
    said = []
    if _uneven(days, 7):
        said.append("day of the week")
    midnight = sum(k for _, k in hours.most_common(2)) / n  # dates, in one or two zones
    if midnight < 0.9 and _uneven(hours, 24):
        said.append("hour of the day")
    if not said:
        why = "starts at one time of day (dates only); " if midnight >= 0.9 else ""
        return (), f"{why}{n} starts: no profile of the week beyond chance"
    groups = [(WEEKDAYS, 5), (WEEKENDS, 2)] if said[0] == "day of the week" else [(ALL, 7)]
    shifts = []
    for days_of, width in groups:
        group = [t for t in starts if int((t // DAY_MINUTES + epoch_weekday) % 7) in days_of]
        if "hour of the day" in said:
            by_hour = Counter(int((t % DAY_MINUTES) // HOUR) for t in group)
            scale = 24 * 7 / (width * n)  # a count of starts in an hour -> its density
            row = []
            for first, last, count in _blocks([by_hour[h] for h in range(24)]):
                row += [_level(count * scale / (last - first))] * (last - first)
        else:
            row = [_level(len(group) * 7 / (width * n))] * 24
        shifts += _runs(days_of, row)
    if not any(s.value > 0 for s in shifts):
        return (), "no profile"
    return tuple(shifts), f"{n} starts by {' and '.join(said)} (chi-square at 1%)"


def _blocks(counts: list[int]) -> list[tuple[int, int, int]]:
    """Neighbouring hours whose counts are one rate within chance, merged: (first hour,
    hour after the last, starts). A block grows while the next hour's count lies within
    two Poisson standard deviations of what the block's rate gives it, so that noise in
    a thin log does not become a line for every hour."""
    out: list[tuple[int, int, int]] = []
    first, total = 0, counts[0]
    for h in range(1, len(counts)):
        expected = total / (h - first)
        if abs(counts[h] - expected) <= 2 * math.sqrt(max(expected, 1.0)):
            total += counts[h]
            continue
        out.append((first, h, total))
        first, total = h, counts[h]
    out.append((first, len(counts), total))
    return out


def _level(density: float) -> float:
    """A density as written: to a tenth below 1x, to a half above (readable lines)."""
    return round(density, 1) if density < 1 else round(density * 2) / 2


def _runs(days: tuple[int, ...], row: list[float]) -> list[Shift]:
    """`busy` lines for the hours of `days` whose density is not 1x, equal hours merged."""
    out = []
    h = 0
    while h < 24:
        end = h
        while end < 24 and row[end] == row[h]:
            end += 1
        if row[h] != 1.0:
            out.append(Shift(Window(days, h * HOUR, end * HOUR), row[h]))
        h = end
    return out


def _uneven(counts: Counter, cells: int) -> bool:
    n = sum(counts.values())
    expected = n / cells
    chi2 = sum((counts.get(i, 0) - expected) ** 2 / expected for i in range(cells))
    return chi2 > chi2_critical(cells - 1) and not math.isnan(chi2)
