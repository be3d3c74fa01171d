"""The moment formula and each memory rule against hand-computed values.

Deterministic journeys: constant performance, events with chance 0% or 100%,
`noise 0`, one customer. Hand values (a = 0.88, lambda = 2, tolerance 0.25):
  a: D = 4 - 3 = 1      → D~ = 0.75   → v = 0.75^0.88 = 0.776343
  b: D = 2 - 4 = -2     → D~ = -1.75  → v = -2 * 1.75^0.88 = -3.272706;
     disappointer -1    → v = -2;      weight 3 → x = 3 * (-5.272706) = -15.818039
  c: D = 0              → 0; delighter +2 → 2^0.88 = 1.840375;
     recovers b's disappointer: 0.7 * |3 * -2| = 4.2 → x = 6.040375
A recovered failure restores satisfaction at best: the memory is capped at that of
the same journey without the failure and its recovery (b = -9.818039, c = 1.840375),
which binds for the blend rule here (-2.134432 < -1.684432).
"""

from __future__ import annotations

import math

import pytest

from cxjourney.sim import experience
from cxjourney.sim.experiment import RunSpec, simulate
from tests.conftest import load_text

XA, XB, XC = 0.7763434831881563, -15.818038555119847, 6.04037530124975
XB_CLEAN, XC_CLEAN = -9.818038555119848, 1.8403753012497501  # without failure and recovery

JOURNEY = """
journey "Deterministic" {
  horizon 1 day
  customers 1
  persona p {
    share 100%
  }
  stage s {
    touchpoint a {
      expect 3
      delivers 4
    }
    touchpoint b {
      expect 4
      delivers 2
      moment_of_truth 3
      disappointer x chance 100% impact -1
    }
    touchpoint c {
      expect 3
      delighter y chance 100% impact +2
      disappointer never chance 0% impact -3
      recovers x chance 100%
    }
  }
  loyalty {
    noise 0
    MEMORY
  }
}
"""


def run(memory: str = "memory blend", text: str = JOURNEY, engine: str = "auto") -> dict:
    loaded = load_text(text.replace("MEMORY", memory))
    assert loaded.ok, loaded.diagnostics
    results = simulate(loaded.journey, RunSpec(seed=3, replications=1, engine=engine))
    return results["scenarios"]["baseline"]


ENGINES = pytest.mark.parametrize("engine", ["simpy", "batch"])


def test_pure_moment_formula() -> None:
    assert experience.moment(expectation=3, performance=4, weight=1) == pytest.approx(XA, abs=1e-12)
    assert experience.moment(expectation=4, performance=2, weight=3, impacts=[-1]) == pytest.approx(
        XB, abs=1e-12
    )
    # performance is clipped to 1..5, expectation is not
    assert experience.moment(expectation=6, performance=7, weight=1) == pytest.approx(
        -2 * 0.75**0.88
    )


@ENGINES
def test_engine_moments_match_hand_values(engine: str) -> None:
    tps = run(engine=engine)["touchpoints"]
    assert tps["a"]["experience_mean"] == pytest.approx(XA, abs=1e-9)
    assert tps["b"]["experience_mean"] == pytest.approx(XB, abs=1e-9)
    assert tps["c"]["experience_mean"] == pytest.approx(XC, abs=1e-9)
    assert tps["b"]["trough_share"] == 1.0 and tps["c"]["peak_share"] == 1.0


@ENGINES
@pytest.mark.parametrize(
    ("memory", "remembered"),
    [
        # blend: 0.25*max(0, max) + 0.25*min(0, min) + 0.25*last + 0.25*mean
        # (capped by the same journey without the recovered failure)
        (
            "memory blend",
            min(
                0.25 * XC + 0.25 * XB + 0.25 * XC + 0.25 * (XA + XB + XC) / 3,
                0.25 * XC_CLEAN
                + 0.25 * XB_CLEAN
                + 0.25 * XC_CLEAN
                + 0.25 * (XA + XB_CLEAN + XC_CLEAN) / 3,
            ),
        ),
        # peak-end: the largest |x| (b) and the end (c)
        ("memory peak_end", (XB + XC) / 2),
        ("memory mean", (XA + XB + XC) / 3),
    ],
)
def test_memory_rules(memory: str, remembered: float, engine: str) -> None:
    expected = min(10.0, max(0.0, 7 + 1.5 * remembered))
    metrics = run(memory, engine=engine)["metrics"]
    assert metrics["satisfaction"]["mean"] == pytest.approx(expected, abs=1e-9)
    rule = memory.split()[1]
    uncapped = experience.remember([XA, XB, XC], rule)
    clean = experience.remember([XA, XB_CLEAN, XC_CLEAN], rule)
    assert min(uncapped, clean) == pytest.approx(remembered)


