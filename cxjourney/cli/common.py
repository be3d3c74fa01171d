"""What every command shares: input loading, exit codes, options, progress, guards.

Each option that more than one command takes is defined here once, so that its
spelling, default and help read the same everywhere.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import threading
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from ..language.diagnostics import render
from ..language.load import STDIN, Loaded, load
from ..output import Outputs, replaced_input
from ..safe_text import printable

INPUT_ERROR = 2
RUN_ERROR = 1
CHANGED = 1
SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class InputError(click.ClickException):
    """Bad input: exit code 2, a clear message, no traceback."""

    exit_code = INPUT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))  # it may quote a file's text


class OutputRefused(InputError):
    """An output that would replace an input: one line, exit 2, before any work."""

    def show(self, file: Any = None) -> None:
        click.echo(f"cxjourney: error: {self.format_message()}", err=True)


def refuse_replacing(outputs: Outputs, *inputs: str | None) -> None:
    """End the command (exit 2) when an output (option -> path) is one of its inputs, or
    two outputs are one file: `output.replaced_input`, the rule of every command."""
    problem = replaced_input(outputs, inputs)
    if problem:
        raise OutputRefused(problem)


def journey_files(path: str, loaded: Loaded) -> list[str]:
    """The files a loaded journey was read from: its own and those its `use` lines name
    (`load` keeps each one's text under its path)."""
    return [path, *(shown for shown in loaded.sources if shown != loaded.file)]


# ---- input --------------------------------------------------------------------------------


def stdin_bytes() -> bytes:
    """stdin, read no further than the largest journey file (load refuses larger)."""
    from ..language.load import MAX_FILE_BYTES

    with click.open_file(STDIN, "rb") as stream:
        return stream.read(MAX_FILE_BYTES + 1)


def load_input(path: str, stdin_data: bytes | None = None) -> Loaded:
    if path == STDIN:
        return load(STDIN, data=stdin_bytes() if stdin_data is None else stdin_data)
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


def chosen_scenarios(loaded: Loaded, ids: tuple[str, ...] | list[str]) -> list[str] | None:
    """The scenario ids asked for, each checked against the file (exit 2 when unknown)."""
    known = [s.id for s in loaded.journey.scenarios] if loaded.journey else []
    for sid in ids:
        if sid not in known:
            raise InputError(unknown_scenario(sid, known, loaded.file))
    return list(ids) if ids else None


def unknown_scenario(sid: str, known: list[str], file: str) -> str:
    from ..language.diagnostics import did_you_mean

    hint = did_you_mean(sid, known)
    message = f"no scenario '{sid}' in {file}" + (f"; {hint}" if hint else "")
    if known:
        return message + f" (its scenarios: {', '.join(known)})"
    return message + " (it defines no scenarios)"


# ---- options ------------------------------------------------------------------------------


def parse_horizon(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    if value is None:
        return None
    from ..language.units import parse_duration

    try:
        minutes = parse_duration(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    if not math.isfinite(minutes):
        raise click.BadParameter(f"the horizon {value} is too large")
    if minutes <= 0:
        raise click.BadParameter("the horizon must be positive")
    return minutes


def _workers(ctx: click.Context, param: click.Parameter, value: int) -> int:
    return value or os.cpu_count() or 1


def _dask(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A scheduler's address, refused before any work when it is not written as one (exit 2,
    shown safely) or when the dask extra is missing."""
    if not value:
        return None
    from ..sim.parallel import INSTALL_HINT, AddressError, check_address, dask_available

    try:
        check_address(value)
    except AddressError as err:
        raise click.BadParameter(str(err)) from None
    if not dask_available():
        raise click.BadParameter(f"running on a Dask cluster needs the dask extra: {INSTALL_HINT}")
    return value


def simulation_options(
    function: Callable | None = None, *, min_replications: int = 1, adaptive: bool = False
):
    """--seed, --replications, --horizon, --workers, --dask and --allow-long (and, when
    `adaptive`, --precision and --max-replications): one spelling for every command.

    The command receives one frozen `spec` (sim/spec.py RunSpec) in their place.
    """

    def decorate(function: Callable) -> Callable:
        @wraps(function)
        def wrapper(
            *args: Any,
            seed: int,
            replications: int,
            horizon: float | None,
            workers: int,
            dask: str | None,
            allow_long: bool,
            precision: float | None = None,
            max_replications: int | None = None,
            **kwargs: Any,
        ) -> Any:
            from ..sim.spec import RunSpec

            schedule = None
            if adaptive:
                source = click.get_current_context().get_parameter_source("replications")
                explicit = source is not None and source != click.core.ParameterSource.DEFAULT
                schedule = schedule_for(
                    replications, precision, max_replications, explicit=explicit
                )
            kwargs["spec"] = RunSpec(
                seed=seed,
                replications=replications,
                schedule=schedule,
                horizon=horizon,
                workers=workers,
                dask=dask,
                allow_long=allow_long,
            )
            return function(*args, **kwargs)

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
                type=click.IntRange(min_replications, 100000),
                help="Independent replications (95% intervals need at least 2). Without it, "
                "simulate, compare, drivers, optimize and report run as many as their answer needs "
                "(4 to 40); other commands run 10.",
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
            click.option(
                "--dask",
                metavar="ADDRESS",
                envvar="CXJOURNEY_DASK",
                callback=_dask,
                help="Run on the Dask cluster of this scheduler, e.g. tcp://scheduler:8786 "
                "(default: $CXJOURNEY_DASK); the same results as a local run.",
            ),
            click.option(
                "--allow-long",
                is_flag=True,
                help="Run even when the run is estimated to take more than an hour or to "
                "need too much memory (see the README's limits).",
            ),
        ]
        if adaptive:
            options += _ADAPTIVE
        for option in reversed(options):
            wrapper = option(wrapper)
        return wrapper

    return decorate if function is None else decorate(function)


_ADAPTIVE = [
    click.option(
        "--precision",
        type=click.FloatRange(0, min_open=True),
        metavar="X",
        help="Add replications until every interval the command reports (the objective's, "
        "a change's for scenarios) is at most ±X, in its own units (NPS points; shares as "
        "fractions), or the maximum is reached, which the output then says.",
    ),
    click.option(
        "--max-replications",
        type=click.IntRange(2, 100000),
        metavar="N",
        help="Add replications, look by look, until the verdicts are settled (or the "
        "--precision is reached), at most N; default with --precision: 10 × -n.",
    ),
]


def writable_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A file option's value, refused before any work when it cannot be written."""
    from ..output import output_problem

    if value is None:
        return None
    problem = output_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


def output_option(help: str = "Write here (atomically); - for stdout.") -> Callable:
    return click.option(
        "-o", "--output", default="-", show_default=True, callback=writable_path, help=help
    )


def quiet_option(help: str = "No progress bar.") -> Callable:
    return click.option("-q", "--quiet", is_flag=True, help=help)


def format_option(choices: tuple[str, ...], default: str | None, help: str) -> Callable:
    """--format; a default of None means: from -o's suffix (.json, .csv), else table."""
    if default is None:
        help += " Default: from -o's suffix (.json, .csv), else table."
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=default is not None,
        help=help,
    )


def output_format(fmt: str | None, output: str | None) -> str:
    """The --format given, or the one -o's file name implies (`-o results.json`)."""
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    return {".json": "json", ".csv": "csv"}.get(suffix, "table")


def scenario_option(
    help: str = "Only this scenario (repeatable); default: all of the file's scenarios.",
) -> Callable:
    return click.option("--scenario", "scenario_ids", multiple=True, metavar="ID", help=help)


# ---- running ------------------------------------------------------------------------------


def progress_bar(total: int, quiet: bool):
    """A progress bar on stderr for runs longer than a moment; off when not a terminal."""
    if quiet or total < 2 or not sys.stderr.isatty():
        return None
    return click.progressbar(length=total, label="simulating", file=sys.stderr)


def run_guarded(action: Callable[[], Any]) -> Any:
    """Run the simulation; failures of the run exit 1 with a message, never a traceback.

    A run the library refuses (too large, invalid together) is an input error (exit 2);
    one it runs anyway (--allow-long) says so on stderr before it starts.
    """
    import warnings

    from ..sim.spec import LongRun, RunRefused

    def say(message, category, *rest: Any, **more: Any) -> None:
        if issubclass(category, LongRun):
            click.echo(f"warning: {message}", err=True)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", LongRun)
            warnings.showwarning = say
            return action()
    except RunRefused as err:
        raise InputError(str(err)) from None
    except (click.ClickException, SystemExit):
        raise
    except Exception as err:
        if _stopped_by is not None:
            raise _as_stop(err) from None
        click.echo(f"error: the run failed: {type(err).__name__}: {printable(str(err))}", err=True)
        sys.exit(RUN_ERROR)


def with_progress(total: int, quiet: bool, work: Callable[[Any], Any]) -> Any:
    """Run `work(progress)` under a progress bar (when stderr is a terminal), guarded."""
    bar = progress_bar(total, quiet)

    def action() -> Any:
        if bar is None:
            return work(None)
        with bar:
            return work(bar.update)

    return run_guarded(action)


# ---- signals and a closed stdout ----------------------------------------------------------

INTERRUPTED = 128 + signal.SIGINT  # 130, as shells report Ctrl-C
TERMINATED = 128 + signal.SIGTERM  # 143


class Stopped(BaseException):
    """Ctrl-C or SIGTERM: unwinds like an exception so that every `finally` cleans up.

    A BaseException, so that no `except Exception` of a run mistakes it for a failure.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


#: The signal that stopped the run, once one has. Its handler's exception can surface
#: as another (a compiled call that was running Python when the signal came reports
#: SystemError); whatever surfaces after it is the stop.
_stopped_by: int | None = None


#: The process that installed `_stop`. A worker forked from it inherits the handler until
#: its pool initializer replaces it; a signal in that moment is the worker's own.
_owner: int | None = None


def _stop(signum: int, frame: Any) -> None:
    global _stopped_by
    if os.getpid() != _owner:  # a worker not yet set up: Ctrl-C is its parent's to handle,
        if signum == signal.SIGINT:  # and SIGTERM is its parent ending it
            return
        os._exit(TERMINATED)
    _stopped_by = signum
    # further signals are ignored while the run unwinds, so that its clean-up finishes
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)


def _as_stop(err: BaseException) -> BaseException:
    """The stop, when a signal came before `err`; else `err` itself."""
    return Stopped(_stopped_by) if _stopped_by is not None else err


def guarded_main(run: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run the command line: Ctrl-C exits 130 and SIGTERM 143 with one line, no traceback
    (temporary files and worker processes are cleaned up as the run unwinds); a reader
    that closes stdout early (`| head`) ends the command quietly with exit 0."""
    global _owner
    previous = {}
    if threading.current_thread() is threading.main_thread():
        _owner = os.getpid()
        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            try:
                return run(*args, **kwargs)
            except Exception as err:
                if _stopped_by is None:
                    raise
                raise _as_stop(err) from None
        finally:
            sys.stdout.flush()
    except (Stopped, KeyboardInterrupt) as stop:
        signum = stop.signum if isinstance(stop, Stopped) else signal.SIGINT
        word = "interrupted" if signum == signal.SIGINT else "terminated"
        _say(f"cxjourney: {word}")
        # Every `finally` has run (temporary files removed, workers ended). A signal can
        # land inside the worker pool's own bookkeeping and leave its manager thread
        # waiting on a closed pipe, which the interpreter would join at exit forever:
        # leave without the interpreter's exit handlers.
        sys.stderr.flush()
        os._exit(INTERRUPTED if signum == signal.SIGINT else TERMINATED)
    except BrokenPipeError:
        silence_stdout()
        sys.exit(0)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as err:  # a defect of the tool: one line, exit 1, never a traceback
        if os.environ.get("CXJOURNEY_TRACEBACK"):
            raise
        _say(
            f"cxjourney: internal error: {type(err).__name__}: {printable(str(err))} "
            "(a defect of cxjourney, not of your file: please report it with the file; "
            "CXJOURNEY_TRACEBACK=1 shows the traceback)"
        )
        sys.exit(RUN_ERROR)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def silence_stdout() -> None:
    """Point stdout at /dev/null: its reader has gone, and the exit must not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _say(line: str) -> None:
    try:
        sys.stderr.write(("\n" if sys.stderr.isatty() else "") + line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def schedule_for(
    replications: int, precision: float | None, maximum: int | None, *, explicit: bool = True
):
    """None for exactly -n; without -n or either option, the default adaptive run."""
    from ..sim.sequential import AUTO_MAXIMUM, AUTO_START, Schedule

    if precision is None and maximum is None:
        return None if explicit else Schedule(AUTO_START, AUTO_MAXIMUM, None, auto=True)
    start = max(2, replications)
    top = maximum if maximum is not None else 10 * start
    if top < start:
        raise click.BadParameter(
            f"--max-replications {top} is below -n {start}", param_hint="--max-replications"
        )
    return Schedule(start, top, precision)
