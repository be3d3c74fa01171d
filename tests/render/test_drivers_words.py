"""`cxjourney drivers` in words: a journey's best moment is not called a peak when it
falls short of expectation."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli

#: Every moment below expectation: each journey's best moment is only the least bad.
ALL_BAD = """\
journey "Every step disappoints" {
  horizon 1 week
  customers 60
  persona p {
    share 100%
    visits every 2 days
  }
  stage s {
    touchpoint queue "Queues" {
      owner "Operations"
      expect 4.5
      delivers 2 +- 0.2
    }
    touchpoint pay "Pays" {
      owner "Finance"
      expect 4.5
      delivers 2.5 +- 0.2
    }
  }
}
"""


def test_drivers_call_the_best_moment_best_not_a_peak(tmp_path: Path) -> None:
    path = tmp_path / "bad.journey"
    path.write_text(ALL_BAD, encoding="utf-8")
    done = run_cli("drivers", str(path), "-j", "1", "-n", "2", "--horizon", "1 week")
    assert done.returncode == 0, done.stderr.decode()
    text = done.stdout.decode()
    assert "peak" not in text
    assert "a best moment below expectation is only the least bad" in text
    header = next(line for line in text.splitlines() if line.startswith("rank  touchpoint"))
    assert header.split()[-2:] == ["best", "worst"]
