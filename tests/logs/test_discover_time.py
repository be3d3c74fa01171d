"""Time and arrivals as discovery reads them: timers, delays that mix "at once" with
"weeks later", the window in which cases start, the week's profile, no referrals."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from cxjourney.logs.arrivals import start_window, weekly_profile
from cxjourney.logs.delays import fit_delay
from cxjourney.logs.discover import discover
from cxjourney.logs.fit import fit_durations
from cxjourney.logs.read import read_log
from cxjourney.model import DAY_MINUTES

DAY = 1440.0


def test_a_delay_that_is_nearly_always_the_same_is_a_timer():
    """Fifty penalties 60 days after the notice, ten of them an hour late (a clock
    change): a rule, written as the constant 60 days, not a distribution."""
    gaps = [60 * DAY] * 40 + [60 * DAY + 60] * 10
    delay = fit_delay(gaps)
    assert delay is not None
    assert delay.distribution.is_constant and delay.distribution.mean == 60 * DAY
    assert "timer" in delay.comment


def test_delays_spread_evenly_are_not_a_timer():
    """2, 4, 6 and 8 days, a quarter each: no value holds 80% of them."""
    delay = fit_delay([DAY * (2 + 2 * (i % 4)) for i in range(40)])
    assert delay is not None and not delay.distribution.is_constant
    assert abs(delay.mean - 5 * DAY) < 1e-6


def test_steps_that_follow_at_once_get_no_delay():
    assert fit_delay([0.0, 0.2, 0.1, 0.0, 0.3]) is None


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.05, 0.9))
def test_a_lognormal_keeps_the_data_mean_on_delays_that_mix_now_and_later(seed, share_now):
    """A share of delays within a minute, the rest days later: the maximum-likelihood
    log-normal's mean exp(mu + s^2/2) is many times the data's (the logs spread over
    ten orders of magnitude), which stretched simulated cases by as much. The written
    log-normal has the data's mean exactly, whatever the mix."""
    rng = random.Random(seed)
    xs = [rng.uniform(0.01, 1.0) if rng.random() < share_now else rng.expovariate(1 / (3 * DAY))
          for _ in range(200)]  # fmt: skip
    fit = fit_durations(xs)
    assert fit is not None
    mean = sum(xs) / len(xs)
    if fit.family == "lognormal":
        assert math.isclose(fit.params[0], mean, rel_tol=1e-9)
    assert math.isclose(fit.mean, mean, rel_tol=1e-9)


def test_lognormal_data_are_recovered():
    """Log-normal delays (median 1 day, sigma 0.8: mean e^0.32 days): the family is
    chosen by likelihood and its mean lies within 10% of the truth at n = 2,000."""
    rng = random.Random(4)
    xs = [DAY * math.exp(rng.gauss(0, 0.8)) for _ in range(2000)]
    fit = fit_durations(xs)
    assert fit is not None and fit.family == "lognormal"
    assert abs(fit.params[0] / (DAY * math.exp(0.32)) - 1) < 0.1


def test_the_start_window_leaves_out_the_tail():
    """Starts at 0, 10, ..., 90 minutes: ten starts, nine gaps of 10, so the window is
    100 minutes (the rate 1 per 10 minutes), however long the last case then runs."""
    assert start_window([10.0 * i for i in range(10)]) == 100.0


def _office_hours(n: int, seed: int = 1) -> list[float]:
    """Starts on weekdays 9:00-17:00 only, over 30 weeks from Monday 2024-01-01."""
    rng = random.Random(seed)
    monday = 19723 * DAY_MINUTES  # 2024-01-01, days since 1970-01-01 (a Thursday)
    out = []
    while len(out) < n:
        day = rng.randrange(210)
        if (day % 7) < 5:
            out.append(monday + day * DAY_MINUTES + rng.uniform(9 * 60, 17 * 60))
    return out


