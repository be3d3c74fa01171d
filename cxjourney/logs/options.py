"""How to read a log: which column or key holds what, the unit of times, the scale of ratings.

Times are minutes: since the Unix epoch for dates (naive dates are UTC), as written for
plain numbers (times in the `simulate --events` log).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

#: Column (or XES key) names tried, in order, when no option names one.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "case": ("case:concept:name", "case_id", "caseid", "case", "case id", "ticket", "session"),
    "activity": ("concept:name", "activity", "activity_name", "event", "action", "step"),
    "timestamp": (
        "time:timestamp",
        "timestamp",
        "end_timestamp",
        "complete_timestamp",
        "end_time",
        "time",
        "date",
        "datetime",
    ),
    "start_timestamp": ("start_timestamp", "start_time", "time:start"),
    "lifecycle": ("lifecycle:transition", "lifecycle", "transition", "event_type"),
    "resource": ("org:resource", "resource", "agent", "user"),
    "customer": ("case:customer", "customer", "customer_id", "client", "client_id", "user_id"),
    "persona": ("case:persona", "persona", "segment", "customer_segment"),
    "rating": ("rating", "csat", "score", "satisfaction", "nps"),
    "channel": ("channel", "medium"),
}
FIELDS = tuple(CANDIDATES)

#: The longest line of a CSV log, and the longest XES element (tag with its attributes):
#: longer ones are refused, so that one line cannot fill memory or slow the parser.
MAX_LINE = 1 << 20  # 1 MiB (characters of CSV, bytes of XES)
MAX_LINE_TEXT = "1 MiB"
MINUTES = {"s": 1 / 60, "min": 1.0, "h": 60.0, "d": 1440.0}


@dataclass(frozen=True)
class ReadOptions:
    """Which column or XES key holds what (None: the first of CANDIDATES present)."""

    keys: dict[str, str] = field(default_factory=dict)
    time_format: str | None = None  # strptime format for dates that are not ISO 8601
    time_unit: str = "min"  # unit of plain-number timestamps
    rating_scale: str = "auto"  # auto | 5 | 10
    scenario: str = "baseline"  # which scenario of a simulated log
    replication: str = "1"  # which replication of a simulated log: each is a whole run


# ---- times --------------------------------------------------------------------------------
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: The times a log may hold, in minutes since 1970-01-01 UTC: the years 1900 to 2199.
#: Anything beyond is a misread unit or a broken export, and would stretch the log's span
#: until its arrival rates read as 0.
FIRST_TIME = (datetime(1900, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds() / 60.0
END_TIME = (datetime(2200, 1, 1, tzinfo=UTC) - _EPOCH).total_seconds() / 60.0


def out_of_range(value: float, options: ReadOptions) -> str | None:
    """Why a time (minutes) is refused, or None when it lies in the years 1900 to 2199."""
    if FIRST_TIME <= value < END_TIME:
        return None
    return (
        "lies outside the years 1900 to 2199 "
        f"(a plain number counts --time-unit {options.time_unit} from 1970-01-01)"
    )


_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def time_parser(options: ReadOptions):
    """A function text -> minutes (raising ValueError), chosen once per log."""
    unit = MINUTES[options.time_unit]
    fmt = options.time_format

    def parse(text: str) -> float:
        text = text.strip()
        if _NUMBER.match(text):
            return float(text) * unit
        moment = datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (moment - _EPOCH).total_seconds() / 60.0

    return parse


def rating_scale(values: list[float], declared: str) -> int:
    """5 for 1..5 ratings, 10 for 0..10 scores: declared, or 10 when any exceeds 5."""
    if declared in ("5", "10"):
        return int(declared)
    return 10 if any(v > 5 for v in values) else 5


def to_five(value: float, scale: int) -> float:
    """A 0..10 score on the 1..5 scale of `delivers` (0 -> 1, 10 -> 5)."""
    return value if scale == 5 else 1.0 + 0.4 * value
