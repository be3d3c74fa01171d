"""A long fuzz run, by hand: mutated journeys through `check`, and valid ones through
the simulator, each under a time limit. Not collected by pytest (the suite runs a short
version in tests/test_fuzz_simulate.py).

    nice -n 19 .venv/bin/python -m tests.fuzz_by_hand --check 100000 --simulate 2000

Prints one line per thousand inputs and a summary; any traceback, hang or wrong
outcome is written to fuzz-failures/ with the input that caused it, and the run
exits 1.
"""

from __future__ import annotations

import argparse
import random
import signal
import sys
import time
import traceback
from pathlib import Path

from cxjourney import load
from cxjourney.sim import budget
from cxjourney.sim.experiment import RunSpec, simulate
from tests.fuzz_inputs import TINY_BASE, mutate, mutate_numbers

ROOT = Path(__file__).resolve().parents[1]
BASES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "journeys").glob("*.journey"))]
CHECK_SECONDS = 20  # a single check of a small file taking longer is a hang
STEP_BUDGET = 300_000  # a simulated mutant larger than this counts as refused


class Hung(Exception):
    pass


def _alarm(signum, frame):
    raise Hung()


def save(kind: str, index: int, text: str, problem: str) -> None:
    folder = ROOT / "fuzz-failures"
    folder.mkdir(exist_ok=True)
    (folder / f"{kind}-{index}.journey").write_text(text, encoding="utf-8")
    (folder / f"{kind}-{index}.txt").write_text(problem, encoding="utf-8")


def run_check(count: int, rng: random.Random) -> dict[str, int]:
    tally = {"inputs": 0, "valid": 0, "invalid": 0, "failures": 0, "slowest_ms": 0}
    for i in range(count):
        text = mutate(rng.choice(BASES), rng)
        started = time.monotonic()
        signal.alarm(CHECK_SECONDS)
        try:
            loaded = load("-", data=text.encode("utf-8", "surrogatepass"), name="fuzz.journey")
            lines = max(1, text.count("\n") + 1)
            bad = [
                d for d in loaded.diagnostics if not (1 <= d.line <= lines + 1 and d.column >= 1)
            ]
            if bad:
                raise AssertionError(f"diagnostic out of the file: {bad[0]}")
            tally["valid" if loaded.ok else "invalid"] += 1
        except Hung:
            tally["failures"] += 1
            save("check-hang", i, text, f"check took over {CHECK_SECONDS} s")
        except BaseException:
            tally["failures"] += 1
            save("check", i, text, traceback.format_exc())
        finally:
            signal.alarm(0)
        tally["inputs"] += 1
        tally["slowest_ms"] = max(tally["slowest_ms"], int((time.monotonic() - started) * 1000))
        if (i + 1) % 1000 == 0:
            print(f"check {i + 1}: {tally}", flush=True)
    return tally


def run_simulate(count: int, rng: random.Random) -> dict[str, int]:
    tally = {"inputs": 0, "invalid": 0, "refused": 0, "ran": 0, "failures": 0, "slowest_ms": 0}
    for i in range(count):
        text = mutate_numbers(TINY_BASE, rng)
        loaded = load("-", data=text.encode("utf-8"), name="fuzz.journey")
        tally["inputs"] += 1
        if not loaded.ok or loaded.journey is None:
            tally["invalid"] += 1
            continue
        journey = loaded.journey
        sizes = [budget.size(journey)]
        if sizes[0].steps > STEP_BUDGET or budget.run_size([journey], 2, 1).problem():
            tally["refused"] += 1
            continue
        limit = max(10, int(30 * budget.run_size([journey], 2, 1).seconds) + 10)
        started = time.monotonic()
        signal.alarm(limit)
        try:
            results = simulate(journey, RunSpec(replications=2, workers=1), scenarios=[])
            made = sum(
                tp["visits"] or 0 for tp in results["scenarios"]["baseline"]["touchpoints"].values()
            )
            if made > 3 * sizes[0].visits + 50:
                raise AssertionError(f"{made} visits, estimated at most {sizes[0].visits:.0f}")
            tally["ran"] += 1
        except Hung:
            tally["failures"] += 1
            save("simulate-hang", i, text, f"simulate took over {limit} s")
        except BaseException:
            tally["failures"] += 1
            save("simulate", i, text, traceback.format_exc())
        finally:
            signal.alarm(0)
        tally["slowest_ms"] = max(tally["slowest_ms"], int((time.monotonic() - started) * 1000))
        if (i + 1) % 100 == 0:
            print(f"simulate {i + 1}: {tally}", flush=True)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=int, default=10000)
    parser.add_argument("--simulate", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(args.seed)
    started = time.monotonic()
    checked = run_check(args.check, rng)
    simulated = run_simulate(args.simulate, rng)
    print(f"check: {checked}")
    print(f"simulate: {simulated}")
    print(f"{time.monotonic() - started:.0f} s")
    return 1 if checked["failures"] or simulated["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
