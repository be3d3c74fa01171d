"""Compile a journey into a plan: integer ids, flat lists, precomputed constants.

The engine's hot path reads lists by index instead of the model's names and dicts:
per-persona cumulative routing tables, per-(persona, touchpoint) expectations and
channel terms, and each event's remembered value already weighted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .. import graph as journey_graph
from ..language import ranges
from ..language.checks import resolve_recovery
from ..model import SLOT_MINUTES, SLOTS, Distribution, Journey
from . import beliefs as belief_draws
from . import kernel, streams
from .distributions import Sampler, sampler
from .experience import value, walkout_moment
from .week import Profile, busiest_hours

MAX_STEPS = kernel.MAX_STEPS  # visits in one journey before it is cut (a loop no one leaves)


@dataclass
class Plan:
    """Everything the engine reads, by integer id. Touchpoints 0..K-1, END = K, EXIT = K+1."""

    title: str
    horizon: float
    customers: int
    touchpoint_ids: list[str]
    capacity: list[int]
    weight: list[float]
    max_wait: list[float]
    performance: list[Sampler]
    service: list[Sampler | None]
    events: list[list[tuple[int, float, float, int, int]]]  # salt, chance, x, is_dis, gid
    event_names: list[str]  # by gid, "touchpoint.event"
    recoveries: list[list[tuple[int, float, int]]]  # salt, chance, target gid
    salts: list[int]
    persona_ids: list[str]
    persona_share: list[float]
    spend: list[float]
    visit_gap: list[float]  # 0: one journey
    arrivals: list[float]  # per minute; 0: none
    patience: list[float]  # inf: never walks out
    price_sensitivity: list[float]
    persona_salts: list[int]
    expectation: list[list[float]]  # [persona][touchpoint]
    channel_term: list[list[float]]
    routes: list[list[tuple[list[float], list[int]]]]  # [persona][node]; node K = start
    memory: str
    negativity: float
    curvature: float
    tolerance: float
    wait_sensitivity: float
    recovery: float
    noise: float
    smoothing: float
    adaptation: float
    referral_rate: float  # per minute
    walkout_x: list[float]
    loyalty: object
    # time: delays before a visit, time a step takes, edges' delays, lifecycle, the week
    after: list[Sampler | None] = field(default_factory=list)
    takes: list[Sampler | None] = field(default_factory=list)
    edge_after: list[list[list[Sampler | None] | None]] = field(default_factory=list)
    repeat_start: list[int] = field(default_factory=list)  # touchpoint, or K: the flow's start
    profile: list[Profile | None] = field(default_factory=list)
    staffing: list[list[float] | None] = field(default_factory=list)  # None: constant
    server_minutes: list[float] = field(default_factory=list)  # over the horizon
    busy_hours: list[bool] | None = None  # per hour of the week: one of the busiest?
    timed: bool = False  # some step or edge takes time: journeys have a duration
    # the journey, when some of its numbers are ranges of belief: each replication runs
    # it with its own draw of them (`drawn`); None for a journey without ranges
    source: Journey | None = None

    @property
    def size(self) -> int:
        return len(self.touchpoint_ids)

    @property
    def busy_hour(self) -> int | None:
        """The first of the busiest hours of the week (the one results name), or None."""
        return None if self.busy_hours is None else self.busy_hours.index(True)

    @property
    def has_queues(self) -> bool:
        return any(self.capacity)

    @property
    def delayed(self) -> bool:
        """Some visit waits before it starts or takes time after it: the engines clock it."""
        return self.timed


def compile_plan(journey: Journey) -> Plan:
    lo = journey.loyalty
    tps = journey.touchpoints
    index = {t.id: i for i, t in enumerate(tps)}
    k = len(tps)
    node_index = {**index, "end": k, "exit": k + 1, "start": k}

    def v(d: float) -> float:
        return value(d, lo.curvature, lo.negativity)

    event_gid: dict[tuple[str, str], int] = {}
    event_names: list[str] = []
    for tp in tps:
        for e in tp.events:
            event_gid[(tp.id, e.id)] = len(event_names)
            event_names.append(f"{tp.id}.{e.id}")
    events, recoveries = [], []
    for tp in tps:
        events.append(
            [
                (
                    streams.salt(f"event:{tp.id}.{e.id}"),
                    e.chance,
                    tp.weight * v(e.impact),
                    1 if e.kind == "disappointer" else 0,
                    event_gid[(tp.id, e.id)],
                )
                for e in tp.events
            ]
        )
        recs = []
        for r in tp.recovers:
            for target in r.targets:
                resolved = resolve_recovery(journey, target)
                if resolved is not None:
                    key = f"recovery:{tp.id}:{resolved[0]}.{resolved[1]}"
                    recs.append((streams.salt(key), r.chance, event_gid[resolved]))
        recoveries.append(recs)

    personas = journey.personas
    channels_preferred = {c for p in personas for c in p.prefers}
    table = journey_graph.routing(journey)
    routes = []
    for p in personas:
        per_node: list[tuple[list[float], list[int]]] = [([], []) for _ in range(k + 1)]
        for source, split in table[p.id].items():
            targets, cum, total = [], [], 0.0
            for target, prob in split.items():
                if prob <= 0:
                    continue
                total += prob
                targets.append(node_index[target])
                cum.append(total)
            if cum:
                cum[-1] = 2.0  # absorbs rounding: the last edge takes what is left
            per_node[node_index[source]] = (cum, targets)
        routes.append(per_node)

    expectation = [[t.expect + p.expects for t in tps] for p in personas]
    channel_term = [
        [
            -lo.channel_penalty
            if p.prefers and t.channel not in p.prefers and t.channel in channels_preferred
            else 0.0
            for t in tps
        ]
        for p in personas
    ]
    staffing = [_staffing(t.staffing()) if t.shifts else None for t in tps]
    after = [_delay(t.after) for t in tps]
    takes = [_delay(t.takes) for t in tps]
    edge_after = _edge_delays(journey, routes, node_index)
    profiles = [
        Profile(weights) if (weights := p.arrival_profile()) is not None else None for p in personas
    ]
    rates = [
        (journey.customers * (p.share or 0.0) / p.visit_gap if p.visit_gap else 0.0)
        + (p.arrivals or 0.0)
        for p in personas
    ]
    timed = any(after) or any(takes) or any(e for per in edge_after for e in per)
    busiest = busiest_hours(profiles, rates)
    return Plan(
        title=journey.title,
        horizon=journey.horizon,
        customers=int(journey.customers),
        touchpoint_ids=[t.id for t in tps],
        capacity=[
            int(max(shifts)) if shifts is not None else int(t.capacity or 0)
            for t, shifts in zip(tps, staffing, strict=True)
        ],
        weight=[t.weight for t in tps],
        max_wait=[t.max_wait or 0.0 for t in tps],
        performance=[sampler(t.performance) for t in tps],
        service=[sampler(t.service) if t.service else None for t in tps],
        events=events,
        event_names=event_names,
        recoveries=recoveries,
        salts=[streams.salt("touchpoint:" + t.id) for t in tps],
        persona_ids=[p.id for p in personas],
        persona_share=[p.share or 0.0 for p in personas],
        spend=[p.spend for p in personas],
        visit_gap=[p.visit_gap or 0.0 for p in personas],
        arrivals=[p.arrivals or 0.0 for p in personas],
        patience=[p.patience if p.patience is not None else math.inf for p in personas],
        price_sensitivity=[p.price_sensitivity for p in personas],
        persona_salts=[streams.salt("persona:" + p.id) for p in personas],
        expectation=expectation,
        channel_term=channel_term,
        routes=routes,
        memory=lo.memory,
        negativity=lo.negativity,
        curvature=lo.curvature,
        tolerance=lo.tolerance,
        wait_sensitivity=lo.wait_sensitivity,
        recovery=lo.recovery,
        noise=lo.noise,
        smoothing=lo.smoothing,
        adaptation=lo.adaptation,
        referral_rate=lo.referral / (30 * 24 * 60.0),
        walkout_x=[
            walkout_moment(t.weight, lo.tolerance, lo.curvature, lo.negativity) for t in tps
        ],
        loyalty=lo,
        after=after,
        takes=takes,
        edge_after=edge_after,
        repeat_start=[index[p.repeat_from] if p.repeat_from else k for p in personas],
        profile=profiles,
        staffing=staffing,
        server_minutes=[
            _server_minutes(shifts, journey.horizon)
            if shifts is not None
            else int(t.capacity or 0) * journey.horizon
            for t, shifts in zip(tps, staffing, strict=True)
        ],
        busy_hours=busiest,
        timed=timed,
        source=journey if ranges.uncertain(ranges.source(journey)) else None,
    )


def drawn(plan: Plan, key: int) -> Plan:
    """Replication `key`'s plan: the journey with every range of belief drawn once
    (`beliefs.quantiles`), compiled as any journey is; the plan itself when it has none
    (so a journey without ranges runs exactly as before).

    What a run holds fixed across its replications stays as the plan has it: which
    hours of the week are the busiest (from the middles of the arrival rates, so that a
    busy-hour wait is the same hours in every replication) and whether journeys are
    clocked (`runner.plans_for` clocks every variant when one is).
    """
    if plan.source is None:
        return plan
    out = compile_plan(belief_draws.realised(plan.source, key))
    out.busy_hours = plan.busy_hours
    out.timed = plan.timed
    return out


def _delay(dist: Distribution | None) -> Sampler | None:
    """A delay's sampler, or None when it never takes time."""
    if dist is None or (dist.is_constant and dist.mean == 0.0):
        return None
    return sampler(dist)


