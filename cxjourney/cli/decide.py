"""Commands that decide where to invest: compare, drivers, optimize.

Thin like the rest of the CLI: parse options, call `cxjourney.decide`, print.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import click

from ..decide import compare as compare_mod
from ..decide import drivers as drivers_mod
from ..decide import optimize as optimize_mod
from ..decide import sensitivity, uncertainty
from ..decide.objective import DEFAULT, OBJECTIVES
from ..output import emit
from ..render import decisions_text
from ..results import dumps
from ..safe_text import neutralise_csv, printable
from ..sim.experiment import planned_runs
from .common import (
    SETTINGS,
    chosen_scenarios,
    format_option,
    journey_files,
    output_format,
    output_option,
    quiet_option,
    refuse_replacing,
    require_journey,
    scenario_option,
    simulation_options,
    with_progress,
)

FORMATS = ("table", "json", "csv")
_BUDGET = re.compile(r"(\d+(?:\.\d+)?)\s*([kKmM]?)")
_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6}


def parse_budget(text: str) -> float:
    """`100k`, `1.5M`, `250000` or `250,000`: money in the journey's currency."""
    match = _BUDGET.fullmatch(text.strip().replace(",", "").replace("_", ""))
    if match is None:
        raise ValueError(f"'{text}' is not an amount; write e.g. 100k, 1.5M or 250000")
    return float(match.group(1)) * _SUFFIX[match.group(2).lower()]


