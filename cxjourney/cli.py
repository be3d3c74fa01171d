"""The command line: parse options, call the library, print. Nothing else lives here."""

from __future__ import annotations

import json
import sys
from typing import ClassVar

import click

from . import __version__
from .decide.objective import DEFAULT as DEFAULT_OBJECTIVE
from .decide.objective import OBJECTIVES
from .diagnostics import render
from .interop import model_json
from .load import STDIN, Loaded, load
from .output import emit

INPUT_ERROR = 2
RUN_ERROR = 1


class InputError(click.ClickException):
    """Bad input: exit code 2, a clear message, no traceback."""

    exit_code = INPUT_ERROR


def load_input(path: str, stdin_data: bytes | None = None) -> Loaded:
    if path == STDIN:
        if stdin_data is None:
            with click.open_file("-", "rb") as stdin:
                stdin_data = stdin.read()
        return load(STDIN, data=stdin_data)
    return load(path)


def print_diagnostics(loaded: Loaded, *, err: bool = True) -> None:
    for d in loaded.diagnostics:
        click.echo(render(d, loaded.sources.get(d.file)), err=err)


def require_journey(path: str) -> Loaded:
    """Load a journey for a command that runs it; input errors end the command (exit 2)."""
    loaded = load_input(path)
    if not loaded.ok:
        print_diagnostics(loaded)
        count = sum(d.severity == "error" for d in loaded.diagnostics)
        raise InputError(
            f"{loaded.file}: {count} error{'s' if count != 1 else ''}; nothing was run"
        )
    if loaded.journey is None:
        raise InputError(f"{loaded.file} holds personas only; this command needs a journey")
    return loaded


