"""The one table of attribute facts agrees with the grammar, the model and the docs."""

from __future__ import annotations

import dataclasses
import re

import pytest

from cxjourney.language import facts
from cxjourney.model import LOYALTY_KEYS, Edge, Event, Journey, Loyalty, Persona, Touchpoint
from tests.conftest import ROOT

GRAMMAR = (ROOT / "grammars" / "journey.lark").read_text(encoding="utf-8")
MODELS = {
    "journey": Journey,
    "persona": Persona,
    "touchpoint": Touchpoint,
    "event": Event,
    "edge": Edge,
}


def _grammar_items(rule: str) -> set[str]:
    body = re.search(rf"^{rule}:(.*?)(?=^\S)", GRAMMAR, re.M | re.S)
    assert body, rule
    return {w for w in re.findall(r"[a-z_]+", body.group(1))}


@pytest.mark.parametrize(
    ("block", "rule", "not_attributes"),
    [
        ("journey", "_journey_item", {"persona", "stage", "flow", "scenario", "loyalty"}),
        ("persona", "_persona_item", set()),
        ("touchpoint", "_touchpoint_item", {"event", "recovers"}),
    ],
)
def test_every_statement_of_the_grammar_has_its_facts(block, rule, not_attributes) -> None:
    assert _grammar_items(rule) - not_attributes == set(facts.names(block))


def test_model_fields_exist_for_every_attribute() -> None:
    for block, model in MODELS.items():
        fields = {f.name for f in dataclasses.fields(model)}
        for attribute in facts.of_block(block):
            assert attribute.model_field in fields, (block, attribute.name)


def test_loyalty_defaults_are_the_models() -> None:
    assert facts.names("loyalty") == LOYALTY_KEYS  # every field but the ranges of belief
    defaults = Loyalty()
    for attribute in facts.of_block("loyalty"):
        value = getattr(defaults, attribute.name)
        if attribute.kind == "percent":
            assert attribute.default == f"{value * 100:g}%", attribute.name
        elif attribute.kind == "choice":
            assert attribute.default == value and value in attribute.choices
        else:
            assert float(attribute.default) == value, attribute.name
        assert attribute.source, attribute.name


def test_touchpoint_and_persona_defaults_are_the_models() -> None:
    assert facts.lookup("touchpoint", "expect").default == f"{Touchpoint('t', 't', 's').expect:g}"
    assert facts.lookup("journey", "customers").default == f"{Journey('j').customers:g}"
    assert facts.lookup("persona", "spend").default == f"{Persona('p', 'p').spend:g}"


def test_lookup() -> None:
    found = facts.lookup("touchpoint", "expect")
    assert found is not None and (found.kind, found.range) == ("rating", "1..5")
    assert facts.lookup("persona", "expect") is None
    assert facts.lookup("loyalty", "negativity").default == "2.0"
    assert facts.scenario_attribute("visits").model_field == "visit_gap"
    assert facts.scenario_attribute("nosuch") is None


def test_each_attribute_is_described_once_with_an_example() -> None:
    keys = [(a.block, a.name) for a in facts.ATTRIBUTES]
    assert len(keys) == len(set(keys))
    for a in facts.ATTRIBUTES:
        assert a.block in facts.BLOCKS and a.meaning and a.default and a.range
        assert a.example and (a.written in a.example or a.block == "event"), a.name


def test_every_reader_takes_its_attributes_from_the_facts() -> None:
    from cxjourney.interop.schema import model_schema
    from cxjourney.language import diff, fmt, scenarios

    assert fmt.STATEMENT_ORDER["persona"] == facts.names("persona")
    assert fmt.STATEMENT_ORDER["touchpoint"][:-2] == facts.names("touchpoint")
    assert diff.PERSONA_ATTRIBUTES["visit_gap"].word == "visits every"
    assert diff.TOUCHPOINT_ATTRIBUTES["capacity"].unset == "(no queue)"
    assert set(scenarios.TOUCHPOINT_ATTRIBUTES) == {
        a.name for a in facts.of_block("touchpoint") if a.changeable
    }
    schema = model_schema()["$defs"]
    for block, definition in (("persona", "Persona"), ("touchpoint", "Touchpoint")):
        properties = schema[definition]["properties"]
        for a in facts.of_block(block):
            assert properties[a.model_field]["description"].startswith(a.meaning.rstrip("."))
    memory = schema["Loyalty"]["properties"]["memory"]
    assert memory["enum"] == list(facts.lookup("loyalty", "memory").choices)


def test_range_bounds_reach_the_checks(tmp_path) -> None:
    from tests.conftest import errors

    text = """\
    journey "T" {
      persona p {
        share 100%
      }
      stage s {
        touchpoint t {
          expect 5.5
        }
      }
      loyalty {
        noise -1
        referral 120%
      }
    }
    """
    messages = [m for _, _, m in errors(text)]
    assert "expect must be between 1 and 5, got 5.5" in messages
    assert "noise cannot be negative" in messages
    assert "referral must be between 0% and 100%" in messages
