"""Durations as a person reads them: the one place that turns minutes into words.

Times inside cxjourney are minutes; nobody reads "4,608 min". Two spellings:

`duration(minutes)` — an estimate (a simulated wait, a journey's length), in the
largest natural unit, at a fixed precision:

    below 1 min      seconds   "45 s", "0.4 s"
    below 1 h        minutes   "12 min", "4.5 min"
    below 2 days     hours     "3.2 h", "36 h"
    below 2 weeks    days      "3.2 days", "13 days"
    from 2 weeks on  weeks     "5.1 weeks", "26 weeks"

Hours run to 2 days and days to 2 weeks because "36 h" and "10 days" read better
than "1.5 days" and "1.4 weeks"; weeks are the largest unit because months and
years are calendar conventions (a 30-day month), not exact lengths. The number
shows one decimal below 10 and none from 10 on (about two significant digits),
and the unit is chosen on the rounded number, so 59.97 s is "1.0 min", never
"60 s". A unit never gets smaller as the duration grows.

`duration_interval({mean, low, high})` — the same with its 95% interval, the unit
written once: "3.2 days [2.9, 3.5]", "−2.1 days [−2.4, −1.8]". The unit suits the
mean, or the interval's half-width when that is larger (a change near zero whose
interval spans days is shown in days); the numbers get one more decimal (two at
most) when the bounds would otherwise print the same or a mean that is not zero
would print as zero.

`spelled(minutes)` — a value a person wrote (a horizon, a patience, a visit gap),
exactly: the largest unit in which it is a whole number ("26 weeks", "8 min"),
which is how the file most likely wrote it (the model keeps only minutes).
`horizon(days, written)` — a run's horizon: the file's words when the run kept the
file's horizon, otherwise as the results file writes it (`horizon_days`).

Negative numbers take a true minus sign (−); signed ones a plus too.
"""

from __future__ import annotations

import math

from ..model import DAY_NAMES, WEEK_MINUTES
from ..results import Interval, IntervalLike

MINUTE = 1.0
HOUR = 60.0
DAY = 24 * HOUR
WEEK = 7 * DAY
MONTH = 30 * DAY  # as `cxjourney.language.units` reads "month"
YEAR = 365 * DAY

#: (unit, its length in minutes, where the next unit takes over, in minutes)
UNITS: tuple[tuple[str, float, float], ...] = (
    ("s", MINUTE / 60, MINUTE),
    ("min", MINUTE, HOUR),
    ("h", HOUR, 2 * DAY),
    ("days", DAY, 2 * WEEK),
    ("weeks", WEEK, math.inf),
)

MINUS = "\u2212"
NO_VALUE = "–"


def _decimals(number: float) -> int:
    """One decimal below 10, none from 10 on (decided on the rounded number)."""
    return 1 if abs(round(number, 1)) < 10 else 0


def unit_for(minutes: float) -> tuple[str, float, int]:
    """(unit, its length in minutes, decimals) in which `minutes` is written."""
    size = abs(minutes)
    for name, length, limit in UNITS:
        number = size / length
        places = _decimals(number)
        if round(number, places) < limit / length:
            return name, length, places
    name, length, _ = UNITS[-1]  # an infinite duration: not reached for finite input
    return name, length, 0


def _number(value: float, places: int, *, signed: bool) -> str:
    text = f"{abs(value):,.{places}f}"
    if float(text.replace(",", "")) == 0:
        return ("+" if signed else "") + text
    if value < 0:
        return MINUS + text
    return ("+" if signed else "") + text


def duration(minutes: float | None, *, signed: bool = False) -> str:
    """`minutes` in the largest natural unit: "45 s", "12 min", "3.2 h", "3.2 days"."""
    if minutes is None or not math.isfinite(minutes):
        return NO_VALUE
    if minutes == 0:
        return ("+" if signed else "") + "0 s"
    unit, length, places = unit_for(minutes)
    return f"{_number(minutes / length, places, signed=signed)} {unit}"


def duration_interval(value: IntervalLike | None, *, signed: bool = False) -> str:
    """A mean with its 95% interval, the unit once: "3.2 days [2.9, 3.5]"."""
    value = Interval.of(value)
    parts = interval_parts(value, signed=signed)
    if parts is None:
        if value.mean is None or not math.isfinite(value.mean):
            return NO_VALUE
        return duration(value.mean, signed=signed)
    mean, low, high, unit = parts
    return f"{mean} {unit} [{low}, {high}]"


