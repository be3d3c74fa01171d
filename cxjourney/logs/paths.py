"""Cases as paths of touchpoints, and the directly-follows counts every estimate starts from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .cases import Case, Log, Visit

START, END, EXIT = "start", "end", "exit"


@dataclass(slots=True)
class Path:
    """A case with its visits mapped to touchpoints (unmapped visits left out)."""

    case: Case
    visits: list[tuple[str, Visit]]

    @property
    def steps(self) -> list[str]:
        return [tp for tp, _ in self.visits]


def mapped(log: Log, to_touchpoint: Callable[[str], str | None]) -> list[Path]:
    """Every case with at least one visit that maps to a touchpoint."""
    out = []
    for case in log.cases:
        visits = [(tp, v) for v in case.visits if (tp := to_touchpoint(v.activity)) is not None]
        if visits:
            out.append(Path(case, visits))
    return out


def transitions(steps: list[str], last: str = END) -> Iterable[tuple[str, str]]:
    """start -> first, each step -> the next, the last -> `last`."""
    previous = START
    for tp in steps:
        yield previous, tp
        previous = tp
    yield previous, last


def directly_follows(paths: list[Path], ends: set[str] | None = None) -> Counter:
    """(persona, source, target) -> count; `ends`: activities that complete a journey.

    Without `ends` every case completes (its last step leads to `end`); with them, a
    case whose last step is not one of them leads to `exit`.
    """
    counts: Counter = Counter()
    for path in paths:
        steps = path.steps
        last = END if ends is None or steps[-1] in ends else EXIT
        for source, target in transitions(steps, last):
            counts[(path.case.persona, source, target)] += 1
    return counts