def _staffing(values: list[float]) -> list[float]:
    return [max(0.0, float(round(v))) for v in values]


def _server_minutes(staffing: list[float], horizon: float) -> float:
    """Server-minutes on shift over the horizon (the week repeats from Monday 0:00)."""
    whole, rest = divmod(horizon, SLOTS * SLOT_MINUTES)
    total = whole * SLOT_MINUTES * sum(staffing)
    i = 0
    while rest > 0:
        total += staffing[i] * min(SLOT_MINUTES, rest)
        rest -= SLOT_MINUTES
        i += 1
    return total


def _edge_delays(journey: Journey, routes, node_index) -> list[list[list[Sampler | None] | None]]:
    """Per persona and node, the delay of each edge in the routing table's order.

    A persona's own edge (`a -> b after ... for p`) gives its delay; else the edge for
    everyone does. None for a node none of whose edges takes time.
    """
    general: dict[tuple[str, str], Distribution] = {}
    own: dict[tuple[str, str, str], Distribution] = {}
    for e in journey.flow or ():
        if e.after is None:
            continue
        if e.persona is None:
            general[(e.source, e.target)] = e.after
        else:
            own[(e.persona, e.source, e.target)] = e.after
    targets_named = {i: n for n, i in node_index.items() if n != "start"}  # K is `end` here
    sources_named = {**targets_named, node_index["start"]: "start"}  # and `start` here
    out = []
    for p, per_node in zip(journey.personas, routes, strict=True):
        rows: list[list[Sampler | None] | None] = []
        for node, (_, targets) in enumerate(per_node):
            a = sources_named[node]
            delays = [
                _delay(own.get((p.id, a, b), general.get((a, b))))
                for b in (targets_named[t] for t in targets)
            ]
            rows.append(delays if any(delays) else None)
        out.append(rows)
    return out


def initial_counts(total: int, shares: list[float]) -> list[int]:
    """Split the time-0 customers by share, largest remainder first, summing to `total`."""
    raw = [total * s for s in shares]
    counts = [math.floor(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
