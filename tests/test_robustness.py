"""Reproducers of what once crashed or misbehaved after `check` had passed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


# ---- limits -------------------------------------------------------------------------------

SMALL = """\
journey "Small" {
  customers 5
  horizon 2 weeks
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
    b -> a 10%
    b -> end
  }
}
"""

TOO_LARGE = {
    "a billion customers": SMALL.replace("customers 5", "customers 1000000000"),
    "a visit every millisecond": SMALL.replace(
        "    share 100%\n", "    share 100%\n    visits every 0.001 s\n"
    ),
    "a 99.99% loop": SMALL.replace("customers 5", "customers 100000").replace("10%", "99.99%"),
}


@pytest.mark.parametrize("command", ["simulate", "compare", "drivers", "report", "render"])
@pytest.mark.parametrize("case", sorted(TOO_LARGE))
def test_a_run_that_would_take_hours_is_refused_before_it_starts(
    tmp_path: Path, command: str, case: str
) -> None:
    extra = ["--simulate"] if command == "render" else []
    started = time.monotonic()
    done = run_cli(command, write(tmp_path, TOO_LARGE[case]), *extra, "-o", str(tmp_path / "x"))
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "this run is too large" in err and "--allow-long" in err
    assert time.monotonic() - started < 20
    assert not (tmp_path / "x").exists()


def test_the_estimate_is_an_upper_bound_of_the_visits_made(tmp_path: Path) -> None:
    from cxjourney import load
    from cxjourney.sim import budget
    from cxjourney.sim.experiment import RunSpec, simulate

    journey = load(write(tmp_path, SMALL.replace("customers 5", "customers 200"))).journey
    made = simulate(journey, RunSpec(replications=2, workers=1))["scenarios"]["baseline"]
    visits = sum(tp["visits"] for tp in made["touchpoints"].values())
    estimate = budget.size(journey).visits
    assert visits <= estimate * 1.1 and estimate < visits * 1.5  # close, and above


def test_allow_long_runs_anyway_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from cxjourney.cli.simulate import simulate
    from cxjourney.sim import budget

    monkeypatch.setattr(budget, "LIMIT_SECONDS", 0.0)  # every run is "too long"
    journey = write(tmp_path, SMALL)
    refused = CliRunner().invoke(simulate, [journey, "-n", "1", "-j", "1"])
    assert refused.exit_code == 2 and "too large" in refused.output
    done = CliRunner().invoke(simulate, [journey, "-n", "1", "-j", "1", "--allow-long"])
    assert done.exit_code == 0, done.output
    assert "running anyway (--allow-long)" in done.output


@pytest.mark.parametrize(
    "horizon", [f"{'9' * 400} days", "1e999 days", "inf days", "nan days", "0 days"]
)
def test_an_infinite_or_absurd_horizon_is_refused_on_the_command_line(
    tmp_path: Path, horizon: str
) -> None:
    done = run_cli("simulate", write(tmp_path, SMALL), "-n", "1", "--horizon", horizon)
    err = done.stderr.decode()
    assert done.returncode == 2 and "--horizon" in err and "Traceback" not in err, err


def test_a_file_too_large_to_be_a_journey_is_refused_early(tmp_path: Path) -> None:
    big = tmp_path / "big.journey"
    big.write_bytes(b"\n" * (6 * 1024 * 1024))
    done = run_cli("check", str(big))
    assert done.returncode == 2 and b"too large to be a journey" in done.stdout


def test_parser_memory_does_not_grow_with_blank_lines() -> None:
    import resource
    import subprocess
    import sys

    script = (
        "import resource, sys\n"
        "from cxjourney import load\n"
        "load('-', data=b'\\n' * (4 * 1024 * 1024))\n"
        "load('-', data=b'journey \"' + b'x' * (4 * 1024 * 1024) + b'\" {\\n}\\n')\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    peak_kb = int(done.stdout)
    assert peak_kb < 400 * 1024, f"{peak_kb / 1024:.0f} MB for 4 MB of blank lines"
    assert resource  # the measure is the child's own peak


# ---- smaller items ------------------------------------------------------------------------

QUEUE = """\
journey "Queue" {{
  customers 5
  persona p {{
    share 100%
  }}
  stage s {{
    touchpoint t {{
      capacity 1
      service {service}
    }}
  }}
  scenario faster "Faster" {{
    cost 1
    t.service *= {factor}
  }}
}}
"""


def test_a_lognormal_the_engine_cannot_draw_is_a_check_error_with_its_place() -> None:
    huge = "1" + "0" * 155
    found = errors(QUEUE.format(service=f"lognormal(1 s, {huge} s)", factor="0.5"))
    assert [(line, message.split(":")[0]) for line, _, message in found] == [
        (9, "lognormal(0.0166667, 1.66667e+153)")  # minutes
    ]


@pytest.mark.parametrize(
    "service", ["uniform(0 s, 0 s)", "triangular(0 s, 0 s, 0 s)", "normal(0 s, 0 s)", "0 s"]
)
def test_a_service_that_takes_no_time_is_an_error(service: str) -> None:
    found = errors(QUEUE.format(service=service, factor="0.5"))
    assert [line for line, _, _ in found] == [9]
    assert "service must be a positive duration" in found[0][2]


def test_a_scenario_that_multiplies_service_by_0_is_an_error_at_the_scenario() -> None:
    found = errors(QUEUE.format(service="exp(2 min)", factor="0"))
    assert len(found) == 1 and found[0][0] == 12
    assert "service must be a positive duration" in found[0][2]


def test_too_many_syntax_errors_is_reported_at_the_last_error_not_past_the_end() -> None:
    text = 'journey "T" {\n' + "  nonsense here\n" * 40 + "}\n" + "\n" * 10
    found = errors(text)
    stop = [line for line, _, message in found if message.startswith("too many syntax errors")]
    others = [line for line, _, message in found if not message.startswith("too many")]
    assert stop == [max(others)]  # at the last error reported, not past the file's end


def fake_dot(tmp_path: Path, body: str) -> str:
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "dot"
    program.write_text("#!/bin/sh\n" + body)
    program.chmod(0o755)
    return str(folder)


def test_render_stops_a_hung_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cxjourney import load
    from cxjourney.render import dot

    journey = load(write(tmp_path, LOYAL))
    folder = fake_dot(tmp_path, "cat > /dev/null\nexec sleep 30\n")
    monkeypatch.setenv("PATH", folder + os.pathsep + os.environ["PATH"])
    monkeypatch.setattr(dot, "DOT_TIMEOUT", 1.0)
    started = time.monotonic()
    with pytest.raises(dot.GraphvizFailed, match="did not finish within 1 s"):
        dot.draw(dot.journey_map(journey.journey, journey.graph), "svg")
    assert time.monotonic() - started < 10


def test_render_refuses_a_truncated_svg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cxjourney import load
    from cxjourney.render import dot

    journey = load(write(tmp_path, LOYAL))
    folder = fake_dot(tmp_path, "cat > /dev/null\nprintf '<svg><g>'\n")
    monkeypatch.setenv("PATH", folder + os.pathsep + os.environ["PATH"])
    with pytest.raises(dot.GraphvizFailed, match="incomplete SVG"):
        dot.draw(dot.journey_map(journey.journey, journey.graph), "svg")
    env_path = folder
    done = subprocess.run(
        [sys.executable, "-m", "cxjourney", "render", write(tmp_path, LOYAL), "-o", "m.svg"],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PATH": env_path + os.pathsep + os.environ["PATH"]},  # patched
        timeout=60,
    )
    assert done.returncode == 1 and b"incomplete SVG" in done.stderr
    assert not (tmp_path / "m.svg").exists()


TRAP_TOGETHER = """\
journey "Together" {
  customers 5
  persona p {
    share 100%
  }
  stage s {
    touchpoint a { }
    touchpoint b { }
    touchpoint c { }
  }
  flow {
    start -> a
    a -> b
    b -> end 50%
    b -> c
    c -> end 50%
    c -> a
  }
  scenario one "One" {
    cost 10
    flow b -> c = 100%
  }
  scenario two "Two" {
    cost 10
    flow c -> a = 100%
  }
}
"""


def test_scenarios_that_trap_customers_only_together_are_skipped_by_optimize_and_named(
    tmp_path: Path,
) -> None:
    """The command line does what the library does: the combination is not simulated,
    the others are, and the output says which was left out and why."""
    journey = write(tmp_path, TRAP_TOGETHER)
    assert run_cli("check", journey).returncode == 0  # each alone is fine
    done = run_cli("optimize", journey, "--budget", "100", "-n", "2", "-j", "1")
    out = done.stdout.decode()
    assert done.returncode == 0, done.stderr.decode()
    assert "2 combinations simulated" in out
    skipped = [line for line in out.splitlines() if line.startswith("cannot be combined")]
    assert len(skipped) == 1 and skipped[0].endswith(": one + two"), out
    assert "can never finish" in skipped[0]
