"""Time units, number suffixes and distributions of the language.

Time inside cxjourney is in minutes; percentages are fractions 0..1. What each
attribute holds (its kind, unit, default and range) is in `cxjourney.language.facts`.
"""

from __future__ import annotations

from . import facts as _facts

MINUTE = 1.0
HOUR = 60.0
DAY = 24 * HOUR
WEEK = 7 * DAY
MONTH = 30 * DAY
YEAR = 365 * DAY

#: Every spelling of every time unit, in minutes.
TIME_UNITS: dict[str, float] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1 / 60),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), MINUTE),
    **dict.fromkeys(("h", "hour", "hours"), HOUR),
    **dict.fromkeys(("d", "day", "days"), DAY),
    **dict.fromkeys(("week", "weeks"), WEEK),
    **dict.fromkeys(("month", "months"), MONTH),
    **dict.fromkeys(("year", "years"), YEAR),
}

#: Each unit once, by its last spelling above, for hints: seconds, minutes, ... years.
UNIT_WORDS: tuple[str, ...] = tuple({v: k for k, v in TIME_UNITS.items()}.values())

#: The canonical spelling the formatter writes for each unit, singular and plural.
CANONICAL_UNIT: dict[float, tuple[str, str]] = {
    1 / 60: ("s", "s"),
    MINUTE: ("min", "min"),
    HOUR: ("h", "h"),
    DAY: ("day", "days"),
    WEEK: ("week", "weeks"),
    MONTH: ("month", "months"),
    YEAR: ("year", "years"),
}

#: Number suffixes: `120k`, `2M`.
SUFFIXES = {"k": 1e3, "M": 1e6}

DISTRIBUTIONS: dict[str, int] = {
    "normal": 2,
    "exp": 1,
    "uniform": 2,
    "triangular": 3,
    "lognormal": 2,
}

#: The rules of `loyalty { memory ... }`.
MEMORY_RULES = _facts.lookup("loyalty", "memory").choices  # type: ignore[union-attr]


def parse_duration(text: str) -> float:
    """'12 weeks' → minutes, for command-line options; ValueError when it is not one."""
    import re

    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*", text)
    if match and match.group(2) not in TIME_UNITS:
        from .diagnostics import did_you_mean

        hint = did_you_mean(match.group(2), TIME_UNITS)
        raise ValueError(
            f"'{text}': unknown unit '{match.group(2)}'" + (f"; {hint}" if hint else "")
        )
    if not match:
        raise ValueError(f"'{text}' is not a duration such as '26 weeks'")
    return float(match.group(1)) * TIME_UNITS[match.group(2)]
