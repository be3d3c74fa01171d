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
from typing import Any

import numpy as np
import simpy
from simpy.core import NORMAL as _NORMAL
from simpy.events import Event

from . import kernel, streams
from .plan import MAX_STEPS, Plan, initial_counts
from .queue import Queue
from .tables import Tables
from .tally import SCALE, Tally

EventSink = Callable[[tuple[Any, ...]], None]
signed = streams.signed
# the draws' names as the kernel's keys travel to and from Python (signed 64-bit)
JOURNEYS, REFERRALS = signed(streams.JOURNEYS), signed(streams.REFERRALS)
REFERRAL_CLOCK, BIRTH = signed(streams.REFERRAL_CLOCK), signed(streams.BIRTH)
NEUTRAL, PROMOTER = kernel.NEUTRAL, kernel.PROMOTER
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
    """A customer as a few numbers: its key, persona, level and per-touchpoint counters.

    Its key is the kernel's 64-bit key as a signed integer (the same bits)."""

    __slots__ = (
        "active",
        "expect",
        "initial",
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
        self.visits = [0] * k


def customer_name(plan: Plan, c: Customer) -> str:
    return f"{plan.persona_ids[c.persona]}-{c.key & streams.MASK:016x}"


class Simulation:
    def __init__(self, plan: Plan, key: int, sink: EventSink | None = None) -> None:
        self.plan = plan
        self.key = key
        self.sink = sink
        self.env = simpy.Environment()
        self.tally = Tally(plan)
        self.tables = tb = Tables(plan)
        self.queues = [
            Queue(c, plan.staffing[t]) if c else None for t, c in enumerate(plan.capacity)
        ]
        self.recovering = any(plan.recoveries)  # moments are kept only to cap recoveries
        k = plan.size
        # per persona and node: the cumulative shares (an array row for the kernel), the
        # targets and the rows of the edges' delays (lists: Python reads them fastest)
        self.cum = [[tb.cum[p, node] for node in range(k + 1)] for p in range(len(tb.cum))]
        self.edge = [[row.tolist() for row in per] for per in tb.edge]
        self.hot = (
            k, plan.routes, plan.channel_term, [signed(s) for s in plan.salts], self.queues,
            plan.patience, plan.recoveries, plan.events, plan.walkout_x, plan.recovery,
            plan.adaptation > 0, plan.horizon, self.tally.busy, plan.timed,
            tb.tp[:, kernel.AFTER].astype(int).tolist(),
            tb.tp[:, kernel.SERVICE_ROW].astype(int).tolist(), tb.tp, tb.delays,
            tb.event_salts, tb.events, tb.model,
        )  # fmt: skip  # what the journey loop reads, bound once: locals are fastest
        self.memory = kernel.MEMORY_RULES[plan.memory]

    # ---- population -------------------------------------------------------------
    def start(self) -> None:
        plan = self.plan
        for p, count in enumerate(initial_counts(plan.customers, plan.persona_share)):
            base = signed(streams.derive(self.key, plan.persona_salts[p], streams.INITIAL))
            gap = plan.visit_gap[p]
            profile = plan.profile[p]
            for i in range(count):
                c = self.new_customer(kernel.mix_signed(base ^ i), p)
                c.initial = True
                self.tally.arrive(0.0, True)
                delay = gap * kernel.draw_signed(c.key, BIRTH) if gap else 0.0
                if profile is not None:
                    delay = profile.to_real(delay)
                if delay < plan.horizon:  # a first visit after the horizon never happens
                    self.env.process(self.life(c, delay))
            if plan.arrivals[p] > 0:
                self.env.process(self.arrivals(p))

    def new_customer(self, key: int, persona: int) -> Customer:
        plan = self.plan
        return Customer(key, persona, plan.expectation[persona], plan.size)

    def arrivals(self, p: int):
        """New customers of one persona: a Poisson process at its own rate."""
        plan = self.plan
        base = signed(streams.derive(self.key, plan.persona_salts[p], streams.ARRIVALS))
        rate = plan.arrivals[p]
        profile = plan.profile[p]
        ordinary = 0.0  # the clock on which a profile's arrivals are a plain Poisson process
        n = 0
        while True:
            gap = kernel.arrival_gap(base, n, rate)
            if profile is None:
                yield self.env.timeout(gap)
            else:
                ordinary += gap
                yield At(self.env, profile.to_real(ordinary))
            c = self.new_customer(kernel.mix_signed(base ^ n), p)
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
        price = plan.price_sensitivity[p]
        profile = plan.profile[p]
        model = self.tables.model
        if delay > 0:
            yield env.timeout(delay)
        while True:
            jkey = kernel.visit_key(c.key, JOURNEYS, c.journeys)
            remembered = yield from self.journey(c, jkey)
            now = env.now
            old = c.level
            level, gap, leave = kernel.after_journey(
                jkey, remembered, old, c.journeys == 0, gap_mean, price, model
            )
            c.level = level
            c.journeys += 1
            tally.level(now, old, level)
            promoter = level >= PROMOTER and plan.referral_rate > 0
            if not gap_mean:
                # one journey, then active for good: a promoter refers until the horizon
                if promoter:
                    self.refer(c, jkey, now, math.inf)
                return
            if profile is not None:  # the gap is drawn on the profile's clock
                then = profile.to_real(profile.to_ordinary(now) + gap)
                gap = then - now
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
        clock_base = kernel.mix_signed(jkey ^ REFERRAL_CLOCK)
        friends = kernel.mix_signed(c.key ^ REFERRALS)
        clock = 0.0
        step = 0
        while True:
            clock += kernel.referral_gap(clock_base, step, rate)
            step += 1
            if not (clock < window and now + clock < plan.horizon):
                return
            friend = self.new_customer(kernel.visit_key(friends, 0, c.referrals), c.persona)
            c.referrals += 1
            self.tally.referrals += 1
            self.tally.arrive(now + clock, False)
            self.env.process(self.life(friend, clock))

    # ---- one journey --------------------------------------------------------------------
    def journey(self, c: Customer, jkey: int):
        """Walk the flow from the start; returns R, the remembered journey.

        A customer's first journey starts where the flow starts, later ones where its
        persona's repeat journeys start. The journey's visits are counted when it ends,
        so a journey still under way at the horizon counts nowhere (docs/model.md). Each
        visit's arithmetic is one call of the kernel (`kernel.visit`).
        """
        plan = self.plan
        env = self.env
        sink = self.sink
        (k, routes, channels, salts, queues, patiences, recoveries, events, walkout_x,
         recovery, learning, horizon, busy, timed, afters, services, tp, delays,
         event_salts, event_table, model) = self.hot  # fmt: skip
        visit, arrival_delay = kernel.visit, kernel.arrival_delay
        p = c.persona
        route = routes[p]
        cum_rows = self.cum[p]
        edge_rows = self.edge[p]
        channel = channels[p]
        expect = c.expect
        visits = c.visits
        key = c.key
        seen: dict[int, float] = {}
        occurred: dict[int, tuple[float, int] | None] = {}
        moments: list[float] | None = [] if self.recovering else None
        repairs: list[tuple[int, float, int, float]] = []
        pending: list[tuple[int, float, float, bool, float, float, float]] = []
        n = 0
        running = np.array([0.0, 0.0, 0.0, -math.inf, math.inf, 0.0, 0.0, 0.0])
        walked_out = cut = False
        begin = env.now
        edge = -1  # the delay row of the edge the next visit comes by

        repeat_start = plan.repeat_start[p]
        if c.journeys and repeat_start < k:
            t = repeat_start
        else:
            targets = route[k][1]
            i = 0 if len(targets) == 1 else kernel.journey_choice(cum_rows[k], jkey)
            t = targets[i]
            edge = edge_rows[k][i]
        while t < k:
            if n >= MAX_STEPS:
                cut = True
                break
            count = visits[t]
            visits[t] = count + 1
            queue = queues[t]
            delay = queued = 0.0
            arrived = env.now
            recover = bool(occurred) and bool(recoveries[t])
            if not timed and queue is None:  # nothing before the moment: one kernel call
                x, performance, fired, i, took, vkey = kernel.free_visit(
                    tp, delays, event_salts, event_table, cum_rows[t], t, key, salts[t], count,
                    expect[t], channel[t], model, running, not recover,
                )  # fmt: skip
                wait = 0.0
            else:
                vkey = kernel.visit_key(key, salts[t], count)
                if timed:
                    delay = arrival_delay(delays, edge, afters[t], vkey)
                    if delay > 0.0:
                        yield env.timeout(delay)
                    arrived = env.now
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
                        service = kernel.service_time(delays, services[t], vkey)
                        if start < horizon:
                            left = horizon - start
                            busy[t] += service if service < left else left
                        queue.take(server, start + service)
                        yield At(env, start + service)
                wait = delay + queued  # what the customer feels: on the way and in the queue
                fired = 0
                took = 0.0
                if walked_out:
                    x = walkout_x[t]
                    kernel.note(running, t, x)
                else:
                    x, performance, fired, i, took = visit(
                        tp, delays, event_salts, event_table, cum_rows[t], t, vkey, expect[t],
                        channel[t], wait, model, running, not recover,
                    )  # fmt: skip
            if not walked_out:
                if recover:
                    for salt, chance, gid in recoveries[t]:
                        hurt = occurred.get(gid)
                        if hurt and streams.draw(vkey, salt) < chance:
                            gain = -recovery * hurt[0]
                            x += gain
                            occurred[gid] = None
                            repairs.append((hurt[1], hurt[0], n, gain))
                    x, fired = kernel.events_of(x, tp, event_salts, event_table, t, vkey)
                    kernel.note(running, t, x)
                if fired and (sink is not None or self.recovering):
                    for e, (_, _, gain, disappoints, gid) in enumerate(events[t]):
                        if fired >> e & 1 and disappoints:
                            occurred[gid] = (gain, n)
                if learning:
                    seen[t] = performance
            pending.append((t, x, wait, walked_out, delay, queued, arrived))
            if sink is not None:
                names = tuple(plan.event_names[ev[4]] for e, ev in enumerate(events[t])
                              if fired >> e & 1)  # fmt: skip
                sink((customer_name(plan, c), plan.persona_ids[p], c.journeys + 1,
                      plan.touchpoint_ids[t], arrived, queued, x, names, delay,
                      env.now + took))  # fmt: skip
            if took > 0.0:
                yield env.timeout(took)
            if moments is not None:
                moments.append(x)
            n += 1
            if walked_out:
                t = k + 1
                break
            edge = edge_rows[t][i]
            t = route[t][1][i]
        if seen:
            if expect is plan.expectation[p]:
                expect = c.expect = list(expect)
            rate = plan.adaptation
            for tp_, performance in seen.items():
                expect[tp_] += rate * (performance - expect[tp_])
        remembered = kernel.recall_running(running, self.memory)
        if repairs and moments is not None:
            remembered = kernel.restored_at_best(
                np.array(moments), n, np.array(repairs, dtype=np.float64), len(repairs),
                self.memory, remembered,
            )  # fmt: skip
        self.count(c, pending, begin, completed=t == k, walked_out=walked_out, cut=cut)
        if n:
            self.tally.peak[int(running[kernel.J_HIGH_T])] += 1
            self.tally.trough[int(running[kernel.J_LOW_T])] += 1
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


def run_replication(plan: Plan, key: int, sink: EventSink | None = None) -> dict[str, Any]:
    return Simulation(plan, key, sink).run()
