"""Overlays: colours, widths, waits and badges follow the results, not the drawing."""

from __future__ import annotations

import copy

import pytest

from cxjourney import graph as journey_graph
from cxjourney.language.scenarios import apply
from cxjourney.render import dot, overlay, palette
from tests.conftest import load_text
from tests.render.conftest import svg_groups


def _draw(journey, graph, layer) -> bytes:
    return dot.draw(dot.journey_map(journey, graph, layer), "svg")


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_node_colours_follow_mean_experience(hotel, hotel_results):
    layer = overlay.experience_overlay(hotel.journey, hotel.graph, hotel_results)
    nodes = svg_groups(_draw(hotel.journey, hotel.graph, layer), "node")
    touchpoints = hotel_results["scenarios"]["baseline"]["touchpoints"]
    values = {tp: v["experience_mean"] for tp, v in touchpoints.items()}
    limit = palette.symmetric_limit(list(values.values()), floor=1.0)
    for tp, value in values.items():
        assert nodes[tp].fill == palette.diverging(value, limit), tp
        assert f"experience {value:+.2f}".replace("-", "−") in nodes[tp].text
    # red below expectation, green above
    worst = min(values, key=values.get)
    best = max(values, key=values.get)
    assert values[worst] < 0 < values[best]
    r, g, _ = _rgb(nodes[worst].fill)
    assert r > g
    r, g, _ = _rgb(nodes[best].fill)
    assert g > r


