"""A backtest whose forecast has no visits says so, instead of failing inside the run."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.logs.test_outcomes_of_a_discovered_journey import LOG


def test_a_forecast_with_no_visits_is_said_plainly(tmp_path: Path) -> None:
    """Four cases over four days, and the discovered journey without its arrivals: with
    no customers at the start either, the forecast brings nobody."""
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    found = run_cli("discover", "log.csv", "-o", "found.journey", "-q", cwd=tmp_path)
    assert found.returncode == 0, found.stderr.decode()
    text = (tmp_path / "found.journey").read_text()
    assert "customers 0" in text
    kept = [line for line in text.splitlines() if "arrivals" not in line.split("#")[0]]
    (tmp_path / "nobody.journey").write_text("\n".join(kept) + "\n")
    done = run_cli(
        "backtest", "nobody.journey", "log.csv", "--split", "0.5", "-n", "1", cwd=tmp_path
    )
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert "the forecast has no visits" in err and "run failed" not in err