def _budget(ctx: click.Context, param: click.Parameter, value: str) -> float:
    try:
        return parse_budget(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None


def objective_option(choices: tuple[str, ...] = OBJECTIVES) -> Callable:
    meaning = "What to maximise: the change from the baseline"
    if "roi" in choices:
        meaning += " (roi: (Δrevenue − cost) / cost)"
    return click.option(
        "--objective",
        type=click.Choice(choices),
        default=DEFAULT,
        show_default=True,
        help=meaning + ".",
    )


def run_options(f: Callable) -> Callable:
    """`simulate`'s options (seed, replications, horizon, workers, dask), format and output."""
    f = quiet_option()(f)
    f = output_option()(f)
    f = format_option(("table", "json", "csv"), None, "table for people; json and csv for tools.")(
        f
    )
    return simulation_options(f, adaptive=True)


def render(fmt: str, doc: dict[str, Any], text: Callable[[], str], csv: Callable[[], str]) -> str:
    """The document in the chosen format; only that one is rendered."""
    if fmt == "json":
        return dumps(doc)
    if fmt == "csv":
        return neutralise_csv(csv())
    return printable(text())


@click.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@objective_option()
@scenario_option()
@click.option(
    "--sensitivity",
    "with_sensitivity",
    is_flag=True,
    help="Also re-run across the assumptions' plausible ranges and say whether the ranking holds.",
)
@run_options
def compare(
    file,
    objective,
    scenario_ids,
    with_sensitivity,
    spec,
    fmt,
    output,
    quiet,
) -> None:
    """Rank the file's scenarios by their effect on an objective.

    Each scenario runs against the baseline on the same random numbers; the table
    shows its change with a 95% interval, its ROI, a verdict (better, worse, or not
    distinguishable at this number of replications) and its lead over the next one.

    \b
    Examples:
      cxjourney compare coffee.journey
      cxjourney compare coffee.journey --objective retention -n 20 --workers 2
      cxjourney compare coffee.journey --sensitivity --format json -o ranking.json
      cxjourney compare coffee.journey -n 5 --max-replications 80
    """
    loaded = require_journey(file)
    refuse_replacing({"--output": output}, *journey_files(file, loaded))
    journey = loaded.journey
    ids = chosen_scenarios(loaded, scenario_ids)
    count = len(ids) if ids is not None else len(journey.scenarios)
    extra = sensitivity.runs_needed(journey, count, spec, reuse=True) if with_sensitivity else 0
    total = planned_runs(journey, spec, ids) + extra
    total += uncertainty.tornado_extra(journey, spec, None, objective, ids)

    def work(progress: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
        results, _ = compare_mod.compare(
            journey, spec, objective=objective, scenarios=ids, progress=progress, extra_runs=extra
        )
        if not with_sensitivity:
            return results, None
        sens = sensitivity.sensitivity_for_simulate(
            journey, results, spec, objective=objective, progress=progress
        )
        sensitivity.attach(results, sens)
        return results, sens

    results, sens = with_progress(total, quiet, work)
    emit(
        render(
            output_format(fmt, output),
            results,
            lambda: decisions_text.compare_text(results, sens),
            lambda: decisions_text.compare_csv(results),
        ),
        output,
    )


@click.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@objective_option(tuple(o for o in OBJECTIVES if o != "roi"))
@click.option(
    "--step",
    default=0.5,
    show_default=True,
    type=click.FloatRange(min=0, max=4),
    help="Rating points added to each touchpoint's `delivers`.",
)
@click.option(
    "--lever",
    "levers",
    multiple=True,
    type=click.Choice(drivers_mod.LEVERS),
    help="Improve only this part (repeatable); default: all three together.",
)
@run_options
def drivers(
    file,
    objective,
    step,
    levers,
    spec,
    fmt,
    output,
    quiet,
) -> None:
    """Rank touchpoints and owners by how much a standard improvement moves loyalty.

    Each touchpoint in turn gets the same improvement (delivers +0.5, each
    disappointer's chance halved, each delighter's chance doubled), simulated against
    the baseline on the same random numbers; each owner gets all of its touchpoints
    improved at once. Peak and trough show how often the touchpoint was the moment
    customers remembered as best and worst.

    \b
    Examples:
      cxjourney drivers coffee.journey
      cxjourney drivers coffee.journey --objective retention --lever disappointers
      cxjourney drivers coffee.journey --format csv -o drivers.csv
    """
    loaded = require_journey(file)
    refuse_replacing({"--output": output}, *journey_files(file, loaded))
    journey = loaded.journey
    improvement = drivers_mod.Improvement(step=step, levers=tuple(levers) or drivers_mod.LEVERS)

    def work(progress: Any) -> dict[str, Any]:
        return drivers_mod.drivers(
            journey, spec, objective=objective, improvement=improvement, progress=progress
        )

    doc = with_progress(drivers_mod.planned_runs(journey, spec), quiet, work)
    emit(
        render(
            output_format(fmt, output),
            doc,
            lambda: decisions_text.drivers_text(doc, improvement.describe()),
            lambda: decisions_text.drivers_csv(doc),
        ),
        output,
    )


@click.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--budget",
    required=True,
    callback=_budget,
    metavar="AMOUNT",
    help="Most that may be spent, in the journey's currency: 100k, 1.5M, 250000.",
)
@objective_option()
@scenario_option()
@click.option(
    "--search",
    "method",
    type=click.Choice(["auto", "exhaustive", "greedy"]),
    default="auto",
    show_default=True,
    help=f"auto: every combination when at most {optimize_mod.EXHAUSTIVE_LIMIT} fit the "
    "budget, else greedy with a local search.",
)
@click.option(
    "--runners-up",
    default=3,
    show_default=True,
    type=click.IntRange(0, 100),
    help="How many next-best combinations to show.",
)
@run_options
def optimize(
    file,
    budget,
    objective,
    scenario_ids,
    method,
    runners_up,
    spec,
    fmt,
    output,
    quiet,
) -> None:
    """Find the combination of scenarios that does the most within a budget.

    Combinations are simulated, not added up: the scenarios' changes are applied
    together to one journey (two changes to one touchpoint do not simply add), and
    the combined cost is the sum of the scenarios' costs.

    \b
    Examples:
      cxjourney optimize coffee.journey --budget 100k
      cxjourney optimize coffee.journey --budget 1.5M --objective revenue -n 20
      cxjourney optimize coffee.journey --budget 80000 --format json -o plan.json
    """
    loaded = require_journey(file)
    refuse_replacing({"--output": output}, *journey_files(file, loaded))
    journey = loaded.journey
    ids = chosen_scenarios(loaded, scenario_ids)

    def work(progress: Any) -> dict[str, Any]:
        return optimize_mod.optimize(
            journey,
            spec,
            budget=budget,
            objective=objective,
            scenarios=ids,
            progress=progress,
            method=method,
            runners_up=runners_up,
        )

    total = optimize_mod.planned_runs(journey, spec, budget, ids)
    doc = with_progress(total, quiet, work)
    emit(
        render(
            output_format(fmt, output),
            doc,
            lambda: decisions_text.optimize_text(doc),
            lambda: decisions_text.optimize_csv(doc),
        ),
        output,
    )


COMMANDS = (compare, drivers, optimize)
