"""Helpers of the event-log tests: test data, simulated logs, the shared public logs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cxjourney.language.load import load
from cxjourney.sim.experiment import RunSpec, simulate

DATA = Path(__file__).resolve().parent / "data"
LOOP = DATA / "loop.journey"
ROOT = Path(__file__).resolve().parents[2]


def shared_log(name: str) -> Path:
    """A public log of the shared data folder; the test is skipped without it."""
    root = os.environ.get("CXJOURNEY_SHARED_DATA")
    if not root:
        pytest.skip("CXJOURNEY_SHARED_DATA is not set")
    path = Path(root) / "logs" / name
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return path


def simulated_log(journey_path: Path, target: Path, *, seed: int = 3, replications: int = 1):
    """Simulate a journey file and write its visits as an event log."""
    loaded = load(str(journey_path))
    assert loaded.ok, loaded.diagnostics
    simulate(loaded.journey, RunSpec(seed=seed, replications=replications), events=str(target))
    return target


def journey_of(path: Path):
    loaded = load(str(path))
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.journey
