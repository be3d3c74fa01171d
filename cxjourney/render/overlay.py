"""Simulation results laid over the map: what each node and edge shows, decided here.

The map (`dot.py`) draws whatever an `Overlay` says; this module turns a results
document (docs/model.md, "Results") into one: a diverging colour per touchpoint, an edge
width per share of journeys, wait and walk-out figures on queues, and badges where
journeys' best and worst moments fall (a best moment below expectation is no peak).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from .. import graph as journey_graph
from ..model import Journey
from ..queueing import busy_words
from . import palette
from .duration import busy_hour, duration, horizon
from .table import percent

#: A badge marks a touchpoint holding at least this share of journeys' peaks or troughs
#: (the largest one is always marked).
BADGE_SHARE = 0.10


@dataclass(frozen=True)
class Scale:
    """The colour legend: what the colour means and where it saturates."""

    title: str
    limit: float
    low: str
    high: str


@dataclass(frozen=True)
class NodeMark:
    value: float | None
    fill: str
    notes: tuple[str, ...] = ()
    badges: tuple[str, ...] = ()


@dataclass(frozen=True)
class Overlay:
    caption: str
    scale: Scale
    nodes: dict[str, NodeMark]
    #: (source, target) → expected traversals per journey (a share when there are no loops)
    traffic: dict[tuple[str, str], float] = field(default_factory=dict)
    #: touchpoint → walk-outs per journey
    walkouts: dict[str, float] = field(default_factory=dict)
    #: (mark, meaning) rows the legend adds for the figures shown (none on older results)
    keys: tuple[tuple[str, str], ...] = ()


#: Legend rows for the timing figures, shown when some node carries them.
DELAY_KEY = ("waits 4.8 days", "mean time before the visit starts (simulated)")
BUSIEST_KEY = ("busiest hour", "mean queue wait of visits arriving in the week's busiest hour")
MEANS_KEY = ("no interval", "a touchpoint's figures are means over all replications")


def experience_overlay(
    journey: Journey,
    graph: nx.DiGraph,
    results: dict[str, Any],
    scenario: str = "baseline",
    label: str | None = None,
) -> Overlay:
    """Node colour by mean experience: red below expectation (x < 0), green above.

    `journey` and `graph` are the ones drawn: the scenario's own when it is overlaid.
    """
    entry = results["scenarios"][scenario]
    touchpoints = entry["touchpoints"]
    values = {tp.id: _get(touchpoints, tp.id, "experience_mean") for tp in journey.touchpoints}
    limit = palette.symmetric_limit(list(values.values()), floor=1.0)
    nodes = {}
    for tp in journey.touchpoints:
        value = values[tp.id]
        here = touchpoints.get(tp.id, {})
        notes = [f"experience {_signed(value)}", *_timing_notes(here), *_queue_notes(here)]
        nodes[tp.id] = NodeMark(
            value, palette.diverging(value, limit), tuple(notes), _badges(touchpoints, tp.id)
        )
    scale = Scale("Mean experience per visit", limit, "below expectation", "above expectation")
    return Overlay(
        _caption(results, label or scenario, "simulated mean experience", journey),
        scale,
        nodes,
        edge_traffic(journey, graph, entry),
        walkouts(entry),
        _keys(touchpoints),
    )


def diff_overlay(
    journey: Journey,
    graph: nx.DiGraph,
    results: dict[str, Any],
    scenario: str,
    label: str | None = None,
) -> Overlay:
    """Node colour by the scenario's change in mean experience against the baseline."""
    before = results["scenarios"]["baseline"]["touchpoints"]
    entry = results["scenarios"][scenario]
    after = entry["touchpoints"]
    changes: dict[str, float | None] = {}
    for tp in journey.touchpoints:
        a, b = _get(before, tp.id, "experience_mean"), _get(after, tp.id, "experience_mean")
        changes[tp.id] = None if a is None or b is None else b - a
    limit = palette.symmetric_limit(list(changes.values()), floor=0.1)
    nodes = {}
    for tp in journey.touchpoints:
        a, b = _get(before, tp.id, "experience_mean"), _get(after, tp.id, "experience_mean")
        notes = [f"experience {_signed(a)} → {_signed(b)}"]
        delay_a, delay_b = _get(before, tp.id, "delay_mean"), _get(after, tp.id, "delay_mean")
        if delay_a or delay_b:
            notes.append(f"waits {duration(delay_a)} → {duration(delay_b)} before it")
        wait_a, wait_b = _get(before, tp.id, "wait_mean"), _get(after, tp.id, "wait_mean")
        if wait_a is not None or wait_b is not None:
            notes.append(f"wait {duration(wait_a)} → {duration(wait_b)}")
        busy_a = _get(before, tp.id, "wait_busy_mean")
        busy_b = _get(after, tp.id, "wait_busy_mean")
        if busy_a is not None or busy_b is not None:
            hour = _busiest_hour(after.get(tp.id, {})) or _busiest_hour(before.get(tp.id, {}))
            notes.append(f"busiest hour{hour}: wait {duration(busy_a)} → {duration(busy_b)}")
        walk_a, walk_b = _get(before, tp.id, "abandon_rate"), _get(after, tp.id, "abandon_rate")
        if tp.capacity and (walk_a or walk_b):
            notes.append(f"walk-outs {percent(walk_a)} → {percent(walk_b)}")
        value = changes[tp.id]
        nodes[tp.id] = NodeMark(
            value, palette.diverging(value, limit), tuple(notes), _badges(after, tp.id)
        )
    scale = Scale("Change in mean experience vs baseline", limit, "worse", "better")
    return Overlay(
        _caption(results, label or scenario, "change against the baseline", journey),
        scale,
        nodes,
        edge_traffic(journey, graph, entry),
        walkouts(entry),
        _keys({**before, **after}),
    )


