"""Activities of a log -> touchpoints of a map, and valid identifiers for new touchpoints.

An activity maps by a mapping file first, then by a touchpoint's label (the activity
itself, or the label `discover` makes of it: `label`), then by its id (exactly, then
either ignoring case and punctuation). Activities that map to nothing
are kept in `unknown` with their counts, so every caller can report them; a mapping
file may map an activity to nothing on purpose (an empty touchpoint), and those are
kept in `ignored`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..language.files import Unreadable, read_named_text
from ..model import Journey
from .cases import LogError, quoted

RESERVED = frozenset({"start", "end", "exit", "baseline"})
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def make_id(
    label: str, taken: set[str], fallback: str = "step", tried: dict[str, int] | None = None
) -> str:
    """A valid identifier from a label, unique among `taken` (which it joins).

    `tried`: the next suffix to try for each base, shared by the calls that fill one
    `taken`, so that thousands of labels of one base (names in a script that has no
    ASCII letters all read `step`) do not each try every suffix before theirs."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    base = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or fallback
    if base[0].isdigit():
        base = f"{fallback}_{base}"
    if base in RESERVED:
        base = f"{base}_{fallback}"
    name, n = base, (tried or {}).get(base, 2)
    while name in taken:
        name = f"{base}_{n}"
        n += 1
    if tried is not None:
        tried[base] = n
    taken.add(name)
    return name


#: Characters a label does not hold as they are: NUL (a journey file holds none), and
#: whatever ends a line (a string of the language is one line, and Python's `splitlines`
#: also breaks at \v, \f, \x1c-\x1e, \x85, \u2028, \u2029); a backslash, to escape them.
#: Other control characters (ESC, BEL, tab) are a label's own, escaped where a terminal
#: shows them.
_UNSAFE = re.compile(r"[\\\x00\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_NAMED = {"\\": "\\\\", "\n": "\\n", "\r": "\\r"}


def label(activity: str) -> str:
    """The touchpoint label of an activity: the activity as it is, whitespace and all, so
    that activities that differ only in spacing stay different touchpoints; a NUL and line
    breaks written as escapes (`\\n`, `\\x00`) and backslashes doubled, so that no two
    activities share a label and every label is one line of the language."""
    if not _UNSAFE.search(activity):
        return activity
    return _UNSAFE.sub(lambda m: _NAMED.get(m[0]) or _escape(m[0]), activity)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", unicodedata.normalize("NFKD", text).lower())


def read_mapping(path: str) -> dict[str, str]:
    """A CSV with columns `activity,touchpoint`; an empty touchpoint ignores the activity."""
    try:
        text = read_named_text(path, "utf-8-sig")
    except Unreadable as err:
        raise LogError(f"{path}: cannot read the mapping: {err}") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["activity", "touchpoint"]:
        raise LogError(f"{path}:1: a mapping file starts with the header 'activity,touchpoint'")
    out: dict[str, str] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise LogError(f"{path}:{line}: expected 'activity,touchpoint'")
        activity, touchpoint = row[0].strip(), row[1].strip()
        if touchpoint and not _IDENTIFIER.match(touchpoint):
            raise LogError(f"{path}:{line}: '{quoted(touchpoint)}' is not a touchpoint identifier")
        if activity in out:
            raise LogError(f"{path}:{line}: activity '{quoted(activity)}' is mapped twice")
        out[activity] = touchpoint
    return out


@dataclass
class Mapping:
    """activity -> touchpoint id for those that map; the rest, counted."""

    table: dict[str, str] = field(default_factory=dict)
    unknown: Counter = field(default_factory=Counter)
    ignored: Counter = field(default_factory=Counter)

    def __call__(self, activity: str) -> str | None:
        return self.table.get(activity)


def map_activities(
    journey: Journey, counts: Counter, explicit: dict[str, str] | None = None, file: str = ""
) -> Mapping:
    """Map each activity of `counts` to a touchpoint of `journey`."""
    ids = {t.id for t in journey.touchpoints}
    explicit = explicit or {}
    for tp in explicit.values():
        if tp and tp not in ids:
            raise LogError(
                f"{file}: the mapping names touchpoint '{quoted(tp)}', which the map lacks"
            )
    by_label = {t.label: t.id for t in journey.touchpoints}
    loose: dict[str, str] = {}
    for t in journey.touchpoints:
        loose.setdefault(_key(t.label), t.id)
        loose.setdefault(_key(t.id), t.id)
    mapping = Mapping()
    for activity, n in counts.items():
        if activity in explicit:
            tp = explicit[activity] or None
            if tp is None:
                mapping.ignored[activity] = n
                continue
        elif label(activity) in by_label:  # the label `discover` makes of the activity
            tp = by_label[label(activity)]
        elif activity in by_label:  # a label written as the log's own name
            tp = by_label[activity]
        elif activity in ids:
            tp = activity
        else:
            tp = loose.get(_key(activity))
        if tp is None:
            mapping.unknown[activity] = n
        else:
            mapping.table[activity] = tp
    return mapping


def persona_resolver(journey: Journey):
    """A log's persona value -> a persona id of the map, or None when it names none.

    By label (as `discover` makes it, then as written), by id, or ignoring case and
    punctuation; with one persona in the map,
    every case is that persona's.
    """
    exact = {p.label: p.id for p in journey.personas}
    known: dict[str, str] = {}
    for p in journey.personas:
        known.setdefault(_key(p.label), p.id)
        known[_key(p.id)] = p.id
    only = journey.personas[0].id if len(journey.personas) == 1 else None

    def resolve(value: str) -> str | None:
        if only or not value:
            return only
        return exact.get(label(value)) or exact.get(value) or known.get(_key(value))

    return resolve
