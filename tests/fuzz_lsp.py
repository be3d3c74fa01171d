"""A long fuzz run of the language server's protocol, by hand (the suite runs a short one in
tests/lsp/test_fuzz_protocol.py): random and mutated JSON-RPC messages to one server
process, each followed by a probe it must answer (see tests/lsp/fuzz.py).

    nice -n 19 .venv/bin/python -m tests.fuzz_lsp --inputs 100000

Prints a line per thousand inputs and the figures at the end; each failure (a death, a
hang, a request left unanswered, a badly framed reply) is written to fuzz-failures/
with the bytes that caused it, the server is started again, and the run exits 1.
"""

from __future__ import annotations

import sys

from tests.fuzz_runner import run_by_hand
from tests.lsp.fuzz import Fuzzer


def main() -> int:
    return run_by_hand(
        __doc__.splitlines()[0],
        lambda seed, timeout: Fuzzer(seed, timeout=timeout),
        "lsp",
        timeout=10.0,
        timeout_help="seconds to answer a probe",
    )


if __name__ == "__main__":
    sys.exit(main())
