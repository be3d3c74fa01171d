"""Mermaid export, and the import/export round trip on real-world diagrams."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxjourney import load
from cxjourney.cli.interop import export_mermaid
from cxjourney.interop.mermaid import MermaidDiagram, parse_markdown, parse_mermaid, to_journey
from cxjourney.interop.mermaid.journey import DEFAULT_TITLE, _label, customer_actor
from cxjourney.interop.mermaid.write import score, to_mermaid
from cxjourney.sim.experiment import RunSpec, simulate
from tests.conftest import JOURNEYS, SPEC_EXAMPLES
from tests.interop.journey_gen import journeys, quoted

CASES = Path(__file__).parent / "mermaid_cases"
FIXTURES = sorted(
    p
    for p in [*CASES.glob("*.mmd"), *CASES.glob("*.md")]
    if '"errors"' not in p.with_suffix(".json").read_text(encoding="utf-8")
)
EXAMPLES = sorted([*SPEC_EXAMPLES.glob("*.journey"), *JOURNEYS.glob("*.journey")])

# Mermaid's journey lexer (journey.jison), rule by rule, after its entity encoding.
_ENTITY = re.compile(r"#\w+;")
_RULES = [
    ("journey", re.compile(r"journey", re.IGNORECASE)),
    ("title", re.compile(r"title\s[^#\n;]+", re.IGNORECASE)),
    ("acc_descr", re.compile(r"accDescr\s*:\s*[^\n]*", re.IGNORECASE)),
    ("section", re.compile(r"section\s[^#:\n;]+", re.IGNORECASE)),
    ("task", re.compile(r"[^#:\n;]+:[^#\n;]+")),
]


def mermaid_reads(line: str) -> str:
    """The statement Mermaid's lexer reads a whole line as (or "broken")."""
    text = _ENTITY.sub("E", line).strip()
    if "%%" in text:
        return "broken"  # Mermaid reads the rest of the line as a comment
    for kind, rule in _RULES:
        match = rule.match(text)
        if match:
            return kind if match.end() == len(text) else "broken"
    return "broken"


def assert_mermaid_reads(diagram: str) -> None:
    lines = diagram.splitlines()
    assert lines[0] == "journey"
    for line in lines[1:]:
        kind = line.split()[0].rstrip(":")
        expected = {"title": "title", "accDescr": "acc_descr", "section": "section"}.get(
            kind, "task"
        )
        assert mermaid_reads(line) == expected, line


def read(path: Path) -> list[MermaidDiagram]:
    text = path.read_text(encoding="utf-8")
    return parse_markdown(text)[0] if path.suffix == ".md" else [parse_mermaid(text)[0]]


def imported(diagram: MermaidDiagram):
    loaded = load("-", data=to_journey(diagram).encode("utf-8"))
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    return loaded.journey


def shape(diagram: MermaidDiagram) -> list[tuple[str, list[tuple[str, float, tuple[str, ...]]]]]:
    """Sections (as imported: empty ones dropped, the unnamed one named) and tasks."""
    out = []
    for number, section in enumerate([s for s in diagram.sections if s.tasks], start=1):
        name = _label(section.name) or f"Stage {number}"
        out.append((name, [(_label(t.name), t.score, owners(diagram, t)) for t in section.tasks]))
    return out


def owners(diagram: MermaidDiagram, task) -> tuple[str, ...]:
    """A task's actors but the diagram's customer: what import makes its owner."""
    customer = customer_actor(diagram)
    return tuple(a for a in dict.fromkeys(map(_label, task.actors)) if a and a != customer)