def interval_parts(
    value: IntervalLike | None, *, signed: bool = False
) -> tuple[str, str, str, str] | None:
    """(mean, low, high, unit) as `duration_interval` writes them; None without an interval."""
    value = Interval.of(value)
    if value.mean is None or not math.isfinite(value.mean):
        return None
    mean, low, high = value.mean, value.low, value.high
    if low is None or high is None or not math.isfinite(low) or not math.isfinite(high):
        return None
    size = max(abs(mean), (high - low) / 2)
    if low == high or size == 0:
        return None
    unit, length, places = unit_for(size)
    while places < 2 and (
        f"{low / length:.{places}f}" == f"{high / length:.{places}f}"
        or (round(mean / length, places) == 0 and round(mean / length, places + 1) != 0)
    ):
        places += 1
    mean_text, low_text, high_text = (
        _number(v / length, places, signed=signed) for v in (mean, low, high)
    )
    return mean_text, low_text, high_text, unit


#: Units a written value may be spelled in, largest first.
_WRITTEN = (("week", WEEK), ("day", DAY), ("h", HOUR), ("min", MINUTE), ("s", MINUTE / 60))
_NATURAL = {"weeks": WEEK, "days": DAY, "h": HOUR, "min": MINUTE, "s": MINUTE / 60}
_HORIZON = (("year", YEAR), ("month", MONTH), *_WRITTEN)
_PLURAL = {"week": "weeks", "day": "days", "month": "months", "year": "years"}


def spelled(minutes: float | None, *, horizon: bool = False) -> str:
    """A written value exactly, in the largest unit that makes it whole: "26 weeks".

    Units down to the one below the natural unit are tried ("30 days", "90 s"), so a
    value is not spelled in a unit far smaller than a reader expects ("2.4 days", not
    "3,456 min": that falls back to `duration`). With `horizon`, years (365 days) and
    months (30 days) are tried first, as a file writes "horizon 1 year" or "horizon
    12 months"; elsewhere a month is no unit a reader expects ("every 30 days").
    """
    if minutes is None or not math.isfinite(minutes):
        return NO_VALUE
    if minutes <= 0:
        return duration(minutes)
    smallest = _NATURAL[unit_for(minutes)[0]] / 60  # admits the next unit down, no further
    for name, length in _HORIZON if horizon else _WRITTEN:
        if length < smallest * 0.99:
            break
        count = minutes / length
        if count >= 1 and abs(count - round(count)) < 1e-9:
            whole = round(count)
            word = name if whole == 1 else _PLURAL.get(name, name)
            return f"{whole:,} {word}"
    return duration(minutes)


def horizon(days: float, written: float | None = None) -> str:
    """A run's horizon: in the journey file's words when the run kept the file's horizon
    (`written`, the file's horizon in minutes: "26 weeks"), otherwise as the results file
    writes it ("28 days"; the natural unit when not a whole number of days)."""
    if written is not None and abs(days * DAY - written) < 1e-6:
        return spelled(written, horizon=True)
    if abs(days - round(days)) < 1e-9 and days >= 1:
        return f"{days:g} day" if round(days) == 1 else f"{days:g} days"
    return duration(days * DAY)


#: Hours in a week: a smaller number naming a time of the week is an hour index.
WEEK_HOURS = 168


def busy_hour(value: object) -> str:
    """The hour of the week a result names, as "Mon 9:00".

    A string is shown as given. A number is read as the simulator writes it, the hour
    of the week (0 = Monday 0:00-1:00, below 168), or else as minutes after Monday 0:00
    (so a count of minutes below 168, Monday before 2:48, would be misread as hours;
    a week's busiest hour falls there only in a journey busy in the night).
    """
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        minutes = value * HOUR if 0 <= value < WEEK_HOURS else value
        minute = int(minutes) % int(WEEK_MINUTES)
        day, rest = divmod(minute, int(DAY))
        return f"{DAY_NAMES[day].capitalize()} {rest // 60}:{rest % 60:02d}"
    return NO_VALUE
