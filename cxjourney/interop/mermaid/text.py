"""Source lines and characters, as both readers (one diagram, Markdown) see them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass
class Line:
    """A source line; ``text`` is blanked (not shortened) where comments are removed."""

    number: int
    text: str


_NEWLINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[Line]:
    text = text.removeprefix("\ufeff")
    return [Line(number, part) for number, part in enumerate(_NEWLINE.split(text), start=1)]


def blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def first_nonspace(text: str, start: int = 0) -> int:
    while start < len(text) and text[start].isspace():
        start += 1
    return start


def is_control(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")
