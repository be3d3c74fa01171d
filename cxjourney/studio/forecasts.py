"""The forecast beside the editor: one run at a time per file, and a newer edit cancels it.

Runs go to one worker thread, so the server keeps answering while a run goes on, and the
machine runs one simulation at a time. Each request for a file takes the next generation
number of that file; the run's progress callback (called after every replication) stops
it as soon as a newer generation exists, and a run still queued when a newer one arrives
never starts. So typing never piles up runs, and no stale forecast reaches the page.

Two sizes: the quick run after typing stops (QUICK_REPLICATIONS replications on the first
QUICK_HORIZON_DAYS of the horizon, or fewer days for a busy journey, so that a replication
holds at most about QUICK_JOURNEYS journeys: a fixed size, so that it answers in a second
or two and two edits of a file are compared on the same run) and the full run
of the button (the command line's default adaptive run, 4 to 40 replications on the file's
horizon). Both pass the command
line's run-size check (`admit`), so the studio refuses what `simulate` refuses.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..model import Journey

QUICK_HORIZON_DAYS = 14
QUICK_REPLICATIONS = 2  # the fewest that give an interval
QUICK_JOURNEYS = 6000  # per replication, by the run-size estimate (sim/budget.py)
QUICK_DAYS = (QUICK_HORIZON_DAYS, 7, 3, 1)


class Superseded(Exception):
    """A newer edit of the same file asked for a forecast: this one stops."""


def spec_for(journey: Journey, full: bool) -> Any:
    """The run: the command line's default adaptive run, or the quick one."""
    from ..sim.sequential import AUTO_MAXIMUM, AUTO_START, Schedule
    from ..sim.spec import RunSpec

    if full:
        return RunSpec(seed=1, schedule=Schedule(AUTO_START, AUTO_MAXIMUM, auto=True))
    return RunSpec(seed=1, horizon=quick_horizon(journey), replications=QUICK_REPLICATIONS)


def quick_horizon(journey: Journey) -> float:
    """The longest of QUICK_DAYS (never past the file's horizon) whose replication is
    estimated to hold at most QUICK_JOURNEYS journeys; the shortest when none is."""
    from dataclasses import replace

    from ..language.units import DAY
    from ..sim import budget

    for days in QUICK_DAYS:
        horizon = min(journey.horizon, days * DAY)
        if budget.size(replace(journey, horizon=horizon)).journeys <= QUICK_JOURNEYS:
            return horizon
    return horizon


@dataclass
class Forecasts:
    """Generations per file, and the one worker that runs them."""

    generations: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    worker: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="cxjourney-forecast")
    )

    def ticket(self, key: str) -> int:
        """A new generation for KEY: every older run of KEY is now stale."""
        with self.lock:
            self.generations[key] = self.generations.get(key, 0) + 1
            return self.generations[key]

    def current(self, key: str, generation: int) -> bool:
        with self.lock:
            return self.generations.get(key) == generation

    async def run(self, key: str, job: Callable[[Callable[[int], None]], Any]) -> Any:
        """JOB(progress) in the worker, unless a newer run of KEY comes first (Superseded)."""
        generation = self.ticket(key)

        def progress(_done: int = 1) -> None:
            if not self.current(key, generation):
                raise Superseded

        def guarded() -> Any:
            progress()
            return job(progress)

        future = self.worker.submit(guarded)
        result = await asyncio.wrap_future(future)
        if not self.current(key, generation):
            raise Superseded
        return result

    def warm(self) -> None:
        """Load the simulator in the worker before the first edit: the compiled kernel
        takes seconds to load once, which the first quick forecast would otherwise pay."""
        self.worker.submit(_warm_up)

    def close(self) -> None:
        with self.lock:  # every run still going is stale from now on
            for key in self.generations:
                self.generations[key] += 1
        self.worker.shutdown(wait=False, cancel_futures=True)


def forecast(
    journey: Journey,
    full: bool,
    progress: Callable[[int], None],
    versions: tuple[Journey, Journey] | None = None,
) -> dict[str, Any]:
    """The simulation's results and, when the file changed since the last commit, what the
    change does to the forecast (`decide.versions`), on the same run specification."""
    from ..decide import versions as version_forecast
    from ..sim.experiment import simulate

    spec = spec_for(journey, full)
    results = simulate(journey, spec, progress=progress)
    prediction = None
    if versions is not None:
        fixed = _fixed(spec, results["replications"])
        progress()
        prediction = version_forecast.forecast(versions[0], versions[1], fixed)
    return {"results": results, "prediction": prediction, "spec": spec}


def _fixed(spec: Any, replications: int) -> Any:
    """The version comparison at the replications the forecast took (no second adaptive run)."""
    from dataclasses import replace

    return replace(spec, replications=max(replications, 2), schedule=None)


def _warm_up() -> None:
    """One short run of the starter journey: imports and loads everything a forecast uses."""
    from ..language.load import load
    from ..language.units import DAY
    from ..sim.experiment import simulate
    from ..sim.spec import RunSpec
    from ..starter import starter_journey

    loaded = load("starter.journey", data=starter_journey(None).encode())
    if loaded.journey is not None:
        simulate(loaded.journey, RunSpec(seed=1, replications=1, horizon=DAY))
