"""Model values back in the language's words: `26 weeks`, `60%`, `3.6 +- 0.4`, `40k`.

The model holds canonical values (minutes, fractions, rates per minute). Two families:

* shown (`duration`, `rate`, `percent`...): for people reading a diff. When two values
  are shown side by side they share a unit (`30 per week → 45 per week`), so the change
  is visible at a glance; a number is cut to six significant digits.
* written (`written_duration`, `written_rate`...): for the printer, which writes files.
  Reading the text back gives the very same value, in the spelling `fmt` keeps: time
  units as `units.CANONICAL_UNIT` spells them, the largest whole unit, day lists as
  `mon, wed`, hours as `9:00-17:30`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from decimal import Decimal

from ..model import DAY_MINUTES, DAY_NAMES, Change, Distribution, Shift, Value, Window
from . import units
from .facts import scenario_attribute

# Largest first: a duration is shown in the largest unit that gives a whole number.
_DURATION_UNITS = (
    ("year", "years", units.YEAR),
    ("month", "months", units.MONTH),
    ("week", "weeks", units.WEEK),
    ("day", "days", units.DAY),
    ("h", "h", units.HOUR),
    ("min", "min", units.MINUTE),
    ("s", "s", 1 / 60),
)
# Rates: the first unit (in the order people count arrivals) giving a whole count.
_RATE_UNITS = ("month", "week", "day", "h", "min", "year", "s")


def number(x: float) -> str:
    """`4`, `4.5`, `0.125`: no trailing zeros, no float noise."""
    if not math.isfinite(x):
        return str(x)
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def signed(x: float) -> str:
    """A shift or an impact, with its sign: `+1.5`, `-2`."""
    text = number(x)
    return text if text.startswith("-") else "+" + text


def money(x: float) -> str:
    """Costs and spend with the language's suffixes when exact: `40k`, `1.2M`."""
    for factor, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(x) >= factor and _whole(x / factor * 10):
            return number(x / factor) + suffix
    return number(x)


def percent(fraction: float) -> str:
    return number(round(fraction * 100, 9)) + "%"


def duration(minutes: float, *, together: Iterable[float] = ()) -> str:
    """`26 weeks`, `90 s`; `together`: other values that must share the unit."""
    singular, plural, size = _duration_unit([minutes, *together])
    count = round(minutes / size, 9)
    return f"{number(count)} {singular if count == 1 else plural}"


def approximate(minutes: float) -> str:
    """A computed duration: exactly when whole in the largest unit up to weeks that it
    fills or the next smaller one (`1 day`, `90 min`), otherwise about, in the former,
    one decimal below 10 and none from 10 (`3.0 days`)."""
    written = _DURATION_UNITS[2:]  # weeks and smaller: no calendar units
    filled = next((i for i, u in enumerate(written) if abs(minutes) >= u[2]), len(written) - 1)
    for singular, plural, size in written[filled : filled + 2]:
        count = minutes / size
        if _whole(count) and abs(count) >= 1:
            return f"{number(round(count))} {singular if round(count) == 1 else plural}"
    _, plural, size = written[filled]
    count = minutes / size
    return f"{count:.{1 if abs(count) < 9.95 else 0}f} {plural}"


def rate(per_minute: float, *, together: Iterable[float] = ()) -> str:
    """`30 per week` (the model keeps rates per minute)."""
    values = [per_minute, *together]
    for name in _RATE_UNITS:
        size = units.TIME_UNITS[name]
        if all(_whole(v * size) and (v == 0 or 1 <= v * size < 1e5) for v in values):
            return f"{number(round(per_minute * size, 9))} per {name}"
    return f"{number(round(per_minute * units.WEEK, 4))} per week"


def rate_range(low: float, high: float) -> str:
    """`30 .. 50 per week`: both ends of a range of belief of a rate in one unit."""
    text = rate(high, together=[low])
    unit = text.rsplit(" per ", 1)[1]
    size = units.TIME_UNITS[unit]
    return f"{number(round(low * size, 9))} .. {text}"


def ranged(kind: str, low: float, high: float) -> str:
    """A range of belief as written, both ends in one unit: `20 days .. 40 days`,
    `5% .. 15%`, `+1 .. +3`, `30 .. 50 per week`."""
    if kind == "rate":
        return rate_range(low, high)
    if kind == "duration":
        return f"{duration(low, together=[high])} .. {duration(high, together=[low])}"
    if kind == "percent":
        return f"{percent(low)} .. {percent(high)}"
    if kind == "shift":
        return f"{signed(low)} .. {signed(high)}"
    if kind == "money":
        return f"{money(low)} .. {money(high)}"
    return f"{number(low)} .. {number(high)}"


