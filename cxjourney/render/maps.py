"""The map `render` and `report` draw: the baseline's or a scenario's journey, with
results laid over it, and the report's map as inline SVG (or why it is missing).

Graphviz is imported only when a map is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..language.load import Loaded

if TYPE_CHECKING:
    import graphviz
    import networkx as nx

    from ..model import Journey


def drawn(loaded: Loaded, scenario_id: str | None) -> tuple[Journey, nx.DiGraph]:
    """The journey and graph to draw: the baseline's, or the scenario's own."""
    if scenario_id is None:
        return loaded.journey, loaded.graph
    from .. import graph as journey_graph
    from ..language.scenarios import apply

    journey = apply(loaded.journey, loaded.journey.scenario(scenario_id))
    return journey, journey_graph.build(journey)


def overlay_map(
    loaded: Loaded, results: dict[str, Any] | None, scenario_id: str | None, diff_id: str | None
) -> graphviz.Digraph:
    """The map with the results' experience (or DIFF_ID's change) laid over it."""
    from . import overlay
    from .dot import journey_map

    journey, graph = drawn(loaded, scenario_id or diff_id)
    layer = None
    if results is not None:
        labels = {s.id: s.label for s in loaded.journey.scenarios}
        if diff_id:
            layer = overlay.diff_overlay(journey, graph, results, diff_id, labels[diff_id])
        else:
            name = scenario_id or "baseline"
            layer = overlay.experience_overlay(journey, graph, results, name, labels.get(name))
    return journey_map(journey, graph, layer)


def report_map(loaded: Loaded, results: dict[str, Any]) -> tuple[str | None, str | None]:
    """The overlay map as inline SVG, or None and why it is missing."""
    from .dot import INSTALL_HINT, GraphvizFailed, GraphvizMissing, draw
    from .report import inline_svg

    try:
        return inline_svg(draw(overlay_map(loaded, results, None, None), "svg")), None
    except GraphvizMissing:
        hint = INSTALL_HINT.replace("\n", " ")
        return None, f"The map was left out: Graphviz's `dot` program is not installed. {hint}"
    except GraphvizFailed as err:
        return None, f"The map was left out: Graphviz failed: {err}"
