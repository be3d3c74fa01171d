"""Commands for co-creating journeys in git: fmt, diff, import, init, export.

Like the rest of the command line, these only parse options, call the library and
print. Exit codes: 0 success, 2 bad input (nothing is written), 1 a failure of the
run, and for `fmt --check` / `diff --exit-code`, 1 when something would change.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..interop import folder, git_driver, mermaid, model_json, revision
from ..interop.mermaid import to_mermaid
from ..interop.schema import model_schema
from ..language import diff as semantic_diff
from ..language.diagnostics import Diagnostic, render
from ..language.fmt import FormatError, UnsafeFormat, format_source
from ..language.load import MAX_FILE_BYTES, STDIN, Loaded, load, read_limited, too_large
from ..language.parse import decode
from ..model import Journey
from ..output import emit, output_problem, write_atomic
from ..render.diff_text import diff_text
from ..safe_text import printable
from ..starter import DEFAULT_NAME, starter_journey
from .common import (
    CHANGED,
    INPUT_ERROR,
    RUN_ERROR,
    SETTINGS,
    InputError,
    journey_files,
    load_input,
    output_option,
    print_diagnostics,
    refuse_replacing,
    run_guarded,
    simulation_options,
    stdin_bytes,
)

if TYPE_CHECKING:
    from ..sim.spec import RunSpec

# ---- export helpers (called by `cxjourney export`) ---------------------------------------


def export_mermaid(journey: Journey) -> str:
    """`export --to mermaid`: the journey as a Mermaid journey diagram."""
    return to_mermaid(journey)


def export_schema() -> dict[str, Any]:
    """`export --to json-schema`: the JSON Schema of what `export --to json` prints."""
    return model_schema()


@click.command(context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--to",
    "target",
    type=click.Choice(["json", "mermaid", "json-schema"]),
    default="json",
    show_default=True,
    help="json: the model; mermaid: a Mermaid journey diagram; json-schema: the model's schema.",
)
@output_option("Output file, - for stdout.")
def export(file: str, target: str, output: str) -> None:
    """Export a journey's model for other tools.

    \b
    Examples:
      cxjourney export coffee.journey --to json
      cxjourney export coffee.journey --to json -o coffee.json
      cxjourney export coffee.journey --to mermaid
      cxjourney export coffee.journey --to json-schema
    """
    if target == "json-schema":  # the same for every file; FILE is not read
        emit(json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n", output)
        return
    loaded = load_input(file)
    if not loaded.ok:
        print_diagnostics(loaded)
        raise InputError(f"{loaded.file} has errors; nothing was exported")
    refuse_replacing({"--output": output}, *journey_files(file, loaded))
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


# ---- fmt ----------------------------------------------------------------------------------


@click.command("fmt", context_settings=SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a file would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
def fmt(files: tuple[str, ...], check: bool, show_diff: bool, quiet: bool) -> None:
    """Format journey files in place: one canonical layout, every comment kept.

    Directories are searched for *.journey files. - reads stdin and writes the
    formatted text to stdout. Files that do not parse are left alone and reported
    as check reports them (exit 2). Writes are atomic. The layout is documented in
    docs/git-workflow.md.

    \b
    Examples:
      cxjourney fmt journeys/
      cxjourney fmt --check journeys/          # CI: exit 1 when a file would change
      cxjourney fmt --diff coffee.journey
      cat coffee.journey | cxjourney fmt -
    """
    dry = check or show_diff
    outcomes = [
        _format_file(path, check=check, show_diff=show_diff, quiet=quiet) for path in _expand(files)
    ]
    counts = {kind: outcomes.count(kind) for kind in ("changed", "unchanged", "failed", "bug")}
    piped = list(files) == [STDIN] and not dry  # a filter: the text is the answer
    if not quiet and not (piped and counts["changed"] + counts["unchanged"]):
        click.echo(_fmt_summary(counts, dry), err=True)
    if counts["failed"]:
        sys.exit(INPUT_ERROR)
    if counts["bug"]:
        sys.exit(RUN_ERROR)
    if counts["changed"] and dry:
        sys.exit(CHANGED)


def _format_file(path: str, *, check: bool, show_diff: bool, quiet: bool) -> str:
    """Format one file (or stdin) as the options say: changed, unchanged or failed."""
    source = _read(path)
    if source is None:
        return "failed"
    data, original = source
    try:
        formatted = format_source(original, _shown(path))
    except FormatError as err:
        _print_diagnostics(err.diagnostics, err.source)
        click.echo(f"{_shown(path)}: not formatted (it does not parse)", err=True)
        return "failed"
    except UnsafeFormat as err:
        click.echo(
            f"error: {_shown(path)} was left alone: {err}; this is a bug in cxjourney fmt",
            err=True,
        )
        return "bug"
    differs = formatted.encode("utf-8") != data  # a byte-order mark or CRLF counts
    if show_diff and differs:
        click.echo(_unified(original, formatted, _shown(path)), nl=False)
    elif check and differs and not quiet:
        click.echo(f"would reformat {_shown(path)}", err=True)
    if not (check or show_diff) and path == STDIN:
        click.echo(formatted, nl=False)
    elif not (check or show_diff) and differs:
        write_atomic(Path(path).resolve(), formatted)
        if not quiet:
            click.echo(f"reformatted {path}", err=True)
    return "changed" if differs else "unchanged"


def _expand(files: tuple[str, ...]) -> list[str]:
    """Files as given, and the *.journey files under each directory (hidden ones skipped)."""
    out: list[str] = []
    for name in files:
        path = Path(name)
        if name != STDIN and path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*.journey")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            out += [str(p) for p in found]
        else:
            out.append(name)
    return list(dict.fromkeys(out))


def _shown(path: str) -> str:
    return "<stdin>" if path == STDIN else path


def _read(path: str) -> tuple[bytes, str] | None:
    """The file's bytes and text; None (with the problem printed) when unreadable."""
    from ..language.diagnostics import Reporter, Span

    reporter = Reporter(_shown(path))
    try:
        data = stdin_bytes() if path == STDIN else read_limited(path)
    except OSError as err:
        reporter.error(Span(1, 1), f"cannot read the file: {err.strerror or err}")
        _print_diagnostics(reporter.diagnostics, None)
        return None
    text = None if too_large(data, reporter) else decode(data, reporter)
    if text is None:
        _print_diagnostics(reporter.diagnostics, None)
        return None
    return data, text


