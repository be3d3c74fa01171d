"""Journey timing in every view: durations, delays, busiest hours and staffing.

The results come from `timing_results` (crafted, so the text is fixed); the same
document without the timing keys stands for a results file written before them, and
must render as it always did.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from cxjourney import graph as journey_graph
from cxjourney.model import Distribution, Edge, Shift, Window
from cxjourney.render import dot, overlay
from cxjourney.render.decisions_text import header
from cxjourney.render.diff_markdown import comment
from cxjourney.render.report import Report, html_report
from cxjourney.render.table import table
from tests.conftest import ROOT, load_text
from tests.render.test_render_report import outline
from tests.render.timing_results import DAY, interval, with_timing, without_timing

GOLDEN = ROOT / "tests" / "golden"
LABELS = {"faster": "Faster installs"}

JOURNEY = """
journey "Broadband install" {
  horizon 26 weeks
  customers 500
  persona home "Home customer" {
    share 100%
    patience 20 min
  }
  stage buy "Buy" {
    touchpoint order "Orders online" {
      channel web
    }
  }
  stage set_up "Set up" {
    touchpoint install "Engineer visit" {
      channel home
      capacity 6
      service exp(20 min)
    }
    touchpoint support "Calls support" {
      channel phone
      capacity 2
      service exp(5 min)
    }
  }
  flow {
    order -> install
    install -> support 20%
    install -> end
    support -> end
  }
  scenario faster "Faster installs" {
    cost 50k
    install.capacity = 8
  }
}
"""


def golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def broadband():
    loaded = load_text(JOURNEY)
    assert not [d for d in loaded.diagnostics if d.severity == "error"], loaded.diagnostics
    return loaded.journey


@pytest.fixture(scope="module")
def timed(broadband):
    """The journey with the design's timing: a delay before the visit, and shifts."""
    weekdays = Window(days=(0, 1, 2, 3, 4), start=8 * 60.0, end=18 * 60.0)
    touchpoints = tuple(
        replace(
            tp,
            after=Distribution("lognormal", (5 * DAY, 2 * DAY)),
            shifts=(Shift(weekdays, 10), Shift(Window(days=(6,)), 0)),
        )
        if tp.id == "install"
        else tp
        for tp in broadband.touchpoints
    )
    flow = tuple(
        replace(e, after=Distribution("exp", (3 * DAY,))) if e.target == "support" else e
        for e in broadband.edges
    )
    return replace(broadband, touchpoints=touchpoints, flow=flow)


# ---- the simulate table --------------------------------------------------------------------


def test_table_with_timing_is_golden():
    golden("simulate_timing.txt", table(with_timing(), LABELS))


def test_table_without_timing_is_golden_and_has_no_timing_rows():
    text = table(without_timing(), LABELS)
    golden("simulate_no_timing.txt", text)
    for word in ("duration", "delay", "busiest", "none ended"):
        assert word not in text


def test_table_shows_durations_with_intervals_and_the_change():
    text = table(with_timing(), LABELS)
    assert "duration (mean)            3.2 days [2.9, 3.5]" in text
    assert "−2.1 days [−2.4, −1.8]              shorter" in text
    assert "4.8 days" in text and "(Mon 9:00)" in text and "(Tue 10:00)" in text
    # a duration no journey could give says why it is missing
    assert "duration (90th pct)             – (none ended)          – (none ended)" in text


def test_an_old_file_s_rows_are_all_in_the_new_table():
    """Every metric row of an old file's table is in the new one, cell for cell."""
    new = {tuple(line.split()) for line in table(with_timing(), LABELS).splitlines()}
    old = table(without_timing(), LABELS).split("touchpoints (baseline)")[0]
    for line in old.splitlines():
        if line and not line.startswith("-") and not line.startswith("metric"):
            assert tuple(line.split()) in new, line


