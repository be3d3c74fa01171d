"""How big a run is before it starts: touchpoint visits, customers, and a rough time.

A valid file can still ask for a run that never ends in practice: a billion customers,
a visit every second for a year, a loop taken 99.99% of the time, referrals that
double the population every week. The estimate is an upper bound of the expected
work, computed from the model alone:

- customers: those at time 0, plus arrivals, with the population growing by
  referral as if every customer were a promoter and none churned;
- journeys: one on arrival, then one every `visits every D` while present;
- touchpoint visits per journey: the expected visits of the absorbing Markov chain
  of the persona's routing (Kemeny & Snell 1960), solved one strongly connected
  component at a time so that a large map costs no dense matrix of its size;
- and a cost per touchpoint and replication, and per customer and touchpoint (each
  customer starts with its own count of visits and expectations of every touchpoint),
  which dominate maps of thousands of touchpoints.

Memory is estimated from what the engines allocate (`Memory`): the routing tables, one
row per persona and node as wide as the widest node (`sim/tables.py`), and per customer
of the SimPy engine, which keeps a returning customer alive for the run, lists of its
visits and expectations of every touchpoint (`sim/engine.py`); each replication that
runs at once holds its own.

Commands refuse a run estimated to take more than `LIMIT_SECONDS`, or to hold more
than `LIMIT_CUSTOMERS` customers in one replication, unless told `--allow-long`; and
a run estimated to need more memory than the machine has (`memory_limit`), always:
running it anyway would end in a MemoryError, or in swapping, after the wait.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace

import networkx as nx
import numpy as np

from .. import graph as journey_graph
from ..model import Journey

LIMIT_SECONDS = 3600.0  # refuse a run estimated to take longer than an hour
LIMIT_CUSTOMERS = 5_000_000  # customers in one replication
QUEUED_RATE = 100_000.0  # touchpoint visits per second and worker, SimPy with queues
BATCH_RATE = 500_000.0  # the same without queues (the batched engine; loops run slower)
_DENSE = 3000  # the largest component solved as one dense system
# each replication also costs per touchpoint (summaries, plan tables): measured at about
# 0.14 ms a touchpoint, the time of some 70 visits; 100 keeps the estimate an upper bound
TOUCHPOINT_STEPS = 100
# each customer resets its visits and expectations of every touchpoint (and copies a list
# of them, in the SimPy engine): about a nanosecond a touchpoint; a step is a visit's
# share of a second (2-10 microseconds), so 1 step per 1,000 touchpoints is an upper bound
CUSTOMER_TOUCHPOINTS_PER_STEP = 1000

# bytes of memory (sim/tables.py, sim/engine.py, sim/kernel.py)
ROUTE_BYTES = 24  # one target of a node's routing row: its share, target and delay row
SIMPY_ROUTE_BYTES = 8  # the SimPy engine also holds the delay rows as lists
NODE_BYTES = 200  # per persona and node: the rows' own headers
TOUCHPOINT_BYTES = 2000  # per touchpoint: its columns, events, tallies and summaries
CUSTOMER_BYTES = 32  # per customer of the batched engine: key, persona, start, at time 0
SIMPY_CUSTOMER_BYTES = 2000  # a customer of the SimPy engine: its object and process
SIMPY_VISIT_BYTES = 16  # ... and per touchpoint: its visits, and its own expectations
# once it learns (`adaptation`): 20,000 customers who come back every 12 hours to a
# queued map of 2,000 touchpoints peak at 0.98 GB; this estimate says 1.02 GB
BASE_BYTES = 200 * 2**20  # the interpreter, NumPy, Numba and SimPy themselves
MEMORY_SHARE = 0.9  # of the machine's memory a run may be estimated to fill
UNKNOWN_MEMORY = 8 * 2**30  # when the machine does not say how much it has


@dataclass(frozen=True)
class Size:
    """One replication of one journey: an upper bound of its expected work."""

    customers: float
    journeys: float
    visits: float
    queued: bool
    touchpoints: int = 0
    personas: int = 1
    degree: int = 1  # the most targets of one node (every routing row is this wide)

    @property
    def steps(self) -> float:
        per_customer = self.customers * self.touchpoints / CUSTOMER_TOUCHPOINTS_PER_STEP
        return (
            self.visits
            + self.journeys
            + self.customers
            + TOUCHPOINT_STEPS * self.touchpoints
            + per_customer
        )

    @property
    def memory(self) -> float:
        """Bytes one replication holds at its peak (an upper bound; SimPy when queued)."""
        nodes = self.personas * (self.touchpoints + 1)
        route = ROUTE_BYTES + (SIMPY_ROUTE_BYTES if self.queued else 0)
        tables = nodes * (self.degree * route + NODE_BYTES)
        customer = (
            SIMPY_CUSTOMER_BYTES + SIMPY_VISIT_BYTES * self.touchpoints
            if self.queued
            else CUSTOMER_BYTES
        )
        return tables + TOUCHPOINT_BYTES * self.touchpoints + customer * self.customers


@dataclass(frozen=True)
class RunSize:
    """A whole command's simulation: `runs` replications of the largest variant."""

    per_run: Size
    runs: int
    workers: int
    per_run_memory: float = 0.0  # bytes of the variant that needs the most

    @property
    def visits(self) -> float:
        return self.per_run.visits * self.runs

    @property
    def parallel(self) -> int:
        """Replications under way at once (each in its own worker, with its own memory)."""
        return max(1, min(self.workers, self.runs))

    @property
    def seconds(self) -> float:
        rate = QUEUED_RATE if self.per_run.queued else BATCH_RATE
        return self.per_run.steps * self.runs / (rate * self.parallel)

    @property
    def memory(self) -> float:
        """Bytes the run holds at its peak: every replication under way, and the process."""
        return BASE_BYTES + max(self.per_run.memory, self.per_run_memory) * self.parallel

    def memory_problem(self, limit: float | None = None) -> str | None:
        """Why the run cannot fit in memory (no flag overrides it), or None when it fits."""
        limit = memory_limit() if limit is None else limit
        if self.memory <= limit:
            return None
        workers = f" ({self.parallel} replications at once)" if self.parallel > 1 else ""
        return (
            f"it would need about {_gigabytes(self.memory)} of memory{workers}, and this "
            f"machine has {_gigabytes(limit / MEMORY_SHARE)} "
            f"({_count(self.per_run.customers)} customers x {self.per_run.touchpoints:,} "
            "touchpoints)"
        )

    def problem(self) -> str | None:
        """Why the run is refused, or None when it may go ahead."""
        size = self.per_run
        if size.customers > LIMIT_CUSTOMERS:
            return (
                f"one replication would hold about {_count(size.customers)} customers "
                f"(at most {_count(LIMIT_CUSTOMERS)} fit in memory)"
            )
        if not math.isfinite(size.visits):
            return "a journey may go on without end (its expected length is unbounded)"
        if self.seconds > LIMIT_SECONDS:
            return (
                f"about {_count(self.visits)} touchpoint visits ({self.runs} runs of "
                f"{_count(size.visits)}) would take roughly {_duration(self.seconds)}"
            )
        return None


