"""A semantic diff of two versions of a journey: what changed in the model, not the text.

Elements are matched by identifier (touchpoints, personas, stages, scenarios), by
`touchpoint.event`, and by `source -> target [for persona]` for flow edges, so moving
a block, reformatting or rewording a comment is no change, while `capacity 2` → `3`
is one. Values are compared in canonical units (a horizon of `26 weeks` equals one of
`182 days`) and shown as the language writes them. `decide/versions.py` adds what the
change does to the forecast; `render/diff_text.py` and `render/diff_markdown.py` word it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from typing import Any

from ..model import (
    LOYALTY_KEYS,
    Distribution,
    Edge,
    Journey,
    Library,
    Persona,
    Touchpoint,
    to_plain,
)
from . import facts, spelling

ELEMENTS = ("journey", "persona", "stage", "touchpoint", "event", "edge", "scenario", "loyalty")
HEADINGS = {
    "journey": "journey",
    "persona": "personas",
    "stage": "stages",
    "touchpoint": "touchpoints",
    "event": "delighters and disappointers",
    "edge": "flow",
    "scenario": "scenarios",
    "loyalty": "loyalty",
}
SYMBOL = {"added": "+", "removed": "-", "changed": "~"}


@dataclass(frozen=True)
class Difference:
    """One element added or removed, or one attribute of it changed.

    `old` and `new` are canonical values as `export --to json` writes them; the
    `*_text` fields are the same values as a `.journey` file spells them.
    """

    change: str  # added | removed | changed
    element: str  # one of ELEMENTS
    key: str  # "counter", "counter.wrong", "ad -> app for commuter", "negativity"
    attribute: str | None = None
    old: Any = None
    new: Any = None
    old_text: str = ""
    new_text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "change": self.change,
            "element": self.element,
            "id": self.key,
            "attribute": self.attribute,
            "old": self.old,
            "new": self.new,
            "old_text": self.old_text or None,
            "new_text": self.new_text or None,
        }


Model = Journey | Library | None

# ---- attributes of each element, and how each is spelled ----------------------------

Spell = Callable[[Any], str]


@dataclass(frozen=True)
class Attribute:
    """How one attribute reads: its keyword, its spelling, and what `None` means."""

    word: str
    spell: Spell
    unset: str = "(none)"
    paired: bool = False  # both sides share a unit (durations, rates)

    def pair(self, a: Any, b: Any) -> tuple[str, str]:
        if self.paired and a is not None and b is not None:
            return self.spell(a, together=[b]), self.spell(b, together=[a])  # type: ignore[call-arg]
        return self.text(a), self.text(b)

    def text(self, value: Any) -> str:
        return self.unset if value is None else self.spell(value)


def _names(value: tuple[str, ...]) -> str:
    return ", ".join(value) if value else "(none)"


def _rating(d: Any) -> str:
    return spelling.distribution(d, time=False)


def _time(d: Any) -> str:
    return spelling.distribution(d, time=True)


def _spelling_of(fact: facts.Attribute) -> tuple[Spell, bool]:
    """How a value of the attribute's kind is spelled, and whether pairs share a unit."""
    kind = fact.kind
    if kind == "schedule":
        suffix = "x" if fact.name == "busy" else ""
        return (lambda shifts: spelling.schedule(shifts, suffix=suffix)), False
    if kind == "distribution":
        return (_time if fact.unit == "minutes" else _rating), False
    paired = kind in ("duration", "rate")
    return _SPELLINGS.get(kind, spelling.number), paired


_SPELLINGS: dict[str, Spell] = {
    "text": spelling.quoted,
    "identifier": str,
    "channels": _names,
    "percent": spelling.percent,
    "duration": spelling.duration,
    "rate": spelling.rate,
    "money": spelling.money,
    "shift": spelling.signed,
    "choice": str,
}


#: How a diff names the attributes that are part of another statement, or whose keyword
#: alone would not say what changed.
_WORDS = {
    "repeat_from": "repeat journeys start at",
    "shifts": "capacity by time of week",
    "busy": "busy hours",
}


