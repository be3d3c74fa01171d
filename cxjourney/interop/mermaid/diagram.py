"""What a Mermaid journey diagram holds once read, and the problems found reading it.

The readers (``read.py``, ``markdown.py``) build these; ``journey.py`` turns a
``MermaidDiagram`` into ``.journey`` source. A score is clipped into
``LOWEST_SCORE``..``HIGHEST_SCORE``, Mermaid's 1..5.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["warning", "error"]

LOWEST_SCORE = 1.0
HIGHEST_SCORE = 5.0


@dataclass(frozen=True)
class MermaidTask:
    """One task line: its name, its score (clipped to 1..5) and its actors."""

    name: str
    score: float
    actors: tuple[str, ...]
    line: int
    column: int


@dataclass(frozen=True)
class MermaidSection:
    """A ``section`` and its tasks; ``name`` is "" for tasks written before any section."""

    name: str
    tasks: tuple[MermaidTask, ...]
    line: int


@dataclass(frozen=True)
class MermaidDiagram:
    """A journey diagram; ``line`` is that of its ``journey`` keyword."""

    title: str | None
    sections: tuple[MermaidSection, ...]
    line: int
    description: str | None = None

    @property
    def tasks(self) -> tuple[MermaidTask, ...]:
        return tuple(task for section in self.sections for task in section.tasks)


@dataclass(frozen=True)
class MermaidIssue:
    """A problem found while reading; lines and columns count from 1 (code points)."""

    line: int
    column: int
    message: str
    severity: Severity  # "warning" | "error"

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.severity}: {self.message}"


class MermaidError(Exception):
    """The input cannot be imported; ``issues`` holds every error found, sorted by line.

    ``warnings`` holds the warnings found on the way; from ``parse_markdown``,
    ``diagrams`` holds the journeys of the blocks that had no error.
    """

    def __init__(
        self,
        issues: Iterable[MermaidIssue],
        warnings: Iterable[MermaidIssue] = (),
        diagrams: Iterable[MermaidDiagram] = (),
    ):
        self.issues: list[MermaidIssue] = sorted_issues(issues)
        self.warnings: list[MermaidIssue] = sorted_issues(warnings)
        self.diagrams: list[MermaidDiagram] = list(diagrams)
        shown = "; ".join(str(issue) for issue in self.issues[:3])
        more = len(self.issues) - 3
        super().__init__(shown + (f" (and {more} more)" if more > 0 else ""))


def sorted_issues(issues: Iterable[MermaidIssue]) -> list[MermaidIssue]:
    return sorted(issues, key=lambda i: (i.line, i.column, i.severity, i.message))


def error_count(issues: list[MermaidIssue]) -> int:
    return sum(issue.severity == "error" for issue in issues)
