"""A long fuzz run over event-log structure, by hand (the suite runs a short one in
tests/logs/test_fuzz_logs.py): mutated CSV, XES and simulated logs through read, discover,
check and conform (tests/logs/fuzz.py says what is made and checked).

    nice -n 19 .venv/bin/python -m tests.fuzz_logs --inputs 100000

Prints a line per thousand inputs and the figures at the end; each failure is written to
fuzz-failures/ with the bytes that caused it, and the run exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.logs.fuzz import Fuzzer

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds for one input")
    args = parser.parse_args()

    def save(i: int, problem: str, data: bytes) -> None:
        print(f"input {i}: {problem}", flush=True)
        folder = ROOT / "fuzz-failures"
        folder.mkdir(exist_ok=True)
        (folder / f"log-{args.seed}-{i}.bin").write_bytes(data)
        (folder / f"log-{args.seed}-{i}.txt").write_text(problem + "\n", encoding="utf-8")

    fuzzer = Fuzzer(args.seed, timeout=args.timeout)
    try:
        tally = fuzzer.run(args.inputs, report_every=1000, on_failure=save)
    finally:
        fuzzer.close()
    print(f"seed {args.seed}: {tally.line()}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
