"""Discovery on the public logs of the shared data folder (skipped without it): the road
fines' 60-day penalty is a timer, a log of dates has no hours of the day, the receipt
log's office hours become busy lines, and the receipt map simulated reproduces the
log's arrivals, the share of cases ending at each last activity and the mean and
median case durations (its cases either run straight through or wait: pace classes)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import replace

from cxjourney.language.load import load
from cxjourney.logs.arrivals import start_window
from cxjourney.logs.discover import discover
from cxjourney.logs.pace import AT_ONCE, WAITS
from cxjourney.logs.read import read_log
from cxjourney.sim.experiment import RunSpec, simulate
from tests.logs.helpers import shared_log

DAY = 1440.0


def _journey(found):
    loaded = load("found.journey", data=found.source.encode())
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.journey


def test_road_fines_penalty_is_a_sixty_day_timer():
    found = discover(read_log(str(shared_log("roadtraffic100traces.xes"))))
    journey = _journey(found)
    after = {(e.source, e.target): e.after for e in journey.flow}
    penalty = after[("insert_fine_notification", "add_penalty")]
    assert penalty is not None and penalty.is_constant and penalty.mean == 60 * DAY
    assert "a timer" in found.source
    # dates without times: no hours of the day in the profile, no referrals
    assert not any(s.window.start or s.window.end != DAY for p in journey.personas for s in p.busy)
    assert journey.loyalty.referral == 0


def test_receipt_office_hours_and_simulated_outcomes(tmp_path):
    """Arrivals within 5% (the rate over the window in which cases start; three runs of
    about 1,434 cases: a standard error of 1.5%), each end within 3 points of the log's
    share, the mean case duration (5.4 days) within 15% and the median (47 minutes: half
    the cases run straight through) within 25%, over cases that start in that window,
    run past the horizon by the longest case so that each can finish (the benchmark's
    protocol, benchmarks/bench_real_logs.py)."""
    log = read_log(str(shared_log("receipt.csv.gz")))
    found = discover(log)
    journey = _journey(found)
    assert [p.id for p in journey.personas] == [AT_ONCE, WAITS]
    busy = journey.personas[0].busy
    assert any(s.window.days == (5, 6) and s.value < 0.5 for s in busy)  # quiet weekends
    assert any(s.window.days == (0, 1, 2, 3, 4) and s.value >= 2 for s in busy)
    window = start_window([c.start for c in log.cases])
    longest = max(c.finish - c.start for c in log.cases)
    journey = replace(journey, horizon=window + longest)
    activity = {tp: a for a, tp in found.touchpoints.items()}
    real = Counter(c.visits[-1].activity for c in log.cases)
    ends: Counter = Counter()
    cases = 0
    durations: list[float] = []
    for seed in (1, 2, 3):
        events = tmp_path / f"events{seed}.csv"
        simulate(journey, RunSpec(seed=seed, replications=1), events=str(events))
        inside = [c for c in read_log(str(events)).cases if c.start < window]
        cases += len(inside)
        durations += [c.finish - c.start for c in inside]
        ends.update(activity[c.visits[-1].activity] for c in inside)
    per_day = cases / 3 / (window / DAY)
    assert abs(per_day / (len(log.cases) / (window / DAY)) - 1) < 0.05
    for name, n in real.items():
        assert abs(ends[name] / cases - n / len(log.cases)) < 0.03, name
    logged = [c.finish - c.start for c in log.cases]
    mean, median = statistics.fmean(logged), statistics.median(logged)
    assert abs(statistics.fmean(durations) / mean - 1) <= 0.15
    assert abs(statistics.median(durations) / median - 1) <= 0.25
