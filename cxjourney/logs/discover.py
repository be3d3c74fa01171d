"""Discover a journey from an event log alone, saying in comments where each number came from.

Touchpoints are the log's activities (labels kept, identifiers made valid), in the
order customers meet them; one stage holds them. The flow is the directly-follows
graph with its counts as percentages (per persona where a persona's split differs
from the others' beyond chance, by a chi-square test at 1%); cases still under way at
the log's end are not read as ending there (`paths.still_running`). Arrivals are the
rate at which new customers start their first case over the window in which cases
start, with the week's busy hours when the log shows them (`arrivals`); repeat visits
the gap, from the end of one case to the next start, that best explains later cases
alongside churn (see `gaps`), and where repeat journeys start when it is not where
first ones do. Service times come from start/complete pairs, `delivers` from ratings,
channels from the channel column. The time between steps becomes each edge's `after`
(`delays`: a family by likelihood, or a timer), except into a touchpoint with a queue,
whose waits already take that time. When cases either run straight through or wait,
beyond what independent gaps would give (`pace`), the two classes are personas: everyone's
edges take the waiting cases' delays, and `for at_once` lines the others'. A log shows
no referrals, so the map has none; a log without ratings makes satisfaction and NPS the
model's defaults, which the file says.
`--mapping` and `--min-share` make a map a person can read (`variants`).

The journey is built as a model, each estimate rounded to four significant digits, and
printed (`cxjourney.language.printer`) with a comment on each number in `Notes`. A label
is its activity exactly, control characters escaped (`mapping.label`), so that labels are
unique and `conform` maps the log back as discovered. A log of more than MAX_TOUCHPOINTS
activities is refused unless told how many of the most frequent to keep (`top`), and
so is a journey larger than a journey file may be (`TooLarge`).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from ..language.files import MAX_FILE_BYTES
from ..language.printer import Notes, edge_key, print_journey
from ..model import Distribution, Edge, Journey, Loyalty, Persona, Stage, Touchpoint
from ..results import assumed
from ..sim.spec import RunRefused
from . import text
from .arrivals import EPOCH_WEEKDAY, start_window, weekly_profile
from .cases import Case, Log, quoted
from .chance import chi2_critical, homogeneity
from .conform import OPEN_TAIL
from .delays import Delay, edge_delays
from .fit import fit_durations
from .gaps import fit_gaps
from .intervals import poisson
from .mapping import label, make_id
from .pace import AT_ONCE, LABELS, PaceSplit, pace_split
from .paths import END, EXIT, START, directly_follows, mapped, still_running
from .stages import stage_note, stages_by_waits
from .variants import common_paths, mapped_log

DAY = 1440.0
DEFAULT_PERSONA = "customers"

#: The most touchpoints a map is discovered with, unless told how many activities to
#: keep: a log of more distinct activities is refused. Thousands of touchpoints make a
#: map nobody can read, a file `check` refuses (over MAX_FILE_BYTES) or a run that does
#: not fit in memory, and usually mean that the activity column holds something else
#: (ticket subjects, free text, identifiers).
MAX_TOUCHPOINTS = 1000


class TooLarge(RunRefused):
    """A log that would make a map too large to read, check or simulate: refused as a
    run too large is (exit 2 on the command line), with what to do instead."""


@dataclass(frozen=True)
class DiscoverOptions:
    min_n: int = 5  # fewer observations than this: the estimate is left out
    ends: tuple[str, ...] = ()  # activities that complete a journey (others lead to exit)
    title: str = ""
    top: int | None = None  # keep this many most frequent activities; leave the rest out
    min_share: float | None = None  # keep the most frequent paths covering this share of cases
    mapping: dict[str, str] | None = None  # activity -> touchpoint ("" ignores it)


@dataclass
class Discovered:
    source: str  # the journey, printed with a comment on each number
    touchpoints: dict[str, str]  # activity -> touchpoint id
    personas: dict[str, str]  # persona value in the log -> persona id
    notes: list[str]  # what was left out, and why
    #: estimate, low, high (95%) by the key of its line (printer.Notes): a persona's
    #: arrivals (per minute) and visit gap (minutes), an edge's mean delay (minutes)
    intervals: dict[tuple, tuple[float, float, float]] = field(default_factory=dict)


def discover(log: Log, options: DiscoverOptions | None = None) -> Discovered:
    options = options or DiscoverOptions()
    min_n = max(1, options.min_n)
    notes: list[str] = []
    taken: set[str] = set()
    tried: dict[str, int] = {}
    split = _paced(log)
    if split is not None:
        log = _with_classes(log, split)
    everyone = log.cases  # arrivals and repeat visits count every case, mapped or not
    if options.mapping:
        log, said = mapped_log(log, options.mapping)
        notes += said
    if options.min_share is not None and options.min_share < 1:
        log, note = common_paths(log, options.min_share)
        if note:
            notes.append(note)
    counts = _kept(log, options.top, notes)

    # touchpoints in the order customers meet them: mean position of their first visit
    first_position: dict[str, list[float]] = defaultdict(list)
    for case in log.cases:
        seen: set[str] = set()
        for i, v in enumerate(case.visits):
            if v.activity not in seen and v.activity in counts:
                seen.add(v.activity)
                first_position[v.activity].append(i)
    order = sorted(
        counts, key=lambda a: (sum(first_position[a]) / len(first_position[a]), -counts[a], a)
    )
    # personas first, so that touchpoints never take a persona's obvious name
    persona_values = sorted({c.persona for c in log.cases if c.persona})
    personas: dict[str, str] = {}
    for value in persona_values:
        personas[value] = make_id(value, taken, "persona")
    if not persona_values or any(not c.persona for c in log.cases):
        personas[""] = make_id(DEFAULT_PERSONA, taken, "persona")
    stage_id = make_id("steps", taken, "stage")
    ids = {a: make_id(a, taken, "step", tried) for a in order}

    paths = mapped(log, ids.get)

    ends = {ids[a] for a in options.ends if a in ids}
    missing = [a for a in options.ends if a not in ids]
    if missing:
        where = "among the activities kept" if options.top else "in the log"
        notes.append(f"end activities not {where}: {', '.join(map(label, missing))}")
    running = still_running(paths, log.last - OPEN_TAIL * (log.last - log.first))
    if running:
        notes.append(
            f"{len(running):,} cases stop in the log's last {OPEN_TAIL:.0%} at a step where "
            "earlier cases seldom stop: taken as still under way, not as ending there"
        )
    follows = directly_follows(paths, ends if options.ends else None, running)
    first_cases = _first_cases(paths)
    repeat_at = _repeat_start(paths, first_cases, min_n)

    first, last = log.first, log.last
    span = max(last - first, 1.0)
    notes_of = Notes()
    line = notes_of.line
    name = label(log.file.rsplit("/", 1)[-1])  # a file name may hold a newline
    notes_of.above[("journey",)] = [
        f"# Discovered from {name}: {len(log.cases)} cases, {log.events} events, "
        f"{_when(first, log)} to {_when(last, log)}.",
        "# Every number says in a comment what it came from (n: how many observations).",
    ]
    days = max(1, math.ceil(span / DAY))
    line[("journey", "horizon")] = "# the log's span, rounded up to days"
    line[("journey", "customers")] = "# everyone arrives as in the log: see each persona's arrivals"
    intervals: dict[tuple, tuple[float, float, float]] = {}
    built = _personas(log, everyone, personas, min_n, notes, line, intervals)
    if split is not None:
        built = tuple(replace(p, label=LABELS.get(p.id, p.label)) for p in built)
        if AT_ONCE in personas:
            line[("persona", AT_ONCE, "share")] += f"; pace: {split.describe()}"
    if repeat_at is not None:
        # the start edges are the first journeys' alone where a persona's repeat journeys
        # start elsewhere; a persona with too few repeats for a gap has no repeat journeys,
        # so its repeat cases stay journeys from the start (else their step is unreached)
        repeating = {
            v for v, pid in personas.items() if any(p.id == pid and p.visit_gap for p in built)
        }
        for path in paths:
            repeat = first_cases[path.case.customer] != path.case.id
            if repeat and path.case.persona in repeating:
                follows[(path.case.persona, START, path.steps[0])] -= 1
        follows = +follows
        tp, share, n = repeat_at
        built = tuple(replace(p, repeat_from=tp) if p.visit_gap else p for p in built)
        for p in built:
            if p.repeat_from:
                line[("persona", p.id, "visits")] += (
                    f"; {share:.0%} of {n} repeat cases start at {tp}"
                )
    visits = _visits_by_touchpoint(paths)
    phases = stages_by_waits([ids[a] for a in order], _gaps_between(paths), min_n)
    stages, stage_of = _stages(phases, stage_id, taken, {ids[a]: a for a in order}, line)
    touchpoints = tuple(
        _touchpoint(a, ids[a], stage_of[ids[a]], visits[ids[a]], span, min_n, notes, line)
        for a in order
    )
    queued = {t.id for t in touchpoints if t.service is not None}
    delays = edge_delays(_gaps_between(paths), queued, min_n)
    own_delays: dict[str, dict[tuple[str, str], Delay]] = {}
    if split is not None:  # everyone's edges take the waiting cases' delays
        delays = edge_delays(
            _gaps_between(p for p in paths if p.case.persona != AT_ONCE), queued, min_n
        )
        at_once = [p for p in paths if p.case.persona == AT_ONCE]
        own_delays[personas[AT_ONCE]] = edge_delays(_gaps_between(at_once), queued, min_n)
    journey = Journey(
        _label(options.title) if options.title else f"Discovered from {name}",
        horizon=days * DAY,
        customers=0,
        personas=built,
        stages=stages,
        touchpoints=touchpoints,
        flow=_flow(follows, personas, [ids[a] for a in order], min_n, line, delays, own_delays),
        loyalty=Loyalty(referral=0.0),
    )
    line[("loyalty", "referral")] = "# a log shows no customer brought by another"
    if assumed(journey):
        notes_of.above[("journey",)].append(
            "# Assumed: the log has no ratings, so no touchpoint has `delivers` and every step "
            "delivers what is expected; satisfaction, NPS and retention simulated from this map "
            "are the model's defaults, not data (simulate marks them with *)."
        )
    source = print_journey(journey, notes_of)
    size = len(source.encode())
    if size > MAX_FILE_BYTES:
        raise TooLarge(
            f"{name}: the journey discovered would be {size / 2**20:.1f} MB, more than the "
            f"{MAX_FILE_BYTES // 2**20} MB a journey file may hold ({len(order):,} "
            f"touchpoints, {len(journey.edges):,} edges); keep fewer activities with "
            "--top-activities N"
        )
    for (source_id, target), delay in delays.items():
        intervals[("edge", source_id, target, "after")] = (delay.mean, delay.low, delay.high)
    for pid, own in own_delays.items():
        for (source_id, target), delay in own.items():
            intervals[("edge", source_id, target, "after", pid)] = (
                delay.mean,
                delay.low,
                delay.high,
            )
    return Discovered(source, ids, personas, notes, intervals)


def _paced(log: Log) -> PaceSplit | None:
    """The log's pace classes (`pace`), looked for when the log names no personas and
    each customer has one case (a class is a case's, a persona a customer's)."""
    if any(c.persona for c in log.cases):
        return None
    if len({c.customer for c in log.cases}) < len(log.cases):
        return None
    return pace_split(log.cases)


def _with_classes(log: Log, split: PaceSplit) -> Log:
    """`log` with each case's pace class as its persona."""
    cases = [Case(c.id, c.customer, split.classes[c.id], c.visits) for c in log.cases]
    return replace(log, cases=cases)


