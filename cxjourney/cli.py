"""The command line: parse options, call the library, print. Nothing else lives here."""

from __future__ import annotations

import json
import sys

import click

from . import __version__
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
        data = stdin_data if stdin_data is not None else click.get_binary_stream("stdin").read()
        return load(STDIN, data=data)
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
        raise InputError(f"{loaded.file}: {count} error{'s' if count != 1 else ''}; nothing was run")
    if loaded.journey is None:
        raise InputError(f"{loaded.file} holds personas only; this command needs a journey")
    return loaded


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json for editors and CI.")
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
            click.echo(f"{errors} error{'s' if errors != 1 else ''} in {len(failed)} "
                       f"file{'s' if len(failed) != 1 else ''}")
    if failed:
        sys.exit(INPUT_ERROR)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--to", "target", type=click.Choice(["json"]), default="json", show_default=True,
              help="Output format.")
@click.option("-o", "--output", default="-", show_default=True, help="Output file, - for stdout.")
def export(file: str, target: str, output: str) -> None:
    """Export a journey's model for other tools.

    \b
    Examples:
      cxjourney export coffee.journey --to json
      cxjourney export coffee.journey --to json -o coffee.json
    """
    loaded = load_input(file)
    if not loaded.ok:
        print_diagnostics(loaded)
        raise InputError(f"{loaded.file} has errors; nothing was exported")
    if loaded.journey is not None:
        document = model_json.journey_document(loaded.journey)
    else:
        assert loaded.library is not None
        document = model_json.library_document(loaded.library)
    emit(model_json.dumps(document), output)
