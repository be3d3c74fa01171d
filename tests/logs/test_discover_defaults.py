"""Numbers from the model's defaults, not data, are marked in a discovered file and flagged
in every output of a simulation: the table (a `*` and its reason), JSON and CSV."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta

REASON = "come from the model's defaults, not data"


def _log(path, ratings: bool) -> None:
    rows = ["case,activity,timestamp" + (",rating" if ratings else "")]
    for i in range(30):
        start = datetime(2024, 1, 1) + timedelta(hours=5 * i)
        for k, a in enumerate(("order", "pay")):
            stamp = (start + timedelta(minutes=10 * k)).isoformat()
            rows.append(f"c{i},{a},{stamp}" + (f",{3 + i % 3}" if ratings else ""))
    path.write_text("\n".join(rows) + "\n")


def _run(*args) -> subprocess.CompletedProcess:
    run = subprocess.run(
        [sys.executable, "-m", "cxjourney", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    return run


def test_a_map_without_ratings_is_marked_and_its_nps_flagged(tmp_path):
    log, journey = tmp_path / "log.csv", tmp_path / "map.journey"
    _log(log, ratings=False)
    _run("discover", log, "-o", journey)
    assert "# Assumed: the log has no ratings" in journey.read_text()
    table = _run("simulate", journey, "-n", "2", "--seed", "1").stdout
    assert "nps *" in table and "satisfaction *" in table and "journeys *" not in table
    assert "* no touchpoint has `delivers`" in table and REASON in table
    results = json.loads(_run("simulate", journey, "-n", "2", "--format", "json").stdout)
    assert "nps" in results["assumed"][0]["metrics"]
    csv = _run("simulate", journey, "-n", "2", "--format", "csv").stdout
    assert ",assumed,nps," in csv


def test_a_map_with_ratings_has_no_flag(tmp_path):
    log, journey = tmp_path / "log.csv", tmp_path / "map.journey"
    _log(log, ratings=True)
    _run("discover", log, "-o", journey)
    assert "delivers" in journey.read_text() and "# Assumed" not in journey.read_text()
    results = json.loads(_run("simulate", journey, "-n", "2", "--format", "json").stdout)
    assert "assumed" not in results
