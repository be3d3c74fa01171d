"""The journey map: every example drawn to SVG, read back as XML, checked for content."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from cxjourney import load
from cxjourney.render import dot, palette
from tests.conftest import load_text
from tests.render.conftest import EXAMPLES, HOSTILE, normalised, svg_groups


def _svg(loaded) -> bytes:
    return dot.draw(dot.journey_map(loaded.journey, loaded.graph), "svg")


def _xs(shape) -> list[float]:
    """The x coordinates of a group's outline (a polygon, or a path when rounded)."""
    outline = next(
        e for e in shape.element.iter() if e.tag.rsplit("}", 1)[-1] in ("polygon", "path")
    )
    numbers = re.findall(r"-?\d+\.?\d*", outline.get("points") or outline.get("d"))
    return [float(x) for x in numbers[0::2]]


def _left(shape) -> float:
    return min(_xs(shape))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_draws_every_touchpoint_and_stage(path):
    loaded = load(str(path))
    assert loaded.ok
    svg = _svg(loaded)
    ET.fromstring(svg)  # well-formed XML
    nodes = svg_groups(svg, "node")
    clusters = svg_groups(svg, "cluster")
    journey = loaded.journey
    for tp in journey.touchpoints:
        assert tp.id in nodes, tp.id
        assert normalised(tp.label) in nodes[tp.id].text
    stage_text = {c.title: c.text for c in clusters.values()}
    for index, stage in enumerate(journey.stages):
        assert normalised(stage.label) in stage_text[f"cluster_stage_{index}"]
    assert "start" in nodes and "end" in nodes


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_stages_run_left_to_right_in_journey_order(path):
    loaded = load(str(path))
    clusters = svg_groups(_svg(loaded), "cluster")
    lefts = [_left(clusters[f"cluster_stage_{i}"]) for i in range(len(loaded.journey.stages))]
    assert lefts == sorted(lefts)


def test_owner_colours_channel_shapes_and_moments_of_truth(hotel):
    journey = hotel.journey
    graph = dot.journey_map(journey, hotel.graph)
    nodes = svg_groups(dot.draw(graph, "svg"), "node")
    fills = palette.owner_fills([t.owner for t in journey.touchpoints])
    for tp in journey.touchpoints:
        assert nodes[tp.id].fill == fills[tp.owner]
    # same owner, same colour; different owners, different colours
    assert nodes["desk"].fill == nodes["checkout"].fill
    assert nodes["desk"].fill != nodes["room"].fill
    # the channel decides the shape
    source = graph.source
    assert re.search(r"\bfix \[.*shape=hexagon", source)  # phone
    assert re.search(r"\bprecheck \[.*shape=note", source)  # email
    assert re.search(r"\bmobilekey \[.*shape=component", source)  # app
    # a moment of truth has a double border and says so
    assert re.search(r"\broom \[.*peripheries=2", source)
    assert "★ moment of truth ×3" in nodes["room"].text
    assert not re.search(r"\bbooking \[.*peripheries=2", source)
    # delighters and disappointers are listed with their chances
    assert "+ Great view and a welcome note (25%)" in nodes["room"].text
    assert "− Room not properly cleaned (4%)" in nodes["room"].text


def test_legend_lists_owners_and_channels(hotel):
    svg = _svg(hotel)
    text = normalised(" ".join(t.text for t in svg_groups(svg, "node").values()))
    for tp in hotel.journey.touchpoints:
        assert tp.owner in text
    legend = svg_groups(svg, "cluster")["cluster_legend"].text
    assert "Legend" in legend
    channels = {t.channel for t in hotel.journey.touchpoints}
    nodes = svg_groups(svg, "node")
    shown = {n.text for name, n in nodes.items() if name.startswith("legend_channel_")}
    assert shown == channels


def test_edges_show_probabilities_and_persona_ones_apart(hotel):
    edges = svg_groups(_svg(hotel), "edge")
    start = edges["start->booking"]
    assert start.texts[0] == "55%"
    # persona probabilities are written in the persona colour, in italics
    persona_lines = [
        t
        for t in start.element.iter("{http://www.w3.org/2000/svg}text")
        if t.get("fill") == dot.PERSONA_INK
    ]
    assert [t.text for t in persona_lines] == ["business 75%", "conference 90%", "leisure 45%"]
    assert all(t.get("font-style") == "italic" for t in persona_lines)
    # a 100% edge for everyone carries no label
    assert edges["booking->precheck"].texts == []


def test_end_and_exit_are_terminals(hotel):
    nodes = svg_groups(_svg(hotel), "node")
    assert nodes["end"].text == "end"
    assert nodes["exit"].text == "exit"
    source = dot.journey_map(hotel.journey, hotel.graph).source
    assert re.search(r"\bend \[.*shape=doublecircle", source)
    assert re.search(r"\bexit \[.*shape=doubleoctagon", source)
    # walking out of a queue leads to exit: drawn dashed from each queue
    assert re.search(r"desk -> exit \[.*style=dashed", source)


def test_exit_left_out_when_nothing_leads_there():
    loaded = load_text(
        """
        journey "Simple" {
          persona p {
            share 100%
          }
          stage s {
            touchpoint a { }
            touchpoint b { }
          }
        }
        """
    )
    nodes = svg_groups(_svg(loaded), "node")
    assert "exit" not in nodes and "end" in nodes


