"""Every rule of docs/language.md that makes a journey invalid, as diagnostics.

Checks are collected, never raised, so a user sees every problem of a file at once.
Unknown names suppress the graph checks (reachability, a way out) that would only
repeat them.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

import networkx as nx

from .. import graph as journey_graph
from ..model import (
    TERMINALS,
    Distribution,
    Edge,
    Event,
    Journey,
    Loyalty,
    Persona,
    Touchpoint,
)
from . import spelling
from .diagnostics import Reporter, Span, did_you_mean
from .facts import lookup, of_block

TOLERANCE = 1e-4  # 0.01 percentage points, as a fraction

_RATING = lookup("touchpoint", "expect")
assert _RATING is not None and _RATING.low is not None and _RATING.high is not None
RATING_MIN, RATING_MAX = _RATING.low, _RATING.high  # the 1..5 scale of ratings


def check_journey(journey: Journey, reporter: Reporter, *, structural: bool = True) -> None:
    """All checks of a journey; `structural=False` skips those a syntax error would fake."""
    names_ok = check_names(journey, reporter)
    check_journey_values(journey, reporter)
    for persona in journey.personas:
        check_persona(persona, reporter)
    for tp in journey.touchpoints:
        check_touchpoint(tp, reporter)
    check_loyalty(journey, reporter)
    check_scenario_delighters(journey, reporter)
    if not structural:
        return
    check_shares(journey.personas, reporter, journey.span)
    refs_ok = check_recoveries(journey, reporter)
    flow_ok = check_flow(journey, reporter)
    repeats_ok = check_repeat_starts(journey, reporter)
    if names_ok and refs_ok and flow_ok and repeats_ok:
        check_reachability(journey, reporter)
        if not reporter.failed:
            check_queue_load(journey, reporter)
            check_delays(journey, reporter)


# ---- names -------------------------------------------------------------------------
def check_names(journey: Journey, reporter: Reporter) -> bool:
    ok = True
    seen: dict[str, tuple[str, Span]] = {}
    elements: list[tuple[str, str, Span]] = (
        [("persona", p.id, p.span) for p in journey.personas]
        + [("stage", s.id, s.span) for s in journey.stages]
        + [("touchpoint", t.id, t.span) for t in journey.touchpoints]
        + [("scenario", s.id, s.span) for s in journey.scenarios]
    )
    for kind, name, span in sorted(elements, key=lambda e: (e[2].file != journey.file, e[2].line)):
        if name in seen:
            first_kind, first = seen[name]
            where = f"line {first.line}" + (f" of {first.file}" if first.file else "")
            reporter.error(
                span,
                f"'{name}' is already defined ({first_kind} on {where})",
                "personas, stages, touchpoints and scenarios share one namespace; rename one",
            )
            ok = False
        else:
            seen[name] = (kind, span)
    for tp in journey.touchpoints:
        if tp.id in TERMINALS:
            reporter.error(tp.span, f"a touchpoint cannot be named '{tp.id}'", "rename it")
            ok = False
        events: dict[str, Span] = {}
        for event in tp.events:
            if event.id in events:
                reporter.error(
                    event.span,
                    f"touchpoint '{tp.id}' already has an event named '{event.id}' "
                    f"(line {events[event.id].line})",
                )
                ok = False
            events[event.id] = event.span
    for scenario in journey.scenarios:
        if scenario.id == "baseline":
            reporter.error(scenario.span, "a scenario cannot be named 'baseline'", "rename it")
    if not journey.personas:
        reporter.error(journey.span, "the journey has no persona", "add persona ID { share 100% }")
    if not journey.touchpoints:
        reporter.error(
            journey.span, "the journey has no touchpoint", "add a stage with touchpoints"
        )
    return ok


# ---- values ----------------------------------------------------------------------------
def _span(spans: dict[str, Span], key: str, default: Span) -> Span:
    return spans.get(key + "@") or spans.get(key) or default


def _finite(x: float | None) -> bool:
    return x is None or math.isfinite(x)


def check_journey_values(journey: Journey, reporter: Reporter) -> None:
    spans = journey.spans
    if not journey.horizon > 0 and _finite(journey.horizon):
        reporter.error(_span(spans, "horizon", journey.span), "the horizon must be positive")
    customers = journey.customers
    if math.isfinite(customers) and (customers < 0 or customers != int(customers)):
        reporter.error(
            _span(spans, "customers", journey.span),
            f"customers must be a whole number ≥ 0, got {customers:g}",
        )
    for scenario in journey.scenarios:
        if math.isfinite(scenario.cost) and scenario.cost < 0:
            reporter.error(scenario.spans.get("cost", scenario.span), "a cost cannot be negative")


def _percent(value: float | None, span: Span, what: str, reporter: Reporter) -> None:
    if value is not None and math.isfinite(value) and not -TOLERANCE <= value <= 1 + TOLERANCE:
        reporter.error(span, f"{what} must be between 0% and 100%, got {value * 100:g}%")


def _positive(value: float | None, span: Span, what: str, reporter: Reporter) -> None:
    if value is not None and math.isfinite(value) and value <= 0:
        reporter.error(span, f"{what} must be positive")


def check_persona(persona: Persona, reporter: Reporter) -> None:
    spans = persona.spans
    _percent(persona.share, _span(spans, "share", persona.span), "share", reporter)
    _percent(
        persona.price_sensitivity,
        _span(spans, "price_sensitivity", persona.span),
        "price_sensitivity",
        reporter,
    )
    _positive(
        persona.visit_gap, _span(spans, "visits", persona.span), "the time between visits", reporter
    )
    _positive(persona.patience, _span(spans, "patience", persona.span), "patience", reporter)
    if persona.arrivals is not None and math.isfinite(persona.arrivals) and persona.arrivals < 0:
        reporter.error(_span(spans, "arrivals", persona.span), "arrivals cannot be negative")
    if math.isfinite(persona.spend) and persona.spend < 0:
        reporter.error(_span(spans, "spend", persona.span), "spend cannot be negative")
    bad_busy = False
    for shift in persona.busy:
        if math.isfinite(shift.value) and shift.value < 0:
            bad_busy = True
            reporter.error(
                shift.span,
                f"a busy density cannot be negative, got {shift.value:g}x",
                "write 0x for no arrivals in that window, 1x for an ordinary hour",
            )
        elif not math.isfinite(shift.value):
            bad_busy = True
    if persona.busy and not bad_busy and persona.arrival_profile() is None:
        reporter.error(
            persona.busy[0].span,
            f"persona '{persona.id}' is busy at no time of the week: every hour is 0x",
            "the busy lines say when arrivals come; leave some hour above 0x",
        )


def check_shares(personas: Iterable[Persona], reporter: Reporter, where: Span) -> None:
    personas = list(personas)
    missing = [p for p in personas if p.share is None]
    for p in missing:
        reporter.error(p.span, f"persona '{p.id}' has no share", "add e.g. share 50%")
    shares = [p.share for p in personas if p.share is not None]
    if not shares or missing or not all(math.isfinite(s) for s in shares):
        return
    total = sum(shares)
    if abs(total - 1.0) > TOLERANCE:
        first = next(p for p in personas if p.share is not None)
        reporter.error(
            _span(first.spans, "share", first.span),
            f"persona shares add up to {total * 100:g}%, not 100%",
            "; ".join(f"{p.id} {p.share * 100:g}%" for p in personas if p.share is not None),
        )


def check_distribution(
    dist: Distribution | None,
    span: Span,
    what: str,
    reporter: Reporter,
    *,
    rating: bool,
    zero: bool = False,
) -> None:
    """`zero`: a time that may be nothing (a delay, `after 0 min`), never negative.

    A distribution with ranges of belief in its parameters must be valid at every corner
    of them (`uniform(1 h .. 3 h, 2 h)` is not: its low end can pass its high end), since
    each replication may draw any of them; the first corner that is not is reported."""
    if dist is None or not all(math.isfinite(p) for p in dist.params):
        return
    if dist.ranges:
        ends = [
            (b.low, b.high) if b else (p,) for p, b in zip(dist.params, dist.ranges, strict=True)
        ]
        for corner in itertools.product(*ends):
            errors = reporter.error_count
            known = dist.at(dict(enumerate(corner)))
            probe = Reporter(reporter.file)
            check_distribution(known, span, what, probe, rating=rating, zero=zero)
            for d in probe.diagnostics:  # said of the corner the draws can reach
                written = spelling.distribution(known, time=not rating)
                hint = (
                    f"each replication may draw any value of its ranges, {written} among "
                    "them; narrow the ranges so that every draw is a valid distribution"
                )
                reporter.error(span, d.message, hint)
            if reporter.error_count > errors:
                return
        return
    p = dist.params
    kind = dist.kind
    if zero and not rating:
        _check_shape(dist, span, what, reporter)
        if kind == "constant" and p[0] < 0:
            reporter.error(span, f"{what} cannot be a negative time, got {p[0]:g} min")
        elif math.isfinite(dist.mean) and dist.mean < 0:
            reporter.error(
                span, f"{what} cannot be a negative time (its mean is {dist.mean:g} min)"
            )
        return
    if kind == "constant":
        if rating and not RATING_MIN <= p[0] <= RATING_MAX:
            reporter.error(span, f"{what} must be between 1 and 5, got {p[0]:g}")
        elif not rating and p[0] <= 0:
            reporter.error(span, f"{what} must be a positive duration")
    else:
        _check_shape(dist, span, what, reporter)
    if not rating and kind != "constant" and not dist.mean > 0:
        # uniform(0 s, 0 s), triangular(0 s, 0 s, 0 s), or a scenario's `*= 0`: no time,
        # as `service 0 s` is
        reporter.error(span, f"{what} must be a positive duration (its mean is {dist.mean:g})")
    elif not rating and kind == "constant" and p[0] > 0 and not dist.mean > 0:
        reporter.error(span, f"{what} must be a positive duration")


def _check_shape(
    dist: Distribution, span: Span, what: str, reporter: Reporter, hint: str = ""
) -> None:
    """The parameters of a time distribution other than a constant: order and signs."""
    p = dist.params
    kind = dist.kind
    shown = [spelling.duration(x, together=p) for x in p]
    if kind == "normal" and p[1] < 0:
        reporter.error(span, f"the standard deviation of {what} cannot be negative", hint)
    elif kind == "uniform" and p[0] > p[1]:
        reporter.error(span, f"uniform({shown[0]}, {shown[1]}): low is above high", hint)
    elif kind == "triangular" and not p[0] <= p[1] <= p[2]:
        reporter.error(span, f"triangular({', '.join(shown)}) needs low ≤ mode ≤ high", hint)
    elif kind in ("exp", "lognormal") and p[0] <= 0:
        reporter.error(span, f"{kind}() needs a positive mean", hint)
    elif kind == "lognormal" and p[1] < 0:
        reporter.error(span, "lognormal() needs a standard deviation ≥ 0", hint)
    elif kind == "lognormal" and not _lognormal_fits(p[0], p[1]):
        reporter.error(
            span,
            f"lognormal({p[0]:g}, {p[1]:g}): the standard deviation is too large for the mean",
            "a standard deviation above a million times the mean describes no real time",
        )


def _lognormal_fits(mean: float, sd: float) -> bool:
    """The parameters the engine derives, (mu, sigma), are finite numbers."""
    try:
        sigma2 = math.log(1 + (sd / mean) ** 2)
    except (OverflowError, ZeroDivisionError):
        return False
    return sd <= mean * 1e6 and math.isfinite(sigma2)


def check_touchpoint(tp: Touchpoint, reporter: Reporter) -> None:
    spans = tp.spans
    if math.isfinite(tp.expect) and not RATING_MIN <= tp.expect <= RATING_MAX:
        reporter.error(
            _span(spans, "expect", tp.span), f"expect must be between 1 and 5, got {tp.expect:g}"
        )
    check_distribution(
        tp.delivers, _span(spans, "delivers", tp.span), "delivers", reporter, rating=True
    )
    check_distribution(
        tp.service, _span(spans, "service", tp.span), "service", reporter, rating=False
    )
    for name in ("after", "takes"):
        check_distribution(
            getattr(tp, name), _span(spans, name, tp.span), name, reporter, rating=False, zero=True
        )
    capacity = tp.capacity
    staffed = True
    for shift in tp.shifts:
        value = shift.value
        if math.isfinite(value) and shift.op == "=" and (value < 0 or value % 1):
            reporter.error(
                shift.span,
                f"capacity in a window must be a whole number ≥ 0, got {value:g}",
                "write 0 for no servers in that window",
            )
            staffed = False
        elif not math.isfinite(value):
            staffed = False
    if tp.shifts and capacity is None:
        reporter.error(
            tp.shifts[0].span,
            f"touchpoint '{tp.id}' has capacity in a window but no base capacity",
            "add a line 'capacity N' for the servers outside the windows (capacity 0 for none)",
        )
    elif capacity is not None and math.isfinite(capacity) and capacity == 0 and tp.shifts:
        if staffed and max(tp.staffing()) <= 0:
            reporter.error(
                _span(spans, "capacity", tp.span),
                f"touchpoint '{tp.id}' has no servers at any time of the week, so nobody "
                "is ever served",
                "give a window some servers, e.g. capacity 2 mon-fri 9:00-17:00",
            )
    elif capacity is not None and math.isfinite(capacity) and tp.shifts and staffed:
        lowest = min(tp.staffing())
        if lowest < 0:
            from ..queueing import slot_name

            reporter.error(
                _span(spans, "capacity", tp.span),
                f"touchpoint '{tp.id}' has {lowest:g} servers at "
                f"{slot_name(tp.staffing().index(lowest))}; a capacity cannot fall below 0",
            )
    if (
        capacity is not None
        and math.isfinite(capacity)
        and not (capacity == 0 and tp.shifts)
        and (capacity < 1 or capacity % 1)
    ):
        reporter.error(
            _span(spans, "capacity", tp.span),
            f"capacity must be a whole number ≥ 1, got {capacity:g}"
            + (" (0 is allowed when a window gives servers)" if capacity == 0 else ""),
        )
    if tp.capacity is not None and tp.service is None:
        reporter.error(
            spans.get("capacity", tp.span),
            f"touchpoint '{tp.id}' has a capacity but no service time",
            "add e.g. service exp(2 min)",
        )
    if tp.service is not None and tp.capacity is None:
        reporter.error(
            spans.get("service", tp.span),
            f"touchpoint '{tp.id}' has a service time but no capacity",
            "add e.g. capacity 1",
        )
    _positive(tp.max_wait, _span(spans, "max_wait", tp.span), "max_wait", reporter)
    if (
        tp.moment_of_truth is not None
        and math.isfinite(tp.moment_of_truth)
        and tp.moment_of_truth <= 0
    ):
        reporter.error(
            _span(spans, "moment_of_truth", tp.span), "a moment_of_truth weight must be positive"
        )
    for event in tp.events:
        _percent(event.chance, event.span, "chance", reporter)
        if not math.isfinite(event.impact):
            continue
        if event.kind == "delighter" and event.impact <= 0:
            reporter.error(
                event.span,
                f"delighter '{event.id}' needs a positive impact",
                "write e.g. impact +1",
            )
        if event.kind == "disappointer" and event.impact >= 0:
            reporter.error(
                event.span,
                f"disappointer '{event.id}' needs a negative impact",
                "write e.g. impact -1",
            )
    for recovery in tp.recovers:
        _percent(recovery.chance, recovery.span, "chance", reporter)
    for event in tp.events:
        check_delighter_chance(event, event.span, reporter)


#: A delighter is a surprise (Kano's attractive quality, docs/model.md): above this
#: chance most customers get it, so the typical customer expects it.
MOST_CUSTOMERS = 0.5


def check_delighter_chance(event: Event, span: Span, reporter: Reporter, where: str = "") -> None:
    """Warn on a delighter that most customers get: by the model's own definition it is
    an expectation, and counting it as a surprise inflates every effect built on it."""
    if event.kind != "delighter" or not _finite(event.chance) or event.chance <= MOST_CUSTOMERS:
        return
    share = "every customer" if event.chance >= 1 else "most customers"
    reporter.warning(
        span,
        f"{where}delighter '{event.id}' happens to {share} (chance {event.chance * 100:g}%): "
        "a delight most customers get is what they expect, not a surprise",
        "raise the touchpoint's delivers (and expect) for what everyone gets, and keep the "
        "delighter for the share who are surprised (at most 50%)",
    )


def check_scenario_delighters(journey: Journey, reporter: Reporter) -> None:
    """The same warning for a scenario that adds a delighter, or sets a delighter's chance,
    above 50%: the effect a scenario promises is only as sound as its inputs."""
    delighters = {
        (tp.id, e.id) for tp in journey.touchpoints for e in tp.events if e.kind == "delighter"
    }
    for scenario in journey.scenarios:
        where = f"scenario '{scenario.id}': "
        for change in scenario.changes:
            if change.kind == "add" and change.event is not None:
                check_delighter_chance(change.event, change.span, reporter, where)
            elif (
                change.kind == "set"
                and len(change.path) == 3
                and change.path[2] == "chance"
                and change.op == "="
                and (change.path[0], change.path[1]) in delighters
                and change.value is not None
                and change.value.kind == "percent"
                and change.value.number is not None
            ):
                chance = float(change.value.number)
                event = Event(change.path[1], change.path[1], "delighter", chance, 1.0)
                check_delighter_chance(event, change.span, reporter, where)


def check_loyalty(journey: Journey, reporter: Reporter) -> None:
    """The keys' values; a key written as a range of belief at both of its ends."""
    spans = journey.loyalty_spans
    said: set[tuple[str, str]] = set()

    def bad(key: str, message: str) -> None:
        if (key, message) not in said:
            said.add((key, message))
            reporter.error(spans.get(key, journey.span), message)

    ranges = journey.loyalty.ranges
    for end in ("low", "high") if ranges else ("middle",):
        lo = journey.loyalty
        if ranges:
            lo = replace(lo, **{k: getattr(b, end) for k, b in ranges}, ranges=())
        _check_loyalty_values(lo, bad)


