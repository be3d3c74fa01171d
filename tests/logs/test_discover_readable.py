"""A map a person can read: `--min-share` keeps the common paths and says what it dropped,
`--mapping` renames, merges and ignores activities; both on the command line."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

from cxjourney.language.load import load


def _log(path, paths: list[tuple[list[str], int]]) -> None:
    """Cases following each path `n` times, one case an hour, a step a minute apart."""
    rows = ["case,activity,timestamp"]
    case = 0
    for steps, n in paths:
        for _ in range(n):
            start = datetime(2024, 1, 1) + timedelta(hours=case)
            rows += [
                f"c{case},{a},{(start + timedelta(minutes=i)).isoformat()}"
                for i, a in enumerate(steps)
            ]
            case += 1
    path.write_text("\n".join(rows) + "\n")


def _discover(*args):
    return subprocess.run(
        [sys.executable, "-m", "cxjourney", "discover", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_min_share_keeps_the_common_paths_and_says_what_it_dropped(tmp_path):
    """80 cases a-b-c, 15 a-c, 5 a-x-c: 90% is covered by the first two paths, so x
    leaves the map and the note names it, with the cases left out; arrivals still count
    all 100 cases (100 over the 100 hours in which they start: 24 per day)."""
    log = tmp_path / "log.csv"
    _log(log, [(["a", "b", "c"], 80), (["a", "c"], 15), (["a", "x", "c"], 5)])
    out = tmp_path / "map.journey"
    run = _discover(log, "--min-share", "90%", "-o", out)
    assert run.returncode == 0, run.stderr
    assert "kept the 2 most frequent of 3 paths (95 of 100 cases, 95.0%)" in run.stderr
    assert "activities only on those paths: x" in run.stderr
    loaded = load(str(out))
    assert loaded.ok
    assert {t.id for t in loaded.journey.touchpoints} == {"a", "b", "c"}
    assert loaded.journey.personas[0].arrivals * 1440 == 24


def test_min_share_out_of_range_is_a_clear_error(tmp_path):
    log = tmp_path / "log.csv"
    _log(log, [(["a", "b"], 10)])
    run = _discover(log, "--min-share", "150%")
    assert run.returncode == 2
    assert "not a share of cases" in run.stderr and "Traceback" not in run.stderr


def test_mapping_merges_and_ignores_activities(tmp_path):
    """`b` and `b2` become one touchpoint `review`; `noise` is ignored (a note says how
    many events); the other activities keep their names."""
    log = tmp_path / "log.csv"
    _log(log, [(["a", "noise", "b", "c"], 10), (["a", "b2", "c"], 10)])
    mapping = tmp_path / "mapping.csv"
    mapping.write_text("activity,touchpoint\nb,review\nb2,review\nnoise,\n")
    out = tmp_path / "map.journey"
    run = _discover(log, "--mapping", mapping, "-o", out)
    assert run.returncode == 0, run.stderr
    assert "activity noise ignored by the mapping (10 events)" in run.stderr
    loaded = load(str(out))
    assert loaded.ok
    assert [t.id for t in loaded.journey.touchpoints] == ["a", "review", "c"]
    flow = {(e.source, e.target): e.probability for e in loaded.journey.flow}
    assert flow[("a", "review")] == 1.0


def test_a_mapping_file_that_cannot_be_read_is_a_clear_error(tmp_path):
    log = tmp_path / "log.csv"
    _log(log, [(["a", "b"], 10)])
    run = _discover(log, "--mapping", tmp_path / "absent.csv")
    assert run.returncode == 2 and "cannot read the mapping" in run.stderr
    assert "Traceback" not in run.stderr
