"""Reproducers of what once crashed or misbehaved after `check` had passed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

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