def persona_weights(journey: Journey) -> dict[str, float]:
    """Each persona's expected number of journeys over the horizon, ignoring churn.

    Customers present at time 0 make horizon/gap journeys (one without `visits`);
    arrivals come on average half-way through, so each makes 1 + (horizon/2)/gap.
    Only the mix matters: it weighs the personas' routing where their paths differ.
    """
    horizon = journey.horizon
    weights = {}
    for p in journey.personas:
        initial = journey.customers * (p.share or 0.0)
        arrived = (p.arrivals or 0.0) * horizon
        if p.visit_gap:
            journeys = initial * horizon / p.visit_gap + arrived * (1 + horizon / 2 / p.visit_gap)
        else:
            journeys = initial + arrived
        weights[p.id] = journeys
    total = sum(weights.values())
    if total <= 0:
        return {p.id: 1 / len(journey.personas) for p in journey.personas}
    return {k: v / total for k, v in weights.items()}


def edge_traffic(
    journey: Journey, graph: nx.DiGraph, entry: dict[str, Any] | None = None
) -> dict[tuple[str, str], float]:
    """Expected traversals of each edge per journey.

    Volume comes from the results where given (visits to the edge's source per journey,
    less walk-outs, which leave by no edge); the split at the source mixes the personas'
    own probabilities by how many of them reach it (absorbing-chain visits weighted by
    `persona_weights`). The results hold no per-edge counts, so this is an estimate.
    """
    weights = persona_weights(journey)
    reach: dict[str, dict[str, float]] = {}
    for persona in weights:
        try:
            visits = journey_graph.absorbing_chain(graph, persona)["visits"]
        except np.linalg.LinAlgError:
            continue
        reach[persona] = {journey_graph.START: 1.0, **visits}
    modelled = {
        node: sum(weights[p] * reach[p].get(node, 0.0) for p in reach) for node in graph.nodes
    }
    measured = _measured_visits(entry) if entry is not None else None
    traffic = {}
    for source, target, data in graph.edges(data=True):
        mass = sum(weights[p] * reach[p].get(source, 0.0) for p in reach)
        if mass > 0:
            split = (
                sum(
                    weights[p]
                    * reach[p].get(source, 0.0)
                    * data["personas"].get(p, data["probability"])
                    for p in reach
                )
                / mass
            )
        else:
            split = data["probability"]
        volume = modelled.get(source, 0.0)
        if measured is not None and source != journey_graph.START:
            tp = measured.get(source)
            volume = tp[0] * (1 - tp[1]) if tp is not None else 0.0
        traffic[(source, target)] = volume * split
    return traffic


