"""Routing against the absorbing Markov chain of the flow graph.

With Q the transient block of the transition matrix and R the absorbing one, the
fundamental matrix N = (I - Q)^-1 gives the expected visits per journey and N R the
completion and exit shares (Kemeny & Snell 1960). Computed here with numpy from the
flow's probabilities, independently of the package's routing code.
"""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from cxjourney import graph
from cxjourney.sim.experiment import RunSpec, baseline_runs
from tests.conftest import load_text

JOURNEY = """
journey "Support loop" {
  horizon 1 day
  customers 20000
  persona digital {
    share 60%
  }
  persona classic {
    share 40%
  }
  stage s {
    touchpoint issue { }
    touchpoint chat { }
    touchpoint call { }
    touchpoint fixed { }
  }
  flow {
    issue -> chat 60%
    issue -> call
    issue -> chat 80% for digital
    chat -> fixed 50%
    chat -> call 30%
    chat -> exit
    call -> call 20%
    call -> fixed 60%
    call -> exit
    fixed -> end
  }
}
"""

NODES = ["issue", "chat", "call", "fixed"]


def transient_matrix(persona: str) -> tuple[np.ndarray, np.ndarray]:
    issue_chat = 0.8 if persona == "digital" else 0.6
    q = np.array(
        [
            [0, issue_chat, 1 - issue_chat, 0],
            [0, 0, 0.3, 0.5],
            [0, 0, 0.2, 0.6],
            [0, 0, 0, 0],
        ]
    )
    r = np.array([[0, 0], [0, 0.2], [0, 0.2], [1, 0]])  # columns: end, exit
    return q, r


def expected(persona: str) -> tuple[np.ndarray, float]:
    q, r = transient_matrix(persona)
    n = np.linalg.inv(np.eye(4) - q)
    return n[0], float((n @ r)[0, 0])


@pytest.mark.parametrize("engine", ["simpy", "batch"])
def test_simulated_routing_matches_the_chain(engine: str) -> None:
    loaded = load_text(JOURNEY)
    assert loaded.ok, loaded.diagnostics
    runs = baseline_runs(loaded.journey, RunSpec(seed=2, replications=6, engine=engine))
    visits_0, completion_0 = expected("digital")
    visits_1, completion_1 = expected("classic")
    mix_visits = 0.6 * visits_0 + 0.4 * visits_1
    mix_completion = 0.6 * completion_0 + 0.4 * completion_1
    completions = [r["metrics"]["completion"] for r in runs]
    se = statistics.stdev(completions) / math.sqrt(len(runs))
    assert abs(statistics.fmean(completions) - mix_completion) < 3 * se + 1e-3
    for i, tp in enumerate(NODES):
        per_journey = [r["touchpoints"][tp]["visits"] / r["metrics"]["journeys"] for r in runs]
        se = statistics.stdev(per_journey) / math.sqrt(len(runs))
        assert abs(statistics.fmean(per_journey) - mix_visits[i]) < 3 * se + 1e-3, tp


def test_graph_helper_agrees_with_the_chain() -> None:
    g = load_text(JOURNEY).graph
    for persona in ("digital", "classic"):
        chain = graph.absorbing_chain(g, persona)
        visits, completion = expected(persona)
        assert chain["completion"] == pytest.approx(completion)
        assert [chain["visits"][t] for t in NODES] == pytest.approx(list(visits))


def test_persona_split_keeps_proportions() -> None:
    # coffee: ad -> counter 70%, ad -> app 30%; commuters take the app 55%, the counter 45%
    from cxjourney import load
    from tests.conftest import SPEC_EXAMPLES

    g = load(str(SPEC_EXAMPLES / "coffee.journey")).graph
    assert g.edges["ad", "app"]["probability"] == pytest.approx(0.3)
    assert g.edges["ad", "app"]["personas"]["commuter"] == pytest.approx(0.55)
    assert g.edges["ad", "counter"]["personas"]["commuter"] == pytest.approx(0.45)
    assert g.edges["ad", "counter"]["personas"]["bargain"] == pytest.approx(0.7)
    assert set(g.nodes) == {"start", "end", "exit", "ad", "counter", "app", "pickup", "drink"}
