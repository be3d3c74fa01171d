"""Without numba the kernel runs as plain Python and gives the same bytes, only slower."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from cxjourney.model import Distribution, Shift, Window
from cxjourney.sim.experiment import RunSpec, simulate
from tests.conftest import ROOT, SPEC_EXAMPLES, load_text
from tests.sim.test_one_kernel import without_queues

DAY = 24 * 60.0


def small_runs() -> str:
    """Both engines on two small queue-free journeys that use every construct the kernel
    computes: delays, steps that take time, edge delays, repeat starts, busy hours,
    events, recoveries, referrals, learning; as sorted JSON, events logs included."""
    coffee = load_text(without_queues((SPEC_EXAMPLES / "coffee.journey").read_text())).journey
    tps, personas = list(coffee.touchpoints), list(coffee.personas)
    tps[1] = replace(tps[1], after=Distribution("lognormal", (2 * DAY, DAY)), max_wait=DAY)
    tps[2] = replace(tps[2], takes=Distribution("exp", (60.0,)))
    personas[0] = replace(
        personas[0],
        repeat_from=tps[1].id,
        busy=(Shift(Window(days=(0, 1, 2, 3, 4), start=480, end=600), 3.0),),
    )
    flow = tuple(
        replace(e, after=Distribution("exp", (600.0,))) if i % 2 == 0 else e
        for i, e in enumerate(coffee.flow)
    )
    timed = replace(
        coffee, touchpoints=tuple(tps), personas=tuple(personas), flow=flow, customers=60
    )
    broadband = load_text(without_queues((SPEC_EXAMPLES / "broadband.journey").read_text()))
    recovering = replace(broadband.journey, customers=80)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events.csv"
        for journey in (timed, recovering):
            for engine in ("simpy", "batch"):
                results = simulate(
                    journey,
                    RunSpec(seed=3, replications=1, horizon=21 * DAY, engine=engine),
                    events=events,
                )
                out.append([results, events.read_text()])
    return json.dumps(out, sort_keys=True)


NO_NUMBA = """
import sys
sys.modules["numba"] = None  # as if it were not installed: `import numba` fails
from cxjourney.sim import jit, kernel
assert jit.numba is None and not jit.COMPILED
assert kernel.felt.__class__.__name__ == "function"
from tests.sim.test_kernel_fallback import small_runs
print(small_runs())
"""


def test_the_kernel_without_numba_gives_the_same_bytes() -> None:
    compiled = small_runs()
    done = subprocess.run(
        [sys.executable, "-c", NO_NUMBA], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == compiled


@pytest.mark.slow
def test_no_writable_cache_directory_compiles_in_process(tmp_path: Path) -> None:
    """Where numba finds no cache directory it can write (a read-only install, no home),
    the kernel is compiled in the process instead: slower to start, the same bytes."""
    pytest.importorskip("numba")
    journey = tmp_path / "tiny.journey"
    journey.write_text(
        'journey "Tiny" {\n  horizon 3 days\n  customers 20\n  persona p {\n    share 100%\n'
        "    visits every 1 day\n  }\n  stage s {\n    touchpoint t {\n      expect 3\n"
        "      delivers 3.2 +- 0.5\n      delighter d chance 30% impact +1\n    }\n  }\n}\n"
    )
    command = [
        sys.executable,
        "-m",
        "cxjourney",
        "simulate",
        str(journey),
        "-n",
        "2",
        "--format",
        "json",
        "--quiet",
    ]
    cached = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    nowhere = {
        **os.environ,
        "NUMBA_CACHE_DIR": str(tmp_path / "a-file" / "cache"),  # cannot be made
        "NUMBA_CACHE_LOCATOR_CLASSES": "UserProvidedCacheLocator",  # and no other place
    }
    (tmp_path / "a-file").write_text("")
    uncached = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=nowhere, timeout=600
    )
    assert uncached.returncode == 0, uncached.stderr[-3000:]
    assert uncached.stdout == cached.stdout
