"""--precision is kept by every analysis that accepts it.

What each reports is an interval (compare: each scenario's change; drivers: each
touchpoint's; optimize: each combination's; sensitivity: each scenario's in every
setting), so replications are added until every such interval is at most ±precision,
or the maximum is reached, and then the output says so. A clear verdict does not stop
the run early: the shop's "big" scenario is clear from the first look, with an interval
far wider than ±0.3 NPS points.
"""

from __future__ import annotations

import pytest

from cxjourney.decide import compare, drivers, optimize, sensitivity
from cxjourney.render import decisions_text
from cxjourney.sim.experiment import RunSpec
from cxjourney.sim.sequential import Schedule, half_width
from tests.decide.cases import SHOP, journey

SMALL = journey(SHOP.replace("customers 1500", "customers 200"))
START, MOST = 3, 7


def spec(precision: float) -> RunSpec:
    return RunSpec(seed=3, replications=START, schedule=Schedule(START, MOST, precision))


def kept(effects: list[dict], note: dict, precision: float) -> None:
    """Either every interval is within ±precision, or the run reached its maximum and says so."""
    widths = [half_width(e) for e in effects if e.get("mean") is not None]
    if note["replications"] < MOST:
        assert all(w is not None and w <= precision for w in widths)
        assert note["precision_met"] is True
    else:
        assert note["precision_met"] is (all(w <= precision for w in widths))
    if not note["precision_met"]:
        assert note["half_width"] == pytest.approx(max(widths))
        line = decisions_text.sequential_line(note)
        assert f"stopped at the maximum of {MOST} replications; half-width ±" in line


def test_compare_keeps_the_precision_of_every_change() -> None:
    results, _ = compare.compare(SMALL, spec(0.3))
    kept([row["effect"] for row in results["ranking"]], results["sequential"], 0.3)
    assert results["sequential"]["replications"] > START  # a clear verdict did not stop it


def test_compare_stops_when_the_precision_is_reached() -> None:
    results, _ = compare.compare(SMALL, spec(50.0))
    assert results["sequential"]["replications"] == START
    assert results["sequential"]["precision_met"] is True


def test_drivers_keeps_the_precision() -> None:
    doc = drivers.drivers(SMALL, spec(0.3))
    effects = [row["effect"] for row in doc["touchpoints"] + doc["owners"]]
    kept(effects, doc["sequential"], 0.3)
    assert doc["sequential"]["replications"] > START


def test_optimize_keeps_the_precision() -> None:
    doc = optimize.optimize(SMALL, spec(0.3), budget=60_000, scenarios=["big", "bad"])
    effects = [doc["effect"], *(row["effect"] for row in doc["runners_up"])]
    kept(effects, doc["sequential"], 0.3)
    assert doc["sequential"]["replications"] > START


def test_sensitivity_keeps_the_precision_in_every_setting() -> None:
    found = sensitivity.analyse(SMALL, spec(0.3), scenarios=["big", "bad"])
    for row in found["settings"]:
        assert row["replications"] > START
        widths = [half_width(e) for e in row["effects"].values()]
        if row["replications"] < MOST:
            assert row["precision_met"] and all(w <= 0.3 for w in widths)
        else:
            assert row["precision_met"] is all(w <= 0.3 for w in widths)
    text = decisions_text.sensitivity_text(found, START)
    if any(not r["precision_met"] for r in found["settings"]):
        assert "Stopped at the maximum of replications before the precision" in text


@pytest.mark.parametrize("command", ["compare", "drivers", "optimize"])
def test_the_command_line_says_where_the_maximum_stopped_it(tmp_path, command) -> None:
    from tests.conftest import run_cli

    path = tmp_path / "shop.journey"
    path.write_text(SHOP.replace("customers 1500", "customers 200"), encoding="utf-8")
    budget = ["--budget", "60k"] if command == "optimize" else []
    done = run_cli(
        command, str(path), *budget, "-n", "3", "--precision", "0.05",
        "--max-replications", "4", "-j", "1", "-q",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "stopped at the maximum of 4 replications; half-width ±" in done.stdout.decode()