def _check_loyalty_values(lo: Loyalty, bad: Callable[[str, str], None]) -> None:

    for fact in of_block("loyalty"):
        value = getattr(lo, fact.name)
        if not isinstance(value, float) or not math.isfinite(value) or fact.low is None:
            continue
        if fact.kind == "percent" and not fact.low <= value <= fact.high + TOLERANCE:
            bad(fact.name, f"{fact.name} must be between 0% and 100%")
        elif fact.kind == "number" and fact.high is None and value < fact.low:
            bad(fact.name, f"{fact.name} cannot be negative")
    if math.isfinite(lo.negativity) and lo.negativity <= 0:
        bad("negativity", "negativity (loss aversion) must be positive")
    if math.isfinite(lo.curvature) and not 0 < lo.curvature <= 1:
        bad("curvature", "curvature must be in (0, 1]")
    if lo.retention_floor > lo.retention_cap:
        bad("retention_floor", "retention_floor must not exceed retention_cap")
    if not 0 <= lo.retention_midpoint <= 10:
        bad("retention_midpoint", "retention_midpoint is on the 0–10 scale")


# ---- references ------------------------------------------------------------------------
def check_recoveries(journey: Journey, reporter: Reporter) -> bool:
    ok = True
    disappointers: dict[str, list[str]] = defaultdict(list)
    all_events: dict[str, list[str]] = defaultdict(list)
    for tp in journey.touchpoints:
        for event in tp.events:
            all_events[event.id].append(tp.id)
            if event.kind == "disappointer":
                disappointers[event.id].append(tp.id)
    for tp in journey.touchpoints:
        for recovery in tp.recovers:
            for target, span in zip(recovery.targets, recovery.target_spans, strict=True):
                if resolve_recovery(journey, target) is not None:
                    continue
                ok = False
                reporter.error(span, *_recovery_problem(journey, target, disappointers, all_events))
    return ok


