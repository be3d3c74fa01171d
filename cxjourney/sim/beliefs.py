"""Ranges of belief: what the team does not know, drawn once per replication.

A range of belief (`impact +1 .. +3`) is one number nobody knows, unlike variability
(`+-`), which every customer meets anew. Probabilistic sensitivity analysis draws
every uncertain input once per replication, uniformly over its range, so every
interval carries what the team does not know as well as chance.

Each input's draw is a quantile u in (0, 1), a hash of the replication's key and the
input's name (`touchpoint.event.impact`, `scenario.cost`, `touchpoint.expect`,
`touchpoint.delivers`, `persona.spend`), never the next number of a sequence. So

- every scenario of a replication sees the same draw of a shared input (common random
  numbers still pair them), and two scenarios that add the same event share its draw;
- a replication's draws do not depend on which other replications, workers or engine
  run it (the draw happens where a plan becomes a replication's plan, `drawn`, which
  both engines go through);
- a journey without ranges runs the plan it always ran: the same bytes.

`fixed` sets inputs at chosen quantiles instead (the tornado's low and high ends).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..language import facts
from ..model import Belief, Distribution, Event, Journey, Persona, Span, Touchpoint
from . import streams
from .experience import value

#: The key every replication's draws of beliefs derive from, apart from the engines' draws.
_BELIEFS = streams.salt("beliefs")
MIDDLE = 0.5


@dataclass(frozen=True)
class Input:
    """One uncertain input: its name, what it is, its range, where it was written."""

    name: str  # touchpoint.event.chance | .impact | scenario.cost | touchpoint.expect | ...
    what: str  # chance | impact | cost | expect | delivers | spend | patience
    low: float
    high: float
    span: Span

    @property
    def salt(self) -> int:
        return streams.salt("belief:" + self.name)


def _event_inputs(tp_id: str, event: Event) -> list[Input]:
    out = []
    for what, belief in (("chance", event.chance_range), ("impact", event.impact_range)):
        if belief is not None:
            name = f"{tp_id}.{event.id}.{what}"
            out.append(Input(name, what, belief.low, belief.high, belief.span))
    return out


#: The attributes of a persona and of a touchpoint that may be a range of belief (the
#: language's facts say which), each read from the model's `FIELD` (the middle) and
#: `FIELD_range`.
PERSONA_RANGED = facts.ranged("persona")
TOUCHPOINT_RANGED = facts.ranged("touchpoint")


def _value_inputs(owner: Persona | Touchpoint, attributes: tuple[str, ...]) -> list[Input]:
    out = []
    for what in attributes:
        belief = getattr(owner, f"{what}_range")
        if belief is not None:
            out.append(Input(f"{owner.id}.{what}", what, belief.low, belief.high, belief.span))
    return out


def inputs(journey: Journey) -> list[Input]:
    """The journey's uncertain inputs in file order: its personas' values, its
    touchpoints' values and events', then each scenario's added events' and cost. A
    name met twice (two scenarios adding the same event) is one input, listed where it
    is first written."""
    found: list[Input] = []
    for persona in journey.personas:
        found += _value_inputs(persona, PERSONA_RANGED)
    for tp in journey.touchpoints:
        found += _value_inputs(tp, TOUCHPOINT_RANGED)
        for event in tp.events:
            found += _event_inputs(tp.id, event)
    for scenario in journey.scenarios:
        for change in scenario.changes:
            if change.kind == "add" and change.event is not None and change.path:
                found += _event_inputs(change.path[0], change.event)
        if scenario.cost_range is not None:
            r = scenario.cost_range
            found.append(Input(f"{scenario.id}.cost", "cost", r.low, r.high, r.span))
    seen: set[str] = set()
    return [i for i in found if not (i.name in seen or seen.add(i.name))]


def uncertain(journey: Journey) -> bool:
    return bool(inputs(journey))


def quantile(key: int, name: str) -> float:
    """The draw of input `name` in the replication whose key is `key`: a uniform in (0, 1)."""
    return streams.draw(streams.derive(key, _BELIEFS), streams.salt("belief:" + name))


def cost(scenario_id: str, belief: Belief | None, middle: float, key: int) -> float:
    """A scenario's cost in one replication: drawn from its range, or as written."""
    if belief is None:
        return middle
    return belief.at(quantile(key, f"{scenario_id}.cost"))


# ---- fixing inputs (the tornado) -----------------------------------------------------------


def _fixed_event(tp_id: str, event: Event, at: Mapping[str, float]) -> Event:
    changes: dict[str, object] = {}
    for what in ("chance", "impact"):
        belief = getattr(event, f"{what}_range")
        if belief is not None:
            q = at.get(f"{tp_id}.{event.id}.{what}", MIDDLE)
            changes[what] = belief.at(q)
            changes[f"{what}_range"] = None
    return replace(event, **changes) if changes else event


def _fixed_values(owner, attributes: tuple[str, ...], at: Mapping[str, float]):
    changes: dict[str, object] = {}
    for what in attributes:
        belief = getattr(owner, f"{what}_range")
        if belief is not None:
            known = belief.at(at.get(f"{owner.id}.{what}", MIDDLE))
            changes[what] = Distribution.constant(known) if what == "delivers" else known
            changes[f"{what}_range"] = None
    return replace(owner, **changes) if changes else owner


