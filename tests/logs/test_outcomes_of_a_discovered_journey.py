"""Outcomes fitted to a journey that `discover` wrote: arrivals alone, so no retention.

Such a journey starts with no customers (`customers 0`), and retention is the share of
the customers present at the start still active at the horizon: the simulation gives
none. The observed retention is reported as not fitted, and the scores still are.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

LOG = """\
case,activity,timestamp,customer
c1,browse,2024-01-01T10:00:00,a
c1,pay,2024-01-01T10:05:00,a
c2,browse,2024-01-02T10:00:00,b
c2,pay,2024-01-02T10:07:00,b
c3,browse,2024-01-03T10:00:00,c
c3,leave,2024-01-03T10:02:00,c
c4,browse,2024-01-04T10:00:00,d
c4,pay,2024-01-04T10:03:00,d
"""

SURVEY = """\
customer,date,nps,churned
a,2024-01-05,9,no
b,2024-01-05,6,yes
c,2024-01-05,3,yes
d,2024-01-05,10,no
"""


def test_calibrate_with_outcomes_on_a_discovered_journey(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    (tmp_path / "survey.csv").write_text(SURVEY, encoding="utf-8")
    found = run_cli("discover", "log.csv", "-o", "found.journey", "-q", cwd=tmp_path)
    assert found.returncode == 0, found.stderr.decode()
    done = run_cli(
        "calibrate", "found.journey", "log.csv", "--outcomes", "survey.csv",
        "-o", "calibrated.journey", cwd=tmp_path,
    )  # fmt: skip
    err = done.stderr.decode()
    assert done.returncode == 0, err
    assert "run failed" not in err
    assert "retention" in err and "gives no retention" in err and "not fitted" in err
    assert "promoters    observed 0.500" in err and "before" in err
    assert (tmp_path / "calibrated.journey").read_text(encoding="utf-8").startswith("#")
