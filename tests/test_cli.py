"""The command line, run as users run it: in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import JOURNEYS, ROOT, SPEC_EXAMPLES, run_cli

EXAMPLES = sorted(SPEC_EXAMPLES.glob("*.journey")) + sorted(JOURNEYS.glob("*.journey"))
GOLDEN = ROOT / "tests" / "golden"

BROKEN = """\
journey "Broken" {
  horizon 26 weks
  persona a {
    share 60%
  }
  stage s {
    touchpoint t1 {
      expectt 4
      delivers 6
    }
  }
  flow {
    t1 -> t2
  }
}
"""


@pytest.fixture(scope="module")
def examples_checked() -> str:
    """One `check` of every example (exit 0 only when all are valid), read per example."""
    checked = run_cli("check", *map(str, EXAMPLES))
    out = checked.stdout.decode()
    assert checked.returncode == 0, out + checked.stderr.decode()
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_check_and_simulate(path: Path, examples_checked: str) -> None:
    said = [line for line in examples_checked.splitlines() if line.startswith(f"{path}:")]
    assert said and not any(": error:" in line for line in said), said
    simulated = run_cli(
        "simulate", str(path), "-n", "2", "--horizon", "1 week", "--format", "json", "--quiet",
        "-j", "1",
    )  # fmt: skip
    assert simulated.returncode == 0, simulated.stderr.decode()
    results = json.loads(simulated.stdout)
    assert results["replications"] == 2 and "baseline" in results["scenarios"]


def test_persona_library_checks() -> None:
    result = run_cli("check", str(SPEC_EXAMPLES / "personas" / "telco.journey"))
    assert result.returncode == 0


def test_check_output_is_golden() -> None:
    result = run_cli("check", "-", input=BROKEN.encode())
    assert result.returncode == 2
    expected = (GOLDEN / "check_broken.txt").read_text()
    assert result.stdout.decode() == expected


def test_check_json_for_editors() -> None:
    result = run_cli("check", "--format", "json", "-", input=BROKEN.encode())
    assert result.returncode == 2
    diagnostics = json.loads(result.stdout)
    assert [(d["line"], d["column"]) for d in diagnostics] == [
        (2, 14),
        (4, 11),
        (8, 7),
        (9, 16),
        (13, 11),
    ]
    assert diagnostics[0] == {
        "file": "<stdin>",
        "line": 2,
        "column": 14,
        "severity": "error",
        "message": "unknown unit 'weks'",
        "hint": "did you mean 'weeks'?",
    }


def test_check_several_files_exit_2_when_any_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.journey"
    bad.write_text(BROKEN)
    result = run_cli("check", str(SPEC_EXAMPLES / "coffee.journey"), str(bad))
    assert result.returncode == 2
    out = result.stdout.decode()
    assert "coffee.journey: ok" in out and "bad.journey:2:14: error" in out


def test_missing_file_is_an_input_error() -> None:
    result = run_cli("check", "no/such.journey")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr + result.stdout


def test_simulate_invalid_journey_exits_2_without_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.journey"
    bad.write_text(BROKEN)
    out = tmp_path / "results.json"
    result = run_cli("simulate", str(bad), "-o", str(out))
    assert result.returncode == 2
    assert not out.exists()
    assert b"unknown unit 'weks'" in result.stderr


def test_simulate_persona_library_is_an_input_error() -> None:
    result = run_cli("simulate", str(SPEC_EXAMPLES / "personas" / "telco.journey"))
    assert result.returncode == 2
    assert b"needs a journey" in result.stderr


@pytest.mark.slow
def test_simulate_formats_and_output_file(tmp_path: Path) -> None:
    coffee = str(SPEC_EXAMPLES / "coffee.journey")
    args = [
        "simulate",
        coffee,
        "-n",
        "2",
        "--horizon",
        "2 days",
        "--scenario",
        "fix_first",
        "--seed",
        "3",
        "-j",
        "1",
    ]
    table = run_cli(*args)
    assert table.returncode == 0
    text = table.stdout.decode()
    assert "satisfaction" in text and "scenario fix_first" in text and "delight" not in text
    csv_out = run_cli(*args, "--format", "csv").stdout.decode().splitlines()
    assert csv_out[0] == "scenario,section,name,key,mean,low,high"
    target = tmp_path / "r.json"
    assert run_cli(*args, "--format", "json", "-o", str(target)).returncode == 0
    again = run_cli(*args, "--format", "json")
    assert target.read_bytes() == again.stdout
    results = json.loads(again.stdout)
    assert set(results["scenarios"]) == {"baseline", "fix_first"}
    assert set(results["scenarios"]["fix_first"]) == {
        "metrics",
        "touchpoints",
        "series",
        "cost",
        "delta",
        "roi",
    }


def test_simulate_reads_stdin() -> None:
    data = (SPEC_EXAMPLES / "coffee.journey").read_bytes()
    result = run_cli(
        "simulate", "-", "-n", "1", "--horizon", "2 days", "--format", "json", input=data
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["journey"] == "Morning coffee"


def test_simulate_unknown_scenario_and_bad_horizon() -> None:
    coffee = str(SPEC_EXAMPLES / "coffee.journey")
    result = run_cli("simulate", coffee, "--scenario", "fix_frist")
    assert result.returncode == 2 and b"did you mean 'fix_first'" in result.stderr
    result = run_cli("simulate", coffee, "--horizon", "12 weks")
    assert result.returncode == 2 and b"Traceback" not in result.stderr


def test_event_log(tmp_path: Path) -> None:
    events = tmp_path / "visits.csv"
    coffee = str(SPEC_EXAMPLES / "coffee.journey")
    result = run_cli(
        "simulate",
        coffee,
        "-n",
        "1",
        "--horizon",
        "1 day",
        "--scenario",
        "fix_first",
        "--events",
        str(events),
        "-o",
        str(tmp_path / "r.json"),
    )
    assert result.returncode == 0, result.stderr
    lines = events.read_text().splitlines()
    assert lines[0] == (
        "scenario,replication,customer,persona,journey,touchpoint,arrival_min,"
        "wait_min,moment,delighters,disappointers,delay_min,end_min"
    )
    assert any(line.startswith("baseline,1,") for line in lines)
    assert any(line.startswith("fix_first,1,") for line in lines)


def test_export_json_is_stable() -> None:
    coffee = str(SPEC_EXAMPLES / "coffee.journey")
    first = run_cli("export", coffee, "--to", "json")
    assert first.returncode == 0
    model = json.loads(first.stdout)
    assert model["journey"]["title"] == "Morning coffee"
    assert [t["id"] for t in model["journey"]["touchpoints"]] == [
        "ad",
        "counter",
        "app",
        "pickup",
        "drink",
    ]
    assert run_cli("export", coffee, "--to", "json").stdout == first.stdout


def test_help_everywhere() -> None:
    for command in ([], ["check"], ["simulate"], ["export"]):
        result = run_cli(*command, "--help")
        assert result.returncode == 0
        assert b"Examples" in result.stdout or not command