def _table(block: str, **structural: Attribute) -> dict[str, Attribute]:
    """An element's attributes by model field: its structure first, then the facts."""
    table = dict(structural)
    for fact in facts.of_block(block):
        spell, paired = _spelling_of(fact)
        unset = f"({fact.absent})" if fact.absent else "(none)"
        word = _WORDS.get(fact.model_field, fact.written)
        table[fact.model_field] = Attribute(word, spell, unset, paired)
    return table


_LABEL = Attribute("label", spelling.quoted)
JOURNEY_ATTRIBUTES = {
    **_table("journey", title=Attribute("title", spelling.quoted)),
    "uses": Attribute("use", _names),
}
PERSONA_ATTRIBUTES = _table("persona", label=_LABEL)
TOUCHPOINT_ATTRIBUTES = _table("touchpoint", label=_LABEL, stage=Attribute("stage", str))
EVENT_ATTRIBUTES = _table("event", label=_LABEL, kind=Attribute("kind", str))
# Attributes an added persona lists only when they differ from the model's defaults.
_DEFAULTS = {
    f.name: f.default
    for f in fields(Persona)
    if f.name in PERSONA_ATTRIBUTES and f.default not in (None, MISSING)
}


# ---- comparing ---------------------------------------------------------------------


def compare(old: Model, new: Model) -> list[Difference]:
    """Every difference between two versions, grouped by element in `ELEMENTS` order."""
    found: list[Difference] = []
    old_j, new_j = _journey(old), _journey(new)
    if old_j is not None and new_j is not None:
        found += _attributes("journey", "journey", old_j, new_j, JOURNEY_ATTRIBUTES)
        found += _order("journey", "journey", "stage order", _stage_ids(old_j), _stage_ids(new_j))
    found += _personas(_personas_of(old), _personas_of(new))
    found += _stages(old_j, new_j)
    found += _touchpoints(old_j, new_j)
    found += _events(old_j, new_j)
    found += _edges(old_j, new_j)
    found += _scenarios(old_j, new_j)
    found += _loyalty(_loyalty_of(old), _loyalty_of(new))
    rank = {e: i for i, e in enumerate(ELEMENTS)}
    return sorted(found, key=lambda d: rank[d.element])


def _stage_ids(journey: Journey) -> list[str]:
    return [s.id for s in journey.stages]


def _journey(model: Model) -> Journey | None:
    return model if isinstance(model, Journey) else None


def _personas_of(model: Model) -> tuple[Persona, ...]:
    return () if model is None else model.personas


def _loyalty_of(model: Model) -> dict[str, Any]:
    """The keys as written: a range of belief as its ends (`{"low": .., "high": ..}`)."""
    if isinstance(model, Journey):
        return {key: to_plain(model.loyalty.setting(key)) for key in LOYALTY_KEYS}
    if isinstance(model, Library):
        return {key: to_plain(value) for key, (value, _) in model.loyalty.items()}
    return {}


def _attributes(
    element: str, key: str, old: Any, new: Any, table: dict[str, Attribute]
) -> list[Difference]:
    found = []
    for field, attribute in table.items():
        a, b = getattr(old, field), getattr(new, field)
        ranges = getattr(old, field + "_range", None), getattr(new, field + "_range", None)
        if to_plain(a) != to_plain(b) or to_plain(ranges[0]) != to_plain(ranges[1]):
            old_text, new_text = attribute.pair(a, b)
            old_text = _ranged(attribute, old_text, ranges[0], a)
            new_text = _ranged(attribute, new_text, ranges[1], b)
            a, b = _with_range(a, ranges[0]), _with_range(b, ranges[1])
            found.append(
                Difference(
                    "changed",
                    element,
                    key,
                    attribute.word,
                    to_plain(a),
                    to_plain(b),
                    old_text,
                    new_text,
                )
            )
    return found


