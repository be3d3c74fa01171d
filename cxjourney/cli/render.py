"""The `render` and `report` commands: parse options, call `cxjourney.render`, write.

Kept apart from `check` and `simulate` so that drawing (Graphviz) is imported only when asked for:
`check` and `simulate` work, and stay fast, on a machine without Graphviz.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..language.load import Loaded
from ..output import emit, write_atomic
from ..safe_text import printable
from .common import (
    RUN_ERROR,
    SETTINGS,
    InputError,
    chosen_scenarios,
    journey_files,
    output_option,
    refuse_replacing,
    require_journey,
    simulation_options,
    with_progress,
)

if TYPE_CHECKING:  # the renderer is imported only when a command draws
    import graphviz

    from ..sim.spec import RunSpec

SUFFIXES = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}


@click.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@output_option("Where to write; the suffix (.svg .png .pdf .dot) sets the format. - for stdout.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["svg", "png", "pdf", "dot"]),
    help="Output format when the file name does not say it (default svg).",
)
@click.option(
    "--view",
    type=click.Choice(["map", "curve"]),
    default="map",
    show_default=True,
    help="map: the journey map; curve: the emotional curve per persona (SVG).",
)
@click.option(
    "--results",
    "results_path",
    type=click.Path(dir_okay=False),
    help="Overlay these results (from: simulate --format json).",
)
@click.option("--simulate", "run", is_flag=True, help="Simulate, then overlay the results.")
@click.option("--scenario", "scenario_id", metavar="ID", help="Overlay this scenario.")
@click.option("--diff", "diff_id", metavar="ID", help="Colour this scenario's change.")
@simulation_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def render(
    file: str,
    output: str,
    fmt: str | None,
    view: str,
    results_path: str | None,
    run: bool,
    scenario_id: str | None,
    diff_id: str | None,
    spec: RunSpec,
    quiet: bool,
) -> None:
    """Draw a journey map (Graphviz), optionally with simulation results laid over it.

    Stages run left to right; a node's shape is its channel, its colour its owner,
    a double border marks a moment of truth. With results, colour shows mean
    experience (red below expectation, green above) and edge width the share of
    journeys. Needs the Graphviz `dot` program except for .dot and --view curve.

    \b
    Examples:
      cxjourney render coffee.journey -o map.svg
      cxjourney render coffee.journey --simulate -n 5 -o map.png
      cxjourney simulate coffee.journey --format json -o results.json
      cxjourney render coffee.journey --results results.json --diff fix_first -o diff.svg
      cxjourney render coffee.journey --view curve -o curve.svg
    """
    if view == "curve":
        _curve_output(output, fmt, diff_id)
        fmt = "svg"
    else:
        fmt = _format(output, fmt)
    output = _with_suffix(output, fmt)
    if scenario_id and diff_id:
        raise InputError("use --scenario or --diff, not both")
    if results_path and run:
        raise InputError("use --results or --simulate, not both")
    if (scenario_id or diff_id) and not (results_path or run):
        raise InputError("--scenario and --diff need results: add --results FILE or --simulate")
    if output == "-" and fmt in ("png", "pdf") and sys.stdout.isatty():
        raise InputError(f"{fmt.upper()} is binary: write it to a file with -o map.{fmt}")
    loaded = require_journey(file)
    inputs = (*journey_files(file, loaded), results_path)
    refuse_replacing({"--output": output}, *inputs)
    chosen = scenario_id or diff_id
    _known_scenario(loaded, chosen)
    results = None
    if results_path:
        results = _read_results(results_path, loaded, chosen)
    elif run:
        scenarios = [chosen] if chosen else []
        results = _simulate(loaded, scenarios, spec, quiet)
    from ..render.maps import drawn, overlay_map

    if view == "curve":
        from ..render.curve import curve_svg

        journey, graph = drawn(loaded, scenario_id)
        emit(curve_svg(journey, graph, results, scenario_id or "baseline"), output)
        return
    dot = overlay_map(loaded, results, scenario_id, diff_id)
    _write_map(dot, fmt, output, inputs)


@click.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@output_option("The HTML file; - for stdout.")
@click.option(
    "--results",
    "results_path",
    type=click.Path(dir_okay=False),
    help="Report these results (from: simulate --format json) instead of simulating.",
)
@click.option(
    "--scenario",
    "scenario_ids",
    multiple=True,
    metavar="ID",
    help="Simulate only this scenario (repeatable); default: all.",
)
@click.option(
    "--drivers",
    "drivers_path",
    type=click.Path(dir_okay=False),
    help="Add the drivers of this file (from: drivers --format json).",
)
@click.option(
    "--retention-points",
    default=4,
    show_default=True,
    type=click.IntRange(1, 24),
    hidden=True,
    help="Kept for older scripts: the curve is the results' own time series.",
)
@click.option(
    "--no-analysis",
    "no_analysis",
    is_flag=True,
    help="Leave out the drivers and the sensitivity to the assumptions (quicker).",
)
@simulation_options(adaptive=True)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def report(
    file: str,
    output: str,
    results_path: str | None,
    scenario_ids: tuple[str, ...],
    drivers_path: str | None,
    no_analysis: bool,
    retention_points: int,
    spec: RunSpec,
    quiet: bool,
) -> None:
    """Write a self-contained HTML report: payback, map, scenarios, drivers, sensitivity.

    One file with everything inline (no network), readable on a phone and on paper:
    a headline that says first whether the best investment pays for itself within the
    horizon, the map with its overlay, the emotional curve, the scenario comparison
    with 95% intervals, retention over the horizon, the drivers and the sensitivity to
    the assumptions (--no-analysis leaves these two out), the assumptions, and the
    command and seed that reproduce it. Without Graphviz the report is written without
    the map and the command exits 1.

    \b
    Examples:
      cxjourney report coffee.journey -o report.html
      cxjourney report coffee.journey -n 20 --seed 7 --workers 2 -o report.html
      cxjourney report coffee.journey --results results.json -o report.html
      cxjourney report coffee.journey --no-analysis -o quick.html
    """
    from ..render import report as html
    from ..render.curve import curve_svg
    from ..render.inputs import InputFileError, check_same_scenarios
    from ..render.maps import report_map
    from ..render.reproduce import commands, digest
    from ..render.retention import retention_over_horizon

    if output == "-" and sys.stdout.isatty():
        raise InputError(
            "the report is an HTML file: write it with -o report.html (or redirect stdout)"
        )
    if results_path and (scenario_ids or spec.horizon is not None):
        raise InputError("--scenario and --horizon apply when simulating, not with --results")
    loaded = require_journey(file)
    inputs = (*journey_files(file, loaded), results_path, drivers_path)
    refuse_replacing({"--output": output}, *inputs)
    for sid in scenario_ids:
        _known_scenario(loaded, sid)
    drivers = _read_drivers(drivers_path, loaded) if drivers_path else None
    if results_path:
        from ..decide import payback

        results = _read_results(results_path, loaded, None)
        try:
            check_same_scenarios(results, loaded, results_path)
        except InputFileError as err:
            raise InputError(str(err)) from None
        payback.attach(results, payback.from_summary(results))
    else:
        chosen = list(scenario_ids) if scenario_ids else None
        # one run: its time series draws the retention curve, nothing is re-simulated
        results, found = _analyse(loaded, chosen, spec, quiet, not no_analysis and not drivers)
        drivers = drivers or found
    journey = loaded.journey
    map_svg, map_note = report_map(loaded, results)
    retention = retention_over_horizon(results)
    document = html.html_report(
        html.Report(
            journey=journey,
            results=results,
            map_svg=map_svg,
            map_note=map_note,
            curve_svg=html.inline_svg(curve_svg(journey, loaded.graph, results)),
            retention=retention,
            commands=commands(file, output, results_path, drivers_path, results, loaded),
            digest=digest(file, loaded),
            drivers=drivers,
        )
    )
    emit(document, output)
    if map_note is not None:
        click.echo(f"error: {map_note}", err=True)
        sys.exit(RUN_ERROR)


def _curve_output(output: str, fmt: str | None, diff_id: str | None) -> None:
    """The curve is drawn as SVG only (Graphviz does not draw it): say so before the run."""
    if diff_id:
        raise InputError("--diff colours the map; the curve shows one scenario (--scenario)")
    suffix = Path(output).suffix.lower() if output != "-" else ""
    asked = fmt or SUFFIXES.get(suffix) or suffix or "svg"
    if asked != "svg":
        raise InputError(
            f"the curve is drawn as SVG only, not {asked.lstrip('.').upper()}: write it to a "
            ".svg file (-o curve.svg); a browser prints or exports it as PDF or PNG"
        )


def _with_suffix(output: str, fmt: str) -> str:
    """`-o food_map --format pdf` writes food_map.pdf: a file's suffix says its format."""
    if output == "-" or Path(output).suffix:
        return output
    named = f"{output}.{fmt}"
    from ..output import output_problem

    problem = output_problem(named)
    if problem:
        raise InputError(f"-o: {problem}")
    return named


