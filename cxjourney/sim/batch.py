"""The batched engine: journeys without queues, every customer at once, in numpy.

Without a queue customers never meet, so the event list of a SimPy run reduces to each
customer's own timeline (delays and steps that take time only move that customer's
clock). This engine advances all customers' next journeys together, one round per
journey number. It differs from the
SimPy engine only in scheduling: the same counter-based draws (streams.py), the same
kernel (the `_v` twins in experience.py, loyalty.py and distributions.py) and the same
Tally, so on a journey without queues both give the same bits.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import libm, streams
from .distributions import CONSTANT, draw_v, standard_normal_v
from .engine import at_best_restored
from .experience import felt_v, recall_v
from .loyalty import (
    NEUTRAL,
    PROMOTER,
    churn_after_v,
    journey_satisfaction_v,
    monthly_stay_v,
    relationship_v,
)
from .plan import MAX_STEPS, Plan, initial_counts
from .tally import Tally, fixed_v

U64 = np.uint64
mix_v, nth_v, draw_u, unit_v = streams.mix_v, streams.nth_v, streams.draw_v, streams.unit_v
pair_v = streams.pair_v


class Population:
    """Every customer's state, in arrays that grow as customers arrive."""

    def __init__(self, k: int, capacity: int = 1024) -> None:
        self.k = k
        self.size = 0
        self._allocate(max(capacity, 16))

    def _allocate(self, capacity: int) -> None:
        def grow(old: np.ndarray | None, shape: tuple[int, ...], dtype, fill) -> np.ndarray:
            new = np.full(shape, fill, dtype=dtype)
            if old is not None:
                new[: self.size] = old[: self.size]
            return new

        k = self.k
        get = self.__dict__.get
        self.key = grow(get("key"), (capacity,), np.uint64, 0)
        self.journey_base = grow(get("journey_base"), (capacity,), np.uint64, 0)
        self.persona = grow(get("persona"), (capacity,), np.int64, 0)
        self.next_time = grow(get("next_time"), (capacity,), np.float64, np.inf)
        self.level = grow(get("level"), (capacity,), np.float64, NEUTRAL)
        self.journeys = grow(get("journeys"), (capacity,), np.int64, 0)
        self.active = grow(get("active"), (capacity,), bool, True)
        self.initial = grow(get("initial"), (capacity,), bool, False)
        self.referrals = grow(get("referrals"), (capacity,), np.int64, 0)
        self.expect = grow(get("expect"), (capacity, k), np.float64, 0.0)
        self.visits = grow(get("visits"), (capacity, k), np.int64, 0)
        self.capacity = capacity

    def add(self, keys, persona, times, expectation, *, initial: bool = False) -> None:
        n = len(keys)
        if n == 0:
            return
        if self.size + n > self.capacity:
            self._allocate(max(2 * self.capacity, self.size + n))
        s = slice(self.size, self.size + n)
        self.key[s] = keys
        self.journey_base[s] = keys ^ U64(streams.JOURNEYS)
        self.persona[s] = persona
        self.next_time[s] = times
        self.initial[s] = initial
        self.expect[s] = expectation[persona]
        self.size += n