def _kept(log: Log, top: int | None, notes: list[str]) -> Counter:
    """The activities that become touchpoints, with their counts: all of them, or the
    `top` most frequent (the others are left out of every path, as an activity that maps
    to no touchpoint is, and `conform` reports them as unknown)."""
    counts = log.activities()
    if top is None:
        if len(counts) > MAX_TOUCHPOINTS:
            common = ", ".join(quoted(label(a)) for a, _ in counts.most_common(3))
            raise TooLarge(
                f"{label(log.file)}: {len(counts):,} distinct activities, more than the "
                f"{MAX_TOUCHPOINTS:,} touchpoints a discovered map may have (the most "
                f"frequent: {common}). Keep the most frequent with --top-activities N "
                "(the others are left out and reported by conform), or name the column "
                "of activities with --activity"
            )
        return counts
    if len(counts) <= top:
        return counts
    kept = Counter(dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: max(1, top)]))
    left = len(counts) - len(kept)
    events = sum(counts.values()) - sum(kept.values())
    notes.append(
        f"{left:,} less frequent activities left out ({events:,} of {sum(counts.values()):,} "
        f"events): the {len(kept):,} most frequent are the touchpoints"
    )
    return kept


def _label(text: str) -> str:
    """A title given as an option, as a label of the language: spaces collapsed, one line."""
    return label(" ".join(text.split()))