# ---- the round trip ------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_real_world_diagrams_round_trip_and_the_imports_simulate(path: Path) -> None:
    for diagram in read(path):
        journey = imported(diagram)
        exported = to_mermaid(journey)
        assert_mermaid_reads(exported)
        again, warnings = parse_mermaid(exported)
        assert warnings == []
        assert again.title == (_label(diagram.title or "") or DEFAULT_TITLE)
        assert shape(again) == shape(diagram)
        assert customer_actor(again) == (customer_actor(diagram) or "Customer")
        assert to_journey(again) == to_journey(diagram)  # a fixed point after one trip
        results = simulate(journey, RunSpec(seed=1, replications=2, horizon=7 * 24 * 60.0))
        assert results["scenarios"]["baseline"]["metrics"]["journeys"]["mean"] > 0


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_export_to_diagrams_mermaid_reads(path: Path) -> None:
    journey = load(str(path)).journey
    exported = export_mermaid(journey)
    assert_mermaid_reads(exported)
    diagram, warnings = parse_mermaid(exported)
    assert warnings == []
    assert diagram.title == journey.title
    assert [s.name for s in diagram.sections] == [s.label for s in journey.stages if s.touchpoints]
    assert [t.name for t in diagram.tasks] == [t.label for t in journey.touchpoints]
    assert [t.score for t in diagram.tasks] == [score(t) for t in journey.touchpoints]
    customer = journey.personas[0].label if len(journey.personas) == 1 else "Customer"
    assert all(t.actors[0] == customer for t in diagram.tasks)  # the customer, first
    owned = [", ".join(t.actors[1:]) or None for t in diagram.tasks]
    assert owned == [t.owner for t in journey.touchpoints]
    assert diagram.description == (journey.description or None)


def test_the_coffee_diagram_exactly() -> None:
    journey = load(str(SPEC_EXAMPLES / "coffee.journey")).journey
    assert to_mermaid(journey) == (
        "journey\n"
        "  title Morning coffee\n"
        "  accDescr: Weekday commuters buying coffee on the way to work\n"
        "  section Discover\n"
        "    Sees a social media ad: 3.5: Customer, Marketing\n"
        "  section Order\n"
        "    Orders at the counter: 3.6: Customer, Operations\n"
        "    Orders ahead in the app: 3.9: Customer, Digital\n"
        "  section Collect and enjoy\n"
        "    Picks up the drink: 3.5: Customer, Operations\n"
        "    Drinks the coffee: 4.1: Customer, Product\n"
    )


def journey_text(touchpoints: str, title: str = "T") -> str:
    return (
        f'journey "{title}" {{\n  persona p {{\n    share 100%\n  }}\n'
        f"  stage empty {{ }}\n  stage s {{\n{touchpoints}  }}\n}}\n"
    )


def test_scores_are_clipped_means_and_empty_stages_are_left_out() -> None:
    text = journey_text(
        "    touchpoint a { }\n"
        "    touchpoint b {\n      delivers uniform(1, 4)\n    }\n"
        "    touchpoint c {\n      expect 5\n      delivers 5 +- 2\n    }\n"
        "    touchpoint d {\n      delivers triangular(1, 3, 4)\n    }\n"
    )
    exported = to_mermaid(load("-", data=text.encode()).journey)
    # the one persona, p (no label), is the customer: every task's first actor
    assert exported == (
        "journey\n  title T\n  section s\n    a: 3: p\n    b: 2.5: p\n    c: 5: p\n    d: 2.67: p\n"
    )


@pytest.mark.parametrize(
    "label",
    [
        "Pay: card or cash",
        "Ticket #2; then wait",
        "100% done",
        "%% not a comment",
        "Journey planning",
        "title page",
        "Section 3 review",
        "accTitle: nope",
        "Café — «quoted» \\ back",
        "#35; literally",
    ],
)
def test_names_mermaid_would_misread_are_written_as_entity_codes(label: str) -> None:
    escaped = label.replace("\\", "\\\\").replace('"', '\\"')
    text = journey_text(
        f'    touchpoint t "{escaped}" {{\n      owner "{escaped}, Ops"\n    }}\n', title=escaped
    )
    journey = load("-", data=text.encode()).journey
    exported = to_mermaid(journey)
    assert_mermaid_reads(exported)
    diagram, _ = parse_mermaid(exported)
    assert diagram.title == label
    assert diagram.tasks[0].name == label
    assert diagram.tasks[0].actors[-1] == "Ops"


