"""Every construct of docs/language.md parses into the model it means."""

from __future__ import annotations

import math

import pytest

from cxjourney.model import Distribution
from tests.conftest import errors, load_text, template

FULL = """
# comment before everything
journey "Full" {   # a comment after a header
  description "Every construct"
  horizon 12 weeks
  customers 1.5k
  currency EUR

  persona commuter "Commuter" {
    share 60%
    visits every 2 days
    arrivals 40 per week
    patience 4 min
    spend 4.50
    price_sensitivity 20%
    expects +0.5
    prefers app, store
  }
  persona other {
    share 40%
  }

  stage order "Order" {
    touchpoint counter "Order at the counter" {
      channel store
      owner "Operations"
      expect 4
      delivers 3.8 +- 0.4
      capacity 2
      service exp(90 s)
      max_wait 3 min
      moment_of_truth
      delighter name "Barista remembers my name" chance 10% impact +1.5
      disappointer wrong "Order is wrong" chance 5% impact -2
    }
    touchpoint app {
      channel app
      delivers normal(3.9, 0.3)
      moment_of_truth 3
      disappointer crash chance 3% impact -2.5
    }
  }
  stage collect {
    touchpoint pickup {
      capacity 1
      service lognormal(2 min, 1 min)
      recovers wrong, app.crash chance 60%
    }
    touchpoint drink {
      delivers uniform(3, 5)
    }
    touchpoint tri {
      delivers triangular(2, 3, 5)
      capacity 3
      service triangular(1 min, 2 min, 5 min)
    }
  }
}
"""


def test_every_persona_attribute() -> None:
    loaded = load_text(FULL)
    assert loaded.ok, loaded.diagnostics
    j = loaded.journey
    assert (j.title, j.description, j.currency) == ("Full", "Every construct", "EUR")
    assert j.horizon == 12 * 7 * 24 * 60
    assert j.customers == 1500
    p = j.persona("commuter")
    assert p.label == "Commuter"
    assert p.share == pytest.approx(0.6)
    assert p.visit_gap == 2 * 24 * 60
    assert p.arrivals == pytest.approx(40 / (7 * 24 * 60))
    assert p.patience == 4
    assert p.spend == 4.5
    assert p.price_sensitivity == pytest.approx(0.2)
    assert p.expects == 0.5
    assert p.prefers == ("app", "store")
    assert j.persona("other").label == "other"


def test_every_touchpoint_attribute() -> None:
    j = load_text(FULL).journey
    counter = j.touchpoint("counter")
    assert counter.stage == "order"
    assert (counter.channel, counter.owner, counter.expect) == ("store", "Operations", 4)
    assert counter.delivers == Distribution("normal", (3.8, 0.4))
    assert counter.capacity == 2
    assert counter.service == Distribution("exp", (1.5,))
    assert counter.max_wait == 3
    assert counter.moment_of_truth == 2
    name, wrong = counter.events
    assert (name.id, name.label, name.kind, name.chance, name.impact) == (
        "name",
        "Barista remembers my name",
        "delighter",
        pytest.approx(0.1),
        1.5,
    )
    assert (wrong.kind, wrong.impact) == ("disappointer", -2)
    app = j.touchpoint("app")
    assert app.delivers == Distribution("normal", (3.9, 0.3))
    assert app.moment_of_truth == 3
    assert app.expect == 3  # default
    assert app.events[0].label == "crash"
    pickup = j.touchpoint("pickup")
    assert pickup.service == Distribution("lognormal", (2, 1))
    assert pickup.recovers[0].targets == (("wrong",), ("app", "crash"))
    assert pickup.recovers[0].chance == pytest.approx(0.6)
    assert pickup.performance == Distribution.constant(3)  # delivers defaults to expect
    assert j.touchpoint("drink").delivers == Distribution("uniform", (3, 5))
    assert j.touchpoint("tri").service == Distribution("triangular", (1, 2, 5))


