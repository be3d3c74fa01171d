"""`render` and `report` on the command line: formats, options, errors, no Graphviz."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxjourney.cli.render import render, report
from tests.conftest import JOURNEYS
from tests.render.conftest import SVG, run_command, run_main, svg_groups

HOTEL = str(JOURNEYS / "hotel_stay.journey")


def invoke(*args: str):
    return CliRunner().invoke(render, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    "name, magic",
    [("map.svg", b"<?xml"), ("map.png", b"\x89PNG"), ("map.pdf", b"%PDF"), ("map.dot", b"digraph")],
)
def test_format_follows_the_file_name(tmp_path, name, magic):
    out = tmp_path / name
    result = invoke(HOTEL, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)


def test_format_option_and_stdout(tmp_path):
    result = invoke(HOTEL)
    assert result.exit_code == 0
    ET.fromstring(result.stdout_bytes)
    out = tmp_path / "map"
    assert invoke(HOTEL, "--format", "dot", "-o", str(out)).exit_code == 0
    assert (tmp_path / "map.dot").read_text().startswith("digraph")  # the suffix added


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "png", "-o", "map.svg"], "does not match"),
        (["-o", "map.jpg"], "cannot tell the format"),
        (["--scenario", "fix_first"], "need results"),
        (["--simulate", "--scenario", "fix_first", "--diff", "breakfast"], "not both"),
        (["--simulate", "--scenario", "fix_frist"], "did you mean 'fix_first'"),
        (["--view", "curve", "-o", "curve.png"], "drawn as SVG"),
    ],
)
def test_bad_options_exit_2(tmp_path, args, message):
    result = CliRunner().invoke(render, [HOTEL, *args])
    assert result.exit_code == 2
    assert message in result.output


def test_bad_results_exit_2(tmp_path, hotel_results):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = CliRunner().invoke(render, [HOTEL, "--results", str(broken)])
    assert result.exit_code == 2 and "not a results file" in result.output
    partial = dict(hotel_results)
    partial["scenarios"] = {"baseline": hotel_results["scenarios"]["baseline"]}
    only_base = tmp_path / "base.json"
    only_base.write_text(json.dumps(partial))
    result = CliRunner().invoke(
        render, [HOTEL, "--results", str(only_base), "--scenario", "fix_first"]
    )
    assert result.exit_code == 2 and "no results for scenario 'fix_first'" in result.output


def test_invalid_journey_writes_nothing(tmp_path):
    bad = tmp_path / "bad.journey"
    bad.write_text('journey "x" {\n  horizon 2 weks\n}\n')
    out = tmp_path / "map.svg"
    result = CliRunner().invoke(render, [str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert "unknown unit 'weks'" in result.output
    assert not out.exists()


def test_empty_labels_draw(tmp_path):
    """`journey ""` checks, so it draws: Graphviz refuses an empty <B> or <FONT>."""
    path = tmp_path / "empty.journey"
    path.write_text(
        'journey "" {\n  persona p {\n    share 100%\n  }\n'
        '  stage s "" {\n    touchpoint t "" {\n      owner ""\n    }\n  }\n}\n'
    )
    done = run_main("render", str(path), "-o", str(tmp_path / "map.svg"))
    assert done.returncode == 0, done.stderr.decode()
    assert "t" in svg_groups((tmp_path / "map.svg").read_bytes(), "node")


def test_labels_with_control_characters_draw_a_well_formed_svg(tmp_path):
    """A label `discover` took from a log may hold ESC or BEL (an OSC 52 sequence); the
    labels were cleaned but the tooltips were not, and XML forbids both: the SVG did not
    open in a browser or parse as XML."""
    path = tmp_path / "controls.journey"
    path.write_text(
        'journey "Title\x1b[2J" {\n  persona p {\n    share 100%\n  }\n'
        '  stage s "Stage\x07" {\n    touchpoint t "Pay\x1b]52;c;ZXZpbA==\x07" { }\n'
        "  }\n}\n"
    )
    done = run_main("render", str(path), "-o", str(tmp_path / "map.svg"))
    assert done.returncode == 0, done.stderr.decode()
    svg = (tmp_path / "map.svg").read_bytes()
    ET.fromstring(svg)  # well-formed
    assert b"\x1b" not in svg and b"\x07" not in svg


def test_simulate_overlay(tmp_path):
    out = tmp_path / "map.svg"
    result = invoke(HOTEL, "--simulate", "-n", "2", "--horizon", "2 weeks", "-o", str(out))
    assert result.exit_code == 0, result.output
    nodes = svg_groups(out.read_bytes(), "node")
    assert "experience" in nodes["desk"].text and "wait" in nodes["desk"].text
    assert "Mean experience per visit" in nodes["legend_scale"].text


def test_scenario_and_diff_overlays(tmp_path, hotel_results_path):
    out = tmp_path / "scenario.svg"
    args = ["--results", str(hotel_results_path), "-o", str(out)]
    assert invoke(HOTEL, "--scenario", "breakfast", *args).exit_code == 0
    text = " ".join(t for e in ET.parse(out).iter(f"{SVG}text") for t in e.itertext())
    assert "Fix what works: a breakfast worth talking about: simulated mean experience" in text
    assert "Local bakery pastries" in text  # drawn from the scenario's own journey
    assert invoke(HOTEL, "--diff", "fix_first", *args).exit_code == 0
    nodes = svg_groups(out.read_bytes(), "node")
    assert "Change in mean experience vs baseline" in nodes["legend_scale"].text
    assert "→" in nodes["desk"].text


def test_curve_view(tmp_path, hotel_results_path):
    out = tmp_path / "curve.svg"
    result = invoke(HOTEL, "--view", "curve", "--results", str(hotel_results_path), "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = [e for e in ET.parse(out).iter(f"{SVG}polyline") if e.get("class") == "persona"]
    assert len(lines) == 3


@pytest.fixture
def no_dot(tmp_path):
    """An environment whose PATH has no `dot` (and nothing else)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    return {**os.environ, "PATH": str(empty)}


