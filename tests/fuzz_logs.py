"""A long fuzz run over event-log structure, by hand (the suite runs a short one in
tests/logs/test_fuzz_logs.py): mutated CSV, XES and simulated logs through read, discover,
check and conform (tests/logs/fuzz.py says what is made and checked).

    nice -n 19 .venv/bin/python -m tests.fuzz_logs --inputs 100000

Prints a line per thousand inputs and the figures at the end; each failure is written to
fuzz-failures/ with the bytes that caused it, and the run exits 1.
"""

from __future__ import annotations

import sys

from tests.fuzz_runner import run_by_hand
from tests.logs.fuzz import Fuzzer


def main() -> int:
    return run_by_hand(
        __doc__.splitlines()[0],
        lambda seed, timeout: Fuzzer(seed, timeout=timeout),
        "log",
        timeout=20.0,
        timeout_help="seconds for one input",
    )


if __name__ == "__main__":
    sys.exit(main())
