"""The journey map as a Graphviz graph: stages left to right, touchpoints inside them.

Channel → node shape, owner → fill colour (both in the legend), moments of truth with
a double border, delighters and disappointers listed on the node, edges labelled with
probabilities and with each persona's own where it differs. An `Overlay` swaps the
owner fill for simulated experience (the owner stays as a coloured band on the node)
and sets edge widths by traffic. Every label is an HTML-like label built from escaped
text (`escape.dot_text`), so no label can inject DOT or markup.
"""

from __future__ import annotations

import itertools
import math
import os
import shutil
import subprocess
from dataclasses import dataclass

import graphviz
import networkx as nx

from ..graph import END, EXIT, START
from ..model import Distribution, Journey, Touchpoint
from . import palette
from .duration import spelled
from .escape import clean, dot_text, wrapped_dot_text
from .overlay import NodeMark, Overlay


def _tooltip(text: str) -> str:
    """A tooltip attribute: control characters cleaned (XML forbids them, and an SVG
    holding one does not open) and backslashes escaped for DOT."""
    return graphviz.escape(clean(text))


FORMATS = ("svg", "png", "pdf", "dot")
FONT = "Helvetica,Arial,sans-serif"
DELIGHT_INK = "#1b5e20"
DISAPPOINT_INK = "#a50f15"
PERSONA_INK = "#6a3d9a"
TITLE_WIDTH = 24
#: Wider than this many ranks, stages are folded into columns (see `_columns`).
MAX_RANKS = 14
LEGEND_ROWS = 4
EVENT_WIDTH = 34
#: Persona probabilities this close to the default are not repeated on the edge.
SAME_PROBABILITY = 0.0005

INSTALL_HINT = (
    "Install Graphviz, which provides 'dot', then run the command again:\n"
    "  Debian/Ubuntu: sudo apt-get install graphviz\n"
    "  Fedora:        sudo dnf install graphviz\n"
    "  macOS:         brew install graphviz\n"
    "  Windows:       winget install graphviz   (or: choco install graphviz)\n"
    "  conda:         conda install -c conda-forge graphviz\n"
    "See graphviz.org/download for others."
)


class GraphvizMissing(RuntimeError):
    """The `dot` program is not on PATH: the DOT source can be written, not drawn."""


class GraphvizFailed(RuntimeError):
    """`dot` ran and failed (a bug of ours or of Graphviz): its message is kept."""


@dataclass(frozen=True)
class Style:
    """What the map encodes, fixed once per journey so legend and nodes agree."""

    fills: dict[str | None, str]
    shapes: dict[str | None, str]

    @staticmethod
    def of(journey: Journey) -> Style:
        return Style(
            palette.owner_fills([t.owner for t in journey.touchpoints]),
            palette.channel_shapes([t.channel for t in journey.touchpoints]),
        )


def journey_map(
    journey: Journey, graph: nx.DiGraph, overlay: Overlay | None = None
) -> graphviz.Digraph:
    """The map of `journey` (and `graph`, its `cxjourney.graph.build`), as Graphviz source."""
    style = Style.of(journey)
    dot = graphviz.Digraph("journey", format="svg")
    title = f"<<B>{dot_text(journey.title)}</B>"
    if overlay is not None:
        title += f'<BR/><FONT POINT-SIZE="11">{wrapped_dot_text(overlay.caption, 90)}</FONT>'
    dot.attr(
        "graph",
        rankdir="LR",
        newrank="true",
        fontname=FONT,
        fontsize="18",
        label=title + ">",
        labelloc="t",
        labeljust="l",
        nodesep="0.25",
        ranksep="0.45",
        outputorder="edgesfirst",
        pad="0.3",
        tooltip=_tooltip(journey.title),
    )
    dot.attr("node", fontname=FONT, fontsize="11", margin="0.08,0.04")
    dot.attr("edge", fontname=FONT, fontsize="10", color="#4d4d4d", arrowsize="0.7")
    queues = _walkout_queues(journey)
    labels = _edge_labels(graph, overlay, _edge_delays(journey))
    _terminals(dot, graph, bool(queues))
    order = _written_order(journey)
    for index, stage in enumerate(journey.stages):
        with dot.subgraph(name=f"cluster_stage_{index}") as cluster:
            cluster.attr(
                label=f"<<B>{wrapped_dot_text(stage.label, 40)}</B>>",
                style="rounded,filled",
                fillcolor="#f7f9fc" if index % 2 == 0 else "#eef2f7",
                color="#b8c4d6",
                fontsize="14",
                labeljust="l",
                margin="12",
                tooltip=_tooltip(f"stage {stage.id}: {stage.label}"),
            )
            for tp_id in stage.touchpoints:
                tp = journey.touchpoint(tp_id)
                if tp is not None:
                    mark = overlay.nodes.get(tp.id) if overlay is not None else None
                    again = labels.get((tp.id, tp.id))
                    _touchpoint(cluster, tp, style, mark, overlay is not None, again)
    columns, folded = _columns(journey, graph, order)
    _stage_order(dot, columns, folded)
    _edges(dot, graph, order, overlay, labels)
    _walkouts(dot, queues, overlay)
    _repeat_starts(dot, journey)
    marks = _timing_marks(journey)
    if any(source == target for source, target in labels):
        marks.append(("↻ again 10%", "chance of doing the step again (its loop)"))
    _legend(dot, style, overlay, marks)
    return dot


