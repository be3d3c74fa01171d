"""Run journey variants on shared replication keys (common random numbers).

Every variant of one analysis, added at once or later, sees replication k with the
same key as the baseline, so its differences from the baseline are paired and a
variant identical to the baseline differs by exactly zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..model import Journey
from ..sim import runner, sequential, streams
from ..sim.plan import Plan

Variant = tuple[str, Journey, float]  # (name, journey, cost), as the runner takes them


@dataclass
class Experiment:
    """A baseline and any number of variants, run replication by replication."""

    journey: Journey
    seed: int
    replications: int
    workers: int = 1
    progress: runner.Progress | None = None
    dask: str | None = None  # a Dask scheduler's address: run the tasks there
    chosen: list[Variant] = field(default_factory=list)
    runs: list[list[dict[str, Any]]] = field(default_factory=list)
    schedule: sequential.Schedule | None = None  # None: exactly `replications`
    plans: list[Plan] = field(default_factory=list)  # compiled once, beside `chosen`

    def __post_init__(self) -> None:
        self.keys = streams.replication_keys(self.seed, self.replications)
        if not self.chosen:
            self.add([("baseline", replace(self.journey, scenarios=()), 0.0)])

    def add(self, variants: list[Variant]) -> None:
        """Simulate more variants (one batch, so workers share it) on the same keys."""
        fresh = [v for v in variants if v[0] not in self.index]
        if not fresh:
            return
        plans = runner.plans_for([j for _, j, _ in fresh])
        names = [name for name, _, _ in fresh]
        self.plans += plans
        self.runs += runner.run_tasks(
            plans,
            names,
            self.keys,
            workers=self.workers,
            progress=self.progress,
            dask=self.dask,
        )
        self.chosen += fresh

    def grow(self, replications: int) -> None:
        """Run every variant up to `replications`; replication k keeps its random numbers."""
        if replications <= self.replications:
            return
        keys = streams.replication_keys(self.seed, replications)
        fresh = keys[self.replications :]
        names = [name for name, _, _ in self.chosen]
        more = runner.run_tasks(
            self.plans, names, fresh, workers=self.workers, progress=self.progress, dask=self.dask
        )
        for runs, extra in zip(self.runs, more, strict=True):
            runs.extend(extra)
        self.keys, self.replications = keys, replications

    @property
    def level(self) -> float:
        """The confidence level of effects and verdicts (lower than 95% never)."""
        return self.schedule.level if self.schedule is not None else 0.95

    def settle(self, effects: Any, objective: str | None = None) -> None:
        """Add replications, look by look, until every effect's verdict is settled.

        `effects()` gives the effects at `self.level`; see sim/sequential.py. By default
        (`Schedule.auto`) an effect on `objective` smaller than what matters is settled too.
        """
        schedule = self.schedule
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
            self.journey, self.seed, [self.chosen[i] for i in keep], [self.runs[i] for i in keep]
        )


def start(
    journey: Journey,
    *,
    seed: int = 1,
    replications: int = 10,
    horizon: float | None = None,
    workers: int = 1,
    progress: runner.Progress | None = None,
    dask: str | None = None,
    schedule: sequential.Schedule | None = None,
) -> Experiment:
    """An experiment with the baseline already run (`horizon` in minutes overrides the file's).

    With an adaptive `schedule`, it starts at the schedule's first look.
    """
    if horizon is not None:
        journey = replace(journey, horizon=horizon)
    if schedule is not None:
        replications = schedule.start
    return Experiment(journey, seed, replications, workers, progress, dask=dask, schedule=schedule)


def file_scenarios(journey: Journey, ids: list[str] | None = None) -> list[Variant]:
    """The file's scenarios (all, or the given ids) as variants, in file order."""
    return [v for v in runner.variants(journey, ids) if v[0] != "baseline"]