def resolve_recovery(journey: Journey, target: tuple[str, ...]) -> tuple[str, str] | None:
    """`E` or `T.E` → (touchpoint, disappointer), when it names exactly one disappointer."""
    if len(target) == 2:
        tp = journey.touchpoint(target[0])
        event = tp.event(target[1]) if tp else None
        return (tp.id, event.id) if tp and event and event.kind == "disappointer" else None
    matches = [
        (tp.id, e.id)
        for tp in journey.touchpoints
        for e in tp.events
        if e.id == target[0] and e.kind == "disappointer"
    ]
    return matches[0] if len(matches) == 1 else None


def _recovery_problem(journey, target, disappointers, all_events) -> tuple[str, str]:
    shown = ".".join(target)
    if len(target) == 2:
        tp = journey.touchpoint(target[0])
        if tp is None:
            hint = did_you_mean(target[0], [t.id for t in journey.touchpoints])
            return (f"recovers names an unknown touchpoint '{target[0]}'", hint)
        event = tp.event(target[1])
        if event is None:
            return (
                f"touchpoint '{tp.id}' has no disappointer '{target[1]}'",
                did_you_mean(target[1], [e.id for e in tp.events if e.kind == "disappointer"]),
            )
        return (f"'{shown}' is a delighter; recovers names a disappointer", "")
    name = target[0]
    if len(disappointers.get(name, [])) > 1:
        places = ", ".join(f"{t}.{name}" for t in disappointers[name])
        return (f"'{name}' names several disappointers", f"write one of: {places}")
    if name in all_events:
        return (f"'{name}' is a delighter; recovers names a disappointer", "")
    return (f"recovers names no disappointer '{name}'", did_you_mean(name, disappointers))