def size(journey: Journey) -> Size:
    """The expected work of one replication of `journey` (an upper bound)."""
    graph = journey_graph.build(journey)
    horizon = journey.horizon
    growth = journey.loyalty.referral / (30 * 24 * 60.0)  # per minute, all promoters
    personas = journey.personas or ()
    customers = journeys = visits = 0.0
    for persona in personas:
        start = journey.customers * (persona.share or 0.0)
        arrivals = persona.arrivals or 0.0
        ever, presence = _population(start, arrivals, growth, horizon)
        gap = persona.visit_gap
        made = ever + (presence / gap if gap else 0.0)
        length = expected_visits(graph, persona.id)
        customers += ever
        journeys += made
        visits += made * length if made > 0 else 0.0
    queued = any(t.capacity for t in journey.touchpoints)
    touchpoints = len(journey.touchpoints)
    degree = max((d for _, d in graph.out_degree()), default=1)
    return Size(
        float(customers),
        float(journeys),
        float(visits),
        queued,
        touchpoints,
        max(1, len(personas)),
        max(1, degree),
    )


def run_size(journeys: list[Journey], runs: int, workers: int) -> RunSize:
    """`runs` replications, each as large as the largest of `journeys`."""
    sizes = [size(j) for j in journeys]
    largest = max(sizes, key=lambda s: (s.steps, s.customers))
    return RunSize(largest, runs, workers, max(s.memory for s in sizes))