def test_implicit_flow_follows_written_order() -> None:
    j = load_text(FULL).journey
    assert j.flow is None
    assert [(e.source, e.target) for e in j.edges] == [
        ("start", "counter"),
        ("counter", "app"),
        ("app", "pickup"),
        ("pickup", "drink"),
        ("drink", "tri"),
        ("tri", "end"),
    ]


def test_unit_spellings_all_mean_the_same() -> None:
    for unit, minutes in [
        ("s", 1 / 60),
        ("sec", 1 / 60),
        ("secs", 1 / 60),
        ("second", 1 / 60),
        ("seconds", 1 / 60),
        ("min", 1),
        ("mins", 1),
        ("minute", 1),
        ("minutes", 1),
        ("h", 60),
        ("hour", 60),
        ("hours", 60),
        ("d", 1440),
        ("day", 1440),
        ("days", 1440),
        ("week", 10080),
        ("weeks", 10080),
        ("month", 43200),
        ("months", 43200),
        ("year", 525600),
        ("years", 525600),
    ]:
        for space in (" ", ""):
            text = template(f"horizon 2{space}{unit}")
            loaded = load_text(text)
            assert loaded.ok, (unit, loaded.diagnostics)
            assert loaded.journey.horizon == pytest.approx(2 * minutes)


def test_number_forms() -> None:
    for written, value in [
        ("12", 12),
        ("+12", 12),
        ("120k", 120000),
        ("2M", 2_000_000),
        ("1.5k", 1500),
    ]:
        loaded = load_text(template(f"customers {written}"))
        assert loaded.ok, loaded.diagnostics
        assert loaded.journey.customers == value


@pytest.mark.parametrize("bad", ["1e3", ".5", "1_000"])
def test_rejected_number_shapes(bad: str) -> None:
    found = errors(template(f"customers {bad}"))
    assert found and found[0][:2] == (2, 13)
    assert "not a valid number" in found[0][2]


def test_plus_minus_sign_and_unicode_labels() -> None:
    loaded = load_text(
        'journey "Café ☕" {\n  persona p "Kundin" {\n    share 100%\n  }\n  stage s "Étape" {\n'
        '    touchpoint t "Comptoir \\"vite\\" \\\\ 并" {\n'
        "      delivers 3.8 ± 0.4\n    }\n  }\n}\n"
    )
    assert loaded.ok, loaded.diagnostics
    tp = loaded.journey.touchpoint("t")
    assert tp.label == 'Comptoir "vite" \\ 并'
    assert tp.delivers == Distribution("normal", (3.8, 0.4))


def test_keywords_are_contextual() -> None:
    text = """
    journey "k" {
      persona share {
        share 100%
      }
      stage stage {
        touchpoint d "named like a unit" { }
        touchpoint cost {
          disappointer chance chance 10% impact -1
        }
        touchpoint flow {
          recovers chance chance 50%
        }
      }
      flow {
        d -> cost
        cost -> flow
        flow -> end
      }
      scenario for {
        cost 1k
        cost.chance.chance = 5%
        flow.delivers += 1
      }
    }
    """
    loaded = load_text(text)
    assert loaded.ok, loaded.diagnostics
    assert [t.id for t in loaded.journey.touchpoints] == ["d", "cost", "flow"]


def test_crlf_bom_tabs_and_no_final_newline() -> None:
    text = (
        '\ufeffjourney "x" {\r\n\tpersona p {\r\n\t\tshare 100%\r\n\t}\r\n\tstage s {\r\n'
        "\t\ttouchpoint t { }\r\n\t}\r\n}"
    )
    loaded = load_text(text)
    assert loaded.ok, loaded.diagnostics


