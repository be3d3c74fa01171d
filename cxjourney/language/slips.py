"""Slips a newcomer makes, read from the line that fails to parse: what was meant, so
that the message says what is wrong and the hint shows the line as it should be.

Each function only proposes; the parser (`parse.py`) keeps a rewrite of a line only when
the file then parses past it, so a wrong guess is never reported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import facts, units
from .diagnostics import did_you_mean

WORD = re.compile(r"[A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A line as meant: where the slip starts (from 1), the message, its hint, the line."""

    column: int
    message: str
    hint: str
    line: str


# Statements that end in text, and how many words come before it: `owner Field team`,
# `touchpoint desk Front desk {`, `delighter offer Free coffee chance 10% impact +1`.
HEADERS = ("persona", "stage", "touchpoint", "scenario", "delighter", "disappointer")
_TEXT_AFTER = {"journey": 1, "owner": 1, "description": 1, "use": 1} | dict.fromkeys(HEADERS, 2)
# Statements that take one name right after their keyword: `channel field ops`.
_NAMED = frozenset((*HEADERS, "channel", "currency"))
# Where the text or name ends: a block's '{', a label, or an event's `chance`.
_TEXT_END = re.compile(r"\{\s*\}?$|\bchance\b")
_NAME_END = re.compile(r'\{\s*\}?$|"|\bchance\b')


def rewrites(code: str, column: int) -> list[Rewrite]:
    """Words where a statement takes text (`owner Field operations`) or one name
    (`persona busy parent {`), quoted or joined with '_', the likelier first; `code` is
    the line without its comment, `column` where the parser stopped."""
    code = code.rstrip()
    words = list(re.finditer(r"\S+", code))
    keyword = words[0].group(0) if words else ""
    quoted = _quoted(code, words, column) if keyword in _TEXT_AFTER else None
    joined = _joined(code, words, column) if keyword in _NAMED else None
    candidates = [c for c in (quoted, joined) if c is not None]
    if joined is not None and quoted is not None and not quoted[4]:
        candidates.reverse()  # `persona busy parent {`: a name more likely than a label
    return [
        Rewrite(start + 1, message, f"{lead}: {fixed.strip()}", fixed)
        for start, message, lead, fixed, _ in candidates
    ]


def _quoted(code: str, words: list[re.Match[str]], column: int):
    skip = _TEXT_AFTER[words[0].group(0)]
    if len(words) <= skip + 1:
        return None
    start = words[skip].start()
    end = _TEXT_END.search(code, start)
    stop = end.start() if end else len(code)
    text = code[start:stop].strip()
    if not text or '"' in text or "\\" in text or not start < column <= stop + 1:
        return None
    likely = " " in text or text[0].isupper()
    fixed = f'{code[:start]}"{text}"{code[start + len(text) :]}'
    if " " in text:
        return start, "text of several words is written in quotes", "quote them", fixed, likely
    return start, "a label is written in quotes", "quote it", fixed, likely


def _joined(code: str, words: list[re.Match[str]], column: int):
    if len(words) < 3:
        return None
    start = words[1].start()
    end = _NAME_END.search(code, start)
    stop = end.start() if end else len(code)
    parts = code[start:stop].split()
    if len(parts) < 2 or not all(WORD.fullmatch(p) for p in parts):
        return None
    if not start < column <= stop + 1:
        return None
    name = "_".join(parts)
    rest = code[start:].split(None, len(parts))[len(parts) :]
    fixed = f"{code[:start]}{name}" + (f" {rest[0]}" if rest else "")
    return start, "a name is one word; join its words with '_'", "write", fixed, True


# `patience 10 working days`: the statement, its number, and the word after the number.
_DURATION_SLIP = re.compile(
    r"\s*([a-z_]+)(?:\s+every)?\s+[+-]?[0-9][0-9.]*[kM]?\s*([A-Za-z_]\w*)\s+$"
)


@functools.cache
def _duration_statements() -> frozenset[str]:
    """The statements whose value is a number and a time unit (`patience`, `service`)."""
    return frozenset(
        a.written.split()[0]
        for a in facts.ATTRIBUTES
        if a.unit == "minutes" and a.kind in ("duration", "distribution") and not a.within
    )


def after_duration(before: str, word: str, keywords: Iterable[str]) -> tuple[int, str, str] | None:
    """A word too many after a duration: the unit is not one (`10 working days`), or the
    statement goes on after it (`10 days working`). Column, message and hint."""
    slip = _DURATION_SLIP.match(before)
    if slip is None or slip.group(1) not in _duration_statements():
        return None
    meant = did_you_mean(word, keywords)
    if meant:
        return (len(before) + 1, f"unknown keyword '{word}'", meant)  # `form` for `from`
    unit = slip.group(2)
    if unit not in units.TIME_UNITS:
        return (
            slip.start(2) + 1,
            f"'{unit}' is not a unit of time",
            "use one of: " + ", ".join(units.UNIT_WORDS),
        )
    written = before.strip()
    return (
        len(before) + 1,
        f"unexpected word '{word}' after the duration",
        f"a duration is a number and one unit: {written}",
    )


def dashed(line: str, at: int) -> str:
    """The words around a '-' at `at`, joined with '_' (`busy-parent`: busy_parent), or ""."""
    start = at
    while start > 0 and (line[start - 1].isalnum() or line[start - 1] in "_-"):
        start -= 1
    end = at
    while end < len(line) and (line[end].isalnum() or line[end] in "_-"):
        end += 1
    name = line[start:end].replace("-", "_")
    return name if start < at < end - 1 and name[0].isalpha() and WORD.fullmatch(name) else ""


def named_label(code: str, label: str) -> str:
    """A header with a label but no name (`persona "Busy parent" {`), given a name."""
    name = re.sub(r"\W+", "_", label[1:-1].lower()).strip("_")
    name = name if WORD.fullmatch(name) and not name[:1].isdigit() else "name"
    return code.strip().replace(label, f"{name} {label}", 1)
