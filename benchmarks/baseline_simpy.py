"""A minimal SimPy model of a journey: only arrivals, routing and queueing.

The yardstick for `bench_simulate.py`: the same customers, visit gaps, arrivals,
persona-specific routing and FCFS queues with walking out as `cxjourney simulate`,
and nothing else (no experience, memory, loyalty, churn or statistics).
"""

from __future__ import annotations

import math
import random
import sys
import time

import simpy

from cxjourney import load
from cxjourney.sim.distributions import draw
from cxjourney.sim.plan import compile_plan, initial_counts


def run(plan, seed: int = 1, queues: bool = True) -> int:
    rng = random.Random(seed)
    env = simpy.Environment()
    resources = [simpy.Resource(env, capacity=c) if c and queues else None for c in plan.capacity]
    visits = [0]
    k = plan.size

    def journey(p):
        route = plan.routes[p]
        cum, targets = route[k]
        u = rng.random()
        i = 0
        while u >= cum[i]:
            i += 1
        t = targets[i]
        while t < k:
            visits[0] += 1
            res = resources[t]
            if res is not None:
                req = res.request()
                patience = plan.patience[p]
                if patience < math.inf:
                    yield req | env.timeout(patience)
                    if not req.triggered:
                        req.cancel()
                        return
                else:
                    yield req
                yield env.timeout(max(0.0, draw(plan.service[t], rng.random(), rng.random())))
                res.release(req)
            cum, targets = route[t]
            u = rng.random()
            i = 0
            while u >= cum[i]:
                i += 1
            t = targets[i]

    def customer(p, delay):
        if delay:
            yield env.timeout(delay)
        gap = plan.visit_gap[p]
        while True:
            yield from journey(p)
            if not gap:
                return
            yield env.timeout(rng.expovariate(1 / gap))

    def arrivals(p):
        while True:
            yield env.timeout(rng.expovariate(plan.arrivals[p]))
            env.process(customer(p, 0.0))

    for p, n in enumerate(initial_counts(plan.customers, plan.persona_share)):
        gap = plan.visit_gap[p]
        for _ in range(n):
            env.process(customer(p, gap * rng.random() if gap else 0.0))
        if plan.arrivals[p]:
            env.process(arrivals(p))
    env.run(until=plan.horizon)
    return visits[0]


if __name__ == "__main__":
    path = sys.argv[1]
    queues = "--no-queues" not in sys.argv
    plan = compile_plan(load(path).journey)
    start = time.perf_counter()
    n = run(plan, queues=queues)
    elapsed = time.perf_counter() - start
    print(f"{n} visits in {elapsed:.2f} s: {n / elapsed:,.0f} visits/s")