class Tables:
    """The plan as padded numpy arrays, indexed by touchpoint and persona."""

    def __init__(self, plan: Plan) -> None:
        k = plan.size
        self.k = k
        self.weight = np.array(plan.weight, dtype=np.float64)
        perf = np.array(plan.performance, dtype=np.float64).reshape(k, 6)
        self.perf_code = perf[:, 0].astype(np.int64)
        self.perf_params = perf[:, 1:]
        self.kinds = set(self.perf_code.tolist())
        self.salt = np.array(plan.salts, dtype=np.uint64)
        self.expectation = np.array(plan.expectation, dtype=np.float64).reshape(-1, k)
        self.channel = np.array(plan.channel_term, dtype=np.float64).reshape(-1, k)
        width = max((len(e) for e in plan.events), default=0)
        self.event_salt = np.zeros((k, width), dtype=np.uint64)
        self.event_chance = np.zeros((k, width))
        self.event_gain = np.zeros((k, width))
        self.event_gid = np.full((k, width), -1, dtype=np.int64)
        for t, events in enumerate(plan.events):
            for e, (salt, chance, gain, disappoints, gid) in enumerate(events):
                self.event_salt[t, e] = salt
                self.event_chance[t, e] = chance
                self.event_gain[t, e] = gain
                self.event_gid[t, e] = gid if disappoints else -1
        # disappointers some touchpoint recovers, renumbered 0..R-1
        targets = sorted({gid for recs in plan.recoveries for _, _, gid in recs})
        self.recoverable = {gid: i for i, gid in enumerate(targets)}
        self.event_slot = np.array(
            [[self.recoverable.get(int(g), -1) for g in row] for row in self.event_gid],
            dtype=np.int64,
        ).reshape(k, width)
        rwidth = max((len(r) for r in plan.recoveries), default=0)
        self.rec_salt = np.zeros((k, rwidth), dtype=np.uint64)
        self.rec_chance = np.zeros((k, rwidth))
        self.rec_slot = np.full((k, rwidth), -1, dtype=np.int64)
        for t, recs in enumerate(plan.recoveries):
            for r, (salt, chance, gid) in enumerate(recs):
                self.rec_salt[t, r] = salt
                self.rec_chance[t, r] = chance
                self.rec_slot[t, r] = self.recoverable[gid]
        degree = max((len(tg) for per_node in plan.routes for _, tg in per_node), default=1)
        personas = len(plan.persona_ids)
        self.targets = np.full((personas, k + 1, degree), k + 1, dtype=np.int64)
        self.cum = np.full((personas, k + 1, degree), 3.0)
        for p, per_node in enumerate(plan.routes):
            for node, (cum, targets) in enumerate(per_node):
                self.targets[p, node, : len(targets)] = targets
                self.cum[p, node, : len(cum)] = cum
        self.gap = np.array(plan.visit_gap, dtype=np.float64)
        self.price = np.array(plan.price_sensitivity, dtype=np.float64)
        self.degree = degree
        self.max_wait = np.array(plan.max_wait, dtype=np.float64)
        self.repeat_start = np.array(plan.repeat_start, dtype=np.int64)
        self.after = Delays(plan.after)
        self.takes = Delays(plan.takes)
        # the delay of edge (persona, node, choice), numbered into one table; -1: none
        self.edge_id = np.full((personas, k + 1, degree), -1, dtype=np.int64)
        samplers = []
        for p, per_node in enumerate(plan.edge_after):
            for node, delays in enumerate(per_node):
                for i, sampler in enumerate(delays or ()):
                    if sampler is not None:
                        self.edge_id[p, node, i] = len(samplers)
                        samplers.append(sampler)
        self.edge = Delays(samplers)


class Delays:
    """Samplers of delays (or of the time a step takes) by index, None where there is none."""

    def __init__(self, samplers: list) -> None:
        rows = [s if s is not None else (CONSTANT, 0.0, 0.0, 0.0, 1.0, 0.0) for s in samplers]
        table = np.array(rows, dtype=np.float64).reshape(-1, 6)
        self.has = np.array([s is not None for s in samplers], dtype=bool)
        self.code = table[:, 0].astype(np.int64)
        self.params = table[:, 1:]
        self.kinds = set(self.code[self.has].tolist())

    def draw(self, which: np.ndarray, vkey: np.ndarray, name: int) -> np.ndarray:
        """One draw per visit (0 where `which` has no delay), never below 0."""
        out = np.zeros(len(which))
        if not self.has.any():
            return out
        pick = np.flatnonzero((which >= 0) & self.has[np.maximum(which, 0)])
        if len(pick) == 0:
            return out
        w = which[pick]
        if self.kinds == {CONSTANT}:
            x = self.params[w, 0] * self.params[w, 3] + self.params[w, 4]
        else:
            u1, u2 = pair_v(mix_v(vkey[pick] ^ U64(name)))
            x = draw_v(self.code[w], self.params[w], u1, u2, self.kinds)
        out[pick] = np.where(x > 0.0, x, 0.0)
        return out


