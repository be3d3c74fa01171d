"""Apply a scenario to a journey: model → new model, pure.

A scenario never changes the baseline; the simulator runs each scenario's journey
against the same customers (common random numbers) and reports the difference.
"""

from __future__ import annotations

import math
from dataclasses import replace

from .. import graph as journey_graph
from ..model import (
    Belief,
    Change,
    Distribution,
    Edge,
    Journey,
    Persona,
    Scenario,
    Shift,
    Touchpoint,
    Window,
)
from .checks import check_journey, resolve_recovery
from .diagnostics import Reporter, did_you_mean
from .facts import lookup, names


def _changeable(block: str) -> tuple[str, ...]:
    return tuple(name for name in names(block) if lookup(block, name).changeable)  # type: ignore[union-attr]


TOUCHPOINT_ATTRIBUTES = _changeable("touchpoint")
EVENT_ATTRIBUTES = _changeable("event")


class ScenarioError(Exception):
    """A change that names nothing or cannot apply; carries the change for its position."""

    def __init__(self, change: Change, message: str, hint: str = "", part: int = 0) -> None:
        super().__init__(message)
        self.change = change
        self.hint = hint
        self.part = part


def apply(journey: Journey, scenario: Scenario) -> Journey:
    """The journey with every change of the scenario applied, in order."""
    result = journey
    for change in scenario.changes:
        result = apply_change(result, change)
    return _remembered(journey, result, scenario)


def _remembered(before: Journey, after: Journey, scenario: Scenario) -> Journey:
    """The scenario's journey, remembering the baseline it came from and the scenarios
    applied to it (`sim/beliefs.realised` applies them again to each replication's draw)."""
    origin = before.origin if before.origin is not None else replace(before, scenarios=())
    return replace(after, scenarios=(), origin=origin, applied=(*before.applied, scenario))


def apply_checked_paths(journey: Journey, scenario: Scenario, reporter: Reporter) -> Journey | None:
    """Apply, reporting every change whose path names nothing or cannot apply."""
    current = journey
    ok = True
    for change in scenario.changes:
        try:
            current = apply_change(current, change)
        except ScenarioError as err:
            ok = False
            spans = err.change.path_spans
            span = spans[err.part] if err.part < len(spans) else err.change.span
            reporter.error(span, f"scenario '{scenario.id}': {err}", err.hint)
    return _remembered(journey, current, scenario) if ok else None


def apply_checked(
    journey: Journey, scenario: Scenario, reporter: Reporter, known: set[str] | None = None
) -> Journey | None:
    """Apply, reporting bad paths at the change and an invalid result at the scenario.

    `known`: messages the baseline already has (they are not the scenario's fault).
    """
    result = apply_checked_paths(journey, scenario, reporter)
    if result is None:
        return None
    ok = True
    if known is None:
        baseline = Reporter(journey.file)
        check_journey(replace(journey, scenarios=()), baseline)
        known = {d.message for d in baseline.diagnostics}
    after = Reporter(journey.file)
    check_journey(result, after)
    for d in after.diagnostics:
        if d.message not in known and d.severity == "error":
            reporter.error(
                scenario.span,
                f"scenario '{scenario.id}' leaves an invalid journey: {d.message}",
                f"the problem is at line {d.line}",
            )
            ok = False
    return result if ok else None


