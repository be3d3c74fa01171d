"""The SimPy engine: customers live, make journeys, queue, remember, churn, refer.

SimPy only schedules: a customer is one process that waits between journeys, before a
visit that has a delay, while a step takes time, and at queued touchpoints (one timeout
per queued visit: queue.py computes the wait from the servers' free times). A
touchpoint that takes no time costs no SimPy event. The model's arithmetic is the
kernel's (experience.py, loyalty.py, distributions.py), its random numbers the
counter-based draws of streams.py, and its totals the shared Tally, so on a journey
without queues this engine and the batched one give the same bits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from heapq import heappush
from math import cos, log, sqrt
from typing import Any

import simpy
from simpy.core import NORMAL as _NORMAL
from simpy.events import Event

from . import streams
from .distributions import CONSTANT, NORMAL, draw, standard_normal
from .experience import recall, remember
from .loyalty import (
    NEUTRAL,
    PROMOTER,
    churn_after,
    journey_satisfaction,
    monthly_stay,
    relationship,
)
from .plan import MAX_STEPS, Plan, initial_counts
from .queue import Queue
from .tally import SCALE, Tally

EventSink = Callable[[tuple[Any, ...]], None]
mix, nth, unit, pair = streams.mix, streams.nth, streams.unit, streams.pair
stream_draw = streams.draw
MASK, GOLDEN, C1, C2 = streams.MASK, streams.GOLDEN, streams.C1, streams.C2
TO_UNIT, TO_UNIT_32, LOW_32 = streams.TO_UNIT, streams.TO_UNIT_32, streams.LOW_32
PERFORMANCE = streams.PERFORMANCE
TWO_PI = 2.0 * math.pi
HOUR, WEEK = 60.0, 7 * 24 * 60.0


class At(Event):
    """An event at an absolute time: `start + service` lands on exactly that float,
    where a timeout of `start + service - now` could miss it by a rounding."""

    def __init__(self, env: simpy.Environment, when: float) -> None:
        self.env = env
        self.callbacks = []
        self._value = None
        self._ok = True
        heappush(env._queue, (when, _NORMAL, next(env._eid), self))


class Customer:
    """A customer as a few numbers: its key, persona, level and per-touchpoint counters."""

    __slots__ = (
        "active",
        "expect",
        "initial",
        "journey_base",
        "journeys",
        "key",
        "level",
        "persona",
        "referrals",
        "visits",
    )

    def __init__(self, key: int, persona: int, expect: list[float], k: int) -> None:
        self.key = key
        self.persona = persona
        self.level = NEUTRAL
        self.journeys = 0
        self.active = True
        self.initial = False
        self.referrals = 0
        self.expect = expect  # shared with the plan until the customer learns
        self.journey_base = key ^ streams.JOURNEYS  # journey j's key: nth(journey_base, j)
        self.visits = [0] * k


def customer_name(plan: Plan, c: Customer) -> str:
    return f"{plan.persona_ids[c.persona]}-{c.key:016x}"


class Simulation:
    def __init__(self, plan: Plan, key: int, sink: EventSink | None = None) -> None:
        self.plan = plan
        self.key = key
        self.sink = sink
        self.env = simpy.Environment()
        self.tally = Tally(plan)
        self.queues = [
            Queue(c, plan.staffing[t]) if c else None for t, c in enumerate(plan.capacity)
        ]
        self.recovering = any(plan.recoveries)  # moments are kept only to cap recoveries
        self.hot = (
            plan.size, plan.routes, plan.channel_term, plan.weight, plan.performance,
            plan.salts, self.queues, plan.patience, plan.service, plan.max_wait,
            plan.recoveries, plan.events, plan.walkout_x, plan.tolerance, plan.curvature,
            plan.negativity, plan.wait_sensitivity, plan.recovery, plan.adaptation > 0,
            plan.horizon, self.tally.busy, plan.timed, plan.after, plan.takes,
            plan.edge_after,
        )  # fmt: skip  # what the journey loop reads, bound once: locals are fastest

    # ---- population -------------------------------------------------------------
    def start(self) -> None:
        plan = self.plan
        for p, count in enumerate(initial_counts(plan.customers, plan.persona_share)):
            base = streams.derive(self.key, plan.persona_salts[p], streams.INITIAL)
            gap = plan.visit_gap[p]
            profile = plan.profile[p]
            for i in range(count):
                c = self.new_customer(mix(base ^ i), p)
                c.initial = True
                self.tally.arrive(0.0, True)
                delay = gap * stream_draw(c.key, streams.BIRTH) if gap else 0.0
                if profile is not None:
                    delay = profile.to_real(delay)
                self.env.process(self.life(c, delay))
            if plan.arrivals[p] > 0:
                self.env.process(self.arrivals(p))

    def new_customer(self, key: int, persona: int) -> Customer:
        plan = self.plan
        return Customer(key, persona, plan.expectation[persona], plan.size)

    def arrivals(self, p: int):
        """New customers of one persona: a Poisson process at its own rate."""
        plan = self.plan
        base = streams.derive(self.key, plan.persona_salts[p], streams.ARRIVALS)
        rate = plan.arrivals[p]
        profile = plan.profile[p]
        ordinary = 0.0  # the clock on which a profile's arrivals are a plain Poisson process
        n = 0
        while True:
            gap = -math.log(stream_draw(nth(base, n), streams.ARRIVAL_GAP)) / rate
            if profile is None:
                yield self.env.timeout(gap)
            else:
                ordinary += gap
                yield At(self.env, profile.to_real(ordinary))
            c = self.new_customer(mix(base ^ n), p)
            n += 1
            self.tally.arrive(self.env.now, False)
            self.env.process(self.life(c, 0.0))

    # ---- a customer's life ------------------------------------------------------------
    def life(self, c: Customer, delay: float):
        plan = self.plan
        env = self.env
        tally = self.tally
        p = c.persona
        gap_mean = plan.visit_gap[p]
        profile = plan.profile[p]
        if delay > 0:
            yield env.timeout(delay)
        while True:
            jkey = nth(c.journey_base, c.journeys)
            remembered = yield from self.journey(c, jkey)
            now = env.now
            z = 0.0
            if plan.noise:
                z = standard_normal(*pair(mix(jkey ^ streams.NOISE)))
            s = journey_satisfaction(remembered, plan.noise, z)
            old = c.level
            level = relationship(old if c.journeys else None, s, plan.smoothing)
            c.level = level
            c.journeys += 1
            tally.level(now, old, level)
            promoter = level >= PROMOTER and plan.referral_rate > 0
            if not gap_mean:
                # one journey, then active for good: a promoter refers until the horizon
                if promoter:
                    self.refer(c, jkey, now, math.inf)
                return
            u_gap, u_churn = pair(mix(jkey ^ streams.LEAVE))
            gap = -gap_mean * math.log(u_gap)
            if profile is not None:  # the gap is drawn on the profile's clock
                then = profile.to_real(profile.to_ordinary(now) + gap)
                gap = then - now
            leave = churn_after(
                monthly_stay(level, plan.price_sensitivity[p], plan.loyalty), u_churn
            )
            if promoter:
                self.refer(c, jkey, now, gap if gap < leave else leave)
            if leave < gap:
                if now + leave < plan.horizon:
                    c.active = False
                    tally.leave(now + leave, level, c.initial)
                return
            yield env.timeout(gap) if profile is None else At(env, then)

    def refer(self, c: Customer, jkey: int, now: float, window: float) -> None:
        """A promoter's referrals over the coming window: a Poisson process.

        Nothing happens after the horizon: a referral that would arrive later is not made.
        """
        plan = self.plan
        rate = plan.referral_rate
        clock_base = mix(jkey ^ streams.REFERRAL_CLOCK)
        friends = mix(c.key ^ streams.REFERRALS)
        clock = 0.0
        step = 0
        while True:
            clock += -math.log(unit(nth(clock_base, step))) / rate
            step += 1
            if not (clock < window and now + clock < plan.horizon):
                return
            friend = self.new_customer(nth(friends, c.referrals), c.persona)
            c.referrals += 1
            self.tally.referrals += 1
            self.tally.arrive(now + clock, False)
            self.env.process(self.life(friend, clock))

    # ---- one journey --------------------------------------------------------------------
    def journey(self, c: Customer, jkey: int):
        """Walk the flow from the start; returns R, the remembered journey.

        A customer's first journey starts where the flow starts, later ones where its
        persona's repeat journeys start. The journey's visits are counted when it ends,
        so a journey still under way at the horizon counts nowhere (MODEL.md).
        """
        plan = self.plan
        env = self.env
        sink = self.sink
        (k, routes, channels, weights, performances, salts, queues, patiences, services,
         max_waits, recoveries, events, walkout_x, tol, a, lam, wait_sensitivity, recovery,
         learning, horizon, busy, timed, afters, takes, edge_after) = self.hot  # fmt: skip
        p = c.persona
        route = routes[p]
        channel = channels[p]
        expect = c.expect
        seen: dict[int, float] = {}
        occurred: dict[int, tuple[float, int] | None] = {}
        moments: list[float] | None = [] if self.recovering else None
        repairs: list[tuple[int, float, int, float]] = []
        pending: list[tuple[int, float, float, bool, float, float, float]] = []
        n = 0
        total = last = peak = 0.0
        high, low = -math.inf, math.inf
        high_t = low_t = 0
        walked_out = cut = False
        begin = env.now
        edge = None  # the delay of the edge the next visit comes by

        repeat_start = plan.repeat_start[p]
        if c.journeys and repeat_start < k:
            t = repeat_start
        else:
            cum, targets = route[k]
            i = 0 if len(targets) == 1 else _index(cum, unit(jkey))
            t = targets[i]
            if timed and edge_after[p][k] is not None:
                edge = edge_after[p][k][i]
        while t < k:
            if n >= MAX_STEPS:
                cut = True
                break
            count = c.visits[t]
            c.visits[t] = count + 1
            base = c.key ^ salts[t]  # a SplitMix64 stream per customer and touchpoint
            # vkey = nth(base, count), inlined (held to streams.nth by the engine tests)
            z = (base + count * GOLDEN + GOLDEN) & MASK
            z = ((z ^ (z >> 30)) * C1) & MASK
            z = ((z ^ (z >> 27)) * C2) & MASK
            vkey = z ^ (z >> 31)
            delay = 0.0
            if timed:
                delay = _delay(edge, vkey, streams.EDGE_DELAY) + _delay(
                    afters[t], vkey, streams.DELAY
                )
                if delay > 0.0:
                    yield env.timeout(delay)
            wait = queued = 0.0
            arrived = env.now
            queue = queues[t]
            if queue is not None:
                start, server = queue.start(arrived)
                patience = patiences[p]
                if start > arrived + patience:
                    walked_out = True
                    yield At(env, arrived + patience)
                    queued = env.now - arrived
                elif start == math.inf:  # no server will ever come: the journey never ends
                    yield env.event()
                else:
                    queued = start - arrived
                    service = _sample(services[t], vkey, streams.SERVICE)
                    service = service if service > 0.0 else 0.0
                    if start < horizon:
                        left = horizon - start
                        busy[t] += service if service < left else left
                    queue.take(server, start + service)
                    yield At(env, start + service)
            wait = delay + queued  # what the customer feels: on the way and in the queue
            fired: tuple[str, ...] = ()
            if walked_out:
                x = walkout_x[t]
            else:
                spec = performances[t]
                code = spec[0]
                if code == CONSTANT:
                    performance = spec[1] * spec[4] + spec[5]
                else:
                    z = (vkey ^ PERFORMANCE) + GOLDEN & MASK  # pair(mix(vkey ^ PERFORMANCE))
                    z = ((z ^ (z >> 30)) * C1) & MASK
                    z = ((z ^ (z >> 27)) * C2) & MASK
                    z ^= z >> 31
                    u1 = ((z >> 32) + 0.5) * TO_UNIT_32
                    u2 = ((z & LOW_32) + 0.5) * TO_UNIT_32
                    if code == NORMAL:
                        performance = (
                            spec[1] + spec[2] * (sqrt(-2.0 * log(u1)) * cos(TWO_PI * u2))
                        ) * spec[4] + spec[5]
                    else:
                        performance = draw(spec, u1, u2)
                if performance < 1.0:
                    performance = 1.0
                elif performance > 5.0:
                    performance = 5.0
                d = performance - expect[t] + channel[t]
                max_wait = max_waits[t]
                if wait and max_wait and wait > max_wait:
                    over = (wait - max_wait) / max_wait
                    d -= wait_sensitivity * (over if over < 3.0 else 3.0)
                if d > tol:  # x = weight * felt(d, ...), inlined
                    x = weights[t] * (d - tol) ** a
                elif d < -tol:
                    x = weights[t] * -(lam * (-(d + tol)) ** a)
                else:
                    x = weights[t] * 0.0
                if occurred:
                    for salt, chance, gid in recoveries[t]:
                        hurt = occurred.get(gid)
                        if hurt and stream_draw(vkey, salt) < chance:
                            gain = -recovery * hurt[0]
                            x += gain
                            occurred[gid] = None
                            repairs.append((hurt[1], hurt[0], n, gain))
                for salt, chance, gain, disappoints, gid in events[t]:
                    z = (vkey ^ salt) + GOLDEN & MASK  # stream_draw(vkey, salt), inlined
                    z = ((z ^ (z >> 30)) * C1) & MASK
                    z = ((z ^ (z >> 27)) * C2) & MASK
                    if (((z ^ (z >> 31)) >> 11) + 0.5) * TO_UNIT < chance:
                        x += gain
                        if disappoints:
                            occurred[gid] = (gain, n)
                        if sink is not None:
                            fired += (plan.event_names[gid],)
                if learning:
                    seen[t] = performance
            took = 0.0
            if timed and not walked_out:
                took = _delay(takes[t], vkey, streams.TAKES)
            pending.append((t, x, wait, walked_out, delay, queued, arrived))
            if sink is not None:
                sink((customer_name(plan, c), plan.persona_ids[p], c.journeys + 1,
                      plan.touchpoint_ids[t], arrived, queued, x, fired, delay,
                      env.now + took))  # fmt: skip
            if took > 0.0:
                yield env.timeout(took)
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
            i = 0 if len(targets) == 1 else _index(cum, unit(vkey))
            if timed:
                delays = edge_after[p][t]
                edge = delays[i] if delays is not None else None
            t = targets[i]
        if seen:
            if expect is plan.expectation[p]:
                expect = c.expect = list(expect)
            rate = plan.adaptation
            for tp, performance in seen.items():
                expect[tp] += rate * (performance - expect[tp])
        remembered = recall(plan.memory, n, total, last, high, low, peak)
        if repairs and moments is not None:
            remembered = at_best_restored(moments, repairs, plan.memory, remembered)
        self.count(c, pending, begin, completed=t == k, walked_out=walked_out, cut=cut)
        if n:
            self.tally.peak[high_t] += 1
            self.tally.trough[low_t] += 1
        return remembered

    def count(
        self, c: Customer, pending, begin: float, *, completed: bool, walked_out: bool, cut: bool
    ) -> None:
        tally = self.tally
        plan = self.plan
        capacity = plan.capacity
        busy_hours = plan.busy_hours
        visits, x_sum, wait_sum = tally.visits, tally.x_sum, tally.wait_sum
        for t, x, _, walked, delay, queued, arrived in pending:
            visits[t] += 1
            x_sum[t] += int(x * SCALE)  # tally.fixed, inlined
            if capacity[t]:
                wait_sum[t] += int(queued * SCALE)
                if busy_hours is not None and busy_hours[int(arrived % WEEK // HOUR)]:
                    tally.busy_wait_sum[t] += int(queued * SCALE)
                    tally.busy_visits[t] += 1
            if delay:
                tally.delay_sum[t] += int(delay * SCALE)
            if walked:
                tally.walkouts[t] += 1
        tally.journeys += 1
        now = self.env.now
        if plan.timed:
            tally.ended(now, now - begin)
        if completed:
            tally.complete(now, c.persona)
        if walked_out:
            tally.abandoned += 1
        if cut:
            tally.cut += 1

    def run(self) -> dict[str, Any]:
        self.start()
        self.env.run(until=self.plan.horizon)
        return self.tally.summary()


def _index(cum: list[float], u: float) -> int:
    """Which edge a uniform u takes where there is a choice."""
    i = 0
    while u >= cum[i]:
        i += 1
    return i


def _delay(s, vkey: int, name: int) -> float:
    """A delay's draw (never below 0); 0 when there is none."""
    if s is None:
        return 0.0
    x = _sample(s, vkey, name)
    return x if x > 0.0 else 0.0


def _sample(s, vkey: int, name: int) -> float:
    """A draw of a compiled distribution; a constant needs no hash."""
    if s[0] == CONSTANT:
        return draw(s, 0.5, 0.5)
    u1, u2 = pair(mix(vkey ^ name))
    return draw(s, u1, u2)


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


def run_replication(plan: Plan, key: int, sink: EventSink | None = None) -> dict[str, Any]:
    return Simulation(plan, key, sink).run()