def check_repeat_starts(journey: Journey, reporter: Reporter) -> bool:
    """`visits every G from X`: X names a touchpoint."""
    ok = True
    ids = [t.id for t in journey.touchpoints]
    for persona in journey.personas:
        target = persona.repeat_from
        if target is None or target in ids:
            continue
        ok = False
        span = _span(persona.spans, "from", persona.span)
        if target == "start":
            reporter.error(
                span,
                "repeat journeys start at a touchpoint, not at 'start'",
                "leave out 'from start': without it, repeat journeys start where the flow starts",
            )
        elif target in ("end", "exit"):
            reporter.error(span, f"repeat journeys cannot start at '{target}'", "name a touchpoint")
        else:
            reporter.error(
                span,
                f"unknown touchpoint '{target}' after 'from'",
                did_you_mean(target, ids) or "name the touchpoint where repeat journeys start",
            )
    return ok


# ---- flow ----------------------------------------------------------------------------
def check_flow(journey: Journey, reporter: Reporter) -> bool:
    """Names, duplicates and probabilities of the flow's edges."""
    if journey.flow is None:
        return True
    for edge in journey.flow:
        check_distribution(edge.after, edge.span, "after", reporter, rating=False, zero=True)
    ok = True
    tp_ids = {t.id for t in journey.touchpoints}
    persona_ids = {p.id for p in journey.personas}
    nodes = tp_ids | {"start", "end", "exit"}
    seen: dict[tuple[str, str, str | None], Span] = {}
    for edge in journey.flow:
        for name, span in ((edge.source, edge.source_span), (edge.target, edge.target_span)):
            if name not in nodes:
                ok = False
                reporter.error(span, f"unknown touchpoint '{name}'", did_you_mean(name, nodes))
        if edge.source in ("end", "exit"):
            reporter.error(edge.source_span, f"no edge may leave '{edge.source}'")
            ok = False
        if edge.target == "start":
            reporter.error(edge.target_span, "no edge may enter 'start'")
            ok = False
        if edge.persona is not None:
            if edge.persona not in persona_ids:
                ok = False
                reporter.error(
                    edge.span,
                    f"unknown persona '{edge.persona}'",
                    did_you_mean(edge.persona, persona_ids),
                )
            if edge.probability is None:
                reporter.error(
                    edge.span, f"'for {edge.persona}' needs a percentage", "write e.g. 55% for P"
                )
        key = (edge.source, edge.target, edge.persona)
        if key in seen:
            reporter.error(
                edge.span, f"duplicate edge {edge.source} -> {edge.target} (line {seen[key].line})"
            )
        else:
            seen[key] = edge.span
        if edge.probability is not None and math.isfinite(edge.probability):
            _percent(edge.probability, edge.span, "a flow probability", reporter)
    plain = {(e.source, e.target) for e in journey.flow if e.persona is None}
    for edge in journey.flow:
        if edge.persona is not None and (edge.source, edge.target) not in plain:
            reporter.error(
                edge.span,
                f"{edge.source} -> {edge.target} has a probability for {edge.persona} "
                "but no edge for everyone",
                f"add a line '{edge.source} -> {edge.target}'",
            )
    by_source: dict[str, list] = defaultdict(list)
    for edge in journey.flow:
        if edge.persona is None:
            by_source[edge.source].append(edge)
    for source, edges in by_source.items():
        listed = [e.probability for e in edges if e.probability is not None]
        if not all(math.isfinite(p) for p in listed):
            continue
        total = sum(listed)
        unlabelled = [e for e in edges if e.probability is None]
        if any(e.probability_range is not None for e in edges):
            _check_ranged_shares(source, edges, unlabelled, reporter)
        elif total > 1 + TOLERANCE:
            reporter.error(
                edges[0].span, f"edges leaving '{source}' add up to {total * 100:g}%, over 100%"
            )
        elif total < 1 - TOLERANCE and not unlabelled:
            reporter.error(
                edges[0].span,
                f"edges leaving '{source}' add up to {total * 100:g}%; the other "
                f"{(1 - total) * 100:g}% have nowhere to go",
                f"add an edge without a percentage, e.g. '{source} -> exit'",
            )
        elif unlabelled and total > 1 - TOLERANCE:
            for e in unlabelled:
                reporter.error(e.span, f"{e.source} -> {e.target} is left with 0%")
    own: dict[tuple[str, str], list] = defaultdict(list)
    for edge in journey.flow:
        if edge.persona is not None and edge.probability is not None:
            own[(edge.persona, edge.source)].append(edge)
    for (persona, source), edges in own.items():
        total = sum(_high(e) for e in edges if math.isfinite(e.probability))
        if total > 1 + TOLERANCE:
            reporter.error(
                edges[0].span,
                f"{persona}'s own edges leaving '{source}' add up to {total * 100:g}%",
            )
            continue
        others = [e for e in by_source.get(source, []) if e.target not in {x.target for x in edges}]
        if total < 1 - TOLERANCE and not others:
            reporter.error(
                edges[0].span,
                f"{persona}'s own edges leaving '{source}' add up to {total * 100:g}% "
                "and no other edge takes the rest",
            )
    return ok


