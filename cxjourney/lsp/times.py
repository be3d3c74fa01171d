"""Times of the week in an editor: find a window on a line, say what it covers.

A window (`mon-fri 9:00-17:00`, `weekends`, `22:00-6:00`) is read with the grammar's
own DAYS and HOURS patterns and the builder's own reading of them, so the editor
means by a window exactly what `check` and `simulate` do.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lark import Token as LarkToken

from ..language.build import DAY_WORDS, Builder
from ..language.diagnostics import Reporter
from ..language.parse import parser
from ..model import DAY_MINUTES, DAY_NAMES, SLOT_MINUTES, Window

FULL_NAMES = dict(
    zip(
        DAY_NAMES,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
#: What each word of a window's days means, for hover and completion.
DAY_MEANINGS: dict[str, str] = {
    **{day: f"{name}, a day of a time of the week" for day, name in FULL_NAMES.items()},
    "weekdays": "Monday to Friday",
    "weekends": "Saturday and Sunday",
    "daily": "every day of the week",
}
assert set(DAY_WORDS) <= set(DAY_MEANINGS)

#: Statements whose line may hold a window: `busy`, `capacity`, a scenario's change.
_WINDOW_STATEMENTS = ("busy", "capacity")


@dataclass(frozen=True)
class Found:
    """A window on a line: its text, where it stands (columns), and what it covers."""

    text: str
    start: int
    end: int
    window: Window | None  # None when its hours are not a valid time of day


@functools.cache
def _pattern() -> re.Pattern[str]:
    """A window as the grammar writes it: DAYS HOURS?, or HOURS alone."""
    days = parser().get_terminal("DAYS").pattern.value
    hours = parser().get_terminal("HOURS").pattern.value
    return re.compile(
        rf"(?<![A-Za-z0-9_:.])(?:(?P<days>{days})(?:[ \t]+(?P<hours>{hours}))?|(?P<alone>{hours}))"
    )


def may_hold_window(words: list[str]) -> bool:
    """The statement begun by `words` may end in a window."""
    if not words:
        return False
    if words[0] in _WINDOW_STATEMENTS:
        return True
    return len(words) >= 3 and words[1] == "." and words[2] == "capacity"


def windows(code: str, words: list[str]) -> list[Found]:
    """The windows on a line of code (comments removed) whose statement starts with `words`."""
    if not may_hold_window(words):
        return []
    found = []
    for match in _pattern().finditer(code):
        window = read(match.group("days"), match.group("hours") or match.group("alone"))
        found.append(Found(match.group(0), match.start(), match.end(), window))
    return found


def read(days: str | None, hours: str | None) -> Window | None:
    """The window as the builder reads it; None when the builder finds fault with it."""
    reporter = Reporter("")
    builder = Builder(reporter)
    window = Window()
    if days is not None:
        window = Window(days=builder.days(LarkToken("DAYS", days)))
    if hours is not None:
        start, end = builder.hours(LarkToken("HOURS", hours))
        window = Window(window.days, start, end)
    return None if reporter.failed else window


def describe(found: Found) -> str:
    """Markdown: which days, which hours, how many hours a week."""
    window = found.window
    if window is None:
        return (
            f"**{found.text}**: a time of the week, but its hours are not a time of day; "
            "write hours from 0:00 to 24:00 on a quarter hour, e.g. 9:00-17:30"
        )
    hours = len(window.slots()) * SLOT_MINUTES / 60
    lines = [
        f"**{found.text}**: a time of the week",
        "",
        f"- days: {day_list(window.days)}",
        f"- hours: {_hours(window)}",
        f"- {hours:g} hours a week",
    ]
    return "\n".join(lines)


def day_list(days: tuple[int, ...]) -> str:
    """`(0, 1, 2, 3, 4, 6)` → "Monday to Friday, Sunday"; `fri-mon` → "Friday to Monday"."""
    if len(days) == 7:
        return "every day"
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:  # a run through Sunday night
        runs = [runs[-1] + runs[0], *runs[1:-1]]
    names = [FULL_NAMES[DAY_NAMES[d]] for d in range(7)]
    return ", ".join(
        names[r[0]] if len(r) == 1 else f"{names[r[0]]} to {names[r[-1]]}" for r in runs
    )


def _hours(window: Window) -> str:
    if window.start == 0 and window.end == DAY_MINUTES:
        return "all day"
    span = f"{_clock(window.start)} to {_clock(window.end)}"
    if window.end <= window.start:
        return f"{span} the next day (past midnight: it belongs to the day it starts on)"
    return span


def _clock(minutes: float) -> str:
    hour, minute = divmod(int(minutes), 60)
    return f"{hour}:{minute:02d}"


def day_word(word: str) -> str:
    """Markdown for a day word of a window."""
    return f"**{word}**: {DAY_MEANINGS[word]}"


def density(number: str) -> str:
    """Markdown for a busy density such as `3x`."""
    return (
        f"**{number}x**: arrivals {number} times as dense as in an ordinary hour of the week "
        "(1x); the persona's weekly arrivals stay the same"
    )
