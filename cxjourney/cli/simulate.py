"""`simulate`: synthetic customers through a journey, and the forecast they make."""

from __future__ import annotations

from contextlib import nullcontext

import click

from ..decide.objective import DEFAULT as DEFAULT_OBJECTIVE
from ..decide.objective import OBJECTIVES
from ..output import emit, staged
from ..safe_text import printable
from .common import (
    SETTINGS,
    InputError,
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
    writable_path,
)


@click.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@simulation_options(adaptive=True)
@scenario_option(
    "Simulate only this scenario (repeatable); default: all. The baseline always runs."
)
@format_option(
    ("table", "json", "csv"),
    None,
    "table for people; json is the results contract of docs/model.md.",
)
@output_option("Write the results here (atomically); - for stdout.")
@click.option(
    "--events",
    "events_path",
    callback=writable_path,
    metavar="FILE",
    help="Also write one CSV row per touchpoint visit (a customer-event log).",
)
@quiet_option()
@click.option(
    "--sensitivity",
    "with_sensitivity",
    is_flag=True,
    help="Also re-run the scenarios across the assumptions' plausible ranges (docs/model.md) "
    "and say whether their ranking holds.",
)
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    default=DEFAULT_OBJECTIVE,
    show_default=True,
    help="The effect that verdicts and --sensitivity rank the scenarios by.",
)
def simulate(
    file,
    spec,
    scenario_ids,
    fmt,
    output,
    events_path,
    quiet,
    with_sensitivity,
    objective,
) -> None:
    """Simulate synthetic customers through a journey and forecast loyalty.

    Runs the baseline and each scenario with common random numbers, and reports
    satisfaction, NPS, retention, revenue and more with 95% intervals, and each
    scenario's difference from the baseline. What each metric means, its unit
    and range, and which defaults are published findings: docs/model.md.

    \b
    Examples:
      cxjourney simulate coffee.journey
      cxjourney simulate coffee.journey -n 30 --seed 7 --workers 2
      cxjourney simulate coffee.journey --scenario fix_first --format json -o results.json
      cxjourney simulate coffee.journey --events visits.csv -n 1
      cxjourney simulate coffee.journey --sensitivity --objective nps
      cxjourney simulate coffee.journey --dask tcp://scheduler:8786
      cxjourney simulate coffee.journey --precision 1 --max-replications 60
    """
    from dataclasses import replace

    from .. import results as results_contract
    from ..decide import sensitivity
    from ..language.ranges import inputs as belief_inputs
    from ..render.decisions_text import sensitivity_text
    from ..render.table import table
    from ..sim.experiment import planned_runs
    from ..sim.experiment import simulate as run_simulation

    if spec.dask and events_path:
        raise InputError(
            "--events writes its log on this machine and cannot be combined with --dask "
            "(or CXJOURNEY_DASK): run the events locally, e.g. with -n 1"
        )
    loaded = require_journey(file)
    refuse_replacing({"--output": output, "--events": events_path}, *journey_files(file, loaded))
    journey = loaded.journey
    chosen = chosen_scenarios(loaded, scenario_ids)
    count = len(chosen) if chosen is not None else len(journey.scenarios)
    extra = sensitivity.runs_needed(journey, count, spec, reuse=True) if with_sensitivity else 0
    total = planned_runs(journey, spec, chosen) + extra

    def run(progress):
        with staged(events_path) if events_path else nullcontext() as events:
            results = run_simulation(
                journey,
                spec,
                scenarios=chosen,
                events=str(events) if events else None,
                progress=progress,
                objective=objective,
                extra_runs=extra,
            )
        sens = None
        if with_sensitivity:
            # the scenarios' other settings at the replications the answer took
            fixed = replace(spec, replications=results["replications"], schedule=None)
            sens = sensitivity.sensitivity_for_simulate(
                journey, results, fixed, objective=objective, progress=progress
            )
            sensitivity.attach(results, sens)
        return results, sens

    results, sens = with_progress(total, quiet, run)
    fmt = output_format(fmt, output)
    if fmt == "json":
        text = results_contract.dumps(results)
    elif fmt == "csv":
        text = results_contract.to_csv(results)
    else:
        text = table(results, {s.id: s.label for s in journey.scenarios}, objective)
        text = _with_ranges_line(text, len(belief_inputs(journey)))
        if sens is not None:
            text += "\n" + sensitivity_text(sens, spec.first)
        text = printable(text)
    emit(text, output)


def _with_ranges_line(text: str, count: int) -> str:
    """The table with one line under its header when the file has ranges of belief."""
    if not count:
        return text
    from ..render.decisions_text import ranges_sentence

    head, _, rest = text.partition("\n")
    return f"{head}\n{ranges_sentence(count)}\n{rest}"
