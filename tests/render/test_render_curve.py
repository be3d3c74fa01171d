"""The emotional curve: paths, the expected moment against hand computation, the SVG."""

from __future__ import annotations

import itertools
import math
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pytest

from cxjourney.render import curve
from cxjourney.sim.experience import expected_moment, moment
from tests.conftest import load_text
from tests.render.conftest import HOSTILE, SVG, normalised

TWO_PERSONAS = """
journey "Moments" {
  persona p {
    share 50%
    expects +0.5
    prefers app
  }
  persona q {
    share 50%
    prefers web
  }
  stage s {
    touchpoint a {
      channel web
      expect 3
      delivers 4
      delighter d "Nice" chance 10% impact +1
    }
    touchpoint b {
      channel app
      expect 3
      delivers 3.5
      moment_of_truth
      disappointer x "Bad" chance 20% impact -1
    }
  }
}
"""


def _brute_force_path(graph: nx.DiGraph, persona: str) -> list[str]:
    best, chosen = -1.0, []
    for path in nx.all_simple_paths(graph, "start", "end"):
        p = math.prod(
            graph.edges[a, b]["personas"].get(persona, graph.edges[a, b]["probability"])
            for a, b in itertools.pairwise(path)
        )
        if p > best:
            best, chosen = p, path[1:-1]
    return chosen


def test_main_path_is_the_most_likely_one(hotel):
    for persona in hotel.journey.personas:
        assert curve.main_path(hotel.graph, persona.id) == _brute_force_path(
            hotel.graph, persona.id
        )
    # business travellers take the mobile key, the others the desk
    assert "mobilekey" in curve.main_path(hotel.graph, "business")
    assert "desk" in curve.main_path(hotel.graph, "leisure")


def test_expected_moments_match_hand_computation():
    loaded = load_text(TWO_PERSONAS)
    moments = curve.expected_moments(loaded.journey)
    v = lambda d: d**0.88 if d >= 0 else -2.0 * (-d) ** 0.88  # noqa: E731
    # p expects 3.5; web is not p's channel but q's: D = 4 - 3.5 - 0.5 = 0
    assert moments["p"]["a"] == pytest.approx(0.1 * v(1))
    # b: D = 0, weight 2; the disappointer: 20% of 2 * v(-1)
    assert moments["p"]["b"] == pytest.approx(0.2 * 2 * v(-1))
    # q: D = 1, beyond the 0.25 tolerance by 0.75
    assert moments["q"]["a"] == pytest.approx(v(0.75) + 0.1 * v(1))
    # q on p's app: D = 0.5 - 0.5 = 0
    assert moments["q"]["b"] == pytest.approx(0.2 * 2 * v(-1))


def test_the_expected_moment_is_the_models_moment_averaged():
    for performance, channel_term in itertools.product((0.5, 2.2, 3.0, 4.1, 6.0), (0.0, -0.5)):
        one = moment(
            expectation=3.2, performance=performance, weight=1.5, channel_term=channel_term
        )
        assert expected_moment(
            [performance], expectation=3.2, weight=1.5, channel_term=channel_term
        ) == pytest.approx(one)
    both = [moment(expectation=3.0, performance=p, weight=2.0) for p in (2.0, 4.5)]
    assert expected_moment(
        [2.0, 4.5], expectation=3.0, weight=2.0, events=[(0.2, -1.0)]
    ) == pytest.approx(sum(both) / 2 - 0.2)


def test_expected_moment_integrates_the_performance_distribution():
    loaded = load_text(
        """
        journey "N" {
          persona p {
            share 100%
          }
          stage s {
            touchpoint t {
              expect 3
              delivers 3 +- 1
            }
          }
        }
        """
    )
    got = curve.expected_moments(loaded.journey)["p"]["t"]
    x = np.linspace(-8, 8, 200001)
    density = np.exp(-(x**2) / 2) / math.sqrt(2 * math.pi)
    performance = np.clip(3 + x, 1, 5)
    d = performance - 3
    d = np.sign(d) * np.maximum(0, np.abs(d) - 0.25)
    values = np.where(d >= 0, np.abs(d) ** 0.88, -2.0 * np.abs(d) ** 0.88)
    expected = float(np.trapezoid(values * density, x))
    assert expected < 0  # losses loom larger: an average performance feels below par
    assert got == pytest.approx(expected, abs=0.02)


def test_curve_svg_draws_a_line_per_persona(hotel, hotel_results):
    svg = curve.curve_svg(hotel.journey, hotel.graph, hotel_results)
    root = ET.fromstring(svg)
    lines = {p.get("data-persona"): p for p in root.iter(f"{SVG}polyline")}
    assert set(lines) == {p.id for p in hotel.journey.personas}
    for persona in hotel.journey.personas:
        path = curve.main_path(hotel.graph, persona.id)
        assert len(lines[persona.id].get("points").split()) == len(path)
    text = normalised(" ".join(t for e in root.iter(f"{SVG}text") for t in e.itertext()))
    for persona in hotel.journey.personas:
        assert persona.label in text
    on_paths = {tp for p in hotel.journey.personas for tp in curve.main_path(hotel.graph, p.id)}
    for tp in on_paths:
        assert normalised(hotel.journey.touchpoint(tp).label) in text
    markers = [e for e in root.iter(f"{SVG}path") if e.get("class") == "simulated"]
    assert len(markers) == len(on_paths)
    assert "simulated mean, all personas" in text


def test_curve_points_sit_where_the_moments_say(hotel):
    svg = curve.curve_svg(hotel.journey, hotel.graph)
    root = ET.fromstring(svg)
    expected = curve.expected_moments(hotel.journey)
    line = next(p for p in root.iter(f"{SVG}polyline") if p.get("data-persona") == "leisure")
    ys = [float(pt.split(",")[1]) for pt in line.get("points").split()]
    values = [expected["leisure"][tp] for tp in curve.main_path(hotel.graph, "leisure")]
    # higher experience is higher on the page (smaller y), in the same order
    assert np.argsort(ys).tolist() == np.argsort([-v for v in values]).tolist()
    assert not [e for e in root.iter(f"{SVG}path") if e.get("class") == "simulated"]


def test_curve_escapes_labels(tmp_path):
    quoted = HOSTILE.replace("\\", "\\\\").replace('"', '\\"')
    loaded = load_text(
        f"""
        journey "{quoted}" {{
          persona p "{quoted}" {{
            share 100%
          }}
          stage s "{quoted}" {{
            touchpoint t "{quoted}" {{ }}
          }}
        }}
        """,
        tmp_path,
    )
    svg = curve.curve_svg(loaded.journey, loaded.graph)
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    text = normalised(" ".join(t for e in root.iter(f"{SVG}text") for t in e.itertext()))
    assert normalised(HOSTILE) in text
