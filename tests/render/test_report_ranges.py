"""The report's inputs tables show a number written as a range of belief as written and
marked as a guess, never the model's internals or the middle as if it were known."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

RANGED = """
journey "Guesses" {
  horizon 2 weeks
  customers 100
  currency GBP
  persona p {
    share 100%
    visits every 20 days .. 40 days
    arrivals 30 .. 50 per week
    spend 30 .. 45
  }
  stage s {
    touchpoint a {
      expect 3.5
    }
  }
  loyalty {
    adaptation 10% .. 30%
  }
}
"""


def test_the_report_shows_ranges_as_written(tmp_path: Path) -> None:
    source = tmp_path / "guesses.journey"
    source.write_text(RANGED, encoding="utf-8")
    out = tmp_path / "report.html"
    done = run_cli("report", str(source), "-o", str(out), "-n", "2", "--no-analysis", "--quiet")
    assert done.returncode == 0, done.stderr.decode()
    page = out.read_text(encoding="utf-8")
    assert "Belief(" not in page and "ranges" not in page.split("Loyalty model")[1][:2000]
    assert "10% .. 30% (a range of belief)" in page
    assert "every 20 days .. 40 days (a range of belief)" in page
    assert "30 .. 50 per week (a range of belief)" in page
    assert "30 .. 45 GBP (a range of belief)" in page
