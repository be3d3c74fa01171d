"""`cxjourney uncertainty`: which of the file's ranges of belief matters to the decision.

Thin like the rest of the CLI: parse options, call `cxjourney.decide.uncertainty`, print.
"""

from __future__ import annotations

from typing import Any

import click

from ..decide import uncertainty as uncertainty_mod
from ..decide.objective import DEFAULT, OBJECTIVES
from ..output import emit, write_atomic
from ..render import tornado as tornado_render
from ..results import dumps
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
    simulation_options,
    with_progress,
)


@click.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    default=DEFAULT,
    show_default=True,
    help="What the decision maximises: the change from the baseline (roi: net money).",
)
@click.option(
    "--scenario",
    "scenario_id",
    metavar="ID",
    help="The scenario whose tornado to draw; default: the best expected one.",
)
@click.option(
    "--svg",
    "svg_path",
    type=click.Path(dir_okay=False),
    help="Also write the tornado as an SVG chart to this file.",
)
@quiet_option()
@output_option()
@format_option(("table", "json"), None, "table for people; json for tools.")
@simulation_options(min_replications=2)
def uncertainty(file, objective, scenario_id, svg_path, quiet, output, fmt, spec) -> None:
    """Which unknown matters most: the tornado and the value of information.

    Every range of belief in the file (`impact +1 .. +3`, `chance 5% .. 15%`,
    `cost 40k .. 60k`) is drawn once per replication; the value of information says
    what knowing each exactly before choosing would be worth, in the objective's
    units and in money. The tornado moves one unknown at a time to each end of its
    range, the others at their middle, and shows how far the scenario's effect moves.

    \b
    Examples:
      cxjourney uncertainty journeys/broadband_uncertain.journey
      cxjourney uncertainty broadband.journey --scenario welcome_pack --svg tornado.svg
      cxjourney uncertainty broadband.journey -n 100 --format json -o uncertainty.json
    """
    loaded = require_journey(file)
    refuse_replacing({"--output": output, "--svg": svg_path}, *journey_files(file, loaded))
    journey = loaded.journey
    if scenario_id is not None:
        chosen_scenarios(loaded, [scenario_id])
    has_inputs = bool(uncertainty_mod.inputs(journey))
    if svg_path and not (has_inputs and journey.scenarios):
        lacks = "range of belief" if not has_inputs else "scenario"
        raise InputError(f"{file} has no {lacks}: there is no tornado to draw")
    total = uncertainty_mod.planned_runs(journey, spec, scenario_id, objective)

    def work(progress: Any) -> dict[str, Any]:
        if not has_inputs:
            return uncertainty_mod.document(journey, spec.seed, None, None)
        info = uncertainty_mod.information(journey, spec, objective, progress)
        target = scenario_id or uncertainty_mod.best_scenario(info)
        chart = None
        if target is not None:
            chart = uncertainty_mod.tornado(journey, spec, target, objective, progress)
        return uncertainty_mod.document(journey, spec.seed, chart, info)

    doc = with_progress(total, quiet, work)
    if svg_path and "tornado" in doc:
        write_atomic(svg_path, tornado_render.tornado_svg(doc))
    chosen = output_format(fmt, output)
    emit(dumps(doc) if chosen == "json" else tornado_render.uncertainty_text(doc), output)
