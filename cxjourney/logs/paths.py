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


def directly_follows(
    paths: list[Path], ends: set[str] | None = None, running: set[str] | frozenset = frozenset()
) -> Counter:
    """(persona, source, target) -> count; `ends`: activities that complete a journey.

    Without `ends` every case completes (its last step leads to `end`); with them, a
    case whose last step is not one of them leads to `exit`. A case in `running` (ids of
    cases still under way at the log's end) has no last transition: it has not stopped.
    """
    counts: Counter = Counter()
    held: Counter = Counter()  # last transitions of cases still running
    for path in paths:
        steps = path.steps
        last = END if ends is None or steps[-1] in ends else EXIT
        for source, target in transitions(steps, last):
            key = (path.case.persona, source, target)
            if target == last and path.case.id in running:
                held[key] += 1
            else:
                counts[key] += 1
    leaving: Counter = Counter()
    for (persona, source, _), n in counts.items():
        leaving[(persona, source)] += n
    for (persona, source, target), n in held.items():
        if not leaving[(persona, source)]:  # else the step would have no way on at all
            counts[(persona, source, target)] += n
    return counts


#: A step where fewer than this share of the cases that finished earlier stopped...
RARE_STOP = 0.1
#: ... of at least this many (a thin log says too little to call a stop unusual).
MIN_SEEN = 20


def still_running(paths: list[Path], open_after: float) -> set[str]:
    """Cases that may still be under way at the log's end: their last visit comes at or
    after `open_after` (the last 5% of the log's span, as `conform` counts a case
    unfinished), at a step
    visited at least MIN_SEEN times by earlier cases, where fewer than RARE_STOP of the
    earlier cases that visited it stopped. Counting them as ending there would add a
    way out at every step a case was at when the log was exported (10% of cases ending
    after a review, on a simulated log whose letter follows 14 days later)."""
    visits: Counter = Counter()
    stops: Counter = Counter()
    for path in paths:
        if path.visits[-1][1].time < open_after:
            visits.update(set(path.steps))
            stops[path.steps[-1]] += 1
    return {
        p.case.id
        for p in paths
        if p.visits[-1][1].time >= open_after
        and visits[p.steps[-1]] >= MIN_SEEN
        and stops[p.steps[-1]] < RARE_STOP * visits[p.steps[-1]]
    }
