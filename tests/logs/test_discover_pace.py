"""Pace classes: a log whose cases either run straight through or wait is discovered as
two personas with their own delays, recovered within their intervals; a log whose gaps
are short or long independently is not split, and its map is the one without classes."""

from __future__ import annotations

import itertools
import math
import random
import statistics
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cxjourney.language.load import load
from cxjourney.logs import discover as discover_module
from cxjourney.logs.cases import Case, Log, Visit
from cxjourney.logs.delays import fit_delay
from cxjourney.logs.discover import discover
from cxjourney.logs.fit import fit_durations
from cxjourney.logs.pace import AT_ONCE, WAITS, pace_split, valley
from cxjourney.logs.read import read_log
from cxjourney.sim.experiment import RunSpec, simulate
from tests.conftest import run_cli

DAY = 1440.0
STEPS = ("Receive", "Check", "Decide", "Send")
#: short gaps: log-normal of median 1 minute, sigma 1 (mean e^0.5 = 1.65 min);
#: long gaps: median 1 day, sigma 0.7 (mean e^0.245 days = 1.28 days)
SHORT_MEAN, LONG_MEAN = math.exp(0.5), DAY * math.exp(0.245)


def _short(rng: random.Random) -> float:
    return math.exp(rng.gauss(0.0, 1.0))


def _long(rng: random.Random) -> float:
    return DAY * math.exp(rng.gauss(0.0, 0.7))


def _gaps(rng: random.Random, n: int, fast: float | None, q: float = 0.6):
    """(class, three gaps) per case: with `fast`, a case runs straight through with that
    probability (every gap short), else every gap is long; without, each gap is short
    with probability `q` on its own."""
    out = []
    for _ in range(n):
        if fast is not None:
            kind = AT_ONCE if rng.random() < fast else WAITS
            draw = _short if kind == AT_ONCE else _long
            out.append((kind, [draw(rng) for _ in STEPS[1:]]))
        else:
            out.append(("", [_short(rng) if rng.random() < q else _long(rng) for _ in STEPS[1:]]))
    return out


def _cases(gaps, persona: str = "") -> list[Case]:
    """The same cases built in memory (minutes since 1970; 2024-01-01 is day 19723)."""
    out = []
    for i, (_, steps) in enumerate(gaps):
        t, visits = 19723 * DAY + i * 60.0, []
        for step, gap in zip(STEPS, [0.0, *steps], strict=True):
            t += gap
            visits.append(Visit(step, None, t))
        out.append(Case(f"c{i}", f"c{i}", persona, visits))
    return out


def _write(path: Path, cases) -> Path:
    """A CSV log: a case starts every hour from 2024-01-01 (UTC)."""
    base = datetime(2024, 1, 1, tzinfo=UTC)
    rows = ["case,activity,timestamp"]
    for i, (_, gaps) in enumerate(cases):
        t = base + timedelta(hours=i)
        rows.append(f"c{i},{STEPS[0]},{t.isoformat()}")
        for step, gap in zip(STEPS[1:], gaps, strict=True):
            t += timedelta(minutes=gap)
            rows.append(f"c{i},{step},{t.isoformat()}")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_the_valley_lies_between_minutes_and_days():
    """Equal numbers of gaps around 1 minute and around 1 day (sigmas 1 and 0.7 in
    natural logs): the least populated quarter-decade lies between them, near their
    geometric mean of 38 minutes, far from either mode."""
    rng = random.Random(1)
    gaps = [_short(rng) for _ in range(500)] + [_long(rng) for _ in range(500)]
    threshold = valley(gaps)
    assert threshold is not None and 10 <= threshold <= 150


def test_a_log_of_one_pace_has_no_valley():
    rng = random.Random(2)
    assert valley([_long(rng) for _ in range(1000)]) is None


def test_a_known_pace_split_is_recovered(tmp_path):
    """600 cases, 60% running straight through: the classes are the generated ones (a
    waiting case has all three gaps under the valley with a chance below 1e-6), the
    share of `at_once` lies within the binomial 95% interval of 60% (+-3.9 points), and
    each class's mean delay on every edge holds its generating mean (1.65 minutes for
    those that run through, 1.28 days for those that wait) within its 95% interval."""
    cases = _gaps(random.Random(3), 600, fast=0.6)
    log = read_log(str(_write(tmp_path / "paced.csv", cases)))
    split = pace_split(log.cases)
    assert split is not None
    assert [split.classes[f"c{i}"] for i in range(600)] == [k for k, _ in cases]
    assert split.observed - split.expected > 3 * split.sd
    found = discover(log)
    journey = load("found.journey", data=found.source.encode()).journey
    shares = {p.id: p.share for p in journey.personas}
    assert set(shares) == {AT_ONCE, WAITS}
    assert abs(shares[AT_ONCE] - 0.6) <= 1.96 * math.sqrt(0.6 * 0.4 / 600)
    ids = [found.touchpoints[s] for s in STEPS]
    for a, b in itertools.pairwise(ids):
        _, low, high = found.intervals[("edge", a, b, "after")]  # everyone's: the waiting
        assert low <= LONG_MEAN <= high, (a, b)
        _, low, high = found.intervals[("edge", a, b, "after", AT_ONCE)]
        assert low <= SHORT_MEAN <= high, (a, b)
    own = [e for e in journey.flow if e.persona]
    assert own and all(e.persona == AT_ONCE and e.after.mean < 10 for e in own)  # type: ignore[union-attr]


