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

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..model import (
    PARAMETERS,
    Belief,
    Change,
    Distribution,
    Edge,
    Event,
    Journey,
    Loyalty,
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


# ---- one walk over every place a range may stand ---------------------------------------------
#
# Each function below takes a `_Walk` and one element of the model, and returns the
# element with its ranges known; `_Walk.known` names each range it meets, records it, and
# gives its value at the walk's quantile. `inputs` keeps the names, `fixed` the journey:
# one walk, so the names listed and the names fixed cannot disagree.


class _Walk:
    def __init__(self, at: Mapping[str, float] | None) -> None:
        self.at = at or {}
        self.found: list[Input] = []

    def known(self, name: str, what: str, belief: Belief) -> float:
        """The range's value at its quantile (the middle unless `at` says), recorded."""
        self.found.append(Input(name, what, belief.low, belief.high, belief.span))
        return belief.at(self.at.get(name, MIDDLE))


def _event(walk: _Walk, tp_id: str, event: Event) -> Event:
    changes: dict[str, object] = {}
    for what in ("chance", "impact"):
        belief = getattr(event, f"{what}_range")
        if belief is not None:
            changes[what] = walk.known(f"{tp_id}.{event.id}.{what}", what, belief)
            changes[f"{what}_range"] = None
    return replace(event, **changes) if changes else event


def _distribution(walk: _Walk, prefix: str, what: str, dist: Distribution) -> Distribution:
    """The ranges inside a distribution's parameters: `install.after.mean`."""
    if not dist.ranges:
        return dist
    prefix = dist.tag or prefix
    known = {
        i: walk.known(f"{prefix}.{parameter}", what, belief)
        for i, (parameter, belief) in enumerate(
            zip(PARAMETERS[dist.kind], dist.ranges, strict=True)
        )
        if belief is not None
    }
    return dist.at(known)


def _values(walk: _Walk, owner_id: str, owner, attributes):
    """A persona's or a touchpoint's ranged numbers, and the ranges in its distributions."""
    changes: dict[str, object] = {}
    for attribute in attributes:
        name = f"{owner_id}.{attribute.name}"
        field = attribute.model_field
        belief = getattr(owner, field + "_range")
        distribution = attribute.kind == "distribution"
        if belief is not None:
            value = walk.known(name, _what(attribute), belief)
            changes[field] = Distribution.constant(value) if distribution else value
            changes[field + "_range"] = None
        elif distribution and (dist := getattr(owner, field)) is not None and dist.ranges:
            changes[field] = _distribution(walk, name, _what(attribute), dist)
    return replace(owner, **changes) if changes else owner


def _edge_name(edge: Edge, what: str) -> str:
    """`install->golive.after`; a persona's own edge `install->golive(family).after`."""
    own = f"({edge.persona})" if edge.persona else ""
    return f"{edge.source}->{edge.target}{own}.{what}"


_LOYALTY = {a.name: a for a in facts.of_block("loyalty")}


def _touchpoint(walk: _Walk, tp: Touchpoint) -> Touchpoint:
    tp = _values(walk, tp.id, tp, TOUCHPOINT_RANGED)
    events = tuple(_event(walk, tp.id, e) for e in tp.events)
    recovers = tuple(
        r
        if r.chance_range is None
        else replace(
            r,
            chance=walk.known(
                f"{tp.id}.recovers.{'.'.join(r.targets[0])}.chance", "chance", r.chance_range
            ),
            chance_range=None,
        )
        for r in tp.recovers
    )
    return replace(tp, events=events, recovers=recovers)


def _edge(walk: _Walk, edge: Edge) -> Edge:
    if edge.probability_range is not None:  # `bill->support.chance`: who takes the edge
        share = walk.known(_edge_name(edge, "chance"), "chance", edge.probability_range)
        edge = replace(edge, probability=share, probability_range=None)
    name = _edge_name(edge, "after")
    if edge.after_range is not None:
        delay = walk.known(name, "duration", edge.after_range)
        return replace(edge, after=Distribution.constant(delay), after_range=None)
    if edge.after is not None and edge.after.ranges:
        return replace(edge, after=_distribution(walk, name, "duration", edge.after))
    return edge


def _loyalty(walk: _Walk, loyalty: Loyalty) -> Loyalty:
    if not loyalty.ranges:
        return loyalty
    known = {
        key: walk.known(f"loyalty.{key}", _what(_LOYALTY[key]), belief)
        for key, belief in loyalty.ranges
    }
    return replace(loyalty, **known, ranges=())


def _change_what(change: Change) -> str:
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


def _change(walk: _Walk, change: Change) -> Change:
    """A scenario's line: an added event's ranges, a change written as a range (`a.service
    *= 0.6 .. 0.8`, named by the scenario), the ranges of a distribution it sets."""
    if change.kind == "add" and change.event is not None and change.path:
        return replace(change, event=_event(walk, change.path[0], change.event))
    value = change.value
    if value is None:
        return change
    if value.range is not None:
        value = value.known(walk.known(value.name, _change_what(change), value.range))
    if change.kind == "set" and value.distribution is not None and value.distribution.ranges:
        attribute = facts.scenario_attribute(change.path[-1])
        what = _what(attribute) if attribute is not None else "number"
        value = replace(value, distribution=_distribution(walk, "", what, value.distribution))
    return replace(change, value=value) if value is not change.value else change


def _scenario(walk: _Walk, scenario: Scenario) -> Scenario:
    changes = tuple(_change(walk, c) for c in scenario.changes)
    cost = scenario.cost
    if scenario.cost_range is not None:
        cost = walk.known(f"{scenario.id}.cost", "cost", scenario.cost_range)
    return replace(scenario, changes=changes, cost=cost, cost_range=None)


def _walk(journey: Journey, at: Mapping[str, float] | None) -> tuple[Journey, list[Input]]:
    """The journey with every range known, and the ranges met, in file order: personas,
    touchpoints (their events, recoveries), edges, loyalty keys, then each scenario's."""
    walk = _Walk(at)
    personas = tuple(_values(walk, p.id, p, PERSONA_RANGED) for p in journey.personas)
    touchpoints = tuple(_touchpoint(walk, t) for t in journey.touchpoints)
    flow = None if journey.flow is None else tuple(_edge(walk, e) for e in journey.flow)
    loyalty = _loyalty(walk, journey.loyalty)
    scenarios = tuple(_scenario(walk, s) for s in journey.scenarios)
    known = replace(
        journey,
        personas=personas,
        touchpoints=touchpoints,
        flow=flow,
        loyalty=loyalty,
        scenarios=scenarios,
    )
    return known, walk.found


def inputs(journey: Journey) -> list[Input]:
    """The journey's uncertain inputs in file order. A name met twice (two scenarios adding
    the same event) is one input, listed where it is first written."""
    seen: set[str] = set()
    return [i for i in _walk(journey, None)[1] if not (i.name in seen or seen.add(i.name))]


def uncertain(journey: Journey) -> bool:
    return bool(inputs(journey))


def fixed(journey: Journey, at: Mapping[str, float] | None = None) -> Journey:
    """The journey with every uncertain input known: at its quantile in `at`, else at its
    middle. The result has no ranges left, so it runs without draws of belief."""
    return _walk(journey, at)[0]


def source(journey: Journey) -> Journey:
    """The journey whose ranges a replication draws: for a scenario's journey, its
    baseline with the scenarios applied to it (their own ranges included); else itself."""
    if journey.origin is None:
        return journey
    return replace(journey.origin, scenarios=journey.applied)
