"""The batched engine: journeys without queues, every customer at once, in numpy.

Without a queue customers never meet and a journey takes no time, so the event list
of a SimPy run reduces to each customer's own timeline. This engine advances all
customers' next journeys together, one round per journey number, with the same
model as `engine.py` (MODEL.md) and the same results. The runner uses it only when
no variant of a run has a queue, so that every scenario of a run shares one engine.

Random numbers are counter-based, SplitMix64 (Steele et al. 2014) of the customer,
the touchpoint, the visit's number and the draw's name, so common random numbers hold
as in the SimPy engine: a scenario that changes one touchpoint leaves every other
draw unchanged.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import streams
from .loyalty import DETRACTOR, MONTH_MINUTES, NEUTRAL, PROMOTER
from .plan import CONSTANT, EXP, LOGNORMAL, NORMAL, TRIANGULAR, UNIFORM, Plan

U64 = np.uint64
GOLDEN = U64(0x9E3779B97F4A7C15)
C1 = U64(0xBF58476D1CE4E5B9)
C2 = U64(0x94D049BB133111EB)
S30, S27, S31, S11 = U64(30), U64(27), U64(31), U64(11)
TO_UNIT = 2.0**-53
INITIAL, ARRIVAL, REFERRAL = 1, 2, 3


def _named(name: str) -> np.uint64:
    return U64(streams.salt("draw:" + name))


D_PERF_1, D_PERF_2, D_ROUTE = _named("perf1"), _named("perf2"), _named("route")
D_CUSTOMER, D_BIRTH = _named("customer"), _named("birth")
D_NOISE_1, D_NOISE_2, D_START = _named("noise1"), _named("noise2"), _named("start")
D_GAP, D_CHURN, D_REFERRAL = _named("gap"), _named("churn"), _named("referral")


def mix(z: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on uint64 arrays (multiplication wraps modulo 2^64)."""
    z = z + GOLDEN
    z = (z ^ (z >> S30)) * C1
    z = (z ^ (z >> S27)) * C2
    return z ^ (z >> S31)


def unit(z: np.ndarray) -> np.ndarray:
    """Uniforms in (0, 1) from hashed 64-bit values."""
    return ((z >> S11).astype(np.float64) + 0.5) * TO_UNIT


def draw(z: np.ndarray, name: np.uint64) -> np.ndarray:
    return unit(mix(z ^ name))


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

    def add(
        self,
        keys: np.ndarray,
        persona: np.ndarray,
        times: np.ndarray,
        expectation: np.ndarray,
        *,
        initial: bool = False,
    ) -> None:
        n = len(keys)
        if n == 0:
            return
        if self.size + n > self.capacity:
            self._allocate(max(2 * self.capacity, self.size + n))
        s = slice(self.size, self.size + n)
        self.key[s] = keys
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
        perf = np.array([s for s in plan.performance], dtype=np.float64).reshape(k, 6)
        self.perf_kind = perf[:, 0].astype(np.int64)
        self.perf_params = perf[:, 1:]
        self.kinds = sorted(set(self.perf_kind.tolist()))
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
        self.event_slot = (
            np.vectorize(lambda g: self.recoverable.get(int(g), -1), otypes=[np.int64])(
                self.event_gid
            )
            if width
            else np.zeros((k, 0), dtype=np.int64)
        )
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
        self.spend = np.array(plan.spend, dtype=np.float64)
        self.price = np.array(plan.price_sensitivity, dtype=np.float64)


