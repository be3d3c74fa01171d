"""Ranges of belief in a journey: where they stand, their names, and the journey with
them known.

A range of belief (`impact +1 .. +3`) is one number nobody knows, unlike variability
(`+-`), which every customer meets anew. Almost any number may be one (docs/language.md
lists them): an event's chance and impact, a scenario's cost, a step's expectation,
delivery, times and patience, a parameter inside a distribution (`exp(20 min .. 40
min)`), a persona's rhythm and arrivals, a recovery's chance, an edge's delay or share, a
loyalty key, and what a scenario's change does. Each has a name (`install.noshow.chance`,
`install.after.mean`, `family.arrivals`, `loyalty.referral`, `faster.support.service`).

`inputs` lists them and `fixed` gives the journey with each known at a quantile of its
range (the middle unless told), from one walk over the places a range may stand, so the
two never disagree. The checks use `fixed` to test a journey at the ends of its ranges;
the simulator (sim/beliefs.py) to run each replication at its own draw; the tornado at
each end of one range.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from ..model import (
    PARAMETERS,
    Distribution,
    Edge,
    Event,
    Journey,
    Loyalty,
    Recovery,
    Scenario,
    Span,
    Touchpoint,
)
from . import facts

MIDDLE = 0.5


@dataclass(frozen=True)
class Input:
    """One uncertain input: its name, what it is, its range, where it was written.

    `what` says how a person reads its numbers: chance | impact | cost | expect |
    delivers | spend | patience (the names of PSA's first inputs), duration (minutes),
    rate (per minute), percent, shift (rating points), number."""

    name: str  # touchpoint.event.chance | scenario.cost | touchpoint.after.mean | ...
    what: str
    low: float
    high: float
    span: Span


#: The attributes of a persona and of a touchpoint that may be a range of belief (the
#: language's facts say which), each read from the model's field (the middle) and
#: `FIELD_range`.
PERSONA_RANGED = tuple(a for a in facts.of_block("persona") if a.ranged)
TOUCHPOINT_RANGED = tuple(a for a in facts.of_block("touchpoint") if a.ranged)
_NAMED = {"chance", "impact", "cost", "expect", "delivers", "spend", "patience"}


def _what(attribute: facts.Attribute) -> str:
    """How an attribute's range is read (`Input.what`)."""
    if attribute.name in _NAMED:
        return attribute.name
    if attribute.kind == "duration" or attribute.unit == "minutes":
        return "duration"
    if attribute.kind in ("rate", "percent", "shift"):
        return attribute.kind
    return "number"


# ---- the inputs: one walk over every place a range may stand --------------------------------
#
# `_places` yields, for every range in the journey, its input and a function that gives
# the journey's element with that range known at a value. `inputs` lists the first;
# `fixed` applies the second. One walk, so the two can never disagree.


def _event_inputs(tp_id: str, event: Event) -> Iterator[Input]:
    for what, belief in (("chance", event.chance_range), ("impact", event.impact_range)):
        if belief is not None:
            yield Input(f"{tp_id}.{event.id}.{what}", what, belief.low, belief.high, belief.span)


def _fixed_event(tp_id: str, event: Event, at: Mapping[str, float]) -> Event:
    changes: dict[str, object] = {}
    for what in ("chance", "impact"):
        belief = getattr(event, f"{what}_range")
        if belief is not None:
            changes[what] = belief.at(at.get(f"{tp_id}.{event.id}.{what}", MIDDLE))
            changes[f"{what}_range"] = None
    return replace(event, **changes) if changes else event


def _distribution_inputs(prefix: str, what: str, dist: Distribution | None) -> Iterator[Input]:
    """The ranges inside a distribution's parameters: `install.after.mean`."""
    if dist is None or not dist.ranges:
        return
    prefix = dist.tag or prefix
    for parameter, belief in zip(PARAMETERS[dist.kind], dist.ranges, strict=True):
        if belief is not None:
            name = f"{prefix}.{parameter}"
            yield Input(name, what, belief.low, belief.high, belief.span)


def _fixed_distribution(
    prefix: str, dist: Distribution | None, at: Mapping[str, float]
) -> Distribution | None:
    if dist is None or not dist.ranges:
        return dist
    prefix = dist.tag or prefix
    known = {
        i: belief.at(at.get(f"{prefix}.{parameter}", MIDDLE))
        for i, (parameter, belief) in enumerate(
            zip(PARAMETERS[dist.kind], dist.ranges, strict=True)
        )
        if belief is not None
    }
    return dist.at(known)


def _value_inputs(owner_id: str, owner, attributes) -> Iterator[Input]:
    """A persona's or a touchpoint's ranged numbers, and the ranges in its distributions."""
    for attribute in attributes:
        name = f"{owner_id}.{attribute.name}"
        belief = getattr(owner, attribute.model_field + "_range")
        if belief is not None:
            yield Input(name, _what(attribute), belief.low, belief.high, belief.span)
        if attribute.kind == "distribution":
            value = getattr(owner, attribute.model_field)
            yield from _distribution_inputs(name, _what(attribute), value)


def _fixed_values(owner_id: str, owner, attributes, at: Mapping[str, float]):
    changes: dict[str, object] = {}
    for attribute in attributes:
        name = f"{owner_id}.{attribute.name}"
        field = attribute.model_field
        belief = getattr(owner, field + "_range")
        if belief is not None:
            known = belief.at(at.get(name, MIDDLE))
            changes[field] = (
                Distribution.constant(known) if attribute.kind == "distribution" else known
            )
            changes[field + "_range"] = None
        elif attribute.kind == "distribution":
            value = getattr(owner, field)
            if value is not None and value.ranges:
                changes[field] = _fixed_distribution(name, value, at)
    return replace(owner, **changes) if changes else owner


def _recovery_name(tp_id: str, recovery: Recovery) -> str:
    return f"{tp_id}.recovers.{'.'.join(recovery.targets[0])}.chance"


def _edge_name(edge: Edge, what: str = "after") -> str:
    """`install->golive.after`; a persona's own edge `install->golive(family).after`."""
    own = f"({edge.persona})" if edge.persona else ""
    return f"{edge.source}->{edge.target}{own}.{what}"


def _edge_share_name(edge: Edge) -> str:
    """`bill->support.chance`: the share of customers who take the edge."""
    return _edge_name(edge, "chance")


_EDGE_AFTER = facts.lookup("edge", "after")
_LOYALTY = {a.name: a for a in facts.of_block("loyalty")}


def _touchpoint_inputs(tp: Touchpoint) -> Iterator[Input]:
    yield from _value_inputs(tp.id, tp, TOUCHPOINT_RANGED)
    for event in tp.events:
        yield from _event_inputs(tp.id, event)
    for recovery in tp.recovers:
        if (belief := recovery.chance_range) is not None:
            name = _recovery_name(tp.id, recovery)
            yield Input(name, "chance", belief.low, belief.high, belief.span)


def _change_what(change) -> str:
    """How a scenario's ranged change reads: a factor, a share, or its attribute's kind."""
    if change.op == "*=":
        return "factor"
    if change.kind == "flow":
        return "chance"
    attribute = facts.scenario_attribute(change.path[-1])
    what = _what(attribute) if attribute is not None else "number"
    if change.op in ("+=", "-=") and what in ("expect", "delivers", "number"):
        return "shift"  # `a.delivers += 0.2 .. 0.6`: points added
    return what


def _scenario_inputs(scenario: Scenario) -> Iterator[Input]:
    for change in scenario.changes:
        if change.kind == "add" and change.event is not None and change.path:
            yield from _event_inputs(change.path[0], change.event)
        value = change.value
        if value is not None and (belief := value.range) is not None:
            yield Input(value.name, _change_what(change), belief.low, belief.high, belief.span)
        if change.kind == "set" and value is not None and value.distribution is not None:
            attribute = facts.scenario_attribute(change.path[-1])
            what = _what(attribute) if attribute is not None else "number"
            yield from _distribution_inputs("", what, value.distribution)
    if scenario.cost_range is not None:
        r = scenario.cost_range
        yield Input(f"{scenario.id}.cost", "cost", r.low, r.high, r.span)


def inputs(journey: Journey) -> list[Input]:
    """The journey's uncertain inputs in file order: its personas', its touchpoints' (and
    their events' and recoveries'), its edges', its loyalty keys', then each scenario's
    own (added events, distributions it sets, its cost). A name met twice (two scenarios
    adding the same event) is one input, listed where it is first written."""
    found: list[Input] = []
    for persona in journey.personas:
        found += _value_inputs(persona.id, persona, PERSONA_RANGED)
    for tp in journey.touchpoints:
        found += _touchpoint_inputs(tp)
    for edge in journey.flow or ():
        if (belief := edge.probability_range) is not None:
            name = _edge_share_name(edge)
            found.append(Input(name, "chance", belief.low, belief.high, belief.span))
        name = _edge_name(edge)
        if (belief := edge.after_range) is not None:
            found.append(Input(name, "duration", belief.low, belief.high, belief.span))
        found += _distribution_inputs(name, "duration", edge.after)
    for key, belief in journey.loyalty.ranges:
        what = _what(_LOYALTY[key])
        found.append(Input(f"loyalty.{key}", what, belief.low, belief.high, belief.span))
    for scenario in journey.scenarios:
        found += _scenario_inputs(scenario)
    seen: set[str] = set()
    return [i for i in found if not (i.name in seen or seen.add(i.name))]


def uncertain(journey: Journey) -> bool:
    return bool(inputs(journey))


def _fixed_touchpoint(tp: Touchpoint, at: Mapping[str, float]) -> Touchpoint:
    tp = _fixed_values(tp.id, tp, TOUCHPOINT_RANGED, at)
    events = tuple(_fixed_event(tp.id, e, at) for e in tp.events)
    recovers = tuple(
        replace(
            r,
            chance=r.chance_range.at(at.get(_recovery_name(tp.id, r), MIDDLE)),
            chance_range=None,
        )
        if r.chance_range is not None
        else r
        for r in tp.recovers
    )
    return replace(tp, events=events, recovers=recovers)


def _fixed_edge(edge: Edge, at: Mapping[str, float]) -> Edge:
    if edge.probability_range is not None:
        known = edge.probability_range.at(at.get(_edge_share_name(edge), MIDDLE))
        edge = replace(edge, probability=known, probability_range=None)
    name = _edge_name(edge)
    if edge.after_range is not None:
        known = edge.after_range.at(at.get(name, MIDDLE))
        return replace(edge, after=Distribution.constant(known), after_range=None)
    if edge.after is not None and edge.after.ranges:
        return replace(edge, after=_fixed_distribution(name, edge.after, at))
    return edge


def _fixed_loyalty(loyalty: Loyalty, at: Mapping[str, float]) -> Loyalty:
    if not loyalty.ranges:
        return loyalty
    known = {key: b.at(at.get(f"loyalty.{key}", MIDDLE)) for key, b in loyalty.ranges}
    return replace(loyalty, **known, ranges=())


def _fixed_scenario(scenario: Scenario, at: Mapping[str, float]) -> Scenario:
    changes = []
    for c in scenario.changes:
        if c.kind == "add" and c.event is not None and c.path:
            c = replace(c, event=_fixed_event(c.path[0], c.event, at))
        elif c.value is not None and c.value.range is not None:  # `a.service *= 0.6 .. 0.8`
            c = replace(c, value=c.value.known(c.value.range.at(at.get(c.value.name, MIDDLE))))
        elif c.kind == "set" and c.value is not None and c.value.distribution is not None:
            dist = _fixed_distribution("", c.value.distribution, at)
            c = replace(c, value=replace(c.value, distribution=dist))
        changes.append(c)
    cost = scenario.cost
    if scenario.cost_range is not None:
        cost = scenario.cost_range.at(at.get(f"{scenario.id}.cost", MIDDLE))
    return replace(scenario, changes=tuple(changes), cost=cost, cost_range=None)


def source(journey: Journey) -> Journey:
    """The journey whose ranges a replication draws: for a scenario's journey, its
    baseline with the scenarios applied to it (their own ranges included); else itself."""
    if journey.origin is None:
        return journey
    return replace(journey.origin, scenarios=journey.applied)


def fixed(journey: Journey, at: Mapping[str, float] | None = None) -> Journey:
    """The journey with every uncertain input known: at its quantile in `at`, else at its
    middle. The result has no ranges left, so it runs without draws of belief."""
    at = at or {}
    flow = journey.flow
    return replace(
        journey,
        personas=tuple(_fixed_values(p.id, p, PERSONA_RANGED, at) for p in journey.personas),
        touchpoints=tuple(_fixed_touchpoint(t, at) for t in journey.touchpoints),
        flow=None if flow is None else tuple(_fixed_edge(e, at) for e in flow),
        loyalty=_fixed_loyalty(journey.loyalty, at),
        scenarios=tuple(_fixed_scenario(s, at) for s in journey.scenarios),
    )