def test_office_hours_become_busy_lines():
    """Starts only on weekdays from 9 to 17: the night and the weekend are written as
    0x, and the office hours above 1x (their density is 168/40 = 4.2 times a flat
    week's, written to a half)."""
    busy, comment = weekly_profile(_office_hours(2000))
    assert "day of the week" in comment and "hour of the day" in comment
    night = [s for s in busy if s.window.start == 0 and s.window.days == (0, 1, 2, 3, 4)]
    assert night and night[0].value == 0
    weekend = [s for s in busy if s.window.days == (5, 6)]
    assert weekend and all(s.value == 0 for s in weekend)
    day = [s for s in busy if s.window.days == (0, 1, 2, 3, 4) and s.window.start >= 9 * 60
           and s.window.end <= 17 * 60]  # fmt: skip
    assert day and all(3.5 <= s.value <= 5 for s in day)


def test_dates_without_times_have_no_hour_profile():
    """Every start at midnight (a log of dates): no hour of the day is busier."""
    starts = [19723 * DAY_MINUTES + (i % 300) * DAY_MINUTES for i in range(400)]
    busy, comment = weekly_profile(starts)
    assert "dates only" in comment
    assert not any(s.window.start != 0 or s.window.end != DAY_MINUTES for s in busy)


def test_flat_arrivals_have_no_profile():
    rng = random.Random(2)
    busy, comment = weekly_profile([rng.uniform(0, 200 * DAY_MINUTES) for _ in range(3000)])
    assert busy == () and "no profile" in comment


def test_a_discovered_map_has_no_referrals_and_time_on_its_edges(tmp_path):
    """A log of forty cases, a letter exactly 14 days after each order: the edge carries
    the timer `after 2 weeks`, and the map turns the model's default referrals off (a log
    shows none), saying so."""
    rows = ["case,activity,timestamp"]
    for i in range(40):
        order = 1440.0 * 7 * i + 600
        for activity, at in (("Order", order), ("Letter", order + 14 * DAY)):
            rows.append(f"{i},{activity},{_stamp(at)}")
    path = tmp_path / "letters.csv"
    path.write_text("\n".join(rows) + "\n")
    found = discover(read_log(str(path)))
    assert "referral 0% per month  # a log shows no customer brought by another" in found.source
    assert "order -> letter 100% after 2 weeks" in found.source
    assert "a timer: 40 of 40 delays" in found.source


def _stamp(minutes: float) -> str:
    from datetime import datetime, timedelta

    return (datetime(2024, 1, 1) + timedelta(minutes=minutes)).isoformat()


def test_customers_from_an_event_attribute_make_a_lifecycle(tmp_path):
    """An XES log whose traces name no customer but whose events do: four customers, a
    case every 10 days each (a step at once, then one an hour later). Their repeat cases
    become `visits every`, counted from the end of one case to the next start: 10 days
    less the hour a case lasts."""
    traces = []
    for who in ("ann", "bob", "cy", "di"):
        for k in range(6):
            day = datetime(2024, 1, 1) + timedelta(days=10 * k)
            events = "".join(
                f'<event><string key="concept:name" value="{a}"/>'
                f'<string key="customer" value="{who}"/>'
                '<date key="time:timestamp" value="'
                f'{day + timedelta(hours=10 + h):%Y-%m-%dT%H:%M}Z"/></event>'
                for a, h in (("order", 0), ("pay", 1))
            )
            traces.append(f'<trace><string key="concept:name" value="{who}{k}"/>{events}</trace>')
    path = tmp_path / "log.xes"
    path.write_text('<?xml version="1.0"?>\n<log>' + "".join(traces) + "</log>\n")
    log = read_log(str(path))
    assert {c.customer for c in log.cases} == {"ann", "bob", "cy", "di"}
    found = discover(log)
    assert "20 repeat cases of 4 customers" in found.source
    gap, low, high = found.intervals[("persona", "customers", "visits")]
    assert low <= gap <= high and gap > 5 * DAY
