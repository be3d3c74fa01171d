"""User text on its way to a terminal or a spreadsheet, made harmless.

Labels, owners and file names come from files anyone may write. A terminal obeys
control characters (ESC sequences set the window title, write the clipboard through
OSC 52, hide links through OSC 8; BEL rings; CR overwrites a line), so text for
people shows them escaped, as `\\x1b`. A spreadsheet runs a cell that begins with
`=`, `+`, `-` or `@` as a formula (tab and CR lead there too), so such a text cell
is written with a leading apostrophe, the convention spreadsheets display as text.
Numbers stay numbers: `-0.25` is not a formula.
"""

from __future__ import annotations

import csv
import io
import re

# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional overrides
# that reorder what a line seems to say
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|nan)")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """Text for a terminal: control characters shown as escapes, lines kept."""
    return _UNPRINTABLE.sub(_escaped, text)


def spreadsheet_cell(value: str) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_csv(text: str) -> str:
    """The same CSV with every text cell made safe (numbers and layout unchanged)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return out.getvalue()