def _unified(old: str, new: str, name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"{name} (original)",
        tofile=f"{name} (formatted)",
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _fmt_summary(counts: dict[str, int], dry: bool) -> str:
    def files(n: int) -> str:
        return f"{n} file{'s' if n != 1 else ''}"

    parts = [
        f"{files(counts['changed'])} {'would be reformatted' if dry else 'reformatted'}",
        f"{files(counts['unchanged'])} {'already formatted' if dry else 'left unchanged'}",
    ]
    if counts["failed"] or counts["bug"]:
        parts.append(f"{files(counts['failed'] + counts['bug'])} with errors")
    return ", ".join(parts)


def _print_diagnostics(diagnostics: list[Diagnostic], source: str | None) -> None:
    for d in diagnostics:
        click.echo(render(d, source), err=True)


# ---- diff ---------------------------------------------------------------------------------


@click.command("diff", context_settings=SETTINGS)
@click.argument("versions", nargs=-1, required=True, metavar="OLD NEW")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, markdown for a pull-request comment.",
)
@click.option(
    "--simulate", is_flag=True, help="Add the forecast change of NPS, retention, revenue."
)
@simulation_options(min_replications=2)
@click.option("--exit-code", is_flag=True, help="Exit 1 when the versions differ (as git diff).")
def diff(
    versions: tuple[str, ...],
    output_format: str,
    simulate: bool,
    spec: RunSpec,
    exit_code: bool,
) -> None:
    """Compare two versions of a journey: what changed in the model, not in the text.

    Touchpoints, delighters and disappointers, flow edges, personas, stages,
    scenarios and loyalty keys added, removed or changed, with old and new values.
    Either side may be REV:PATH to read it from git (HEAD~1:journeys/a.journey,
    :PATH for the staged version). Called with git's seven diff-driver arguments it
    works as a git diff driver (see docs/git-workflow.md).

    \b
    Examples:
      cxjourney diff old.journey new.journey
      cxjourney diff HEAD:journeys/hotel_stay.journey journeys/hotel_stay.journey
      cxjourney diff main:coffee.journey coffee.journey --simulate -n 20
      cxjourney diff a.journey b.journey --format json
      cxjourney diff main:coffee.journey coffee.journey --simulate --format markdown
    """
    unmerged = git_driver.unmerged(versions, os.environ)
    if unmerged is not None:
        click.echo(unmerged)  # git's one-argument call
        return
    driver = git_driver.is_driver_call(versions)
    if len(versions) != 2 and not driver:
        raise click.UsageError("give two versions: OLD NEW")
    (old_name, old), (new_name, new) = _driver_sides(versions) if driver else _sides(versions)
    broken = [side for side in (old, new) if side is not None and not side.ok]
    for side in broken:
        for d in side.diagnostics:
            click.echo(render(d, side.sources.get(d.file)), err=True)
    if broken and driver:
        click.echo(git_driver.text_fallback(versions, old_name, new_name), nl=False)
        return
    if broken:
        names = ", ".join(side.file for side in broken)
        raise InputError(f"{names}: cannot compare a version with errors")
    old_model, new_model = (_model(side) for side in (old, new))
    found = semantic_diff.compare(old_model, new_model)
    prediction = None
    if simulate:
        if not isinstance(old_model, Journey) or not isinstance(new_model, Journey):
            raise InputError("--simulate needs a journey on both sides")
        from ..decide.versions import forecast

        prediction = run_guarded(lambda: forecast(old_model, new_model, spec))
    if output_format == "markdown":
        click.echo(
            _markdown(
                old_name,
                new_name,
                old_model,
                new_model,
                found,
                prediction,
                spec,
            ),
            nl=False,
        )
    elif output_format == "json":
        document = semantic_diff.document(old_name, new_name, found, prediction)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(printable(diff_text(old_name, new_name, found, prediction)), nl=False)
    if exit_code and found and not driver:
        sys.exit(CHANGED)