def fixed(journey: Journey, at: Mapping[str, float] | None = None) -> Journey:
    """The journey with every uncertain input known: at its quantile in `at`, else at its
    middle. The result has no ranges left, so it runs without draws of belief."""
    at = at or {}

    def tp_fixed(tp: Touchpoint) -> Touchpoint:
        tp = _fixed_values(tp, TOUCHPOINT_RANGED, at)
        events = tuple(_fixed_event(tp.id, e, at) for e in tp.events)
        return replace(tp, events=events) if events != tp.events else tp

    scenarios = []
    for s in journey.scenarios:
        changes = tuple(
            replace(c, event=_fixed_event(c.path[0], c.event, at))
            if c.kind == "add" and c.event is not None and c.path
            else c
            for c in s.changes
        )
        cost = s.cost
        if s.cost_range is not None:
            cost = s.cost_range.at(at.get(f"{s.id}.cost", MIDDLE))
        scenarios.append(replace(s, changes=changes, cost=cost, cost_range=None))
    return replace(
        journey,
        personas=tuple(_fixed_values(p, PERSONA_RANGED, at) for p in journey.personas),
        touchpoints=tuple(tp_fixed(t) for t in journey.touchpoints),
        scenarios=tuple(scenarios),
    )


# ---- the plan of one replication -------------------------------------------------------------

#: (touchpoint, event's place at it, name of the chance's input or "", its range or None,
#:  name of the impact's input or "", its range or None)
PlanBelief = tuple[int, int, str, Belief | None, str, Belief | None]


def plan_beliefs(journey: Journey) -> list[PlanBelief]:
    """Where the plan's events hold a range of belief (empty for a journey without)."""
    out: list[PlanBelief] = []
    for t, tp in enumerate(journey.touchpoints):
        for e, event in enumerate(tp.events):
            if event.chance_range is None and event.impact_range is None:
                continue
            base = f"{tp.id}.{event.id}."
            out.append(
                (t, e, base + "chance", event.chance_range, base + "impact", event.impact_range)
            )
    return out


#: (what: expect | delivers | spend | patience, touchpoint or persona, input's name, its range,
#:  whether the touchpoint's performance follows its expectation: it has no `delivers`)
PlanValueBelief = tuple[str, int, str, Belief, bool]


def plan_value_beliefs(journey: Journey) -> list[PlanValueBelief]:
    """Where the plan's per-touchpoint and per-persona numbers hold a range of belief."""
    out: list[PlanValueBelief] = []
    for p, persona in enumerate(journey.personas):
        for what in PERSONA_RANGED:
            if (belief := getattr(persona, f"{what}_range")) is not None:
                out.append((what, p, f"{persona.id}.{what}", belief, False))
    for t, tp in enumerate(journey.touchpoints):
        for what in TOUCHPOINT_RANGED:
            if (belief := getattr(tp, f"{what}_range")) is not None:
                out.append((what, t, f"{tp.id}.{what}", belief, tp.delivers is None))
    return out


def _shifted(s: tuple, delta: float) -> tuple:
    """A sampler whose every draw is `delta` higher (its offset moved)."""
    return (*s[:5], s[5] + delta)


def _drawn_values(plan, key: int):
    """The plan's expectations, performances, spends and patiences with their ranges
    drawn: a range's draw moves the number from the middle the plan was compiled with."""
    expectation = [list(row) for row in plan.expectation]
    performance = list(plan.performance)
    per_persona = {"spend": list(plan.spend), "patience": list(plan.patience)}
    for what, i, name, belief, follows in plan.value_beliefs:
        drawn_value = belief.at(quantile(key, name))
        if what in per_persona:
            per_persona[what][i] = drawn_value
            continue
        delta = drawn_value - belief.middle
        if what == "expect":
            for row in expectation:
                row[i] += delta
        if what == "delivers" or follows:  # without `delivers`, a step delivers what is expected
            performance[i] = _shifted(performance[i], delta)
    return replace(
        plan,
        expectation=expectation,
        performance=performance,
        spend=per_persona["spend"],
        patience=per_persona["patience"],
    )


def drawn(plan, key: int):
    """Replication `key`'s plan: every range of belief drawn once; the plan itself when it
    has none (so a journey without ranges runs exactly as before)."""
    if not plan.beliefs and not plan.value_beliefs:
        return plan
    if plan.value_beliefs:
        plan = _drawn_values(plan, key)
    if not plan.beliefs:
        return plan
    events = [list(per) for per in plan.events]
    lo = plan.loyalty
    for t, e, chance_name, chance_range, impact_name, impact_range in plan.beliefs:
        salt, chance, x, disappoints, gid = events[t][e]
        if chance_range is not None:
            chance = chance_range.at(quantile(key, chance_name))
        if impact_range is not None:
            impact = impact_range.at(quantile(key, impact_name))
            x = plan.weight[t] * value(impact, lo.curvature, lo.negativity)
        events[t][e] = (salt, chance, x, disappoints, gid)
    return replace(plan, events=events)
