"""Both engines run one model: on journeys without queues they give the same bits.

A statistical comparison passes when both engines share a bug or differ by less than
its tolerance; equality of every byte of the results does not.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxjourney import load
from cxjourney.sim import distributions, experience, libm, loyalty, streams
from cxjourney.sim.runner import simulate
from tests.conftest import JOURNEYS, load_text

DAY = 24 * 60.0
QUEUE_LINE = re.compile(r"^\s*(capacity|service|max_wait)\b|^\s*\w+\.(capacity|service)\s")


def without_queues(text: str) -> str:
    """The journey with every queue (and every scenario change to one) taken out."""
    return "\n".join(ln for ln in text.splitlines() if not QUEUE_LINE.search(ln)) + "\n"


def both_engines(journey, **options) -> tuple[str, str]:
    runs = [
        json.dumps(simulate(journey, engine_name=engine, **options), sort_keys=True)
        for engine in ("simpy", "batch")
    ]
    return runs[0], runs[1]


@pytest.mark.parametrize("path", sorted(JOURNEYS.glob("*.journey")), ids=lambda p: p.name)
def test_every_example_gives_the_same_bytes_on_both_engines(path: Path) -> None:
    loaded = load_text(without_queues(path.read_text(encoding="utf-8")))
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    journey = replace(loaded.journey, customers=min(loaded.journey.customers, 150))
    simpy_run, batch_run = both_engines(journey, seed=5, replications=2, horizon=21 * DAY)
    assert simpy_run == batch_run


# ---- generated journeys ---------------------------------------------------------------
RATINGS = st.sampled_from(["3", "3.5 +- 0.7", "normal(4, 1)", "uniform(2, 4.5)",
                           "triangular(1, 3, 5)", "lognormal(3, 0.5)", "4.2"])  # fmt: skip


@st.composite
def queue_free_journeys(draw) -> str:
    k = draw(st.integers(1, 5))
    tps = [f"t{i}" for i in range(k)]
    lines = ['journey "Generated" {', f"  horizon {draw(st.integers(3, 40))} days",
             f"  customers {draw(st.integers(0, 40))}"]  # fmt: skip
    personas = draw(st.integers(1, 2))
    shares = [100] if personas == 1 else [40, 60]
    for p in range(personas):
        lines.append(f"  persona p{p} {{")
        lines.append(f"    share {shares[p]}%")
        if draw(st.booleans()):
            lines.append(f"    visits every {draw(st.integers(1, 9))} days")
        if draw(st.booleans()):
            lines.append(f"    arrivals {draw(st.integers(1, 5))} per day")
        lines.append(f"    spend {draw(st.integers(0, 30))}")
        if draw(st.booleans()):
            lines.append(f"    price_sensitivity {draw(st.integers(0, 100))}%")
        if draw(st.booleans()):
            lines.append(f"    expects {draw(st.sampled_from(['+0.5', '-0.5', '+1']))}")
        lines.append("  }")
    lines.append("  stage s {")
    disappointers = []
    for i, tp in enumerate(tps):
        lines.append(f"    touchpoint {tp} {{")
        lines.append(f"      expect {draw(st.sampled_from(['2', '3', '3.5', '4']))}")
        lines.append(f"      delivers {draw(RATINGS)}")
        if draw(st.booleans()):
            lines.append(f"      moment_of_truth {draw(st.sampled_from(['', '3', '1.5']))}")
        if draw(st.booleans()):
            lines.append(f"      delighter d{i} chance {draw(st.integers(1, 90))}% impact +1")
        if draw(st.booleans()):
            lines.append(f"      disappointer x{i} chance {draw(st.integers(1, 90))}% impact -2")
            disappointers.append(f"x{i}")
        if disappointers and draw(st.booleans()):
            lines.append(f"      recovers {disappointers[0]} chance {draw(st.integers(1, 99))}%")
        lines.append("    }")
    lines.append("  }")
    if k > 1 and draw(st.booleans()):
        lines.append("  flow {")
        for i, tp in enumerate(tps):
            later = tps[i + 1 :] or ["end"]
            lines.append(f"    {tp} -> {later[0]}")
            if i > 0 and draw(st.booleans()):
                lines.append(f"    {tp} -> {tps[0]} {draw(st.integers(1, 40))}%")
            if draw(st.booleans()):
                lines.append(f"    {tp} -> exit {draw(st.integers(1, 30))}%")
        lines.append("  }")
    lines.append("  loyalty {")
    lines.append(f"    memory {draw(st.sampled_from(['blend', 'peak_end', 'mean']))}")
    lines.append(f"    referral {draw(st.integers(0, 60))}%")
    lines.append(f"    adaptation {draw(st.integers(0, 60))}%")
    lines.append(f"    noise {draw(st.sampled_from(['0', '1.5']))}")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queue_free_journeys(), seed=st.integers(0, 2**32))
def test_generated_journeys_give_the_same_bytes_on_both_engines(text: str, seed: int) -> None:
    loaded = load_text(text)
    assert loaded.ok, (text, [d.message for d in loaded.diagnostics])
    simpy_run, batch_run = both_engines(loaded.journey, seed=seed, replications=2)
    assert simpy_run == batch_run


# ---- the kernel's scalar and array twins ------------------------------------------------
FLOATS = st.floats(-6, 6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    d=st.lists(FLOATS, min_size=1, max_size=20),
    tol=st.floats(0, 1),
    a=st.floats(0.3, 1.2),
    lam=st.floats(1, 3),
)
def test_felt_twins_agree_to_the_bit(d, tol, a, lam) -> None:
    vector = experience.felt_v(np.array(d), tol, a, lam)
    assert vector.tolist() == [experience.felt(x, tol, a, lam) for x in d]


@settings(max_examples=100, deadline=None)
@given(levels=st.lists(st.floats(0, 10), min_size=1, max_size=20), price=st.floats(0, 1))
def test_stay_and_churn_twins_agree_to_the_bit(levels, price) -> None:
    from cxjourney.model import Loyalty

    lo = Loyalty()
    stay = loyalty.monthly_stay_v(np.array(levels), np.full(len(levels), price), lo)
    assert stay.tolist() == [loyalty.monthly_stay(x, price, lo) for x in levels]
    u = np.linspace(0.01, 0.99, len(levels))
    after = loyalty.churn_after_v(stay, u)
    assert after.tolist() == [loyalty.churn_after(s, x) for s, x in zip(stay, u, strict=True)]


@settings(max_examples=100, deadline=None)
@given(
    rule=st.sampled_from(["blend", "peak_end", "mean"]),
    moments=st.lists(st.lists(FLOATS, max_size=6), min_size=1, max_size=8),
)
def test_recall_twins_agree_with_the_memory_rule(rule, moments) -> None:
    """recall (running figures) equals remember (the list of moments) and its twin."""
    figures = []
    for xs in moments:
        high, low, peak = -math.inf, math.inf, 0.0
        for x in xs:
            high, low = max(high, x), min(low, x)
            peak = x if x * x >= peak * peak else peak
        figures.append((len(xs), math.fsum(xs), xs[-1] if xs else 0.0, high, low, peak))
    scalar = [experience.recall(rule, *f) for f in figures]
    columns = [np.array(c, dtype=float) for c in zip(*figures, strict=True)]
    assert experience.recall_v(rule, *columns).tolist() == scalar
    for xs, r in zip(moments, scalar, strict=True):
        assert r == pytest.approx(experience.remember(xs, rule), abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from(["constant", "normal", "exp", "uniform", "triangular", "lognormal"]),
    keys=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=10),
)
def test_distribution_twins_agree_to_the_bit(kind, keys) -> None:
    from cxjourney.model import Distribution

    params = {"constant": (3.0,), "normal": (3.0, 0.8), "exp": (2.0,), "uniform": (1.0, 4.0),
              "triangular": (1.0, 2.0, 5.0), "lognormal": (2.0, 1.0)}[kind]  # fmt: skip
    s = distributions.sampler(Distribution(kind, params, 1.5, -0.25))
    pairs = [streams.pair(streams.mix(key)) for key in keys]
    scalar = [distributions.draw(s, u1, u2) for u1, u2 in pairs]
    u1 = np.array([p[0] for p in pairs])
    u2 = np.array([p[1] for p in pairs])
    codes = np.full(len(keys), s[0])
    table = np.tile(np.array(s[1:], dtype=float), (len(keys), 1))
    assert distributions.draw_v(codes, table, u1, u2, {s[0]}).tolist() == scalar


@settings(max_examples=100, deadline=None)
@given(keys=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=10), n=st.integers(0, 99))
def test_counter_draws_agree_to_the_bit(keys, n) -> None:
    array = np.array(keys, dtype=np.uint64)
    assert streams.nth_v(array, n).tolist() == [streams.nth(k, n) for k in keys]
    assert streams.draw_v(array, streams.NOISE).tolist() == [
        streams.draw(k, streams.NOISE) for k in keys
    ]
    high, low = streams.pair_v(array)
    assert list(zip(high.tolist(), low.tolist(), strict=True)) == [streams.pair(k) for k in keys]
    assert libm.log(streams.unit_v(array)).tolist() == [math.log(streams.unit(k)) for k in keys]


def test_the_coffee_shop_runs_on_the_simpy_engine_with_queues() -> None:
    """Queues force the SimPy engine; the batched one refuses them."""
    coffee = load(str(JOURNEYS / "hotel_stay.journey")).journey
    with pytest.raises(ValueError):
        simulate(coffee, replications=1, horizon=DAY, engine_name="batch")