def _format(output: str, fmt: str | None) -> str:
    suffix = Path(output).suffix.lower() if output != "-" else ""
    implied = SUFFIXES.get(suffix)
    if suffix and implied is None and fmt is None:
        raise InputError(f"cannot tell the format from '{suffix}': use --format svg|png|pdf|dot")
    if fmt and implied and fmt != implied:
        raise InputError(f"--format {fmt} does not match the file name {output}")
    return fmt or implied or "svg"


def _known_scenario(loaded: Loaded, scenario_id: str | None) -> None:
    if scenario_id is not None:
        chosen_scenarios(loaded, [scenario_id])


def _read_results(path: str, loaded: Loaded, needed: str | None) -> dict[str, Any]:
    from ..render.inputs import InputFileError, read_results

    try:
        results, warning = read_results(path, loaded, needed)
    except InputFileError as err:
        raise InputError(str(err)) from None
    if warning:
        click.echo(printable(warning), err=True)
    return results


def _read_drivers(path: str, loaded: Loaded) -> dict[str, Any]:
    from ..render.inputs import InputFileError, read_drivers

    try:
        drivers, warning = read_drivers(path, loaded)
    except InputFileError as err:
        raise InputError(str(err)) from None
    if warning:
        click.echo(printable(warning), err=True)
    return drivers