def test_without_graphviz_the_dot_file_is_written_and_the_exit_is_1(tmp_path, no_dot):
    out = tmp_path / "map.svg"
    result = run_command("render", HOTEL, "-o", str(out), env=no_dot)
    assert result.returncode == 1
    message = result.stderr.decode()
    assert "Graphviz" in message and "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert f"wrote {tmp_path / 'map.dot'} instead" in message
    assert "Traceback" not in message
    assert not out.exists()
    assert (tmp_path / "map.dot").read_text().startswith("digraph")


def test_without_graphviz_other_commands_work(tmp_path, no_dot):
    curve = tmp_path / "curve.svg"
    result = run_command("render", HOTEL, "--view", "curve", "-o", str(curve), env=no_dot)
    assert result.returncode == 0, result.stderr
    ET.parse(curve)
    for args in (["check", HOTEL], ["simulate", HOTEL, "-n", "1", "--horizon", "1 week"]):
        done = run_main(*args, env=no_dot)
        assert done.returncode == 0, done.stderr


def test_without_graphviz_the_report_is_written_without_the_map(
    tmp_path, no_dot, hotel_results_path
):
    out = tmp_path / "report.html"
    args = [HOTEL, "--results", str(hotel_results_path), "--retention-points", "1", "-o", str(out)]
    result = run_command("report", *args, env=no_dot)
    assert result.returncode == 1
    assert "apt-get install graphviz" in result.stderr.decode()
    document = out.read_text(encoding="utf-8")
    assert "The map was left out" in document
    assert 'class="map"' not in document
    assert "Emotional curve" in document


def test_report_command_in_a_subprocess(tmp_path, hotel_results_path):
    out = tmp_path / "report.html"
    args = [HOTEL, "--results", str(hotel_results_path), "--retention-points", "1", "-o", str(out)]
    result = run_command("report", *args)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_report_refuses_results_of_another_journey(tmp_path, hotel_results):
    results = dict(hotel_results)
    results["scenarios"] = {
        **hotel_results["scenarios"],
        "ghost": hotel_results["scenarios"]["fix_first"],
    }
    path = tmp_path / "other.json"
    path.write_text(json.dumps(results))
    result = CliRunner().invoke(
        report, [HOTEL, "--results", str(path), "-o", str(tmp_path / "r.html")]
    )
    assert result.exit_code == 2
    assert "does not define: ghost" in result.output
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: r["scenarios"]["fix_first"].update(delta=[]),
        lambda r: r["scenarios"]["baseline"]["touchpoints"]["desk"].update(experience_mean="bad"),
        lambda r: r["scenarios"]["baseline"]["touchpoints"].update(desk=[1, 2]),
    ],
)
def test_malformed_results_exit_2_without_a_traceback(tmp_path, hotel_results, damage):
    results = json.loads(json.dumps(hotel_results))
    damage(results)
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(results))
    result = CliRunner().invoke(render, [HOTEL, "--results", str(path)])
    assert result.exit_code == 2, result.output
    assert "is not a results file" in result.output


def test_report_and_render_simulate_once(tmp_path, monkeypatch) -> None:
    """The report reuses one run (its time series draws the retention curve)."""
    from click.testing import CliRunner

    from cxjourney.cli import main
    from cxjourney.sim import experiment

    calls = []
    real = experiment.Experiment.__init__

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(experiment.Experiment, "__init__", counted)
    source = tmp_path / "t.journey"
    source.write_text(
        'journey "T" {\n  horizon 2 weeks\n  customers 30\n  persona p {\n    share 100%\n'
        "    visits every 3 days\n  }\n  stage s {\n    touchpoint t { }\n  }\n}\n"
    )
    out = tmp_path / "r.html"
    # the results are simulated once (the drivers and sensitivity are analyses of their own)
    args = ["report", str(source), "-n", "2", "-j", "1", "--no-analysis", "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert len(calls) == 1
    calls.clear()
    svg = tmp_path / "m.dot"
    args = ["render", str(source), "--simulate", "-n", "2", "-j", "1", "-o", str(svg)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert len(calls) == 1


# ---- the report and the terminal ---------------------------------------------------------


def test_report_refuses_to_dump_html_on_a_terminal(tmp_path: Path, shop: str) -> None:
    main, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cxjourney", "report", shop, "-n", "1"],
            stdout=follower,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            timeout=60,
        )
    finally:
        os.close(follower)
        os.close(main)
    err = done.stderr.decode()
    assert done.returncode == 2 and "-o report.html" in err, err
