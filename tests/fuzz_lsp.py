"""A long fuzz run of the language server's protocol, by hand (the suite runs a short one in
tests/lsp/test_fuzz_protocol.py): random and mutated JSON-RPC messages to one server
process, each followed by a probe it must answer (see tests/lsp/fuzz.py).

    nice -n 19 .venv/bin/python -m tests.fuzz_lsp --inputs 100000

Prints a line per thousand inputs and the figures at the end; each failure (a death, a
hang, a request left unanswered, a badly framed reply) is written to fuzz-failures/
with the bytes that caused it, the server is started again, and the run exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.lsp.fuzz import Fuzzer

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to answer a probe")
    args = parser.parse_args()

    def save(i: int, problem: str, data: bytes) -> None:
        print(f"input {i}: {problem}", flush=True)
        folder = ROOT / "fuzz-failures"
        folder.mkdir(exist_ok=True)
        (folder / f"lsp-{args.seed}-{i}.bin").write_bytes(data)
        (folder / f"lsp-{args.seed}-{i}.txt").write_text(problem + "\n", encoding="utf-8")

    fuzzer = Fuzzer(args.seed, timeout=args.timeout)
    try:
        tally = fuzzer.run(args.inputs, report_every=1000, on_failure=save)
    finally:
        fuzzer.close()
    print(f"seed {args.seed}: {tally.line()}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
