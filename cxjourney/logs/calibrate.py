"""Calibrate a journey to an event log: new numbers where the data suffice, old ones elsewhere.

Estimated, each with its sample size and 95% interval:

* flow probabilities: the share of departures from each touchpoint to each target
  of the map (Wilson intervals); a case that stops at a touchpoint takes one of its
  `end`/`exit` edges, split between them as the map splits them, since a log
  cannot tell them apart; a visit whose wait reached the persona's patience is a
  walk-out, not a choice of edge;
* service times: the family and parameters by likelihood (see `fit`);
* `delivers`: mean and standard deviation of the ratings;
* visit gaps: the visit and churn rates that best explain each customer's case
  starts and the stretch after the last one (see `gaps`);
* arrivals: new customers per day, net of the customers the map starts with;
* persona shares: the mix of customers, when the map has no arrivals to mix in.

Anything with fewer than `min_n` observations is left as it was, and said so.

Writing the result: calibration changes numbers in the model, and the printer writes
each changed statement (`Printer.statements`, `Printer.edge`). The file is not printed
anew from the model, because a model keeps none of what makes the file the team's own:
its comments, blank lines, labels written where the name would do, `+-` against
`normal(...)`, `weekdays` against `mon-fri`. Instead `fmt` formats the original text
with the new statements put in by the lines the model's spans give (`fmt.Edit`): the
statement on a line is replaced, or a new one added to the block whose header is on a
line, with a comment saying n, the interval and the previous value; a comment that was
on a replaced line moves above it. The text that comes out is loaded and must build
exactly the calibrated model, or nothing is written.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from .. import graph as journey_graph
from ..language.facts import lookup
from ..language.fmt import Edit, format_source
from ..language.load import load
from ..language.printer import Printer
from ..language.spelling import written_distribution, written_percent
from ..model import Distribution, Edge, Journey, Persona, Touchpoint, to_plain
from . import text
from .arrivals import start_window
from .cases import Log
from .fit import fit_durations
from .gaps import fit_gaps
from .intervals import poisson, wilson
from .mapping import Mapping, persona_resolver
from .paths import END, EXIT, START, Path, mapped

TERMINAL = (END, EXIT)


class CalibrationError(Exception):
    """The calibrated journey would not check (a bug, never bad input): nothing is written."""


@dataclass
class Change:
    what: str  # "flow search -> advice", "advice.service", ...
    old: str
    new: str
    n: int
    interval: str
    line: int  # the statement's line; 0 for a statement that is added
    statement: str  # the new statement, without indentation
    header: int = 0  # for an added statement: its block's header line
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "old": self.old,
            "new": self.new,
            "n": self.n,
            "interval": self.interval,
            "note": self.note,
        }


@dataclass
class Calibration:
    source: str
    changes: list[Change] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    journey: Journey | None = None  # the calibrated model

    def as_dict(self) -> dict[str, Any]:
        return {
            "changes": [c.as_dict() for c in self.changes],
            "kept": [{"what": w, "why": y} for w, y in self.kept],
        }


@dataclass(frozen=True)
class CalibrateOptions:
    min_n: int = 30


def calibrate(
    journey: Journey,
    source: str,
    log: Log,
    mapping: Mapping,
    options: CalibrateOptions | None = None,
) -> Calibration:
    options = options or CalibrateOptions()
    result = Calibration(source, journey=journey)
    paths = mapped(log, mapping)
    _flow(journey, paths, options.min_n, result)
    for tp in journey.touchpoints:
        _service(tp, paths, options.min_n, result)
        _delivers(tp, paths, options.min_n, result)
    _personas(journey, log, paths, options.min_n, result)
    result.source = rewrite(source, result.changes, result.journey, journey.file)
    return result


_PRINT = Printer()


def _replace_edge(result: Calibration, old: Edge, new: Edge) -> None:
    journey = result.journey
    assert journey is not None and journey.flow is not None
    flow = tuple(new if e is old else e for e in journey.flow)
    result.journey = replace(journey, flow=flow)


def _measured(element: object, values: dict[str, object]) -> dict[str, object]:
    """The values the log measured, each clearing its range of belief: a number the data
    gives is no longer a guess."""
    cleared = {f"{k}_range": None for k in values if hasattr(element, f"{k}_range")}
    return {**cleared, **values}


def _replace_touchpoint(result: Calibration, tp_id: str, **values: object) -> Touchpoint:
    journey = result.journey
    assert journey is not None
    old = journey.touchpoint(tp_id)
    tp = replace(old, **_measured(old, values))  # type: ignore[arg-type]
    touchpoints = tuple(tp if t.id == tp_id else t for t in journey.touchpoints)
    result.journey = replace(journey, touchpoints=touchpoints)
    return tp


def _replace_persona(result: Calibration, persona_id: str, **values: object) -> Persona:
    journey = result.journey
    assert journey is not None
    old = journey.persona(persona_id)
    persona = replace(old, **_measured(old, values))  # type: ignore[arg-type]
    personas = tuple(persona if p.id == persona_id else p for p in journey.personas)
    result.journey = replace(journey, personas=personas)
    return persona


# ---- flow ---------------------------------------------------------------------------------------
def departures(journey: Journey, paths: list[Path]) -> dict[tuple[str, str], Counter]:
    """(persona, source) -> Counter of targets, terminal endings counted under `end`."""
    patience = {p.id: p.patience for p in journey.personas}
    queued = {t.id for t in journey.touchpoints if t.capacity}
    resolve = persona_resolver(journey)
    out: dict[tuple[str | None, str], Counter] = defaultdict(Counter)
    for path in paths:
        persona = resolve(path.case.persona)
        previous = START
        for tp, _ in path.visits:
            out[(persona, previous)][tp] += 1
            previous = tp
        last_visit = path.visits[-1][1]
        limit = patience.get(persona) if persona else None
        wait = last_visit.wait
        walked = (
            previous in queued
            and limit is not None
            and wait is not None
            and wait >= limit - 1e-3
            and last_visit.end is None
        )
        if not walked:
            out[(persona, previous)][END] += 1
    return out


def _flow(journey: Journey, paths: list[Path], min_n: int, result: Calibration) -> None:
    if journey.flow is None:
        result.kept.append(("flow", "the map has no flow block: touchpoints follow in order"))
        return
    counts = departures(journey, paths)
    table = journey_graph.routing(journey)
    persona_ids = [p.id for p in journey.personas]
    own_lines: dict[tuple[str, str], list] = defaultdict(list)
    plain: dict[str, list] = defaultdict(list)
    for e in journey.flow:
        if e.persona is None:
            plain[e.source].append(e)
        else:
            own_lines[(e.persona, e.source)].append(e)
    for source, edges in plain.items():
        with_own = {p for (p, s) in own_lines if s == source}
        others = [p for p in persona_ids if p not in with_own] or persona_ids
        observed = _merge(counts, [*others, None], source)  # None: cases of no known persona
        default = table[None].get(source, {})
        _edges(source, edges, observed, default, None, min_n, result)
    for (persona, source), edges in own_lines.items():
        observed = _merge(counts, [persona], source)
        _edges(source, edges, observed, table[persona].get(source, {}), persona, min_n, result)


def _merge(counts, personas, source) -> Counter:
    total: Counter = Counter()
    for p in personas:
        total.update(counts.get((p, source), Counter()))
    return total


def _edges(source, edges, observed: Counter, prior: dict, persona, min_n, result) -> None:
    """New percentages for the edges of one source (for one persona, or for everyone)."""
    who = f" for {persona}" if persona else ""
    what = f"flow {source} ->{who}"
    targets = [e.target for e in edges]
    terminal = [t for t in targets if t in TERMINAL]
    ended = observed.get(END, 0)
    counts: dict[str, float] = {t: observed.get(t, 0) for t in targets if t not in TERMINAL}
    if terminal:
        weights = [prior.get(t, 0.0) for t in terminal]
        total_w = sum(weights) or len(terminal)
        for t, w in zip(terminal, weights, strict=True):
            counts[t] = ended * ((w or (total_w / len(terminal))) / total_w)
    n = sum(counts.values())
    unmapped = sum(v for t, v in observed.items() if t not in counts and t != END)
    if len(edges) < 2:
        return
    if len(terminal) == len(edges):
        result.kept.append((what, "only end and exit: a log cannot tell them apart"))
        return
    if n < min_n:
        result.kept.append((what, f"{int(n)} departures in the log, fewer than {min_n}"))
        return
    if persona is not None and len(edges) < len(prior):
        # own lines on some edges only: each is its share of all the persona's departures,
        # rounded down so that the node's other edges keep what is left
        n = sum(observed.values())
        units = [max(1, math.floor(text.BASIS * counts[t] / n)) for t in targets]
    else:
        units = text.split([counts[t] for t in targets], floor=True, every=True)
    for e, u in zip(edges, units, strict=True):
        k = counts[e.target]
        old = written_percent(e.probability) if e.probability is not None else "unlabelled"
        if (
            e.probability_range is None
            and e.probability is not None
            and round(e.probability * text.BASIS) == u
        ):
            continue
        calibrated = replace(e, probability=text.fraction(u), probability_range=None)
        _replace_edge(result, e, calibrated)
        new = written_percent(calibrated.probability)
        low, high = wilson(k, n)
        statement = _PRINT.edge(calibrated)
        note = f"{text.number(k)} of {int(n)} departures"
        if unmapped:
            note += f"; {unmapped} others go where the map has no edge"
        result.changes.append(
            Change(
                f"flow {e.source} -> {e.target}{who}",
                old,
                new,
                int(n),
                f"[{100 * low:.1f}%, {100 * high:.1f}%]",
                e.span.line,
                statement,
                note=note,
            )
        )


# ---- touchpoints ---------------------------------------------------------------------------------
def _visits(tp_id: str, paths: list[Path]):
    return [v for p in paths for tp, v in p.visits if tp == tp_id]


def _service(tp: Touchpoint, paths: list[Path], min_n: int, result: Calibration) -> None:
    durations = [s for v in _visits(tp.id, paths) if (s := v.service) is not None and s >= 0]
    if tp.capacity is None or tp.service is None:
        if sum(1 for s in durations if s > 0) >= min_n:
            result.kept.append(
                (f"{tp.id}.service", "the log has service times but the map has no queue here")
            )
        return
    if tp.span.file:
        return
    fit = fit_durations(durations) if len(durations) >= min_n else None
    if fit is None:
        result.kept.append(
            (f"{tp.id}.service", f"{len(durations)} service times, fewer than {min_n}")
        )
        return
    if fit.distribution == tp.service:
        return
    calibrated = _replace_touchpoint(result, tp.id, service=fit.distribution)
    result.changes.append(
        Change(
            f"{tp.id}.service",
            written_distribution(tp.service, time=True),
            written_distribution(fit.distribution, time=True),
            fit.n,
            f"mean [{text.duration(fit.low)}, {text.duration(fit.high)}]",
            tp.spans["service"].line,
            *_PRINT.statements("touchpoint", calibrated, "service"),
            note=fit.describe(),
        )
    )


def _delivers(tp: Touchpoint, paths: list[Path], min_n: int, result: Calibration) -> None:
    ratings = [v.rating for v in _visits(tp.id, paths) if v.rating is not None]
    if not ratings:
        return
    if len(ratings) < min_n:
        result.kept.append((f"{tp.id}.delivers", f"{len(ratings)} ratings, fewer than {min_n}"))
        return
    n = len(ratings)
    mean = sum(ratings) / n
    sd = math.sqrt(sum((r - mean) ** 2 for r in ratings) / (n - 1))
    half = 1.96 * sd / math.sqrt(n)
    delivers = Distribution(
        "normal", (text.rounded(min(5.0, max(1.0, mean)), 3), text.rounded(sd, 2))
    )
    if delivers == tp.delivers:
        return
    span = tp.spans.get("delivers")
    calibrated = _replace_touchpoint(result, tp.id, delivers=delivers)
    result.changes.append(
        Change(
            f"{tp.id}.delivers",
            written_distribution(tp.delivers, time=False) if tp.delivers else "(expect)",
            written_distribution(delivers, time=False),
            n,
            f"mean [{mean - half:.2f}, {mean + half:.2f}]",
            span.line if span else 0,
            *_PRINT.statements("touchpoint", calibrated, "delivers"),
            header=tp.span.line,
            note=f"mean and sd of {n} ratings",
        )
    )


# ---- personas ------------------------------------------------------------------------------------
def _personas(journey: Journey, log: Log, paths: list[Path], min_n: int, result) -> None:
    starts: dict[str | None, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    finishes: dict[str | None, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    resolve = persona_resolver(journey)
    for p in paths:
        starts[resolve(p.case.persona)][p.case.customer].append(p.case.start)
        finishes[resolve(p.case.persona)][p.case.customer].append(p.case.finish)
    if starts.get(None):
        result.kept.append(
            ("visits and arrivals", f"{len(starts[None])} customers of no persona of the map")
        )
    first, last = log.first, log.last
    span = max(last - first, 1.0)
    typical = statistics.median(p.case.finish - p.case.start for p in paths) if paths else 0.0
    window = max(start_window([p.case.start for p in paths]), 1.0)
    _shares(journey, starts, min_n, result)
    for persona in journey.personas:
        if persona.span.file:
            result.kept.append((persona.id, "defined in a used file; change it there"))
            continue
        who = starts.get(persona.id)
        if not who:
            continue
        if persona.visit_gap is not None:
            fit = fit_gaps(list(who.values()), last, list(finishes[persona.id].values()), typical)
            repeats = fit.repeats if fit else 0
            if fit is None or repeats < min_n or not math.isfinite(fit.high):
                result.kept.append(
                    (f"{persona.id}.visits", f"{repeats} repeat cases, fewer than {min_n}")
                )
            else:
                _persona_change(  # the printer keeps `from` with the gap
                    result, persona, "visits", text.rounded_duration(fit.gap), repeats,
                    f"[{text.duration(fit.low)}, {text.duration(fit.high)}]",
                    fit.describe(),
                )  # fmt: skip
        if persona.arrivals is not None:
            gap = persona.visit_gap
            present = journey.customers * (persona.share or 0.0)
            initial = present * (min(1.0, span / gap) if gap else 1.0)
            new_customers = len(who) - initial
            if new_customers < min_n:
                result.kept.append(
                    (f"{persona.id}.arrivals", f"{max(0, round(new_customers))} new customers, "
                     f"fewer than {min_n}")
                )  # fmt: skip
                continue
            rate = new_customers / window  # over the window in which cases start
            low, high = (count / window for count in poisson(new_customers))
            _persona_change(
                result, persona, "arrivals", text.rounded_rate(rate), round(new_customers),
                f"[{text.rate(low)}, {text.rate(high)}]",
                f"{len(who)} customers in the log, {text.number(initial)} of them expected "
                "from the map's starting customers",
            )  # fmt: skip


def _shares(journey: Journey, starts, min_n: int, result: Calibration) -> None:
    """Persona shares from the log's mix of customers, when that mix means the shares.

    Shares split the customers present at the start; with arrivals, the log mixes them
    with newcomers, and a map with one persona has nothing to split.
    """
    personas = journey.personas
    if len(personas) < 2 or any(p.span.file for p in personas):
        return
    counts = [len(starts.get(p.id, {})) for p in personas]
    total = sum(counts)
    if any(p.arrivals for p in personas):
        if total:
            result.kept.append(("shares", "the map has arrivals: the log mixes newcomers in"))
        return
    if total < min_n:
        if total:
            result.kept.append(
                ("shares", f"{total} customers of known persona, fewer than {min_n}")
            )
        return
    units = text.split(counts, floor=True, every=True)
    for persona, k, u in zip(personas, counts, units, strict=True):
        low, high = wilson(k, total)
        if persona.share is not None and round(persona.share * text.BASIS) == u:
            continue
        _persona_change(
            result, persona, "share", text.fraction(u), total,
            f"[{100 * low:.1f}%, {100 * high:.1f}%]", f"{k} of {total} customers",
        )  # fmt: skip


def _persona_change(result, persona, key, value, n, interval, note) -> None:
    """A persona's `key` (a statement of the facts) becomes `value`, in model units."""
    field_name = lookup("persona", key).model_field  # type: ignore[union-attr]
    if getattr(persona, field_name) == value:
        return
    calibrated = _replace_persona(result, persona.id, **{field_name: value})
    span = persona.spans.get(key)
    result.changes.append(
        Change(
            f"{persona.id}.{key}",
            _said(persona, key) or "(none)",
            _said(calibrated, key),
            n,
            interval,
            span.line if span else 0,
            *_PRINT.statements("persona", calibrated, key),
            header=persona.span.line,
            note=note,
        )
    )


