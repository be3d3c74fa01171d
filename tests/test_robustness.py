"""Reproducers of what once crashed or misbehaved after `check` had passed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import errors, run_cli

LOYAL = """\
journey "Loyal" {
  customers 5
  horizon 1 week
  persona p {
    share 100%
    visits every 1 day
  }
  stage s {
    touchpoint t { }
  }
}
"""


def write(tmp_path: Path, text: str, name: str = "j.journey") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_report_draws_retention_that_stays_at_100_percent(tmp_path: Path) -> None:
    journey = write(tmp_path, LOYAL)
    out = tmp_path / "report.html"
    done = run_cli("report", journey, "-n", "2", "-j", "1", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    html = out.read_text(encoding="utf-8")
    assert "Traceback" not in done.stderr.decode()
    assert "100%" in html and "90%" in html  # the axis runs from 90% to 100%


LOOP_FOR_PERSONA = """\
journey "Loop" {
  persona p {
    share 100%
  }
  stage s {
    touchpoint a { }
    touchpoint b { }
  }
  flow {
    start -> a
    a -> b
    b -> a 50%
    b -> a 100% for p
    b -> end
  }
}
"""

LOOP_BY_SCENARIO = """\
journey "Loop" {
  persona p {
    share 100%
  }
  stage s {
    touchpoint a { }
    touchpoint b { }
  }
  flow {
    start -> a
    a -> b
    b -> a 50%
    b -> end
  }
  scenario loop "Loop" {
    cost 1
    flow b -> a = 100%
  }
}
"""

LOOP_AT_ZERO = LOOP_FOR_PERSONA.replace("    b -> a 100% for p\n", "").replace(
    "b -> a 50%\n    b -> end", "b -> a 100%\n    b -> end 0%"
)


def test_a_persona_edge_that_traps_its_customers_is_an_error_at_that_edge() -> None:
    found = errors(LOOP_FOR_PERSONA)
    assert found == [
        (
            13,
            5,
            "persona 'p' can never finish: from 'a' no edge above 0% leads on to 'end' or 'exit'",
        )
    ]


def test_an_edge_at_0_percent_is_no_way_out() -> None:
    found = errors(LOOP_AT_ZERO)
    assert len(found) == 1 and found[0][0] == 13 and "can never finish" in found[0][2]


def test_a_scenario_that_traps_customers_is_an_error_at_the_scenario() -> None:
    found = errors(LOOP_BY_SCENARIO)
    assert len(found) == 1
    line, _, message = found[0]
    assert line == 15
    assert message.startswith("scenario 'loop' leaves an invalid journey: persona 'p' can never")


def test_a_trapping_file_is_not_simulated(tmp_path: Path) -> None:
    done = run_cli("simulate", write(tmp_path, LOOP_FOR_PERSONA), "-n", "1")
    assert done.returncode == 2 and b"can never finish" in done.stderr
