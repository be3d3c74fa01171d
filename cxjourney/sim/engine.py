"""The SimPy engine: customers live, make journeys, queue, remember, churn, refer.

SimPy only schedules here: a customer is one process that waits between journeys
and at queued touchpoints; touchpoints without capacity cost no SimPy event. The
arithmetic is MODEL.md's (see experience.py and loyalty.py), inlined on the hot
path; tests hold the two to the same hand-computed values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from math import cos, log, sqrt
from typing import Any

import simpy

from . import streams
from .experience import remember
from .loyalty import (
    DETRACTOR,
    MONTH_MINUTES,
    NEUTRAL,
    PROMOTER,
    monthly_stay,
    relationship,
    satisfaction,
)
from .plan import CONSTANT, EXP, NORMAL, VISIT_SLOTS, Plan, draw

MASK = streams.MASK
TO_UNIT = streams.TO_UNIT
JUMPS = streams.jumps(16)
VISIT_A, VISIT_C = JUMPS[VISIT_SLOTS - 1]
(A1, K1), (A2, K2), (A3, K3), (A4, K4), (A5, K5), (A6, K6) = JUMPS[:6]
TWO_PI = 2.0 * math.pi
INITIAL, ARRIVAL, REFERRAL, CUSTOMER_STREAM = 1, 2, 3, 4
# A customer's own stream: one block of slots per journey.
NOISE_1, NOISE_2, START_ROUTE, GAP, CHURN, REFERRALS, JOURNEY_SLOTS = range(7)

EventSink = Callable[[tuple[Any, ...]], None]


class Customer:
    __slots__ = (
        "active",
        "expect",
        "initial",
        "journeys",
        "key",
        "level",
        "name",
        "persona",
        "referrals",
        "state",
        "tp_states",
    )

    def __init__(self, key: int, persona: int, name: str, expect: list[float], k: int) -> None:
        self.key = key
        self.persona = persona
        self.name = name
        self.level = NEUTRAL
        self.journeys = 0
        self.active = True
        self.initial = False
        self.referrals = 0
        self.expect = expect  # shared with the plan until the customer learns
        self.state = streams.derive(key, CUSTOMER_STREAM)
        self.tp_states = [0] * k


class Tally:
    """Running totals: memory grows with customers, never with visits."""

    def __init__(self, k: int) -> None:
        self.journeys = 0
        self.completed = 0
        self.abandoned = 0
        self.revenue = 0.0
        self.referrals = 0
        self.visits = [0] * k
        self.x_sum = [0.0] * k
        self.wait_sum = [0.0] * k
        self.walkouts = [0] * k
        self.peak = [0] * k
        self.trough = [0] * k


class Simulation:
    def __init__(self, plan: Plan, key: int, sink: EventSink | None = None) -> None:
        self.plan = plan
        self.key = key
        self.sink = sink
        self.env = simpy.Environment()
        self.tally = Tally(plan.size)
        self.customers: list[Customer] = []
        self.resources = [
            simpy.Resource(self.env, capacity=c) if c else None for c in plan.capacity
        ]
        self.touchpoint_keys = [streams.derive(key, s) for s in plan.salts]
        self._hot = self.hot()
        self._recovering = any(plan.recoveries)  # moments are kept only to cap recoveries

    # ---- population -------------------------------------------------------------
    def start(self) -> None:
        plan = self.plan
        from .plan import initial_counts

        counts = initial_counts(plan.customers, plan.persona_share)
        for p, count in enumerate(counts):
            psalt = plan.persona_salts[p]
            gap = plan.visit_gap[p]
            for i in range(count):
                c = self.new_customer(
                    streams.derive(self.key, psalt, INITIAL, i), p, f"{plan.persona_ids[p]}-{i}"
                )
                c.initial = True
                delay = gap * self.uniform(c) if gap else 0.0
                self.env.process(self.life(c, delay))
            if plan.arrivals[p] > 0:
                self.env.process(self.arrivals(p))

    def new_customer(self, key: int, persona: int, name: str) -> Customer:
        c = Customer(key, persona, name, self.plan.expectation[persona], self.plan.size)
        self.customers.append(c)
        return c

    def uniform(self, c: Customer) -> float:
        c.state = s = (c.state * streams.LCG_A + streams.LCG_C) & MASK
        return ((s >> 11) + 0.5) * TO_UNIT

    def arrivals(self, p: int):
        """New customers of one persona: a Poisson process at its own rate."""
        plan = self.plan
        stream = streams.Stream(streams.derive(self.key, plan.persona_salts[p], ARRIVAL))
        mean_gap = 1.0 / plan.arrivals[p]
        n = 0
        while True:
            yield self.env.timeout(stream.exponential(mean_gap))
            key = streams.derive(self.key, plan.persona_salts[p], ARRIVAL, n)
            c = self.new_customer(key, p, f"{plan.persona_ids[p]}-new{n}")
            n += 1
            self.env.process(self.life(c, 0.0))

    # ---- a customer's life ------------------------------------------------------------
    def life(self, c: Customer, delay: float):
        plan = self.plan
        env = self.env
        tally = self.tally
        p = c.persona
        gap_mean = plan.visit_gap[p]
        if delay > 0:
            yield env.timeout(delay)
        while True:
            s = c.state
            a, k = JUMPS[JOURNEY_SLOTS - 1]
            c.state = (s * a + k) & MASK
            result = yield from self.journey(c, s)
            if result is None:
                return
            remembered, completed, walked_out, peak_t, trough_t = result
            noise = 0.0
            if plan.noise:
                u1 = ((((s * A1 + K1) & MASK) >> 11) + 0.5) * TO_UNIT  # slot NOISE_1
                u2 = ((((s * A2 + K2) & MASK) >> 11) + 0.5) * TO_UNIT  # slot NOISE_2
                noise = plan.noise * math.sqrt(-2.0 * math.log(u1)) * math.cos(TWO_PI * u2)
            c.level = relationship(
                c.level if c.journeys else None, satisfaction(remembered, noise), plan.smoothing
            )
            c.journeys += 1
            tally.journeys += 1
            if completed:
                tally.completed += 1
                tally.revenue += plan.spend[p]
            if walked_out:
                tally.abandoned += 1
            tally.peak[peak_t] += 1
            tally.trough[trough_t] += 1
            if not gap_mean:
                # one journey, then active for good: a promoter refers until the horizon
                if c.level >= PROMOTER and plan.referral_rate > 0:
                    window = plan.horizon - env.now
                    self.refer(c, _slot_bits(s, REFERRALS), window)
                return
            gap = -gap_mean * math.log(((((s * A4 + K4) & MASK) >> 11) + 0.5) * TO_UNIT)
            stay = monthly_stay(c.level, plan.price_sensitivity[p], plan.loyalty)
            if stay <= 0.0:
                churn_after = 0.0
            elif stay >= 1.0:
                churn_after = math.inf
            else:
                u = ((((s * A5 + K5) & MASK) >> 11) + 0.5) * TO_UNIT  # slot CHURN
                churn_after = math.log(u) / (math.log(stay) / MONTH_MINUTES)
            if c.level >= PROMOTER and plan.referral_rate > 0:
                self.refer(c, _slot_bits(s, REFERRALS), min(gap, churn_after))
            if churn_after < gap:
                yield env.timeout(churn_after)
                c.active = False
                return
            yield env.timeout(gap)

    def refer(self, c: Customer, seed: int, window: float) -> None:
        """A promoter's referrals over the coming window: a Poisson process."""
        stream = streams.Stream(streams.derive(c.key, REFERRAL, seed))
        mean = 1.0 / self.plan.referral_rate
        t = stream.exponential(mean)
        while t < window:
            key = streams.derive(c.key, REFERRAL, c.referrals)
            friend = self.new_customer(key, c.persona, f"{c.name}-ref{c.referrals}")
            c.referrals += 1
            self.tally.referrals += 1
            self.env.process(self.life(friend, t))
            t += stream.exponential(mean)

    # ---- one journey --------------------------------------------------------------------
    def hot(self) -> tuple:
        """What the journey loop reads, bound once: local names are the fastest lookups."""
        plan, tally = self.plan, self.tally
        return (
            plan.routes, plan.channel_term, plan.weight, plan.max_wait, plan.performance,
            plan.service, plan.events, plan.recoveries, plan.walkout_x, self.resources,
            self.touchpoint_keys, tally.visits, tally.x_sum, tally.wait_sum, tally.walkouts,
            plan.patience, plan.tolerance, plan.curvature, plan.negativity,
            plan.wait_sensitivity, plan.recovery, plan.adaptation > 0, plan.size,
            [p[0] for p in plan.performance],
            [p[1] * p[4] + p[5] for p in plan.performance],  # normal: mean, scaled and shifted
            [p[2] * p[4] for p in plan.performance],  # normal: standard deviation, scaled
        )  # fmt: skip

    def journey(self, c: Customer, own: int):
        """Walk the flow from the start; returns (R, completed, walked out, peak, trough)."""
        (routes, channels, weights, max_waits, performances, services, events, recoveries,
         walkout_x, resources, tp_keys, visits, x_sum, wait_sum, walkouts, patiences, tol, a,
         lam, wait_sensitivity, recovery, learning, k, codes, locations,
         spreads) = self._hot  # fmt: skip
        env = self.env
        sink = self.sink
        p = c.persona
        route = routes[p]
        channel = channels[p]
        expect = c.expect
        states = c.tp_states
        seen: dict[int, float] | None = {} if learning else None
        occurred: dict[int, tuple[float, int] | None] | None = None
        n = 0
        total = last = peak = 0.0
        high = -math.inf
        low = math.inf
        high_t = low_t = 0
        walked_out = False
        fired: tuple[str, ...] = ()
        moments: list[float] | None = [] if self._recovering else None
        repairs: list[tuple[int, float, int, float]] | None = None

        cum, targets = route[k]
        if len(targets) > 1:
            u = ((((own * A3 + K3) & MASK) >> 11) + 0.5) * TO_UNIT  # slot START_ROUTE
            i = 0
            while u >= cum[i]:
                i += 1
            t = targets[i]
        else:
            t = targets[0]
        while t < k:
            s = states[t]
            if not s:
                s = streams.derive(tp_keys[t], c.key)
            states[t] = (s * VISIT_A + VISIT_C) & MASK
            wait = 0.0
            resource = resources[t]
            if resource is not None:
                arrived = env.now
                request = resource.request()
                if not request.triggered:
                    patience = patiences[p]
                    if patience < math.inf:
                        yield request | env.timeout(patience)
                        if not request.triggered:
                            request.cancel()
                            walked_out = True
                    else:
                        yield request
                    wait = env.now - arrived
                    wait_sum[t] += wait
                if not walked_out:
                    spec = services[t]
                    u1 = ((((s * A4 + K4) & MASK) >> 11) + 0.5) * TO_UNIT  # slot 3
                    if spec[0] == EXP:
                        service = -spec[1] * log(u1) * spec[4] + spec[5]
                    else:
                        service = draw(spec, u1, ((((s * A5 + K5) & MASK) >> 11) + 0.5) * TO_UNIT)
                    yield env.timeout(service if service > 0.0 else 0.0)
                    resource.release(request)
            else:
                arrived = env.now
            if walked_out:
                x = walkout_x[t]
                walkouts[t] += 1
            else:
                code = codes[t]
                if code == NORMAL:
                    u1 = ((((s * A2 + K2) & MASK) >> 11) + 0.5) * TO_UNIT  # slot 1
                    u2 = ((((s * A3 + K3) & MASK) >> 11) + 0.5) * TO_UNIT  # slot 2
                    performance = locations[t] + spreads[t] * sqrt(-2.0 * log(u1)) * cos(
                        TWO_PI * u2
                    )
                elif code == CONSTANT:
                    performance = locations[t]
                else:
                    performance = draw(performances[t], _slot(s, 1), _slot(s, 2))
                if performance < 1.0:
                    performance = 1.0
                elif performance > 5.0:
                    performance = 5.0
                d = performance - expect[t] + channel[t]
                if wait:
                    max_wait = max_waits[t]
                    if max_wait and wait > max_wait:
                        over = (wait - max_wait) / max_wait
                        d -= wait_sensitivity * (over if over < 3.0 else 3.0)
                if d > tol:
                    x = weights[t] * (d - tol) ** a
                elif d < -tol:
                    x = -weights[t] * lam * (-d - tol) ** a
                else:
                    x = 0.0
                if occurred:
                    for salt, chance, gid in recoveries[t]:
                        hurt = occurred.get(gid)
                        if hurt and _hashed(s, salt) < chance:
                            x -= recovery * hurt[0]
                            occurred[gid] = None
                            if repairs is None:
                                repairs = []
                            repairs.append((hurt[1], hurt[0], n, -recovery * hurt[0]))
                if sink is not None:
                    fired = ()
                for salt, chance, gain, disappoints, gid in events[t]:
                    z = ((s ^ salt) * 0xBF58476D1CE4E5B9) & MASK  # _hashed(s, salt), inlined
                    z = ((z ^ (z >> 31)) * 0x94D049BB133111EB) & MASK
                    if (((z ^ (z >> 29)) >> 11) + 0.5) * TO_UNIT < chance:
                        x += gain
                        if disappoints:
                            if occurred is None:
                                occurred = {}
                            occurred[gid] = (gain, n)  # its share of x, and which moment
                        if sink is not None:
                            fired += (self.plan.event_names[gid],)
                if seen is not None:
                    seen[t] = performance
            visits[t] += 1
            x_sum[t] += x
            if sink is not None:
                plan = self.plan
                sink((c.name, plan.persona_ids[p], c.journeys + 1, plan.touchpoint_ids[t],
                      arrived, wait, x, fired))  # fmt: skip
            if moments is not None:
                moments.append(x)
            n += 1
            total += x
            last = x
            if x > high:
                high, high_t = x, t
            if x < low:
                low, low_t = x, t
            if x * x >= peak * peak:
                peak = x
            if walked_out:
                t = k + 1
                break
            cum, targets = route[t]
            if len(targets) > 1:
                u = ((((s * A1 + K1) & MASK) >> 11) + 0.5) * TO_UNIT  # ROUTE_SLOT
                i = 0
                while u >= cum[i]:
                    i += 1
                t = targets[i]
            else:
                t = targets[0]
        plan = self.plan
        if seen:
            if expect is plan.expectation[p]:
                expect = c.expect = list(expect)
            rate = plan.adaptation
            for tp, performance in seen.items():
                expect[tp] += rate * (performance - expect[tp])
        rule = plan.memory
        if n == 0:
            remembered = 0.0
        elif rule == "blend":
            remembered = 0.25 * (
                (high if high > 0 else 0.0) + (low if low < 0 else 0.0) + last + total / n
            )
        elif rule == "peak_end":
            remembered = (peak + last) / 2
        else:
            remembered = total / n
        if repairs and moments is not None:
            remembered = at_best_restored(moments, repairs, rule, remembered)
        return remembered, t == k, walked_out, high_t, low_t

    # ---- the end ---------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        self.start()
        self.env.run(until=self.plan.horizon)
        return self.summary()

    def summary(self) -> dict[str, Any]:
        plan = self.plan
        tally = self.tally
        active = [c.level for c in self.customers if c.active]
        initial = [c for c in self.customers if c.initial]
        can_churn = any(plan.visit_gap[c.persona] for c in initial)
        journeys = tally.journeys
        n_active = len(active)
        promoters = sum(1 for x in active if x >= PROMOTER)
        detractors = sum(1 for x in active if x < DETRACTOR)
        metrics = {
            "journeys": float(journeys),
            "completion": tally.completed / journeys if journeys else None,
            "abandonment": tally.abandoned / journeys if journeys else None,
            "satisfaction": sum(active) / n_active if n_active else None,
            "nps": 100.0 * (promoters - detractors) / n_active if n_active else None,
            "promoters": promoters / n_active if n_active else None,
            "detractors": detractors / n_active if n_active else None,
            "retention": (
                sum(1 for c in initial if c.active) / len(initial)
                if initial and can_churn
                else None
            ),
            "active": float(n_active),
            "revenue": tally.revenue,
            "referrals": float(tally.referrals),
        }
        touchpoints = {}
        for t, tp_id in enumerate(plan.touchpoint_ids):
            visits = tally.visits[t]
            entry: dict[str, float | None] = {"visits": float(visits)}
            if plan.capacity[t]:
                entry["wait_mean"] = tally.wait_sum[t] / visits if visits else None
            entry["abandon_rate"] = tally.walkouts[t] / visits if visits else 0.0
            entry["experience_mean"] = tally.x_sum[t] / visits if visits else None
            entry["peak_share"] = tally.peak[t] / journeys if journeys else 0.0
            entry["trough_share"] = tally.trough[t] / journeys if journeys else 0.0
            touchpoints[tp_id] = entry
        return {"metrics": metrics, "touchpoints": touchpoints}


