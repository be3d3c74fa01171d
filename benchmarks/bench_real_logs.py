"""Does a map discovered from a real log reproduce it? discover, then simulate, then compare.

Run: CXJOURNEY_SHARED_DATA=/path/to/data .venv/bin/python benchmarks/bench_real_logs.py [-n REPS]

For each public log (receipt: rework loops; road traffic fines) it discovers a map,
simulates it (seed 1, REPS replications, each read from the simulation's event log) and
prints, beside the log's figure, the simulated one and whether it meets its target:

- case arrivals: cases started per day over the window in which the log's cases start
  (within 5%);
- each activity's visits per case (within 3 points; the worst activity is shown);
- the share of cases ending at each last activity (within 3 points; the worst shown);
- mean case duration (within 15%) and median (within 25%); the median is the mean of
  the runs' medians.

Only simulated cases that start inside the log's own start window are compared, and the
simulation runs on past the discovered horizon by the log's longest case, so that each
has had time to finish, as every case of these (complete) logs has.
Also prints discover's seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from cxjourney.language.load import load
from cxjourney.logs.cases import Log
from cxjourney.logs.discover import DiscoverOptions, discover
from cxjourney.logs.read import read_log
from cxjourney.logs.text import duration
from cxjourney.sim.experiment import RunSpec, simulate

LOGS = ("receipt.csv.gz", "roadtraffic100traces.xes")
DAY = 1440.0


@dataclass
class Figures:
    cases: int
    per_day: float
    visits: dict[str, float]  # activity -> visits per case
    ends: dict[str, float]  # last activity -> share of cases
    mean_days: float
    median_days: float


def figures(cases: list, window: float) -> Figures:
    n = len(cases)
    visits: Counter = Counter()
    ends: Counter = Counter()
    durations = []
    for c in cases:
        visits.update(v.activity for v in c.visits)
        ends[c.visits[-1].activity] += 1
        last = max((v.end if v.end is not None else v.time) for v in c.visits)
        durations.append((last - c.start) / DAY)
    return Figures(
        n,
        n / max(window / DAY, 1e-9),
        {a: k / n for a, k in visits.items()},
        {a: k / n for a, k in ends.items()},
        statistics.fmean(durations),
        statistics.median(durations),
    )


def log_window(log: Log) -> tuple[float, float]:
    starts = sorted(c.start for c in log.cases)
    n = len(starts)
    # n starts mark n - 1 gaps; the window is widened by one mean gap so n/window is the rate
    width = (starts[-1] - starts[0]) * n / max(n - 1, 1)
    return starts[0], width


def simulated(found, reps: int, window: float, longest: float, folder: Path) -> list[Figures]:
    source = found.source
    activity = {tp: a for a, tp in found.touchpoints.items()}
    loaded = load("discovered.journey", data=source.encode())
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    journey = replace(loaded.journey, horizon=max(loaded.journey.horizon, window + longest))
    out = []
    for rep in range(reps):
        events = folder / f"events{rep}.csv"
        simulate(journey, RunSpec(seed=1 + rep, replications=1), events=str(events))
        log = read_log(str(events))
        first = 0.0
        inside = [c for c in log.cases if c.start - first < window]
        for c in inside:
            for v in c.visits:
                v.activity = activity.get(v.activity, v.activity)
        out.append(figures(inside, window))
    return out


def worst(real: dict[str, float], sims: list[dict[str, float]]) -> tuple[str, float, float]:
    keys = set(real) | {k for s in sims for k in s}
    gaps = {k: statistics.fmean(s.get(k, 0.0) for s in sims) - real.get(k, 0.0) for k in keys}
    key = max(gaps, key=lambda k: (abs(gaps[k]), k))
    return key, real.get(key, 0.0), real.get(key, 0.0) + gaps[key]


def report(name: str, path: Path, reps: int) -> bool:
    log = read_log(str(path))
    _, window = log_window(log)
    real = figures(log.cases, window)
    longest = max(c.visits[-1].time - c.start for c in log.cases)
    began = time.perf_counter()
    found = discover(log, DiscoverOptions())
    seconds = time.perf_counter() - began
    with tempfile.TemporaryDirectory() as folder:
        sims = simulated(found, reps, window, longest, Path(folder))
    mean = statistics.fmean
    per_day = mean(s.per_day for s in sims)
    act, a_real, a_sim = worst(real.visits, [s.visits for s in sims])
    end, e_real, e_sim = worst(real.ends, [s.ends for s in sims])
    m_sim = mean(s.mean_days for s in sims)
    md_sim = mean(s.median_days for s in sims)
    rows = [
        ("cases per day", f"{real.per_day:.3f}", f"{per_day:.3f}",
         abs(per_day / real.per_day - 1) <= 0.05, "5%"),
        (f"visits per case, worst: {act}", f"{a_real:.3f}", f"{a_sim:.3f}",
         abs(a_sim - a_real) <= 0.03, "3 pts"),
        (f"share ending at, worst: {end}", f"{e_real:.1%}", f"{e_sim:.1%}",
         abs(e_sim - e_real) <= 0.03, "3 pts"),
        ("mean case duration", duration(real.mean_days * DAY), duration(m_sim * DAY),
         abs(m_sim / real.mean_days - 1) <= 0.15, "15%"),
        ("median case duration", duration(real.median_days * DAY), duration(md_sim * DAY),
         abs(md_sim / max(real.median_days, 1e-9) - 1) <= 0.25, "25%"),
    ]  # fmt: skip
    print(f"\n{name}: {real.cases} cases; discover {seconds:.2f} s; {reps} simulated runs")
    print(f"{'figure':55} {'log':>10} {'simulated':>10}  target")
    for label, r, s, ok, target in rows:
        print(f"{label[:55]:55} {r:>10} {s:>10}  {target} {'ok' if ok else 'MISSED'}")
    return all(ok for *_, ok, _ in rows)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=3, help="simulated runs per log")
    parser.add_argument("--log", choices=LOGS, action="append", help="only this log")
    args = parser.parse_args()
    root = os.environ.get("CXJOURNEY_SHARED_DATA")
    if not root:
        print("set CXJOURNEY_SHARED_DATA to the folder that holds logs/", file=sys.stderr)
        return 2
    ok = True
    for name in args.log or LOGS:
        ok &= report(name, Path(root) / "logs" / name, args.n)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
