"""Stages where the log suggests them: a long wait before a step begins a new stage."""

from __future__ import annotations

from datetime import datetime, timedelta

from cxjourney.language.load import load
from cxjourney.logs.discover import discover
from cxjourney.logs.read import read_log
from cxjourney.logs.stages import STAGE_WAIT, stages_by_waits

DAY = 1440.0


def _log(tmp_path, steps: list[tuple[str, float]], cases: int = 30) -> str:
    """CASES cases, each taking STEPS in order, each step a given number of minutes after
    the one before it (plus a few minutes that vary by case)."""
    rows = ["case,activity,timestamp"]
    for i in range(cases):
        at = 1440.0 * i + 600
        for activity, after in steps:
            at += after + (i % 5)
            stamp = (datetime(2024, 1, 1) + timedelta(minutes=at)).isoformat()
            rows.append(f"{i},{activity},{stamp}")
    path = tmp_path / "log.csv"
    path.write_text("\n".join(rows) + "\n")
    return str(path)


def test_a_wait_of_days_begins_a_stage_named_after_its_first_step(tmp_path):
    """Apply and Check follow within minutes; the Decision comes 10 days later and the
    Letter minutes after it: two stages, [Apply, Check] and [Decision, Letter], the second
    saying why it begins (a median wait of 10 days, from the 30 cases)."""
    path = _log(tmp_path, [("Apply", 0), ("Check", 5), ("Decision", 10 * DAY), ("Letter", 3)])
    found = discover(read_log(path))
    journey = load("found.journey", data=found.source.encode()).journey
    assert [(s.label, s.touchpoints) for s in journey.stages] == [
        ("Apply", ("apply", "check")),
        ("Decision", ("decision", "letter")),
    ]
    assert "# begins after a median wait of 10.0 days (n=30)" in found.source


def test_steps_that_follow_within_hours_keep_one_stage(tmp_path):
    """No wait reaches a day: the map keeps its single stage, "Journey", as before."""
    path = _log(tmp_path, [("Apply", 0), ("Check", 5), ("Decision", 600), ("Letter", 3)])
    journey = load("f.journey", data=discover(read_log(path)).source.encode()).journey
    assert [(s.id, s.label) for s in journey.stages] == [("steps", "Journey")]


def test_a_long_wait_seen_too_seldom_does_not_cut():
    """A median over fewer than min_n gaps says nothing: no cut before it."""
    gaps = {("a", "b"): [5.0] * 20, ("b", "c"): [STAGE_WAIT * 3] * 4}
    assert len(stages_by_waits(["a", "b", "c"], gaps, min_n=5)) == 1
    assert len(stages_by_waits(["a", "b", "c"], gaps, min_n=4)) == 2