def test_peak_end_takes_the_later_peak_on_a_tie() -> None:
    assert experience.remember([-2.0, 1.0, 2.0, 0.5], "peak_end") == pytest.approx((2.0 + 0.5) / 2)


def test_nps_of_one_detractor() -> None:
    metrics = run("memory mean")["metrics"]
    assert metrics["nps"]["mean"] == -100.0
    assert metrics["detractors"]["mean"] == 1.0 and metrics["promoters"]["mean"] == 0.0


WAITING = """
journey "Queue" {
  horizon 1 day
  customers 2
  persona p {
    share 100%
    PATIENCE
  }
  stage s {
    touchpoint q {
      capacity 1
      service 10 min
      max_wait 5 min
    }
  }
  loyalty {
    noise 0
  }
}
"""


def test_wait_term() -> None:
    # the second customer waits 10 min: (10 - 5) / 5 = 1 → D = -1 → D~ = -0.75
    tps = run(text=WAITING.replace("PATIENCE", ""))["touchpoints"]["q"]
    second = -2 * 0.75**0.88
    assert tps["wait_mean"] == pytest.approx(5.0)
    assert tps["experience_mean"] == pytest.approx(second / 2)


def test_walkout_moment() -> None:
    # patience 4 min: the second customer walks out at 4 min with D = -2 → -2 * 1.75^0.88
    result = run(text=WAITING.replace("PATIENCE", "patience 4 min"))
    tps = result["touchpoints"]["q"]
    assert tps["wait_mean"] == pytest.approx(2.0)
    assert tps["abandon_rate"] == 0.5
    assert tps["experience_mean"] == pytest.approx(-2 * 1.75**0.88 / 2)
    assert result["metrics"]["abandonment"]["mean"] == 0.5
    assert result["metrics"]["completion"]["mean"] == 0.5


@ENGINES
def test_channel_term(engine: str) -> None:
    text = """
    journey "Channels" {
      horizon 1 day
      customers 1
      persona p {
        share 100%
        prefers app
      }
      stage s {
        touchpoint store_visit {
          channel store
        }
        touchpoint in_app {
          channel app
        }
      }
      loyalty {
        noise 0
      }
    }
    """
    # nobody prefers `store`, so no penalty there; `app` is preferred: no penalty either
    tps = run(text=text, engine=engine)["touchpoints"]
    assert tps["store_visit"]["experience_mean"] == 0.0
    text2 = text.replace("prefers app", "prefers web").replace("channel app", "channel web")
    text2 = text2.replace(
        "persona p {",
        "persona q {\n        share 0%\n        prefers store\n      }\n      persona p {",
    )
    tps = run(text=text2, engine=engine)["touchpoints"]
    # store is preferred by q, not by p: D = -0.5 → D~ = -0.25 → -2 * 0.25^0.88
    assert tps["store_visit"]["experience_mean"] == pytest.approx(-2 * 0.25**0.88)


@ENGINES
def test_learning_and_smoothing_over_repeat_journeys(engine: str) -> None:
    text = """
    journey "Learning" {
      horizon 60 days
      customers 1
      persona p {
        share 100%
        visits every 3 days
      }
      stage s {
        touchpoint t {
          expect 3
          delivers 4.5
        }
      }
      loyalty {
        noise 0
        adaptation 20%
        smoothing 50%
        retention_floor 100%
        retention_cap 100%
        price_churn 0%
      }
    }
    """
    result = run(text=text, engine=engine)
    n = int(result["metrics"]["journeys"]["mean"])
    assert n > 5
    expectation, level = 3.0, None
    for _ in range(n):
        d = 4.5 - expectation
        x = (d - 0.25) ** 0.88 if d > 0.25 else 0.0
        s = 7 + 1.5 * (0.75 * x)  # one moment: blend = 0.25 * (x + 0 + x + x)
        level = s if level is None else 0.5 * level + 0.5 * s
        expectation += 0.2 * (4.5 - expectation)
    assert result["metrics"]["satisfaction"]["mean"] == pytest.approx(level, abs=1e-9)
    assert math.isclose(result["metrics"]["retention"]["mean"], 1.0)
