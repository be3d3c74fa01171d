"""Simulation throughput: touchpoint visits per second, against a minimal SimPy script.

Run: .venv/bin/python benchmarks/bench_simulate.py [--weeks 26] [--replications 10] [--repeat 2]

Two workloads from the coffee-shop journey (journeys/coffee_shop.journey) (its scenarios dropped):
- with queues: as written (two queued touchpoints, walking out past patience);
- without queues: the same journey with `capacity`/`service` removed.
For each, the whole `cxjourney simulate` process (start-up, parsing, checking,
simulation, JSON output) is timed against `baseline_simpy.run`, which does only the
same arrivals, routing and queueing in-process. Ratios are measured in one run,
since this machine's absolute speed varies from day to day; best of --repeat.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from baseline_simpy import run as baseline_run  # noqa: E402

from cxjourney import load  # noqa: E402
from cxjourney.sim.plan import compile_plan  # noqa: E402

COFFEE = ROOT / "journeys" / "coffee_shop.journey"


def workloads(weeks: int, directory: Path) -> dict[str, Path]:
    text = COFFEE.read_text()
    text = text[: text.index("  scenario ")] + "}\n"
    text = text.replace("horizon 26 weeks", f"horizon {weeks} weeks")
    queued = directory / "coffee_queues.journey"
    queued.write_text(text)
    lines = [ln for ln in text.splitlines() if not ln.strip().startswith(("capacity", "service"))]
    free = directory / "coffee_no_queues.journey"
    free.write_text("\n".join(lines) + "\n")
    return {"with queues": queued, "without queues": free}


def whole_process(path: Path, replications: int) -> tuple[float, float]:
    """Visits and seconds of a complete `cxjourney simulate` run."""
    start = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "cxjourney",
            "simulate",
            str(path),
            "-n",
            str(replications),
            "--format",
            "json",
            "--quiet",
            "--workers",
            "1",
        ],
        check=True,
        capture_output=True,
    ).stdout
    elapsed = time.perf_counter() - start
    results = json.loads(out)
    touchpoints = results["scenarios"]["baseline"]["touchpoints"].values()
    visits = sum(t["visits"] for t in touchpoints) * replications  # visits are means
    return visits, elapsed


def baseline(path: Path, queues: bool, replications: int) -> tuple[float, float]:
    plan = compile_plan(load(str(path)).journey)
    start = time.perf_counter()
    visits = sum(baseline_run(plan, seed=r + 1, queues=queues) for r in range(replications))
    return visits, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in workloads(args.weeks, Path(tmp)).items():
            queues = label == "with queues"
            ours = base = 0.0
            for _ in range(args.repeat):  # alternate, so both see the same machine
                visits, seconds = whole_process(path, args.replications)
                ours = max(ours, visits / seconds)
                visits, seconds = baseline(path, queues, args.replications)
                base = max(base, visits / seconds)
            target = 0.7 if queues else 0.5
            print(
                f"{label:15s} cxjourney simulate {ours:12,.0f} visits/s   "
                f"minimal SimPy {base:12,.0f} visits/s   ratio {ours / base:5.2f} "
                f"(target {target})"
            )


if __name__ == "__main__":
    main()
