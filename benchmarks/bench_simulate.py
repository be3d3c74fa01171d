"""Simulation throughput: touchpoint visits per second, against a minimal SimPy script.

Run: .venv/bin/python benchmarks/bench_simulate.py [--replications 2] [--repeat 2] [--scale 1]
     [--days D] [--only TEXT]

Four workloads, each with its scenarios dropped:
- arrival-driven: one persona arriving 6 a minute, each customer one journey through 8
  touchpoints in one stage, 2 of them queued (capacity 4, service exp(30 s), max_wait
  2 min, patience 5 min), a delighter on every third touchpoint (a contact centre or a
  shop with a stream of new customers); 2 days x --scale, or --days;
- the same without queues;
- queue-heavy: the same arrivals through 4 touchpoints, every one queued;
- repeat-visit: the coffee shop of journeys/ (few customers, many repeat journeys), with
  its two queues; 4 weeks x --scale.
For each, the whole `cxjourney simulate` process (start-up, parsing, checking,
simulation, JSON output) with one worker is timed against `baseline_simpy.run`, which
does only the same arrivals, routing and queueing in-process (no experience, memory,
loyalty or statistics). Ratios are measured in one run, alternating the two, since this
machine's absolute speed varies from day to day; best of --repeat.

The whole process includes its start-up (about 0.8 s with the compiled kernel), which
the in-process baseline does not pay: on a short horizon the ratio measures mostly the
start-up. --days lengthens the arrival-driven workloads (--only picks workloads whose
label contains the text) to see the simulator's own speed.
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
COMMAND = [sys.executable, "-m", "cxjourney", "simulate"]
QUIET = ["--format", "json", "--quiet", "--workers", "1"]


def arrival_driven(days: float, queued: set[int], count: int = 8) -> str:
    lines = [
        'journey "Arrival-driven" {',
        f"  horizon {days:g} days",
        "  customers 0",
        "  persona walk_in {",
        "    share 100%",
        "    arrivals 6 per min",
        "    patience 5 min",
        "    spend 10",
        "  }",
        "  stage visit {",
    ]
    for i in range(count):
        lines.append(f"    touchpoint t{i} {{")
        lines.append("      expect 3")
        lines.append("      delivers 3.2 +- 0.6")
        if i in queued:
            lines += ["      capacity 4", "      service exp(30 s)", "      max_wait 2 min"]
        if i % 3 == 2:
            lines.append(f'      delighter d{i} "Nice" chance 20% impact +1')
        lines.append("    }")
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


def workloads(
    scale: float, directory: Path, days: float | None = None, only: str = ""
) -> dict[str, tuple[Path, bool]]:
    coffee = COFFEE.read_text()
    coffee = coffee[: coffee.index("  scenario ")] + "}\n"
    coffee = coffee.replace("horizon 26 weeks", f"horizon {4 * scale:g} weeks")
    d = days if days is not None else 2 * scale
    texts = {
        f"arrival-driven, 2 of 8 queued, {d:g} d": (arrival_driven(d, {2, 5}), True),
        f"arrival-driven, no queues, {d:g} d": (arrival_driven(d, set()), False),
        f"queue-heavy, 4 of 4 queued, {d:g} d": (arrival_driven(d, {0, 1, 2, 3}, 4), True),
        "repeat-visit (coffee shop)": (coffee, True),
    }
    out = {}
    for i, (label, (text, queues)) in enumerate(texts.items()):
        if only not in label:
            continue
        path = directory / f"workload{i}.journey"
        path.write_text(text)
        out[label] = (path, queues)
    return out


def whole_process(path: Path, replications: int) -> tuple[float, float]:
    """Visits and seconds of a complete `cxjourney simulate` run with one worker."""
    start = time.perf_counter()
    out = subprocess.run(
        [*COMMAND, str(path), "-n", str(replications), *QUIET],
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
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--days", type=float, default=None)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    print(f"{'workload':40s} {'cxjourney':>14s} {'minimal SimPy':>14s}  ratio  target")
    with tempfile.TemporaryDirectory() as tmp:
        chosen = workloads(args.scale, Path(tmp), args.days, args.only)
        for label, (path, queues) in chosen.items():
            ours = base = 0.0
            for _ in range(args.repeat):  # alternate, so both see the same machine
                visits, seconds = whole_process(path, args.replications)
                ours = max(ours, visits / seconds)
                visits, seconds = baseline(path, queues, args.replications)
                base = max(base, visits / seconds)
            target = 1.0 if queues else 10.0
            print(
                f"{label:40s} {ours:10,.0f} v/s {base:10,.0f} v/s  {ours / base:5.2f}  {target}",
                flush=True,
            )


if __name__ == "__main__":
    main()
