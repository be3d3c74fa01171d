"""The memory a run needs is estimated before it starts, and a run that cannot fit is
refused (exit 2) rather than failing with a MemoryError after the wait."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cxjourney.cli import main
from cxjourney.language.printer import print_journey
from cxjourney.model import Distribution, Edge, Journey, Persona, Stage, Touchpoint
from cxjourney.sim import budget
from cxjourney.sim.experiment import RunRefused, RunSpec, admit, simulate

GB = 1e9


def wide(touchpoints: int, customers: float, *, queued: bool = True) -> Journey:
    """A map whose start leads to every touchpoint: the shape of a discovered map of many
    activities (queued: the SimPy engine, which keeps a row of visits per customer)."""
    ids = [f"t{i}" for i in range(touchpoints)]
    share = 1 / touchpoints
    tps = tuple(
        Touchpoint(
            t,
            t,
            "s",
            capacity=5.0 if queued and i == 0 else None,
            service=Distribution("exp", (1.0,)) if queued and i == 0 else None,
        )
        for i, t in enumerate(ids)
    )
    flow = tuple(Edge("start", t, share) for t in ids) + tuple(Edge(t, "end", 1.0) for t in ids)
    return Journey(
        "Wide",
        horizon=1440.0,
        customers=customers,
        personas=(Persona("p", "P", share=1.0),),
        stages=(Stage("s", "S", tuple(ids)),),
        touchpoints=tps,
        flow=flow,
    )


def test_memory_grows_with_customers_times_touchpoints_and_the_routing_rows():
    small = budget.size(wide(100, 10_000))
    assert small.degree == 100 and small.queued
    more_touchpoints = budget.size(wide(1000, 10_000))
    # every SimPy customer holds a slot per touchpoint; every routing row is as wide
    # as the widest node, so the tables grow with the square of the touchpoints
    assert more_touchpoints.memory - small.memory > 10_000 * 900 * budget.SIMPY_VISIT_BYTES
    assert more_touchpoints.memory > 1000 * 1000 * budget.ROUTE_BYTES
    batched = budget.size(wide(1000, 10_000, queued=False))
    assert batched.memory < more_touchpoints.memory


def test_a_run_that_cannot_fit_is_refused_even_with_allow_long(monkeypatch):
    monkeypatch.setattr(budget, "memory_limit", lambda: 8 * GB)
    journey = wide(5000, 1_000_000)  # 1,000,000 customers x 5,000 touchpoints: ~82 GB
    assert budget.run_size([journey], 1, 1).memory > 40 * GB
    for allow_long in (False, True):
        with pytest.raises(RunRefused, match=r"too large: .* GB of memory"):
            admit(RunSpec(allow_long=allow_long, replications=1), [journey], 1)
    with pytest.raises(RunRefused, match="fewer customers"):
        simulate(journey, RunSpec(allow_long=True, replications=1))


def test_workers_each_hold_a_replication(monkeypatch):
    journey = wide(2000, 300_000)  # about 10 GB a replication
    one = budget.run_size([journey], 4, 1).memory
    assert budget.run_size([journey], 4, 4).memory > 3.5 * one
    monkeypatch.setattr(budget, "memory_limit", lambda: 2 * one)
    admit(RunSpec(replications=4, workers=1), [journey], 4)
    with pytest.raises(RunRefused, match=r"4 replications at once.*fewer workers \(-j\)"):
        admit(RunSpec(replications=4, workers=4), [journey], 4)


def test_the_command_line_refuses_with_exit_2(tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "memory_limit", lambda: 1 * GB)
    path = tmp_path / "wide.journey"
    path.write_text(print_journey(wide(300, 4_000_000)))  # ~20 GB
    done = CliRunner().invoke(main, ["simulate", str(path), "-n", "1", "-j", "1"])
    assert done.exit_code == 2, done.output
    assert "of memory" in done.output and "GB" in done.output
