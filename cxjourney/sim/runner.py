"""Replications × scenarios: seeding, common random numbers, workers, summaries.

Replication k of every scenario uses the same key (spawned from one SeedSequence),
so scenarios see the same customers and draws wherever they do not change them and
differences are paired. Work is split into (scenario, replication) tasks whose
results are assembled in a fixed order, so any number of workers gives the same bytes.
"""

from __future__ import annotations

import csv
import math
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..language.scenarios import apply
from ..model import Journey
from ..results import DURATION_METRICS, METRICS
from . import batch, engine, parallel, sequential, stats
from .plan import Plan, compile_plan, drawn

_SHARE = (0.0, 1.0)
_COUNT = (0.0, math.inf)
BOUNDS = {
    "journeys": _COUNT,
    "completion": _SHARE,
    "abandonment": _SHARE,
    "satisfaction": (0.0, 10.0),
    "nps": (-100.0, 100.0),
    "promoters": _SHARE,
    "detractors": _SHARE,
    "retention": _SHARE,
    "active": _COUNT,
    "revenue": _COUNT,
    "referrals": _COUNT,
    "duration_mean": _COUNT,
    "duration_median": _COUNT,
    "duration_p90": _COUNT,
    "duration": _COUNT,
}
EVENT_COLUMNS = (
    "scenario",
    "replication",
    "customer",
    "persona",
    "journey",
    "touchpoint",
    "arrival_min",
    "wait_min",
    "moment",
    "delighters",
    "disappointers",
    "delay_min",
    "end_min",
)

Progress = Callable[[int], None]


def variants(journey: Journey, scenario_ids: list[str] | None) -> list[tuple[str, Journey, float]]:
    """(id, journey, cost) for the baseline and each chosen scenario, in file order."""
    chosen = [s for s in journey.scenarios if scenario_ids is None or s.id in scenario_ids]
    out = [("baseline", replace(journey, scenarios=()), 0.0)]
    out += [(s.id, apply(journey, s), s.cost) for s in chosen]
    return out


def plans_for(journeys: list[Journey]) -> list[Plan]:
    """The variants' plans; when one variant's journeys take time, all are clocked, so
    every variant reports durations and their changes."""
    plans = [compile_plan(j) for j in journeys]
    if any(p.timed for p in plans):
        for p in plans:
            p.timed = True
    return plans


def choose_engine(plans: list[Plan], name: str = "auto"):
    """SimPy when any variant queues; else the batched engine (customers never meet).

    The engines are bit-identical on journeys without queues, so the choice never
    changes a number; one engine runs every variant of a run all the same.
    """
    if name == "simpy" or (name == "auto" and any(p.has_queues for p in plans)):
        return engine.run_replication
    if name == "batch" and any(p.has_queues for p in plans):
        raise ValueError("the batched engine cannot simulate queues")
    return batch.run_replication


Task = tuple[Plan, Any, int, int, int, str, str | None]


def _run_task(task: Task) -> dict[str, Any]:
    plan, run, variant, rep, key, name, events_dir = task
    plan = drawn(plan, key)  # this replication's draw of what the team does not know
    if events_dir is None:
        return run(plan, key)
    path = Path(events_dir) / f"{variant:04d}-{rep:06d}.csv"
    dispositions = _dispositions(plan)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)

        def sink(row: tuple[Any, ...]) -> None:
            customer, persona, number, tp, arrival, wait, x, fired, delay, end = row
            delights = [f for f in fired if dispositions[f] == "delighter"]
            disappoints = [f for f in fired if dispositions[f] == "disappointer"]
            writer.writerow(
                (
                    name,
                    rep + 1,
                    customer,
                    persona,
                    number,
                    tp,
                    f"{arrival:.4f}",
                    f"{wait:.4f}",
                    f"{x:.6f}",
                    ";".join(delights),
                    ";".join(disappoints),
                    f"{delay:.4f}",
                    f"{end:.4f}",
                )
            )

        return run(plan, key, sink)


def _dispositions(plan: Plan) -> dict[str, str]:
    out = {}
    for events in plan.events:
        for _, _, _, disappoints, gid in events:
            out[plan.event_names[gid]] = "disappointer" if disappoints else "delighter"
    return out


def run_tasks(
    plans: list[Plan],
    names: list[str],
    keys: list[int],
    *,
    workers: int = 1,
    progress: Progress | None = None,
    events_dir: str | None = None,
    run: Callable[..., dict[str, Any]] | None = None,
    dask: str | None = None,
    first: int = 0,
) -> list[list[dict[str, Any]]]:
    """results[variant][replication], whatever the number of workers or the Dask cluster
    (`dask`: a scheduler's address) that runs them.

    `keys` are those of replications first, first + 1, ... (for runs that grow); `run`
    is the engine (by default `choose_engine(plans)`).
    """
    run = run or choose_engine(plans)
    tasks: list[Task] = [
        (plans[v], run, v, r, key, names[v], events_dir)
        for r, key in enumerate(keys, first)
        for v in range(len(plans))
    ]
    if dask and events_dir:
        raise ValueError("the events log is written on this machine: it cannot be kept with Dask")
    done = parallel.map_tasks(
        _run_task, tasks, workers=workers, dask_address=dask, progress=progress
    )
    results = {(task[2], task[3]): result for task, result in zip(tasks, done, strict=True)}
    indices = range(first, first + len(keys))
    return [[results[(v, r)] for r in indices] for v in range(len(plans))]


