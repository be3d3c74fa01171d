"""The run-size estimate: known answers of the absorbing chain, and its bounds."""

from __future__ import annotations

import math

import pytest

from cxjourney import load
from cxjourney.graph import absorbing_chain
from cxjourney.sim import budget
from tests.conftest import JOURNEYS, load_text

LOOP = """\
journey "Loop" {{
  customers 100
  horizon 10 days
  persona p {{
    share 100%
    visits every 2 days
  }}
  stage s {{
    touchpoint a {{ }}
    touchpoint b {{ }}
  }}
  flow {{
    start -> a
    a -> b
    b -> a {loop}%
    b -> end
  }}
}}
"""


@pytest.mark.parametrize("path", sorted(JOURNEYS.glob("*.journey")), ids=lambda p: p.stem)
def test_expected_visits_match_the_fundamental_matrix(path) -> None:
    loaded = load(str(path))
    for persona in loaded.journey.personas:
        chain = sum(absorbing_chain(loaded.graph, persona.id)["visits"].values())
        assert budget.expected_visits(loaded.graph, persona.id) == pytest.approx(chain)


def test_a_large_loop_is_summed_step_by_step_to_the_same_answer(monkeypatch) -> None:
    loaded = load_text(LOOP.format(loop=90))
    dense = budget.expected_visits(loaded.graph, "p")
    assert dense == pytest.approx(2 / (1 - 0.9))  # a and b, each 1 / (1 - 0.9) times
    monkeypatch.setattr(budget, "_DENSE", 1)
    assert budget.expected_visits(loaded.graph, "p") == pytest.approx(dense, rel=1e-6)


def test_journeys_and_customers_follow_the_model() -> None:
    size = budget.size(load_text(LOOP.format(loop=50)).journey)
    # 100 customers, each a first journey and one every 2 days for 10 days (no churn),
    # referral growth of 2% a month on top
    growth = 0.02 / 30
    assert size.customers == pytest.approx(100 * math.exp(growth * 10))
    assert size.journeys == pytest.approx(
        size.customers + 100 * math.expm1(growth * 10) / growth / 2
    )
    assert size.visits == pytest.approx(size.journeys * 4)  # a, b twice on average


def test_unbounded_growth_is_refused() -> None:
    text = LOOP.format(loop=50).replace("horizon 10 days", "horizon 1000 years")
    text = text.replace("  persona p {", "  loyalty {\n    referral 100%\n  }\n  persona p {")
    size = budget.run_size([load_text(text).journey], 1, 1)
    assert math.isinf(size.per_run.customers)
    assert "customers" in (size.problem() or "")