class Walk:
    """The running figures of one round's journeys, one entry per walker."""

    def __init__(self, n: int, recoverable: int) -> None:
        self.count = np.zeros(n, dtype=np.int64)
        self.total = np.zeros(n)
        self.last = np.zeros(n)
        self.peak = np.zeros(n)
        self.high = np.full(n, -np.inf)
        self.low = np.full(n, np.inf)
        self.high_t = np.zeros(n, dtype=np.int64)
        self.low_t = np.zeros(n, dtype=np.int64)
        self.hurt = np.zeros((n, recoverable)) if recoverable else None
        self.hurt_at = np.zeros((n, recoverable), dtype=np.int64) if recoverable else None
        self.steps: list[tuple[np.ndarray, np.ndarray]] = []  # (walkers, x): for recoveries
        self.repairs: list[tuple[np.ndarray, ...]] = []
        self.learned: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def moment(self, alive: np.ndarray, t: np.ndarray, x: np.ndarray) -> None:
        self.count[alive] += 1
        self.total[alive] += x
        self.last[alive] = x
        up = x > self.high[alive]
        self.high[alive[up]] = x[up]
        self.high_t[alive[up]] = t[up]
        down = x < self.low[alive]
        self.low[alive[down]] = x[down]
        self.low_t[alive[down]] = t[down]
        big = x * x >= self.peak[alive] ** 2
        self.peak[alive[big]] = x[big]


