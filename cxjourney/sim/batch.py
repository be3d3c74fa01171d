"""The batched engine: journeys without queues, every customer's life in compiled code.

Without a queue customers never meet, so the event list of a SimPy run reduces to each
customer's own timeline (delays and steps that take time only move that customer's
clock). `kernel.simulate_lives` runs those timelines one after another in machine code,
with the same counter-based draws and the same compiled formulas as the SimPy engine,
and the integer sums of the Tally do not depend on the order; so on a journey without
queues both engines give the same bits.

The events log lists visits as the engine always has: journey round by journey round
(a customer's j-th journey belongs to round j after the round that brought it), visit
by visit, customer by customer in the order they joined.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import kernel, streams
from .jit import signals_held
from .plan import Plan, initial_counts
from .tables import Tables
from .tally import Tally

CHUNK = 2048  # customers (with those they refer) per call of the kernel


def persona_tables(plan: Plan, key: int) -> tuple[np.ndarray, ...]:
    """Per persona: gaps, price sensitivity and arrival rates; time-0 counts, where repeat
    journeys start and whether a busy-hour profile applies; the keys of its two
    sequences of customers; and the profiles' tables (zeros without one)."""
    personas = len(plan.persona_ids)
    floats = np.zeros((personas, 3))
    ints = np.zeros((personas, 3), dtype=np.int64)
    bases = np.zeros((personas, 2), dtype=np.uint64)
    cum = np.zeros((personas, kernel.SLOTS + 1))
    weight = np.ones((personas, kernel.SLOTS))
    opened = np.zeros((personas, kernel.SLOTS), dtype=np.int64)
    counts = initial_counts(plan.customers, plan.persona_share)
    for p in range(personas):
        floats[p] = plan.visit_gap[p], plan.price_sensitivity[p], plan.arrivals[p]
        profile = plan.profile[p]
        ints[p] = counts[p], plan.repeat_start[p], profile is not None
        for i, sequence in enumerate((streams.INITIAL, streams.ARRIVALS)):
            bases[p, i] = streams.derive(key, plan.persona_salts[p], sequence)
        if profile is not None:
            cum[p], weight[p], opened[p] = profile.cum, profile.weights, profile.opened
    return floats, ints, bases, cum, weight, opened


def recovery_tables(plan: Plan) -> tuple[np.ndarray, ...]:
    """Disappointers that some touchpoint recovers, numbered 0..R-1: each event's number
    (-1: none), and each touchpoint's recoveries (salt, chance, number; -1 pads)."""
    k = plan.size
    targets = sorted({gid for recs in plan.recoveries for _, _, gid in recs})
    number = {gid: i for i, gid in enumerate(targets)}
    width = max((len(e) for e in plan.events), default=0)
    event_slot = np.full((k, max(width, 1)), -1, dtype=np.int64)
    for t, events in enumerate(plan.events):
        for e, (_, _, _, disappoints, gid) in enumerate(events):
            if disappoints:
                event_slot[t, e] = number.get(gid, -1)
    rwidth = max((len(r) for r in plan.recoveries), default=0)
    salt = np.zeros((k, max(rwidth, 1)), dtype=np.uint64)
    chance = np.zeros((k, max(rwidth, 1)))
    slot = np.full((k, max(rwidth, 1)), -1, dtype=np.int64)
    for t, recs in enumerate(plan.recoveries):
        for r, (s, c, gid) in enumerate(recs):
            salt[t, r], chance[t, r], slot[t, r] = s, c, number[gid]
    return event_slot, salt, chance, slot


