"""Offered load of the queued touchpoints: will the queue keep up?

The load of a touchpoint is the work that arrives per unit of time over what its
servers can do, rho = lambda * E[visits per journey] * E[service] / capacity, with the
journey rate lambda at its highest in the run: every customer present (those at the
start plus every arrival up to the horizon, no churn) making journeys as often as its
persona does. Expected visits per journey come from the flow's absorbing Markov chain
(graph.absorbing_chain). At rho >= 1 the queue grows without bound until customers
walk out or the horizon ends it; `check` warns, naming the touchpoint and the load.

A persona with `visits every G from X` has a lifecycle: its first journey starts where
the flow starts and happens once per customer (at the arrival rate, plus the customers
present at the start spread over one gap), and its repeat journeys start at X, at the
rate customers / G. Each kind of journey has its own visits, from the chain started at
`start` or at X.

With busy hours (`Persona.busy`) or capacity by time of the week (`Touchpoint.shifts`)
the load is taken in the busiest quarter hour of the week: the most work arriving per
server, over the slots where work arrives and servers work (a slot without servers only
holds visits until the next opening; `max_wait` judges that wait). The warning then
names the hour.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from . import graph as journey_graph
from .model import DAY_NAMES, SLOT_MINUTES, SLOTS, Journey, Persona

#: Servers busy at least this share of the run: the queue is overloaded (render, report).
OVERLOADED = 0.95


def busy_words(utilisation: float | None) -> str:
    """'83%', or '98% overloaded' past OVERLOADED; '–' without a queue."""
    if utilisation is None:
        return "–"
    text = f"{utilisation * 100:.0f}%"
    return text + " overloaded" if utilisation >= OVERLOADED else text


def slot_name(slot: int) -> str:
    """A quarter hour of the week as people say it: 'Mon 9:00', 'Sun 23:45'."""
    per_day = int(24 * 60 // SLOT_MINUTES)
    day, within = divmod(slot % SLOTS, per_day)
    minutes = int(within * SLOT_MINUTES)
    return f"{DAY_NAMES[day].capitalize()} {minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Load:
    touchpoint: str
    journeys_per_minute: float
    visits_per_journey: float
    service_mean: float  # minutes
    capacity: float  # servers (in the busiest quarter hour, with shifts)
    #: The busiest quarter hour of the week (with busy hours or shifts), else None.
    slot: int | None = None
    #: The load in that quarter hour, when `slot` is given.
    peak: float | None = None

    @property
    def offered(self) -> float:
        """rho: the servers' share of time needed, at the peak journey rate."""
        if self.peak is not None:
            return self.peak
        work = self.journeys_per_minute * self.visits_per_journey * self.service_mean
        return work / self.capacity

    @property
    def hour(self) -> str:
        """'Mon 9:00': where the load is taken; '' when it is the same all week."""
        return "" if self.slot is None else slot_name(self.slot)


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


def journey_starts(journey: Journey, persona: Persona) -> list[tuple[str, float]]:
    """(where journeys start, journeys per minute) of one persona, at the horizon.

    Without `from`, every journey starts at `start` (`journey_rates`). With
    `visits every G from X`: first journeys at `start`, arrivals + customers at the start / G
    (those present spread their first journey over one gap), and repeats at X,
    customers / G.
    """
    if not persona.visit_gap or persona.repeat_from is None:
        return [(journey_graph.START, journey_rates(journey).get(persona.id, 0.0))]
    start = journey.customers * (persona.share or 0.0)
    arrivals = persona.arrivals or 0.0
    first = arrivals + start / persona.visit_gap
    repeats = (start + arrivals * journey.horizon) / persona.visit_gap
    return [(journey_graph.START, first), (persona.repeat_from, repeats)]


def queue_loads(journey: Journey, graph: nx.DiGraph | None = None) -> list[Load]:
    """The offered load of every touchpoint with `capacity`, in journey order."""
    queued = [t for t in journey.touchpoints if t.capacity is not None and t.service is not None]
    if not queued:
        return []
    graph = graph if graph is not None else journey_graph.build(journey)
    # work arriving per minute in each quarter hour, per touchpoint, before service time
    visits = {t.id: np.zeros(SLOTS) for t in queued}
    journeys = np.zeros(SLOTS)  # journeys starting per minute in each quarter hour
    total = 0.0
    for persona in journey.personas:
        profile = persona.arrival_profile()
        shape = np.ones(SLOTS) if profile is None else np.asarray(profile)
        for origin, rate in journey_starts(journey, persona):
            if rate <= 0:
                continue
            try:
                chain = journey_graph.absorbing_chain(graph, persona.id, origin)
            except np.linalg.LinAlgError:
                return []  # a flow with no way out: check reports it as an error
            except ValueError:
                continue  # an unknown `from`: check reports it
            total += rate
            journeys += rate * shape
            for t in queued:
                per_journey = float(chain["visits"].get(t.id, 0.0))  # type: ignore[union-attr]
                visits[t.id] += rate * per_journey * shape
    loads = []
    for t in queued:
        service = max(0.0, t.service.mean)  # type: ignore[union-attr]
        capacity = int(t.capacity or 0)
        mean_visits = float(visits[t.id].mean())
        flat = not t.shifts and not any(p.busy for p in journey.personas)
        if flat:
            loads.append(
                Load(t.id, total, mean_visits / total if total else 0.0, service, capacity or 1)
            )
            continue
        servers = np.asarray(t.staffing())
        work = visits[t.id] * service
        open_slots = (work > 0) & (servers > 0)
        if not open_slots.any():
            loads.append(Load(t.id, total, 0.0, service, capacity, slot=0, peak=0.0))
            continue
        load = np.where(open_slots, work / np.where(servers > 0, servers, 1.0), 0.0)
        slot = int(np.argmax(load))
        rate = float(journeys[slot])
        loads.append(
            Load(
                t.id,
                rate,
                float(visits[t.id][slot]) / rate if rate else 0.0,
                service,
                round(float(servers[slot]), 6),
                slot=slot,
                peak=float(load[slot]),
            )
        )
    return loads