class BatchSimulation:
    def __init__(self, plan: Plan, key: int, sink=None) -> None:
        self.plan = plan
        self.sink = sink
        self.tables = Tables(plan)
        self.key = key
        self.people = Population(plan.size, plan.customers + 64)
        self.tally = Tally(plan)

    # ---- population --------------------------------------------------------------
    def populate(self) -> None:
        plan = self.plan
        for p, count in enumerate(initial_counts(plan.customers, plan.persona_share)):
            base = U64(streams.derive(self.key, plan.persona_salts[p], streams.INITIAL))
            keys = mix_v(base ^ np.arange(count, dtype=np.uint64))
            gap = plan.visit_gap[p]
            times = gap * draw_u(keys, streams.BIRTH) if gap else np.zeros(count)
            if plan.profile[p] is not None:
                times = plan.profile[p].to_real_v(times)
            self.people.add(keys, np.full(count, p), times, self.tables.expectation, initial=True)
            self.tally.arrive_v(np.zeros(count), True)
            if plan.arrivals[p] > 0:
                self.arrive(p)

    def arrive(self, p: int) -> None:
        """A persona's new customers: a Poisson process at its own rate."""
        plan = self.plan
        base = U64(streams.derive(self.key, plan.persona_salts[p], streams.ARRIVALS))
        rate = plan.arrivals[p]
        profile = plan.profile[p]
        expected = rate * plan.horizon
        chunk = int(min(expected + 10 * math.sqrt(expected) + 16, 1 << 20))
        start, clock, last = 0, 0.0, 0.0
        while last < plan.horizon:
            index = np.arange(start, start + chunk, dtype=np.uint64)
            keys = np.full(chunk, base, dtype=np.uint64)
            gaps = -libm.log(draw_u(nth_v(keys, index), streams.ARRIVAL_GAP)) / rate
            ordinary = np.cumsum(np.concatenate(([clock], gaps)))[1:]  # in sequence, as SimPy
            times = ordinary if profile is None else profile.to_real_v(ordinary)
            keep = times < plan.horizon
            self.people.add(
                mix_v(base ^ index[keep]),
                np.full(int(keep.sum()), p),
                times[keep],
                self.tables.expectation,
            )
            self.tally.arrive_v(times[keep], False)
            clock, last = float(ordinary[-1]), float(times[-1])
            start += chunk

    # ---- rounds ------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        with np.errstate(over="ignore"):
            self.populate()
            people = self.people
            horizon = self.plan.horizon
            while True:
                n = people.size
                due = np.flatnonzero(people.active[:n] & (people.next_time[:n] < horizon))
                if len(due) == 0:
                    break
                self.journey_round(due)
        return self.tally.summary()

    def journey_round(self, idx: np.ndarray) -> None:
        plan, tb, people, tally = self.plan, self.tables, self.people, self.tally
        k = tb.k
        timed = plan.timed
        horizon = plan.horizon
        persona = people.persona[idx]
        jkey = nth_v(people.journey_base[idx], people.journeys[idx])
        begin = people.next_time[idx]
        clock = begin.copy()
        origin = np.full(len(idx), k)
        node, choice = self.route(persona, origin, unit_v(jkey))
        edge = tb.edge_id[persona, origin, choice] if timed else None
        repeat = tb.repeat_start[persona]
        again = (people.journeys[idx] > 0) & (repeat < k)  # repeat journeys start there
        if again.any():
            node[again] = repeat[again]
            if edge is not None:
                edge[again] = -1
        unfinished = np.zeros(len(idx), dtype=bool)  # still under way at the horizon
        walk = Walk(len(idx), len(tb.recoverable))
        visits: list[tuple[np.ndarray, ...]] = []
        alive = np.flatnonzero(node < k)
        steps = 0
        while len(alive) and steps < MAX_STEPS:
            steps += 1
            t = node[alive]
            c = idx[alive]
            p = persona[alive]
            count = people.visits[c, t]
            people.visits[c, t] = count + 1
            vkey = nth_v(people.key[c] ^ tb.salt[t], count)
            delay = None
            if timed:
                delay = tb.edge.draw(edge[alive], vkey, streams.EDGE_DELAY) + tb.after.draw(
                    t, vkey, streams.DELAY
                )
                arrived = clock[alive] + delay
                late = arrived >= horizon
                if late.any():
                    unfinished[alive[late]] = True
                    on = ~late
                    alive, t, c, p, vkey, delay, arrived = (
                        v[on] for v in (alive, t, c, p, vkey, delay, arrived)
                    )
                    if not len(alive):
                        break
                clock[alive] = arrived
            performance = np.clip(self.perform(t, vkey), 1.0, 5.0)
            d = performance - people.expect[c, t] + tb.channel[p, t]
            if delay is not None:
                d = self.wait_penalty(d, delay, tb.max_wait[t])
            x = tb.weight[t] * felt_v(d, plan.tolerance, plan.curvature, plan.negativity)
            if walk.hurt is not None and tb.rec_slot.shape[1]:
                x = self.recover(walk, alive, t, vkey, x)
            fired_any: list[tuple[int, np.ndarray]] = []
            for e in range(tb.event_salt.shape[1]):
                fired = draw_u(vkey, tb.event_salt[t, e]) < tb.event_chance[t, e]
                x = x + np.where(fired, tb.event_gain[t, e], 0.0)
                if self.sink is not None:
                    fired_any.append((e, fired))
                if walk.hurt is not None:
                    slot = tb.event_slot[t, e]
                    mark = fired & (slot >= 0)
                    walk.hurt[alive[mark], slot[mark]] = tb.event_gain[t, e][mark]
                    walk.hurt_at[alive[mark], slot[mark]] = walk.count[alive[mark]]
            if plan.adaptation > 0:
                walk.learned.append((alive, t, performance))
            took = tb.takes.draw(t, vkey, streams.TAKES) if timed else None
            if self.sink is not None:
                at = clock[alive]
                self.log(c, p, t, x, fired_any, at, delay, at if took is None else at + took)
            visits.append((alive, t, x, delay))
            if walk.hurt is not None:
                walk.steps.append((alive, x))
            walk.moment(alive, t, x)
            node[alive], chosen = self.route(p, t, unit_v(vkey))
            if timed:
                clock[alive] += took
                edge[alive] = tb.edge_id[p, t, chosen]
                late = clock[alive] >= horizon
                if late.any():
                    unfinished[alive[late]] = True
            alive = alive[(node[alive] < k) & ~unfinished[alive]]
        if len(alive):  # cut: a journey that would not end
            node[alive] = k + 1
            tally.cut += len(alive)
        self.count(visits, unfinished)
        self.finish(idx, persona, jkey, node, walk, begin, clock, ~unfinished)
        self.learn(idx, walk.learned, ~unfinished)

    def wait_penalty(self, d: np.ndarray, delay: np.ndarray, max_wait: np.ndarray) -> np.ndarray:
        """A delay longer than `max_wait` disappoints, as a queue's wait does."""
        hit = (delay > 0.0) & (max_wait > 0.0) & (delay > max_wait)
        if hit.any():
            over = (delay[hit] - max_wait[hit]) / max_wait[hit]
            d = d.copy()
            d[hit] -= self.plan.wait_sensitivity * np.minimum(over, 3.0)
        return d

    def count(self, visits: list[tuple[np.ndarray, ...]], unfinished: np.ndarray) -> None:
        """Visits of the journeys that ended before the horizon (SimPy counts at the end)."""
        if not visits:
            return
        tally, k = self.tally, self.tables.k
        walker = np.concatenate([v[0] for v in visits])
        keep = ~unfinished[walker]
        t = np.concatenate([v[1] for v in visits])[keep]
        x = np.concatenate([v[2] for v in visits])[keep]
        totals = [(tally.visits, np.bincount(t, minlength=k)), (tally.x_sum, _fixed_sums(t, x, k))]
        if visits[0][3] is not None:
            delay = np.concatenate([v[3] for v in visits])[keep]
            totals.append((tally.delay_sum, _fixed_sums(t, delay, k)))
        for target, values in totals:
            for i in np.flatnonzero(values):
                target[i] += int(values[i])

    def log(self, c, p, t, x, fired_any, times, delay, end) -> None:
        """One event-log row per visit (without queues, no waiting in a queue)."""
        plan, people = self.plan, self.people
        names: list[list[str]] = [[] for _ in range(len(c))]
        for e, fired in fired_any:
            for i in np.flatnonzero(fired):
                gid = plan.events[int(t[i])][e][4]
                names[i].append(plan.event_names[gid])
        for i in range(len(c)):
            ci = int(c[i])
            persona_id = plan.persona_ids[int(p[i])]
            self.sink(
                (
                    f"{persona_id}-{int(people.key[ci]):016x}",
                    persona_id,
                    int(people.journeys[ci]) + 1,
                    plan.touchpoint_ids[int(t[i])],
                    float(times[i]),
                    0.0,
                    float(x[i]),
                    tuple(names[i]),
                    0.0 if delay is None else float(delay[i]),
                    float(end[i]),
                )
            )

    def route(
        self, persona: np.ndarray, at: np.ndarray, u: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The next node of each walker, and which of its node's edges it took."""
        tb = self.tables
        cum = tb.cum[persona, at]
        choice = (u[:, None] >= cum).sum(axis=1)
        return tb.targets[persona, at, choice], choice

    def perform(self, t: np.ndarray, vkey: np.ndarray) -> np.ndarray:
        """Draws of `delivers`, as the SimPy engine makes them."""
        tb = self.tables
        params = tb.perf_params[t]
        if tb.kinds == {CONSTANT}:
            return params[:, 0] * params[:, 3] + params[:, 4]
        u1, u2 = pair_v(mix_v(vkey ^ U64(streams.PERFORMANCE)))
        return draw_v(tb.perf_code[t], params, u1, u2, tb.kinds)

    def recover(self, walk: Walk, alive, t, vkey, x) -> np.ndarray:
        tb = self.tables
        for r in range(tb.rec_slot.shape[1]):
            slot = tb.rec_slot[t, r]
            valid = slot >= 0
            safe = np.where(valid, slot, 0)
            loss = np.where(valid, walk.hurt[alive, safe], 0.0)
            hit = (loss != 0) & (draw_u(vkey, tb.rec_salt[t, r]) < tb.rec_chance[t, r])
            gain = -self.plan.recovery * loss
            x = x + np.where(hit, gain, 0.0)
            who = alive[hit]
            if len(who):
                failed = walk.hurt_at[who, safe[hit]]
                walk.repairs.append((who, failed, loss[hit], walk.count[who].copy(), gain[hit]))
            walk.hurt[who, safe[hit]] = 0.0
        return x

    def restore_at_best(self, walk: Walk, remembered: np.ndarray) -> np.ndarray:
        """A recovered failure restores satisfaction at best (engine.at_best_restored)."""
        if not walk.repairs:
            return remembered
        walker = np.concatenate([a for a, _ in walk.steps])
        x = np.concatenate([b for _, b in walk.steps])
        order = np.argsort(walker, kind="stable")
        walker, x = walker[order], x[order]
        starts = np.searchsorted(walker, np.arange(len(remembered) + 1))
        repairs: dict[int, list[tuple[int, float, int, float]]] = {}
        for who, failed, loss, at, gain in walk.repairs:
            for i in range(len(who)):
                entry = (int(failed[i]), float(loss[i]), int(at[i]), float(gain[i]))
                repairs.setdefault(int(who[i]), []).append(entry)
        out = remembered.copy()
        for w, fixes in repairs.items():
            moments = x[starts[w] : starts[w + 1]].tolist()
            out[w] = at_best_restored(moments, fixes, self.plan.memory, float(out[w]))
        return out

    def finish(self, idx, persona, jkey, node, walk: Walk, begin, end, finished) -> None:
        """Memory, satisfaction, revenue, retention and referrals after the journeys.

        A journey still under way at the horizon counts nowhere, and its customer does
        nothing more (as a SimPy process waiting past the horizon).
        """
        plan, tb, people, tally = self.plan, self.tables, self.people, self.tally
        k = tb.k
        remembered = recall_v(
            plan.memory, walk.count, walk.total, walk.last, walk.high, walk.low, walk.peak
        )
        remembered = self.restore_at_best(walk, remembered)
        seen = (walk.count > 0) & finished
        for counts, target in (
            (np.bincount(walk.high_t[seen], minlength=k), tally.peak),
            (np.bincount(walk.low_t[seen], minlength=k), tally.trough),
        ):
            for i in np.flatnonzero(counts):
                target[i] += int(counts[i])
        if not finished.all():
            people.next_time[idx[~finished]] = np.inf
            idx, persona, jkey, node, remembered, begin, end = (
                v[finished] for v in (idx, persona, jkey, node, remembered, begin, end)
            )
        z = 0.0
        if plan.noise:
            z = standard_normal_v(*pair_v(mix_v(jkey ^ U64(streams.NOISE))))
        satisfaction = journey_satisfaction_v(remembered, plan.noise, z)
        first = people.journeys[idx] == 0
        old = people.level[idx]
        level = relationship_v(old, first, satisfaction, plan.smoothing)
        now = end
        tally.level_v(now, old, level)
        people.level[idx] = level
        people.journeys[idx] += 1
        tally.journeys += len(idx)
        if plan.timed:
            tally.ended_v(now, now - begin)
        completed = node == k
        tally.complete_v(now[completed], persona[completed])
        gap_mean = tb.gap[persona]
        repeat = gap_mean > 0
        once = ~repeat
        people.next_time[idx[once]] = np.inf
        refer = plan.referral_rate > 0
        if refer:
            # one journey, then active for good: a promoter refers until the horizon
            promoters = once & (level >= PROMOTER)
            if promoters.any():
                window = np.full(int(promoters.sum()), np.inf)
                self.refer(idx[promoters], now[promoters], window, jkey[promoters])
        if not repeat.any():
            return
        idx, now, level, jkey, persona = (
            idx[repeat],
            now[repeat],
            level[repeat],
            jkey[repeat],
            persona[repeat],
        )
        u_gap, u_churn = pair_v(mix_v(jkey ^ U64(streams.LEAVE)))
        gap = -gap_mean[repeat] * libm.log(u_gap)
        then = now + gap
        for p, profile in enumerate(plan.profile):
            if profile is not None and (mine := persona == p).any():
                # the gap is drawn on the profile's clock (engine.Simulation.life)
                then[mine] = profile.to_real_v(profile.to_ordinary_v(now[mine]) + gap[mine])
                gap[mine] = then[mine] - now[mine]
        stay = monthly_stay_v(level, tb.price[persona], plan.loyalty)
        leave = churn_after_v(stay, u_churn)
        if refer:
            promoters = level >= PROMOTER
            if promoters.any():
                window = np.where(gap < leave, gap, leave)[promoters]
                self.refer(idx[promoters], now[promoters], window, jkey[promoters])
        churns = leave < gap
        people.next_time[idx] = np.where(churns, np.inf, then)
        gone = churns & (now + leave < plan.horizon)
        if gone.any():
            who = idx[gone]
            people.active[who] = False
            tally.leave_v((now + leave)[gone], level[gone], people.initial[who])

    def refer(self, parents, now, window, jkey) -> None:
        """Each promoter's referrals over its window: a Poisson process, by inversion.

        Nothing happens after the horizon: a referral that would arrive later is not made.
        """
        people, plan = self.people, self.plan
        rate = plan.referral_rate
        clock_base = mix_v(jkey ^ U64(streams.REFERRAL_CLOCK))
        friends = mix_v(people.key[parents] ^ U64(streams.REFERRALS))
        clock = np.zeros(len(parents))
        live = np.arange(len(parents))
        step = 0
        while len(live):
            clock[live] += -libm.log(unit_v(nth_v(clock_base[live], step))) / rate
            step += 1
            live = live[(clock[live] < window[live]) & (now[live] + clock[live] < plan.horizon)]
            if len(live):
                who = parents[live]
                keys = nth_v(friends[live], people.referrals[who])
                people.referrals[who] += 1
                self.tally.referrals += len(live)
                times = now[live] + clock[live]
                people.add(keys, people.persona[who], times, self.tables.expectation)
                self.tally.arrive_v(times, False)

    def learn(self, idx: np.ndarray, learned, finished: np.ndarray) -> None:
        """Expectations move toward the last performance seen at each touchpoint."""
        if not learned:
            return
        people = self.people
        rate = self.plan.adaptation
        walker = np.concatenate([a for a, _, _ in learned])
        t = np.concatenate([b for _, b, _ in learned])
        performance = np.concatenate([c for _, _, c in learned])
        if not finished.all():
            keep = finished[walker]
            walker, t, performance = walker[keep], t[keep], performance[keep]
        flat = walker * self.tables.k + t
        _, last = np.unique(flat[::-1], return_index=True)
        last = len(flat) - 1 - last
        c, t, performance = idx[walker[last]], t[last], performance[last]
        people.expect[c, t] += rate * (performance - people.expect[c, t])


def _fixed_sums(t: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Per touchpoint, the sum of values in fixed point (order does not matter)."""
    sums = np.zeros(k, dtype=np.int64)
    np.add.at(sums, t, fixed_v(values))
    return sums


def run_replication(plan: Plan, key: int, sink=None) -> dict[str, Any]:
    return BatchSimulation(plan, key, sink).run()
