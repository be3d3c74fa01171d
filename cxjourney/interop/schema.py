"""A JSON Schema (draft 2020-12) of what `cxjourney export --to json` prints, and a
small validator for the part of JSON Schema it uses.

The schema is strict (every key required, no others allowed) so that a change to the
model that is not reflected here fails the tests instead of drifting silently. The
validator exists because the project adds no dependency for one test and one command;
it refuses keywords it does not implement rather than ignoring them.
"""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

from ..language import facts, units
from ..model import EVENT_KINDS, LOYALTY_KEYS, Journey, Persona, Touchpoint

SCHEMA_ID = "urn:cxjourney:schema:model:1"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _obj(doc: str, /, **properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "description": doc,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _optional(schema: dict[str, Any], **properties: Any) -> dict[str, Any]:
    """`schema` with properties present only when set (ranges of belief)."""
    return {**schema, "properties": {**schema["properties"], **properties}}


def _num(description: str = "", *, nullable: bool = False, **bounds: float) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["number", "null"] if nullable else "number", **bounds}
    if description:
        schema["description"] = description
    return schema


def _str(description: str = "", *, nullable: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": ["string", "null"] if nullable else "string"}
    if description:
        schema["description"] = description
    return schema


def _ref(name: str, *, nullable: bool = False) -> dict[str, Any]:
    ref = {"$ref": f"#/$defs/{name}"}
    return {"oneOf": [ref, {"type": "null"}]} if nullable else ref


def _list(items: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items}
    if description:
        schema["description"] = description
    return schema


_FRACTION = {"minimum": 0, "maximum": 1}
_CANONICAL = {"percent": "a fraction", "duration": "minutes", "rate": "per minute"}


def _attribute(fact: facts.Attribute, nullable: bool) -> dict[str, Any]:
    """One attribute of `cxjourney.language.facts` in canonical units, described by its meaning."""
    description = fact.meaning
    if fact.kind in _CANONICAL:
        description = f"{description.rstrip('.')} ({_CANONICAL[fact.kind]})."
    if fact.kind == "choice":
        return {"enum": list(fact.choices), "description": description}
    if fact.kind in ("text", "identifier"):
        return _str(description, nullable=nullable)
    if fact.kind == "channels":
        return _list(_str(), description)
    if fact.kind == "distribution":
        return _ref("Distribution", nullable=nullable) | {"description": description}
    if fact.kind == "schedule":
        return _list(_ref("Shift"), f"{description.rstrip('.')} (lines applied in order).")
    bounds = {"minimum": fact.low} if fact.low is not None else {}
    if fact.high is not None:
        bounds["maximum"] = fact.high
    return _num(description, nullable=nullable, **bounds)


def _attributes(block: str, model: type | None = None) -> dict[str, Any]:
    """A block's attributes as schema properties; `model` says which may be null."""
    optional = {f.name for f in fields(model) if f.default is None} if model else set()
    return {a.model_field: _attribute(a, a.model_field in optional) for a in facts.of_block(block)}


def model_schema() -> dict[str, Any]:
    """The schema of both documents `export --to json` prints: a journey, or a library."""
    loyalty = _attributes("loyalty")
    defs = {
        "Distribution": _optional(
            _obj(
                "A value that may vary: scale × draw(kind, params) + offset.",
                kind={"enum": ["constant", *units.DISTRIBUTIONS]},
                params=_list(_num(), "the arguments as written, in canonical units")
                | {"minItems": 1, "maxItems": 3},
                scale=_num(),
                offset=_num(),
            ),
            ranges=_list(
                {"oneOf": [_ref("Belief"), {"type": "null"}]},
                "per parameter, its range of belief or null; params hold the middles",
            ),
            tag=_str("the name a scenario's ranges go by (`fast.install.after`)"),
        ),
        "Window": _obj(
            "Times of the week (a run starts on a Monday at 00:00): days and a daily span "
            "[start, end) in minutes after midnight; end at or before start runs past midnight.",
            days=_list({"type": "integer", "minimum": 0, "maximum": 6}, "0 = Monday"),
            start=_num("minutes after midnight", minimum=0, maximum=units.DAY),
            end=_num("minutes after midnight", minimum=0, maximum=units.DAY),
        ),
        "Shift": _obj(
            "One line of a weekly schedule, applied in order over the base value.",
            window=_ref("Window"),
            value=_num(),
            op={"enum": ["=", "+=", "-=", "*="]},
        ),
        "Belief": _obj(
            "A range of belief (`impact +1 .. +3`): one number the team does not know, "
            "drawn uniformly once per replication; the plain field holds its middle.",
            low=_num(),
            high=_num(),
        ),
        "Event": _optional(
            _obj(
                "A delighter or a disappointer of a touchpoint.",
                id=_str(),
                label=_str(),
                kind={"enum": list(EVENT_KINDS)},
                **_attributes("event"),
            ),
            chance_range=_ref("Belief"),
            impact_range=_ref("Belief"),
        ),
        "Recovery": _optional(
            _obj(
                "`recovers a, T.b chance 60%`: the targets as written.",
                targets=_list(_list(_str()) | {"minItems": 1, "maxItems": 2}),
                chance=_num("a fraction", **_FRACTION),
            ),
            chance_range=_ref("Belief"),
        ),
        "Touchpoint": _optional(
            _obj(
                "A moment of contact, in journey order.",
                id=_str(),
                label=_str(),
                stage=_str("the id of its stage"),
                **_attributes("touchpoint", Touchpoint),
                events=_list(_ref("Event")),
                recovers=_list(_ref("Recovery")),
            ),
            expect_range=_ref("Belief"),
            delivers_range=_ref("Belief"),
            after_range=_ref("Belief"),
            takes_range=_ref("Belief"),
            service_range=_ref("Belief"),
            max_wait_range=_ref("Belief"),
            moment_of_truth_range=_ref("Belief"),
        ),
        "Persona": _optional(
            _obj(
                "A segment of customers.",
                id=_str(),
                label=_str(),
                **_attributes("persona", Persona),
            ),
            spend_range=_ref("Belief"),
            patience_range=_ref("Belief"),
            visit_gap_range=_ref("Belief"),
            arrivals_range=_ref("Belief"),
            price_sensitivity_range=_ref("Belief"),
            expects_range=_ref("Belief"),
        ),
        "Stage": _obj(
            "A stage and its touchpoints' ids, in order.",
            id=_str(),
            label=_str(),
            touchpoints=_list(_str()),
        ),
        "Edge": _optional(
            _obj(
                "A flow edge; probability null shares what the listed edges leave.",
                source=_str(),
                target=_str(),
                probability=_num("a fraction", nullable=True, **_FRACTION),
                persona=_str("the persona this probability is for", nullable=True),
                after=_ref("Distribution", nullable=True)
                | {"description": "minutes on the way: a wait felt at the target"},
            ),
            after_range=_ref("Belief"),
            probability_range=_ref("Belief"),
        ),
        "Value": _optional(
            _obj(
                "A scenario's right-hand side in canonical units.",
                kind={"enum": ["number", "percent", "rate", "distribution", "word", "unknown"]},
                number=_num("the value (a fraction for percent, per minute for rate)"),
                unit=_str(nullable=True),
                per=_str(nullable=True),
                distribution=_ref("Distribution", nullable=True),
                word=_str(),
            ),
            range=_ref("Belief") | {"description": "what the change does, as a range of belief"},
            name=_str("the name the range is drawn by (`scenario.T.attribute`)"),
        ),
        "Change": _obj(
            "One line of a scenario.",
            kind={"enum": ["set", "add", "remove", "flow"]},
            path=_list(_str()) | {"minItems": 1},
            op={"enum": ["=", "+=", "-=", "*="]},
            value=_ref("Value", nullable=True),
            event=_ref("Event", nullable=True),
            persona=_str(nullable=True),
            window=_ref("Window", nullable=True)
            | {"description": "a capacity changed in a window of the week"},
        ),
        "Scenario": _optional(
            _obj(
                "An investment: a cost and changes to the baseline.",
                id=_str(),
                label=_str(),
                cost=_num(),
                changes=_list(_ref("Change")),
            ),
            cost_range=_ref("Belief"),
        ),
        "Loyalty": _optional(
            _obj(
                "Loyalty-model parameters (docs/model.md), defaults filled in.",
                **{key: loyalty[key] for key in LOYALTY_KEYS},
            ),
            ranges=_list(
                _list({"oneOf": [_str(), _ref("Belief")]}) | {"minItems": 2, "maxItems": 2},
                "keys written as a range of belief: [key, range]; the key holds the middle",
            ),
        ),
        "LibraryLoyalty": {
            "type": "object",
            "description": "The loyalty keys a persona library sets.",
            "properties": loyalty,
            "additionalProperties": False,
        },
        "Journey": _obj(
            "A journey in canonical units: minutes, fractions, rates per minute.",
            title=_str(),
            **_attributes("journey", Journey),
            personas=_list(_ref("Persona")),
            stages=_list(_ref("Stage")),
            touchpoints=_list(_ref("Touchpoint")),
            flow={"oneOf": [_list(_ref("Edge")), {"type": "null"}]}
            | {"description": "null: touchpoints in the order written"},
            scenarios=_list(_ref("Scenario")),
            loyalty=_ref("Loyalty"),
            uses=_list(_str(), "the paths of the `use` lines"),
        ),
    }
    header = {"format": {"const": "cxjourney-model"}, "version": {"const": 1}}
    journey_document = _obj("A journey file.", **header, journey=_ref("Journey"))
    library_document = _obj(
        "A persona library (a file of personas and a loyalty block).",
        **header,
        personas=_list(_ref("Persona")),
        loyalty=_ref("LibraryLoyalty"),
    )
    return {
        "$schema": DRAFT,
        "$id": SCHEMA_ID,
        "title": "cxjourney model",
        "description": "What `cxjourney export FILE --to json` prints.",
        "oneOf": [journey_document, library_document],
        "$defs": defs,
    }


# ---- a validator for the keywords above -----------------------------------------------

_ANNOTATIONS = {"$schema", "$id", "$defs", "$comment", "title", "description", "default"}
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class SchemaError(ValueError):
    """The schema uses a keyword this validator does not implement."""


def validate(
    instance: Any, schema: dict[str, Any], root: dict[str, Any] | None = None
) -> list[str]:
    """Every way `instance` breaks `schema`, as `path: message`; [] when it conforms."""
    return _check(instance, schema, root or schema, "$")


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> list[str]:
    unknown = set(schema) - _ANNOTATIONS - set(_KEYWORDS)
    if unknown:
        raise SchemaError(f"unsupported keywords {sorted(unknown)} at {where}")
    errors: list[str] = []
    for keyword, argument in schema.items():
        if keyword in _KEYWORDS:
            errors += _KEYWORDS[keyword](value, argument, schema, root, where)
    return errors


def _type(value: Any, argument: Any, _s: Any, _r: Any, where: str) -> list[str]:
    names = argument if isinstance(argument, list) else [argument]
    if any(_TYPES[name](value) for name in names):
        if isinstance(value, float) and not math.isfinite(value):
            return [f"{where}: {value} is not a JSON number"]
        return []
    return [f"{where}: expected {' or '.join(names)}, got {type(value).__name__}"]


def _enum(value: Any, argument: list[Any], _s: Any, _r: Any, where: str) -> list[str]:
    return (
        [] if any(_same(value, a) for a in argument) else [f"{where}: {value!r} not in {argument}"]
    )


def _const(value: Any, argument: Any, _s: Any, _r: Any, where: str) -> list[str]:
    return [] if _same(value, argument) else [f"{where}: expected {argument!r}, got {value!r}"]


def _same(a: Any, b: Any) -> bool:
    """JSON equality: 1 equals 1.0, but true is not 1."""
    if _TYPES["number"](a) and _TYPES["number"](b):
        return a == b
    return type(a) is type(b) and a == b


def _properties(value: Any, argument: dict[str, Any], _s: Any, root: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return []
    errors = []
    for key, sub in argument.items():
        if key in value:
            errors += _check(value[key], sub, root, f"{where}.{key}")
    return errors


def _required(value: Any, argument: list[str], _s: Any, _r: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return []
    return [f"{where}: missing '{key}'" for key in argument if key not in value]


def _additional(value: Any, argument: Any, schema: Any, root: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return []
    extra = [key for key in value if key not in schema.get("properties", {})]
    if argument is False:
        return [f"{where}: unexpected key '{key}'" for key in extra]
    return [e for key in extra for e in _check(value[key], argument, root, f"{where}.{key}")]


def _items(value: Any, argument: dict[str, Any], _s: Any, root: Any, where: str) -> list[str]:
    if not isinstance(value, list):
        return []
    return [
        e for i, item in enumerate(value) for e in _check(item, argument, root, f"{where}[{i}]")
    ]


def _ref_keyword(value: Any, argument: str, _s: Any, root: dict[str, Any], where: str) -> list[str]:
    if not argument.startswith("#/"):
        raise SchemaError(f"only local references are supported, got {argument}")
    target: Any = root
    for part in argument[2:].split("/"):
        target = target[part]
    return _check(value, target, root, where)


def _one_of(
    value: Any, argument: list[dict[str, Any]], _s: Any, root: Any, where: str
) -> list[str]:
    results = [_check(value, sub, root, where) for sub in argument]
    passing = sum(not r for r in results)
    if passing == 1:
        return []
    if passing > 1:
        return [f"{where}: matches {passing} alternatives of oneOf, not exactly one"]
    closest = min(results, key=len)
    return [f"{where}: matches no alternative of oneOf; closest: {closest[0]}", *closest[1:]]


def _bound(name: str, holds: Any) -> Any:
    def check(value: Any, argument: float, _s: Any, _r: Any, where: str) -> list[str]:
        if not _TYPES["number"](value) or holds(value, argument):
            return []
        return [f"{where}: {value} breaks {name} {argument}"]

    return check


def _length(name: str, holds: Any) -> Any:
    def check(value: Any, argument: int, _s: Any, _r: Any, where: str) -> list[str]:
        if not isinstance(value, list) or holds(len(value), argument):
            return []
        return [f"{where}: {len(value)} items breaks {name} {argument}"]

    return check


_KEYWORDS: dict[str, Any] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "properties": _properties,
    "required": _required,
    "additionalProperties": _additional,
    "items": _items,
    "$ref": _ref_keyword,
    "oneOf": _one_of,
    "minimum": _bound("minimum", lambda v, a: v >= a),
    "maximum": _bound("maximum", lambda v, a: v <= a),
    "minItems": _length("minItems", lambda n, a: n >= a),
    "maxItems": _length("maxItems", lambda n, a: n <= a),
}