def _high(edge: Edge) -> float:
    """An edge's percentage at the high end of its range of belief (or as written)."""
    assert edge.probability is not None
    return edge.probability if edge.probability_range is None else edge.probability_range.high


def _check_ranged_shares(
    source: str, edges: list[Edge], unlabelled: list[Edge], reporter: Reporter
) -> None:
    """Edges with a range of belief (`bill -> support 20% .. 40%`) need an edge without a
    percentage to take what is left in every draw, and room for their high ends."""
    ranged = [e for e in edges if e.probability_range is not None]
    if not ranged:
        return
    for e in ranged:
        if e.probability_range.low < -TOLERANCE:  # a scenario moved it below nothing
            reporter.error(e.span, f"the share of {e.source} -> {e.target} falls below 0%")
            return
    if not unlabelled:
        reporter.error(
            ranged[0].span,
            f"the share of {ranged[0].source} -> {ranged[0].target} is a range, and no edge "
            f"leaving '{source}' takes what is left",
            f"add an edge without a percentage, e.g. '{source} -> exit', or write the share "
            "as one number",
        )
        return
    highs = sum(_high(e) for e in edges if e.probability is not None)
    if highs > 1 - TOLERANCE:
        reporter.error(
            ranged[0].span,
            f"at the high ends of their ranges, edges leaving '{source}' add up to "
            f"{highs * 100:g}%, leaving nothing for "
            + ", ".join(f"{e.source} -> {e.target}" for e in unlabelled),
            "narrow the ranges so their high ends leave room",
        )