TIMING = {
    "{visits}": "    visits every 30 days from use\n",
    "{busy}": "    arrivals 20 per week\n    busy mon-fri 9:00-12:00 3x\n"
    "    busy daily 0:00-7:00 0.1x\n",
    "{install}": "      after lognormal(6 days, 3 days)\n      takes normal(2 h, 30 min)\n",
    "{support}": "      after exp(1 day)\n      capacity 4 mon-fri 8:00-18:00\n"
    "      capacity 3 22:00-6:00\n",
    "{edge}": " after exp(4 h)",
    "{late}": "\n    use -> support 20% after exp(3 days) for p",
    "{scenario}": "    install.after *= 0.5\n    install.takes = 1 h\n"
    "    support.capacity += 2 mon-fri 8:00-12:00\n",
}
TIMED = """\
journey "Broadband" {
  persona p {
    share 100%
{visits}{busy}  }
  stage join "Join: order and install" {
    touchpoint order "Orders online" {
      owner "Sales"
      delivers 3.8 +- 0.3
    }
    touchpoint install "Engineer installs" {
      owner "Field, Network"
{install}      max_wait 5 days
    }
  }
  stage live "Live with it" {
    touchpoint use { }
    touchpoint support "Calls support" {
{support}      capacity 2
      service exp(12 min)
    }
  }
  flow {
    order -> install
    install -> use{edge}
    use -> support 10%{late}
    use -> end
    support -> end
  }
  scenario faster {
    cost 1k
{scenario}  }
}
"""


def _filled(timed: bool) -> str:
    text = TIMED
    for mark, lines in TIMING.items():
        text = text.replace(mark, lines if timed else "")
    return text


def test_timing_is_left_out_of_the_diagram_as_the_flow_is() -> None:
    timed = load("-", data=_filled(True).encode())
    untimed = load("-", data=_filled(False).encode())
    assert timed.ok and untimed.ok, [d.message for d in [*timed.diagnostics, *untimed.diagnostics]]
    assert timed.journey.touchpoint("support").shifts and timed.journey.personas[0].busy
    exported = to_mermaid(timed.journey)
    assert exported == to_mermaid(untimed.journey)
    assert_mermaid_reads(exported)
    assert exported == (
        "journey\n"
        "  title Broadband\n"
        "  section Join#58; order and install\n"
        "    Orders online: 3.8: p, Sales\n"
        "    Engineer installs: 3: p, Field, Network\n"
        "  section Live with it\n"
        "    use: 3: p\n"
        "    Calls support: 3: p\n"
    )


def test_export_of_the_timed_example_on_the_command_line(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    path = tmp_path / "timed.journey"
    path.write_text(_filled(True), encoding="utf-8")
    result = run_cli("export", str(path), "--to", "mermaid")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == to_mermaid(load(str(path)).journey)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys(comments=False))
def test_generated_journeys_export_and_read_back(text: str) -> None:
    journey = load("-", data=text.encode("utf-8")).journey
    exported = to_mermaid(journey)
    assert_mermaid_reads(exported)
    diagram, _ = parse_mermaid(exported)
    assert [t.score for t in diagram.tasks] == [score(t) for t in journey.touchpoints]
    labels = [_label(t.label) for t in journey.touchpoints]
    names = [t.name for t in diagram.tasks]
    assert [n for n, lab in zip(names, labels, strict=True) if lab] == [
        lab for lab in labels if lab
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1),
            st.floats(1, 5).map(lambda x: round(x, 2)),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_task_names_and_scores_round_trip(tasks: list[tuple[str, float]]) -> None:
    body = "".join(
        f"    touchpoint t{i} {quoted(name)} {{\n      delivers {value}\n    }}\n"
        for i, (name, value) in enumerate(tasks)
    )
    loaded = load("-", data=journey_text(body).encode())
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    diagram, _ = parse_mermaid(to_mermaid(loaded.journey))
    for task, (name, value) in zip(diagram.tasks, tasks, strict=True):
        assert task.score == value
        assert task.name == (_label(name) or task.name)