def apply_change(journey: Journey, change: Change) -> Journey:
    if change.kind == "flow":
        return _set_flow(journey, change)
    path = change.path
    tp = journey.touchpoint(path[0])
    persona = journey.persona(path[0])
    if tp is None and persona is None:
        names = [t.id for t in journey.touchpoints] + [p.id for p in journey.personas]
        raise ScenarioError(
            change, f"unknown touchpoint or persona '{path[0]}'", did_you_mean(path[0], names)
        )
    if change.kind in ("add", "remove"):
        if tp is None or len(path) != 2:
            raise ScenarioError(change, f"'{'.'.join(path)}' does not name a touchpoint's event")
        new_tp = _add_event(tp, change) if change.kind == "add" else _remove_event(tp, change)
        journey = _replace_touchpoint(journey, new_tp)
        if change.kind == "remove":
            journey = _drop_recoveries(journey, tp.id, path[1])
        return journey
    if change.window is not None and not (
        tp is not None and len(path) == 2 and path[1] == "capacity"
    ):
        raise ScenarioError(
            change,
            f"only a capacity takes a window, not '{'.'.join(path)}'",
            "remove the window, or change a touchpoint's capacity: "
            "T.capacity += 2 mon-fri 9:00-12:00",
            part=len(path) - 1,
        )
    if persona is not None:
        return _set_persona(journey, persona, change)
    assert tp is not None
    if len(path) == 3:
        return _replace_touchpoint(journey, _set_event(tp, change))
    if len(path) != 2 or path[1] not in TOUCHPOINT_ATTRIBUTES:
        raise ScenarioError(
            change,
            f"touchpoint '{tp.id}' has no attribute or event '{path[1]}'",
            did_you_mean(path[1], [*TOUCHPOINT_ATTRIBUTES, *(e.id for e in tp.events)]),
            part=1,
        )
    return _replace_touchpoint(journey, _set_touchpoint(tp, change))


def _combine(old: float, change: Change) -> float:
    value = change.value.number if change.value else math.nan
    op = change.op
    if op == "=":
        return value
    if op == "+=":
        return old + value
    if op == "-=":
        return old - value
    return old * value


def _combine_distribution(old: Distribution, change: Change) -> Distribution:
    value = change.value
    assert value is not None
    if change.op == "=":
        return value.distribution or Distribution.constant(value.number)
    if change.op == "*=":
        return old.scaled(value.number)
    if value.distribution is not None and not value.distribution.is_constant:
        raise ScenarioError(change, f"'{change.op}' takes a constant, not a distribution")
    delta = value.distribution.mean if value.distribution else value.number
    return old.shifted(delta if change.op == "+=" else -delta)


def _set_touchpoint(tp: Touchpoint, change: Change) -> Touchpoint:
    attr = change.path[1]
    if attr == "delivers":
        delivers = _combine_distribution(tp.performance, change)
        return replace(tp, delivers=delivers, **_moved(tp, "delivers", change, "touchpoint"))
    if attr == "capacity" and (change.window is not None or tp.shifts):
        return _shift_capacity(tp, change)
    if attr in ("after", "takes"):
        old = getattr(tp, attr)
        if old is None and change.op == "*=":
            raise ScenarioError(
                change,
                f"touchpoint '{tp.id}' has no {attr} time to scale",
                f"set one instead, e.g. {tp.id}.{attr} = 2 days",
                part=1,
            )
        new = _combine_distribution(old or Distribution.constant(0), change)
        return replace(tp, **{attr: new}, **_moved(tp, attr, change, "touchpoint"))
    if attr == "service":
        if tp.service is None and change.op != "=":
            raise ScenarioError(
                change, f"touchpoint '{tp.id}' has no service time to change", part=1
            )
        return replace(
            tp,
            service=_combine_distribution(tp.service or Distribution.constant(0), change),
            **_moved(tp, "service", change, "touchpoint"),
        )
    old = tp.weight if attr == "moment_of_truth" else getattr(tp, attr)  # not one: weight 1
    if old is None and change.op != "=":
        raise ScenarioError(change, f"touchpoint '{tp.id}' has no {attr} to change", part=1)
    combined = _combine(old if old is not None else 0.0, change)
    return replace(tp, **{attr: combined}, **_moved(tp, attr, change, "touchpoint"))


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low:g} .. {high:g}"
    return f"at least {low:g}" if low is not None else f"at most {high:g}"