def _said(persona: Persona, key: str) -> str:
    """What a persona's statement says after its keyword: `every 7 days`, `60%`."""
    lines = _PRINT.statements("persona", persona, key)
    return lines[0].removeprefix(key).strip() if lines else ""


# ---- writing ----------------------------------------------------------------------------
def comment(change: Change) -> str:
    return f"# calibrated: n={change.n}, {change.interval}; was {change.old}"


def edits(changes: list[Change]) -> list[Edit]:
    """Each change as `fmt` writes it: in place of its statement, or added to its block."""
    return [
        Edit(c.line, c.statement, comment(c))
        if c.line
        else Edit(c.header, c.statement, comment(c), add=True)
        for c in changes
    ]


def rewrite(source: str, changes: list[Change], calibrated: Journey | None, path: str) -> str:
    """The source with each change written in, formatted; it must build `calibrated`."""
    return write(source, edits(changes), calibrated, path)


def write(
    source: str, changes: list[Edit], calibrated: Journey | None, path: str = "", name: str = ""
) -> str:
    """`source` formatted with `changes`, loaded, and held to the calibrated model.

    `path` is the journey's file, so that its `use` lines are found where they were.
    """
    name = name or path or "calibrated.journey"
    formatted = format_source(source, name, changes)
    loaded = load(path or "-", data=formatted.encode("utf-8"), name=name)
    if not loaded.ok:
        problems = "; ".join(f"{d.line}: {d.message}" for d in loaded.diagnostics)
        raise CalibrationError(f"the calibrated journey does not check: {problems}")
    if calibrated is not None and to_plain(loaded.journey) != to_plain(calibrated):
        raise CalibrationError("the calibrated journey does not read back as its model")
    return formatted


def table(result: Calibration) -> str:
    """The changes for people, then what was kept and why."""
    rows = [("what", "was", "now", "n", "95% interval")]
    rows += [(c.what, c.old, c.new, str(c.n), c.interval) for c in result.changes]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    out = []
    for i, row in enumerate(rows):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    if not result.changes:
        out.append("(no changes)")
    if result.kept:
        out.append("")
        out.append("left as they were:")
        out += [f"  {what}: {why}" for what, why in result.kept]
    return "\n".join(out) + "\n"
