"""How well a map fits what customers did: token-free replay of each case on the flow.

A case fits when the map allows every step of its path: its first touchpoint is a
start, each transition is an edge with a chance above zero for the case's persona
(for any persona when the log names none the map knows), and its last touchpoint
can end the journey (an edge to `end` or `exit`, or a queue to walk out of).
Fitness is the share of cases that fit; the transitions customers take that the
map lacks, and the edges nobody takes, are counted.

A case that stops where the map offers no way out, in the last 5% of the log's
time span, may still be running when the log was exported: it is counted as
unfinished and left out of the fitness rather than called a deviation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from .. import graph as journey_graph
from ..model import Journey
from .cases import Log
from .mapping import Mapping, persona_resolver
from .paths import END, EXIT, START, mapped

OPEN_TAIL = 0.05


@dataclass
class Conformance:
    cases: int
    fitting: int
    missing_edges: Counter  # (source, target) -> cases that take it
    unused_edges: list[tuple[str, str]]
    unknown_activities: Counter
    ignored_activities: Counter
    never_seen: list[str]
    unmapped_cases: int = 0  # cases with no activity that maps
    unfinished: int = 0  # cases that may still be running at the log's end

    @property
    def fitness(self) -> float:
        judged = self.cases - self.unfinished
        return self.fitting / judged if judged else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "fitting": self.fitting,
            "fitness": round(self.fitness, 6),
            "missing_edges": [
                {"source": s, "target": t, "cases": n}
                for (s, t), n in sorted(self.missing_edges.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "unused_edges": [{"source": s, "target": t} for s, t in self.unused_edges],
            "unknown_activities": [
                {"activity": a, "events": n}
                for a, n in sorted(self.unknown_activities.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "ignored_activities": [
                {"activity": a, "events": n} for a, n in sorted(self.ignored_activities.items())
            ],
            "never_seen": self.never_seen,
            "unmapped_cases": self.unmapped_cases,
            "unfinished": self.unfinished,
        }


def allowed_edges(journey: Journey) -> dict[str | None, set[tuple[str, str]]]:
    """persona (None: any persona) -> the edges with a chance above zero, and from the
    start to where a persona's repeat journeys start."""
    table = journey_graph.routing(journey)
    out: dict[str | None, set[tuple[str, str]]] = {}
    for persona, sources in table.items():
        out[persona] = {(s, t) for s, split in sources.items() for t, p in split.items() if p > 0}
    for persona in journey.personas:  # repeat journeys start where the file says
        if persona.visit_gap and persona.repeat_from is not None:
            for key in (persona.id, None):
                out.setdefault(key, set(out[None])).add((START, persona.repeat_from))
    out[None] = set().union(*(v for k, v in out.items() if k is not None)) | out[None]
    return out


def conform(journey: Journey, log: Log, mapping: Mapping) -> Conformance:
    allowed = allowed_edges(journey)
    queued = {t.id for t in journey.touchpoints if t.capacity}
    resolve = persona_resolver(journey)
    paths = mapped(log, mapping)
    missing: Counter = Counter()
    used: set[tuple[str, str]] = set()
    seen: set[str] = set()
    fitting = unfinished = 0
    open_after = log.last - OPEN_TAIL * (log.last - log.first)
    for path in paths:
        persona = resolve(path.case.persona)
        ok_edges = allowed[persona]
        steps = path.steps
        seen.update(steps)
        fits = True
        previous = START
        for tp in steps:
            edge = (previous, tp)
            if edge in ok_edges:
                used.add(edge)
            else:
                missing[edge] += 1
                fits = False
            previous = tp
        ends = [e for e in ((previous, END), (previous, EXIT)) if e in ok_edges]
        if ends:
            used.update(ends)
        elif previous not in queued:
            if fits and path.visits[-1][1].time >= open_after:
                unfinished += 1
                continue
            missing[(previous, END)] += 1
            fits = False
        fitting += fits
    every = allowed[None]
    unused = sorted(e for e in every if e not in used)
    return Conformance(
        cases=len(paths),
        fitting=fitting,
        missing_edges=missing,
        unused_edges=unused,
        unknown_activities=mapping.unknown,
        ignored_activities=mapping.ignored,
        never_seen=[t.id for t in journey.touchpoints if t.id not in seen],
        unmapped_cases=len(log.cases) - len(paths),
        unfinished=unfinished,
    )


def table(result: Conformance, journey: Journey, log_file: str) -> str:
    """The conformance report for people."""
    lines = [
        f"{journey.title} against {log_file}: {result.cases} cases",
        f"fitness {result.fitness:.1%}: {result.fitting} of {result.cases - result.unfinished} "
        "cases take only paths the map allows",
    ]
    if result.unfinished:
        lines.append(
            f"{result.unfinished} cases stop near the end of the log where the map has no way "
            "out; counted as unfinished"
        )
    if result.unmapped_cases:
        lines.append(f"{result.unmapped_cases} cases have no activity that maps to a touchpoint")
    if result.missing_edges:
        lines.append("")
        lines.append("transitions customers take that the map lacks (cases):")
        for (s, t), n in sorted(result.missing_edges.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {s} -> {t}  {n}")
    if result.unused_edges:
        lines.append("")
        lines.append("edges of the map that nobody takes:")
        lines += [f"  {s} -> {t}" for s, t in result.unused_edges]
    if result.unknown_activities:
        lines.append("")
        lines.append("activities that map to no touchpoint (events):")
        for a, n in sorted(result.unknown_activities.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {a}  {n}")
    if result.ignored_activities:
        lines.append("")
        lines.append("activities the mapping ignores (events):")
        lines += [f"  {a}  {n}" for a, n in sorted(result.ignored_activities.items())]
    if result.never_seen:
        lines.append("")
        lines.append("touchpoints that never occur: " + ", ".join(result.never_seen))
    return "\n".join(lines) + "\n"
