"""The time constructs, parsed and built: windows of the week, busy densities, shifts,
delays before and during a step, edge delays, repeat starts, and scenario changes of
them; and the errors a mistyped window gets."""

from __future__ import annotations

import pytest

from cxjourney.language.scenarios import apply
from cxjourney.model import DAY_MINUTES, SLOTS
from tests.conftest import errors, load_text

JOURNEY = """
journey "Times" {
  persona p {
    share 100%
    visits every 30 days from bill
    arrivals 10 per day
    busy {busy}
  }
  stage s {
    touchpoint order {
      expect 3
    }
    touchpoint install {
      after lognormal(5 days, 2 days)
      takes 2 h
      capacity 2
      capacity 6 mon-fri 8:00-18:00
      capacity 0 sun
      service exp(20 min)
    }
    touchpoint bill {
      expect 3
    }
  }
  flow {
    start -> order
    order -> install after exp(4 h)
    install -> bill
    bill -> end 80%
    bill -> install 20% after 3 days
    bill -> end 70% for p
    bill -> install 30% after 2 days for p
  }
  scenario quicker {
    cost 10k
    install.after *= 0.5
    install.takes = 1 h
    install.capacity += 2 mon-fri 9:00-12:00
  }
}
"""


def journey_with(busy: str = "mon-fri 9:00-12:00 3x"):
    loaded = load_text(JOURNEY.replace("{busy}", busy))
    assert loaded.ok, [(d.line, d.message) for d in loaded.diagnostics]
    return loaded.journey


def test_delays_shifts_and_repeat_starts_are_built() -> None:
    journey = journey_with()
    install = journey.touchpoint("install")
    assert install.after.kind == "lognormal" and install.after.params == (7200.0, 2880.0)
    assert install.takes.is_constant and install.takes.mean == 120.0
    staffing = install.staffing()
    assert len(staffing) == SLOTS
    monday_9 = 9 * 4
    assert staffing[monday_9] == 6 and staffing[0] == 2  # Monday 0:00: the base
    assert staffing[6 * 96 + 40] == 0  # Sunday 10:00: closed
    persona = journey.personas[0]
    assert persona.repeat_from == "bill" and persona.visit_gap == 30 * DAY_MINUTES
    edges = {(e.source, e.target): e for e in journey.flow if e.persona is None}
    own = [e for e in journey.flow if e.persona == "p" and e.target == "install"]
    assert own[0].after.mean == 2 * DAY_MINUTES and own[0].probability == 0.3
    assert edges[("order", "install")].after.mean == 240.0
    back = edges[("bill", "install")]
    assert back.after.mean == 3 * DAY_MINUTES and back.probability == 0.2


def test_a_busy_profile_keeps_the_weekly_total() -> None:
    """3x over 15 of the week's 168 hours, 1x elsewhere: the mean weight is 1, and the
    window's weight is 3 / ((15 * 3 + 153) / 168) = 2.545."""
    profile = journey_with().personas[0].arrival_profile()
    assert sum(profile) / SLOTS == pytest.approx(1.0)
    assert profile[9 * 4] == pytest.approx(3 * 168 / (15 * 3 + 153))
    assert profile[0] == pytest.approx(168 / (15 * 3 + 153))


@pytest.mark.parametrize(
    ("busy", "hours"),
    [
        ("weekdays 3x", 5 * 24),
        ("weekends 3x", 2 * 24),
        ("daily 22:00-6:00 3x", 7 * 8),  # past midnight: belongs to the day it starts
        ("mon, wed, fri 3x", 3 * 24),
        ("sat-mon 3x", 3 * 24),  # a range that wraps the week
        ("9:00-17:00 3x", 7 * 8),  # hours alone: every day
    ],
)
def test_windows_cover_the_hours_they_say(busy: str, hours: int) -> None:
    profile = journey_with(busy).personas[0].arrival_profile()
    high = max(profile)
    assert sum(1 for w in profile if w == high) == hours * 4


def test_scenario_changes_of_delays_and_windowed_capacity() -> None:
    journey = journey_with()
    changed = apply(journey, journey.scenarios[0])
    install = changed.touchpoint("install")
    assert install.after.mean == pytest.approx(3600.0)
    assert install.takes.mean == 60.0
    staffing = install.staffing()
    assert staffing[9 * 4] == 8 and staffing[13 * 4] == 6 and staffing[0] == 2


@pytest.mark.parametrize(
    ("busy", "words"),
    [
        ("mon-fri 9:10-12:00 3x", "quarter"),
        ("mon-fri 9:00-25:00 3x", "25:00"),
        ("mno-fri 3x", "mno"),
        ("mon-fri 9:00-12:00 -1x", "negative"),
        ("daily 0x", "no time of the week"),
    ],
)
def test_a_mistyped_window_or_density_is_an_error_at_its_line(busy: str, words: str) -> None:
    found = errors(JOURNEY.replace("{busy}", busy))
    assert found, busy
    line, _, message = found[0]
    assert line == 6, found
    assert words in message, found
