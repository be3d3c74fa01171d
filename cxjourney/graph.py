"""Model → networkx.DiGraph, and the routing arithmetic every later stage shares.

Nodes: one per touchpoint plus ``start``, ``end`` and ``exit``. Each edge carries its
resolved default probability (``probability``) and each persona's own (``personas``).
Analyses are functions over the graph, as in networkx itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields

import networkx as nx
import numpy as np

from .model import Edge, Journey

START, END, EXIT = "start", "end", "exit"


def start_node_edges(journey: Journey) -> list[Edge]:
    """Where journeys begin: the `start ->` edges, else the first touchpoint written."""
    edges = [e for e in journey.edges if e.source == START]
    if edges or not journey.touchpoints:
        return edges
    return [Edge(START, journey.touchpoints[0].id)]


def edges_by_source(journey: Journey) -> dict[str, list[Edge]]:
    """Plain edges (for everyone) grouped by source, `start` included."""
    grouped: dict[str, list[Edge]] = defaultdict(list)
    edges = list(journey.edges)
    if not any(e.source == START for e in edges):
        edges = start_node_edges(journey) + edges
    for e in edges:
        if e.persona is None:
            grouped[e.source].append(e)
    return grouped


def persona_overrides(journey: Journey) -> dict[tuple[str, str], dict[str, float]]:
    """(persona, source) → {target: probability} from `A -> B p% for P` lines."""
    out: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for e in journey.edges:
        if e.persona is not None and e.probability is not None:
            out[(e.persona, e.source)][e.target] = e.probability
    return out


def default_split(edges: list[Edge]) -> dict[str, float]:
    """Listed percentages kept; unlabelled edges share what is left equally."""
    listed = {e.target: e.probability for e in edges if e.probability is not None}
    rest = [e.target for e in edges if e.probability is None]
    left = max(0.0, 1.0 - sum(listed.values()))
    split = dict(listed)
    for target in rest:
        split[target] = left / len(rest)
    return split


def persona_split(default: dict[str, float], own: dict[str, float]) -> dict[str, float]:
    """A persona's own probabilities replace those edges; the others keep their proportions."""
    if not own:
        return dict(default)
    others = {t: p for t, p in default.items() if t not in own}
    left = max(0.0, 1.0 - sum(own.values()))
    total = sum(others.values())
    split = dict(own)
    for target, p in others.items():
        split[target] = left * (p / total if total > 0 else 1 / len(others))
    return split


def routing(journey: Journey) -> dict[str | None, dict[str, dict[str, float]]]:
    """persona (None = default) → source → {target: probability}."""
    grouped = edges_by_source(journey)
    defaults = {source: default_split(edges) for source, edges in grouped.items()}
    table: dict[str | None, dict[str, dict[str, float]]] = {None: defaults}
    overrides = persona_overrides(journey)
    for persona in journey.personas:
        table[persona.id] = {
            source: persona_split(split, overrides.get((persona.id, source), {}))
            for source, split in defaults.items()
        }
    return table


def build(journey: Journey) -> nx.DiGraph:
    """The journey as a directed graph whose attributes carry what later stages need."""
    graph = nx.DiGraph(title=journey.title)
    graph.add_node(START, kind="start")
    for tp in journey.touchpoints:
        attributes = {
            f.name: getattr(tp, f.name) for f in fields(tp) if f.name not in ("id", "spans", "span")
        }
        graph.add_node(tp.id, kind="touchpoint", line=tp.span.line, **attributes)
    graph.add_node(END, kind="end")
    graph.add_node(EXIT, kind="exit")
    table = routing(journey)
    for source, split in table[None].items():
        for target, p in split.items():
            graph.add_edge(source, target, probability=p, personas={})
    for persona, sources in table.items():
        if persona is None:
            continue
        for source, split in sources.items():
            for target, p in split.items():
                if graph.has_edge(source, target):
                    graph.edges[source, target]["personas"][persona] = p
    return graph


def transition_matrix(
    graph: nx.DiGraph, persona: str | None = None
) -> tuple[list[str], np.ndarray]:
    """Row-stochastic matrix over [start, touchpoints..., end, exit] (absorbing ends)."""
    nodes = [START] + [n for n, k in graph.nodes(data="kind") if k == "touchpoint"] + [END, EXIT]
    index = {n: i for i, n in enumerate(nodes)}
    matrix = np.zeros((len(nodes), len(nodes)))
    for source, target, data in graph.edges(data=True):
        p = data["personas"].get(persona, data["probability"]) if persona else data["probability"]
        matrix[index[source], index[target]] = p
    matrix[index[END], index[END]] = 1.0
    matrix[index[EXIT], index[EXIT]] = 1.0
    return nodes, matrix


def absorbing_chain(
    graph: nx.DiGraph, persona: str | None = None, origin: str = START
) -> dict[str, object]:
    """Expected visits per touchpoint and completion share from the fundamental matrix.

    With Q the transient block (start and touchpoints) and R the absorbing block,
    N = (I - Q)^-1 gives expected visits and B = N R the absorption probabilities
    (Kemeny & Snell 1960). `origin`: where the journey starts, `start` or the touchpoint
    repeat journeys start at (whose own visit is then counted).
    """
    nodes, matrix = transition_matrix(graph, persona)
    transient = len(nodes) - 2
    q = matrix[:transient, :transient]
    r = matrix[:transient, transient:]
    fundamental = np.linalg.inv(np.eye(transient) - q)
    absorbed = fundamental @ r
    row = nodes.index(origin)
    return {
        "visits": dict(zip(nodes[1:transient], fundamental[row, 1:transient], strict=True)),
        "completion": float(absorbed[row, 0]),
        "exit": float(absorbed[row, 1]),
    }
