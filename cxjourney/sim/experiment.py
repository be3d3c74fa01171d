"""One way to run: a frozen run specification and the experiment every command runs.

A `RunSpec` says how to run (seed, replications or an adaptive schedule, horizon,
workers, cluster, limits) and nothing about what; it is made once, from the command
line or by a caller of the library, and never changes. An `Experiment` is a baseline
and any number of variants run on shared replication keys (common random numbers):
every variant, added at once or later, sees replication k with the same key as the
baseline, so its differences from the baseline are paired and a variant identical to
the baseline differs by exactly zero.

The experiment applies the horizon once, admits the run's size once (the same answer
for the command line and the library: `RunRefused`, or a `LongRun` warning with
`allow_long`), chooses the engine once for all its variants, grows replication by
replication for adaptive schedules, and reports how many it took.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable
from dataclasses import InitVar, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..model import Journey
from ..results import assumed
from . import budget, runner, sequential, streams
from .plan import Plan
from .sequential import Schedule
from .spec import LongRun, RunRefused, RunSpec

__all__ = ["Experiment", "LongRun", "RunRefused", "RunSpec", "admit", "simulate"]

Variant = tuple[str, Journey, float]  # (name, journey, cost)
Progress = Callable[[int], None]


def admit(spec: RunSpec, journeys: Iterable[Journey], runs: int) -> None:
    """Refuse a run estimated to take hours or too much memory, before it starts.

    `runs`: replications of all variants together, each counted as large as the
    largest of `journeys`. With `spec.allow_long` a long run goes ahead with a warning;
    a run that cannot fit in memory is refused all the same (it would fail after the
    wait, with nothing to show).
    """
    size = budget.run_size([spec.on(j) for j in journeys], runs, spec.workers)
    memory = size.memory_problem()
    if memory is not None:
        fewer = " or fewer workers (-j)" if size.parallel > 1 else ""
        raise RunRefused(
            f"this run is too large: {memory}. Make it smaller: fewer customers (customers, "
            f"arrivals, horizon) or touchpoints{fewer}; a map discovered from a log of many "
            "activities keeps fewer with `discover --top-activities N`. --allow-long does "
            "not run what cannot fit in memory"
        )
    problem = size.problem()
    if problem is None:
        return
    if spec.allow_long:
        warnings.warn(f"{problem}; running anyway (--allow-long)", LongRun, stacklevel=2)
        return
    raise RunRefused(
        f"this run is too large: {problem}. Make it smaller (customers, horizon, visits, "
        "-n) or add --allow-long to run it anyway"
    )


@dataclass
class Experiment:
    """A baseline and any number of variants, run replication by replication."""

    journey: Journey
    spec: RunSpec = field(default_factory=RunSpec)
    progress: Progress | None = None
    events_dir: str | None = None  # keep each task's visit log here (simulate --events)
    variants: InitVar[list[Variant] | None] = None  # run in one batch with the baseline

    def __post_init__(self, variants: list[Variant] | None) -> None:
        self.journey = self.spec.on(self.journey)
        self.replications = self.spec.first
        self.keys = streams.replication_keys(self.spec.seed, self.replications)
        self.chosen: list[Variant] = []
        self.runs: list[list[dict[str, Any]]] = []
        self.plans: list[Plan] = []  # compiled once, beside `chosen`
        self._run: Any = None  # the engine: chosen with the first batch
        baseline = ("baseline", replace(self.journey, scenarios=()), 0.0)
        self.add([baseline, *(variants or [])])

    @property
    def seed(self) -> int:
        return self.spec.seed

    @property
    def schedule(self) -> Schedule | None:
        return self.spec.schedule

    @property
    def level(self) -> float:
        return self.spec.level

    def add(self, variants: list[Variant]) -> None:
        """Simulate more variants (one batch, so workers share it) on the same keys."""
        fresh = [(n, self.spec.on(j), c) for n, j, c in variants if n not in self.index]
        if not fresh:
            return
        plans = runner.plans_for([j for _, j, _ in fresh])
        self.plans += plans
        self.runs += self._tasks(plans, [name for name, _, _ in fresh], self.keys, 0)
        self.chosen += fresh

    def _tasks(
        self, plans: list[Plan], names: list[str], keys: list[int], first: int
    ) -> list[list[dict[str, Any]]]:
        if self._run is None or any(p.has_queues for p in plans):
            # chosen with the first batch; a later variant with queues moves every later
            # batch to the SimPy engine (the engines give the same numbers)
            self._run = runner.choose_engine(self.plans, self.spec.engine)
        return runner.run_tasks(
            plans,
            names,
            keys,
            run=self._run,
            workers=self.spec.workers,
            progress=self.progress,
            dask=self.spec.dask,
            events_dir=self.events_dir,
            first=first,
        )

    def grow(self, replications: int) -> None:
        """Run every variant up to `replications`; replication k keeps its random numbers."""
        if replications <= self.replications:
            return
        keys = streams.replication_keys(self.spec.seed, replications)
        fresh = keys[self.replications :]
        names = [name for name, _, _ in self.chosen]
        more = self._tasks(self.plans, names, fresh, self.replications)
        for runs, extra in zip(self.runs, more, strict=True):
            runs.extend(extra)
        self.keys, self.replications = keys, replications

    def settle(self, effects: Callable[[], Iterable[Any]], objective: str | None = None) -> None:
        """Add replications, look by look, until every effect's verdict is settled.

        `effects()` gives the effects at `self.level`; see sim/sequential.py. By default
        (`Schedule.auto`) an effect on `objective` smaller than what matters is settled too.
        """
        schedule = self.spec.schedule
        if schedule is None or not schedule.adaptive:
            return

        def matters() -> float | None:
            if objective is None:
                return schedule.precision
            metric = "revenue" if objective == "roi" else objective
            values = [r["metrics"][metric] for r in self.base]
            known = [v for v in values if v is not None]
            return schedule.change_precision(objective, sum(known) / len(known) if known else None)

        sequential.run_until(
            schedule,
            self.grow,
            lambda: all(sequential.settled(e, matters()) for e in effects()),
        )

    def answer(self, objective: str) -> bool:
        """Grow until the answer on `objective` is as precise as the schedule asks
        (`simulate`'s stop); True when it is."""
        schedule = self.spec.schedule
        if schedule is None or not schedule.adaptive:
            return True
        if schedule.precision is None and not schedule.auto:
            return True

        def done() -> bool:
            if not schedule.auto:
                assert schedule.precision is not None
                return all(
                    sequential.precise(value, schedule.precision)
                    for value in runner.raw_objective_values(self.chosen, self.runs, objective)
                )
            return runner.answer_settled(self.chosen, self.runs, objective, schedule)

        sequential.run_until(schedule, self.grow, done)
        return done()

    @property
    def index(self) -> dict[str, int]:
        return {name: i for i, (name, _, _) in enumerate(self.chosen)}

    @property
    def base(self) -> list[dict[str, Any]]:
        return self.runs[0]

    def runs_of(self, name: str) -> tuple[list[dict[str, Any]], float]:
        """A variant's runs and cost, as `objective.samples` takes them."""
        i = self.index[name]
        return self.runs[i], self.chosen[i][2]

    def results(self, names: list[str] | None = None) -> dict[str, Any]:
        """The results contract of docs/model.md for the baseline and the named variants."""
        if names is None:
            keep = list(range(len(self.chosen)))
        else:
            keep = [0] + [self.index[n] for n in names if n != "baseline"]
        return runner.summarise(
            self.journey,
            self.spec.seed,
            [self.chosen[i] for i in keep],
            [self.runs[i] for i in keep],
        )

    def note(self) -> dict[str, Any] | None:
        """How many replications the answer took (None for a fixed count)."""
        schedule = self.spec.schedule
        if schedule is None or not schedule.adaptive:
            return None
        return {
            "replications": self.replications,
            "maximum": schedule.maximum,
            "looks": schedule.looks(),
            "level": self.level,
            "precision": schedule.precision,
            "settled": self.replications < schedule.maximum,
        }


def file_scenarios(journey: Journey, ids: list[str] | None = None) -> list[Variant]:
    """The file's scenarios (all, or the given ids) as variants, in file order."""
    return [v for v in runner.variants(journey, ids) if v[0] != "baseline"]


def planned_runs(journey: Journey, spec: RunSpec, scenarios: list[str] | None = None) -> int:
    """Replications the baseline and the chosen scenarios (all when None) may run, at the
    schedule's maximum: what `simulate` and `compare` admit, and their progress bars."""
    count = len(journey.scenarios) if scenarios is None else len(scenarios)
    return (count + 1) * spec.most


def simulate(
    journey: Journey,
    spec: RunSpec | None = None,
    *,
    scenarios: list[str] | None = None,
    objective: str = "nps",
    progress: Progress | None = None,
    events: str | Path | None = None,
    extra_runs: int = 0,
) -> dict[str, Any]:
    """The baseline and scenarios: the results contract of docs/model.md.

    With an adaptive schedule, replications are added look by look until the answer on
    `objective` is settled (sim/sequential.py); `replications` says how many it took.
    `extra_runs`: runs the caller adds after this one (sensitivity), counted in the
    size check. `events`: write every visit to this CSV file (atomically).
    """
    spec = spec or RunSpec()
    variants = runner.variants(spec.on(journey), scenarios)
    admit(spec, [j for _, j, _ in variants], planned_runs(journey, spec, scenarios) + extra_runs)
    if events and spec.dask:
        raise RunRefused("the events log is written on this machine: it cannot be kept with Dask")
    events_dir = tempfile.mkdtemp(prefix="cxjourney-events-") if events else None
    try:
        experiment = Experiment(journey, spec, progress, events_dir, variants[1:])
        settled = experiment.answer(objective)
        if events and events_dir:
            runner.merge_events(events_dir, Path(events))
    finally:
        if events_dir:
            shutil.rmtree(events_dir, ignore_errors=True)
    results = experiment.results()
    if flags := assumed(journey):
        results["assumed"] = flags
    schedule = spec.schedule
    if (
        schedule is not None
        and schedule.adaptive
        and (schedule.precision is not None or schedule.auto)
    ):
        results["sequential"] = {
            "replications": experiment.replications,
            "maximum": schedule.maximum,
            "looks": schedule.looks(),
            "precision": schedule.precision,
            "rule": "verdicts" if schedule.auto else "precision",
            "objective": objective,
            "settled": settled,
        }
    return results


def baseline_runs(journey: Journey, spec: RunSpec) -> list[dict[str, Any]]:
    """The baseline's raw per-replication results (for analyses that need the spread)."""
    return Experiment(journey, spec).base
