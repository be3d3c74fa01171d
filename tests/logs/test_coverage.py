"""Coverage of the backtest's 95% intervals on logs simulated without drift.

Each log is the test journey's own simulation, so the map is right and only its numbers
are estimated: well-calibrated intervals cover each held-out quantity with chance 95%.
Over the K quantities of a few logs, the number covered is then about Binomial(K, 0.95)
(quantities of one log share a calibration, so this is a guide, not exact); the test
asks for at least the 0.1% quantile of that law, e.g. 50 of 60. Intervals that ignore the
calibration's uncertainty, or read only one replication, cover far less (27% to 57% on
real logs before this design), and fail. The benchmark measures it over 40 seeds.
"""

from __future__ import annotations

from pathlib import Path

from cxjourney.logs.backtest import backtest
from cxjourney.logs.mapping import map_activities
from cxjourney.logs.read import read_log
from tests.logs.helpers import LOOP, journey_of, simulated_log


def run(log_path: Path, seed: int, replications: int = 5):
    journey = journey_of(LOOP)
    log = read_log(str(log_path))
    mapping = map_activities(journey, log.activities())
    return backtest(
        journey, LOOP.read_text(), log, mapping, "0.5", seed=seed, replications=replications
    )


def test_coverage_near_nominal_over_several_logs(tmp_path: Path):
    from scipy.stats import binom

    covered = total = 0
    for seed in (1, 2, 3, 4):
        result = run(simulated_log(LOOP, tmp_path / f"v{seed}.csv", seed=seed), seed=seed)
        names = {q.name for q in result.quantities}
        assert {"reach search", "reach advice", "completion", "wait advice"} <= names
        assert {"cases", "case duration, mean", "case duration, median"} <= names
        assert "path search > order > pickup" in names  # a common path, chosen in training
        assert result.train_cases > 500 and result.test_cases > 500
        assert all(q.method == "bootstrap" for q in result.quantities)
        covered += sum(q.covered for q in result.quantities)
        total += len(result.quantities)
    assert covered >= binom.ppf(0.001, total, 0.95), (covered, total)