def check_reachability(journey: Journey, reporter: Reporter) -> None:
    """Every touchpoint reachable from the start and able to reach `end` or `exit`."""
    g = nx.DiGraph()
    g.add_nodes_from(["start", "end", "exit", *(t.id for t in journey.touchpoints)])
    listed = list(journey.edges)
    if not any(e.source == "start" for e in listed):
        listed = journey_graph.start_node_edges(journey) + listed
    g.add_edges_from((e.source, e.target) for e in listed)
    reachable = nx.descendants(g, "start")
    for persona in journey.personas:  # repeat journeys enter the flow where they start
        if persona.repeat_from is not None and persona.repeat_from in g:
            reachable |= {persona.repeat_from} | nx.descendants(g, persona.repeat_from)
    finishing = nx.ancestors(g, "end") | nx.ancestors(g, "exit")
    stuck = False
    for tp in journey.touchpoints:
        if tp.id not in reachable:
            stuck = True
            reporter.error(
                tp.span,
                f"touchpoint '{tp.id}' cannot be reached from the start",
                f"add an edge into it, e.g. 'X -> {tp.id}'",
            )
        elif tp.id not in finishing:
            stuck = True
            reporter.error(
                tp.span,
                f"touchpoint '{tp.id}' has no way to 'end' or 'exit'",
                f"add an edge such as '{tp.id} -> end'",
            )
    if not stuck:
        check_routes(journey, reporter)


