"""Fuzz the language server's protocol: a few hundred random and mutated JSON-RPC messages
to one server process (tests/lsp/fuzz.py says what is sent and checked). It never dies,
never hangs, and answers every request it can read. For a long run, by hand:

    .venv/bin/python -m tests.fuzz_lsp --inputs 100000
"""

from __future__ import annotations

import pytest

from tests.lsp.fuzz import Fuzzer

pytest.importorskip("pygls")

INPUTS = 300
SEED = 1


def test_the_server_survives_and_answers_random_messages(tmp_path) -> None:
    with open(tmp_path / "stderr.txt", "wb") as stderr:
        fuzzer = Fuzzer(SEED, timeout=10.0, stderr=stderr)
        try:
            tally = fuzzer.run(INPUTS)
        finally:
            fuzzer.close()
    assert tally.inputs == INPUTS and tally.requests > INPUTS // 4
    assert not tally.failures, "\n".join(
        f"input {i}: {problem}\n  {data[:500]!r}" for i, problem, data in tally.failures
    )
    assert tally.answered == tally.requests