def test_hostile_labels_render_as_text(tmp_path):
    quoted = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    loaded = load_text(
        f"""
        journey "{quoted}" {{
          persona p "{quoted}" {{
            share 100%
          }}
          stage s "{quoted}" {{
            touchpoint t "{quoted}" {{
              owner "{quoted}"
              delighter d "{quoted}" chance 10% impact +1
            }}
            touchpoint u "\\\\N \\\\G \\\\L ]]> <!-- --> &amp;" {{ }}
          }}
        }}
        """,
        tmp_path,
    )
    assert loaded.ok, loaded.diagnostics
    svg = _svg(loaded)
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    nodes = svg_groups(svg, "node")
    assert normalised(HOSTILE) in nodes["t"].text
    assert f"+ {normalised(HOSTILE)} (10%)" in nodes["t"].text
    # Graphviz's own escapes (\N: the node name) stay literal text
    assert nodes["u"].text.startswith(r"\N \G \L ]]> <!-- --> &amp;")
    assert normalised(HOSTILE) in svg_groups(svg, "cluster")["cluster_stage_0"].text
    assert normalised(HOSTILE) in normalised(" ".join(t.text or "" for t in root.iter()))


def test_thirty_six_touchpoints_stay_legible(big_path):
    loaded = load(str(big_path))
    assert len(loaded.journey.touchpoints) == 36
    svg = _svg(loaded)
    root = ET.fromstring(svg)
    width = float(root.get("width").removesuffix("pt"))
    height = float(root.get("height").removesuffix("pt"))
    # stages are folded into columns instead of one 36-node strip
    assert width / height < 6
    assert width < 5000
    nodes = svg_groups(svg, "node")
    centres = sorted(
        (min(xs) + max(xs)) / 2 for xs in (_xs(nodes[t.id]) for t in loaded.journey.touchpoints)
    )
    columns = 1 + sum(b - a > 20 for a, b in itertools.pairwise(centres))
    assert columns <= dot.MAX_RANKS
    sizes = [float(t.get("font-size")) for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert min(sizes) >= 8


@pytest.mark.parametrize("fmt, magic", [("png", b"\x89PNG"), ("pdf", b"%PDF"), ("dot", b"digraph")])
def test_other_formats(hotel, fmt, magic):
    data = dot.draw(dot.journey_map(hotel.journey, hotel.graph), fmt)
    assert data.startswith(magic)


def _label_boxes(loaded, results=None) -> tuple[dict, dict]:
    """Edge labels' and touchpoints' boxes (x0, y0, x1, y1) in points, as `dot` lays them out.

    A label's box is the union of its text lines (each from its baseline, font size and
    width, as -Tjson gives them); a node's, its width and height around its centre.
    """
    from cxjourney.render.maps import overlay_map

    source = overlay_map(loaded, results, None, None).source
    done = subprocess.run(["dot", "-Tjson"], input=source.encode(), capture_output=True)
    layout = json.loads(done.stdout)
    labels = {}
    for edge in layout.get("edges", []):
        size, xs, ys = 10.0, [], []
        for op in edge.get("_ldraw_", []) + edge.get("_xldraw_", []):
            if op["op"] == "F":
                size = op["size"]
            elif op["op"] == "T":
                (x, y), width = op["pt"], op["width"]
                left = {"l": x, "c": x - width / 2, "r": x - width}[op["align"]]
                xs += [left, left + width]
                ys += [y - 0.2 * size, y + 0.75 * size]
        if xs:
            labels[edge.get("id", edge["_gvid"])] = (min(xs), min(ys), max(xs), max(ys))
    nodes = {}
    for node in layout.get("objects", []):
        if "pos" in node and not node["name"].startswith("legend"):
            x, y = map(float, node["pos"].split(","))
            w, h = float(node["width"]) * 36, float(node["height"]) * 36
            nodes[node["name"]] = (x - w, y - h, x + w, y + h)
    return labels, nodes


def _overlapping(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def _overlaps(labels: dict, nodes: dict) -> list[tuple[str, str]]:
    pairs = itertools.combinations(labels.items(), 2)
    clashes = [(a, b) for (a, box), (b, other) in pairs if _overlapping(box, other)]
    clashes += [
        (a, node)
        for a, box in labels.items()
        for node, other in nodes.items()
        if _overlapping(box, other)
    ]
    return clashes


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_edge_labels_overlap_neither_each_other_nor_a_node(path):
    labels, nodes = _label_boxes(load(str(path)))
    assert len(labels) >= 3 and nodes
    assert _overlaps(labels, nodes) == []


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_edge_labels_with_results_overlap_nothing(hotel, hotel_results):
    labels, nodes = _label_boxes(hotel, hotel_results)
    assert _overlaps(labels, nodes) == []


def test_the_overlap_check_sees_an_overlap():
    assert _overlaps({"a": (0, 0, 10, 10), "b": (5, 5, 20, 20)}, {}) == [("a", "b")]
    assert _overlaps({"a": (0, 0, 10, 10)}, {"n": (10, 0, 20, 10)}) == []
    assert _overlaps({"a": (0, 0, 10, 10)}, {"n": (9, 9, 20, 20)}) == [("a", "n")]


def test_a_loop_is_labelled_on_its_step(hotel):
    """The front desk's 10% chance of another call is written on the node, not the loop."""
    svg = _svg(hotel)
    assert svg_groups(svg, "edge")["fix->fix"].texts == []
    assert "↻ again 10%" in svg_groups(svg, "node")["fix"].text
