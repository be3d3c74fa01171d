"""Conformance: a self-simulated log fits; planted deviations are found and counted."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from cxjourney.logs.conform import conform
from cxjourney.logs.mapping import map_activities, read_mapping
from cxjourney.logs.read import read_log
from tests.conftest import run_cli
from tests.logs.helpers import DATA, LOOP, journey_of


def replay(journey, log_path: Path, mapping_path: Path | None = None):
    log = read_log(str(log_path))
    explicit = read_mapping(str(mapping_path)) if mapping_path else None
    return conform(journey, log, map_activities(journey, log.activities(), explicit))


def test_self_simulated_log_fits_perfectly(loop_log: Path):
    result = replay(journey_of(LOOP), loop_log)
    assert result.cases > 500
    assert result.fitness == 1.0
    assert not result.missing_edges and not result.unknown_activities and not result.never_seen
    assert result.unused_edges == []


def plant(source: Path, target: Path) -> dict[str, int]:
    """Rewrite some cases: a skipped search, an unknown activity, a touchpoint renamed."""
    with source.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    tp = header.index("touchpoint")
    planted = {"pickup_first": 0, "unknown": 0}
    out = [header]
    for i, row in enumerate(body):
        row = list(row)
        if i % 50 == 0 and row[tp] == "search":
            row[tp] = "pickup"  # start -> pickup: not in the map
            planted["pickup_first"] += 1
        elif i % 97 == 0:
            row[tp] = "Chatbot"  # an activity the map does not know
            planted["unknown"] += 1
        out.append(row)
    with target.open("w", newline="") as handle:
        csv.writer(handle).writerows(out)
    return planted


def test_planted_deviations_are_found(loop_log: Path, tmp_path: Path):
    planted = plant(loop_log, tmp_path / "planted.csv")
    result = replay(journey_of(LOOP), tmp_path / "planted.csv")
    assert result.fitness < 1.0
    assert result.unknown_activities == {"Chatbot": planted["unknown"]}
    assert result.missing_edges[("start", "pickup")] > 0
    missing_total = sum(result.missing_edges.values())
    assert result.cases - result.fitting <= missing_total


def test_never_seen_and_unused_edges(loop_log: Path, tmp_path: Path):
    text = (
        LOOP.read_text()
        .replace(
            "    touchpoint pickup",
            '    touchpoint locker "Uses a locker" { }\n    touchpoint pickup',
        )
        .replace(
            "    order -> end\n", "    order -> end\n    order -> locker 0.01%\n    locker -> end\n"
        )
    )
    path = tmp_path / "extra.journey"
    path.write_text(text)
    result = replay(journey_of(path), loop_log)
    assert result.never_seen == ["locker"]
    assert ("order", "locker") in result.unused_edges and ("locker", "end") in result.unused_edges


def test_mapping_file_maps_and_ignores(loop_log: Path, tmp_path: Path):
    planted = plant(loop_log, tmp_path / "planted.csv")
    mapping = tmp_path / "map.csv"
    mapping.write_text("activity,touchpoint\nChatbot,\n")
    result = replay(journey_of(LOOP), tmp_path / "planted.csv", mapping)
    assert result.ignored_activities == {"Chatbot": planted["unknown"]}
    assert not result.unknown_activities


def test_cli_conform_json_keys(loop_log: Path):
    done = run_cli("conform", str(LOOP), str(loop_log), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    for key in ("cases", "fitness", "missing_edges", "unused_edges", "unknown_activities",
                "never_seen"):  # fmt: skip
        assert key in report
    assert report["fitness"] == 1.0


def test_cli_discover_writes_a_journey_that_checks(tmp_path: Path):
    out = tmp_path / "tickets.journey"
    done = run_cli("discover", str(DATA / "tickets.csv"), "-o", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert run_cli("check", str(out)).returncode == 0
    again = run_cli("discover", str(DATA / "tickets.csv"), "--quiet")
    assert again.stdout.decode() == out.read_text()  # deterministic


def test_cli_bad_log_is_an_input_error(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("case,activity,timestamp\n1,A,never\n")
    done = run_cli("discover", str(bad))
    assert done.returncode == 2
    assert b"bad.csv:2: column 'timestamp'" in done.stderr
    assert b"Traceback" not in done.stderr
    done = run_cli("conform", str(LOOP), str(DATA / "nothing.csv"))
    assert done.returncode == 2 and b"cannot read the file" in done.stderr


def test_cli_log_from_stdin(loop_log: Path):
    done = run_cli("conform", str(LOOP), "-", "--format", "json", input=loop_log.read_bytes())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["fitness"] == 1.0
    bad = run_cli("discover", "-", input=b"case,activity,timestamp\n1,A,x\n")
    assert bad.returncode == 2 and b"<stdin>:2: column 'timestamp'" in bad.stderr
