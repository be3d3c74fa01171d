"""Fuzz: every mutant that passes `check` either is refused by the run-size estimate or
simulates to the end, within its estimate (no hang, no traceback)."""

from __future__ import annotations

import random
import signal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxjourney import load
from cxjourney.sim import budget
from cxjourney.sim.experiment import RunSpec, simulate
from tests.fuzz_inputs import TINY_BASE, mutate_numbers

TEST_BUDGET = 100_000  # steps of one replication: larger mutants count as refused here


class Hung(Exception):
    pass


def _raise(signum, frame):
    raise Hung()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1))
def test_a_valid_mutant_finishes_within_its_estimate_or_is_refused(seed: int) -> None:
    text = mutate_numbers(TINY_BASE, random.Random(seed))
    loaded = load("-", data=text.encode("utf-8"), name="mutant.journey")
    if not loaded.ok:
        return
    journey = loaded.journey
    size = budget.size(journey)
    if size.steps > TEST_BUDGET or budget.run_size([journey], 2, 1).problem():
        return  # refused before it starts
    previous = signal.signal(signal.SIGALRM, _raise)
    signal.alarm(30)
    try:
        results = simulate(journey, RunSpec(replications=2, workers=1), scenarios=[])
    except Hung:
        pytest.fail(f"a mutant estimated at {size.steps:.0f} steps ran for 30 s:\n{text}")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    made = sum(tp["visits"] or 0 for tp in results["scenarios"]["baseline"]["touchpoints"].values())
    assert made <= 3 * size.visits + 50, text


def test_the_base_of_the_fuzz_is_valid_and_small() -> None:
    loaded = load("-", data=TINY_BASE.encode("utf-8"))
    assert loaded.ok, loaded.diagnostics
    assert budget.size(loaded.journey).steps < 5000
