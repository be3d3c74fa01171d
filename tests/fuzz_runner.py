"""The command line of the long fuzz runs by hand (tests/fuzz_lsp.py, tests/fuzz_logs.py):
how many inputs, the seed, the time limit; a line per thousand inputs; each failure saved
to fuzz-failures/ with the bytes that caused it; exit 1 when there was any."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run_by_hand(
    description: str,
    make: Callable[[int, float], Any],
    prefix: str,
    *,
    timeout: float,
    timeout_help: str,
) -> int:
    """Run `make(seed, timeout)`'s fuzzer as the arguments say; its `run` returns a tally
    with `failures` and `line()`, and it has `close()`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=timeout, help=timeout_help)
    args = parser.parse_args()

    def save(i: int, problem: str, data: bytes) -> None:
        print(f"input {i}: {problem}", flush=True)
        folder = ROOT / "fuzz-failures"
        folder.mkdir(exist_ok=True)
        (folder / f"{prefix}-{args.seed}-{i}.bin").write_bytes(data)
        (folder / f"{prefix}-{args.seed}-{i}.txt").write_text(problem + "\n", encoding="utf-8")

    fuzzer = make(args.seed, args.timeout)
    try:
        tally = fuzzer.run(args.inputs, report_every=1000, on_failure=save)
    finally:
        fuzzer.close()
    print(f"seed {args.seed}: {tally.line()}")
    return 1 if tally.failures else 0
