"""Discovering a journey from a log: valid names, exact sums, comments with counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxjourney.language.fmt import format_source
from cxjourney.language.load import load
from cxjourney.logs import text
from cxjourney.logs.discover import DiscoverOptions, discover
from cxjourney.logs.mapping import make_id
from cxjourney.logs.read import read_log
from cxjourney.sim.experiment import RunSpec, simulate
from tests.logs.helpers import DATA, LOOP, journey_of, shared_log

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def discovered(path: Path, **options):
    found = discover(read_log(str(path)), DiscoverOptions(**options))
    loaded = load("-", data=found.source.encode(), name="discovered.journey")
    assert loaded.ok, [(d.line, d.message) for d in loaded.diagnostics]
    return found, loaded.journey


def test_ids_are_valid_unique_and_never_reserved():
    taken: set[str] = {"customers"}
    labels = ["end", "Start", "exit", "1st call", "Café crème", "a-b", "A B", "", "customers"]
    ids = [make_id(label, taken) for label in labels]
    assert all(IDENTIFIER.match(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert not {"start", "end", "exit", "baseline"} & set(ids)
    assert ids[3] == "step_1st_call" and ids[4] == "cafe_creme"
    assert ids[6] == "a_b_2"  # "a-b" took a_b first


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30))
def test_split_sums_to_exactly_one_hundred_percent(counts):
    if sum(counts) == 0:
        return
    units = text.split(counts)
    assert sum(units) == text.BASIS
    assert all((u > 0) == (c > 0) for u, c in zip(units, counts, strict=True))


def test_numbers_never_use_exponents():
    for x in (1e-7, 3e-5, 0.000123456, 1234567.89, 12.0, 0.5):
        assert "e" not in text.number(x).lower()
    assert text.duration(90 / 60) == "1.5 min"
    assert text.duration(0.5) == "30 s"
    assert text.rate(3 / 1440) == "3 per day"
    assert text.percent(3333) == "33.33%" and text.percent(10000) == "100%"


def test_tickets_discovered_with_personas_service_and_ratings():
    found, journey = discovered(DATA / "tickets.csv")
    assert [p.id for p in journey.personas] == ["business", "consumer"]
    assert [t.id for t in journey.touchpoints] == [
        "open_ticket", "triage", "resolve", "reopen", "close",
    ]  # fmt: skip
    resolve = journey.touchpoint("resolve")
    assert resolve.service is not None and resolve.capacity >= 1
    assert 1 <= resolve.performance.mean <= 5
    assert resolve.channel == "phone"
    # business and consumer customers take the same paths within chance: no persona lines
    assert not any(e.persona for e in journey.flow)
    # every flow line says what it came from
    flow_lines = [line for line in found.source.splitlines() if "->" in line]
    assert all(re.search(r"# \d+ of \d+", line) for line in flow_lines)
    assert format_source(found.source) == found.source  # printed in the canonical layout
    results = simulate(journey, RunSpec(seed=1, replications=1))
    assert results["scenarios"]["baseline"]["metrics"]["journeys"]["mean"] > 0


def test_flow_matches_the_directly_follows_counts(loop_log: Path):
    _, journey = discovered(loop_log)
    original = journey_of(LOOP)
    assert {t.id for t in journey.touchpoints} == {t.id for t in original.touchpoints}
    edges = {(e.source, e.target): e.probability for e in journey.flow if e.persona is None}
    assert abs(edges[("start", "search")] - 0.70) < 0.05
    assert abs(edges[("order", "pickup")] - 0.50) < 0.06
    assert journey.touchpoint("advice").service.mean == __import__("pytest").approx(6, rel=0.2)
    regular = journey.persona("regular")
    assert regular.visit_gap is not None and regular.arrivals is not None


def test_persona_lines_only_where_personas_differ(tmp_path: Path):
    rows = ["case,persona,activity,timestamp"]
    for i in range(40):
        persona = "Web" if i % 2 else "Store"
        second = "Pay online" if persona == "Web" or i % 10 == 0 else "Pay at till"
        third = "Review" if i % 3 == 0 else "Leave"
        for j, activity in enumerate(["Browse", second, third]):
            rows.append(f"{i},{persona},{activity},2024-01-01T{10 + j}:{i:02d}:00")
    log = tmp_path / "mix.csv"
    log.write_text("\n".join(rows) + "\n")
    found, journey = discovered(log)
    own = {(e.source, e.target, e.persona) for e in journey.flow if e.persona}
    assert ("browse", "pay_online", "web") in own and ("browse", "pay_at_till", "store") in own
    assert not any(source != "browse" for source, _, _ in own)  # pay -> review/leave: by chance
    assert "differs from the others (chi2" in found.source


def test_end_activities_send_other_endings_to_exit(tmp_path: Path):
    """The one ticket that stops at triage is the log's last, opened in its final
    minutes, at a step 39 earlier tickets left: still under way, not an exit (a note
    says so). Moved to the log's start, it stops at triage for good and leads to exit."""
    found, journey = discovered(DATA / "tickets.csv", ends=("Close",))
    targets = {(e.source, e.target) for e in journey.flow}
    assert ("close", "end") in targets and ("triage", "exit") not in targets
    assert any("1 cases stop in the log's last 5%" in n for n in found.notes)
    lines = (DATA / "tickets.csv").read_text().splitlines()
    early = [line.replace("2024-01-19T20:", "2024-01-01T01:") if line.startswith("T040,") else line
             for line in lines]  # fmt: skip
    log = tmp_path / "tickets.csv"
    log.write_text("\n".join(early) + "\n")
    _, journey = discovered(log, ends=("Close",))
    targets = {(e.source, e.target) for e in journey.flow}
    assert ("close", "end") in targets and ("triage", "exit") in targets
    assert ("triage", "end") not in targets


