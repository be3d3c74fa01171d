"""Small journeys whose answers are known by construction, and a quick coffee."""

from __future__ import annotations

from dataclasses import replace

from cxjourney import load
from cxjourney.model import Journey
from tests.conftest import SPEC_EXAMPLES, load_text

WEEK = 7 * 24 * 60.0


def journey(text: str) -> Journey:
    loaded = load_text(text)
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    assert loaded.journey is not None
    return loaded.journey


def coffee(customers: int = 300) -> Journey:
    """The spec's coffee chain, smaller: the same mechanics, quickly (use a short horizon)."""
    loaded = load(str(SPEC_EXAMPLES / "coffee.journey"))
    assert loaded.journey is not None
    return replace(loaded.journey, customers=customers)


# One journey per customer, at time 0, and one touchpoint where delivery meets the
# expectation exactly: a moment is just the value of its delighters and disappointers.
# A removes a loss of 1 point (40% of journeys); B adds a gain of 1 point (60%). Loss
# aversion decides: B wins when losses weigh 1.3 times gains, A when they weigh 2.25.
LOSS_AVERSION = """
journey "Loss aversion decides" {
  customers 3000
  persona p {
    share 100%
  }
  stage s {
    touchpoint t {
      disappointer loss "A small loss" chance 40% impact -1
    }
  }
  scenario remove_loss "Fix first: remove the loss" {
    cost 10k
    remove t.loss
  }
  scenario add_gain "Create a moment: add a gain" {
    cost 10k
    add delighter t.gain "A small gain" chance 60% impact +1
  }
}
"""

# Three touchpoints in a row, one journey each; scenarios of known direction and size.
SHOP = """
journey "Shop" {
  customers 1500
  persona p {
    share 100%
  }
  stage s {
    touchpoint a {
      owner "Operations"
      disappointer broken "Broken item" chance 30% impact -2
    }
    touchpoint b {
      owner "Operations"
    }
    touchpoint c {
      owner "Marketing"
      delighter gift "A gift" chance 20% impact +1
    }
  }
  scenario big "Fix a properly" {
    cost 50k
    a.delivers += 1.5
  }
  scenario small_b "Polish b" {
    cost 30k
    b.delivers += 0.3
  }
  scenario small_c "Polish c" {
    cost 30k
    c.delivers += 0.8
  }
  scenario bad "Cut corners at a" {
    cost 10k
    a.delivers -= 1
  }
  scenario nothing "A placeholder" {
    cost 0
  }
}
"""