def _analyse(
    loaded: Loaded,
    scenarios: list[str] | None,
    spec: RunSpec,
    quiet: bool = True,
    analysis: bool = True,
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One comparison of the baseline and scenarios (with each one's payback), and unless
    left out, the drivers and the sensitivity to the assumptions, on the same spec."""
    from ..decide import compare, drivers, payback, sensitivity, uncertainty
    from ..sim.experiment import planned_runs

    journey = loaded.journey
    count = len(scenarios) if scenarios is not None else len(journey.scenarios)
    extra = 0
    if analysis:  # counted in compare's size check, so a run too large is refused at once
        extra = sensitivity.runs_needed(journey, count, spec, reuse=True)
        extra += drivers.planned_runs(journey, spec)
    total = planned_runs(journey, spec, scenarios) + extra
    total += uncertainty.tornado_extra(journey, spec, None, "nps", scenarios)

    def work(progress: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
        results, _ = compare.compare(
            journey, spec, scenarios=scenarios, progress=progress, extra_runs=extra
        )
        payback.attach(results, {row["scenario"]: row["payback"] for row in results["ranking"]})
        if not analysis:
            return results, None
        if count:
            found = sensitivity.sensitivity_for_simulate(journey, results, spec, progress=progress)
            sensitivity.attach(results, found)
        return results, drivers.drivers(journey, spec, progress=progress)

    return with_progress(total, quiet, work)


def _write_map(dot: graphviz.Digraph, fmt: str, output: str, inputs: tuple = ()) -> None:
    from ..output import replaced_input
    from ..render.dot import INSTALL_HINT, GraphvizFailed, GraphvizMissing, draw

    try:
        data = draw(dot, fmt)
    except GraphvizMissing:
        source = dot.source
        fallback = Path(output).with_suffix(".dot")
        if output == "-" or replaced_input({"": str(fallback)}, inputs):
            emit(source, "-")
            where = "the DOT source was printed instead"
        else:
            write_atomic(fallback, source)
            where = f"wrote {fallback} instead"
        click.echo(
            f"error: cannot draw {fmt.upper()}: Graphviz's 'dot' program is not installed; "
            f"{where}.\n{INSTALL_HINT}",
            err=True,
        )
        sys.exit(RUN_ERROR)
    except GraphvizFailed as err:
        click.echo(f"error: Graphviz failed: {err}", err=True)
        sys.exit(RUN_ERROR)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_atomic(output, data)


def _simulate(
    loaded: Loaded, scenarios: list[str] | None, spec: RunSpec, quiet: bool = True
) -> dict[str, Any]:
    """One run of the baseline and scenarios."""
    from ..sim.experiment import planned_runs, simulate

    return with_progress(
        planned_runs(loaded.journey, spec, scenarios),
        quiet,
        lambda progress: simulate(loaded.journey, spec, scenarios=scenarios, progress=progress),
    )