def _ranged(attribute: Attribute, text: str, belief: Any, value: Any) -> str:
    """A value's text, or its range of belief's (`30 per week .. 50 per week`)."""
    if belief is None:
        return text
    if isinstance(value, Distribution):  # a constant written as a range
        ends = [Distribution.constant(x) for x in (belief.low, belief.high)]
    elif attribute.paired:  # durations and rates: both ends in one unit
        kind = "rate" if attribute.spell is spelling.rate else "duration"
        return spelling.ranged(kind, belief.low, belief.high)
    else:
        ends = [belief.low, belief.high]
    return f"{attribute.text(ends[0])} .. {attribute.text(ends[1])}"


def _with_range(value: Any, belief: Any) -> Any:
    """The value a JSON diff carries: the range's ends beside its middle, when it has one."""
    if belief is None:
        return value
    return {"value": to_plain(value), "low": belief.low, "high": belief.high}


def _order(element: str, key: str, word: str, old: list[str], new: list[str]) -> list[Difference]:
    """The relative order of what both versions have (additions are reported apart)."""
    common = set(old) & set(new)
    a = [x for x in old if x in common]
    b = [x for x in new if x in common]
    if a == b:
        return []
    return [Difference("changed", element, key, word, a, b, ", ".join(a), ", ".join(b))]


def _added_removed(
    element: str, old: dict[str, Any], new: dict[str, Any], summary: Callable[[Any], str]
) -> list[Difference]:
    found = []
    for key, item in old.items():
        if key not in new:
            found.append(
                Difference("removed", element, key, None, to_plain(item), None, summary(item))
            )
    for key, item in new.items():
        if key not in old:
            found.append(
                Difference("added", element, key, None, None, to_plain(item), "", summary(item))
            )
    return found


def _personas(old: tuple[Persona, ...], new: tuple[Persona, ...]) -> list[Difference]:
    a, b = {p.id: p for p in old}, {p.id: p for p in new}
    found = _added_removed("persona", a, b, _persona_summary)
    for key in a.keys() & b.keys():
        found += _attributes("persona", key, a[key], b[key], PERSONA_ATTRIBUTES)
    return _in_order(found, [*a, *b])


def _stages(old: Journey | None, new: Journey | None) -> list[Difference]:
    a = {s.id: s for s in old.stages} if old else {}
    b = {s.id: s for s in new.stages} if new else {}
    found = _added_removed("stage", a, b, lambda s: spelling.quoted(s.label))
    for key in a.keys() & b.keys():
        if a[key].label != b[key].label:
            found.append(
                Difference(
                    "changed",
                    "stage",
                    key,
                    "label",
                    a[key].label,
                    b[key].label,
                    spelling.quoted(a[key].label),
                    spelling.quoted(b[key].label),
                )
            )
        found += _order(
            "stage", key, "touchpoint order", list(a[key].touchpoints), list(b[key].touchpoints)
        )
    return _in_order(found, [*a, *b])


def _touchpoints(old: Journey | None, new: Journey | None) -> list[Difference]:
    a = {t.id: t for t in old.touchpoints} if old else {}
    b = {t.id: t for t in new.touchpoints} if new else {}
    found = _added_removed("touchpoint", a, b, _touchpoint_summary)
    for key in a.keys() & b.keys():
        found += _attributes("touchpoint", key, a[key], b[key], TOUCHPOINT_ATTRIBUTES)
        old_lines = [_recovery(r) for r in a[key].recovers]
        new_lines = [_recovery(r) for r in b[key].recovers]
        found += _lines("touchpoint", key, "recovers", old_lines, new_lines)
    return _in_order(found, [*a, *b])


def _events(old: Journey | None, new: Journey | None) -> list[Difference]:
    def table(j: Journey | None) -> dict[str, Any]:
        return {f"{t.id}.{e.id}": e for t in (j.touchpoints if j else ()) for e in t.events}

    a, b = table(old), table(new)
    found = _added_removed("event", a, b, _event_summary)
    for key in a.keys() & b.keys():
        found += _attributes("event", key, a[key], b[key], EVENT_ATTRIBUTES)
    return _in_order(found, [*a, *b])