def _moved(element: object, name: str, change: Change, block: str) -> dict[str, Belief | None]:
    """The range of belief of `element.name` after the change: moved with the value by
    `+=`, `-=`, `*=`; gone with `=` (the value is then known). Empty without a range.
    A range moved past the values the attribute takes is an error, as its middle would be."""
    belief = getattr(element, f"{name}_range", None)
    if belief is None or change.value is None:
        return {}
    value = change.value
    number = value.distribution.mean if value.distribution is not None else value.number
    moved = belief.moved(change.op, number)
    attribute = lookup(block, name)
    if moved is not None and attribute is not None:
        below = attribute.low is not None and moved.low < attribute.low
        above = attribute.high is not None and moved.high > attribute.high
        if below or above:
            percent = attribute.kind == "percent"

            def shown(x: float) -> str:
                return f"{x * 100:g}%" if percent else f"{x:g}"

            bounds = (
                f"{shown(attribute.low or 0)} .. {shown(attribute.high or 1)}"
                if percent
                else _bounds(attribute.low, attribute.high)
            )
            raise ScenarioError(
                change,
                f"this change moves the range of '{name}' to {shown(moved.low)} .. "
                f"{shown(moved.high)}, outside {bounds}",
                f"change it by less, or set it known: {'.'.join(change.path)} = ...",
            )
    return {f"{name}_range": moved}


def _shift_capacity(tp: Touchpoint, change: Change) -> Touchpoint:
    """A change in a window adds a line to the touchpoint's schedule of servers; so does one
    without a window when the file has such lines (it then applies all week, after them)."""
    if tp.capacity is None:
        raise ScenarioError(
            change,
            f"touchpoint '{tp.id}' has no capacity to change in a window",
            f"give it a capacity first, e.g. {tp.id}.capacity = 1",
            part=1,
        )
    value = change.value.number if change.value else math.nan
    shift = Shift(change.window or Window(), value, change.op, change.span)
    return replace(tp, shifts=(*tp.shifts, shift))


def _set_event(tp: Touchpoint, change: Change) -> Touchpoint:
    _, event_id, attr = change.path
    event = tp.event(event_id)
    if event is None:
        raise ScenarioError(
            change,
            f"touchpoint '{tp.id}' has no delighter or disappointer '{event_id}'",
            did_you_mean(event_id, [e.id for e in tp.events]),
            part=1,
        )
    if attr not in EVENT_ATTRIBUTES:
        raise ScenarioError(
            change,
            f"an event has no attribute '{attr}'",
            did_you_mean(attr, EVENT_ATTRIBUTES),
            part=2,
        )
    new = replace(event, **{attr: _combine(getattr(event, attr), change)})
    belief = getattr(event, f"{attr}_range", None)  # a range of belief moves with its value
    if belief is not None and change.value is not None:
        new = replace(new, **{f"{attr}_range": belief.moved(change.op, change.value.number)})
    return replace(tp, events=tuple(new if e.id == event_id else e for e in tp.events))


def _add_event(tp: Touchpoint, change: Change) -> Touchpoint:
    assert change.event is not None
    if tp.event(change.event.id) is not None:
        raise ScenarioError(change, f"touchpoint '{tp.id}' already has '{change.event.id}'", part=1)
    return replace(tp, events=(*tp.events, change.event))


def _remove_event(tp: Touchpoint, change: Change) -> Touchpoint:
    event_id = change.path[1]
    if tp.event(event_id) is None:
        raise ScenarioError(
            change,
            f"touchpoint '{tp.id}' has no delighter or disappointer '{event_id}'",
            did_you_mean(event_id, [e.id for e in tp.events]),
            part=1,
        )
    return replace(tp, events=tuple(e for e in tp.events if e.id != event_id))


def _drop_recoveries(journey: Journey, tp_id: str, event_id: str) -> Journey:
    """A removed disappointer can no longer be recovered."""
    touchpoints = []
    for tp in journey.touchpoints:
        recovers = []
        for rec in tp.recovers:
            kept = [
                (t, s)
                for t, s in zip(rec.targets, rec.target_spans, strict=True)
                if resolve_recovery(journey, t) is not None  # still names a disappointer
            ]
            if kept:
                recovers.append(
                    replace(
                        rec,
                        targets=tuple(t for t, _ in kept),
                        target_spans=tuple(s for _, s in kept),
                    )
                )
        touchpoints.append(replace(tp, recovers=tuple(recovers)))
    return replace(journey, touchpoints=tuple(touchpoints))