def test_shared_logs_discover_conform_and_simulate():
    from cxjourney.logs.conform import conform
    from cxjourney.logs.mapping import map_activities

    for name in ("running-example.xes", "roadtraffic100traces.xes"):
        path = shared_log(name)
        _, journey = discovered(path)
        log = read_log(str(path))
        assert conform(journey, log, map_activities(journey, log.activities())).fitness == 1.0
        results = simulate(journey, RunSpec(seed=1, replications=1))
        assert results["scenarios"]["baseline"]["metrics"]["journeys"]["mean"] > 0


NAMES = st.sampled_from(
    ["start", "end", "exit", "baseline", "Pay", "pay", "PAY!", "1st call", "Café", "a\"b",
     "back\\slash", "customers", "steps", "x" * 60, "  spaced  out  ", "日本語"]
)  # fmt: skip


@pytest.mark.slow
@given(
    st.lists(
        st.tuples(st.lists(NAMES, min_size=1, max_size=6), st.sampled_from(["", "VIP", "end"])),
        min_size=1,
        max_size=12,
    )
)
def test_any_log_discovers_a_valid_journey_that_fits_its_log(cases):
    """Whatever the activity and persona names, the journey checks and fits every case."""
    from cxjourney.logs.conform import conform
    from cxjourney.logs.mapping import map_activities
    from cxjourney.logs.read import Case, Log, Visit

    log = Log(
        "random.csv",
        [
            Case(f"c{i}", f"u{i % 3}", persona, [Visit(a, None, 60.0 * (i * 10 + j)) for j, a in
                                                  enumerate(path)])
            for i, (path, persona) in enumerate(cases)
        ],
        events=sum(len(p) for p, _ in cases),
    )  # fmt: skip
    found = discover(log, DiscoverOptions(min_n=2))
    loaded = load("-", data=found.source.encode(), name="d.journey")
    assert loaded.ok, [(d.line, d.message) for d in loaded.diagnostics]
    journey = loaded.journey
    names = [p.id for p in journey.personas] + [s.id for s in journey.stages]
    names += [t.id for t in journey.touchpoints]
    assert len(names) == len(set(names))
    result = conform(journey, log, map_activities(journey, log.activities()))
    assert result.fitness == 1.0 and not result.unknown_activities