def _edges(old: Journey | None, new: Journey | None) -> list[Difference]:
    a = {_edge_key(e): e for e in _effective_edges(old)}
    b = {_edge_key(e): e for e in _effective_edges(new)}
    found = _added_removed("edge", a, b, _edge_summary)
    for key in a.keys() & b.keys():
        p, q = a[key].probability, b[key].probability
        ranges = a[key].probability_range, b[key].probability_range
        if p != q or to_plain(ranges[0]) != to_plain(ranges[1]):
            shown = Attribute("probability", spelling.percent, "(shares the rest)")
            texts = [
                _ranged(shown, shown.text(x), r, x) for x, r in zip((p, q), ranges, strict=True)
            ]
            p, q = _with_range(p, ranges[0]), _with_range(q, ranges[1])
            found.append(Difference("changed", "edge", key, None, p, q, *texts))
        d, e = a[key].after, b[key].after
        if to_plain(d) != to_plain(e):
            delay = Attribute("delay", _time, "(none)")
            found.append(
                Difference(
                    "changed", "edge", key, "delay", to_plain(d), to_plain(e),
                    delay.text(d), delay.text(e),
                )
            )  # fmt: skip
    return _in_order(found, [*a, *b])


def _effective_edges(journey: Journey | None) -> tuple[Edge, ...]:
    """The flow as routing sees it: an explicit flow starts at the first touchpoint too."""
    if journey is None:
        return ()
    edges = journey.edges
    if journey.touchpoints and not any(e.source == "start" for e in edges):
        edges = (Edge("start", journey.touchpoints[0].id), *edges)
    return edges


def _edge_key(edge: Edge) -> str:
    key = f"{edge.source} -> {edge.target}"
    return f"{key} for {edge.persona}" if edge.persona else key


def _scenarios(old: Journey | None, new: Journey | None) -> list[Difference]:
    a = {s.id: s for s in old.scenarios} if old else {}
    b = {s.id: s for s in new.scenarios} if new else {}
    found = _added_removed("scenario", a, b, _scenario_summary)
    for key in a.keys() & b.keys():
        x, y = a[key], b[key]
        if x.label != y.label:
            found.append(
                Difference(
                    "changed",
                    "scenario",
                    key,
                    "label",
                    x.label,
                    y.label,
                    spelling.quoted(x.label),
                    spelling.quoted(y.label),
                )
            )
        if x.cost != y.cost or to_plain(x.cost_range) != to_plain(y.cost_range):
            texts = [
                spelling.money(s.cost)
                if s.cost_range is None
                else spelling.ranged("money", s.cost_range.low, s.cost_range.high)
                for s in (x, y)
            ]
            found.append(
                Difference(
                    "changed",
                    "scenario",
                    key,
                    "cost",
                    _with_range(x.cost, x.cost_range),
                    _with_range(y.cost, y.cost_range),
                    *texts,
                )
            )
        old_lines = [spelling.change(c) for c in x.changes]
        new_lines = [spelling.change(c) for c in y.changes]
        found += _lines("scenario", key, "changes", old_lines, new_lines)
    return _in_order(found, [*a, *b])


def _lines(element: str, key: str, word: str, old: list[str], new: list[str]) -> list[Difference]:
    """Lines of a list (scenario changes, recoveries) taken out and put in, in order."""
    found = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for line in old[i1:i2]:
            found.append(Difference("changed", element, key, word, line, None, line, ""))
        for line in new[j1:j2]:
            found.append(Difference("changed", element, key, word, None, line, "", line))
    return found


