"""Hostile activity names and file names: a discovered journey keeps every activity apart,
holds only lines of the language, and maps back onto its own log."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxjourney.cli import main
from cxjourney.language.load import load
from cxjourney.logs import discover as discover_module
from cxjourney.logs import text
from cxjourney.logs.conform import conform
from cxjourney.logs.discover import DiscoverOptions, discover
from cxjourney.logs.mapping import label, make_id, map_activities
from cxjourney.logs.read import read_log
from cxjourney.sim.spec import RunRefused
from tests.conftest import run_cli

#: Activities that differ only in spacing, or hold what no line of the language can.
HOSTILE = [
    "Pay bill",
    "Pay  bill",
    "Pay\tbill",
    "Pay\x00bill",
    "Pay\\x00bill",  # a backslash, then 'x00': not the NUL above
    "Pay\rbill",
    "Pay\nbill",
    "Pay\x85bill",
    "Pay\u2028bill",
    "Pay\x1bbill",
    "Pay\x0bbill",
    "Pay\x1ebill",
]


def _csv(path: Path, activities: list[str], personas: list[str] | None = None) -> Path:
    """One case per activity, then one through all of them, as CSV with quoted fields."""
    rows = ["case,activity,timestamp,persona"]
    t = 0
    for i, activity in enumerate(activities):
        persona = personas[i % len(personas)] if personas else ""
        for case in (f"c{i}", "all"):
            t += 1
            rows.append(f'{case},"{activity}",{t},"{persona}"')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8", newline="")
    return path


def _round_trip(path: Path):
    """Discover a journey from the log, load it back, and conform it to the same log."""
    log = read_log(str(path))
    found = discover(log, DiscoverOptions())
    loaded = load("-", data=found.source.encode(), name="found.journey")
    assert loaded.ok, [(d.line, d.message) for d in loaded.diagnostics]
    journey = loaded.journey
    mapping = map_activities(journey, log.activities())
    return log, found, journey, mapping, conform(journey, log, mapping)


def test_labels_are_injective_and_one_line():
    labels = [label(a) for a in HOSTILE]
    assert len(set(labels)) == len(HOSTILE)
    assert label("Pay  bill") == "Pay  bill" and label("Café crème") == "Café crème"
    assert all(len(f"x{text}x".splitlines()) == 1 and "\x00" not in text for text in labels)
    assert label("\x1b[31mred\x07") == "\x1b[31mred\x07"  # a terminal escapes it, not the map


def test_activities_that_differ_in_spacing_or_control_characters_stay_apart(tmp_path):
    log, found, journey, mapping, result = _round_trip(_csv(tmp_path / "log.csv", HOSTILE))
    assert len(log.activities()) == len(HOSTILE)
    assert len({t.label for t in journey.touchpoints}) == len(HOSTILE)
    assert not mapping.unknown
    assert mapping.table == found.touchpoints  # conform maps as discover did
    assert result.fitness == 1.0 and result.fitting == len(log.cases)


def test_personas_that_differ_in_spacing_stay_apart(tmp_path):
    personas = ["Gold member", "Gold  member", "Gold\tmember"]
    path = _csv(tmp_path / "log.csv", ["a", "b", "c", "d", "e", "f"], personas)
    _, found, journey, _, result = _round_trip(path)
    assert len({p.label for p in journey.personas}) == len(found.personas) >= 3
    assert result.fitness == 1.0


def test_xes_activities_with_control_characters_round_trip(tmp_path):
    names = ["Pay bill", " Pay bill", "Pay&#9;bill", "Pay&#10;bill", "Pay&#13;bill", "P\u2028b"]
    events = "".join(
        f'<event><string key="concept:name" value="{n}"/>'
        f'<date key="time:timestamp" value="2024-05-01T10:{i:02d}:00"/></event>'
        for i, n in enumerate(names)
    )
    path = tmp_path / "log.xes"
    path.write_text(
        f'<log><trace><string key="concept:name" value="1"/>{events}</trace></log>',
        encoding="utf-8",
    )
    log, _, journey, mapping, result = _round_trip(path)
    assert len(log.activities()) == len({t.label for t in journey.touchpoints}) >= 5
    assert not mapping.unknown and result.fitness == 1.0


def test_a_newline_in_the_log_name_stays_inside_its_line(tmp_path):
    path = _csv(tmp_path / 'a\n}\njourney "x" {.csv', ["Pay bill", "Leave"])
    log = read_log(str(path))
    source = discover(log, DiscoverOptions()).source
    lines = source.splitlines()
    assert sum(line.startswith("journey ") for line in lines) == 1
    assert lines[0].startswith("# Discovered from a\\n}\\njourney")
    loaded = load("-", data=source.encode(), name="found.journey")
    assert loaded.ok, [(d.line, d.message) for d in loaded.diagnostics]
    assert loaded.journey.title == 'Discovered from a\\n}\\njourney "x" {.csv'
    titled = discover(log, DiscoverOptions(title="Two\nlines\x00")).source
    assert load("-", data=titled.encode(), name="t.journey").journey.title == "Two lines\\x00"


def test_a_nul_in_an_activity_gives_a_journey_that_check_accepts(tmp_path):
    log = _csv(tmp_path / "log.csv", ["Pay\x00bill", "Leave\rnow"])
    out = tmp_path / "found.journey"
    done = run_cli("discover", str(log), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert b"\x00" not in out.read_bytes()
    assert run_cli("check", str(out)).returncode == 0


def lines_run(function) -> int:
    """How many lines of Python `function()` runs: a measure of work that, unlike a
    clock, reads the same on a loaded machine (timings are in benchmarks/)."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        function()
    finally:
        sys.settrace(None)
    return count


