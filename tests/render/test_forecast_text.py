"""The forecast table of `diff --simulate`: every row in the header's columns, whatever
the size of the figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cxjourney.render.forecast_text import forecast_lines

#: A journey whose revenue runs to tens of millions in two weeks.
PRIVATE_BANKING = """\
journey "Private banking" {
  horizon 2 weeks
  customers 300
  persona client "Client" {
    share 100%
    visits every 1 day
    spend 9000
  }
  stage s {
    touchpoint advice "Advice" {
      expect 4
      delivers 3.5 +- 0.5
    }
  }
}
"""


FAST = ("-j", "1", "-n", "2", "--horizon", "2 weeks")


def _columns_aligned(lines: list[str]) -> None:
    """Each column of the header starts where that column starts on every row."""
    header = next(line for line in lines if line.strip().startswith("metric"))
    rows = lines[lines.index(header) + 1 :]
    starts = [header.index(word) for word in ("old", "new", "change")]
    assert len(rows) == 3
    for row in rows:
        for start in starts:
            assert row[start - 1] == " " and row[start] != " ", (row, start)
            assert row[start - 2] == " ", (row, start)  # a gap, not a space inside a cell


def test_a_revenue_in_the_millions_keeps_its_columns() -> None:
    def interval(mean: float, low: float, high: float) -> dict[str, float]:
        return {"mean": mean, "low": low, "high": high}

    prediction = {
        "replications": 2,
        "seed": 1,
        "metrics": {
            "nps": {
                "old": interval(-38.9, -100.0, 41.7),
                "new": interval(-35.4, -100.0, 32.2),
                "change": interval(3.5, -9.6, 16.5),
            },
            "retention": {
                "old": interval(0.94, 0.898, 0.982),
                "new": interval(0.952, 0.93, 0.973),
                "change": interval(0.012, -0.01, 0.033),
            },
            "revenue": {
                "old": interval(38_763_000, 36_818_982, 40_707_018),
                "new": interval(39_010_500, 35_522_703, 42_498_297),
                "change": interval(247_500, -1_296_279, 1_791_279),
            },
        },
    }
    assert forecast_lines(prediction) == [
        "forecast: baseline of each version, 2 replications paired by seed 1 (95% intervals)",
        "  metric      old                                   new"
        "                                   change",
        "  NPS         -38.9 [-100.0, 41.7]                  -35.4 [-100.0, 32.2]"
        "                  +3.5 [-9.6, +16.5]",
        "  retention   94.0% [89.8%, 98.2%]                  95.2% [93.0%, 97.3%]"
        "                  +1.2 pts [-1.0 pts, +3.3 pts]",
        "  revenue     38,763,000 [36,818,982, 40,707,018]   39,010,500 [35,522,703, 42,498,297]"
        "   +247,500 [-1,296,279, +1,791,279]",
    ]
    _columns_aligned(forecast_lines(prediction))


def test_diff_simulate_prints_aligned_rows(tmp_path: Path) -> None:
    old, new = tmp_path / "old.journey", tmp_path / "new.journey"
    old.write_text(PRIVATE_BANKING, encoding="utf-8")
    new.write_text(PRIVATE_BANKING.replace("delivers 3.5", "delivers 4.5"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cxjourney", "diff", str(old), str(new), "--simulate", *FAST],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.strip().startswith("revenue") and "," in line for line in lines)
    _columns_aligned(lines)
