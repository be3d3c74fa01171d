"""Durations in the unit a person reads: boundaries, rounding, the interval form."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cxjourney.render.duration import (
    DAY,
    HOUR,
    UNITS,
    WEEK,
    busy_hour,
    duration,
    duration_interval,
    horizon,
    spelled,
)

LENGTH = {name: length for name, length, _ in UNITS}
ORDER = [name for name, _, _ in UNITS]


def parse(text: str) -> tuple[float, str]:
    """ "−3.2 days" → (-3.2, "days")."""
    number, unit = text.split(" ")
    return float(number.replace("−", "-").replace(",", "")), unit


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 s"),
        (0.5 / 60, "0.5 s"),
        (0.75, "45 s"),
        (59.4 / 60, "59 s"),
        (59.97 / 60, "1.0 min"),  # 60 s is written as a minute, never "60 s"
        (1, "1.0 min"),
        (4.5, "4.5 min"),
        (9.96, "10 min"),  # one decimal below 10, none from 10 on
        (12, "12 min"),
        (59.4, "59 min"),
        (59.6, "1.0 h"),
        (90, "1.5 h"),
        (3.2 * HOUR, "3.2 h"),
        (36 * HOUR, "36 h"),  # hours up to two days
        (47.6 * HOUR, "2.0 days"),
        (2 * DAY, "2.0 days"),
        (4608, "3.2 days"),  # not 4,608 min
        (13 * DAY, "13 days"),  # days up to two weeks
        (13.96 * DAY, "2.0 weeks"),
        (2 * WEEK, "2.0 weeks"),
        (5.1 * WEEK, "5.1 weeks"),
        (26 * WEEK, "26 weeks"),
        (520 * WEEK, "520 weeks"),  # weeks are the largest unit
        (-3024, "−2.1 days"),
        (None, "–"),
        (math.nan, "–"),
    ],
)
def test_duration_boundaries(minutes, text):
    assert duration(minutes) == text


def test_signed_durations_carry_a_sign_and_a_true_minus():
    assert duration(3024, signed=True) == "+2.1 days"
    assert duration(-3024, signed=True) == "−2.1 days"
    assert duration(0, signed=True) == "+0 s"
    assert duration(-1e-9, signed=True) == "+0.0 s"  # a rounded zero has no minus


@given(st.floats(min_value=1e-6, max_value=1e8, allow_nan=False))
def test_printed_value_times_its_unit_is_the_input_within_rounding(minutes):
    number, unit = parse(duration(minutes))
    places = len(duration(minutes).split(" ")[0].partition(".")[2])
    half_step = 0.5 * 10**-places * LENGTH[unit]
    assert abs(number * LENGTH[unit] - minutes) <= half_step * (1 + 1e-9) + 1e-9 * minutes
    # at most three significant digits are shown, and at least two once past 1 s
    assert number < 10 or places == 0 or unit == "s"


@given(
    st.floats(min_value=1e-6, max_value=1e8, allow_nan=False),
    st.floats(min_value=1e-6, max_value=1e8, allow_nan=False),
)
def test_the_unit_never_gets_smaller_as_the_duration_grows(a, b):
    small, large = sorted((a, b))
    assert ORDER.index(parse(duration(small))[1]) <= ORDER.index(parse(duration(large))[1])


@given(st.floats(min_value=-1e8, max_value=1e8, allow_nan=False))
def test_a_negative_duration_reads_as_its_magnitude_with_a_minus(minutes):
    text = duration(-abs(minutes))
    magnitude = duration(abs(minutes))
    assert text == magnitude or text == "−" + magnitude


@pytest.mark.parametrize(
    ("value", "signed", "text"),
    [
        ({"mean": 4608, "low": 4176, "high": 5040}, False, "3.2 days [2.9, 3.5]"),
        ({"mean": -3024, "low": -3456, "high": -2592}, True, "−2.1 days [−2.4, −1.8]"),
        ({"mean": 55, "low": 50, "high": 65}, False, "55 min [50, 65]"),
        # bounds that would print the same get a decimal more
        (
            {"mean": 12 * DAY, "low": 11.9 * DAY, "high": 12.1 * DAY},
            False,
            "12.0 days [11.9, 12.1]",
        ),
        # a change near zero whose interval spans days is shown in days
        ({"mean": 2, "low": -2 * DAY, "high": 2 * DAY}, True, "+0.0 days [−2.0, +2.0]"),
        # a mean that is not zero is not printed as zero
        ({"mean": -20, "low": -900, "high": 860}, True, "−0.3 h [−15.0, +14.3]"),
        ({"mean": 4608, "low": None, "high": None}, False, "3.2 days"),  # one replication
        ({"mean": 4608, "low": 4608, "high": 4608}, False, "3.2 days"),
        ({"mean": None, "low": None, "high": None}, False, "–"),
        (None, False, "–"),
    ],
)
def test_interval_form_writes_the_unit_once(value, signed, text):
    assert duration_interval(value, signed=signed) == text


@given(
    st.floats(min_value=1e-3, max_value=1e7, allow_nan=False),
    st.floats(min_value=0.0, max_value=1e7, allow_nan=False),
)
def test_interval_bounds_contain_the_mean_as_printed(mean, half):
    text = duration_interval({"mean": mean, "low": mean - half, "high": mean + half})
    if "[" not in text:
        return
    head, bounds = text.split(" [")
    number, unit = parse(head)
    low, high = (float(b.replace("−", "-").replace(",", "")) for b in bounds[:-1].split(", "))
    assert unit in LENGTH
    assert low <= number <= high


@pytest.mark.parametrize(
    ("days", "text"),
    [(182, "26 weeks"), (360, "12 months"), (365, "1 year"), (14, "2 weeks"), (3, "3 days")],
)
def test_a_written_horizon_reads_as_a_file_writes_it(days, text):
    assert spelled(days * DAY, horizon=True) == text
    assert horizon(days, written=days * DAY) == text


def test_a_run_horizon_without_the_file_reads_as_the_results_write_it():
    assert horizon(365) == "365 days"
    assert horizon(14) == "14 days"
    assert horizon(1) == "1 day"
    assert horizon(0.5) == "12 h"
    assert horizon(28, written=365 * DAY) == "28 days"  # a shorter run than the file's


def test_written_values_are_exact():
    assert spelled(8) == "8 min"
    assert spelled(1.5) == "90 s"
    assert spelled(5 * DAY) == "5 days"
    assert spelled(30 * DAY) == "30 days"  # a month only for a horizon
    assert spelled(2.4 * DAY) == "2.4 days"  # not a whole number of anything


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Mon 9:00", "Mon 9:00"),
        (9.0, "Mon 9:00"),  # the simulator's hour of the week
        (24 + 10, "Tue 10:00"),
        (167, "Sun 23:00"),
        (540.0, "Mon 9:00"),  # minutes after Monday 0:00
        (DAY + 570, "Tue 9:30"),
        (None, "–"),
        (math.inf, "–"),
    ],
)
def test_busy_hour(value, text):
    assert busy_hour(value) == text
