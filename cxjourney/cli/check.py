"""`check`: is this file a valid journey? Everything it finds, with line and column."""

from __future__ import annotations

import json
import sys

import click

from ..safe_text import printable
from .common import INPUT_ERROR, SETTINGS, load_input, print_diagnostics


@click.command(context_settings=SETTINGS)
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
                click.echo(printable(f"{r.file}: ok ({kind})"))
        errors = sum(d.severity == "error" for r in results for d in r.diagnostics)
        if errors and not quiet:
            click.echo(
                f"{errors} error{'s' if errors != 1 else ''} in {len(failed)} "
                f"file{'s' if len(failed) != 1 else ''}"
            )
    if failed:
        sys.exit(INPUT_ERROR)
