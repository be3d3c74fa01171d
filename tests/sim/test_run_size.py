"""The run-size limit: a run that would take hours is refused before it starts unless
--allow-long, the estimate it rests on bounds the visits made, and a horizon no run
could reach is refused on the command line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import run_cli, write

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
