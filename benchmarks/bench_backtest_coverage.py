"""Coverage of the backtest's 95% intervals on logs simulated without drift, and drift named.

Run: .venv/bin/python benchmarks/bench_backtest_coverage.py [SEEDS] [REPLICATIONS]
For each seed, the test journey (tests/logs/data/loop.journey) writes an event log
(`simulate --events`), the backtest calibrates on the first half of its cases and
forecasts the rest with REPLICATIONS (default 5) bootstrap replications; the share of
all quantities whose observation falls in its interval is printed, with each kind's own
share and how often the drift check called a change. Then a log of two versions of the
journey, one after the other, is backtested and its drift report printed.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cxjourney.logs.backtest import backtest
from cxjourney.logs.mapping import map_activities
from cxjourney.logs.read import read_log
from tests.logs.helpers import LOOP, journey_of, simulated_log
from tests.logs.test_drift import two_versions_log


def run(log_path: Path, seed: int, replications: int):
    journey = journey_of(LOOP)
    log = read_log(str(log_path))
    mapping = map_activities(journey, log.activities())
    return backtest(
        journey, LOOP.read_text(), log, mapping, "0.5", seed=seed, replications=replications
    )


def kind(name: str) -> str:
    return name.split(" ")[0] if not name.startswith("case duration") else name


def main(seeds: int = 40, replications: int = 5) -> None:
    covered, total = Counter(), Counter()
    alarms = 0
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, seeds + 1):
            result = run(simulated_log(LOOP, Path(tmp) / f"{seed}.csv", seed=seed), seed,
                         replications)  # fmt: skip
            for q in result.quantities:
                covered[kind(q.name)] += q.covered
                total[kind(q.name)] += 1
            alarms += bool(result.drift and result.drift.changed)
            share = sum(covered.values()) / sum(total.values())
            print(f"seed {seed}: {result.coverage:.0%} of {len(result.quantities)}; "
                  f"so far {share:.1%}", flush=True)  # fmt: skip
        print()
        print(f"{seeds} seeds, -n {replications}: covered {sum(covered.values())} of "
              f"{sum(total.values())} quantities "
              f"({sum(covered.values()) / sum(total.values()):.1%})")  # fmt: skip
        for name in sorted(total):
            print(f"  {name}: {covered[name]} of {total[name]} ({covered[name] / total[name]:.0%})")
        print(f"drift called on {alarms} of {seeds} logs without drift")
        print(f"{time.perf_counter() - began:.0f} s")
        two = Path(tmp) / "two"
        two.mkdir()
        result = run(two_versions_log(two), 1, replications)
        print(f"two versions: coverage {result.coverage:.0%}")
        print("\n".join(result.drift.lines()))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