def raw_objective_values(
    chosen: list[tuple[str, Journey, float]],
    runs: list[list[dict[str, Any]]],
    objective: str,
    level: float = 0.95,
) -> list[dict[str, Any]]:
    """Unclipped intervals of the objective: the baseline's and each scenario's change
    (for ROI, each scenario's)."""
    metric = "revenue" if objective == "roi" else objective
    base = [r["metrics"][metric] for r in runs[0]]
    out = [] if objective == "roi" else [stats.interval(base, level=level)]
    for (_, _, cost), reps in zip(chosen[1:], runs[1:], strict=True):
        change = stats.paired(base, [r["metrics"][metric] for r in reps])
        if objective == "roi":
            if cost > 0:
                out.append(
                    stats.interval(
                        [None if g is None else (g - cost) / cost for g in change], level=level
                    )
                )
        else:
            out.append(stats.interval(change, level=level))
    return out


def answer_settled(
    chosen: list[tuple[str, Journey, float]],
    runs: list[list[dict[str, Any]]],
    objective: str,
    schedule: sequential.Schedule,
) -> bool:
    """The default stop: the baseline's figure within the half-width it needs (95%), and
    every scenario's verdict settled at the schedule's corrected level."""
    metric = "revenue" if objective == "roi" else objective
    base = stats.interval([r["metrics"][metric] for r in runs[0]])
    mean = base.get("mean")
    needed = schedule.level_precision(objective, mean)
    if objective != "roi" and needed is not None and not sequential.precise(base, needed):
        return False
    changes = raw_objective_values(chosen, runs, objective, schedule.level)
    changes = changes if objective == "roi" else changes[1:]
    matters = schedule.change_precision(objective, mean)
    return all(sequential.settled(change, matters) for change in changes)


def merge_events(events_dir: str, target: Path) -> None:
    """Concatenate the per-task logs in task order, then rename into place atomically."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerow(EVENT_COLUMNS)
            for part in sorted(Path(events_dir).iterdir()):
                with part.open(encoding="utf-8") as handle:
                    shutil.copyfileobj(handle, out)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def summarise(
    journey: Journey,
    seed: int,
    chosen: list[tuple[str, Journey, float]],
    runs: list[list[dict[str, Any]]],
) -> dict[str, Any]:
    horizon_days = journey.horizon / (24 * 60)
    out: dict[str, Any] = {
        "journey": journey.title,
        "seed": seed,
        "replications": len(runs[0]),
        "horizon_days": int(horizon_days) if horizon_days.is_integer() else horizon_days,
        "scenarios": {},
    }
    base_runs = runs[0]
    # journeys have a duration when some step or edge of some variant takes time
    metrics = (*METRICS, *DURATION_METRICS) if _timed(runs) else METRICS
    for (name, _, cost), reps in zip(chosen, runs, strict=True):
        entry: dict[str, Any] = {
            "metrics": {
                m: stats.interval([r["metrics"].get(m) for r in reps], BOUNDS[m]) for m in metrics
            },
            "touchpoints": _touchpoints(reps),
            "series": _series(reps),
        }
        cut = sum(r.get("cut", 0) for r in reps)
        if cut:
            entry["cut_journeys"] = cut / len(reps)
        if name != "baseline":
            entry["cost"] = cost
            entry["delta"] = {
                m: stats.interval(
                    stats.paired(
                        [r["metrics"].get(m) for r in base_runs],
                        [r["metrics"].get(m) for r in reps],
                    )
                )
                for m in metrics
            }
            gains = stats.paired(
                [r["metrics"]["revenue"] for r in base_runs],
                [r["metrics"]["revenue"] for r in reps],
            )
            entry["roi"] = (
                stats.interval([None if g is None else (g - cost) / cost for g in gains])
                if cost > 0
                else {"mean": None, "low": None, "high": None}
            )
        out["scenarios"][name] = entry
    return out


def _timed(runs: list[list[dict[str, Any]]]) -> bool:
    return any(DURATION_METRICS[0] in reps[0]["metrics"] for reps in runs if reps)


def _series(reps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each checkpoint's state with its interval; the last entry is the horizon's."""
    out = []
    names = [m for m in reps[0]["series"][0] if m != "day"] if reps[0]["series"] else []
    for i, first in enumerate(reps[0]["series"]):
        row: dict[str, Any] = {"day": first["day"]}
        for metric in names:
            row[metric] = stats.interval([r["series"][i].get(metric) for r in reps], BOUNDS[metric])
        out.append(row)
    return out


def _touchpoints(reps: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for tp_id, first in reps[0]["touchpoints"].items():
        entry: dict[str, float | None] = {}
        for key in first:
            values = [r["touchpoints"][tp_id][key] for r in reps]
            xs = [v for v in values if v is not None]
            entry[key] = sum(xs) / len(xs) if xs else None
        out[tp_id] = entry
    return out