def test_persona_specific_edges_and_scenarios() -> None:
    text = """
    journey "f" {
      persona a {
        share 50%
      }
      persona b {
        share 50%
      }
      stage s {
        touchpoint x { }
        touchpoint y {
          disappointer bad chance 10% impact -1
        }
        touchpoint z { }
      }
      flow {
        start -> x
        x -> y 70%
        x -> z
        x -> y 20% for b
        y -> end
        z -> exit 10%
        z -> end
      }
      scenario s1 "One" {
        cost 40k
        y.bad.chance = 1%
        y.delivers += 0.5
        x.expect -= 0.5
        a.spend *= 1.1
        a.arrivals = 50 per week
        b.visits = every 3 days
        add delighter z.wow "Wow" chance 40% impact +1
        remove y.bad
        flow x -> y = 45%
        flow x -> y = 10% for a
      }
      scenario placeholder {
        cost 5k
      }
    }
    """
    loaded = load_text(text)
    assert loaded.ok, loaded.diagnostics
    j = loaded.journey
    assert [(e.source, e.target, e.probability, e.persona) for e in j.flow][:4] == [
        ("start", "x", None, None),
        ("x", "y", pytest.approx(0.7), None),
        ("x", "z", None, None),
        ("x", "y", pytest.approx(0.2), "b"),
    ]
    s1 = j.scenario("s1")
    assert s1.cost == 40000 and s1.label == "One"
    kinds = [(c.kind, c.path, c.op) for c in s1.changes]
    assert kinds == [
        ("set", ("y", "bad", "chance"), "="),
        ("set", ("y", "delivers"), "+="),
        ("set", ("x", "expect"), "-="),
        ("set", ("a", "spend"), "*="),
        ("set", ("a", "arrivals"), "="),
        ("set", ("b", "visits"), "="),
        ("add", ("z", "wow"), "="),
        ("remove", ("y", "bad"), "="),
        ("flow", ("x", "y"), "="),
        ("flow", ("x", "y"), "="),
    ]
    assert s1.changes[4].value.number == pytest.approx(50 / 10080)
    assert s1.changes[5].value.number == 3 * 1440
    assert s1.changes[-1].persona == "a"
    assert j.scenario("placeholder").changes == ()


def test_loyalty_block_every_key() -> None:
    text = """
    journey "l" {
      persona p {
        share 100%
      }
      stage s {
        touchpoint t { }
      }
      loyalty {
        memory peak_end
        negativity 2.25
        curvature 0.9
        tolerance 0.3
        wait_sensitivity 1.2
        channel_penalty 0.4
        recovery 60%
        noise 1
        smoothing 40%
        retention_floor 60%
        retention_cap 98%
        retention_midpoint 6.5
        retention_slope 2
        price_churn 4% per month
        referral 3%
        adaptation 10%
      }
    }
    """
    loaded = load_text(text)
    assert loaded.ok, loaded.diagnostics
    lo = loaded.journey.loyalty
    assert lo.memory == "peak_end"
    assert (lo.negativity, lo.curvature, lo.tolerance, lo.wait_sensitivity) == (2.25, 0.9, 0.3, 1.2)
    assert lo.channel_penalty == 0.4 and lo.noise == 1
    for key, value in [
        ("recovery", 0.6),
        ("smoothing", 0.4),
        ("retention_floor", 0.6),
        ("retention_cap", 0.98),
        ("price_churn", 0.04),
        ("referral", 0.03),
        ("adaptation", 0.1),
    ]:
        assert getattr(lo, key) == pytest.approx(value)
    assert (lo.retention_midpoint, lo.retention_slope) == (6.5, 2)


def test_defaults() -> None:
    j = load_text(template("")).journey
    assert j.horizon == 365 * 1440 and j.customers == 1000 and j.currency == "USD"
    t = j.touchpoint("t")
    assert t.expect == 3 and t.weight == 1 and t.capacity is None
    assert j.loyalty.memory == "blend" and j.loyalty.negativity == 2.0
    assert not math.isnan(j.loyalty.adaptation)
