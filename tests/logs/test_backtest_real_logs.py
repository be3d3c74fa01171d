"""Conform and backtest on the public real logs (skipped unless CXJOURNEY_SHARED_DATA is set).

A map `discover` writes allows every transition it saw, so it fits its own log by
construction (fitness 100%); precision is what tells such a map from one that allows
everything. The backtest runs end to end on both logs: case counts and durations are
forecast, each forecast lies in its own interval, and what the map fixes is left out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.logs.helpers import shared_log

LOGS = [("receipt.csv.gz", "0.7"), ("roadtraffic100traces.xes", "0.6")]


def discovered(tmp_path: Path, log: Path) -> Path:
    done = run_cli("discover", str(log), "-o", "found.journey", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    return tmp_path / "found.journey"


@pytest.mark.slow
@pytest.mark.parametrize(("name", "split"), LOGS)
def test_discovered_map_fits_by_construction_and_precision_says_more(tmp_path, name, split):
    log = shared_log(name)
    journey = discovered(tmp_path, log)
    done = run_cli("conform", str(journey), str(log), "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert report["fitness"] == 1.0
    assert 0.2 < report["precision"] < 0.95


@pytest.mark.slow
@pytest.mark.parametrize(("name", "split"), LOGS)
def test_backtest_on_a_real_log(tmp_path, name, split):
    log = shared_log(name)
    journey = discovered(tmp_path, log)
    done = run_cli("backtest", str(journey), str(log), "--split", split, "-n", "3",
                   "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    names = {q["quantity"]: q for q in report["quantities"]}
    assert {"cases", "case duration, mean", "case duration, median"} <= set(names)
    assert names["case duration, mean"]["unit"] == "minutes"
    for q in report["quantities"]:
        assert q["low"] <= q["forecast"] <= q["high"], q
    assert any(left["quantity"] == "completion" for left in report["left_out"])
    assert report["drift"]["tests"] > 0
