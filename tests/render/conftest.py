from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from cxjourney import load
from cxjourney.sim.experiment import RunSpec, simulate
from tests.conftest import JOURNEYS, ROOT, SPEC_EXAMPLES

EXAMPLES = sorted(JOURNEYS.glob("*.journey")) + sorted(SPEC_EXAMPLES.glob("*.journey"))
HOSTILE = '<script>alert(1)</script> "quoted" {braces} & \\back'
CHANNELS = ("web", "app", "store", "phone", "email", "chat", "kiosk", "video")
OWNERS = ("Marketing", "Digital", "Operations", "Support", "Sales", "Finance", "Legal")

#: A journey whose customers never leave: retention stays at 100%.
LOYAL = """\
journey "Loyal" {
  customers 5
  horizon 1 week
  persona p {
    share 100%
    visits every 1 day
  }
  stage s {
    touchpoint t { }
  }
}
"""


def big_journey(stages: int = 6, per_stage: int = 6) -> str:
    """A journey of stages × per_stage touchpoints with branches, a loop and an exit."""
    lines = [
        'journey "Big map" {',
        "  horizon 2 weeks",
        "  customers 60",
        '  persona fast "Fast" {',
        "    share 50%",
        "    visits every 5 days",
        "    patience 3 min",
        "  }",
        '  persona slow "Slow" {',
        "    share 50%",
        "  }",
    ]
    ids = []
    for s in range(stages):
        lines.append(f'  stage s{s} "Stage number {s + 1} of the journey" {{')
        for t in range(per_stage):
            tp = f"t{s}_{t}"
            ids.append(tp)
            n = s * per_stage + t
            lines += [
                f'    touchpoint {tp} "Touchpoint {n + 1}: a fairly long label to wrap" {{',
                f"      channel {CHANNELS[n % len(CHANNELS)]}",
                f'      owner "{OWNERS[n % len(OWNERS)]}"',
                f"      expect {3 + (n % 3) * 0.3:.1f}",
                f"      delivers {3 + (n % 5) * 0.3:.1f} +- 0.3",
            ]
            if n % 4 == 0:
                lines.append(
                    f'      delighter d{n} "Something nice happens here" chance 20% impact +1'
                )
            if n % 5 == 0:
                lines.append(f'      disappointer b{n} "Something goes wrong" chance 10% impact -1')
            if n % 9 == 0:
                lines.append("      moment_of_truth")
            if n % 11 == 3:
                lines += ["      capacity 1", "      service exp(1 min)", "      max_wait 2 min"]
            lines.append("    }")
        lines.append("  }")
    lines.append("  flow {")
    for i, tp in enumerate(ids[:-1]):
        nxt = ids[i + 1]
        if i % 3 == 0 and i + 2 < len(ids):
            lines.append(f"    {tp} -> {nxt} 60%")
            lines.append(f"    {tp} -> {ids[i + 2]}")
            lines.append(f"    {tp} -> {nxt} 80% for fast")
        elif i % 7 == 5:
            lines.append(f"    {tp} -> {nxt} 90%")
            lines.append(f"    {tp} -> exit")
        elif i % 10 == 8:
            lines.append(f"    {tp} -> {nxt} 85%")
            lines.append(f"    {tp} -> {ids[i - 3]}")
        else:
            lines.append(f"    {tp} -> {nxt}")
    lines.append(f"    {ids[-1]} -> end")
    lines.append("  }")
    lines.append('  scenario better "Better" {')
    lines.append("    cost 10k")
    lines.append(f"    {ids[0]}.delivers += 1")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def big_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.journey"
    path.write_text(big_journey(), encoding="utf-8")
    loaded = load(str(path))
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return path


@pytest.fixture(scope="session")
def hotel():
    return load(str(JOURNEYS / "hotel_stay.journey"))


@pytest.fixture(scope="session")
def hotel_results(hotel) -> dict:
    """A short, cheap simulation of the hotel: two replications over four weeks."""
    return simulate(hotel.journey, RunSpec(seed=3, replications=2, horizon=28 * 24 * 60.0))


@pytest.fixture(scope="session")
def hotel_results_path(tmp_path_factory, hotel_results) -> Path:
    path = tmp_path_factory.mktemp("results") / "hotel.json"
    path.write_text(json.dumps(hotel_results), encoding="utf-8")
    return path


SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class Shape:
    """One node, cluster or edge group of a Graphviz SVG: its title, texts and paint."""

    title: str
    texts: list[str]
    fills: list[str]
    strokes: list[str]
    stroke_widths: list[float]
    element: ET.Element

    @property
    def text(self) -> str:
        """All the group's text lines joined by spaces (wrapped labels read whole)."""
        return " ".join(" ".join(self.texts).split())

    @property
    def fill(self) -> str:
        return next(f for f in self.fills if f not in ("none", "transparent"))


def svg_groups(svg: str | bytes, kind: str) -> dict[str, Shape]:
    """The SVG's groups of class `kind` (node, cluster, edge), by their <title>."""
    root = ET.fromstring(svg)
    out = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != kind:
            continue
        title = group.find(f"{SVG}title")
        shapes = [
            e for e in group.iter() if e.tag in (f"{SVG}polygon", f"{SVG}path", f"{SVG}ellipse")
        ]
        out[title.text if title is not None else ""] = Shape(
            title.text if title is not None else "",
            [t.text or "" for t in group.iter(f"{SVG}text")],
            [e.get("fill", "") for e in shapes],
            [e.get("stroke", "") for e in shapes],
            [float(e.get("stroke-width", "1")) for e in shapes],
            group,
        )
    return out


def normalised(text: str) -> str:
    return " ".join(text.split())


COMMAND = "from cxjourney.cli.render import {name}; {name}(prog_name='cxjourney {name}')"


def run_command(name: str, *args: str, env: dict | None = None, cwd: Path | None = None):
    """Run `render` or `report` in a fresh interpreter, as the installed command would."""
    return subprocess.run(
        [sys.executable, "-c", COMMAND.format(name=name), *args],
        capture_output=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=300,
    )


def run_main(*args: str, env: dict | None = None):
    """Run `python -m cxjourney ARGS` (the commands of cli.py) in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "cxjourney", *args],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
