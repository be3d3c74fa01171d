"""Backtest: held-out quantities of a simulated log fall in their intervals at about 95%."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxjourney.logs.backtest import SplitError, backtest, split_time
from cxjourney.logs.mapping import map_activities
from cxjourney.logs.read import read_log
from tests.conftest import run_cli
from tests.logs.helpers import LOOP, journey_of


def run(log_path: Path, split: str = "0.5", seed: int = 1):
    journey = journey_of(LOOP)
    log = read_log(str(log_path))
    mapping = map_activities(journey, log.activities())
    return backtest(journey, LOOP.read_text(), log, mapping, split, seed=seed, replications=5)


def test_a_wrong_map_is_not_covered(loop_log: Path, tmp_path: Path):
    """A map whose flow the training data cannot fix (no flow block) misses the shares."""
    text = LOOP.read_text()
    start = text.index("  flow {")
    chained = text[:start] + "}\n"
    path = tmp_path / "chain.journey"
    path.write_text(chained)
    journey = journey_of(path)
    log = read_log(str(loop_log))
    result = backtest(
        journey, chained, log, map_activities(journey, log.activities()), "0.5", replications=3
    )
    assert result.coverage < 0.5


def test_split_by_fraction_and_errors(loop_log: Path):
    log = read_log(str(loop_log))
    at = split_time(log, "0.25")
    before = sum(c.start < at for c in log.cases)
    assert abs(before / len(log.cases) - 0.25) < 0.01
    with pytest.raises(SplitError, match="between 0 and 1"):
        split_time(log, "1.5")
    with pytest.raises(SplitError, match="by a fraction"):
        split_time(log, "2024-05-01")


def test_cli_backtest_json(loop_log: Path, tmp_path: Path):
    done = run_cli(
        "backtest", str(LOOP), str(loop_log), "--split", "0.5", "-n", "2", "--format", "json",
        "--calibrated", str(tmp_path / "train.journey"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert 0 <= report["coverage"] <= 1 and report["quantities"]
    assert run_cli("check", str(tmp_path / "train.journey")).returncode == 0
    bad = run_cli("backtest", str(LOOP), str(loop_log), "--split", "soon")
    assert bad.returncode == 2 and b"split it by a fraction" in bad.stderr


@pytest.mark.slow
def test_outcomes_are_fitted_and_compared(loop_log: Path, tmp_path: Path):
    """Answers dated over the log's first 40 days: those before the split fit the loyalty
    parameters, the later ones are compared. Undated answers would be compared with what
    was fitted on them: left out."""
    from dataclasses import replace

    from cxjourney.logs.outcomes import Outcomes, read_outcomes
    from tests.logs.test_outcomes import survey

    rows = survey(tmp_path / "dated.csv").read_text().splitlines()
    undated = tmp_path / "undated.csv"
    undated.write_text("\n".join(",".join(r.split(",")[::2]) for r in rows) + "\n")
    answers = read_outcomes(str(undated))  # customer, nps
    assert not answers.dated and len(answers.scores) == 1000
    dated = Outcomes(answers.file, [replace(a, time=(i % 40) * 1440.0)
                                    for i, a in enumerate(answers.answers)])  # fmt: skip
    journey = journey_of(LOOP)
    log = read_log(str(loop_log))
    mapping = map_activities(journey, log.activities())
    result = backtest(journey, LOOP.read_text(), log, mapping, "0.5", replications=3,
                      outcomes=dated)  # fmt: skip
    names = {q.name: q for q in result.quantities}
    assert {"outcome promoters", "outcome detractors", "outcome satisfaction"} <= set(names)
    assert "noise" in result.calibrated  # fitted into the loyalty block
    in_sample = backtest(journey, LOOP.read_text(), log, mapping, "0.5", replications=1,
                         outcomes=answers)  # fmt: skip
    assert all(not q.name.startswith("outcome") for q in in_sample.quantities)
    assert ("outcomes", "they have no dates: fitted on the answers they would be compared "
            "with") in in_sample.left_out  # fmt: skip
    plain = backtest(journey, LOOP.read_text(), log, mapping, "0.5", replications=1)
    assert all(not q.name.startswith("outcome") for q in plain.quantities)
    horizon = max(log.last - result.split, 1440.0)  # the held-out period
    unfitted = _forecast_promoters(plain.calibrated, replications=3, horizon=horizon)
    fitted = names["outcome promoters"]
    assert abs(fitted.forecast - fitted.observed) < abs(unfitted - fitted.observed)


def _forecast_promoters(source: str, replications: int, horizon: float) -> float:
    from cxjourney.language.load import load
    from cxjourney.sim.experiment import RunSpec, simulate

    journey = load("-", data=source.encode(), name="j.journey").journey
    runs = simulate(journey, RunSpec(seed=1, replications=replications, horizon=horizon))
    return runs["scenarios"]["baseline"]["metrics"]["promoters"]["mean"]


def test_cli_backtest_csv_is_deterministic(loop_log: Path):
    args = ("backtest", str(LOOP), str(loop_log), "--split", "0.5", "-n", "2", "--format", "csv")
    first, second = run_cli(*args), run_cli(*args)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.decode().splitlines()
    assert lines[0] == "quantity,unit,observed,forecast,low,high,n,covered,interval"
    assert any(line.startswith("reach search,share,") for line in lines)
    assert first.stdout == second.stdout