def draw(dot: graphviz.Digraph, fmt: str) -> bytes:
    """The map in `fmt`; `dot` itself for the DOT source. Raises GraphvizMissing."""
    source = dot.source
    if fmt == "dot":
        return source.encode("utf-8")
    program = shutil.which("dot", path=os.environ.get("PATH"))
    if program is None:
        raise GraphvizMissing("the Graphviz program 'dot' was not found on PATH")
    try:
        done = subprocess.run(
            [program, f"-T{fmt}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise GraphvizFailed(
            f"dot did not finish within {DOT_TIMEOUT:g} s; it was stopped"
        ) from None
    except OSError as err:
        raise GraphvizMissing(str(err)) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise GraphvizFailed(detail or f"dot exited with status {done.returncode}")
    if not _complete(done.stdout, fmt):
        raise GraphvizFailed(f"dot wrote an incomplete {fmt.upper()} ({len(done.stdout)} bytes)")
    return done.stdout


DOT_TIMEOUT = 120.0  # seconds: a map that takes longer is a hung `dot`


def _complete(data: bytes, fmt: str) -> bool:
    """The drawing ends as its format ends (a killed or crashed `dot` leaves a prefix)."""
    tail = data[-64:].rstrip()
    if fmt == "svg":
        return tail.endswith(b"</svg>")
    if fmt == "png":
        return data.startswith(b"\x89PNG") and b"IEND" in tail
    if fmt == "pdf":
        return data.startswith(b"%PDF") and tail.endswith(b"%%EOF")
    return bool(data)


def _written_order(journey: Journey) -> dict[str, int]:
    order = {START: -1}
    for stage in journey.stages:
        for tp_id in stage.touchpoints:
            order.setdefault(tp_id, len(order))
    order[END] = order[EXIT] = len(order) + 1
    return order


def _walkout_queues(journey: Journey) -> list[str]:
    """Touchpoints where customers can walk out: a queue, and a persona with patience."""
    if all(p.patience is None for p in journey.personas):
        return []
    return [t.id for t in journey.touchpoints if t.capacity]


def _walkouts(dot: graphviz.Digraph, queues: list[str], overlay: Overlay | None) -> None:
    """Walking out of a queue leads to exit (docs/model.md); drawn dashed, apart from the flow."""
    for tp in queues:
        attributes = {
            "style": "dashed",
            "color": DISAPPOINT_INK,
            "arrowhead": "empty",
            "tooltip": _tooltip(f"{tp} → exit: walks out of the queue"),
            "id": f"walkout-{tp}",
        }
        label = '<FONT POINT-SIZE="9" COLOR="#a50f15">walks out</FONT>'
        if overlay is not None:
            share = overlay.walkouts.get(tp, 0.0)
            attributes["penwidth"] = f"{0.5 + 7 * min(share, 1.2):.2f}"
            label += f'<BR/><FONT POINT-SIZE="8" COLOR="#555555">{_share(share)}</FONT>'
        dot.edge(tp, EXIT, label=f"<{label}>", **attributes)


def _repeat_starts(dot: graphviz.Digraph, journey: Journey) -> None:
    """`visits every G from X`: repeat journeys enter at X, drawn dotted from start."""
    starts: dict[str, list[str]] = {}
    for persona in journey.personas:
        if persona.repeat_from is not None and persona.visit_gap:
            gap = spelled(persona.visit_gap)
            starts.setdefault(persona.repeat_from, []).append(f"{persona.id} every {gap}")
    for target, who in starts.items():
        label = "repeat journeys<BR/>" + "<BR/>".join(dot_text(w) for w in who)
        dot.edge(
            START,
            target,
            label=f'<<FONT POINT-SIZE="8" COLOR="#555555">{label}</FONT>>',
            style="dotted",
            color="#7f7f7f",
            constraint="false",
            tooltip=_tooltip(f"repeat journeys start at {target}"),
            id=f"repeat-{target}",
        )


def _terminals(dot: graphviz.Digraph, graph: nx.DiGraph, walkouts: bool) -> None:
    dot.node(
        START,
        "<<B>start</B>>",
        shape="circle",
        style="filled",
        fillcolor="#333333",
        fontcolor="#ffffff",
        fontsize="10",
        width="0.5",
        fixedsize="true",
        tooltip="where journeys begin",
    )
    dot.node(
        END,
        "<<B>end</B>>",
        shape="doublecircle",
        style="filled",
        fillcolor="#e6f2e6",
        color="#1b7837",
        fontsize="10",
        width="0.45",
        fixedsize="true",
        tooltip="journey completed",
    )
    if graph.in_degree(EXIT) > 0 or walkouts:
        dot.node(
            EXIT,
            "<<B>exit</B>>",
            shape="doubleoctagon",
            style="filled",
            fillcolor="#fbe3e3",
            color="#a50f15",
            fontsize="10",
            width="0.5",
            fixedsize="true",
            tooltip="the customer drops out without completing",
        )


def _touchpoint(
    dot: graphviz.Digraph,
    tp: Touchpoint,
    style: Style,
    mark: NodeMark | None,
    overlaid: bool,
    again: list[str] | None = None,
) -> None:
    owner_fill = style.fills.get(tp.owner, palette.NO_OWNER_FILL)
    fill = mark.fill if mark is not None else (palette.NO_DATA_FILL if overlaid else owner_fill)
    ink = palette.ink(fill)
    title = wrapped_dot_text(tp.label, TITLE_WIDTH)
    rows = [f'<TR><TD><FONT POINT-SIZE="12"><B>{title}</B></FONT></TD></TR>']
    about = " · ".join(x for x in (tp.channel, tp.owner) if x) or tp.id
    band = f' BGCOLOR="{owner_fill}"' if overlaid else ""
    about_ink = palette.ink(owner_fill) if overlaid else ink
    rows.append(
        f'<TR><TD{band}><FONT POINT-SIZE="9" COLOR="{about_ink}">'
        f"{wrapped_dot_text(about, EVENT_WIDTH)}</FONT></TD></TR>"
    )
    if tp.moment_of_truth is not None:
        rows.append(
            f'<TR><TD><FONT POINT-SIZE="9"><B>★ moment of truth ×{tp.weight:g}</B></FONT></TD></TR>'
        )
    for fact in _timing(tp):
        rows.append(f'<TR><TD><FONT POINT-SIZE="9">{dot_text(fact)}</FONT></TD></TR>')
    if again:
        rows.append(f'<TR><TD><FONT POINT-SIZE="9">↻ again {" · ".join(again)}</FONT></TD></TR>')
    for event in tp.events:
        sign, colour = ("+", DELIGHT_INK) if event.kind == "delighter" else ("−", DISAPPOINT_INK)
        colour = ink if overlaid else colour
        text = f"{sign} {event.label} ({event.chance * 100:.3g}%)"
        rows.append(
            f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{colour}">'
            f"{wrapped_dot_text(text, EVENT_WIDTH)}</FONT></TD></TR>"
        )
    if mark is not None:
        for note in mark.notes:
            rows.append(
                f'<TR><TD><FONT POINT-SIZE="10" COLOR="{ink}"><B>{dot_text(note)}</B></FONT>'
                "</TD></TR>"
            )
        for badge in mark.badges:
            rows.append(
                f'<TR><TD BGCOLOR="#ffffff" BORDER="1" COLOR="#333333">'
                f'<FONT POINT-SIZE="9" COLOR="#000000">{dot_text(badge)}</FONT></TD></TR>'
            )
    label = (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1">'
        + "".join(rows)
        + "</TABLE>>"
    )
    shape = style.shapes.get(tp.channel, palette.NO_CHANNEL_SHAPE)
    dot.node(
        tp.id,
        label,
        shape=shape,
        style="filled,rounded" if shape == palette.ROUNDED else "filled",
        fillcolor=fill,
        fontcolor=ink,
        color="#222222" if tp.moment_of_truth is not None else "#666666",
        penwidth="2.2" if tp.moment_of_truth is not None else "1",
        peripheries="2" if tp.moment_of_truth is not None else "1",
        tooltip=_tooltip(f"{tp.id}: {tp.label}"),
        id=f"tp-{tp.id}",
    )


def _timing(tp: Touchpoint) -> list[str]:
    """What the file says about a step's timing: its delay and its staffing by the week."""
    facts = []
    if tp.after is not None:
        facts.append(f"after {delay_words(tp.after)}")
    if tp.shifts:
        facts.append(staffing_words(tp))
    return facts


def delay_words(delay: Distribution) -> str:
    """A delay as the file gives it: "5 days", or "~5 days" for the mean of a random one."""
    return ("" if delay.is_constant else "~") + spelled(max(delay.mean, 0.0))


def staffing_words(tp: Touchpoint) -> str:
    """Servers over the week from `capacity` and its shifts: "6–10 servers by time of week"."""
    servers = tp.staffing()
    low, high = min(servers), max(servers)
    if low == high:
        return f"{low:g} server{'s' if low != 1 else ''} all week"
    return f"{low:g}–{high:g} servers by time of week"


def _edge_delays(journey: Journey) -> dict[tuple[str, str], str]:
    """(source, target) → the delay on the way, in words; persona-only delays are named."""
    found: dict[tuple[str, str], list[str]] = {}
    for edge in journey.edges:
        if edge.after is None:
            continue
        words = f"after {delay_words(edge.after)}"
        if edge.persona is not None:
            words += f" for {edge.persona}"
        seen = found.setdefault((edge.source, edge.target), [])
        if words not in seen:
            seen.append(words)
    return {key: "; ".join(words) for key, words in found.items()}


def _timing_marks(journey: Journey) -> list[tuple[str, str]]:
    """Legend rows for the timing the file writes (none for a file without any)."""
    marks = []
    if any(t.after is not None for t in journey.touchpoints) or any(
        e.after is not None for e in journey.edges
    ):
        marks.append(("after ~5 days", "delay before the step (~: mean of a random one)"))
    if any(t.shifts for t in journey.touchpoints):
        marks.append(("6–10 servers", "fewest–most servers over the week (shifts)"))
    return marks


def _stage_order(dot: graphviz.Digraph, columns: list[list[str]], folded: bool) -> None:
    """Keep stages (or their columns, when folded) left to right in journey order.

    Invisible edges from every column to the next (weight 0, so they do not pull the
    layout) put each column to the right of the one before whatever the flow does.
    """
    for column in columns:
        if folded and len(column) > 1:
            with dot.subgraph() as same:
                same.attr(rank="same")
                for tp_id in column:
                    same.node(tp_id)
    for before, after in itertools.pairwise(columns):
        for a in before:
            for b in after:
                dot.edge(a, b, style="invis", weight="0")


def _columns(
    journey: Journey, graph: nx.DiGraph, order: dict[str, int]
) -> tuple[list[list[str]], bool]:
    """The stages as columns, and whether long stages had to be folded.

    A mostly linear flow puts every touchpoint in its own rank: 30 touchpoints become
    a strip too wide to read. Past MAX_RANKS ranks, each stage is cut into columns of
    at most `rows` touchpoints in written order.
    """
    stages = [list(s.touchpoints) for s in journey.stages if s.touchpoints]
    if _natural_ranks(journey, graph, order) <= MAX_RANKS:
        return stages, False
    total = sum(len(s) for s in stages)
    rows = max(3, math.ceil(total / (MAX_RANKS - 2)))
    columns = []
    for stage in stages:
        count = math.ceil(len(stage) / rows)
        size = math.ceil(len(stage) / count)
        columns += [stage[i : i + size] for i in range(0, len(stage), size)]
    return columns, True


def _natural_ranks(journey: Journey, graph: nx.DiGraph, order: dict[str, int]) -> int:
    """How many ranks the flow alone would take left to right (its longest forward path)."""
    forward = nx.DiGraph()
    forward.add_nodes_from(graph.nodes)
    forward.add_edges_from((a, b) for a, b in graph.edges if order.get(b, 0) > order.get(a, 0))
    stages = [s.touchpoints for s in journey.stages if s.touchpoints]
    for before, after in itertools.pairwise(stages):
        forward.add_edges_from((a, b) for a in before for b in after)
    return nx.dag_longest_path_length(forward) + 1


def _edge_labels(
    graph: nx.DiGraph, overlay: Overlay | None, delays: dict[tuple[str, str], str]
) -> dict[tuple[str, str], list[str]]:
    """(source, target) → the lines of the edge's label: probability, personas', delay, traffic.

    A step's edge to itself is labelled on its node, not on the loop: Graphviz places a
    loop's label beside the node, where an edge from a neighbour in the same column puts
    its own label too.
    """
    labels = {}
    for source, target, data in graph.edges(data=True):
        p = data["probability"]
        own = {
            persona: q
            for persona, q in sorted(data["personas"].items())
            if abs(q - p) > SAME_PROBABILITY
        }
        parts = [] if p >= 1 - SAME_PROBABILITY and not own else [_percent(p)]
        parts += [
            f'<FONT POINT-SIZE="9" COLOR="{PERSONA_INK}">'
            f"<I>{dot_text(persona)} {_percent(q)}</I></FONT>"
            for persona, q in own.items()
        ]
        if (source, target) in delays:
            parts.append(f'<FONT POINT-SIZE="9">{dot_text(delays[(source, target)])}</FONT>')
        if overlay is not None:
            share = overlay.traffic.get((source, target), 0.0)
            parts.append(f'<FONT POINT-SIZE="8" COLOR="#555555">{_share(share)}</FONT>')
        labels[(source, target)] = parts
    return labels


def _edges(
    dot: graphviz.Digraph,
    graph: nx.DiGraph,
    order: dict[str, int],
    overlay: Overlay | None,
    labels: dict[tuple[str, str], list[str]],
) -> None:
    for source, target, data in graph.edges(data=True):
        p = data["probability"]
        own = any(abs(q - p) > SAME_PROBABILITY for q in data["personas"].values())
        attributes = {
            "tooltip": _tooltip(f"{source} → {target}: {_percent(p)}"),
            "id": f"edge-{source}-{target}",
        }
        if order.get(target, 0) <= order.get(source, 0) and target not in (END, EXIT):
            attributes["constraint"] = "false"
        if p <= 0 and all(q <= 0 for q in data["personas"].values()):
            attributes["style"] = "dashed"
        if own:
            attributes["color"] = PERSONA_INK
        if overlay is not None:
            share = overlay.traffic.get((source, target), 0.0)
            attributes["penwidth"] = f"{0.5 + 7 * min(share, 1.2):.2f}"
        parts = labels[(source, target)]
        if parts and source != target:
            attributes["label"] = "<" + "<BR/>".join(parts) + ">"
        dot.edge(source, target, **attributes)


def _legend(
    dot: graphviz.Digraph,
    style: Style,
    overlay: Overlay | None,
    timing: list[tuple[str, str]] | None = None,
) -> None:
    """The legend as a strip: channel shapes (small nodes), owners, marks, colour scale.

    Invisible edges chain its parts left to right; nothing ties it to the journey, so
    it never moves a touchpoint.
    """
    channels = [(c, s) for c, s in style.shapes.items() if c is not None]
    groups: list[list[str]] = []
    with dot.subgraph(name="cluster_legend") as legend:
        legend.attr(label="<<B>Legend</B>>", style="rounded", color="#999999", fontsize="12")
        for index, (channel, shape) in enumerate(channels):
            name = f"legend_channel_{index}"
            if index % LEGEND_ROWS == 0:
                groups.append([])
            groups[-1].append(name)
            legend.node(
                name,
                f'<<FONT POINT-SIZE="9">{dot_text(channel)}</FONT>>',
                shape=shape,
                style="filled,rounded" if shape == palette.ROUNDED else "filled",
                fillcolor="#ffffff",
                height="0.3",
                tooltip=_tooltip(f"channel {channel}"),
            )
        tables = [
            ("legend_owners", _owner_table(style)),
            ("legend_marks", _marks_table(timing or [])),
        ]
        if overlay is not None:
            tables.append(("legend_scale", _table(_scale_rows(overlay))))
        for name, label in tables:
            legend.node(name, label, shape="plain")
            groups.append([name])
        for group in groups:
            if len(group) > 1:
                with legend.subgraph() as same:
                    same.attr(rank="same")
                    for name in group:
                        same.node(name)
        for before, after in itertools.pairwise(groups):
            legend.edge(before[0], after[0], style="invis")


def _table(rows: list[str]) -> str:
    return (
        '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
        + "".join(rows)
        + "</TABLE>>"
    )


def _owner_table(style: Style) -> str:
    rows = ['<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Owner</B> (fill; a band with results)</TD></TR>']
    for owner, fill in style.fills.items():
        if owner is not None:
            rows.append(
                f'<TR><TD BGCOLOR="{fill}" WIDTH="14" BORDER="1"> </TD>'
                f'<TD ALIGN="LEFT">{dot_text(owner)}</TD></TR>'
            )
    return _table(rows)


def _marks_table(timing: list[tuple[str, str]]) -> str:
    rows = ['<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Marks</B> (shape: channel)</TD></TR>']
    marks = [
        ("★", "moment of truth (double border) and its weight"),
        ("+", "delighter (chance)"),
        ("−", "disappointer (chance)"),
        ("55%", "probability of the edge"),
        (f'<FONT COLOR="{PERSONA_INK}"><I>p 75%</I></FONT>', "persona p's own probability"),
    ]
    rows += [_key_row(key, meaning) for key, meaning in [*marks, *timing]]
    return _table(rows)


def _key_row(key: str, meaning: str) -> str:
    """A legend row; `key` is text, or markup of ours when it starts with '<'."""
    key_html = key if key.startswith("<") else dot_text(key)
    return f'<TR><TD ALIGN="LEFT">{key_html}</TD><TD ALIGN="LEFT">{dot_text(meaning)}</TD></TR>'


def _scale_rows(overlay: Overlay) -> list[str]:
    scale = overlay.scale
    steps = 9
    values = [scale.limit * (2 * i / (steps - 1) - 1) for i in range(steps)]
    cells = "".join(
        f'<TD BGCOLOR="{palette.diverging(v, scale.limit)}" WIDTH="16" HEIGHT="12"></TD>'
        for v in values
    )
    bar = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0"><TR>{cells}</TR></TABLE>'
    low, high = f"{-scale.limit:+g}".replace("-", "−"), f"{scale.limit:+g}"
    return [
        f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>{dot_text(scale.title)}</B></TD></TR>',
        f'<TR><TD COLSPAN="2">{bar}</TD></TR>',
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9">{low} {dot_text(scale.low)}</FONT></TD>'
        f'<TD ALIGN="RIGHT"><FONT POINT-SIZE="9">{dot_text(scale.high)} {high}</FONT></TD></TR>',
        _key_row("width", "share of journeys taking the edge"),
        _key_row("▲ ▼", "where journeys' best / worst moment is"),
        *(_key_row(key, meaning) for key, meaning in overlay.keys),
        f'<TR><TD COLSPAN="2" BGCOLOR="{palette.NO_DATA_FILL}">no visits</TD></TR>',
    ]


def _percent(p: float) -> str:
    if p * 100 >= 10 or p == 0:
        return f"{p * 100:.0f}%"
    return f"{p * 100:.2g}%"


def _share(share: float) -> str:
    if share >= 1.005:
        return f"{share:.2f} per journey"
    return (
        f"{share * 100:.0f}% of journeys"
        if share * 100 >= 1 or share == 0
        else "<1% of journeys".replace("<", "&lt;")
    )
