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
from cxjourney.sim import distributions, experience, kernel, loyalty, streams
from cxjourney.sim.experiment import RunSpec, simulate
from tests.conftest import JOURNEYS, load_text

DAY = 24 * 60.0
QUEUE_LINE = re.compile(r"^\s*(capacity|service|max_wait)\b|^\s*\w+\.(capacity|service)\s")


def without_queues(text: str) -> str:
    """The journey with every queue (and every scenario change to one) taken out."""
    return "\n".join(ln for ln in text.splitlines() if not QUEUE_LINE.search(ln)) + "\n"


def both_engines(journey, **options) -> tuple[str, str]:
    runs = [
        json.dumps(simulate(journey, RunSpec(engine=engine, **options)), sort_keys=True)
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


# ---- the compiled kernel against Python's own arithmetic --------------------------------
# Each reference below is the formula as plain Python computes it (math, float, int); the
# kernel's machine code must give the same bits, or the engines would drift apart from
# any Python reading of docs/model.md.
FLOATS = st.floats(-6, 6, allow_nan=False)


def felt_in_python(d: float, tol: float, a: float, lam: float) -> float:
    if d > tol:
        return (d - tol) ** a
    if d < -tol:
        return -(lam * (-(d + tol)) ** a)
    return 0.0


@settings(max_examples=200, deadline=None)
@given(
    d=st.lists(FLOATS, min_size=1, max_size=20),
    tol=st.floats(0, 1),
    a=st.floats(0.3, 1.2),
    lam=st.floats(1, 3),
)
def test_felt_is_pythons_to_the_bit(d, tol, a, lam) -> None:
    assert [experience.felt(x, tol, a, lam) for x in d] == [
        felt_in_python(x, tol, a, lam) for x in d
    ]


@settings(max_examples=100, deadline=None)
@given(levels=st.lists(st.floats(0, 10), min_size=1, max_size=20), price=st.floats(0, 1))
def test_stay_and_churn_are_pythons_to_the_bit(levels, price) -> None:
    from cxjourney.model import Loyalty

    lo = Loyalty()
    span = lo.retention_cap - lo.retention_floor
    for level, u in zip(levels, np.linspace(0.01, 0.99, len(levels)).tolist(), strict=True):
        r = lo.retention_floor + span / (
            1 + math.exp(-lo.retention_slope * (level - lo.retention_midpoint))
        )
        stay = r * (1 - lo.price_churn * price)
        assert loyalty.monthly_stay(level, price, lo) == stay
        expected = -math.log(u) / -math.log(stay) * loyalty.MONTH_MINUTES if stay < 1 else math.inf
        assert loyalty.churn_after(stay, u) == expected


@settings(max_examples=100, deadline=None)
@given(
    rule=st.sampled_from(["blend", "peak_end", "mean"]),
    moments=st.lists(st.lists(FLOATS, max_size=6), min_size=1, max_size=8),
)
def test_recall_agrees_with_the_memory_rule(rule, moments) -> None:
    """recall (running figures) equals remember (the list of moments)."""
    for xs in moments:
        high, low, peak = -math.inf, math.inf, 0.0
        for x in xs:
            high, low = max(high, x), min(low, x)
            peak = x if x * x >= peak * peak else peak
        figures = (len(xs), math.fsum(xs), xs[-1] if xs else 0.0, high, low, peak)
        r = experience.recall(rule, *figures)
        if xs and rule == "blend":
            assert r == 0.25 * (max(high, 0.0) + min(low, 0.0) + xs[-1] + math.fsum(xs) / len(xs))
        assert r == pytest.approx(experience.remember(xs, rule), abs=1e-12)


def sample_in_python(s, u1: float, u2: float) -> float:
    code, p0, p1, p2, scale, offset = s
    normal = math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)
    if code == distributions.CONSTANT:
        x = p0
    elif code == distributions.NORMAL:
        x = p0 + p1 * normal
    elif code == distributions.EXP:
        x = -p0 * math.log(u1)
    elif code == distributions.UNIFORM:
        x = p0 + (p1 - p0) * u1
    elif code == distributions.TRIANGULAR:
        if u1 < (p1 - p0) / (p2 - p0):
            x = p0 + math.sqrt(u1 * (p2 - p0) * (p1 - p0))
        else:
            x = p2 - math.sqrt((1 - u1) * (p2 - p0) * (p2 - p1))
    else:
        x = math.exp(p0 + p1 * normal)
    return x * scale + offset


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from(["constant", "normal", "exp", "uniform", "triangular", "lognormal"]),
    keys=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=10),
)
def test_distribution_draws_are_pythons_to_the_bit(kind, keys) -> None:
    from cxjourney.model import Distribution

    params = {"constant": (3.0,), "normal": (3.0, 0.8), "exp": (2.0,), "uniform": (1.0, 4.0),
              "triangular": (1.0, 2.0, 5.0), "lognormal": (2.0, 1.0)}[kind]  # fmt: skip
    s = distributions.sampler(Distribution(kind, params, 1.5, -0.25))
    for key in keys:
        u1, u2 = streams.pair(streams.mix(key))
        assert distributions.draw(s, u1, u2) == sample_in_python(s, u1, u2)


def mix_in_python(z: int) -> int:
    mask = (1 << 64) - 1
    z = (z + 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return z ^ (z >> 31)


@settings(max_examples=100, deadline=None)
@given(keys=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=10), n=st.integers(0, 99))
def test_counter_draws_are_pythons_to_the_bit(keys, n) -> None:
    for k in keys:
        assert streams.mix(k) == mix_in_python(k)
        nth = mix_in_python((k + n * 0x9E3779B97F4A7C15) & ((1 << 64) - 1))
        assert streams.nth(k, n) == nth
        assert (
            streams.draw(k, streams.NOISE)
            == ((mix_in_python(k ^ streams.NOISE) >> 11) + 0.5) * 2.0**-53
        )
        assert streams.pair(k) == (
            ((k >> 32) + 0.5) * 2.0**-32,
            ((k & 0xFFFFFFFF) + 0.5) * 2.0**-32,
        )
        assert kernel.arrival_gap(streams.signed(k), n, 0.5) == (
            -math.log(streams.draw(nth, streams.ARRIVAL_GAP)) / 0.5
        )


def test_the_coffee_shop_runs_on_the_simpy_engine_with_queues() -> None:
    """Queues force the SimPy engine; the batched one refuses them."""
    coffee = load(str(JOURNEYS / "hotel_stay.journey")).journey
    with pytest.raises(ValueError):
        simulate(coffee, RunSpec(replications=1, horizon=DAY, engine="batch"))
