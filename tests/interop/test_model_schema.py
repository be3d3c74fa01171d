"""The JSON Schema of `export --to json`, and the validator that holds exports to it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from cxjourney import load
from cxjourney.cli.interop import export_schema
from cxjourney.interop.model_json import dumps, journey_document, library_document
from cxjourney.interop.schema import DRAFT, SchemaError, model_schema, validate
from tests.conftest import JOURNEYS, SPEC_EXAMPLES
from tests.interop.journey_gen import journeys

EXAMPLES = sorted([*SPEC_EXAMPLES.rglob("*.journey"), *JOURNEYS.glob("*.journey")])
SCHEMA = model_schema()


def exported(path: Path) -> dict:
    """What `export --to json` prints for a file, read back as JSON."""
    loaded = load(str(path))
    assert loaded.ok
    if loaded.journey is not None:
        document = journey_document(loaded.journey)
    else:
        document = library_document(loaded.library)
    return json.loads(dumps(document))


def test_the_schema_is_draft_2020_12_json() -> None:
    assert SCHEMA["$schema"] == DRAFT == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(json.dumps(SCHEMA)) == SCHEMA
    assert export_schema() == SCHEMA


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_export_validates(path: Path) -> None:
    assert validate(exported(path), SCHEMA) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journeys(comments=False))
def test_generated_journeys_validate(text: str) -> None:
    loaded = load("-", data=text.encode("utf-8"))
    assert validate(json.loads(dumps(journey_document(loaded.journey))), SCHEMA) == []


def test_the_schema_requires_every_key_so_model_changes_cannot_drift() -> None:
    document = exported(SPEC_EXAMPLES / "coffee.journey")
    touchpoint = document["journey"]["touchpoints"][0]
    for key in touchpoint:
        broken = copy.deepcopy(document)
        del broken["journey"]["touchpoints"][0][key]
        assert validate(broken, SCHEMA), key
    broken = copy.deepcopy(document)
    broken["journey"]["touchpoints"][0]["colour"] = "red"
    assert any("unexpected key 'colour'" in e for e in validate(broken, SCHEMA))


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("journey", "horizon"), "26 weeks", "expected number"),
        (("journey", "personas", 0, "share"), 1.5, "breaks maximum 1"),
        (("journey", "touchpoints", 0, "expect"), 0, "breaks minimum 1"),
        (("journey", "touchpoints", 0, "delivers", "kind"), "poisson", "not in"),
        (("journey", "touchpoints", 0, "delivers", "params"), [], "breaks minItems 1"),
        (("journey", "touchpoints", 1, "events", 0, "kind"), "surprise", "not in"),
        (("journey", "loyalty", "memory"), "peak", "not in"),
        (("journey", "flow"), "linear", "matches no alternative"),
        (("version",), 2, "expected 1"),
        (("journey", "customers"), True, "expected number"),
    ],
)
def test_the_validator_finds_what_is_wrong(path: tuple, value: object, message: str) -> None:
    document = exported(SPEC_EXAMPLES / "coffee.journey")
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    errors = validate(document, SCHEMA)
    assert any(message in e for e in errors), errors


def test_a_library_export_is_the_other_alternative() -> None:
    document = exported(SPEC_EXAMPLES / "personas" / "telco.journey")
    assert set(document) == {"format", "version", "personas", "loyalty"}
    document["loyalty"]["negativty"] = 2
    assert any("unexpected key 'negativty'" in e for e in validate(document, SCHEMA))


def test_the_validator_refuses_keywords_it_does_not_implement() -> None:
    with pytest.raises(SchemaError):
        validate("x", {"type": "string", "pattern": "^x$"})
    with pytest.raises(SchemaError):
        validate(1, {"$ref": "https://example.com/other.json"})