def test_crafted_results_paint_red_neutral_and_green(hotel, hotel_results):
    results = copy.deepcopy(hotel_results)
    touchpoints = results["scenarios"]["baseline"]["touchpoints"]
    for values in touchpoints.values():
        values["experience_mean"] = 0.0
    touchpoints["desk"]["experience_mean"] = -3.0
    touchpoints["room"]["experience_mean"] = 3.0
    touchpoints["review"]["experience_mean"] = None  # never visited
    layer = overlay.experience_overlay(hotel.journey, hotel.graph, results)
    nodes = svg_groups(_draw(hotel.journey, hotel.graph, layer), "node")
    assert nodes["desk"].fill == palette.DIVERGING[0]
    assert nodes["room"].fill == palette.DIVERGING[-1]
    assert nodes["booking"].fill == palette.DIVERGING[len(palette.DIVERGING) // 2]
    assert nodes["review"].fill == palette.NO_DATA_FILL
    assert layer.scale.limit == 3.0


def test_diff_colours_the_change_against_the_baseline(hotel, hotel_results):
    results = copy.deepcopy(hotel_results)
    base = results["scenarios"]["baseline"]["touchpoints"]
    after = results["scenarios"]["breakfast"]["touchpoints"]
    for tp in after:
        after[tp]["experience_mean"] = base[tp]["experience_mean"]
    after["restaurant"]["experience_mean"] = base["restaurant"]["experience_mean"] + 0.8
    after["desk"]["experience_mean"] = base["desk"]["experience_mean"] - 0.4
    journey = apply(hotel.journey, hotel.journey.scenario("breakfast"))
    graph = journey_graph.build(journey)
    layer = overlay.diff_overlay(journey, graph, results, "breakfast", "Breakfast")
    nodes = svg_groups(_draw(journey, graph, layer), "node")
    assert layer.scale.limit == pytest.approx(0.8)  # the largest change sets the scale
    r, g, _ = _rgb(nodes["restaurant"].fill)
    assert g > r
    r, g, _ = _rgb(nodes["desk"].fill)
    assert r > g
    assert nodes["booking"].fill == palette.DIVERGING[len(palette.DIVERGING) // 2]
    assert "Local bakery pastries" in nodes["restaurant"].text  # the scenario's own delighter
    assert "Breakfast: change against the baseline" in layer.caption


def test_edge_widths_follow_the_share_of_journeys(hotel, hotel_results):
    layer = overlay.experience_overlay(hotel.journey, hotel.graph, hotel_results)
    edges = svg_groups(_draw(hotel.journey, hotel.graph, layer), "edge")
    width = {name: max(e.stroke_widths) for name, e in edges.items() if "->" in name}
    traffic = layer.traffic
    busy = max(traffic, key=traffic.get)
    quiet = min((k for k in traffic if traffic[k] > 0), key=traffic.get)
    assert width["->".join(busy)] > width["->".join(quiet)]
    assert f"{traffic[busy] * 100:.0f}% of journeys" in edges["->".join(busy)].text


def test_edge_traffic_mixes_persona_probabilities():
    loaded = load_text(
        """
        journey "Split" {
          persona a {
            share 50%
          }
          persona b {
            share 50%
          }
          stage s {
            touchpoint x { }
            touchpoint y { }
            touchpoint z { }
          }
          flow {
            x -> y 70%
            x -> z
            x -> y 90% for a
            y -> end
            z -> end
          }
        }
        """
    )
    traffic = overlay.edge_traffic(loaded.journey, loaded.graph)
    assert traffic[("start", "x")] == pytest.approx(1.0)
    assert traffic[("x", "y")] == pytest.approx(0.5 * 0.9 + 0.5 * 0.7)
    assert traffic[("x", "z")] == pytest.approx(0.5 * 0.1 + 0.5 * 0.3)
    assert traffic[("y", "end")] == pytest.approx(traffic[("x", "y")])


def test_edge_traffic_takes_volume_from_the_results():
    loaded = load_text(
        """
        journey "Chain" {
          persona p {
            share 100%
          }
          stage s {
            touchpoint x { }
            touchpoint y { }
          }
        }
        """
    )
    entry = {
        "metrics": {"journeys": {"mean": 200.0, "low": 200.0, "high": 200.0}},
        "touchpoints": {
            "x": {"visits": 200.0, "abandon_rate": 0.25},
            "y": {"visits": 150.0, "abandon_rate": 0.0},
        },
    }
    traffic = overlay.edge_traffic(loaded.journey, loaded.graph, entry)
    assert traffic[("x", "y")] == pytest.approx(0.75)  # walk-outs leave by no edge
    assert traffic[("y", "end")] == pytest.approx(0.75)
    assert overlay.walkouts(entry) == {"x": pytest.approx(0.25)}


def test_persona_weights_count_expected_journeys():
    loaded = load_text(
        """
        journey "W" {
          horizon 30 days
          customers 100
          persona often {
            share 50%
            visits every 3 days
          }
          persona once {
            share 50%
          }
          stage s {
            touchpoint x { }
          }
        }
        """
    )
    weights = overlay.persona_weights(loaded.journey)
    assert weights["often"] == pytest.approx(10 / 11)  # 10 journeys each against 1
    assert weights["once"] == pytest.approx(1 / 11)


def test_queues_show_waits_and_walk_outs_and_badges_mark_peaks(hotel, hotel_results):
    layer = overlay.experience_overlay(hotel.journey, hotel.graph, hotel_results)
    nodes = svg_groups(_draw(hotel.journey, hotel.graph, layer), "node")
    touchpoints = hotel_results["scenarios"]["baseline"]["touchpoints"]
    for tp in hotel.journey.touchpoints:
        queued = "wait" in nodes[tp.id].text and "walk-outs" in nodes[tp.id].text
        assert queued == (tp.capacity is not None), tp.id
    peak = max(touchpoints, key=lambda t: touchpoints[t]["peak_share"])
    trough = max(touchpoints, key=lambda t: touchpoints[t]["trough_share"])
    share = touchpoints[peak]["peak_share"] * 100
    assert f"▲ best moment of {share:.0f}% of journeys" in nodes[peak].text
    assert "▼ worst moment of" in nodes[trough].text
    for tp, values in touchpoints.items():
        marked = "▲ best moment" in nodes[tp].text
        assert marked == (values["peak_share"] >= overlay.BADGE_SHARE or tp == peak), tp


def test_overlay_legend_shows_the_scale(hotel, hotel_results):
    layer = overlay.experience_overlay(hotel.journey, hotel.graph, hotel_results)
    svg = _draw(hotel.journey, hotel.graph, layer)
    legend = svg_groups(svg, "node")["legend_scale"].text
    assert "Mean experience per visit" in legend
    assert "below expectation" in legend and "above expectation" in legend
    plain = svg_groups(dot.draw(dot.journey_map(hotel.journey, hotel.graph), "svg"), "node")
    assert "legend_scale" not in plain
