"""How well a map fits what customers did: token-free replay of each case on the flow.

A case fits when the map allows every step of its path: its first touchpoint is a
start, each transition is an edge with a chance above zero for the case's persona
(for any persona when the log names none the map knows), and its last touchpoint
can end the journey (an edge to `end` or `exit`, or a queue to walk out of).
Fitness is the share of cases that fit; the transitions customers take that the
map lacks (counted once per case that takes them), and the edges nobody takes, are
counted. With `strict`, activities that map to no touchpoint count against fitness: a
case with one does not fit, and a case with none that maps is judged too (and fails).

Fitness alone says little of a map that allows everything (a map `discover` writes
fits its own log by construction). Precision says how much of what the map allows the
log shows: the escaping-edges precision ETCp of Muñoz-Gama & Carmona ("A fresh look at
precision in process conformance", BPM 2010). The cases are folded into a prefix tree
(by persona); at each prefix that the map can replay, the map allows some next steps
(its edges from the last touchpoint, `end` and `exit` read as one way to stop, since a
log cannot tell them apart) and the log shows some of them; the steps allowed but never
taken there are the escaping edges. Precision = 1 − Σ w·escaping / Σ w·allowed, w the
number of cases through the prefix. Replay stops at a case's first deviation, as in ETC.

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
    precision: float = 1.0  # escaping-edges precision (ETCp)
    strict: bool = False  # unknown activities and unmapped cases count against fitness

    @property
    def judged(self) -> int:
        extra = self.unmapped_cases if self.strict else 0
        return self.cases + extra - self.unfinished

    @property
    def fitness(self) -> float:
        return self.fitting / self.judged if self.judged else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "fitting": self.fitting,
            "fitness": round(self.fitness, 6),
            "precision": round(self.precision, 6),
            "strict": self.strict,
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


def conform(journey: Journey, log: Log, mapping: Mapping, *, strict: bool = False) -> Conformance:
    allowed = allowed_edges(journey)
    queued = {t.id for t in journey.touchpoints if t.capacity}
    resolve = persona_resolver(journey)
    paths = mapped(log, mapping)
    missing: Counter = Counter()
    used: set[tuple[str, str]] = set()
    seen: set[str] = set()
    fitting = unfinished = 0
    open_after = log.last - OPEN_TAIL * (log.last - log.first)
    tree = PrefixTree()
    nexts = {persona: following(edges) for persona, edges in allowed.items()}
    for path in paths:
        persona = resolve(path.case.persona)
        ok_edges = allowed[persona]
        steps = path.steps
        seen.update(steps)
        tree.add(persona, steps, nexts[persona])
        lacking: set[tuple[str, str]] = set()
        previous = START
        for tp in steps:
            edge = (previous, tp)
            if edge in ok_edges:
                used.add(edge)
            else:
                lacking.add(edge)
            previous = tp
        fits = not lacking
        ends = [e for e in ((previous, END), (previous, EXIT)) if e in ok_edges]
        if ends:
            used.update(ends)
        elif previous not in queued:
            if fits and path.visits[-1][1].time >= open_after:
                unfinished += 1
                continue
            lacking.add((previous, END))
            fits = False
        missing.update(lacking)  # each edge once per case, as the key says
        if strict and len(path.visits) < len(path.case.visits):
            fits = fits and not any(a in mapping.unknown for a in path.case.path)
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
        precision=tree.precision(),
        strict=strict,
    )


STOP = "(stop)"  # `end` or `exit`: the log cannot tell them apart


class PrefixTree:
    """The cases folded by persona and prefix: at each prefix the map can replay, the
    steps the map allows next, the steps the log takes, and how many cases pass."""

    def __init__(self) -> None:
        self.ids: dict[tuple[int, str], int] = {}
        self.passing: list[int] = []  # cases through each node
        self.allowed: list[frozenset[str]] = []
        self.taken: list[set[str]] = []

    def _node(self, parent: int, step: str, allowed: frozenset[str]) -> int:
        key = (parent, step)
        node = self.ids.get(key)
        if node is None:
            node = self.ids[key] = len(self.passing)
            self.passing.append(0)
            self.allowed.append(allowed)
            self.taken.append(set())
        self.passing[node] += 1
        return node

    def add(self, persona: str | None, steps: list[str], nexts: dict[str, frozenset[str]]):
        """One case; `nexts`: the persona's steps allowed after each touchpoint."""
        none: frozenset[str] = frozenset()
        node = self._node(-1, f"persona {persona}", nexts.get(START, none))
        for tp in steps:
            if tp not in self.allowed[node]:
                return  # replay stops at the first deviation
            self.taken[node].add(tp)
            node = self._node(node, tp, nexts.get(tp, none))
        self.taken[node].add(STOP)

    def precision(self) -> float:
        weighted_allowed = escaping = 0
        for node, allowed in enumerate(self.allowed):
            w = self.passing[node]
            weighted_allowed += w * len(allowed)
            escaping += w * len(allowed - self.taken[node])
        return 1.0 - escaping / weighted_allowed if weighted_allowed else 1.0


def following(edges: set[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """source -> the steps the map allows next (`end` and `exit` as STOP)."""
    out: dict[str, set[str]] = {}
    for s, t in edges:
        out.setdefault(s, set()).add(STOP if t in (END, EXIT) else t)
    return {s: frozenset(ts) for s, ts in out.items()}


def table(result: Conformance, journey: Journey, log_file: str) -> str:
    """The conformance report for people."""
    lines = [
        f"{journey.title} against {log_file}: {result.cases} cases",
        f"fitness {result.fitness:.1%}: {result.fitting} of {result.judged} "
        "cases take only paths the map allows"
        + (" and no activity it lacks (strict)" if result.strict else ""),
        f"precision {result.precision:.1%}: of the next steps the map allows where customers "
        "are, the share the log shows (escaping-edges precision, weighted by cases)",
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