def test_discovery_work_grows_with_the_log_not_its_square(tmp_path):
    """Each touchpoint's visits are gathered in one pass: a pass over the log per
    touchpoint took 16 s for 5,000 activities, 326 s for 20,000. Four times the
    activities (and events) take about four times the work, not sixteen."""

    def work(n: int) -> int:
        rows = ["case,activity,timestamp"]
        rows += [f"c{i % (n // 4)},act {i % n},{i}" for i in range(4 * n)]
        path = tmp_path / f"wide{n}.csv"
        path.write_text("\n".join(rows) + "\n")
        log = read_log(str(path))
        found: list = []
        lines = lines_run(lambda: found.append(discover(log, DiscoverOptions(top=n))))
        assert len(found[0].touchpoints) == n
        return lines

    assert work(600) / work(150) < 6.5


def _frequent_and_rare(path: Path) -> Path:
    """Cases through a, b, c; a few pass a rare activity of their own on the way."""
    rows, t = ["case,activity,timestamp"], 0
    for i in range(40):
        steps = ["a", "b", f"rare {i}", "c"] if i % 4 == 0 else ["a", "b", "c"]
        for step in steps:
            t += 1
            rows.append(f"c{i},{step},{t}")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_log_of_more_activities_than_a_map_may_have_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(discover_module, "MAX_TOUCHPOINTS", 5)
    path = _frequent_and_rare(tmp_path / "log.csv")
    with pytest.raises(RunRefused, match=r"13 distinct activities.*--top-activities N"):
        discover(read_log(str(path)), DiscoverOptions())
    done = CliRunner().invoke(main, ["discover", str(path), "-o", str(tmp_path / "j.journey")])
    assert done.exit_code == 2 and "--top-activities" in done.output, done.output
    kept = CliRunner().invoke(main, ["discover", str(path), "--top-activities", "3", "-o", "-"])
    assert kept.exit_code == 0, kept.output


def test_the_most_frequent_activities_make_a_map_the_log_fits(tmp_path):
    log = read_log(str(_frequent_and_rare(tmp_path / "log.csv")))
    found = discover(log, DiscoverOptions(top=3))
    assert set(found.touchpoints) == {"a", "b", "c"}
    assert any("10 less frequent activities left out (10 of 130 events)" in n for n in found.notes)
    journey = load("-", data=found.source.encode(), name="top.journey").journey
    mapping = map_activities(journey, log.activities())
    result = conform(journey, log, mapping)
    assert result.fitness == 1.0 and sum(result.unknown_activities.values()) == 10


def test_a_journey_larger_than_a_file_may_be_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(discover_module, "MAX_FILE_BYTES", 2000)
    log = read_log(str(_frequent_and_rare(tmp_path / "log.csv")))
    with pytest.raises(RunRefused, match=r"would be 0\.0 MB, more than .*--top-activities"):
        discover(log, DiscoverOptions())


def test_identifiers_of_many_names_of_one_base_take_one_try_each():
    taken: set[str] = set()
    tried: dict[str, int] = {}
    ids: list[str] = []
    lines = lines_run(
        lambda: ids.extend(make_id(chr(0x4E00 + i), taken, "step", tried) for i in range(2_000))
    )
    assert lines < 2_000 * 40  # each name tried every suffix before its own: 2 million tries
    assert len(set(ids)) == len(ids) and ids[:3] == ["step", "step_2", "step_3"]


def test_a_node_of_more_edges_than_percentages_can_split_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(discover_module.text, "BASIS", 10)  # 10,000 edges, at 0.01% each
    rows = ["case,activity,timestamp"] + [f"c{i},first {i},{i}" for i in range(11)]
    (tmp_path / "log.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(RunRefused, match=r"11 different steps follow start.*--top-activities"):
        discover(read_log(str(tmp_path / "log.csv")), DiscoverOptions())


def test_splitting_many_small_counts_takes_back_the_floors_quickly():
    units: list[int] = []
    lines = lines_run(lambda: units.extend(text.split([1] * 9_000 + [20_000])))
    assert lines < 9_000 * 40  # 9,000 floors of 0.01%; a scan per unit taken: 40 million steps
    assert sum(units) == text.BASIS and min(units) == 1 and units[-1] == 1000
