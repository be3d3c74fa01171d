"""The emotional curve: experience along each persona's most likely path, as SVG.

Each persona's line is what the model expects of a moment there (docs/model.md, "One
moment"; `sim.experience.expected_moment`): the mean over the performance distribution
of weight × v(D~), plus each delighter's and disappointer's chance × its weighted
value, with the persona's expectation shift and channel term. Waits, learning and
recovery are left out: they depend on the run. When results are given, the simulated
mean experience of each touchpoint (all personas together) is drawn as markers on the
same scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..graph import END, EXIT, START
from ..model import Journey
from ..sim.distributions import draw
from ..sim.experience import expected_moment
from ..sim.plan import compile_plan
from . import palette, svg

#: Quadrature grid over the two uniforms each performance draw takes.
GRID = 24
COLUMN = 112
LEFT, TOP, PLOT_HEIGHT = 64, 72, 260
LEGEND = 200


@dataclass(frozen=True)
class Curve:
    persona: str
    label: str
    path: tuple[str, ...]
    moments: tuple[float, ...]


def main_path(graph: nx.DiGraph, persona: str | None = None) -> list[str]:
    """The persona's most likely way from start to end (to exit when end is unreachable).

    Maximising the product of probabilities is a shortest path over -log p (Dijkstra),
    so the path never repeats a touchpoint.
    """
    weighted = nx.DiGraph()
    for source, target, data in graph.edges(data=True):
        p = data["personas"].get(persona, data["probability"]) if persona else data["probability"]
        if p > 0:
            weighted.add_edge(source, target, cost=-math.log(min(1.0, p)))
    for goal in (END, EXIT):
        if weighted.has_node(START) and weighted.has_node(goal):
            try:
                path = nx.dijkstra_path(weighted, START, goal, weight="cost")
            except nx.NetworkXNoPath:
                continue
            return [n for n in path if n not in (START, END, EXIT)]
    return []


def expected_moments(journey: Journey) -> dict[str, dict[str, float]]:
    """persona → touchpoint → the moment the model expects there (see the module doc)."""
    plan = compile_plan(journey)
    cells = [((i + 0.5) / GRID, (j + 0.5) / GRID) for i in range(GRID) for j in range(GRID)]
    # what each touchpoint delivers, read at every cell of the grid
    performances = [
        [draw(plan.performance[t], u1, u2) for u1, u2 in cells]
        for t in range(len(plan.touchpoint_ids))
    ]
    out: dict[str, dict[str, float]] = {}
    for p, persona in enumerate(plan.persona_ids):
        out[persona] = {
            tp: expected_moment(
                performances[t],
                expectation=plan.expectation[p][t],
                channel_term=plan.channel_term[p][t],
                weight=plan.weight[t],
                events=[(chance, x) for _, chance, x, _, _ in plan.events[t]],
                tolerance=plan.tolerance,
                curvature=plan.curvature,
                negativity=plan.negativity,
            )
            for t, tp in enumerate(plan.touchpoint_ids)
        }
    return out


def curves(journey: Journey, graph: nx.DiGraph) -> list[Curve]:
    expected = expected_moments(journey)
    out = []
    for persona in journey.personas:
        path = main_path(graph, persona.id)
        out.append(
            Curve(
                persona.id,
                persona.label,
                tuple(path),
                tuple(expected[persona.id][tp] for tp in path),
            )
        )
    return out


@dataclass(frozen=True)
class Plot:
    """Where things go: a column per touchpoint on some main path, y from low to high."""

    columns: tuple[str, ...]
    low: float
    high: float

    @property
    def right(self) -> float:
        return LEFT + COLUMN * max(1, len(self.columns))

    def x(self, tp: str) -> float:
        return LEFT + COLUMN * (self.columns.index(tp) + 0.5)

    def y(self, value: float) -> float:
        return TOP + PLOT_HEIGHT * (self.high - value) / (self.high - self.low)


def curve_svg(
    journey: Journey,
    graph: nx.DiGraph,
    results: dict[str, Any] | None = None,
    scenario: str = "baseline",
) -> str:
    """The emotional curve of `journey` as a standalone SVG document."""
    lines = curves(journey, graph)
    on_paths = {tp for c in lines for tp in c.path}
    columns = [tp for stage in journey.stages for tp in stage.touchpoints if tp in on_paths]
    simulated = _simulated(results, scenario, columns)
    values = [m for c in lines for m in c.moments] + list(simulated.values())
    ticks = svg.ticks(min([-1.0, *values]), max([1.0, *values]))
    plot = Plot(tuple(columns), ticks[0], ticks[-1])
    labels = {t.id: t.label for t in journey.touchpoints}
    width, height = plot.right + LEGEND, TOP + PLOT_HEIGHT + 70
    body = [
        svg.tag("rect", x=0, y=0, width=width, height=height, fill="#ffffff"),
        svg.text(
            LEFT,
            22,
            f"{journey.title}: experience along each persona's main path",
            font_size=15,
            font_weight="bold",
        ),
        svg.text(LEFT, 40, _subtitle(results, scenario), font_size=11, fill="#555555"),
        *_frame(plot, ticks),
        *_stages(journey, plot),
        *(
            svg.lines(
                plot.x(tp),
                TOP + PLOT_HEIGHT + 16,
                labels[tp],
                17,
                3,
                10,
                text_anchor="middle",
                fill="#222222",
            )
            for tp in columns
        ),
        *(_persona_line(c, i, plot, labels, journey) for i, c in enumerate(lines)),
        *(_marker(plot, tp, v, labels[tp]) for tp, v in simulated.items()),
        *_legend(lines, bool(simulated), plot.right + 16, TOP),
    ]
    return svg.document(width, height, "".join(body), f"{journey.title}: emotional curve")


def _frame(plot: Plot, ticks: list[float]) -> list[str]:
    """Green above expectation, red below, the grid, the zero line and the axis title."""
    left, right, zero = LEFT, plot.right, plot.y(0)
    out = [
        svg.tag("rect", x=left, y=TOP, width=right - left, height=zero - TOP, fill="#eef7ee"),
        svg.tag(
            "rect",
            x=left,
            y=zero,
            width=right - left,
            height=TOP + PLOT_HEIGHT - zero,
            fill="#fbeeee",
        ),
    ]
    for t in ticks:
        out.append(svg.tag("line", x1=left, x2=right, y1=plot.y(t), y2=plot.y(t), stroke="#dddddd"))
        out.append(
            svg.text(
                left - 6, plot.y(t) + 4, _tick(t), font_size=10, text_anchor="end", fill="#444444"
            )
        )
    middle = TOP + PLOT_HEIGHT / 2
    out += [
        svg.tag("line", x1=left, x2=right, y1=zero, y2=zero, stroke="#333333", stroke_width=1.2),
        svg.text(left + 4, zero + 13, "meets expectation", font_size=10, fill="#333333"),
        svg.text(
            14,
            middle,
            "experience (moment x)",
            font_size=11,
            fill="#444444",
            transform=f"rotate(-90 14 {middle:.0f})",
            text_anchor="middle",
        ),
    ]
    return out


def _marker(plot: Plot, tp: str, value: float, label: str) -> str:
    """A white diamond: the simulated mean experience at the touchpoint."""
    x, y = plot.x(tp), plot.y(value)
    diamond = svg.tag(
        "path",
        d=f"M{x:.1f},{y - 6:.1f} l6,6 l-6,6 l-6,-6 Z",
        fill="#ffffff",
        stroke="#000000",
        stroke_width=1.5,
        class_="simulated",
    )
    return svg.titled(diamond, f"simulated mean, all personas: {label}: {value:+.2f}")


def _tick(value: float) -> str:
    return "0" if value == 0 else f"{value:+g}".replace("-", "−")


def _persona_line(
    curve: Curve, index: int, plot: Plot, labels: dict[str, str], journey: Journey
) -> str:
    x, y = plot.x, plot.y
    colour = palette.series(index + 1)
    points = " ".join(
        f"{x(tp):.1f},{y(m):.1f}" for tp, m in zip(curve.path, curve.moments, strict=True)
    )
    parts = [
        svg.tag(
            "polyline",
            points=points,
            fill="none",
            stroke=colour,
            stroke_width=2.5,
            stroke_linejoin="round",
            class_="persona",
            data_persona=curve.persona,
        )
    ]
    for tp, m in zip(curve.path, curve.moments, strict=True):
        moment = journey.touchpoint(tp).moment_of_truth is not None
        dot = svg.tag(
            "circle",
            cx=x(tp),
            cy=y(m),
            r=6 if moment else 4,
            fill=colour,
            stroke="#000000" if moment else "#ffffff",
            stroke_width=1.5,
        )
        parts.append(svg.titled(dot, f"{curve.label}: {labels[tp]}: {m:+.2f}"))
    return f'<g class="curve">{"".join(parts)}</g>'


def _stages(journey: Journey, plot: Plot) -> list[str]:
    """Stage bands behind the columns, every other one shaded, labelled on top."""
    columns, x, top = plot.columns, plot.x, TOP
    out = []
    for index, stage in enumerate(journey.stages):
        inside = [tp for tp in columns if tp in stage.touchpoints]
        if not inside:
            continue
        left = x(inside[0]) - COLUMN / 2
        width = COLUMN * len(inside)
        if index % 2:
            out.append(
                svg.tag(
                    "rect",
                    x=left,
                    y=top,
                    width=width,
                    height=PLOT_HEIGHT,
                    fill="#000000",
                    fill_opacity=0.04,
                )
            )
        out.append(
            svg.lines(
                left + width / 2,
                top - 4,
                stage.label,
                20,
                1,
                11,
                text_anchor="middle",
                font_weight="bold",
                fill="#333333",
            )
        )
    return out


def _legend(lines: list[Curve], simulated: bool, left: float, top: float) -> list[str]:
    out = []
    row = top
    for index, curve in enumerate(lines):
        colour = palette.series(index + 1)
        out.append(
            svg.tag("line", x1=left, x2=left + 22, y1=row, y2=row, stroke=colour, stroke_width=3)
        )
        out.append(svg.lines(left + 28, row + 4, curve.label, 22, 2, 11))
        row += 30
    if simulated:
        out.append(
            svg.tag(
                "path",
                d=f"M{left + 11},{row - 6} l6,6 l-6,6 l-6,-6 Z",
                fill="#ffffff",
                stroke="#000000",
                stroke_width=1.5,
            )
        )
        out.append(svg.lines(left + 28, row + 4, "simulated mean, all personas", 22, 2, 11))
        row += 30
    out.append(
        svg.lines(
            left,
            row + 4,
            "Lines: expected moment from the model (no waits, "
            "learning or recovery). Bigger dots: moments of truth.",
            30,
            5,
            9.5,
            fill="#555555",
        )
    )
    return out


def _simulated(
    results: dict[str, Any] | None, scenario: str, columns: list[str]
) -> dict[str, float]:
    if results is None:
        return {}
    touchpoints = results["scenarios"][scenario]["touchpoints"]
    out = {}
    for tp in columns:
        v = touchpoints.get(tp, {}).get("experience_mean")
        if v is not None and math.isfinite(v):
            out[tp] = float(v)
    return out


def _subtitle(results: dict[str, Any] | None, scenario: str) -> str:
    text = "Expected moment per touchpoint on each persona's most likely path"
    if results is not None:
        name = "baseline" if scenario == "baseline" else f"scenario {scenario}"
        text += (
            f"; markers: simulated {name}, {results['replications']} replications, "
            f"seed {results['seed']}"
        )
    return text