def _markdown(old_name, new_name, old_model, new_model, found, prediction, spec) -> str:
    """The pull-request comment; with a forecast, also the scenarios' rankings of both sides."""
    from ..decide.versions import rankings as version_rankings
    from ..render.diff_markdown import comment

    rankings = None
    if prediction is not None:
        rankings = run_guarded(lambda: version_rankings(old_model, new_model, spec))
    return comment(old_name, new_name, found, prediction, rankings, (old_model, new_model))


Side = tuple[str, Loaded | None]


def _sides(versions: tuple[str, ...]) -> tuple[Side, Side]:
    """OLD and NEW as given: files, `-`, `REV:PATH`, or /dev/null for nothing."""
    old, new = ((_shown(v), _side(v)) for v in versions)
    return old, new


def _side(spec: str) -> Loaded | None:
    if spec == revision.ABSENT:
        return None
    if spec == STDIN:
        return load(STDIN, data=stdin_bytes())
    if revision.is_revision(spec):
        try:
            return revision.load_revision(spec)
        except revision.RevisionError as err:
            raise InputError(f"{spec}: {err}") from None
    return load(spec)


def _driver_sides(versions: tuple[str, ...]) -> tuple[Side, Side]:
    try:
        return git_driver.sides(versions)
    except git_driver.DriverError as err:
        raise InputError(str(err)) from None


def _model(side: Loaded | None):
    if side is None:
        return None
    return side.journey if side.journey is not None else side.library


# ---- import -------------------------------------------------------------------------------

_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdx", ".mdown"}


@click.command("import", context_settings=SETTINGS)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="A file for one diagram (- for stdout), a directory for several.",
)
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["auto", "mermaid", "markdown"]),
    default="auto",
    show_default=True,
    help="auto: Markdown for .md files, Mermaid otherwise.",
)
@click.option(
    "--force",
    is_flag=True,
    help="With -o DIR, replace journeys of the same name already there (without it, "
    "nothing is written when one exists).",
)
def import_(file: str, output: str, source_format: str, force: bool) -> None:
    """Import Mermaid journey diagrams as .journey files that check and simulate.

    Reads a .mmd file, or every ```mermaid journey block of a Markdown file.
    Sections become stages, tasks touchpoints in order, scores `delivers`, actors
    the owner; one persona holds every customer. Scores outside 1..5 are clipped
    with a warning; a line that is not a task is an error with its line and column.
    Several diagrams need -o DIR: one file each, named from its title; a file of
    that name already there is replaced only with --force, else nothing is written.

    \b
    Examples:
      cxjourney import onboarding.mmd -o onboarding.journey
      cxjourney import docs/journeys.md -o journeys/
      cxjourney import docs/journeys.md -o journeys/ --force
    """
    if not output.strip():
        raise InputError("-o: the file name is empty")
    refuse_replacing({"--output": output}, file)
    data = stdin_bytes() if file == STDIN else _read_file(file)
    shown = _shown(file)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{shown}: larger than {MAX_FILE_BYTES // 2**20} MB; not a diagram")
    text = data.decode("utf-8", errors="strict") if _is_utf8(data) else None
    if text is None:
        raise InputError(f"{shown}: the file is not UTF-8 text")
    markdown = source_format == "markdown" or (
        source_format == "auto" and Path(file).suffix.lower() in _MARKDOWN_SUFFIXES
    )
    try:
        if markdown:
            diagrams, warnings = mermaid.parse_markdown(text)
        else:
            diagram, warnings = mermaid.parse_mermaid(text)
            diagrams = [diagram]
    except mermaid.MermaidError as err:
        _print_issues(shown, text, [*err.warnings, *err.issues])
        count = len(err.issues)
        raise InputError(
            f"{shown}: {count} error{'s' if count != 1 else ''}; nothing was written"
        ) from None
    _print_issues(shown, text, warnings)
    if not diagrams:
        raise InputError(f"{shown}: no Mermaid journey diagram found")
    sources = [mermaid.to_journey(d) for d in diagrams]
    for diagram, source in zip(diagrams, sources, strict=True):
        _verify_import(source, diagram, shown)
    _write_imports(diagrams, sources, output, (file, shown), force)


def _read_file(file: str) -> bytes:
    try:
        data = read_limited(file)
    except OSError as err:
        raise InputError(f"{file}: cannot read the file: {err.strerror or err}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{file}: larger than {MAX_FILE_BYTES // 2**20} MB; not a diagram")
    return data


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _print_issues(shown: str, text: str, issues: list[mermaid.MermaidIssue]) -> None:
    # the lines as Mermaid counts them (CR, LF, CRLF), so that each caret is under its column
    lines = re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))
    source = "\n".join(_OTHER_BREAKS.sub(" ", line) for line in lines)
    for issue in sorted(issues, key=lambda i: (i.line, i.column)):
        d = Diagnostic(shown, issue.line, issue.column, issue.message, severity=issue.severity)
        click.echo(render(d, source), err=True)


