"""Units, value kinds and ranges: the one table the checker, formatter and docs read.

Time inside cxjourney is in minutes (MODEL.md); percentages are fractions 0..1.
"""

from __future__ import annotations

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

RATING_MIN, RATING_MAX = 1.0, 5.0


#: What each changeable attribute holds, by name; scenarios and the builder read it.
#: rating: 1..5 scale, no unit; shift: a rating difference; duration: needs a time unit;
#: percent: written with %; count: whole number; rate: N per UNIT; money: a number.
TOUCHPOINT_ATTRIBUTES = {
    "expect": "rating",
    "delivers": "rating_distribution",
    "capacity": "count",
    "service": "duration_distribution",
    "max_wait": "duration",
    "moment_of_truth": "weight",
}
EVENT_ATTRIBUTES = {"chance": "percent", "impact": "shift"}
PERSONA_ATTRIBUTES = {
    "share": "percent",
    "visits": "duration",
    "arrivals": "rate",
    "patience": "duration",
    "spend": "money",
    "price_sensitivity": "percent",
    "expects": "shift",
}
ATTRIBUTE_KINDS = {**TOUCHPOINT_ATTRIBUTES, **EVENT_ATTRIBUTES, **PERSONA_ATTRIBUTES}

#: Loyalty keys and what each holds (defaults live in `model.Loyalty`).
LOYALTY_KINDS = {
    "memory": "word",
    "negativity": "number",
    "curvature": "number",
    "tolerance": "number",
    "wait_sensitivity": "number",
    "channel_penalty": "number",
    "recovery": "percent",
    "noise": "number",
    "smoothing": "percent",
    "retention_floor": "percent",
    "retention_cap": "percent",
    "retention_midpoint": "number",
    "retention_slope": "number",
    "price_churn": "percent",
    "referral": "percent",
    "adaptation": "percent",
}
MEMORY_RULES = ("blend", "peak_end", "mean")


def parse_duration(text: str) -> float:
    """'12 weeks' → minutes, for command-line options; ValueError when it is not one."""
    import re

    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]+)\s*", text)
    if not match or match.group(2) not in TIME_UNITS:
        raise ValueError(f"'{text}' is not a duration such as '26 weeks'")
    return float(match.group(1)) * TIME_UNITS[match.group(2)]
