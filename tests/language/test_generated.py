"""Generated valid journeys parse to exactly the model they were generated from."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxjourney.model import Distribution
from tests.conftest import load_text

NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True).filter(
    lambda n: n not in {"start", "end", "exit", "baseline"}
)
LABELS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\'),
    max_size=12,
)
TENTHS = st.integers(10, 50).map(lambda n: n / 10)
UNITS = {"s": 1 / 60, "min": 1, "h": 60, "days": 1440, "weeks": 10080}


@st.composite
def journeys(draw):
    names = draw(st.lists(NAMES, min_size=4, max_size=14, unique=True))
    n_personas = draw(st.integers(1, min(3, len(names) - 2)))
    persona_ids, rest = names[:n_personas], names[n_personas:]
    n_tps = draw(st.integers(1, len(rest) - 1))
    tp_ids, stage_ids = rest[:n_tps], rest[n_tps:]
    cuts = sorted(
        draw(st.lists(st.integers(1, 100), min_size=n_personas - 1, max_size=n_personas - 1))
    )
    bounds = [0, *cuts, 100]
    shares = [bounds[i + 1] - bounds[i] for i in range(n_personas)]
    personas = []
    for pid, share in zip(persona_ids, shares, strict=True):
        unit = draw(st.sampled_from(sorted(UNITS)))
        personas.append(
            {
                "id": pid,
                "label": draw(st.none() | LABELS),
                "share": share,
                "visits": draw(st.none() | st.integers(1, 30)),
                "unit": unit,
                "spend": draw(st.integers(0, 500)),
                "expects": draw(st.integers(-10, 10)) / 10,
            }
        )
    touchpoints = []
    for tid in tp_ids:
        queued = draw(st.booleans())
        events = draw(st.lists(NAMES, max_size=3, unique=True))
        touchpoints.append(
            {
                "id": tid,
                "label": draw(st.none() | LABELS),
                "expect": draw(TENTHS),
                "delivers": draw(st.none() | TENTHS | st.tuples(TENTHS, st.integers(0, 9))),
                "capacity": draw(st.integers(1, 5)) if queued else None,
                "service": draw(st.integers(1, 20)) if queued else None,
                "mot": draw(st.none() | st.just(0) | st.integers(1, 4)),
                "events": [
                    (
                        e,
                        draw(st.booleans()),
                        draw(st.integers(0, 100)),
                        draw(st.integers(1, 30)) / 10,
                    )
                    for e in events
                ],
                "channel": draw(st.none() | NAMES),
            }
        )
    n_stages = draw(st.integers(1, max(1, min(len(stage_ids), len(touchpoints)))))
    return {
        "personas": personas,
        "touchpoints": touchpoints,
        "stages": stage_ids[:n_stages] or ["only_stage"],
        "customers": draw(st.integers(0, 5000)),
    }


def render(spec) -> str:
    out = ['journey "Generated" {', f"  customers {spec['customers']}"]
    for p in spec["personas"]:
        label = f' "{p["label"]}"' if p["label"] is not None else ""
        out += [
            f"  persona {p['id']}{label} {{",
            f"    share {p['share']}%",
            f"    spend {p['spend']}",
            f"    expects {p['expects']:+}",
        ]
        if p["visits"] is not None:
            out.append(f"    visits every {p['visits']} {p['unit']}")
        out.append("  }")
    stages = spec["stages"]
    per_stage = -(-len(spec["touchpoints"]) // len(stages))
    for i, sid in enumerate(stages):
        chunk = spec["touchpoints"][i * per_stage : (i + 1) * per_stage]
        if not chunk:
            continue
        out.append(f"  stage {sid} {{")
        for t in chunk:
            label = f' "{t["label"]}"' if t["label"] is not None else ""
            out += [f"    touchpoint {t['id']}{label} {{", f"      expect {t['expect']}"]
            d = t["delivers"]
            if isinstance(d, tuple):
                out.append(f"      delivers {d[0]} +- 0.{d[1]}")
            elif d is not None:
                out.append(f"      delivers {d}")
            if t["capacity"]:
                out += [f"      capacity {t['capacity']}", f"      service exp({t['service']} min)"]
            if t["mot"] == 0:
                out.append("      moment_of_truth")
            elif t["mot"]:
                out.append(f"      moment_of_truth {t['mot']}")
            if t["channel"]:
                out.append(f"      channel {t['channel']}")
            for name, good, chance, impact in t["events"]:
                kind, sign = ("delighter", "+") if good else ("disappointer", "-")
                out.append(f"      {kind} {name} chance {chance}% impact {sign}{impact}")
            out.append("    }")
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys())
def test_generated_journey_parses_to_its_model(spec) -> None:
    loaded = load_text(render(spec))
    assert loaded.ok, (render(spec), loaded.diagnostics)
    j = loaded.journey
    assert j.customers == spec["customers"]
    assert [p.id for p in j.personas] == [p["id"] for p in spec["personas"]]
    for p, model in zip(spec["personas"], j.personas, strict=True):
        assert model.label == (p["label"] if p["label"] is not None else p["id"])
        assert model.share == pytest.approx(p["share"] / 100)
        assert model.spend == p["spend"] and model.expects == pytest.approx(p["expects"])
        expected_gap = None if p["visits"] is None else p["visits"] * UNITS[p["unit"]]
        assert model.visit_gap == pytest.approx(expected_gap)
    assert [t.id for t in j.touchpoints] == [t["id"] for t in spec["touchpoints"]]
    for t, model in zip(spec["touchpoints"], j.touchpoints, strict=True):
        assert model.label == (t["label"] if t["label"] is not None else t["id"])
        assert model.expect == pytest.approx(t["expect"])
        d = t["delivers"]
        if isinstance(d, tuple):
            assert model.delivers == Distribution("normal", (d[0], d[1] / 10))
        else:
            assert model.delivers == (None if d is None else Distribution.constant(d))
        assert model.capacity == t["capacity"]
        assert model.service == (
            None if t["service"] is None else Distribution("exp", (float(t["service"]),))
        )
        weight = {None: None, 0: 2.0}.get(t["mot"], t["mot"])
        assert model.moment_of_truth == weight
        assert model.channel == t["channel"]
        assert [(e.id, e.kind, e.chance, e.impact) for e in model.events] == [
            (
                n,
                "delighter" if good else "disappointer",
                pytest.approx(c / 100),
                pytest.approx(i if good else -i),
            )
            for n, good, c, i in t["events"]
        ]
    assert [e.target for e in j.edges][-1] == "end"
