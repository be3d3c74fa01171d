"""A journey that uses none of the time constructs (delays, steps that take time, a
lifecycle, busy hours, shifts) gives the bytes of its golden results and events log.

The golden files were written by the version before those constructs (commit 5e05a27),
with the command in `run()`: one journey with two queues (the SimPy engine) over two
weeks, and one without (the batched engine) over six, their results and the first rows
of their events logs. Two weeks are enough for the queues, the repeat visits (every 2
and 6 days) and the first departures; the SimPy engine makes longer runs slow.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "unchanged"


HORIZON = {"coffee_shop": "2 weeks", "hotel_no_queues": "6 weeks"}


def run(name: str, tmp_path: Path) -> tuple[str, Path]:
    events = tmp_path / "events.csv"
    result = subprocess.run(
        [sys.executable, "-m", "cxjourney", "simulate", str(GOLDEN / f"{name}.journey"),
         "-n", "2", "--horizon", HORIZON[name], "--format", "json", "--quiet", "--seed", "3",
         "--events", str(events)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout, events


@pytest.mark.slow
@pytest.mark.parametrize("name", ["coffee_shop", "hotel_no_queues"])
def test_results_and_events_match_the_golden_files(name: str, tmp_path: Path) -> None:
    results, events = run(name, tmp_path)
    assert results == (GOLDEN / f"{name}.json").read_text()
    with (GOLDEN / f"{name}.events.csv").open() as handle:
        before = list(csv.reader(handle))
    with events.open() as handle:
        now = [row for _, row in zip(range(len(before)), csv.reader(handle), strict=False)]
    width = len(before[0])
    assert [row[:width] for row in now] == before  # the columns it had, the same values
    assert now[0][width:] == ["delay_min", "end_min"]