def memory_limit() -> float:
    """The bytes a run may be estimated to need: most of the machine's memory."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        total = 0
    return MEMORY_SHARE * (total if total > 0 else UNKNOWN_MEMORY)


def with_horizon(journey: Journey, horizon: float | None) -> Journey:
    return journey if horizon is None else replace(journey, horizon=horizon)


def _population(
    start: float, arrivals: float, growth: float, horizon: float
) -> tuple[float, float]:
    """Customers ever present and customer-minutes over the horizon, growing by referral."""
    if growth * horizon > 700:
        return math.inf, math.inf
    if growth * horizon < 1e-9:
        return start + arrivals * horizon, start * horizon + arrivals * horizon**2 / 2
    factor = math.expm1(growth * horizon)  # e^(gH) - 1
    ever = start * (factor + 1) + arrivals * factor / growth
    presence = start * factor / growth + arrivals * (factor / growth - horizon) / growth
    return ever, presence


def expected_visits(graph: nx.DiGraph, persona: str | None = None) -> float:
    """Expected touchpoint visits of one journey; inf when it may never end."""
    edges = nx.DiGraph()
    edges.add_node(journey_graph.START)
    for source, target, data in graph.edges(data=True):
        p = data["personas"].get(persona, data["probability"]) if persona else data["probability"]
        if not math.isfinite(p):
            return math.inf
        if p > 0:
            edges.add_edge(source, target, p=p)
    ends = {journey_graph.END, journey_graph.EXIT}
    mass: dict[str, float] = {journey_graph.START: 1.0}
    total = 0.0
    condensed = nx.condensation(edges)
    for component in nx.topological_sort(condensed):
        members = sorted(condensed.nodes[component]["members"])
        entering = np.array([mass.get(n, 0.0) for n in members])
        if not entering.any() or members[0] in ends:
            continue
        visits = _component_visits(edges, members, entering)
        if visits is None:
            return math.inf
        for node, v in zip(members, visits, strict=True):
            if node != journey_graph.START:
                total += v
            for _, target, data in edges.out_edges(node, data=True):
                if target not in condensed.nodes[component]["members"]:
                    mass[target] = mass.get(target, 0.0) + v * data["p"]
    return total


def _component_visits(edges: nx.DiGraph, members: list[str], entering: np.ndarray):
    """Visits of each member: the solution of v = entering + v Q within the component."""
    index = {n: i for i, n in enumerate(members)}
    if len(members) == 1 and not edges.has_edge(members[0], members[0]):
        return entering
    if len(members) > _DENSE:
        return _iterated_visits(edges, members, index, entering)
    q = np.zeros((len(members), len(members)))
    for node in members:
        for _, target, data in edges.out_edges(node, data=True):
            if target in index:
                q[index[node], index[target]] += data["p"]
    try:
        visits = np.linalg.solve((np.eye(len(members)) - q).T, entering)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(visits)) or visits.min() < -1e-9 or visits.max() > 1e12:
        return None
    return visits


def _iterated_visits(edges, members, index, entering, rounds: int = 20000):
    """The same by summing the chain's steps, for a component too large to solve densely."""
    pairs = [
        (index[s], index[t], d["p"])
        for s in members
        for _, t, d in edges.out_edges(s, data=True)
        if t in index
    ]
    src = np.array([a for a, _, _ in pairs], dtype=np.int64)
    dst = np.array([b for _, b, _ in pairs], dtype=np.int64)
    p = np.array([c for _, _, c in pairs])
    current, visits = entering.copy(), entering.copy()
    for _ in range(rounds):
        current = np.bincount(dst, weights=current[src] * p, minlength=len(members))
        visits += current
        if current.sum() < 1e-9:
            return visits
    return None


def _count(x: float) -> str:
    if not math.isfinite(x):
        return "unboundedly many"
    if x < 1e6:
        return f"{x:,.0f}"
    return f"{x:.1e}".replace("e+0", "e").replace("e+", "e")


def _gigabytes(size: float) -> str:
    if not math.isfinite(size):
        return "unboundedly many GB"
    gb = size / 1e9
    return f"{gb:,.1f} GB" if gb < 100 else f"{gb:,.0f} GB"


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "forever"
    hours = seconds / 3600
    if hours < 48:
        return f"{hours:,.1f} hours"
    days = hours / 24
    if days < 3650:
        return f"{days:,.0f} days"
    return f"{days / 365:,.2g} years"
