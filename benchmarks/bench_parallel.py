"""Speed-up from more workers: local processes and a Dask cluster, on one journey.

Run: .venv/bin/python benchmarks/bench_parallel.py [--weeks 4] [--replications 10] [--repeat 3]

Times `simulate` of the coffee-shop journey's baseline (journeys/coffee_shop.journey,
its scenarios dropped, horizon cut to --weeks) with 1 worker, 2 local worker processes
and a 2-worker Dask LocalCluster (started before the clock; connecting is timed), and
prints the speed-ups over 1 worker, best of --repeat (the machine is shared, so the
best run is the one least disturbed). Each run's JSON is checked to be the same bytes.

Then, for the paper estimate of a large cluster, the data each task moves: the pickled
compiled plan sent to a worker and the pickled result it sends back, per journey in
journeys/ at its own horizon (with few customers: neither size depends on them).
"""

from __future__ import annotations

import argparse
import logging
import os
import pickle
import time
from dataclasses import replace
from pathlib import Path

from cxjourney import load
from cxjourney.results import dumps
from cxjourney.sim import runner, streams
from cxjourney.sim.runner import simulate

ROOT = Path(__file__).resolve().parents[1]
COFFEE = ROOT / "journeys" / "coffee_shop.journey"


def timed(journey, replications: int, **where) -> tuple[float, str]:
    start = time.perf_counter()
    results = simulate(journey, seed=1, replications=replications, **where)
    return time.perf_counter() - start, dumps(results)


def speed_ups(weeks: int, replications: int, repeat: int) -> None:
    from distributed import LocalCluster

    journey = replace(load(str(COFFEE)).journey, scenarios=(), horizon=weeks * 7 * 1440)
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,
    ) as cluster:
        ways = {
            "1 worker": {"workers": 1},
            "2 local workers": {"workers": 2},
            "Dask LocalCluster, 2 workers": {"dask": cluster.scheduler_address},
        }
        best = dict.fromkeys(ways, float("inf"))
        outputs = set()
        for _ in range(repeat):
            for name, where in ways.items():
                seconds, text = timed(journey, replications, **where)
                best[name] = min(best[name], seconds)
                outputs.add(text)
    assert len(outputs) == 1, "the results differ with where they ran"
    busy = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"coffee_shop baseline, {weeks} weeks, {replications} replications, best of {repeat}")
    print(f"{os.cpu_count()} cores; load average at the end: {busy}")
    print(f"{'':32}{'seconds':>9}{'speed-up':>10}")
    for name, seconds in best.items():
        print(f"{name:32}{seconds:9.2f}{best['1 worker'] / seconds:9.2f}x")
    print("results: byte-identical in every way\n")


def task_sizes() -> None:
    print("data per task (pickled): plan sent to a worker, result sent back")
    print(f"{'journey':24}{'plan KB':>9}{'result KB':>11}")
    for path in sorted((ROOT / "journeys").glob("*.journey")):
        journey = replace(load(str(path)).journey, scenarios=(), customers=20)
        plans = runner.plans_for([journey])
        key = streams.replication_keys(1, 1)[0]
        task = (plans[0], runner.choose_engine(plans), 0, 0, key, "baseline", None)
        plan_kb = len(pickle.dumps(plans[0])) / 1024
        result_kb = len(pickle.dumps(runner._run_task(task))) / 1024
        print(f"{path.stem:24}{plan_kb:9.1f}{result_kb:11.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    speed_ups(args.weeks, args.replications, args.repeat)
    task_sizes()


if __name__ == "__main__":
    main()