def test_a_duration_without_a_paired_change_says_so():
    results = with_timing()
    del results["scenarios"]["faster"]["delta"]["duration_mean"]
    lines = [x for x in table(results).splitlines() if x.startswith("duration (mean)")]
    line = lines[-1]  # the scenario's row
    assert "– (not paired)" in line


def test_a_zero_delay_everywhere_shows_no_delay_column():
    results = with_timing()
    for values in results["scenarios"]["baseline"]["touchpoints"].values():
        values["delay_mean"] = 0.0
    assert " delay " not in table(results)


def test_horizon_in_the_header_reads_in_a_natural_unit():
    results = without_timing()
    results["horizon_days"] = 0.5
    assert "horizon 12 h;" in table(results)
    assert "horizon 12 h" in header(results)
    results["horizon_days"] = 182
    assert header(results).endswith("horizon 182 days")


# ---- the map -------------------------------------------------------------------------------


def test_overlay_shows_the_delay_and_the_busiest_hour(timed):
    graph = journey_graph.build(timed)
    layer = overlay.experience_overlay(timed, graph, with_timing())
    assert layer.nodes["install"].notes == (
        "experience −0.80",
        "waits 4.8 days before it",
        "busiest hour Mon 9:00: wait 1.2 h",
        "wait 18 min · walk-outs 5.0% · busy 70%",
    )
    assert layer.nodes["support"].notes[1:] == (
        "busiest hour Tue 10:00: wait 54 s",
        "wait 24 s · walk-outs 0.0% · busy 20%",
    )
    assert layer.nodes["order"].notes == ("experience +0.40",)  # a zero delay: none
    assert [k for k, _ in layer.keys] == ["waits 4.8 days", "busiest hour", "no interval"]
    assert layer.caption.endswith("2 replications, seed 1, 26 weeks")  # as the file says


def test_diff_overlay_shows_the_waits_before_and_after(timed):
    graph = journey_graph.build(timed)
    layer = overlay.diff_overlay(timed, graph, with_timing(), "faster")
    assert "waits 4.8 days → 4.8 days before it" in layer.nodes["install"].notes
    assert "busiest hour Mon 9:00: wait 1.2 h → 24 min" in layer.nodes["install"].notes
    assert "wait 18 min → 6.0 min" in layer.nodes["install"].notes


def test_overlay_of_old_results_has_no_timing(broadband):
    graph = journey_graph.build(broadband)
    layer = overlay.experience_overlay(broadband, graph, without_timing())
    assert layer.keys == ()
    assert layer.nodes["install"].notes == (
        "experience −0.80",
        "wait 18 min · walk-outs 5.0% · busy 70%",
    )


def test_map_shows_the_written_delays_and_the_staffing(timed):
    graph = journey_graph.build(timed)
    source = dot.journey_map(timed, graph).source
    assert "after ~5 days" in source  # the step's own delay, a random one
    assert "0–10 servers by time of week" in source  # closed on Sundays, 10 on weekdays
    assert "after ~3 days" in source  # on the way to support
    assert "delay before the step" in source and "fewest–most servers" in source
    layer = overlay.experience_overlay(timed, graph, with_timing())
    drawn = dot.journey_map(timed, graph, layer).source
    assert "waits 4.8 days before it" in drawn
    assert "mean queue wait of visits arriving in the week" in drawn


def test_map_of_a_journey_without_timing_is_unchanged(broadband):
    """No timing in the file: no timing row, edge label or legend row appears."""
    graph = journey_graph.build(broadband)
    source = dot.journey_map(broadband, graph).source
    for word in ("after ", "servers", "delay before", "waits"):
        assert word not in source


def test_staffing_words():
    tp = load_text(JOURNEY).journey.touchpoint("install")
    assert dot.staffing_words(replace(tp, shifts=(Shift(Window(), 6),))) == "6 servers all week"
    mornings = Shift(Window(days=(0,), start=540.0, end=720.0), 4, "+=")
    assert dot.staffing_words(replace(tp, shifts=(mornings,))) == "6–10 servers by time of week"
    assert dot.delay_words(Distribution.constant(2 * DAY)) == "2 days"
    assert dot.delay_words(Distribution("exp", (36 * 60.0,))) == "~36 h"
    assert Edge("a", "b").after is None


