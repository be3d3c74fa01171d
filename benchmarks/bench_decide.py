"""Time to a decision: each analysis as a ratio to one default `simulate` of the same file.

Run: .venv/bin/python benchmarks/bench_decide.py [--weeks 4] [--replications 4] [--repeat 1]
     .venv/bin/python benchmarks/bench_decide.py --defaults [--weeks 26]

With --defaults, every command runs as a user types it: no -n (replications grow until
the answer is settled), every core, the file's full horizon unless --weeks is given;
`simulate` alone has a target in seconds (10 s on the 2-core machine).

On the coffee shop of journeys/ (its horizon cut to --weeks), with one worker, the whole
process of each command is timed in one run, alternating with `simulate`, so that both
see the same machine:
- `compare --sensitivity` with two scenarios (target 1.5x),
- `optimize` over four scenarios (the file's three plus a pure cost; target 3x),
- `report`, which reuses one run's time series (target 1.2x),
- `compare` with `--max-replications` 5x `-n` (adaptive: stops when verdicts settle).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COFFEE = ROOT / "journeys" / "coffee_shop.journey"


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cxjourney", *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--defaults", action="store_true")
    args = parser.parse_args()
    if args.defaults and "--weeks" not in sys.argv:
        args.weeks = 26
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "coffee.journey"
        text = COFFEE.read_text().replace("horizon 26 weeks", f"horizon {args.weeks} weeks")
        close = text.rindex("}")
        text = text[:close] + '  scenario poster "A poster"{\n    cost 2k\n  }\n}\n'
        path.write_text(text)
        n = (
            ["--quiet"]
            if args.defaults
            else ["-n", str(args.replications), "--workers", "1", "--quiet"]
        )
        runs = {
            "compare --sensitivity, 2 scenarios": [
                "compare", str(path), "--scenario", "fix_first", "--scenario", "delight",
                "--sensitivity", *n,
            ],
            "optimize, 4 scenarios": ["optimize", str(path), "--budget", "1M", *n],
            "report": ["report", str(path), "-o", str(Path(tmp) / "r.html"), *n],
            "compare, adaptive (at most 5x -n)": [
                "compare", str(path), *n, "--max-replications", str(5 * args.replications),
            ],
        }  # fmt: skip
        targets = {"compare --sensitivity, 2 scenarios": 1.5, "optimize, 4 scenarios": 3.0,
                   "report": 1.2}  # fmt: skip
        print(f"{'analysis':36s} {'seconds':>8s} {'simulate':>9s}  ratio  target")
        if args.defaults:
            runs.pop("compare, adaptive (at most 5x -n)")
            seconds = min(timed(["simulate", str(path), *n]) for _ in range(args.repeat))
            print(f"default simulate: {seconds:.1f} s (target 10 s)", flush=True)
        for label, command in runs.items():
            best = None
            for _ in range(args.repeat):
                base = timed(["simulate", str(path), *n])
                ours = timed(command)
                ratio = ours / base
                if best is None or ratio < best[0]:
                    best = (ratio, ours, base)
            assert best is not None
            target = targets.get(label)
            print(
                f"{label:36s} {best[1]:8.1f} {best[2]:9.1f}  {best[0]:5.2f}  "
                f"{'' if target is None else target}",
                flush=True,
            )


if __name__ == "__main__":
    main()