def check_routes(journey: Journey, reporter: Reporter) -> None:
    """Every customer can finish: with the chances each persona's customers take, a path
    of edges above 0% leads from every touchpoint they reach to `end` or `exit`.

    An edge can exist and still carry nothing (`b -> end 0%`, or a persona's own
    `b -> a 100% for p`); a customer caught in such a loop would never finish.
    """
    table = journey_graph.routing(journey)
    for persona in [p.id for p in journey.personas] or [None]:
        g = nx.DiGraph()
        g.add_nodes_from(["start", "end", "exit"])
        for source, split in table.get(persona, table[None]).items():
            g.add_edges_from((source, t) for t, p in split.items() if p > 0)
        reachable = nx.descendants(g, "start")
        repeat = journey.persona(persona).repeat_from if persona else None  # type: ignore[union-attr]
        if repeat is not None:
            g.add_node(repeat)
            reachable |= {repeat} | nx.descendants(g, repeat)
        finishing = nx.ancestors(g, "end") | nx.ancestors(g, "exit")
        caught = [t for t in journey.touchpoints if t.id in reachable and t.id not in finishing]
        if not caught:
            continue
        names = {t.id for t in caught}
        who = f"persona '{persona}'" if persona else "a customer"
        own = [e for e in journey.edges if e.persona == persona and e.source in names]
        zero = [e for e in journey.edges if e.source in names and e.probability == 0]
        span = (own or zero or [None])[0]
        reporter.error(
            span.span if span is not None else caught[0].span,
            f"{who} can never finish: from '{caught[0].id}' no edge above 0% leads on "
            "to 'end' or 'exit'",
            "give an edge out of the loop a percentage above 0%"
            + (f" for {persona}" if persona else ""),
        )