def _stages(phases, stage_id, taken, activity_of, line) -> tuple[tuple[Stage, ...], dict]:
    """The journey's stages: one, "Journey", unless long waits cut the steps into phases
    (`stages.stages_by_waits`), each then named after the step it begins with."""
    if len(phases) < 2:
        only = phases[0].touchpoints if phases else ()
        return (Stage(stage_id, "Journey", only),), dict.fromkeys(only, stage_id)
    stages, stage_of = [], {}
    for phase in phases:
        first = activity_of[phase.touchpoints[0]]
        sid = make_id(f"{first} stage", taken, "stage")
        stages.append(Stage(sid, label(first), phase.touchpoints))
        stage_of.update(dict.fromkeys(phase.touchpoints, sid))
        line[("stage", sid)] = stage_note(phase, _days)
    return tuple(stages), stage_of


def _days(minutes: float) -> str:
    days = minutes / DAY
    return f"{days:.1f} days" if days < 100 else f"{days:,.0f} days"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _when(minutes: float, log: Log) -> str:
    if log.kind == "simulated":
        return f"minute {text.number(minutes)}"
    try:
        return datetime.fromtimestamp(minutes * 60, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (OverflowError, OSError, ValueError):
        return f"minute {text.number(minutes)}"


def _personas(log, cases, personas, min_n, notes, line, intervals) -> tuple[Persona, ...]:
    customers: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    finishes: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for case in cases:
        customers[case.persona][case.customer].append(case.start)
        finishes[case.persona][case.customer].append(case.finish)
    total = sum(len(c) for c in customers.values())
    values = [v for v in personas if customers.get(v)]
    units = text.split([len(customers[v]) for v in values])
    out = []
    last = max((v.time for c in cases for v in c.visits), default=0.0)
    window = max(start_window([c.start for c in cases]), 1.0)
    typical = statistics.median(c.finish - c.start for c in cases) if cases else 0.0
    for value, share in zip(values, units, strict=True):
        pid = personas[value]
        who = customers[value]
        key = ("persona", pid)
        line[(*key, "share")] = f"# {len(who)} of {total} customers"
        fit = fit_gaps(list(who.values()), last, list(finishes[value].values()), typical)
        repeats = fit.repeats if fit else 0
        gap = None
        if fit is not None and repeats >= min_n:
            gap = text.rounded_duration(fit.gap)
            line[(*key, "visits")] = (
                f"# {fit.describe()}; 95% interval of the gap {text.duration(fit.low)} "
                f"to {text.duration(fit.high)}"
            )
            intervals[(*key, "visits")] = (fit.gap, fit.low, fit.high)
        elif repeats:
            notes.append(f"persona {pid}: {repeats} repeat cases, too few for a visit gap")
        rate = len(who) / window
        low, high = (count / window for count in poisson(len(who)))  # exact: never below 0
        line[(*key, "arrivals")] = (
            f"# {_plural(len(who), 'first case')} over the {text.number(window / DAY)} days "
            f"in which the log's cases start (95%: {text.number(low * DAY)} to "
            f"{text.number(high * DAY)} per day)"
        )
        intervals[(*key, "arrivals")] = (rate, low, high)
        firsts = [min(starts) for starts in who.values()]
        busy, said = weekly_profile(firsts, 0 if log.kind == "simulated" else EPOCH_WEEKDAY)
        if busy:
            line[(*key, "busy")] = f"# {said}"
        else:
            notes.append(f"persona {pid}: {said}")
        out.append(
            Persona(
                pid,
                label(value) if value else "Customers",
                share=text.fraction(share),
                visit_gap=gap,
                arrivals=text.rounded_rate(len(who) / window),
                busy=busy,
            )
        )
    return tuple(out)


def _first_cases(paths) -> dict[str, str]:
    """Each customer's first case."""
    first: dict[str, str] = {}
    for path in sorted(paths, key=lambda p: (p.case.start, p.case.id)):
        first.setdefault(path.case.customer, path.case.id)
    return first


def _repeat_start(paths, first: dict[str, str], min_n: int) -> tuple[str, float, int] | None:
    """Where repeat journeys start, when it is not where first journeys do: at least
    `min_n` repeat cases, 90% of them starting at one step at which fewer than half of
    first cases start (an order placed once, then monthly use)."""
    first = _first_cases(paths)
    starts_first: Counter = Counter()
    starts_repeat: Counter = Counter()
    for path in paths:
        (starts_first if first.get(path.case.customer) == path.case.id else starts_repeat)[
            path.steps[0]
        ] += 1
    n = sum(starts_repeat.values())
    if n < min_n:
        return None
    tp, k = starts_repeat.most_common(1)[0]
    if k < 0.9 * n or starts_first[tp] >= 0.5 * sum(starts_first.values()):
        return None
    return tp, k / n, n


def _gaps_between(paths) -> dict[tuple[str, str], list[float]]:
    """Per edge: minutes from the end of the case's previous visit to each visit's
    start (a log with one timestamp per event gives the time between events)."""
    gaps: dict[tuple[str, str], list[float]] = defaultdict(list)
    for path in paths:
        for (source, previous), (tp, visit) in zip(path.visits, path.visits[1:], strict=False):
            done = previous.end if previous.end is not None else previous.time
            if done is not None and visit.time is not None and visit.time >= done:
                gaps[(source, tp)].append(visit.time - done)
    return gaps


def _visits_by_touchpoint(paths) -> dict[str, list]:
    """Each touchpoint's visits, gathered in one pass (not one pass per touchpoint: a log
    of thousands of activities would take the square of its size)."""
    visits: dict[str, list] = defaultdict(list)
    for path in paths:
        for tp, visit in path.visits:
            visits[tp].append(visit)
    return visits


def _touchpoint(activity, tp_id, stage_id, visits, span, min_n, notes, line) -> Touchpoint:
    key = ("touchpoint", tp_id)
    line[key] = f"# {_plural(len(visits), 'visit')}"
    values: dict[str, object] = {}
    channels = Counter(v.channel for v in visits if v.channel)
    if channels:
        channel, n = channels.most_common(1)[0]
        values["channel"] = make_id(channel, set(), "channel")
        line[(*key, "channel")] = f"# {n} of {len(visits)} visits"
    ratings = [v.rating for v in visits if v.rating is not None]
    if len(ratings) >= min_n:
        mean = sum(ratings) / len(ratings)
        sd = math.sqrt(sum((r - mean) ** 2 for r in ratings) / (len(ratings) - 1))
        mean = min(5.0, max(1.0, mean))
        values["delivers"] = Distribution("normal", (text.rounded(mean, 3), text.rounded(sd, 2)))
        line[(*key, "delivers")] = f"# mean and sd of {len(ratings)} ratings"
    elif ratings:
        notes.append(f"{tp_id}: {len(ratings)} ratings, too few for delivers")
    durations = [s for v in visits if (s := v.service) is not None and s >= 0]
    positive = [s for s in durations if s > 0]
    fit = fit_durations(durations) if len(positive) >= min_n else None
    if fit is not None:
        busy = sum(durations) / span  # servers busy on average
        capacity = max(_concurrency(visits), math.ceil(busy / 0.85), 1)
        resources = {v.resource for v in visits if v.resource}
        values["capacity"] = float(capacity)
        values["service"] = fit.distribution
        line[(*key, "capacity")] = "# most visits in service at once" + (
            f"; {len(resources)} resources" if resources else ""
        )
        line[(*key, "service")] = f"# {fit.describe()}"
    elif positive:
        notes.append(f"{tp_id}: {len(positive)} start/complete pairs, too few for a service time")
    return Touchpoint(tp_id, label(activity), stage_id, **values)  # type: ignore[arg-type]


def _concurrency(visits) -> int:
    """The most visits in service at the same time."""
    marks = []
    for v in visits:
        if v.start is not None and v.end is not None and v.end > v.start:
            marks += [(v.start, 1), (v.end, -1)]
    level = peak = 0
    for _, step in sorted(marks):
        level += step
        peak = max(peak, level)
    return peak


def _flow(
    follows: Counter,
    personas: dict[str, str],
    order: list[str],
    min_n: int,
    line,
    delays: dict[tuple[str, str], Delay],
    own_delays: dict[str, dict[tuple[str, str], Delay]],
):
    """The flow's edges: everyone's split and delays, then a persona's own split where
    it differs beyond chance, and a persona's own delay (`own_delays`, a pace class's)
    where it differs from everyone's."""
    by_source: dict[str, Counter] = defaultdict(Counter)
    by_persona: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (persona, source, target), n in follows.items():
        by_source[source][target] += n
        by_persona[(persona, source)][target] += n
    voices: dict[str, set[str]] = defaultdict(set)  # source -> the personas leaving it
    for persona, source in by_persona:
        voices[source].add(persona)
    edges: list[Edge] = []
    rank = {tp: i for i, tp in enumerate(order)}
    sources = [START, *sorted((s for s in by_source if s != START), key=lambda s: rank.get(s, 0))]
    for source in sources:
        targets = by_source[source]
        names = sorted(targets, key=lambda t: (t in (END, EXIT), rank.get(t, 0), t))
        if len(names) > text.BASIS:  # each edge keeps at least 0.01%: 10,000 at most
            raise TooLarge(
                f"{len(names):,} different steps follow {source} in the log, more than the "
                f"{text.BASIS:,} edges that can leave one node (a share is written in "
                "hundredths of a point); keep fewer activities with --top-activities N"
            )
        total = sum(targets.values())
        units = text.split([targets[t] for t in names])
        for target, u in zip(names, units, strict=True):
            delay = delays.get((source, target))
            edges.append(Edge(source, target, text.fraction(u), after=_after(delay)))
            line[edge_key(edges[-1])] = f"# {targets[target]} of {total} cases at {source}" + (
                f"; after: {delay.comment}" if delay else ""
            )
        if len(names) < 2 or len(voices[source]) < 2:
            continue
        for value, pid in personas.items():
            own = by_persona.get((value, source))
            if not own or sum(own.values()) < min_n:
                continue
            n = sum(own.values())
            rest = [targets[t] - own[t] for t in names]
            chi2, df = homogeneity([own[t] for t in names], rest)
            if df == 0 or chi2 <= chi2_critical(df):
                continue  # the persona's split is within chance of everyone else's
            own_units = text.split([own[t] for t in names])
            for target, u in zip(names, own_units, strict=True):
                if pid in own_delays and (source, target) in delays:
                    after, said = _own_after(own_delays[pid], source, target)
                elif pid in own_delays:
                    delay = own_delays[pid].get((source, target))
                    after, said = _after(delay), (f"; after: {delay.comment}" if delay else "")
                else:
                    after, said = _after(delays.get((source, target))), ""
                edges.append(Edge(source, target, text.fraction(u), pid, after=after))
                line[edge_key(edges[-1])] = (
                    f"# {own[target]} of {n}; differs from the others "
                    f"(chi2 {chi2:.1f}, df {df}, p < 0.01)" + said
                )
    return _own_delays(tuple(edges), own_delays, line)


def _own_after(own: dict[tuple[str, str], Delay], source: str, target: str):
    """A pace class's delay on an edge and its comment: its own fit, or none (its gaps
    there average under a minute, or it has too few there and into the target to say:
    a class that runs straight through does not take the waiting cases' days)."""
    delay = own.get((source, target))
    if delay is None:
        return Distribution.constant(0.0), (
            "; after: none (under a minute on average, or too few of these cases here to say)"
        )
    return delay.distribution, f"; after: {delay.comment}"


def _own_delays(edges: tuple[Edge, ...], own_delays, line) -> tuple[Edge, ...]:
    """`edges` with a `for` line, at everyone's percentage and just below everyone's,
    wherever a persona's own delay differs from everyone's and the persona has no line
    of its own there."""
    out: list[Edge] = []
    written = {(e.persona, e.source, e.target) for e in edges if e.persona}
    for e in edges:
        out.append(e)
        if e.persona or e.after is None:
            continue
        for pid, own in own_delays.items():
            if (pid, e.source, e.target) in written:
                continue
            after, said = _own_after(own, e.source, e.target)
            if after == e.after:
                continue
            out.append(Edge(e.source, e.target, e.probability, pid, after=after))
            line[edge_key(out[-1])] = f"# everyone's share{said}"
    return tuple(out)


def _after(delay: Delay | None) -> Distribution | None:
    return delay.distribution if delay is not None else None
