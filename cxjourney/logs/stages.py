"""Stages where the log suggests them: a long wait before a step starts a new stage.

A journey's stages are the phases a customer lives through, and in an event log the
phases show as waits: a fine is created and sent within days, then nothing happens for
weeks until the notification, then two months until the penalty. Steps that follow each
other within hours belong together; a step that customers typically reach only after a
wait of STAGE_WAIT or more (the median of every gap into it) begins the next stage,
named after that step. A log with no such wait keeps one stage, as before.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

DAY = 1440.0
STAGE_WAIT = DAY  #: the median wait into a step that makes it begin a stage (minutes)


@dataclass(frozen=True)
class LogStage:
    """A run of touchpoints in the order customers meet them, and why it begins."""

    touchpoints: tuple[str, ...]
    wait: float | None  # the median wait into its first step; None for the first stage
    n: int  # gaps behind that median


def stages_by_waits(
    order: Sequence[str], gaps: dict[tuple[str, str], list[float]], min_n: int
) -> list[LogStage]:
    """ORDER (touchpoint ids, as met) cut before each step whose median incoming wait,
    over at least `min_n` gaps, is STAGE_WAIT or more; one stage when none is."""
    into: dict[str, list[float]] = {}
    for (_, target), values in gaps.items():
        into.setdefault(target, []).extend(values)
    stages: list[LogStage] = []
    current: list[str] = []
    wait: float | None = None
    n = 0
    for tp in order:
        values = into.get(tp, [])
        median = statistics.median(values) if len(values) >= max(min_n, 1) else 0.0
        if current and median >= STAGE_WAIT:
            stages.append(LogStage(tuple(current), wait, n))
            current, wait, n = [], median, len(values)
        current.append(tp)
    if current:
        stages.append(LogStage(tuple(current), wait, n))
    return stages


def stage_note(stage: LogStage, days: Callable[[float], str]) -> str:
    """The comment that says why a stage begins where it does."""
    if stage.wait is None:
        return "# where cases begin"
    return f"# begins after a median wait of {days(stage.wait)} (n={stage.n})"