def _loyalty(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    found = []
    for key in [*old, *(k for k in new if k not in old)]:
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        spell = _loyalty_spelling(key)
        change = (
            "changed" if a is not None and b is not None else "added" if a is None else "removed"
        )
        found.append(
            Difference(
                change,
                "loyalty",
                key,
                None,
                a,
                b,
                "" if a is None else spell(a),
                "" if b is None else spell(b),
            )
        )
    return found


def _loyalty_spelling(key: str) -> Spell:
    """A key's value, or its range (`1% .. 4% per month`: the unit once, at the end)."""
    one = _loyalty_value_spelling(key)
    fact = facts.lookup("loyalty", key)
    low = spelling.percent if fact is not None and fact.kind == "percent" else one
    return lambda v: f"{low(v['low'])} .. {one(v['high'])}" if isinstance(v, dict) else one(v)


def _loyalty_value_spelling(key: str) -> Spell:
    fact = facts.lookup("loyalty", key)
    if fact is not None and fact.kind == "percent":
        per_month = " per month" if fact.per_month else ""
        return lambda v: spelling.percent(v) + per_month
    if fact is not None and fact.kind == "choice":
        return str
    return spelling.number


def _in_order(found: list[Difference], keys: list[str]) -> list[Difference]:
    """Differences in the order the elements are written (old version first)."""
    rank = {key: i for i, key in reversed(list(enumerate(keys)))}
    kinds = {"removed": 0, "added": 1, "changed": 2}
    return sorted(found, key=lambda d: (rank.get(d.key, len(rank)), kinds[d.change]))


# ---- summaries of added and removed elements ------------------------------------------


def _persona_summary(p: Persona) -> str:
    return _labelled(p.label, _set_attributes(p, PERSONA_ATTRIBUTES))


def _touchpoint_summary(t: Touchpoint) -> str:
    """Its attributes and recoveries (its events are listed with the other events)."""
    parts = _set_attributes(t, TOUCHPOINT_ATTRIBUTES)
    return _labelled(t.label, parts + [_recovery(r) for r in t.recovers])


def _event_summary(e: Any) -> str:
    return _labelled(
        e.label,
        [e.kind, f"chance {spelling.percent(e.chance)}", f"impact {spelling.signed(e.impact)}"],
    )


def _labelled(label: str, parts: list[str]) -> str:
    return f"{spelling.quoted(label)}: " + ", ".join(parts) if parts else spelling.quoted(label)


def _set_attributes(item: Any, table: dict[str, Attribute]) -> list[str]:
    """`label "X", share 60%, ...`: the attributes an element sets, as written."""
    parts = []
    for field, attribute in table.items():
        value = getattr(item, field)
        if value == ():  # no lines of a schedule
            continue
        if field != "label" and value is not None and value != _DEFAULTS.get(field, object()):
            parts.append(f"{attribute.word} {attribute.spell(value)}")
    return parts


def _recovery(r: Any) -> str:
    targets = ", ".join(".".join(t) for t in r.targets)
    return f"recovers {targets} chance {spelling.percent(r.chance)}"


def _edge_summary(e: Edge) -> str:
    parts = [] if e.probability is None else [spelling.percent(e.probability)]
    if e.after is not None:
        parts.append(f"after {_time(e.after)}")
    return " ".join(parts)


def _scenario_summary(s: Any) -> str:
    lines = [f"cost {spelling.money(s.cost)}", *(spelling.change(c) for c in s.changes)]
    return f"{spelling.quoted(s.label)}: " + "; ".join(lines)  # changes may hold commas


# ---- output ---------------------------------------------------------------------------


def document(
    old_name: str, new_name: str, found: list[Difference], prediction: dict[str, Any] | None
) -> dict[str, Any]:
    """The diff as JSON: `format`, the two names, the changes, a count, the forecast."""
    out: dict[str, Any] = {
        "format": "cxjourney-diff",
        "version": 1,
        "old": old_name,
        "new": new_name,
        "changes": [d.as_dict() for d in found],
        "summary": {kind: sum(d.change == kind for d in found) for kind in SYMBOL},
    }
    if prediction is not None:
        out["forecast"] = prediction
    return out
