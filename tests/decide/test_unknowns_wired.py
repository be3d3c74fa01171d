"""What the team does not know, wired into compare, optimize and report.

With ranges of belief in the file, every decision shows the value of information (from
the decision's own replications: no run of its own) and the tornado of the best scenario
(a few paired runs). Without ranges, every output is byte for byte what it was before
ranges existed: the golden files were written by the commands before this wiring.

The tornado's cost: with one paired replication per end, the tiny journey's pack needs the
middle (baseline and pack: 2 runs), each end of an unknown the baseline shares (the
lateness's chance and impact: baseline and pack again, 4 runs each), each end of the
pack's own impact (the pack alone: 2 runs), and nothing for its cost (the middle's runs
at another price): 2 + 2·4 + 2 = 12 replications, whatever the run's -n.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from cxjourney.decide import compare as compare_mod
from cxjourney.decide import optimize as optimize_mod
from cxjourney.decide import uncertainty as u
from cxjourney.model import Belief
from cxjourney.render import decisions_text
from cxjourney.sim.experiment import RunSpec
from tests.conftest import run_cli
from tests.decide.cases import journey
from tests.decide.test_uncertainty import TINY

GOLDEN = Path(__file__).parent / "golden"
#: TINY with every range replaced by its middle: what the file said before ranges.
MIDDLE = (
    TINY.replace("chance 10% .. 30% impact -2 .. -1", "chance 20% impact -1.5")
    .replace("cost 1k .. 3k", "cost 2k")
    .replace("impact +0.5 .. +2", "impact +1.25")
)
SPEC = RunSpec(seed=5, replications=3)
QUICK = ["-n", "3", "--seed", "5", "-j", "1", "-q"]


@pytest.fixture(scope="module")
def tiny():
    return journey(TINY)


@pytest.fixture(scope="module")
def compared(tiny):
    results, _ = compare_mod.compare(tiny, SPEC)
    return results


def test_the_tornado_runs_few_replications_and_none_for_a_cost(tiny) -> None:
    assert u.tornado_runs(tiny, RunSpec(replications=10), "pack", "roi") == 12
    assert u.tornado_runs(tiny, RunSpec(replications=1), "pack", "nps") == 12


def test_a_cost_bar_reprices_the_middle_runs() -> None:
    """ROI = (Δrevenue − cost) / cost on the same runs: the cheap end has the higher ROI,
    and Δrevenue is the same at both ends, so (1 + ROI) × cost agrees between them. (The
    pack wins back a few tens of GBP in half a year, so its cost here is 1 .. 10 GBP.)"""
    longer = journey(TINY.replace("horizon 4 weeks", "horizon 26 weeks"))
    pack = replace(longer.scenarios[0], cost=5.5, cost_range=Belief(1.0, 10.0))
    cheap = replace(longer, scenarios=(pack,))
    chart = u.tornado(cheap, RunSpec(seed=5, replications=2), "pack", "roi")
    bar = next(b for b in chart.bars if b.input.name == "pack.cost")
    low, high = bar.low["mean"], bar.high["mean"]
    assert low > high > 0
    assert (1 + low) * 1.0 == pytest.approx((1 + high) * 10.0, rel=1e-9)


def test_compare_carries_the_unknowns_from_its_own_replications(compared) -> None:
    unknowns = compared["unknowns"]
    info = unknowns["value_of_information"]
    assert info["replications"] == compared["replications"] == 3  # the same runs, reused
    assert info["options"] == ["baseline", "pack"]
    assert unknowns["tornado"]["scenario"] == "pack"
    assert unknowns["tornado"]["replications"] == 1
    assert unknowns["tornado"]["bars"][0]["input"] == "b.pack.impact"


def test_compare_text_shows_the_tornado_and_the_value_of_information(compared) -> None:
    text = decisions_text.compare_text(compared)
    assert "Intervals include what the team does not know" in text
    assert "What the team does not know (the file's ranges of belief):" in text
    assert "  Value of information: not estimated. 3 replications are too few" in text
    assert "  Tornado: the change in NPS from 'pack'" in text
    assert re.search(r"b\.pack\.impact\s+\+0\.5 \.\. \+2", text)


def test_optimize_carries_the_unknowns(tiny) -> None:
    doc = optimize_mod.optimize(tiny, SPEC, budget=5000)
    assert doc["chosen"] == ["pack"]
    assert doc["unknowns"]["tornado"]["scenario"] == "pack"
    assert doc["unknowns"]["value_of_information"]["options"] == ["baseline", "pack"]
    text = decisions_text.optimize_text(doc)
    assert "Value of information" in text and "Tornado:" in text


def test_the_report_draws_the_tornado(tmp_path: Path) -> None:
    path = tmp_path / "tiny.journey"
    path.write_text(TINY, encoding="utf-8")
    out = tmp_path / "report.html"
    done = run_cli("report", str(path), *QUICK, "--no-analysis", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    page = out.read_text(encoding="utf-8")
    section = re.search(r'<section id="unknowns">(.*?)</section>', page, re.S)
    assert section is not None
    assert "<svg" in section.group(1) and "which unknown moves it most" in section.group(1)
    assert "xmlns" not in section.group(1)  # inlined as the report's other charts
    assert "Value of information" in section.group(1)


def test_compare_json_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "tiny.journey"
    path.write_text(TINY, encoding="utf-8")
    done = run_cli("compare", str(path), *QUICK, "--format", "json")
    assert done.returncode == 0, done.stderr.decode()
    doc = json.loads(done.stdout)
    assert doc["unknowns"]["value_of_information"]["replications"] == doc["replications"]
    assert [i["input"] for i in doc["unknowns"]["inputs"]] == [
        "a.late.chance",
        "a.late.impact",
        "b.pack.impact",
        "pack.cost",
    ]


@pytest.mark.parametrize(
    ("command", "extra", "fmt"),
    [
        ("simulate", [], "table"),
        ("compare", [], "table"),
        ("compare", [], "json"),
        ("optimize", ["--budget", "5k"], "table"),
        ("optimize", ["--budget", "5k"], "json"),
    ],
)
def test_without_ranges_the_outputs_are_the_same_bytes(tmp_path, command, extra, fmt) -> None:
    path = tmp_path / "tiny.journey"
    path.write_text(MIDDLE, encoding="utf-8")
    done = run_cli(command, str(path), *QUICK, *extra, "--format", fmt)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == (GOLDEN / f"no_ranges_{command}.{fmt}").read_bytes()


def test_simulate_says_its_intervals_include_the_ranges(tmp_path: Path) -> None:
    path = tmp_path / "tiny.journey"
    path.write_text(TINY, encoding="utf-8")
    done = run_cli("simulate", str(path), *QUICK)
    assert done.returncode == 0, done.stderr.decode()
    second = done.stdout.decode().splitlines()[1]
    assert second == (
        "Intervals include what the team does not know: each replication drew the file's "
        "4 ranges of belief once, as well as chance."
    )


def test_without_ranges_the_report_has_no_unknowns(tmp_path: Path) -> None:
    path = tmp_path / "tiny.journey"
    path.write_text(MIDDLE, encoding="utf-8")
    out = tmp_path / "report.html"
    done = run_cli("report", str(path), *QUICK, "--no-analysis", "-o", str(out))
    assert done.returncode == 0, done.stderr.decode()
    page = out.read_text(encoding="utf-8")
    assert 'id="unknowns"' not in page and "team does not know" not in page


@pytest.mark.parametrize(
    ("what", "low", "high", "shown"),
    [
        ("chance", 0.05, 0.15, "5% .. 15%"),
        ("impact", 1.0, 3.0, "+1 .. +3"),
        ("cost", 40_000.0, 60_000.0, "40,000 .. 60,000"),
        ("spend", 20.0, 40.0, "20 .. 40"),
        ("expect", 3.5, 4.5, "3.5 .. 4.5"),
        ("delivers", 3.5, 4.2, "3.5 .. 4.2"),
        ("patience", 5.0, 90.0, "5 min .. 90 min"),
        ("duration", 1440.0, 4320.0, "1 day .. 3 days"),
        ("rate", 30 / 10080, 50 / 10080, "30 .. 50 per week"),
        ("percent", 0.1, 0.3, "10% .. 30%"),
        ("shift", -0.5, 0.5, "-0.5 .. +0.5"),
        ("factor", 0.5, 0.8, "×0.5 .. ×0.8"),
        ("number", 1.5, 2.5, "1.5 .. 2.5"),
    ],
)
def test_each_kind_of_range_is_written_in_its_own_unit(what, low, high, shown):
    """A rating reads 3.5 .. 4.5 (no sign: it is a level, not a change), a patience in
    minutes as durations, a spend as money; an impact keeps its sign."""
    from cxjourney.render.tornado import written_range

    assert written_range({"what": what, "low": low, "high": high}) == shown


def test_an_roi_tornados_swing_is_in_points_of_roi_like_its_ends() -> None:
    from cxjourney.render.tornado import tornado_text

    bar = {"input": "x.cost", "what": "cost", "low": 1000.0, "high": 3000.0}
    doc = {
        "currency": "GBP",
        "tornado": {
            "objective": "roi",
            "scenario": "x",
            "label": "X",
            "replications": 1,
            "middle": {"mean": 0.1},
            "bars": [{**bar, "at_low": {"mean": 0.42}, "at_high": {"mean": 0.02}, "swing": 0.4}],
        },
    }
    text = "\n".join(tornado_text(doc))
    assert text.rstrip().endswith("+42%          +2%  40 percentage points of ROI")