def distribution(dist: Distribution, *, time: bool) -> str:
    """`3.6 +- 0.4`, `exp(90 s)`, `triangular(4 min, 8 min, 20 min)`."""
    params = dist.params
    ranges = dist.ranges or (None,) * len(params)
    shown = [
        x
        for p, r in zip(params, ranges, strict=True)
        for x in ((p,) if r is None else (r.low, r.high))
    ]

    def arg(x: float) -> str:
        return duration(x, together=shown) if time else number(x)

    written = [
        arg(p) if r is None else f"{arg(r.low)} .. {arg(r.high)}"  # a range of belief
        for p, r in zip(params, ranges, strict=True)
    ]
    if dist.kind == "constant":
        text = written[0]
    elif dist.kind == "normal":
        text = f"{written[0]} +- {written[1]}"
    else:
        text = f"{dist.kind}({', '.join(written)})"
    if dist.scale != 1:
        text = f"{number(dist.scale)} × ({text})"
    if dist.offset:
        text += f" {'+' if dist.offset > 0 else '-'} {arg(abs(dist.offset))}"
    return text


def clock(minutes: float) -> str:
    """`9:00`, `17:30`, `24:00`."""
    whole = round(minutes)
    return f"{whole // 60}:{whole % 60:02d}"


def days(chosen: Iterable[int]) -> str:
    """`mon-fri`, `sat-sun`, `mon, wed, fri`, `daily`: runs of days, Monday first."""
    picked = sorted(set(chosen))
    if len(picked) == 7:
        return "daily"
    runs: list[list[int]] = []
    for day in picked:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = [
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in runs
    ]
    return ", ".join(names)


def window(w: Window) -> str:
    """A window as the language writes it: `mon-fri 9:00-12:00`, `sun`, `22:00-6:00`."""
    whole_day = w.start == 0 and w.end == DAY_MINUTES
    if whole_day and len(set(w.days)) == 7:
        return "all week"
    hours = "" if whole_day else f"{clock(w.start)}-{clock(w.end)}"
    if len(set(w.days)) == 7:
        return hours
    return f"{days(w.days)} {hours}".strip()


def schedule(shifts: Iterable[Shift], *, suffix: str = "") -> str:
    """`10 mon-fri 8:00-18:00; 0 sun` (capacity) or `3x mon-fri 9:00-12:00` (busy hours)."""
    signs = {"=": "", "+=": "+", "-=": "-", "*=": "×"}
    parts = [f"{signs.get(s.op, s.op)}{number(s.value)}{suffix} {window(s.window)}" for s in shifts]
    return "; ".join(parts) if parts else "(none)"


