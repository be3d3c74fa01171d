"""Fuzz the event-log readers and what follows them: a few hundred mutated CSV, XES and
simulated logs (tests/logs/fuzz.py says what is made and checked). Each is read or refused
with a message, and whatever is read is discovered into a journey that passes `check`
and replays in `conform`, within the time limit. For a long run, by hand:

    .venv/bin/python -m tests.fuzz_logs --inputs 100000
"""

from __future__ import annotations

from tests.logs.fuzz import Fuzzer

INPUTS = 300
SEED = 1


def test_mutated_logs_are_read_or_refused_and_what_is_read_goes_through() -> None:
    fuzzer = Fuzzer(SEED, timeout=30.0)
    try:
        tally = fuzzer.run(INPUTS)
    finally:
        fuzzer.close()
    assert tally.inputs == INPUTS
    assert tally.read > INPUTS // 5 and tally.refused > INPUTS // 5  # both paths are exercised
    assert not tally.failures, "\n".join(
        f"input {i}: {problem}\n  {data[:300]!r}" for i, problem, data in tally.failures
    )