def _slot(state: int, slot: int) -> float:
    """The uniform in (0, 1) at a slot of a block that starts at `state`."""
    a, c = JUMPS[slot]
    return ((((state * a + c) & MASK) >> 11) + 0.5) * TO_UNIT


def at_best_restored(
    moments: list[float], repairs: list[tuple[int, float, int, float]], rule: str, remembered: float
) -> float:
    """A recovered failure restores satisfaction at best (de Matos et al. 2007).

    The recovery's gain can make the recovering moment a peak and an end; the memory
    is capped at that of the same journey without the recovered failures and their
    recoveries. `repairs`: (failing moment, its loss, recovering moment, its gain).
    """
    clean = list(moments)
    for failed, loss, recovered, gain in repairs:
        clean[failed] -= loss
        clean[recovered] -= gain
    return min(remembered, remember(clean, rule))


def _hashed(state: int, salt: int) -> float:
    """A uniform in (0, 1) for a named draw of the visit whose block starts at `state`."""
    z = ((state ^ salt) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 31)) * 0x94D049BB133111EB) & MASK
    return (((z ^ (z >> 29)) >> 11) + 0.5) * TO_UNIT


def _slot_bits(state: int, slot: int) -> int:
    a, c = JUMPS[slot]
    return (state * a + c) & MASK


def run_replication(plan: Plan, key: int, sink: EventSink | None = None) -> dict[str, Any]:
    return Simulation(plan, key, sink).run()
