"""Offered load of the queued touchpoints: will the queue keep up?

The load of a touchpoint is the work that arrives per unit of time over what its
servers can do, rho = lambda * E[visits per journey] * E[service] / capacity, with the
journey rate lambda at its highest in the run: every customer present (those at the
start plus every arrival up to the horizon, no churn) making journeys as often as its
persona does. Expected visits per journey come from the flow's absorbing Markov chain
(graph.absorbing_chain). At rho >= 1 the queue grows without bound until customers
walk out or the horizon ends it; `check` warns, naming the touchpoint and the load.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from . import graph as journey_graph
from .model import Journey

#: Servers busy at least this share of the run: the queue is overloaded (render, report).
OVERLOADED = 0.95


def busy_words(utilisation: float | None) -> str:
    """'83%', or '98% overloaded' past OVERLOADED; '–' without a queue."""
    if utilisation is None:
        return "–"
    text = f"{utilisation * 100:.0f}%"
    return text + " overloaded" if utilisation >= OVERLOADED else text


@dataclass(frozen=True)
class Load:
    touchpoint: str
    journeys_per_minute: float
    visits_per_journey: float
    service_mean: float  # minutes
    capacity: int

    @property
    def offered(self) -> float:
        """rho: the servers' share of time needed, at the peak journey rate."""
        work = self.journeys_per_minute * self.visits_per_journey * self.service_mean
        return work / self.capacity


def journey_rates(journey: Journey) -> dict[str, float]:
    """Journeys per minute of each persona at the horizon, nobody having churned."""
    rates = {}
    for p in journey.personas:
        start = journey.customers * (p.share or 0.0)
        arrivals = p.arrivals or 0.0
        if p.visit_gap:
            rates[p.id] = (start + arrivals * journey.horizon) / p.visit_gap
        else:
            rates[p.id] = arrivals
    return rates


def queue_loads(journey: Journey, graph: nx.DiGraph | None = None) -> list[Load]:
    """The offered load of every touchpoint with `capacity`, in journey order."""
    queued = [t for t in journey.touchpoints if t.capacity and t.service is not None]
    if not queued:
        return []
    graph = graph if graph is not None else journey_graph.build(journey)
    rates = journey_rates(journey)
    total = sum(rates.values())
    visits = {t.id: 0.0 for t in queued}
    for persona, rate in rates.items():
        if rate <= 0:
            continue
        try:
            chain = journey_graph.absorbing_chain(graph, persona)
        except np.linalg.LinAlgError:
            return []  # a flow with no way out: check reports it as an error
        for t in queued:
            visits[t.id] += rate * float(chain["visits"].get(t.id, 0.0))  # type: ignore[union-attr]
    return [
        Load(
            t.id,
            total,
            visits[t.id] / total if total else 0.0,
            max(0.0, t.service.mean),  # type: ignore[union-attr]
            int(t.capacity or 1),
        )
        for t in queued
    ]