def test_a_simulated_log_of_several_replications_is_read_as_one_run(tmp_path) -> None:
    """Replications are separate runs of the same days, not more customers in them."""
    from cxjourney.logs.read import ReadOptions, read_log

    path = tmp_path / "visits.csv"
    header = "scenario,replication,customer,persona,journey,touchpoint,arrival_min,wait_min,"
    header += "moment,delighters,disappointers\n"
    rows = [
        f"baseline,{rep},p-{c},p,1,{tp},{10.0 * c + i:.4f},0.0000,0.0,,\n"
        for rep in (1, 2, 3)
        for c in range(4)
        for i, tp in enumerate(("a", "b"))
    ]
    path.write_text(header + "".join(rows))
    log = read_log(str(path))
    assert len(log.cases) == 4
    assert len(read_log(str(path), ReadOptions(replication="2")).cases) == 4


def test_the_time_between_steps_becomes_after_and_the_journey_lasts_as_in_the_log(tmp_path):
    """Forty cases: an order, then an installation exactly 2, 4, 6 or 8 days later (one
    timestamp per event), then a go-live 3 hours after that, one case a month.
    The edge into the installation gets an `after` fitted to gaps of 2-8 days (mean 5
    days), the edge into the go-live a constant 3 h (a timer: every gap the same), and
    the touchpoints none. Simulated, a journey lasts 5 days + 3 h on average, as the
    log's cases do."""
    rows = ["case,activity,timestamp"]
    for i in range(40):
        order = 1440.0 * 30 * i  # minutes: one case a month
        install = order + 1440.0 * (2 + 2 * (i % 4))
        for activity, at in (("Order", order), ("Install", install), ("Go live", install + 180)):
            rows.append(f"{i},{activity},{_timestamp(at)}")
    log = tmp_path / "install.csv"
    log.write_text("\n".join(rows) + "\n")
    _, journey = discovered(log)
    assert all(t.after is None for t in journey.touchpoints)
    after = {e.target: e.after for e in journey.flow}
    assert after["order"] is None
    assert after["install"] is not None and abs(after["install"].mean - 5 * 1440) < 1
    assert after["go_live"] is not None and after["go_live"].is_constant
    assert after["go_live"].mean == 180.0
    results = simulate(journey, RunSpec(seed=1, replications=1))
    duration = results["scenarios"]["baseline"]["metrics"]["duration_mean"]["mean"]
    assert duration is not None and abs(duration - (5 * 1440 + 180)) < 1440


def _timestamp(minutes: float) -> str:
    from datetime import datetime, timedelta

    return (datetime(2024, 1, 1) + timedelta(minutes=minutes)).isoformat()


def test_repeat_cases_too_few_for_a_gap_still_reach_their_first_step():
    """Three customers' first cases are `end`; two come back and do `start` (activities
    named like the flow's own ends). Two repeats, one per persona, are too few for a
    visit gap, so no persona has repeat journeys: the repeat cases must stay journeys from
    the start, or `start` would be a step nothing reaches."""
    from cxjourney.logs.read import Case, Log, Visit

    cases = [(["end"], ""), (["end"], ""), (["end"], ""), (["start"], ""), (["start"], "VIP")]
    log = Log(
        "random.csv",
        [
            Case(f"c{i}", f"u{i % 3}", persona, [Visit(a, None, 60.0 * (i * 10 + j))
                                                  for j, a in enumerate(path)])
            for i, (path, persona) in enumerate(cases)
        ],
        events=5,
    )  # fmt: skip
    found = discover(log, DiscoverOptions(min_n=2))
    loaded = load("-", data=found.source.encode(), name="d.journey")
    assert loaded.ok, [(d.line, d.message) for d in loaded.diagnostics]
    assert "(95%: 0.01215 to 2.674 per day)" in found.source  # exact Poisson, not -0.46
