"""The front of the pipeline: file → text → tree → model → checks → graph.

`load` never raises on bad input: everything it finds comes back as diagnostics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import networkx as nx

from .. import graph as journey_graph
from ..model import Journey, Library
from . import checks, imports, ranges
from .build import Builder
from .diagnostics import Diagnostic, Reporter, Span
from .files import MAX_FILE_BYTES, read_limited
from .parse import decode, parse
from .scenarios import apply_checked, apply_checked_paths

STDIN = "-"


def too_large(data: bytes, reporter: Reporter) -> bool:
    if len(data) <= MAX_FILE_BYTES:
        return False
    reporter.error(
        Span(1, 1),
        f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, too large to be a journey",
        "is it the right file? split a very large map into several journeys",
    )
    return True


@dataclass
class Loaded:
    """A checked file: its model when valid, and every diagnostic."""

    file: str
    journey: Journey | None = None
    library: Library | None = None
    graph: nx.DiGraph | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def load(path: str, *, data: bytes | None = None, name: str | None = None) -> Loaded:
    """Load and check one file (`data` given: its content, e.g. from stdin)."""
    shown = name or ("<stdin>" if path == STDIN else path)
    reporter = Reporter(shown)
    result = Loaded(shown)
    if data is None:
        try:
            data = read_limited(path)
        except OSError as err:
            reporter.error(Span(1, 1), f"cannot read the file: {err.strerror or err}")
            result.diagnostics = reporter.sorted()
            return result
    if too_large(data, reporter):
        result.diagnostics = reporter.sorted()
        return result
    text = decode(data, reporter)
    if text is None:
        result.diagnostics = reporter.sorted()
        return result
    result.sources[shown] = text
    file_path = None if path == STDIN else Path(path)
    root = file_path.resolve().parent if file_path is not None else Path.cwd()
    blanked: list[str] = []
    document = _build(text, shown, reporter, blanked)
    syntax_ok = not reporter.failed
    if document is None:
        result.diagnostics = reporter.sorted()
        return result
    libraries = _used_libraries(document.uses, file_path, root, reporter, result.sources)
    if document.journey is None and document.library is None:
        if syntax_ok:
            reporter.error(
                Span(1, 1), "the file holds no journey", 'start one with: journey "Title" {'
            )
    elif document.journey is not None:
        journey = imports.merge(document.journey, libraries, reporter)
        journey = _with_uses(journey, document.uses)
        if syntax_ok:
            checks.check_journey(journey, reporter)
            if not reporter.failed:
                known = {d.message for d in reporter.diagnostics}
                for scenario in journey.scenarios:
                    apply_checked(journey, scenario, reporter, known)
                if not reporter.failed:
                    _check_at_range_ends(journey, reporter)
        else:
            _check_despite_syntax_errors(journey, reporter, blanked)
        result.journey = journey
        if not reporter.failed:
            result.graph = journey_graph.build(journey)
    else:
        assert document.library is not None
        for persona in document.library.personas:
            checks.check_persona(persona, reporter)
        result.library = document.library
    result.diagnostics = reporter.sorted()
    return result


#: The ends at which a journey with ranges of belief is checked again: (the file's own
#: ranges, a scenario's own ranges, in words).
_ENDS = (
    (0.0, 0.0, "with every range of belief at its low end"),
    (1.0, 1.0, "with every range of belief at its high end"),
    (0.0, 1.0, "with the file's ranges at their low ends and the scenario's at their high ends"),
    (1.0, 0.0, "with the file's ranges at their high ends and the scenario's at their low ends"),
)


def _check_at_range_ends(journey: Journey, reporter: Reporter) -> None:
    """Every check again with the ranges of belief at their ends: a replication may draw
    any value between, so `spend -10 .. 45`, `chance 15% .. 35%` with a scenario's
    `*= 3`, or `takes 1 h .. 3 h` with `-= 30 min .. 2 h` are refused as their middles
    would be. A scenario's own ranges are also tried against the file's other ends (a
    subtraction breaks at mixed ends). Reported once, at the first ends that break."""
    everything = ranges.inputs(journey)
    if not everything:
        return
    own = {i.name for i in ranges.inputs(replace(journey, scenarios=()))}
    said = {d.message for d in reporter.diagnostics}
    tried: set[tuple[tuple[str, float], ...]] = set()
    for file_end, scenario_end, words in _ENDS:
        at = {i.name: file_end if i.name in own else scenario_end for i in everything}
        if tuple(sorted(at.items())) in tried:
            continue
        tried.add(tuple(sorted(at.items())))
        known = ranges.fixed(journey, at)
        probe = Reporter(reporter.file)
        checks.check_journey(known, probe)
        if not probe.failed:
            baseline = {d.message for d in probe.diagnostics}
            for scenario in known.scenarios:
                apply_checked(known, scenario, probe, baseline)
        fresh = [d for d in probe.diagnostics if d.severity == "error" and d.message not in said]
        for d in fresh:
            span = _ranged_change(journey, d.message) or Span(d.line, d.column, d.file)
            reporter.error(span, f"{d.message} ({words})", d.hint)
        if fresh:
            return


def _ranged_change(journey: Journey, message: str) -> Span | None:
    """Where the change a scenario's complaint is about was written: the one of the number
    it names, else its first ranged change."""
    scenario = next(
        (s for s in journey.scenarios if message.startswith(f"scenario '{s.id}'")), None
    )
    if scenario is None:
        return None
    for change in scenario.changes:  # the change of the number the complaint names
        if change.path and change.path[-1] in message:
            return change.span
    for change in scenario.changes:
        event = change.event
        ranged_event = event is not None and (event.chance_range or event.impact_range)
        if ranged_event or (change.value is not None and change.value.range is not None):
            return change.span
    return None


_DEFINES = re.compile(
    r"^\s*(?:persona|stage|touchpoint|scenario|delighter|disappointer)\s+([A-Za-z_]\w*)"
)


# A check's complaint that a dropped line may have answered: the message, and the
# statement whose loss explains it (a broken `persona` header leaves "no persona").
_ARTEFACTS = (
    ("the journey has no persona", "persona"),
    ("has no share", "share"),
    ("the journey has no touchpoint", "stage|touchpoint"),
    ("has a capacity but no service time", "service"),
    ("has a service time but no capacity", "capacity"),
    ("has capacity in a window but no base capacity", "capacity"),
)


def _check_despite_syntax_errors(journey: Journey, reporter: Reporter, blanked: list[str]) -> None:
    """Run the checks a syntax error cannot fake: none naming what a dropped line defined,
    and none a dropped statement would have answered."""
    lost = {m.group(1) for line in blanked if (m := _DEFINES.match(line))}
    dropped = [
        message
        for message, keyword in _ARTEFACTS
        if any(re.match(rf"\s*(?:{keyword})\b", line) for line in blanked)
    ]
    local = Reporter(reporter.file)
    checks.check_journey(journey, local, structural=False)
    local.diagnostics = [d for d in local.diagnostics if not any(m in d.message for m in dropped)]
    if not any(re.search(r"\b(share|persona)\b", line) for line in blanked):
        checks.check_shares(journey.personas, local, journey.span)
    names = Reporter(reporter.file)
    checks.check_recoveries(journey, names)
    checks.check_flow(journey, names)
    for scenario in journey.scenarios:
        apply_checked_paths(journey, scenario, names)
    for d in names.diagnostics:
        if not any(re.search(rf"'{re.escape(n)}'", d.message) for n in lost):
            local.diagnostics.append(d)
    reporter.diagnostics.extend(local.diagnostics)


def _build(text: str, shown: str, reporter: Reporter, blanked: list[str] | None = None):
    tree = parse(text, reporter, blanked)
    if tree is None:
        return None
    return Builder(reporter, shown, text.split("\n")).document(tree)


def _with_uses(journey: Journey, uses: list[tuple[str, Span]]) -> Journey:
    return replace(journey, uses=tuple(u for u, _ in uses))


def _used_libraries(
    uses: list[tuple[str, Span]],
    file_path: Path | None,
    root: Path,
    reporter: Reporter,
    sources: dict[str, str],
) -> list[Library]:
    libraries: list[Library] = []
    for use_path, span in uses:
        data = imports.read(use_path, file_path, root, span, reporter)
        if data is None:
            continue
        shown = str(Path(reporter.file).parent / use_path) if file_path else use_path
        used = Reporter(shown)
        text = decode(data, used)
        document = _build(text, shown, used) if text is not None else None
        if text is not None:
            sources[shown] = text
        if document is not None:
            if document.uses:
                used.error(document.uses[0][1], "a used file may not itself 'use' another file")
            if document.journey is not None:
                used.error(document.journey.span, "a used file holds personas, not a journey")
            elif document.library is not None:
                libraries.append(imports.relabel(document.library, shown))
        reporter.diagnostics.extend(used.diagnostics)
    return libraries
