"""Diagnostics: problems found in a journey file, collected rather than raised.

Every stage of the pipeline reports what it finds as `Diagnostic` values so that a user
sees every problem at once, each printed the way compilers do: ``FILE:LINE:COL: error:``
followed by the source line, a caret and, where it helps, a hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import NOWHERE, Span
from ..safe_text import printable

__all__ = ["NOWHERE", "Diagnostic", "Reporter", "Span", "did_you_mean", "render"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: str = "error"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint or None,
        }


@dataclass
class Reporter:
    """Collects diagnostics for one file (or a file and the files it uses)."""

    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(self, span: Span | None, message: str, hint: str = "") -> None:
        span = span or NOWHERE
        self.diagnostics.append(
            Diagnostic(span.file or self.file, span.line, span.column, message, hint)
        )

    def warning(self, span: Span | None, message: str, hint: str = "") -> None:
        span = span or NOWHERE
        self.diagnostics.append(
            Diagnostic(span.file or self.file, span.line, span.column, message, hint, "warning")
        )

    @property
    def failed(self) -> bool:
        return any(d.severity == "error" for d in self.diagnostics)

    @property
    def error_count(self) -> int:
        return sum(d.severity == "error" for d in self.diagnostics)

    def sorted(self) -> list[Diagnostic]:
        unique = dict.fromkeys(self.diagnostics)
        return sorted(unique, key=Diagnostic.sort_key)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest candidate, or "" when none is close."""
    pool = sorted({c for c in candidates if c})
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        if name.lower() in lowered:
            matches = [lowered[name.lower()]]
    return f"did you mean '{matches[0]}'?" if matches else ""


def render(diagnostic: Diagnostic, source: str | None) -> str:
    """``FILE:LINE:COL: error: message``, the line, a caret under the column, the hint."""
    head = (
        f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}: "
        f"{diagnostic.severity}: {diagnostic.message}"
    )
    lines = [printable(head)]
    text = _source_line(source, diagnostic.line)
    if text is not None:
        # control characters are shown escaped, never sent to the terminal; the caret
        # stays under its column however wide the escapes before it are
        text = text.replace("\t", " ")
        before = printable(text[: max(diagnostic.column, 1) - 1])
        lines.append(f"  {printable(text)}")
        lines.append("  " + " " * len(before) + "^")
    if diagnostic.hint:
        lines.append(printable(f"  hint: {diagnostic.hint}"))
    return "\n".join(lines)


def _source_line(source: str | None, line: int) -> str | None:
    if source is None:
        return None
    all_lines = source.split("\n")  # the parser counts only \n as a line end
    if 1 <= line <= len(all_lines):
        return all_lines[line - 1].rstrip("\r")
    return None