class BatchSimulation:
    def __init__(self, plan: Plan, key: int, sink=None) -> None:
        self.plan = plan
        self.key = key
        self.sink = sink
        self.tally = Tally(plan)

    def run(self) -> dict[str, Any]:
        plan, tally = self.plan, self.tally
        tb = Tables(plan)
        k, personas = plan.size, len(plan.persona_ids)
        times = np.asarray(tally.times, dtype=np.float64)
        per_bin = np.zeros((kernel.BIN_COMPLETED + personas, len(times) + 1), dtype=np.int64)
        per_tp = np.zeros((kernel.TP_DELAY + 1, k), dtype=np.int64)
        counters = np.zeros(kernel.N_DURATION + 1, dtype=np.int64)
        flags = np.array(
            [plan.timed, kernel.MEMORY_RULES[plan.memory], any(plan.recoveries),
             plan.adaptation > 0, self.sink is not None], dtype=np.int64,
        )  # fmt: skip
        personas_f, personas_i, bases, cum, weight, opened = persona_tables(plan, self.key)
        with signals_held():
            people = kernel.population(personas_f, personas_i, bases, cum, weight, opened,
                                       plan.horizon, times, per_bin, counters)  # fmt: skip
        born = referred = len(people[0])
        tables = (
            tb.tp, tb.delays, tb.event_salts, tb.events, *recovery_tables(plan), tb.cum,
            tb.targets, tb.edge, np.array(plan.salts, dtype=np.uint64),
            np.array(plan.expectation, dtype=np.float64).reshape(personas, k),
            np.array(plan.channel_term, dtype=np.float64).reshape(personas, k), tb.model,
            personas_f, personas_i, bases, cum, weight, opened, flags, times, per_bin, per_tp,
            counters, tally.durations, *people,
        )  # fmt: skip
        logs: list[tuple[np.ndarray, ...]] = []
        # a chunk of lives at a time: the process answers signals (Ctrl-C) between chunks
        for begin in range(0, born, CHUNK):
            with signals_held():
                referred, *log = kernel.simulate_lives(
                    *tables, begin, min(begin + CHUNK, born), referred
                )
            logs.append(tuple(log))
        self.fill(per_bin, per_tp, counters)
        if self.sink is not None and logs:
            ints, floats, family = (np.concatenate(parts) for parts in zip(*logs, strict=True))
            ints = ints.reshape(-1, kernel.LOG_INTS)
            floats = floats.reshape(-1, kernel.LOG_FLOATS)
            self.log(born, ints, floats, family.reshape(-1, kernel.FAMILY_INTS))
        return tally.summary()

    def fill(self, per_bin: np.ndarray, per_tp: np.ndarray, counters: np.ndarray) -> None:
        """The kernel's integer sums into the Tally (whose summary both engines share)."""
        tally = self.tally
        tally.d_active = per_bin[kernel.BIN_ACTIVE].tolist()
        tally.d_initial = per_bin[kernel.BIN_INITIAL].tolist()
        tally.d_level = per_bin[kernel.BIN_LEVEL].tolist()
        tally.d_promoters = per_bin[kernel.BIN_PROMOTERS].tolist()
        tally.d_detractors = per_bin[kernel.BIN_DETRACTORS].tolist()
        tally.d_duration = per_bin[kernel.BIN_DURATION].tolist()
        tally.d_ended = per_bin[kernel.BIN_ENDED].tolist()
        completed = per_bin[kernel.BIN_COMPLETED :]
        tally.d_completed = completed.tolist()
        tally.completed = completed.sum(axis=1).tolist()
        tally.visits = per_tp[kernel.TP_VISITS].tolist()
        tally.x_sum = per_tp[kernel.TP_X].tolist()
        tally.peak = per_tp[kernel.TP_PEAK].tolist()
        tally.trough = per_tp[kernel.TP_TROUGH].tolist()
        tally.delay_sum = per_tp[kernel.TP_DELAY].tolist()
        tally.journeys = int(counters[kernel.N_JOURNEYS])
        tally.referrals = int(counters[kernel.N_REFERRALS])
        tally.cut = int(counters[kernel.N_CUT])
        tally.initial = int(counters[kernel.N_INITIAL])
        tally.duration_sum = int(counters[kernel.N_DURATION])

    def log(self, born: int, ints: np.ndarray, floats: np.ndarray, family: np.ndarray) -> None:
        """One events-log row per visit, in the engine's order (see the module's doc)."""
        plan = self.plan
        place = joining_order(born, family)
        order = np.lexsort(
            (place[ints[:, kernel.L_CUSTOMER]], ints[:, kernel.L_STEP], ints[:, kernel.L_ROUND])
        )
        for row in order.tolist():
            _, journey, t, fired, _, _, key, p = ints[row].tolist()
            arrived, x, delay, end = floats[row].tolist()
            persona_id = plan.persona_ids[p]
            names = tuple(plan.event_names[ev[4]] for e, ev in enumerate(plan.events[t])
                          if fired >> e & 1)  # fmt: skip
            self.sink((f"{persona_id}-{key & streams.MASK:016x}", persona_id, journey,
                       plan.touchpoint_ids[t], arrived, 0.0, x, names, delay, end))  # fmt: skip


def joining_order(born: int, family: np.ndarray) -> np.ndarray:
    """Each customer's place in the order of joining, by its number.

    Customers present or arriving come first, in number order. Then those referred in a
    round join after every earlier round's, in the order the rounds referred them: first
    by promoters making one journey, then by the others, each referral step in turn,
    referrers in their own order.
    """
    referred = len(family)
    place = np.arange(born + referred, dtype=np.int64)
    numbers = born + np.arange(referred)
    rounds = family[:, kernel.R_ROUND]
    next_place = born
    for r in np.unique(rounds).tolist():
        pick = np.flatnonzero(rounds == r)
        parents = place[family[pick, kernel.R_PARENT]]
        order = np.lexsort((parents, family[pick, kernel.R_STEP], family[pick, kernel.R_CALL]))
        place[numbers[pick[order]]] = next_place + np.arange(len(pick))
        next_place += len(pick)
    return place


def run_replication(plan: Plan, key: int, sink=None) -> dict[str, Any]:
    return BatchSimulation(plan, key, sink).run()
