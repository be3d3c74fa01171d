"""Conformance beyond fitness: escaping-edges precision, strict replay, missing edges per case.

Each expected number is worked out by hand from a journey of three touchpoints and a
log of a few cases, written below.
"""

from __future__ import annotations

import json
from pathlib import Path

from cxjourney.logs.conform import conform
from cxjourney.logs.mapping import map_activities
from cxjourney.logs.read import read_log
from tests.conftest import run_cli
from tests.logs.helpers import journey_of

JOURNEY = """journey "Three" {
  persona anyone "Anyone" {
    share 100%
  }
  stage s "S" {
    touchpoint a "A" {
      channel web
    }
    touchpoint b "B" {
      channel web
    }
    touchpoint c "C" {
      channel web
    }
  }
  flow {
    start -> a
    a -> b 60%
    a -> c
    b -> c 10%
    b -> end
    c -> end
  }
}
"""


def write(folder: Path, cases: list[list[str]]) -> tuple[Path, Path]:
    (folder / "three.journey").write_text(JOURNEY)
    lines = ["case,activity,timestamp"]
    for i, steps in enumerate(cases):
        lines += [f"k{i},{step},2024-01-0{i + 1}T10:{m:02d}:00" for m, step in enumerate(steps)]
    (folder / "log.csv").write_text("\n".join(lines) + "\n")
    return folder / "three.journey", folder / "log.csv"


def replay(folder: Path, cases: list[list[str]], strict: bool = False):
    journey_path, log_path = write(folder, cases)
    journey = journey_of(journey_path)
    log = read_log(str(log_path))
    return conform(journey, log, map_activities(journey, log.activities()), strict=strict)


def test_precision_by_hand(tmp_path: Path):
    """Cases a>b, a>b, a>c. Prefix tree (w = cases through, allowed -> taken):
    root w3 {a} -> {a}; a w3 {b, c} -> {b, c}; a>b w2 {c, stop} -> {stop}: c escapes;
    a>c w1 {stop} -> {stop}. Σw·allowed = 3 + 6 + 4 + 1 = 14, Σw·escaping = 2:
    precision 1 − 2/14 = 6/7."""
    result = replay(tmp_path, [["a", "b"], ["a", "b"], ["a", "c"]])
    assert result.fitness == 1.0
    assert abs(result.precision - 6 / 7) < 1e-12


def test_precision_is_one_when_the_log_shows_every_allowed_step(tmp_path: Path):
    """Adding a>b>c shows the escaping b -> c: every allowed step is taken somewhere."""
    result = replay(tmp_path, [["a", "b"], ["a", "b", "c"], ["a", "c"]])
    assert result.precision == 1.0


def test_missing_edges_count_cases_not_events(tmp_path: Path):
    """c -> a is not in the map; the case a>c>a>c>a takes it twice, and counts once."""
    result = replay(tmp_path, [["a", "c", "a", "c", "a"], ["a", "c", "a"], ["a", "b"]])
    assert result.missing_edges[("c", "a")] == 2  # two cases
    assert result.missing_edges[("a", "end")] == 2  # a cannot end a journey: two cases
    assert result.fitting == 1


def test_strict_counts_unknown_activities_against_fitness(tmp_path: Path):
    """a>zzz>b reads a>b without strict (zzz maps to nothing) and fits; with strict it
    does not; the case of zzz alone is unmapped, judged only with strict."""
    cases = [["a", "zzz", "b"], ["a", "b"], ["zzz"]]
    loose = replay(tmp_path, cases)
    assert (loose.fitting, loose.judged, loose.fitness) == (2, 2, 1.0)
    strict = replay(tmp_path, cases, strict=True)
    assert (strict.fitting, strict.judged) == (1, 3)
    assert abs(strict.fitness - 1 / 3) < 1e-12


def test_cli_strict_and_precision(tmp_path: Path):
    write(tmp_path, [["a", "zzz", "b"], ["a", "b"], ["a", "c"]])
    plain = run_cli("conform", "three.journey", "log.csv", "--format", "json", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    report = json.loads(plain.stdout)
    assert report["fitness"] == 1.0 and report["strict"] is False
    assert report["precision"] == round(6 / 7, 6)
    strict = run_cli("conform", "three.journey", "log.csv", "--strict", "--min-fitness", "0.9",
                     cwd=tmp_path)  # fmt: skip
    assert strict.returncode == 1 and b"fitness 0.6667 is below 0.9" in strict.stderr
    assert b"precision 85.7%" in strict.stdout
    low = run_cli("conform", "three.journey", "log.csv", "--min-precision", "0.9", cwd=tmp_path)
    assert low.returncode == 1 and b"precision 0.8571 is below 0.9" in low.stderr