class BatchSimulation:
    def __init__(self, plan: Plan, key: int, sink=None) -> None:
        self.plan = plan
        self.sink = sink
        self.tables = Tables(plan)
        self.key = key
        k = plan.size
        self.people = Population(k, plan.customers + 64)
        self.visits = np.zeros(k)
        self.x_sum = np.zeros(k)
        self.peak = np.zeros(k)
        self.trough = np.zeros(k)
        self.journeys = 0
        self.completed = 0
        self.revenue = 0.0
        self.referrals = 0

    # ---- population --------------------------------------------------------------
    def populate(self) -> None:
        from .plan import initial_counts

        plan = self.plan
        counts = initial_counts(plan.customers, plan.persona_share)
        for p, count in enumerate(counts):
            psalt = plan.persona_salts[p]
            base = U64(streams.derive(self.key, psalt, INITIAL))
            keys = mix(base ^ np.arange(count, dtype=np.uint64))
            gap = plan.visit_gap[p]
            times = gap * draw(keys, D_BIRTH) if gap else np.zeros(count)
            self.people.add(keys, np.full(count, p), times, self.tables.expectation, initial=True)
            if plan.arrivals[p] > 0:
                self.arrive(p)

    def arrive(self, p: int) -> None:
        """A persona's new customers: a Poisson process at its own rate."""
        plan = self.plan
        base = U64(streams.derive(self.key, plan.persona_salts[p], ARRIVAL))
        rate = plan.arrivals[p]
        expected = rate * plan.horizon
        chunk = int(expected + 10 * math.sqrt(expected) + 16)
        start, clock = 0, 0.0
        while clock < plan.horizon:
            index = np.arange(start, start + chunk, dtype=np.uint64)
            gaps = -np.log(draw(base + index * GOLDEN, D_CUSTOMER)) / rate
            times = clock + np.cumsum(gaps)
            keep = times < plan.horizon
            keys = mix(base ^ index[keep])
            self.people.add(keys, np.full(int(keep.sum()), p), times[keep], self.tables.expectation)
            clock = float(times[-1])
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
        return self.summary()

    def journey_round(self, idx: np.ndarray) -> None:
        plan, tb, people = self.plan, self.tables, self.people
        k = tb.k
        n = len(idx)
        persona = people.persona[idx]
        jkey = mix(
            mix(people.key[idx] ^ D_CUSTOMER) + people.journeys[idx].astype(np.uint64) * GOLDEN
        )
        node = self.route(persona, np.full(n, k), draw(jkey, D_START))
        count = np.zeros(n)
        total = np.zeros(n)
        last = np.zeros(n)
        peak = np.zeros(n)
        high = np.full(n, -np.inf)
        low = np.full(n, np.inf)
        high_t = np.zeros(n, dtype=np.int64)
        low_t = np.zeros(n, dtype=np.int64)
        hurt = np.zeros((n, len(tb.recoverable))) if tb.recoverable else None
        hurt_at = np.zeros((n, len(tb.recoverable)), dtype=np.int64) if tb.recoverable else None
        self._steps: list[tuple[np.ndarray, np.ndarray]] = []
        self._repairs: list[tuple[np.ndarray, ...]] = []
        learned: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        alive = np.flatnonzero(node < k)
        while len(alive):
            t = node[alive]
            c = idx[alive]
            p = persona[alive]
            nth = people.visits[c, t]
            people.visits[c, t] = nth + 1
            vkey = mix(mix(people.key[c] ^ tb.salt[t]) + nth.astype(np.uint64) * GOLDEN)
            performance = np.clip(self.perform(t, vkey), 1.0, 5.0)
            x = tb.weight[t] * self.value(performance - people.expect[c, t] + tb.channel[p, t])
            fired_any: list[tuple[int, np.ndarray]] = []
            if hurt is not None and tb.rec_slot.shape[1]:
                x += self.recover(alive, t, vkey, hurt, hurt_at, count)
            for e in range(tb.event_salt.shape[1]):
                fired = unit(mix(vkey ^ tb.event_salt[t, e])) < tb.event_chance[t, e]
                if self.sink is not None:
                    fired_any.append((e, fired))
                x += np.where(fired, tb.event_gain[t, e], 0.0)
                if hurt is not None:
                    slot = tb.event_slot[t, e]
                    mark = fired & (slot >= 0)
                    hurt[alive[mark], slot[mark]] = tb.event_gain[t, e][mark]
                    hurt_at[alive[mark], slot[mark]] = count[alive[mark]]
            if plan.adaptation > 0:
                learned.append((alive, t, performance))
            if self.sink is not None:
                self.log(c, p, t, x, fired_any, people.next_time[c])
            self.visits += np.bincount(t, minlength=k)
            self.x_sum += np.bincount(t, weights=x, minlength=k)
            if hurt is not None:
                self._steps.append((alive, x))
            count[alive] += 1
            total[alive] += x
            last[alive] = x
            up = x > high[alive]
            high[alive[up]] = x[up]
            high_t[alive[up]] = t[up]
            down = x < low[alive]
            low[alive[down]] = x[down]
            low_t[alive[down]] = t[down]
            big = x * x >= peak[alive] ** 2
            peak[alive[big]] = x[big]
            node[alive] = self.route(p, t, draw(vkey, D_ROUTE))
            alive = alive[node[alive] < k]
        self.finish(idx, persona, jkey, node, count, total, last, peak, high, low, high_t, low_t)
        self.learn(idx, learned)

    def log(self, c, p, t, x, fired_any, times) -> None:
        """One event-log row per visit (the journey's time: without queues, no waiting)."""
        plan, people = self.plan, self.people
        names = [[] for _ in range(len(c))]
        for e, fired in fired_any:
            for i in np.flatnonzero(fired):
                gid = self.plan.events[int(t[i])][e][4]
                names[i].append(plan.event_names[gid])
        for i in range(len(c)):
            ci = int(c[i])
            name = f"{plan.persona_ids[int(p[i])]}-{int(people.key[ci]):016x}"
            self.sink(
                (
                    name,
                    plan.persona_ids[int(p[i])],
                    int(people.journeys[ci]) + 1,
                    plan.touchpoint_ids[int(t[i])],
                    float(times[i]),
                    0.0,
                    float(x[i]),
                    tuple(names[i]),
                )
            )

    def route(self, persona: np.ndarray, at: np.ndarray, u: np.ndarray) -> np.ndarray:
        tb = self.tables
        cum = tb.cum[persona, at]
        choice = (u[:, None] >= cum).sum(axis=1)
        return tb.targets[persona, at, choice]

    def perform(self, t: np.ndarray, vkey: np.ndarray) -> np.ndarray:
        """Draws of `delivers`, two uniforms a visit whatever the distribution."""
        tb = self.tables
        params = tb.perf_params[t]
        p0, p1, p2, scale, offset = params.T
        if tb.kinds == [CONSTANT]:
            return p0 * scale + offset
        u1 = draw(vkey, D_PERF_1)
        u2 = draw(vkey, D_PERF_2)
        kind = tb.perf_kind[t]
        out = p0.copy()
        if NORMAL in tb.kinds or LOGNORMAL in tb.kinds:
            z = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
            out = np.where(kind == NORMAL, p0 + p1 * z, out)
            if LOGNORMAL in tb.kinds:
                out = np.where(kind == LOGNORMAL, np.exp(p0 + p1 * z), out)
        if EXP in tb.kinds:
            out = np.where(kind == EXP, -p0 * np.log(u1), out)
        if UNIFORM in tb.kinds:
            out = np.where(kind == UNIFORM, p0 + (p1 - p0) * u1, out)
        if TRIANGULAR in tb.kinds:
            spread = np.where(p2 > p0, p2 - p0, 1.0)
            cut = (p1 - p0) / spread
            left = p0 + np.sqrt(u1 * spread * (p1 - p0))
            right = p2 - np.sqrt((1 - u1) * spread * (p2 - p1))
            out = np.where(kind == TRIANGULAR, np.where(u1 < cut, left, right), out)
        return out * scale + offset

    def value(self, d: np.ndarray) -> np.ndarray:
        """Prospect-theory value of disconfirmation beyond the zone of tolerance."""
        plan = self.plan
        tol = plan.tolerance
        beyond = np.where(d > tol, d - tol, np.where(d < -tol, d + tol, 0.0))
        magnitude = np.abs(beyond) ** plan.curvature
        return np.where(beyond >= 0, magnitude, -plan.negativity * magnitude)

    def recover(self, alive, t, vkey, hurt, hurt_at, count) -> np.ndarray:
        tb = self.tables
        gain = np.zeros(len(alive))
        for r in range(tb.rec_slot.shape[1]):
            slot = tb.rec_slot[t, r]
            valid = slot >= 0
            safe = np.where(valid, slot, 0)
            loss = np.where(valid, hurt[alive, safe], 0.0)
            hit = (loss != 0) & (unit(mix(vkey ^ tb.rec_salt[t, r])) < tb.rec_chance[t, r])
            repaired = -self.plan.recovery * loss
            gain += np.where(hit, repaired, 0.0)
            who = alive[hit]
            if len(who):
                failed = hurt_at[who, safe[hit]]
                self._repairs.append((who, failed, loss[hit], count[who].copy(), repaired[hit]))
            hurt[who, safe[hit]] = 0.0
        return gain

    def restore_at_best(self, remembered: np.ndarray) -> np.ndarray:
        """A recovered failure restores satisfaction at best (see engine.at_best_restored)."""
        if not self._repairs:
            return remembered
        from .engine import at_best_restored

        walker = np.concatenate([a for a, _ in self._steps])
        x = np.concatenate([b for _, b in self._steps])
        order = np.argsort(walker, kind="stable")
        walker, x = walker[order], x[order]
        starts = np.searchsorted(walker, np.arange(len(remembered) + 1))
        repairs: dict[int, list[tuple[int, float, int, float]]] = {}
        for who, failed, loss, at, gain in self._repairs:
            for i in range(len(who)):
                entry = (int(failed[i]), float(loss[i]), int(at[i]), float(gain[i]))
                repairs.setdefault(int(who[i]), []).append(entry)
        out = remembered.copy()
        for w, fixes in repairs.items():
            moments = x[starts[w] : starts[w + 1]].tolist()
            out[w] = at_best_restored(moments, fixes, self.plan.memory, float(out[w]))
        return out

    def finish(self, idx, persona, jkey, node, count, total, last, peak, high, low, high_t, low_t):
        """Memory, satisfaction, revenue, retention and referrals after the journeys."""
        plan, tb, people = self.plan, self.tables, self.people
        k = tb.k
        rule = plan.memory
        safe = np.maximum(count, 1)
        if rule == "blend":
            remembered = 0.25 * (np.maximum(high, 0) + np.minimum(low, 0) + last + total / safe)
        elif rule == "peak_end":
            remembered = (peak + last) / 2
        else:
            remembered = total / safe
        remembered = self.restore_at_best(np.where(count > 0, remembered, 0.0))
        satisfaction = 7.0 + 1.5 * remembered
        if plan.noise:
            z = np.sqrt(-2.0 * np.log(draw(jkey, D_NOISE_1))) * np.cos(
                2.0 * np.pi * draw(jkey, D_NOISE_2)
            )
            satisfaction = satisfaction + plan.noise * z
        satisfaction = np.clip(satisfaction, 0.0, 10.0)
        first = people.journeys[idx] == 0
        level = np.where(
            first,
            satisfaction,
            people.level[idx] + plan.smoothing * (satisfaction - people.level[idx]),
        )
        people.level[idx] = level
        people.journeys[idx] += 1
        completed = node == k
        self.journeys += len(idx)
        self.completed += int(completed.sum())
        self.revenue += float(tb.spend[persona][completed].sum())
        seen = count > 0
        self.peak += np.bincount(high_t[seen], minlength=k)
        self.trough += np.bincount(low_t[seen], minlength=k)
        now = people.next_time[idx]
        gap_mean = tb.gap[persona]
        repeat = gap_mean > 0
        once = ~repeat
        people.next_time[idx[once]] = np.inf
        if plan.referral_rate > 0:
            # one journey, then active for good: a promoter refers until the horizon
            promoters = once & (level >= PROMOTER)
            if promoters.any():
                window = plan.horizon - now[promoters]
                self.refer(idx[promoters], now[promoters], window, jkey[promoters],
                           persona[promoters])  # fmt: skip
        if not repeat.any():
            return
        idx, now, level, jkey, persona = (
            idx[repeat],
            now[repeat],
            level[repeat],
            jkey[repeat],
            persona[repeat],
        )
        gap = -gap_mean[repeat] * np.log(draw(jkey, D_GAP))
        stay = self.monthly_stay(level, persona)
        with np.errstate(divide="ignore"):
            rate = np.where((stay > 0) & (stay < 1), -np.log(np.clip(stay, 1e-300, 1)), 0.0)
            churn_after = np.where(
                stay <= 0,
                0.0,
                np.where(rate > 0, -np.log(draw(jkey, D_CHURN)) / rate * MONTH_MINUTES, np.inf),
            )
        if plan.referral_rate > 0:
            promoters = level >= PROMOTER
            if promoters.any():
                window = np.minimum(gap, churn_after)[promoters]
                self.refer(
                    idx[promoters], now[promoters], window, jkey[promoters], persona[promoters]
                )
        churns = churn_after < gap
        people.next_time[idx] = np.where(churns, np.inf, now + gap)
        gone = churns & (now + churn_after < plan.horizon)
        people.active[idx[gone]] = False

    def monthly_stay(self, level: np.ndarray, persona: np.ndarray) -> np.ndarray:
        lo = self.plan.loyalty
        r = lo.retention_floor + (lo.retention_cap - lo.retention_floor) / (
            1.0 + np.exp(-lo.retention_slope * (level - lo.retention_midpoint))
        )
        return r * (1.0 - lo.price_churn * self.tables.price[persona])

    def refer(self, parents, now, window, jkey, persona) -> None:
        """Each promoter's referrals over its window: a Poisson process, by inversion."""
        people = self.people
        rate = self.plan.referral_rate
        base = mix(jkey ^ D_REFERRAL)
        clock = np.zeros(len(parents))
        step = 0
        live = np.arange(len(parents))
        while len(live):
            clock[live] += -np.log(unit(mix(base[live] + U64(step) * GOLDEN))) / rate
            live = live[clock[live] < window[live]]
            if len(live):
                who = parents[live]
                number = people.referrals[who]
                keys = mix(mix(people.key[who] ^ U64(REFERRAL)) + number.astype(np.uint64) * GOLDEN)
                people.referrals[who] += 1
                self.referrals += len(live)
                times = now[live] + clock[live]
                people.add(keys, persona[live], times, self.tables.expectation)
            step += 1

    def learn(self, idx: np.ndarray, learned) -> None:
        """Expectations move toward the last performance seen at each touchpoint."""
        if not learned:
            return
        people = self.people
        rate = self.plan.adaptation
        walker = np.concatenate([a for a, _, _ in learned])
        t = np.concatenate([b for _, b, _ in learned])
        performance = np.concatenate([c for _, _, c in learned])
        flat = walker * self.tables.k + t
        _, last = np.unique(flat[::-1], return_index=True)
        last = len(flat) - 1 - last
        c, t, performance = idx[walker[last]], t[last], performance[last]
        people.expect[c, t] += rate * (performance - people.expect[c, t])

    # ---- the end ----------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        plan = self.plan
        people = self.people
        n = people.size
        active = people.active[:n]
        levels = people.level[:n][active]
        initial = people.initial[:n]
        can_churn = bool((self.tables.gap[people.persona[:n][initial]] > 0).any())
        journeys = self.journeys
        n_active = len(levels)
        promoters = int((levels >= PROMOTER).sum())
        detractors = int((levels < DETRACTOR).sum())
        n_initial = int(initial.sum())
        metrics = {
            "journeys": float(journeys),
            "completion": self.completed / journeys if journeys else None,
            "abandonment": 0.0 if journeys else None,
            "satisfaction": float(levels.sum()) / n_active if n_active else None,
            "nps": 100.0 * (promoters - detractors) / n_active if n_active else None,
            "promoters": promoters / n_active if n_active else None,
            "detractors": detractors / n_active if n_active else None,
            "retention": (
                int((active & initial).sum()) / n_initial if n_initial and can_churn else None
            ),
            "active": float(n_active),
            "revenue": self.revenue,
            "referrals": float(self.referrals),
        }
        touchpoints = {}
        for t, tp_id in enumerate(plan.touchpoint_ids):
            visits = float(self.visits[t])
            touchpoints[tp_id] = {
                "visits": visits,
                "abandon_rate": 0.0,
                "experience_mean": float(self.x_sum[t]) / visits if visits else None,
                "peak_share": float(self.peak[t]) / journeys if journeys else 0.0,
                "trough_share": float(self.trough[t]) / journeys if journeys else 0.0,
            }
        return {"metrics": metrics, "touchpoints": touchpoints}


def run_replication(plan: Plan, key: int, sink=None) -> dict[str, Any]:
    return BatchSimulation(plan, key, sink).run()
