"""Calibration: the closed loop recovers perturbed numbers; thin data leave values alone."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from cxjourney import graph as journey_graph
from cxjourney.language.load import load
from cxjourney.logs.calibrate import CalibrateOptions, calibrate, wilson
from cxjourney.logs.mapping import map_activities
from cxjourney.logs.read import read_log
from tests.conftest import run_cli
from tests.logs.helpers import DATA, LOOP, journey_of

PERTURBED = {
    "start -> search 70%": "start -> search 50%",
    "search -> advice 40%": "search -> advice 25%",
    "search -> order 45%": "search -> order 60%",
    "order -> pickup 50%": "order -> pickup 30%",
    "service exp(6 min)": "service exp(10 min)",
}


def perturbed(tmp_path: Path) -> Path:
    text = LOOP.read_text()
    for old, new in PERTURBED.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "perturbed.journey"
    path.write_text(text)
    return path


def run(path: Path, log_path: Path, min_n: int = 30):
    journey = journey_of(path)
    log = read_log(str(log_path))
    mapping = map_activities(journey, log.activities())
    result = calibrate(journey, path.read_text(), log, mapping, CalibrateOptions(min_n=min_n))
    loaded = load("-", data=result.source.encode(), name="calibrated.journey")
    assert loaded.ok
    return result, loaded.journey


def test_closed_loop_recovers_flow_and_service(loop_log: Path, tmp_path: Path):
    result, calibrated = run(perturbed(tmp_path), loop_log)
    truth = journey_graph.routing(journey_of(LOOP))[None]
    found = journey_graph.routing(calibrated)[None]
    departures = {c.what.split()[1]: c.n for c in result.changes if c.what.startswith("flow")}
    for source, split in truth.items():
        if len(split) < 2:
            continue  # a single edge: nothing to estimate
        n = departures[source]
        for target, p in split.items():
            error = math.sqrt(p * (1 - p) / n)
            assert abs(found[source][target] - p) <= 3.5 * error + 1e-4, (source, target)
    service = calibrated.touchpoint("advice").service
    change = next(c for c in result.changes if c.what == "advice.service")
    assert abs(service.mean - 6.0) <= 3.5 * 6.0 / math.sqrt(change.n)  # exponential: sd = mean
    for persona, days in (("regular", 7), ("casual", 14)):  # visit gaps, beside churn
        change = next(c for c in result.changes if c.what == f"{persona}.visits")
        gap = calibrated.persona(persona).visit_gap / 1440
        assert abs(gap - days) <= 3.5 * days / math.sqrt(change.n)


def test_every_changed_line_has_its_comment(loop_log: Path, tmp_path: Path):
    result, _ = run(perturbed(tmp_path), loop_log)
    lines = result.source.splitlines()
    assert len(result.changes) >= 6
    for change in result.changes:
        line = next(line for line in lines if line.strip().startswith(change.statement))
        assert f"# calibrated: n={change.n}" in line and f"was {change.old}" in line
    assert "was 25%" in result.source and "was exp(10 min)" in result.source


def test_thin_data_keeps_values_and_says_so(loop_log: Path, tmp_path: Path):
    result, _ = run(perturbed(tmp_path), loop_log, min_n=10**6)
    assert result.changes == []
    assert result.source == perturbed(tmp_path).read_text()  # already formatted: unchanged
    assert any("fewer than 1000000" in why for _, why in result.kept)


def test_ratings_calibrate_delivers(tmp_path: Path):
    journey_path = tmp_path / "tickets.journey"
    journey_path.write_text(
        'journey "Help desk" {\n  persona business {\n    share 50%\n  }\n'
        "  persona consumer {\n    share 50%\n  }\n"
        '  stage s {\n    touchpoint open_ticket "Open ticket" { }\n'
        '    touchpoint resolve "Resolve" { }\n    touchpoint close "Close" { }\n  }\n}\n'
    )
    result, calibrated = run(journey_path, DATA / "tickets.csv", min_n=20)
    ratings = [
        v.rating for c in read_log(str(DATA / "tickets.csv")).cases for v in c.visits if v.rating
    ]
    mean = sum(ratings) / len(ratings)
    assert calibrated.touchpoint("resolve").performance.mean == pytest.approx(mean, abs=0.01)
    assert any(c.what == "resolve.delivers" and c.old == "(expect)" for c in result.changes)


def test_wilson_interval_contains_the_share():
    low, high = wilson(30, 100)
    assert low < 0.3 < high and low > 0.2 and high < 0.4


def test_cli_calibrate_report_and_output(loop_log: Path, tmp_path: Path):
    out = tmp_path / "new.journey"
    done = run_cli(
        "calibrate", str(perturbed(tmp_path)), str(loop_log), "-o", str(out), "--report",
        "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {c["what"] for c in report["changes"]} >= {"flow search -> advice", "advice.service"}
    assert run_cli("check", str(out)).returncode == 0
    assert run_cli("fmt", "--check", str(out)).returncode == 0


def test_cli_simulate_events_then_conform_and_calibrate(tmp_path: Path):
    visits = tmp_path / "visits.csv"
    done = run_cli("simulate", str(LOOP), "--events", str(visits), "-n", "1", "-q", "-j", "1")
    assert done.returncode == 0, done.stderr
    done = run_cli("conform", str(LOOP), str(visits), "--min-fitness", "1")
    assert done.returncode == 0, done.stdout
    done = run_cli(
        "calibrate", str(LOOP), str(visits), "--report", "-o", str(tmp_path / "c.journey")
    )
    assert done.returncode == 0 and b"flow search -> advice" in done.stdout


def test_shares_from_the_customer_mix_only_without_arrivals(tmp_path: Path):
    from tests.logs.helpers import simulated_log

    text = LOOP.read_text().replace("    arrivals 10 per week\n", "")
    truth = tmp_path / "closed.journey"
    truth.write_text(text)
    visits = simulated_log(truth, tmp_path / "closed.csv")
    wrong = tmp_path / "wrong.journey"
    wrong.write_text(text.replace("share 60%", "share 80%").replace("share 40%", "share 20%"))
    result, calibrated = run(wrong, visits)
    assert calibrated.persona("regular").share == pytest.approx(0.6, abs=0.01)
    assert any(c.what == "casual.share" and c.old == "20%" for c in result.changes)
    result, _ = run(LOOP, visits)  # the map has arrivals: shares are left alone
    assert not any(c.what.endswith(".share") for c in result.changes)
    assert ("shares", "the map has arrivals: the log mixes newcomers in") in result.kept


def test_the_files_comments_and_layout_stay_and_the_text_is_the_calibrated_model(
    loop_log: Path, tmp_path: Path
):
    text = perturbed(tmp_path).read_text()
    text = text.replace("service exp(10 min)", "service exp(10 min)  # the desk's own guess")
    text = text.replace(
        'persona casual "Casual" {', '# occasional shoppers\npersona casual "Casual" {'
    )
    path = tmp_path / "commented.journey"
    path.write_text(text)
    result, calibrated = run(path, loop_log)
    lines = result.source.splitlines()
    service = next(i for i, line in enumerate(lines) if line.strip().startswith("service "))
    assert lines[service - 1].strip() == "# the desk's own guess"  # moved above the new line
    assert "# occasional shoppers" in result.source
    assert "patience 30 min" in result.source  # statements not calibrated are as written
    from cxjourney.model import to_plain

    assert to_plain(calibrated) == to_plain(result.journey)


LIFECYCLE = """
journey "Subscription" {
  horizon 26 weeks
  customers 300
  persona member {
    share 100%
    visits every 20 days from bill
  }
  stage join {
    touchpoint signup {
      expect 3
    }
  }
  stage month {
    touchpoint bill {
      expect 3
    }
    touchpoint support {
      expect 3
    }
  }
  flow {
    start -> signup
    signup -> bill
    bill -> support 20%
    bill -> end
    support -> end
  }
}
"""


def test_repeat_journeys_that_start_where_the_file_says_fit_and_keep_their_start(tmp_path):
    """A simulated log of a lifecycle (onboarding once, then journeys from `bill`) fits
    its own map: start -> bill is where repeat journeys begin, not a missing edge. And
    calibrating the gap keeps `from bill`, so the calibrated map still checks."""
    from cxjourney.logs.conform import conform
    from tests.logs.helpers import simulated_log

    path = tmp_path / "life.journey"
    path.write_text(LIFECYCLE)
    visits = simulated_log(path, tmp_path / "life.csv")
    journey = journey_of(path)
    log = read_log(str(visits))
    found = conform(journey, log, map_activities(journey, log.activities()))
    assert ("start", "bill") not in found.missing_edges
    assert found.fitness == 1.0
    result, calibrated = run(path, visits)
    assert calibrated.persona("member").repeat_from == "bill"
    assert any(c.what == "member.visits" for c in result.changes)


def test_a_measured_number_replaces_its_range_of_belief(loop_log: Path, tmp_path: Path):
    """Ranges of belief say what the team does not know; once the log measures the number,
    calibration writes the measured value and the range is gone (a guess, answered)."""
    ranged = {
        "start -> search 70%": "start -> search 50% .. 80%",
        "service exp(6 min)": "service exp(4 min .. 12 min)",
    }
    text = LOOP.read_text()
    for old, new in ranged.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "ranged.journey"
    path.write_text(text)
    _, calibrated = run(path, loop_log)
    edge = next(e for e in calibrated.flow if (e.source, e.target) == ("start", "search"))
    assert edge.probability_range is None and abs(edge.probability - 0.7) < 0.1
    service = calibrated.touchpoint("advice").service
    assert service.ranges == () and abs(service.mean - 6.0) < 2.0