def _replace_touchpoint(journey: Journey, tp: Touchpoint) -> Journey:
    return replace(
        journey, touchpoints=tuple(tp if t.id == tp.id else t for t in journey.touchpoints)
    )


def _set_persona(journey: Journey, persona: Persona, change: Change) -> Journey:
    attribute = lookup("persona", change.path[1]) if len(change.path) == 2 else None
    if attribute is None:
        attr = change.path[1] if len(change.path) > 1 else ""
        raise ScenarioError(
            change,
            f"persona '{persona.id}' has no attribute '{attr}'",
            did_you_mean(attr, names("persona")),
            part=1,
        )
    attr = attribute.name
    if not attribute.changeable:
        raise ScenarioError(change, f"a scenario cannot change a persona's {attr}", part=1)
    name = attribute.model_field
    old = getattr(persona, name)
    if old is None and attr == "arrivals":
        old = 0.0  # no arrivals is a rate of zero
    if old is None and change.op != "=":
        raise ScenarioError(change, f"persona '{persona.id}' has no {attr} to change", part=1)
    new = replace(
        persona, **{name: _combine(old or 0.0, change)}, **_moved(persona, name, change, "persona")
    )
    return replace(
        journey, personas=tuple(new if p.id == persona.id else p for p in journey.personas)
    )


def _set_flow(journey: Journey, change: Change) -> Journey:
    if journey.flow is None:
        raise ScenarioError(change, "'flow A -> B = p' needs an explicit flow block")
    source, target = change.path
    plain = [e for e in journey.flow if e.persona is None and e.source == source]
    if not any(e.target == target for e in plain):
        raise ScenarioError(
            change,
            f"there is no edge {source} -> {target} to change",
            did_you_mean(target, [e.target for e in plain]),
            part=1,
        )
    split = journey_graph.default_split(plain)
    if change.persona is not None:
        if journey.persona(change.persona) is None:
            raise ScenarioError(change, f"unknown persona '{change.persona}'")
        own = journey_graph.persona_overrides(journey).get((change.persona, source), {})
        old = journey_graph.persona_split(split, own)[target]
        p = _combine(old, change)
        mine = [
            e
            for e in journey.flow
            if e.persona == change.persona and e.source == source and e.target == target
        ]
        edges = [e for e in journey.flow if e not in mine]
        moved = _moved(mine[0], "probability", change, "edge") if mine else {}
        edges.append(Edge(source, target, p, change.persona, span=change.span, **moved))
        return replace(journey, flow=tuple(edges))
    if any(e.probability_range is not None for e in plain):
        return _set_ranged_flow(journey, change, plain)
    p = _combine(split[target], change)
    others = {t: q for t, q in split.items() if t != target}
    total = sum(others.values())
    new_split = {target: p}
    for t, q in others.items():
        new_split[t] = max(0.0, 1 - p) * (q / total if total > 0 else 1 / len(others))
    edges = [
        replace(e, probability=new_split[e.target])
        if e.persona is None and e.source == source
        else e
        for e in journey.flow
    ]
    return replace(journey, flow=tuple(edges))


def _set_ranged_flow(journey: Journey, change: Change, plain: list[Edge]) -> Journey:
    """A change of an edge out of a step whose shares hold a range of belief: the edges
    without a percentage absorb it (they take what is left in every draw), so the
    baseline's draws stay the scenario's; the changed edge's range moves with it (`*=`
    scales it, `=` makes it known)."""
    source, target = change.path
    edge = next(e for e in plain if e.target == target)
    if edge.probability is None:
        raise ScenarioError(
            change,
            f"{source} -> {target} takes what is left of ranged shares; change a share "
            "written with a percentage instead",
            part=1,
        )
    p = _combine(edge.probability, change)
    moved = _moved(edge, "probability", change, "edge")
    new = replace(edge, probability=p, **moved)
    return replace(journey, flow=tuple(new if e is edge else e for e in journey.flow))
