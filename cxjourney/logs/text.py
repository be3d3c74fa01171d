"""Numbers for comments and reports, and estimates rounded to what a map should say.

`number`, `duration`, `rate` and `percent` write numbers in comments and tables (no
exponents, about four significant digits). The `rounded_*` functions and `fraction`
give the model's value of such a written number, computed as the builder would read it,
so that the printer writes the short number back (`3.2 per day`, not 17 digits).
"""

from __future__ import annotations

import heapq
import math

#: Duration units, largest first, in minutes.
DURATION_UNITS = (("days", 1440.0), ("h", 60.0), ("min", 1.0), ("s", 1 / 60))
RATE_UNITS = (("hour", 60.0), ("day", 1440.0), ("week", 10080.0), ("month", 43200.0))
BASIS = 10000  # percentages are written in hundredths of a point: 100.00% = 10000


def number(x: float, digits: int = 4) -> str:
    """`x` with about `digits` significant digits, never in exponent form."""
    if x == 0 or not math.isfinite(x):
        return "0"
    places = max(0, min(6, digits - 1 - math.floor(math.log10(abs(x)))))
    text = f"{x:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def duration(minutes: float) -> str:
    """A duration in the largest unit that keeps it at 1 or more (`90 s`, `2.5 min`)."""
    for unit, size in DURATION_UNITS:
        if minutes >= size:
            return f"{number(minutes / size)} {unit}"
    return f"{number(minutes * 60)} s"


def rate(per_minute: float) -> str:
    """A rate in the smallest unit that gives at least one (`3.2 per day`)."""
    for unit, size in RATE_UNITS:
        if per_minute * size >= 1:
            return f"{number(per_minute * size)} per {unit}"
    return f"{number(per_minute * 525600)} per year"


def percent(units: int) -> str:
    """Hundredths of a point as a percentage: 3333 -> `33.33%`."""
    return f"{number(units / 100, 6) if units % 100 else units // 100}%"


def split(counts: list[float], *, floor: bool = True, every: bool = False) -> list[int]:
    """Counts -> hundredths of a point summing to exactly 100%.

    Largest remainder; with `floor`, every positive count keeps at least 0.01% so
    that no observed edge rounds away (an edge that exists must stay reachable);
    with `every`, so does every entry, counted or not.
    """
    total = sum(counts)
    if total <= 0:
        raise ValueError("nothing to split")
    raw = [BASIS * c / total for c in counts]
    units = [math.floor(r) for r in raw]
    if floor:
        units = [max(u, 1) if c > 0 or every else 0 for u, c in zip(units, counts, strict=True)]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - math.floor(raw[i])), i))
    left = BASIS - sum(units)
    i = 0
    while left > 0:
        units[order[i % len(order)]] += 1
        left -= 1
        i += 1
    largest = [(-u, k) for k, u in enumerate(units)]  # the floors took too much: take
    heapq.heapify(largest)  # back from the largest, one unit at a time (a heap, not a
    while left < 0:  # scan per unit: a node of thousands of edges took minutes)
        u, j = heapq.heappop(largest)
        units[j] -= 1
        heapq.heappush(largest, (u + 1, j))
        left += 1
    return units


def rounded(x: float, digits: int = 4) -> float:
    """`x` to about `digits` significant digits, as `number` writes it."""
    return float(number(x, digits))


def rounded_duration(minutes: float) -> float:
    """Minutes, to four significant digits in the unit `duration` would write them in."""
    for _, size in DURATION_UNITS:
        if minutes >= size:
            return float(number(minutes / size)) * size
    return float(number(minutes * 60)) * (1 / 60)


def rounded_rate(per_minute: float) -> float:
    """Per minute, to four significant digits in the unit `rate` would write it in."""
    for _, size in RATE_UNITS:
        if per_minute * size >= 1:
            return float(number(per_minute * size)) / size
    return float(number(per_minute * 525600)) / 525600


def fraction(units: int) -> float:
    """Hundredths of a point as the fraction the language reads `percent(units)` as."""
    return float(percent(units)[:-1]) / 100