def _verify_import(source: str, diagram: mermaid.MermaidDiagram, shown: str) -> None:
    """The importer promises a journey that checks; hold it to that before writing."""
    loaded = load(STDIN, data=source.encode("utf-8"), name=f"{shown} (imported)")
    if not loaded.ok:
        for d in loaded.diagnostics:
            click.echo(render(d, source), err=True)
        click.echo(f"error: the journey imported from line {diagram.line} does not check", err=True)
        sys.exit(RUN_ERROR)


def _write_imports(
    diagrams: list[mermaid.MermaidDiagram],
    sources: list[str],
    output: str,
    source: tuple[str, str],
    force: bool,
) -> None:
    """One file (or stdout), or a file per diagram in a folder (never over the input,
    never over a journey there unless `force`; all or none)."""
    file, shown = source
    target = Path(output)
    to_directory = output != "-" and (target.is_dir() or output.endswith(("/", "\\")))
    if len(diagrams) > 1 and not to_directory:
        if output == "-" or target.exists():
            raise InputError(
                f"{shown} holds {len(diagrams)} journey diagrams; write them to a directory "
                "with -o DIR"
            )
        to_directory = True
    if not to_directory:
        problem = output_problem(output)
        if problem:
            raise InputError(f"-o: {problem}")
        emit(sources[0], output)
        if output != "-":
            click.echo(f"wrote {output}", err=True)
        return
    journeys = [(d.title, text) for d, text in zip(diagrams, sources, strict=True)]
    paths = folder.planned(target, [title for title, _ in journeys])
    refuse_replacing([("the file", str(path)) for path in paths], file)
    try:
        written = folder.write_journeys(target, journeys, force=force)
    except folder.FolderError as err:
        raise InputError(f"-o: {err}") from None
    for path in written:
        click.echo(f"wrote {path}", err=True)


# ---- init ---------------------------------------------------------------------------------


@click.command("init", context_settings=SETTINGS)
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option("--name", default=DEFAULT_NAME, show_default=True, help="The file's name stem.")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
def init(directory: str, name: str, force: bool) -> None:
    """Write a starter journey whose comments teach the language.

    It passes check and simulate as it is; edit it into your own journey.

    \b
    Examples:
      cxjourney init
      cxjourney init maps --name coffee
    """
    import shlex

    file_name = name if name.endswith(".journey") else f"{name}.journey"
    if Path(file_name).name != file_name:
        raise InputError(f"--name takes a file name, not a path: {name}")
    target = Path(directory) / file_name
    if target.exists() and not force:
        raise InputError(f"{target} exists; use --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, starter_journey(str(target)))
    shown = shlex.quote(str(target))  # as it is typed in a shell
    click.echo(f"created {target}")
    click.echo("next:")
    click.echo(f"  cxjourney check {shown}")
    click.echo(f"  cxjourney simulate {shown}")