def check_queue_load(journey: Journey, reporter: Reporter) -> None:
    """Warn where a queue cannot keep up: offered load at or above its capacity."""
    from ..queueing import queue_loads

    for load in queue_loads(journey):
        if load.offered < 1.0:
            continue
        tp = journey.touchpoint(load.touchpoint)
        assert tp is not None
        if load.hour:
            reporter.warning(
                _span(tp.spans, "capacity", tp.span),
                f"the queue at '{tp.id}' cannot keep up: offered load {load.offered:.2f} "
                f"at {load.hour}, its busiest quarter hour "
                f"({load.journeys_per_minute * 60:,.1f} journeys an hour then, at most × "
                f"{load.visits_per_journey:.2f} visits × "
                f"{load.service_mean:.2f} min service / {load.capacity:g} servers)",
                "customers will wait longer and longer at that time, and walk out past their "
                "patience; add capacity in that window (capacity N DAYS HOURS) or shorten "
                "the service",
            )
            continue
        reporter.warning(
            _span(tp.spans, "capacity", tp.span),
            f"the queue at '{tp.id}' cannot keep up: offered load {load.offered:.2f} "
            f"of its capacity ({load.journeys_per_minute * 60:,.1f} journeys an hour at "
            f"most × {load.visits_per_journey:.2f} visits × "
            f"{load.service_mean:.2f} min service / {load.capacity:g} servers)",
            "customers will wait longer and longer, and walk out past their patience; "
            "add capacity or shorten the service",
        )


def check_delays(journey: Journey, reporter: Reporter) -> None:
    """Warn where the delay before a visit alone passes `max_wait`.

    `max_wait` judges the whole wait before a visit, delay included (docs/model.md), so
    a delay longer than it makes most visits late whatever the queue does: usually
    `max_wait` was written for the queue alone. A touchpoint without `max_wait` has no
    default: its waits never disappoint, and nothing is said.
    """
    for tp in journey.touchpoints:
        limit = tp.max_wait
        if limit is None or not math.isfinite(limit) or limit <= 0:
            continue
        own = _mean_delay(tp.after)
        edge, on_edge = _longest_way_in(journey, tp.id)
        delay = own + on_edge
        if not delay > limit:
            continue
        span = tp.spans.get("after", tp.span)
        if edge is not None and (own == 0 or own <= limit < on_edge):
            span = edge.span  # the edge's delay is what passes max_wait
        reporter.warning(
            span,
            f"the delay before '{tp.id}'{_way(edge, on_edge)} ({_spelled(delay)} on average) "
            f"is longer than its max_wait ({_spelled(limit)}): most visits will count as late",
            "max_wait is the wait customers accept, delay included; raise it to what you promise",
        )


def _mean_delay(delay: Distribution | None) -> float:
    """A delay's mean in minutes; none, or one a check already refuses, counts as 0."""
    if delay is None or not math.isfinite(delay.mean):
        return 0.0
    return max(delay.mean, 0.0)


def _longest_way_in(journey: Journey, target: str) -> tuple[Edge | None, float]:
    """The edge into `target` with the longest mean delay on the way, and that delay."""
    delays = [(e, _mean_delay(e.after)) for e in journey.edges if e.target == target]
    return max(delays, key=lambda pair: pair[1], default=(None, 0.0))


def _way(edge: Edge | None, on_edge: float) -> str:
    """` on the way from 'bill' (for classic)` when an edge's delay is part of the wait."""
    if edge is None or on_edge <= 0:
        return ""
    who = f" for {edge.persona}" if edge.persona else ""
    return f" on the way from '{edge.source}'{who}"


def _spelled(minutes: float) -> str:
    """A mean delay: as a file writes it when whole ("1 day"), else about ("3.0 days")."""
    from .spelling import approximate

    return approximate(minutes)