def test_a_discovered_split_reproduces_the_median_and_the_mean(tmp_path):
    """The map of the paced log, simulated (the benchmark's protocol: past the horizon by
    the longest case, cases that start in the log's window): the median case duration
    (minutes: 60% of cases run through) and the mean (days: 40% wait about 3.8 days)
    within 25% and 15% of the log's. One log-normal per edge for everyone puts the median
    at hours: the classes are what make both hold."""
    cases = _gaps(random.Random(3), 600, fast=0.6)
    log = read_log(str(_write(tmp_path / "paced.csv", cases)))
    found = discover(log)
    journey = load("found.journey", data=found.source.encode()).journey
    durations = [c.finish - c.start for c in log.cases]
    window = 600 * 60.0
    journey = replace(journey, horizon=window + max(durations))
    events = tmp_path / "events.csv"
    simulate(journey, RunSpec(seed=1, replications=1), events=str(events))
    simulated = [c.finish - c.start for c in read_log(str(events)).cases if c.start < window]
    assert len(simulated) > 400
    median, simulated_median = statistics.median(durations), statistics.median(simulated)
    assert abs(simulated_median / median - 1) <= 0.25, (median, simulated_median)
    mean, simulated_mean = statistics.fmean(durations), statistics.fmean(simulated)
    assert abs(simulated_mean / mean - 1) <= 0.15, (mean, simulated_mean)


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.3, 0.9))
def test_independent_gaps_are_not_split(seed, q):
    """Each gap short with probability q on its own: the number of cases all short is a
    Poisson binomial around its independence mean; a split needs 3 standard deviations
    and 5 points more (under 0.2% by chance)."""
    cases = _cases(_gaps(random.Random(seed), 300, fast=None, q=q))
    assert pace_split(cases) is None


def test_a_log_without_a_split_gives_the_map_without_classes(tmp_path, monkeypatch):
    """Independent gaps: one persona for everyone, no `for` line, and the same file as
    with the search for classes switched off."""
    log = read_log(str(_write(tmp_path / "even.csv", _gaps(random.Random(5), 400, None))))
    found = discover(log)
    assert "persona customers" in found.source and " for " not in found.source
    monkeypatch.setattr(discover_module, "pace_split", lambda cases: None)
    assert discover(log).source == found.source


def test_a_lognormal_delay_is_no_wider_than_its_data():
    """Half the delays within a minute, half days later: the log-normal keeps the data's
    mean, and its standard deviation is the data's, not the years that pinning the mean
    to the median of the logs gives (whose mean a simulation of a thousand draws reaches
    only half the time)."""
    rng = random.Random(6)
    xs = [rng.uniform(0.1, 1.0) if rng.random() < 0.5 else _long(rng) for _ in range(1000)]
    fit = fit_durations(xs)
    assert fit is not None and fit.family == "lognormal"
    mean = statistics.fmean(xs)
    assert math.isclose(fit.params[0], mean, rel_tol=1e-9)
    assert fit.params[1] <= statistics.stdev(xs) * (1 + 1e-9)


def test_discover_on_the_command_line_writes_a_map_that_checks(tmp_path):
    log = _write(tmp_path / "paced.csv", _gaps(random.Random(7), 300, fast=0.5))
    done = run_cli("discover", str(log), "-o", "found.journey", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    text = (tmp_path / "found.journey").read_text()
    assert 'persona at_once "Cases that run straight through"' in text
    assert 'persona waits "Cases that wait"' in text
    checked = run_cli("check", "found.journey", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()


def test_steps_minutes_apart_are_not_a_timer():
    """Delays of 10 s to 40 minutes, most under a minute (a clerk's steps in one
    sitting): all within an hour of 1 minute, yet no rule; the hour's slack is for
    timers of a day or more (a clock change), so these get a family by likelihood."""
    rng = random.Random(8)
    xs = [rng.uniform(0.2, 1.0) if rng.random() < 0.7 else rng.uniform(1, 40) for _ in range(200)]
    delay = fit_delay(xs)
    assert delay is not None and not delay.distribution.is_constant
    assert "timer" not in delay.comment


def test_a_log_with_personas_or_repeat_customers_is_not_split():
    """A class is a case's, a persona a customer's: a log that names its personas, or
    whose customers have several cases, keeps them as they are, however its gaps split."""
    paced = _gaps(random.Random(9), 300, fast=0.6)
    assert pace_split(_cases(paced)) is not None
    named = Log("named.csv", _cases(paced, persona="Business"))
    assert "for at_once" not in discover(named).source
    repeat = [replace(c, customer=f"k{i // 2}") for i, c in enumerate(_cases(paced))]
    assert "for at_once" not in discover(Log("repeat.csv", repeat)).source
    assert "for at_once" in discover(Log("paced.csv", _cases(paced))).source