# ---- the report ----------------------------------------------------------------------------


def _report(journey, results) -> str:
    return html_report(Report(journey, results, None, None, "<svg></svg>", None, (), "0" * 64))


def test_report_shows_the_journey_duration_and_its_change(broadband):
    page = outline(_report(broadband, with_timing())).plain
    assert "Journey duration 3.2 days 95%: 2.9 to 3.5 days" in page
    assert "median 2.7 days [2.5, 2.9], 90th percentile 9.0 days [8.6, 9.4]" in page
    assert "Δ journey duration" in page
    assert "−2.1 days [−2.4, −1.8] shorter" in page
    assert "delay before" in page and "1.2 h (Mon 9:00)" in page
    assert "no interval is kept" in page
    assert "Forecast over 26 weeks" in page  # the file's words: the run kept its horizon


def test_report_of_old_results_has_no_timing(broadband):
    page = outline(_report(broadband, without_timing())).plain
    for word in ("Journey duration", "Δ journey duration", "delay before", "busiest"):
        assert word not in page
    assert "18 min" in page  # waits in natural units all the same


def test_report_names_a_shorter_run_and_the_file_horizon(broadband):
    results = without_timing()
    results["horizon_days"] = 28
    page = outline(_report(broadband, results)).plain
    assert "Forecast over 28 days" in page
    assert "horizon 28 days (the file says 26 weeks)" in page
    assert "patience" in page and "20 min" in page


# ---- the pull-request comment --------------------------------------------------------------


def _prediction(**extra) -> dict:
    return {
        "seed": 1,
        "replications": 10,
        "horizon_days": {"old": 182, "new": 182},
        "currency": {"old": "EUR", "new": "EUR"},
        "metrics": {
            "nps": {"old": interval(20, 2), "new": interval(22, 2), "change": interval(2, 0.5)},
            "retention": {
                "old": interval(0.9, 0.01),
                "new": interval(0.9, 0.01),
                "change": interval(0.0, 0.005),
            },
            "revenue": {
                "old": interval(1e6, 1e4),
                "new": interval(1e6, 1e4),
                "change": interval(0, 1e3),
            },
            **extra,
        },
    }


def test_comment_shows_the_duration_and_its_change():
    durations = {
        "duration_mean": {
            "old": interval(4608, 432),
            "new": interval(1584, 300),
            "change": interval(-3024, 432),
        },
        "duration_p90": {"old": interval(None), "new": interval(None), "change": interval(None)},
    }
    text = comment("a.journey", "b.journey", [], _prediction(**durations))
    assert (
        "| journey duration (mean) | 3.2 days [2.9, 3.5] | 26 h [21, 31] "
        "| **−2.1 days [−2.4, −1.8]** | ⏱ shorter |"
    ) in text
    assert "| journey duration (90th pct) | n/a (no journey ended) |" in text
    assert "Journey duration: from a journey's start to its end" in text
    assert "**🟢 Verdict: better**" in text  # the verdict stays on NPS, retention, revenue


def test_comment_without_durations_has_no_duration_row():
    text = comment("a.journey", "b.journey", [], _prediction())
    assert "duration" not in text.lower()
    assert "seed 1, 182 days)" in text


def test_map_shows_where_repeat_journeys_start(broadband):
    """`visits every 30 days from bill`: a dotted edge from start to bill names the
    persona and its rhythm; without `from` there is no such edge."""
    assert "repeat-" not in dot.journey_map(broadband, journey_graph.build(broadband)).source
    persona = replace(broadband.personas[0], visit_gap=30 * DAY, repeat_from="bill")
    lifecycle = replace(broadband, personas=(persona, *broadband.personas[1:]))
    source = dot.journey_map(lifecycle, journey_graph.build(lifecycle)).source
    assert "repeat-bill" in source
    assert f"{persona.id} every 30 days" in source
