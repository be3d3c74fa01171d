"""Commands grounded in event logs: discover, conform, calibrate, backtest.

Like `cli`, these only parse options, call `cxjourney.logs` and print. A log that
cannot be read is bad input (exit 2, a message naming the file and line or column).
Names in a log (activities, cases, resources) are anyone's text: every table, note and
message shows them through `printable`, so that no escape sequence in a log reaches a
terminal; JSON escapes them itself.
"""

from __future__ import annotations

import json
import sys

import click

from ..logs.read import FIELDS, LogError, ReadOptions, read_log
from ..output import STDOUT, emit
from ..safe_text import printable
from .common import (
    InputError,
    journey_files,
    output_option,
    refuse_replacing,
    require_journey,
    run_guarded,
    writable_path,
)

_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def log_options(function):
    """How to read a log: one spelling for every command that reads one."""
    options = [
        click.option(
            f"--{name.replace('_', '-')}",
            f"key_{name}",
            metavar="COLUMN",
            help=f"Column (CSV) or attribute key (XES) of the {name.replace('_', ' ')}.",
        )
        for name in FIELDS
    ] + [
        click.option(
            "--time-format",
            metavar="FORMAT",
            help="strptime format of times that are not ISO 8601, e.g. '%d/%m/%Y %H:%M'.",
        ),
        click.option(
            "--time-unit",
            type=click.Choice(["s", "min", "h", "d"]),
            default="min",
            show_default=True,
            help="Unit of times written as plain numbers.",
        ),
        click.option(
            "--rating-scale",
            type=click.Choice(["auto", "5", "10"]),
            default="auto",
            show_default=True,
            help="Ratings 1..5, or 0..10 scores (auto: 10 when any exceeds 5).",
        ),
        click.option(
            "--log-scenario",
            default="baseline",
            show_default=True,
            metavar="ID",
            help="Which scenario of a `simulate --events` log to read.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def read_options(kwargs: dict) -> ReadOptions:
    keys = {name: kwargs.pop(f"key_{name}") for name in FIELDS}
    return ReadOptions(
        keys={k: v for k, v in keys.items() if v},
        time_format=kwargs.pop("time_format"),
        time_unit=kwargs.pop("time_unit"),
        rating_scale=kwargs.pop("rating_scale"),
        scenario=kwargs.pop("log_scenario"),
    )


def load_log(path: str, options: ReadOptions):
    """Read a log; `-` reads it from stdin (through a temporary file: XES needs a stream)."""
    if path != "-":
        try:
            return read_log(path, options)
        except LogError as err:
            raise InputError(str(err)) from None
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix="cxjourney-log-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(sys.stdin.buffer.read())
        log = read_log(tmp, options)
        log.file = "<stdin>"
        return log
    except LogError as err:
        raise InputError(str(err).replace(tmp, "<stdin>")) from None
    finally:
        os.unlink(tmp)


def emit_journey(source: str, output: str) -> None:
    """Write a journey; on a terminal, with control characters shown as escapes.

    A journey written from a log may carry the log's names in its labels, and a
    terminal obeys what they hold (an OSC 52 sequence writes the clipboard). A file or
    a pipe gets the journey as it is.
    """
    if output == STDOUT and sys.stdout.isatty():
        source = printable(source)
    emit(source, output)


def load_mapping(journey, log, mapping_path: str | None):
    from ..logs.mapping import map_activities, read_mapping

    try:
        explicit = read_mapping(mapping_path) if mapping_path else None
        return map_activities(journey, log.activities(), explicit, mapping_path or "")
    except LogError as err:
        raise InputError(str(err)) from None


def _mapping_option(function):
    return click.option(
        "--mapping",
        "mapping_path",
        type=click.Path(dir_okay=False),
        help="CSV with columns activity,touchpoint; an empty touchpoint ignores the activity.",
    )(function)


# ---- discover -------------------------------------------------------------------------------
@click.command("discover", context_settings=_SETTINGS)
@click.argument("log", type=click.Path(dir_okay=False, allow_dash=True))
@output_option("The journey file; - for stdout.")
@click.option(
    "--end-activity",
    "ends",
    multiple=True,
    metavar="ACTIVITY",
    help="An activity that completes the journey (repeatable); cases ending elsewhere exit. "
    "Default: every case completes.",
)
@click.option(
    "--min-n",
    default=5,
    show_default=True,
    type=click.IntRange(1, 10**9),
    help="Fewest observations for an estimate (repeat visits, service, ratings, persona flow).",
)
@click.option("--title", default="", help="The journey's title (default: from the log's name).")
@click.option(
    "--top-activities",
    "top",
    type=click.IntRange(1, None),
    metavar="N",
    help="Keep the N most frequent activities as touchpoints, leaving the others out "
    "(default: every activity, refused over 1,000).",
)
@click.option(
    "--min-share",
    callback=lambda _ctx, _param, value: _share(value),
    metavar="SHARE",
    help="Keep the most frequent paths that cover this share of cases (90% or 0.9), "
    "leaving the rarer paths out of the flow and saying what was dropped.",
)
@_mapping_option
@click.option("-q", "--quiet", is_flag=True, help="Do not list what was left out.")
@log_options
def discover(log, output, ends, min_n, title, top, min_share, mapping_path, quiet, **kwargs):
    """Discover a journey from an event log alone.

    Touchpoints from the activities (labels kept, identifiers made valid), one stage,
    the flow from directly-follows counts (per persona when the log names personas),
    the time between steps on each edge (timers as fixed delays), arrivals over the
    window in which cases start with the week's busy hours, repeat visits, service
    times from start/complete pairs, delivers from ratings, no referrals. Comments say
    what each number came from, and which come from defaults. The file passes `check`
    and `simulate` as written.

    LOG is a CSV or XES file, plain or gzipped. CSV columns are found by common names
    (case, activity, timestamp, lifecycle, resource, customer, persona, rating, channel)
    or named with the options.

    \b
    Examples:
      cxjourney discover orders.xes.gz -o orders.journey
      cxjourney discover tickets.csv --case ticket_id --activity status --timestamp changed_at
      cxjourney discover visits.csv --end-activity pay -o discovered.journey
      cxjourney discover receipt.csv.gz --min-share 90% --mapping steps.csv -o receipt.journey
    """
    from ..logs.discover import DiscoverOptions
    from ..logs.discover import discover as discover_journey
    from ..logs.mapping import read_mapping

    refuse_replacing({"--output": output}, log, mapping_path)
    parsed = load_log(log, read_options(kwargs))
    try:
        mapping = read_mapping(mapping_path) if mapping_path else None
    except LogError as err:
        raise InputError(str(err)) from None
    options = DiscoverOptions(
        min_n=min_n, ends=ends, title=title, top=top, min_share=min_share, mapping=mapping
    )
    found = run_guarded(lambda: discover_journey(parsed, options))
    emit_journey(found.source, output)
    if not quiet:
        for note in found.notes:
            click.echo(printable(f"note: {note}"), err=True)


def _share(value: str | None) -> float | None:
    """`--min-share`: a share of cases, as 90% or 0.9 (above 0, at most 100%)."""
    if value is None:
        return None
    text = value.strip()
    try:
        share = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a share; write 90% or 0.9") from None
    if not 0 < share <= 1:
        raise click.BadParameter(f"{value} is not a share of cases above 0 and at most 100%")
    return share


# ---- conform ----------------------------------------------------------------------------------
@click.command("conform", context_settings=_SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("log", type=click.Path(dir_okay=False, allow_dash=True))
@_mapping_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people; json with cases, fitness, precision, missing_edges, "
    "unused_edges, unknown_activities, never_seen.",
)
@output_option("Output file; - for stdout.")
@click.option(
    "--min-fitness",
    type=click.FloatRange(0, 1),
    help="Exit 1 when the fitness is below this (for CI).",
)
@click.option(
    "--min-precision",
    type=click.FloatRange(0, 1),
    help="Exit 1 when the precision is below this (for CI).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Activities that map to no touchpoint count against fitness: a case with one "
    "does not fit, nor does a case with no activity that maps.",
)
@log_options
def conform(
    file, log, mapping_path, fmt, output, min_fitness, min_precision, strict, **kwargs
) -> None:
    """Check a map against what customers did in an event log.

    Replays each case on the flow: the share of cases whose path the map allows
    (fitness), how much of what the map allows the log shows (precision: escaping
    edges), the transitions customers take that the map lacks (cases that take each)
    and the edges nobody takes, the activities that map to no touchpoint and the
    touchpoints that never occur. Activities map to touchpoints by id, by label, or
    by --mapping.

    \b
    Examples:
      cxjourney conform coffee.journey visits.csv
      cxjourney conform coffee.journey export.xes --mapping activities.csv --format json
      cxjourney conform coffee.journey visits.csv --min-fitness 0.95 --strict
    """
    from ..logs.conform import conform as replay
    from ..logs.conform import table

    loaded = require_journey(file)
    refuse_replacing({"--output": output}, *journey_files(file, loaded), log, mapping_path)
    journey = loaded.journey
    parsed = load_log(log, read_options(kwargs))
    mapping = load_mapping(journey, parsed, mapping_path)
    result = run_guarded(lambda: replay(journey, parsed, mapping, strict=strict))
    if fmt == "json":
        text = json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = printable(table(result, journey, log))
    emit(text, output)
    if min_fitness is not None and result.fitness < min_fitness:
        click.echo(f"fitness {result.fitness:.4f} is below {min_fitness}", err=True)
        sys.exit(1)
    if min_precision is not None and result.precision < min_precision:
        click.echo(f"precision {result.precision:.4f} is below {min_precision}", err=True)
        sys.exit(1)


# ---- calibrate --------------------------------------------------------------------------------
@click.command("calibrate", context_settings=_SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("log", type=click.Path(dir_okay=False, allow_dash=True))
@output_option("The calibrated journey; - for stdout.")
@_mapping_option
@click.option(
    "--min-n",
    default=30,
    show_default=True,
    type=click.IntRange(2, 10**9),
    help="Fewest observations for an estimate; with fewer, the value is kept.",
)
@click.option("--report", is_flag=True, help="Print the changes as a table first.")
@click.option("-q", "--quiet", is_flag=True, help="No notes on stderr (unmapped activities).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Format of --report.",
)
@click.option(
    "--outcomes",
    "outcomes_path",
    type=click.Path(dir_okay=False),
    help="Survey or CRM outcomes (customer, date, nps or satisfaction, churned): also fit "
    "the loyalty parameters the data can identify.",
)
@click.option(
    "--seed",
    default=1,
    show_default=True,
    type=click.IntRange(0, 2**63 - 1),
    help="Seed of the simulations that fit --outcomes.",
)
@log_options
def calibrate(
    file, log, output, mapping_path, min_n, report, quiet, fmt, outcomes_path, seed, **kwargs
) -> None:
    """Calibrate a journey's numbers to an event log.

    Estimates flow probabilities, service-time distributions (family by likelihood),
    delivers from ratings, visit gaps and arrivals, each with its sample size and 95%
    interval, and writes the journey through the formatter with a comment on each
    changed line (n, interval, previous value). Estimates with fewer than --min-n
    observations are left as they were, and listed.

    \b
    Examples:
      cxjourney calibrate shop.journey visits.csv -o shop.calibrated.journey --report
      cxjourney calibrate shop.journey export.xes.gz --mapping activities.csv -o new.journey
      cxjourney calibrate shop.journey visits.csv --report --format json -o new.journey
      cxjourney calibrate shop.journey visits.csv --outcomes survey.csv -o new.journey
    """
    from ..logs.calibrate import CalibrateOptions, CalibrationError, table
    from ..logs.calibrate import calibrate as fit_journey

    loaded = require_journey(file)
    inputs = (*journey_files(file, loaded), log, mapping_path, outcomes_path)
    refuse_replacing({"--output": output}, *inputs)
    journey = loaded.journey
    source = loaded.sources[loaded.file]
    parsed = load_log(log, read_options(kwargs))
    mapping = load_mapping(journey, parsed, mapping_path)

    def action():
        try:
            return fit_journey(journey, source, parsed, mapping, CalibrateOptions(min_n=min_n))
        except CalibrationError as err:
            click.echo(printable(f"error: {err}"), err=True)
            sys.exit(1)

    result = run_guarded(action)
    extra = ""
    if outcomes_path:
        from ..logs.outcomes import OutcomeError, fit_outcomes, read_outcomes

        try:
            observed = read_outcomes(outcomes_path)
        except OutcomeError as err:
            raise InputError(str(err)) from None
        fitted = run_guarded(lambda: fit_outcomes(result.source, observed, seed=seed))
        result.source = fitted.source
        extra = printable(fitted.report())
        if not report and not quiet:
            click.echo(extra, nl=False, err=True)
    if mapping.unknown and not quiet:
        listed = ", ".join(f"{a} ({n})" for a, n in mapping.unknown.most_common())
        click.echo(printable(f"note: activities that map to no touchpoint: {listed}"), err=True)
    if report:
        shown = (
            json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
            if fmt == "json"
            else printable(table(result)) + extra
        )
        click.echo(shown, nl=False, err=output in ("-", None))
    emit_journey(result.source, output)


# ---- backtest ---------------------------------------------------------------------------------
@click.command("backtest", context_settings=_SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("log", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--split",
    required=True,
    metavar="DATE|FRACTION",
    help="Calibrate on the cases that start before this date (2024-05-01) or this "
    "fraction of the cases (0.7), forecast the rest.",
)
@_mapping_option
@click.option(
    "-n",
    "--replications",
    default=5,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Replications of the forecast, each calibrated on a bootstrap draw of the training "
    "customers; 5 or more for intervals that carry the calibration's uncertainty.",
)
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**63 - 1))
@click.option(
    "--min-n",
    default=30,
    show_default=True,
    type=click.IntRange(2, 10**9),
    help="Fewest observations for a calibrated estimate.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
    help="table for people; json with coverage and quantities; csv one row per quantity.",
)
@output_option("Output file; - for stdout.")
@click.option(
    "--calibrated",
    "calibrated_path",
    callback=writable_path,
    metavar="FILE",
    help="Also write the journey calibrated on the training cases here.",
)
@click.option(
    "--outcomes",
    "outcomes_path",
    type=click.Path(dir_okay=False),
    help="Survey or CRM outcomes: answers before the split fit the loyalty parameters, "
    "later ones are compared with the forecast.",
)
@log_options
def backtest(
    file, log, split, mapping_path, replications, seed, min_n, fmt, output, calibrated_path,
    outcomes_path, **kwargs,
) -> None:  # fmt: skip
    """Calibrate on the cases before a split, forecast the rest, compare.

    Compares observed with forecast for the held-out cases: case counts, mean and
    median case durations, the most common paths, the share of cases that reach each
    touchpoint, visits per case, mean waits at queues, completion and, with --outcomes,
    promoters, detractors, mean score and retention, each with its 95% predictive
    interval (simulation and calibration uncertainty together) and whether the
    observation falls inside; the summary score is the share of quantities covered.
    Quantities the map fixes are left out and listed. A drift check then says whether
    the process changed at the split, and what.

    \b
    Examples:
      cxjourney backtest shop.journey visits.csv --split 0.7
      cxjourney backtest shop.journey export.xes --split 2024-05-01 --format json
      cxjourney backtest shop.journey visits.csv --split 0.5 -n 10 --calibrated train.journey
      cxjourney backtest shop.journey crm.csv --split 2024-05-01 --outcomes survey.csv
    """
    from ..logs.backtest import ForecastError, SplitError, table, to_csv
    from ..logs.backtest import backtest as run_backtest
    from ..logs.calibrate import CalibrationError
    from ..output import write_atomic

    loaded = require_journey(file)
    inputs = (*journey_files(file, loaded), log, mapping_path, outcomes_path)
    refuse_replacing({"--output": output, "--calibrated": calibrated_path}, *inputs)
    journey = loaded.journey
    parsed = load_log(log, read_options(kwargs))
    mapping = load_mapping(journey, parsed, mapping_path)
    outcomes = None
    if outcomes_path:
        from ..logs.outcomes import OutcomeError, read_outcomes

        try:
            outcomes = read_outcomes(outcomes_path)
        except OutcomeError as err:
            raise InputError(str(err)) from None

    def action():
        try:
            return run_backtest(
                journey,
                loaded.sources[loaded.file],
                parsed,
                mapping,
                split,
                seed=seed,
                replications=replications,
                min_n=min_n,
                outcomes=outcomes,
            )
        except (SplitError, ForecastError) as err:
            raise InputError(str(err)) from None
        except CalibrationError as err:
            click.echo(printable(f"error: {err}"), err=True)
            sys.exit(1)

    result = run_guarded(action)
    if calibrated_path:
        write_atomic(calibrated_path, result.calibrated)
    if fmt == "json":
        text = json.dumps(result.as_dict(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "csv":
        text = to_csv(result)
    else:
        text = printable(table(result))
    emit(text, output)