def quoted(text: str) -> str:
    """A string literal as the language writes it: `"say \\"hi\\""`."""
    if "\n" in text or "\r" in text:
        raise ValueError(f"a string of the language is one line: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def change(c: Change) -> str:
    """A scenario's line as it would be written."""
    if c.kind == "add" and c.event is not None:
        e = c.event
        path = ".".join(c.path)
        chance, impact = percent(e.chance), signed(e.impact)
        if e.chance_range is not None:
            chance = ranged("percent", e.chance_range.low, e.chance_range.high)
        if e.impact_range is not None:
            impact = ranged("shift", e.impact_range.low, e.impact_range.high)
        return f"add {e.kind} {path} {quoted(e.label)} chance {chance} impact {impact}"
    if c.kind == "remove":
        return "remove " + ".".join(c.path)
    value = "?" if c.value is None else _value(c.value, c.path[-1] if c.path else "", c.op)
    if c.kind == "flow":
        line = f"flow {c.path[0]} -> {c.path[1]} {c.op} {value}"
        return f"{line} for {c.persona}" if c.persona else line
    every = "every " if c.path[-1] == "visits" and c.op != "*=" else ""
    line = f"{'.'.join(c.path)} {c.op} {every}{value}"
    return f"{line} {window(c.window)}" if c.window is not None else line


def _value(value: Value, attribute: str, op: str) -> str:
    if value.range is not None:  # what the change does, as a range of belief
        fact = None if op == "*=" else scenario_attribute(attribute)
        kind = "number" if fact is None else fact.kind
        if kind == "distribution":
            kind = "duration" if fact is not None and fact.unit == "minutes" else "number"
        if value.kind in ("percent", "rate"):
            kind = value.kind
        return ranged(kind, value.range.low, value.range.high)
    if op == "*=" or value.kind in ("number", "unknown"):
        fact = None if op == "*=" else scenario_attribute(attribute)
        kind = fact.kind if fact else ""
        if kind == "duration":
            return duration(value.number)
        if kind == "shift":
            return signed(value.number)
        return money(value.number) if kind == "money" else number(value.number)
    if value.kind == "percent":
        return percent(value.number)
    if value.kind == "rate":
        return rate(value.number)
    if value.kind == "distribution" and value.distribution is not None:
        fact = scenario_attribute(attribute)
        time = fact is not None and fact.unit == "minutes"
        return distribution(value.distribution, time=time)
    return value.word or number(value.number)


def _duration_unit(values: list[float]) -> tuple[str, str, float]:
    shown = [abs(v) for v in values if v and math.isfinite(v)]
    for singular, plural, size in _DURATION_UNITS:
        if shown and all(_whole(v / size) and v >= size for v in shown):
            return singular, plural, size
    for singular, plural, size in _DURATION_UNITS:
        if shown and min(shown) >= size:
            return singular, plural, size
    return "min", "min", units.MINUTE


def _whole(x: float) -> bool:
    return math.isfinite(x) and abs(x - round(x)) < 1e-6 * max(1.0, abs(x))


# ---- values exactly as a file writes them (the printer's spelling) ------------------------
#
# The functions above show values to people (a diff); the ones below write them into a
# file, so reading the text back must give the very same float. The builder's arithmetic
# is replayed on each candidate: a duration is `float(text) × the unit's minutes`, a
# percentage `float(text) / 100`, a rate `float(text) / the unit's minutes`, money with a
# suffix `float(text) × 1000`. Of the texts that read back exactly, the shortest is
# written; a computed value no text gives exactly (a fraction no percentage reads as) is
# written as the nearest one, shortest first, so that printing it again changes nothing.

#: Time units a file may be written in, largest first: (minutes, singular, plural).
TIME_WORDS: tuple[tuple[float, str, str], ...] = tuple(
    (size, *units.CANONICAL_UNIT[size]) for size in sorted(units.CANONICAL_UNIT, reverse=True)
)
#: The units a rate may be written in.
RATE_WORDS = ("year", "month", "week", "day", "h", "min", "s")


def positional(x: float) -> str:
    """The shortest text that reads back as `x`, never in exponent form: `0.0000001`."""
    if x == 0:
        return "0"  # -0.0 too: the same value
    text = repr(float(x))
    if "e" in text:
        text = format(Decimal(text), "f")
    return text.removesuffix(".0")


def exact(value: float, shown: float, read: Callable[[float], float]) -> str:
    """The shortest text `t` of `shown` with `read(float(t)) == value`, or the nearest.

    `shown` is the value in the unit it is written in; `read` is the builder's arithmetic.
    """
    if not math.isfinite(value) or not math.isfinite(shown):
        raise ValueError(f"{value} cannot be written in a journey file")
    best, best_error = "", math.inf
    for digits in range(1, 18):
        text = positional(float(format(shown, f".{digits}g")))
        error = abs(read(float(text)) - value)
        if error < best_error:
            best, best_error = text, error
            if error == 0:
                break
    return best


def written_number(x: float) -> str:
    """A plain number: a rating, a count, a weight, a factor."""
    return exact(x, x, float)


def written_signed(x: float) -> str:
    """A shift or an impact, with its sign: `+1.5`, `-2`."""
    text = written_number(x)
    return text if text.startswith("-") else "+" + text


def written_money(x: float) -> str:
    """An amount, with `k` or `M` when that reads exactly with at most one decimal: `40k`."""
    for factor, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(x) >= factor:
            text = exact(x, x / factor, lambda v, f=factor: v * f)
            if float(text) * factor == x and len(text.partition(".")[2]) <= 1:
                return text + suffix
    return written_number(x)


def written_percent(fraction: float) -> str:
    return exact(fraction, fraction * 100, lambda v: v / 100) + "%"


#: More significant digits than a person reads at a glance: a duration that needs them in
#: the unit it fills is written in any smaller unit that needs fewer.
LONG_DIGITS = 6


def written_duration(minutes: float) -> str:
    """In the largest unit the value fills or the next smaller one, whichever needs fewer
    digits (the larger on a tie): `26 weeks`, `90 s`, `1 month`, `2.537 days`, `1.75 h`,
    never `219196.8 s`. A value neither reads back from exactly is written in the unit
    that needs the fewest digits of those that do (minutes always do)."""
    if minutes == 0:
        return "0 min"
    if not math.isfinite(minutes):
        raise ValueError(f"{minutes} cannot be written in a journey file")
    candidates = []
    for rank, (size, singular, plural) in enumerate(TIME_WORDS):
        shown = minutes / size
        if not math.isfinite(shown) or shown == 0:
            continue
        text = exact(minutes, shown, lambda v, s=size: v * s)
        if float(text) * size != minutes:
            continue
        word = singular if text.lstrip("-") == "1" else plural
        candidates.append((abs(shown) < 1, _digits(text), rank, f"{text} {word}"))
    filled = min((rank for small, _, rank, _ in candidates if not small), default=-9)
    near = [c for c in candidates if filled <= c[2] <= filled + 1]  # none below a second
    if near and min(near)[1] > LONG_DIGITS:  # 479 days, not 1.3123287671232877 years
        near = [c for c in candidates if not c[0]] or near
    return min(near or candidates)[-1]  # minutes always read back exactly: never empty


def written_rate(per_minute: float) -> str:
    """`40 per week`, `3 per day`, `2.5 per day`: the count with the fewest digits, the
    smaller count on a tie."""
    if per_minute == 0:
        return "0 per week"
    if not math.isfinite(per_minute):
        raise ValueError(f"{per_minute} cannot be written in a journey file")
    candidates = []
    for name in RATE_WORDS:
        size = units.TIME_UNITS[name]
        shown = per_minute * size
        if not math.isfinite(shown) or shown == 0:
            continue
        text = exact(per_minute, shown, lambda v, s=size: v / s)
        if float(text) / size != per_minute:
            continue
        candidates.append((abs(shown) < 1, _digits(text), abs(shown), f"{text} per {name}"))
    return min(candidates)[-1]  # per minute always reads back exactly: never empty


def written_rate_range(low: float, high: float) -> str:
    """`30 .. 50 per week`: a range of belief of a rate, both ends in one unit that reads
    both back exactly, the fewest digits first."""
    candidates = []
    for name in RATE_WORDS:
        size = units.TIME_UNITS[name]
        texts = []
        for x in (low, high):
            shown = x * size
            text = exact(x, shown, lambda v, s=size: v / s) if math.isfinite(shown) else ""
            if not text or float(text) / size != x:
                break
            texts.append(text)
        else:
            digits = _digits(texts[0]) + _digits(texts[1])
            text = f"{texts[0]} .. {texts[1]} per {name}"
            candidates.append((abs(high * size) < 1, digits, text))
    if not candidates:
        raise ValueError(f"{low} .. {high} per minute cannot be written in a journey file")
    return min(candidates)[-1]


def written_distribution(dist: Distribution, *, time: bool) -> str:
    """`3.8 +- 0.4`, `exp(90 s)`, `lognormal(5 days, 2 days)`: each argument on its own,
    a range of belief as `low .. high` (`exp(20 min .. 40 min)`)."""
    if dist.scale != 1 or dist.offset != 0:
        raise ValueError("a scenario's scaled or shifted distribution has no text")
    arg = written_duration if time else written_number
    ranges = dist.ranges or (None,) * len(dist.params)
    params = [
        arg(p) if r is None else f"{arg(r.low)} .. {arg(r.high)}"
        for p, r in zip(dist.params, ranges, strict=True)
    ]
    if dist.kind == "constant":
        return params[0]
    if dist.kind == "normal":
        return f"{params[0]} +- {params[1]}"
    return f"{dist.kind}({', '.join(params)})"


def written_window(w: Window) -> str:
    """A window as it is written: `mon-fri 9:00-12:00`, `sat-sun`, `22:00-6:00`, `daily`."""
    if not w.days:
        raise ValueError("a window without days has no text")
    whole_day = w.start == 0 and w.end == DAY_MINUTES
    hours = "" if whole_day else f"{clock(w.start)}-{clock(w.end)}"
    if len(set(w.days)) == 7:
        return hours or "daily"
    return f"{days(w.days)} {hours}".rstrip()


def _digits(text: str) -> int:
    """Significant digits of a written number (`90` has one, `1.5` two, `0.25` two)."""
    digits = text.lstrip("-")
    if "." not in digits:
        digits = digits.rstrip("0")
    return len(digits.replace(".", "").lstrip("0")) or 1