def walkouts(entry: dict[str, Any]) -> dict[str, float]:
    """Walk-outs per journey at each touchpoint: visits per journey × walk-out rate."""
    measured = _measured_visits(entry) or {}
    return {tp: visits * rate for tp, (visits, rate) in measured.items() if rate}


def _measured_visits(entry: dict[str, Any]) -> dict[str, tuple[float, float]] | None:
    """touchpoint → (visits per journey, walk-out rate), or None without journeys."""
    journeys = (entry.get("metrics", {}).get("journeys") or {}).get("mean")
    if not journeys:
        return None
    out = {}
    for tp, values in entry["touchpoints"].items():
        visits = values.get("visits") or 0.0
        out[tp] = (visits / journeys, values.get("abandon_rate") or 0.0)
    return out


def _get(touchpoints: dict[str, Any], tp: str, key: str) -> float | None:
    return _value(touchpoints.get(tp, {}), key)


def _badges(touchpoints: dict[str, Any], tp: str) -> tuple[str, ...]:
    badges = []
    # "best", not "peak": a journey's best moment can still fall short of expectation
    for key, mark, word in (("peak_share", "▲", "best"), ("trough_share", "▼", "worst")):
        share = _get(touchpoints, tp, key)
        largest = max(((_get(touchpoints, t, key) or 0.0) for t in touchpoints), default=0.0)
        if share and (share >= BADGE_SHARE or share == largest):
            badges.append(f"{mark} {word} moment of {share * 100:.0f}% of journeys")
    return tuple(badges)


def _timing_notes(values: dict[str, Any]) -> list[str]:
    """The time before the visit, and the queue wait in the week's busiest hour."""
    notes = []
    delay = _value(values, "delay_mean")
    if delay:  # a zero delay: no delay leads to the touchpoint
        notes.append(f"waits {duration(delay)} before it")
    busiest = _value(values, "wait_busy_mean")
    if busiest is not None:
        notes.append(f"busiest hour{_busiest_hour(values)}: wait {duration(busiest)}")
    return notes


def _busiest_hour(values: dict[str, Any]) -> str:
    """ " Mon 9:00" when the results name the busiest hour, else nothing."""
    hour = values.get("busy_hour")
    return "" if hour is None else f" {busy_hour(hour)}"


def _keys(touchpoints: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The legend rows for the timing figures some touchpoint shows."""
    values = list(touchpoints.values())
    delays = any(_value(v, "delay_mean") for v in values)
    busiest = any(_value(v, "wait_busy_mean") is not None for v in values)
    keys = [DELAY_KEY] * delays + [BUSIEST_KEY] * busiest
    return (*keys, MEANS_KEY) if keys else ()


def _value(values: dict[str, Any], key: str) -> float | None:
    value = values.get(key)
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _queue_notes(values: dict[str, Any]) -> list[str]:
    if values.get("wait_mean") is None:
        return []
    notes = [f"wait {duration(values['wait_mean'])}"]
    notes.append(f"walk-outs {percent(values.get('abandon_rate'))}")
    if values.get("utilisation") is not None:
        notes.append(f"busy {busy_words(values['utilisation'])}")
    return [" · ".join(notes)]


def _caption(results: dict[str, Any], label: str, what: str, journey: Journey) -> str:
    label = "Baseline" if label == "baseline" else label
    return (
        f"{label}: {what}, {results['replications']} replications, seed {results['seed']}, "
        f"{horizon(results['horizon_days'], journey.horizon)}"
    )


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}".replace("-", "−")
