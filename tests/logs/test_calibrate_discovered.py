"""Calibrating a discovered map on its own log changes nothing that discovery estimated
the same way: arrivals over the window in which cases start, visit gaps counted from the
end of a case (the closed-loop journey of test_closed_loop.py)."""

from __future__ import annotations

from pathlib import Path

from cxjourney.language.load import load
from cxjourney.logs.calibrate import CalibrateOptions, calibrate
from cxjourney.logs.discover import discover
from cxjourney.logs.mapping import map_activities
from cxjourney.logs.read import read_log
from tests.logs.helpers import DATA, simulated_log


def test_calibrating_a_discovered_map_keeps_its_arrivals_and_gap(tmp_path: Path):
    events = simulated_log(DATA / "closed_loop.journey", tmp_path / "events.csv", seed=3)
    log = read_log(str(events))
    found = discover(log)
    loaded = load("-", data=found.source.encode(), name="found.journey")
    assert loaded.ok
    journey = loaded.journey
    result = calibrate(
        journey, found.source, log, map_activities(journey, log.activities()), CalibrateOptions()
    )
    changed = {c.what: c for c in result.changes}
    after = load("-", data=result.source.encode(), name="calibrated.journey").journey
    before, now = journey.persona("member"), after.persona("member")
    # the same estimate, written to four significant digits both times
    assert abs(now.arrivals / before.arrivals - 1) < 1e-3, changed.get("member.arrivals")
    assert abs(now.visit_gap / before.visit_gap - 1) < 1e-3, changed.get("member.visits")