class StageGroup(click.Group):
    """Commands of the later pipeline stages live in their own modules, loaded on use.

    Loading on use keeps `check` and `simulate` from importing Graphviz or the formatter,
    and lets those modules import this one's helpers without an import cycle.
    """

    lazy: ClassVar[dict[str, str]] = {
        "fmt": "cxjourney.cli_interop:fmt",
        "diff": "cxjourney.cli_interop:diff",
        "import": "cxjourney.cli_interop:import_",
        "init": "cxjourney.cli_interop:init",
        "render": "cxjourney.cli_render:render",
        "report": "cxjourney.cli_render:report",
        "compare": "cxjourney.cli_decide:compare",
        "drivers": "cxjourney.cli_decide:drivers",
        "optimize": "cxjourney.cli_decide:optimize",
        "discover": "cxjourney.cli_logs:discover",
        "conform": "cxjourney.cli_logs:conform",
        "calibrate": "cxjourney.cli_logs:calibrate",
        "backtest": "cxjourney.cli_logs:backtest",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            import importlib

            module, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(
    cls=StageGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="cxjourney")
def main() -> None:
    """Customer-journey maps as code, and a simulator that forecasts loyalty.

    \b
    Examples:
      cxjourney check journeys/*.journey
      cxjourney simulate coffee.journey --replications 20 --seed 7
      cxjourney export coffee.journey --to json
    """


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for editors and CI.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the problems.")
def check(files: tuple[str, ...], fmt: str, quiet: bool) -> None:
    """Check journey files; exit 0 when all are valid, 2 when any is not.

    Each problem is printed as FILE:LINE:COL: error: message, with the line, a caret
    and a hint. Use - to read from stdin.

    \b
    Examples:
      cxjourney check coffee.journey
      cxjourney check --format json journeys/*.journey
      cat coffee.journey | cxjourney check -
    """
    results = [load_input(f) for f in files]
    failed = [r for r in results if not r.ok]
    if fmt == "json":
        diagnostics = [d.as_dict() for r in results for d in r.diagnostics]
        click.echo(json.dumps(diagnostics, indent=2, ensure_ascii=False))
    else:
        for r in results:
            if r.diagnostics:
                print_diagnostics(r, err=False)
            elif not quiet:
                kind = "journey" if r.journey else "persona library"
                click.echo(f"{r.file}: ok ({kind})")
        errors = sum(d.severity == "error" for r in results for d in r.diagnostics)
        if errors and not quiet:
            click.echo(
                f"{errors} error{'s' if errors != 1 else ''} in {len(failed)} "
                f"file{'s' if len(failed) != 1 else ''}"
            )
    if failed:
        sys.exit(INPUT_ERROR)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--to",
    "target",
    type=click.Choice(["json", "mermaid", "json-schema"]),
    default="json",
    show_default=True,
    help="json: the model; mermaid: a Mermaid journey diagram; json-schema: the model's schema.",
)
@click.option("-o", "--output", default="-", show_default=True, help="Output file, - for stdout.")
def export(file: str, target: str, output: str) -> None:
    """Export a journey's model for other tools.

    \b
    Examples:
      cxjourney export coffee.journey --to json
      cxjourney export coffee.journey --to json -o coffee.json
      cxjourney export coffee.journey --to mermaid
      cxjourney export coffee.journey --to json-schema
    """
    from .cli_interop import export_mermaid, export_schema

    if target == "json-schema":  # the same for every file; FILE is not read
        emit(json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n", output)
        return
    loaded = load_input(file)
    if not loaded.ok:
        print_diagnostics(loaded)
        raise InputError(f"{loaded.file} has errors; nothing was exported")
    if target == "mermaid":
        if loaded.journey is None:
            raise InputError(f"{loaded.file} holds personas only; Mermaid needs a journey")
        emit(export_mermaid(loaded.journey), output)
        return
    if loaded.journey is not None:
        document = model_json.journey_document(loaded.journey)
    else:
        assert loaded.library is not None
        document = model_json.library_document(loaded.library)
    emit(model_json.dumps(document), output)


def parse_horizon(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    if value is None:
        return None
    from .units import parse_duration

    try:
        minutes = parse_duration(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    if minutes <= 0:
        raise click.BadParameter("the horizon must be positive")
    return minutes


def _workers(ctx: click.Context, param: click.Parameter, value: int) -> int:
    import os

    return value or os.cpu_count() or 1


def simulation_options(function):
    """--seed, --replications, --horizon and --workers: one spelling for every command."""
    options = [
        click.option(
            "--seed",
            default=1,
            show_default=True,
            type=click.IntRange(0, 2**63 - 1),
            help="Seed of every random number: same seed, same bytes.",
        ),
        click.option(
            "-n",
            "--replications",
            default=10,
            show_default=True,
            type=click.IntRange(1, 100000),
            help="Independent replications (95% intervals need at least 2).",
        ),
        click.option(
            "--horizon",
            callback=parse_horizon,
            metavar="DURATION",
            help="Override the file's horizon, e.g. '12 weeks'.",
        ),
        click.option(
            "-j",
            "--workers",
            default=0,
            type=click.IntRange(0, 256),
            callback=_workers,
            help="Worker processes (default 0: one per CPU core); results are identical "
            "for any number.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def progress_bar(total: int, quiet: bool):
    """A progress bar on stderr for runs longer than a moment; off when not a terminal."""
    if quiet or total < 2 or not sys.stderr.isatty():
        return None
    return click.progressbar(length=total, label="simulating", file=sys.stderr)


def run_guarded(action):
    """Run the simulation; failures of the run exit 1 with a message, never a traceback."""
    try:
        return action()
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except (click.ClickException, SystemExit):
        raise
    except Exception as err:
        click.echo(f"error: the run failed: {type(err).__name__}: {err}", err=True)
        sys.exit(RUN_ERROR)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@simulation_options
@click.option(
    "--scenario",
    "scenario_ids",
    multiple=True,
    metavar="ID",
    help="Simulate only this scenario (repeatable); default: all. The baseline always runs.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for people; json is the results contract of MODEL.md.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="Write the results here (atomically); - for stdout.",
)
@click.option(
    "--events",
    "events_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write one CSV row per touchpoint visit (a customer-event log).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--sensitivity",
    "with_sensitivity",
    is_flag=True,
    help="Also re-run the scenarios across the assumptions' plausible ranges (MODEL.md) "
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
    seed,
    replications,
    scenario_ids,
    horizon,
    workers,
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
    scenario's difference from the baseline.

    \b
    Examples:
      cxjourney simulate coffee.journey
      cxjourney simulate coffee.journey -n 30 --seed 7 --workers 2
      cxjourney simulate coffee.journey --scenario fix_first --format json -o results.json
      cxjourney simulate coffee.journey --events visits.csv -n 1
      cxjourney simulate coffee.journey --sensitivity --objective nps
    """
    from . import results as results_contract
    from .decide import report as decide_report
    from .decide import sensitivity
    from .render.table import table
    from .sim.runner import simulate as run_simulation

    loaded = require_journey(file)
    journey = loaded.journey
    known = [s.id for s in journey.scenarios]
    for sid in scenario_ids:
        if sid not in known:
            from .diagnostics import did_you_mean

            hint = did_you_mean(sid, known)
            raise InputError(
                f"no scenario '{sid}' in {loaded.file}" + (f"; {hint}" if hint else "")
            )
    chosen = list(scenario_ids) if scenario_ids else None
    variants = 1 + (len(chosen) if chosen else len(known))
    total = variants * replications
    if with_sensitivity:
        total += sensitivity.runs_needed(journey, variants - 1, replications, reuse=True)
    bar = progress_bar(total, quiet)

    def run(progress):
        results = run_simulation(
            journey,
            seed=seed,
            replications=replications,
            scenarios=chosen,
            horizon=horizon,
            workers=workers,
            events=events_path,
            progress=progress,
        )
        sens = None
        if with_sensitivity:
            sens = sensitivity.sensitivity_for_simulate(
                journey,
                results,
                objective=objective,
                seed=seed,
                replications=replications,
                horizon=horizon,
                workers=workers,
                progress=progress,
            )
            sensitivity.attach(results, sens)
        return results, sens

    def action():
        if bar is None:
            return run(None)
        with bar:
            return run(bar.update)

    results, sens = run_guarded(action)
    if fmt == "json":
        text = results_contract.dumps(results)
    elif fmt == "csv":
        text = results_contract.to_csv(results)
    else:
        text = table(results, {s.id: s.label for s in journey.scenarios}, objective)
        if sens is not None:
            text += "\n" + decide_report.sensitivity_text(sens, replications)
    emit(text, output)
