"""The command line: a group whose commands live in their own modules, loaded on use.

Loading on use keeps `check` from importing the simulator, Graphviz or the formatter,
and keeps the command modules free of import cycles: each imports `cli.common` only.
"""

from __future__ import annotations

import importlib
from typing import ClassVar

import click

from .. import __version__
from .common import guarded_main, silence_stdout


class StageGroup(click.Group):
    """Commands named in `lazy` are imported from their modules when they run."""

    lazy: ClassVar[dict[str, str]] = {
        "check": "cxjourney.cli.check:check",
        "export": "cxjourney.cli.interop:export",
        "simulate": "cxjourney.cli.simulate:simulate",
        "fmt": "cxjourney.cli.interop:fmt",
        "diff": "cxjourney.cli.interop:diff",
        "import": "cxjourney.cli.interop:import_",
        "init": "cxjourney.cli.interop:init",
        "render": "cxjourney.cli.render:render",
        "report": "cxjourney.cli.render:report",
        "compare": "cxjourney.cli.decide:compare",
        "drivers": "cxjourney.cli.decide:drivers",
        "optimize": "cxjourney.cli.decide:optimize",
        "lsp": "cxjourney.cli.lsp:lsp",
        "studio": "cxjourney.cli.studio:studio",
        "discover": "cxjourney.cli.logs:discover",
        "conform": "cxjourney.cli.logs:conform",
        "calibrate": "cxjourney.cli.logs:calibrate",
        "backtest": "cxjourney.cli.logs:backtest",
        "uncertainty": "cxjourney.cli.uncertainty:uncertainty",
    }

    def list_commands(self, ctx: click.Context | None) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})  # type: ignore[arg-type]

    def get_command(self, ctx: click.Context | None, name: str) -> click.Command | None:
        if name in self.lazy:
            module, attr = self.lazy[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)  # type: ignore[arg-type]

    def resolve_command(self, ctx: click.Context, args: list[str]):
        """An unknown command names the nearest one (`simulat` → simulate)."""
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as err:
            from ..language.diagnostics import did_you_mean

            hint = did_you_mean(args[0], self.list_commands(ctx)) if args else ""
            if hint and "No such command" in err.message:
                err.message += f" {hint[0].upper()}{hint[1:]}"
            raise

    def main(self, *args, **kwargs):  # type: ignore[override]
        """Signals and a closed stdout end every command the same way (see common)."""
        return guarded_main(super().main, *args, **kwargs)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # before click turns it into exit 1
            silence_stdout()
            ctx.exit(0)


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
