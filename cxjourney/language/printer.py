"""Model → canonical `.journey` text: the tree prints itself, as sqlglot's generator does.

`print_journey(journey)` writes a journey the way `fmt` lays a file out, so the text of
a model is already formatted, and reading it back builds the same model (a property test
holds every generated journey to both). The table of facts drives it: each block's
statements come in the order of `facts.of_block`, each value spelled as its attribute's
kind says (`spelling`: durations in the unit they fill or the next smaller one,
percentages, rates, windows of the week, busy densities) and left out when it is the
model's default, as a file that does not write it means.

A model keeps no comments, so they come separately, in `Notes`, by statement: the key
of a statement names it the way a reader would point at it:

    ("journey",)                          the journey's header line (above it: the file's top)
    ("journey", "horizon")                a journey setting
    ("persona", P) / ("persona", P, "share") / ("persona", P, "busy", i)
    ("stage", S)
    ("touchpoint", T) / ("touchpoint", T, "service") / ("touchpoint", T, "shifts", i)
    ("touchpoint", T, "event", E) / ("touchpoint", T, "recovers", i)
    ("flow",) / ("edge", A, B) / ("edge", A, B, P)  (an edge for persona P)
    ("scenario", S) / ("scenario", S, "cost") / ("scenario", S, i)  (its i-th change)
    ("loyalty",) / ("loyalty", key)
    ("use", path)

What the language cannot say is refused with `ValueError` rather than written wrongly:
a label with a line break, a distribution a scenario has scaled, a capacity a scenario
has shifted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import MISSING, dataclass, field, fields, replace

from ..model import (
    Belief,
    Change,
    Distribution,
    Edge,
    Event,
    Journey,
    Library,
    Persona,
    Recovery,
    Scenario,
    Shift,
    Stage,
    Touchpoint,
    Value,
)
from . import facts
from .fmt import INDENT
from .spelling import (
    quoted,
    written_distribution,
    written_duration,
    written_money,
    written_number,
    written_percent,
    written_rate,
    written_rate_range,
    written_signed,
    written_window,
)

Key = tuple[object, ...]


@dataclass
class Notes:
    """Comments to print with the statements they explain (see the module for the keys).

    `line[key]` ends the statement's line; `above[key]` stands on lines of their own
    before it, an empty string for a blank line. A `#` is added where a comment lacks one.
    """

    line: dict[Key, str] = field(default_factory=dict)
    above: dict[Key, list[str]] = field(default_factory=dict)


@dataclass
class _Statement:
    """One line to print, and for a block what it holds (None: not a block)."""

    text: str
    key: Key
    body: list[_Statement] | None = None
    gap: bool = False  # a blank line before it, between blocks


def print_journey(
    journey: Journey, notes: Notes | None = None, *, always: Iterable[str] = ()
) -> str:
    """The journey's canonical text. `always` names attributes written even at their
    default, as `block.name` (`touchpoint.expect`: an imported map shows what it assumes;
    `touchpoint.label`: a label that is the name).
    """
    return Printer(notes, always).journey(journey)


def print_library(library: Library, notes: Notes | None = None) -> str:
    """A persona library's canonical text: its personas and loyalty keys."""
    return Printer(notes).library(library)


class Printer:
    """Prints models; `statements` and `edge` print one statement, for a caller that
    splices it into a file of its own (`calibrate`)."""

    def __init__(self, notes: Notes | None = None, always: Iterable[str] = ()) -> None:
        self.notes = notes or Notes()
        self.always = frozenset(always)

    # ---- files ----------------------------------------------------------------------
    def journey(self, journey: Journey) -> str:
        top = [_Statement(f"use {quoted(path)}", ("use", path)) for path in journey.uses]
        own = _own if journey.uses else (lambda _: True)  # used personas stay in their file
        body = self._settings("journey", journey, ("journey",))
        body += [self._persona(p) for p in journey.personas if own(p.span)]
        body += self._stages(journey)
        if journey.flow is not None:
            body.append(self._flow(journey.flow))
        body += [self._scenario(s) for s in journey.scenarios]
        if journey.uses:
            keys = [k for k, span in journey.loyalty_spans.items() if _own(span)]
        else:
            keys = [
                a.name
                for a in facts.of_block("loyalty")
                if self._differs(journey.loyalty, a) or journey.loyalty.range_of(a.name)
            ]
        body += self._loyalty({k: journey.loyalty.setting(k) for k in keys})
        header = _Statement(f"journey {quoted(journey.title)}", ("journey",), body, gap=bool(top))
        return self._render([*top, header])

    def library(self, library: Library) -> str:
        blocks = [self._persona(p) for p in library.personas]
        blocks += self._loyalty({k: v for k, (v, _) in library.loyalty.items()})
        for block in blocks:
            block.gap = True
        return self._render(blocks)

    # ---- blocks ---------------------------------------------------------------------
    def _persona(self, persona: Persona) -> _Statement:
        key = ("persona", persona.id)
        body = self._settings("persona", persona, key)
        return _Statement(self._header("persona", persona.id, persona.label), key, body, gap=True)

    def _stages(self, journey: Journey) -> list[_Statement]:
        """Each stage with its touchpoints, which the journey keeps in stage order."""
        touchpoints = iter(journey.touchpoints)
        out = []
        for stage in journey.stages:
            held = [next(touchpoints, None) for _ in stage.touchpoints]
            if any(t is None or t.stage != stage.id for t in held):
                raise ValueError(f"stage '{stage.id}': its touchpoints are not the journey's")
            out.append(self._stage(stage, held))  # type: ignore[arg-type]
        if next(touchpoints, None) is not None:
            raise ValueError("a touchpoint is in no stage")
        return out

    def _stage(self, stage: Stage, touchpoints: list[Touchpoint]) -> _Statement:
        body = [self._touchpoint(t) for t in touchpoints]
        for touchpoint in body[1:]:
            touchpoint.gap = True
        return _Statement(
            self._header("stage", stage.id, stage.label), ("stage", stage.id), body, True
        )

    def _touchpoint(self, tp: Touchpoint) -> _Statement:
        key = ("touchpoint", tp.id)
        body = self._settings("touchpoint", tp, key)
        body += [_Statement(self.event(e), (*key, "event", e.id)) for e in tp.events]
        body += [
            _Statement(self.recovery(r), (*key, "recovers", i)) for i, r in enumerate(tp.recovers)
        ]
        return _Statement(self._header("touchpoint", tp.id, tp.label), key, body)

    def _flow(self, edges: tuple[Edge, ...]) -> _Statement:
        body = [_Statement(self.edge(e), edge_key(e)) for e in edges]
        return _Statement("flow", ("flow",), body, gap=True)

    def _scenario(self, scenario: Scenario) -> _Statement:
        key = ("scenario", scenario.id)
        body = []
        if scenario.cost_range is not None:
            low, high = scenario.cost_range.low, scenario.cost_range.high
            cost = f"{written_money(low)} .. {written_money(high)}"
            body.append(_Statement(f"cost {cost}", (*key, "cost")))
        elif scenario.cost:
            body.append(_Statement(f"cost {written_money(scenario.cost)}", (*key, "cost")))
        body += [_Statement(self.change(c), (*key, i)) for i, c in enumerate(scenario.changes)]
        return _Statement(
            self._header("scenario", scenario.id, scenario.label), key, body, gap=True
        )

    def _loyalty(self, settings: dict[str, object]) -> list[_Statement]:
        body = []
        for attribute in facts.of_block("loyalty"):
            if attribute.name in settings:
                setting = settings[attribute.name]
                text = f"{attribute.name} " + (
                    f"{self._plain_value(replace(attribute, unit=''), setting.low)} .. "
                    + self.value(attribute, setting.high)  # `referral 1% .. 4% per month`
                    if isinstance(setting, Belief)
                    else self.value(attribute, setting)
                )
                body.append(_Statement(text, ("loyalty", attribute.name)))
        return [_Statement("loyalty", ("loyalty",), body, gap=True)] if body else []

    def _header(self, kind: str, name: str, label: str) -> str:
        """`persona commuter "Commuter in a hurry"`; a label that is the name is not
        written, unless `always` names `KIND.label`."""
        if label == name and f"{kind}.label" not in self.always:
            return f"{kind} {name}"
        return f"{kind} {name} {quoted(label)}"

    # ---- statements -------------------------------------------------------------------
    def _settings(self, block: str, element: object, key: Key) -> list[_Statement]:
        """The block's statements in the order of the facts, each with its key."""
        out = []
        for attribute in facts.of_block(block):
            if not attribute.within:
                for suffix, text in self._attribute(block, element, attribute):
                    out.append(_Statement(text, (*key, *suffix)))
        return out

    def statements(self, block: str, element: object, name: str) -> list[str]:
        """The lines one attribute of `element` is written on (none at its default)."""
        attribute = facts.lookup(block, name)
        if attribute is None:
            raise KeyError(f"{block} has no attribute '{name}'")
        return [text for _, text in self._attribute(block, element, attribute)]

    def _attribute(
        self, block: str, element: object, attribute: facts.Attribute
    ) -> Iterator[tuple[Key, str]]:
        """(key suffix, text) of each line an attribute is written on."""
        value = getattr(element, attribute.model_field)
        parts = [a for a in facts.of_block(block) if a.within == attribute.name]
        if attribute.kind == "schedule":
            if self._written(block, element, attribute):
                for i, shift in enumerate(value):
                    yield (attribute.name, i), self.shift(attribute, shift)
        elif self._written(block, element, attribute):
            text = attribute.written
            belief = getattr(element, attribute.model_field + "_range", None)
            if belief is not None:  # a range of belief: `expect 3.5 .. 4.5`
                text += " " + self._range(attribute, belief)
            elif attribute.kind != "flag" or value != 2.0:  # `moment_of_truth` alone weighs 2
                text += " " + self.value(attribute, value)
            for part in parts:  # `visits every 30 days from bill`
                if part.kind != "schedule" and self._written(block, element, part):
                    text += (
                        f" {part.written} {self.value(part, getattr(element, part.model_field))}"
                    )
            yield (attribute.name,), text
        for part in parts:  # `capacity 4 mon-fri 8:00-18:00`, after the plain capacity if any
            if part.kind == "schedule" and self._written(block, element, part):
                for i, shift in enumerate(getattr(element, part.model_field)):
                    yield (part.name, i), self.shift(part, shift)

    def _written(self, block: str, element: object, attribute: facts.Attribute) -> bool:
        """Whether a file says it: a value other than the model's default (or `always`)."""
        value = getattr(element, attribute.model_field)
        if value is None or value == () or value == "":
            return False
        if getattr(element, attribute.model_field + "_range", None) is not None:
            return True  # a range whose middle is the default still says something
        return f"{block}.{attribute.name}" in self.always or self._differs(element, attribute)

    def _range(self, attribute: facts.Attribute, belief: Belief) -> str:
        """A range of belief as written: `3.5 .. 4.5`, `30 .. 50 per week`."""
        if attribute.kind == "rate":
            return written_rate_range(belief.low, belief.high)
        ends = [self._plain_value(attribute, x) for x in (belief.low, belief.high)]
        return f"{ends[0]} .. {ends[1]}"

    def _plain_value(self, attribute: facts.Attribute, x: float) -> str:
        """One end of a range of belief, written as the attribute's single number would be."""
        return self.value(
            attribute, Distribution.constant(x) if attribute.kind == "distribution" else x
        )

    @staticmethod
    def _differs(element: object, attribute: facts.Attribute) -> bool:
        default = _defaults(type(element)).get(attribute.model_field, MISSING)
        return default is MISSING or getattr(element, attribute.model_field) != default

    def value(self, attribute: facts.Attribute, value: object) -> str:
        """A value as its attribute's kind is written."""
        kind = attribute.kind
        if kind == "text":
            return quoted(str(value))
        if kind in ("identifier", "choice"):
            return str(value)
        if kind == "channels":
            return ", ".join(value)  # type: ignore[call-overload]
        if kind == "shift":
            return written_signed(value)  # type: ignore[arg-type]
        if kind == "money":
            return written_money(value)  # type: ignore[arg-type]
        if kind == "percent":
            text = written_percent(value)  # type: ignore[arg-type]
            return text + " per month" if attribute.per_month else text
        if kind == "duration":
            return written_duration(value)  # type: ignore[arg-type]
        if kind == "rate":
            return written_rate(value)  # type: ignore[arg-type]
        if kind == "distribution":
            return written_distribution(value, time=attribute.unit == "minutes")  # type: ignore[arg-type]
        return written_number(value)  # type: ignore[arg-type]  # rating, count, number, flag

    def shift(self, attribute: facts.Attribute, shift: Shift) -> str:
        """A line of a schedule: `busy mon-fri 9:00-12:00 3x`, `capacity 4 sat 9:00-17:00`."""
        if shift.op != "=":
            raise ValueError(f"a scenario's '{shift.op}' on a schedule has no line of its own")
        value, window = written_number(shift.value), written_window(shift.window)
        if attribute.within:  # a value in a window, written after the value
            return f"{attribute.written} {value} {window}"
        return f"{attribute.written} {window} {value}x"

    def event(self, event: Event, name: str = "") -> str:
        """`delighter usual "Barista starts my usual" chance 12% impact +1.5`."""
        name = name or event.id
        label = f" {quoted(event.label)}" if event.label != name.rpartition(".")[2] else ""
        chance = written_percent(event.chance)
        if event.chance_range is not None:
            low, high = event.chance_range.low, event.chance_range.high
            chance = f"{written_percent(low)} .. {written_percent(high)}"
        impact = written_signed(event.impact)
        if event.impact_range is not None:
            low, high = event.impact_range.low, event.impact_range.high
            impact = f"{written_signed(low)} .. {written_signed(high)}"
        return f"{event.kind} {name}{label} chance {chance} impact {impact}"

    def recovery(self, recovery: Recovery) -> str:
        targets = ", ".join(".".join(target) for target in recovery.targets)
        chance = written_percent(recovery.chance)
        if recovery.chance_range is not None:
            low, high = recovery.chance_range.low, recovery.chance_range.high
            chance = f"{written_percent(low)} .. {written_percent(high)}"
        return f"recovers {targets} chance {chance}"

    def edge(self, edge: Edge) -> str:
        """`bill -> support 20% after exp(3 days) for classic`."""
        text = f"{edge.source} -> {edge.target}"
        if edge.probability_range is not None:
            low, high = edge.probability_range.low, edge.probability_range.high
            text += f" {written_percent(low)} .. {written_percent(high)}"
        elif edge.probability is not None:
            text += " " + written_percent(edge.probability)
        for attribute in facts.of_block("edge"):
            value = getattr(edge, attribute.model_field)
            belief = getattr(edge, attribute.model_field + "_range", None)
            if belief is not None:
                text += f" {attribute.written} {self._range(attribute, belief)}"
            elif value is not None:
                text += f" {attribute.written} {self.value(attribute, value)}"
        return f"{text} for {edge.persona}" if edge.persona else text

    def change(self, change: Change) -> str:
        """A scenario's line: `counter.capacity += 2 mon-fri 9:00-12:00`, `cost` aside."""
        path = ".".join(change.path)
        if change.kind == "add" and change.event is not None:
            return "add " + self.event(change.event, path)
        if change.kind == "remove":
            return f"remove {path}"
        if change.value is None:
            raise ValueError(f"the change of {path} has no value")
        if change.kind == "flow":
            source, target = change.path
            spell = written_number if change.op == "*=" else written_percent
            value = spell(change.value.number)
            if change.value.range is not None:
                value = f"{spell(change.value.range.low)} .. {spell(change.value.range.high)}"
            line = f"flow {source} -> {target} {change.op} {value}"
            return f"{line} for {change.persona}" if change.persona else line
        attribute = facts.scenario_attribute(change.path[-1])
        every = "every " if change.path[-1] == "visits" and change.op != "*=" else ""
        line = f"{path} {change.op} {every}{self._change_value(change.value, attribute, change.op)}"
        return f"{line} {written_window(change.window)}" if change.window is not None else line

    def _change_value(self, value: Value, attribute: facts.Attribute | None, op: str) -> str:
        if value.range is not None:  # `*= 0.6 .. 0.8`, `+= 10 .. 20 per week`
            if op == "*=":
                return f"{written_number(value.range.low)} .. {written_number(value.range.high)}"
            if attribute is None:
                raise ValueError("a change of no attribute a scenario may set has no text")
            return self._range(attribute, value.range)
        if op == "*=":
            return written_number(value.number)
        if attribute is None or value.kind == "unknown":
            raise ValueError("a change of no attribute a scenario may set has no text")
        if value.kind == "distribution" and value.distribution is not None:
            return written_distribution(value.distribution, time=attribute.unit == "minutes")
        return self.value(attribute, value.number)

    # ---- layout ---------------------------------------------------------------------
    def _render(self, statements: list[_Statement]) -> str:
        out: list[str] = []
        self._emit(statements, 0, out)
        return "\n".join(out) + "\n" if out else ""

    def _emit(self, statements: list[_Statement], depth: int, out: list[str]) -> None:
        """`fmt`'s layout: blank lines between blocks, at most one in a row, none where a
        block or the file begins; two spaces before a comment ending a line."""
        indent = INDENT * depth
        for index, statement in enumerate(statements):
            starts = not out if depth == 0 else index == 0  # a block or the file begins
            above = [entry.strip() for entry in self.notes.above.get(statement.key, [])]
            for entry in ([""] if statement.gap else []) + above:
                if entry:
                    out.append(indent + _comment(entry))
                    starts = False
                elif not starts and out[-1]:
                    out.append("")
            line = indent + statement.text
            comment = self.notes.line.get(statement.key, "")
            if statement.body is None:
                out.append(_with_comment(line, comment))
            elif not statement.body:
                out.append(_with_comment(line + " { }", comment))
            else:
                out.append(_with_comment(line + " {", comment))
                self._emit(statement.body, depth + 1, out)
                out.append(indent + "}")


def edge_key(edge: Edge) -> Key:
    """The key of an edge's line in `Notes`."""
    key: Key = ("edge", edge.source, edge.target)
    return (*key, edge.persona) if edge.persona else key


def _own(span: object) -> bool:
    """Written in this file, not in a used one."""
    return not getattr(span, "file", "")


def _comment(text: str) -> str:
    if "\n" in text or "\r" in text:
        raise ValueError(f"a comment is one line: {text!r}")
    text = text.strip()
    return text if text.startswith("#") else "# " + text


def _with_comment(line: str, comment: str) -> str:
    return f"{line}  {_comment(comment)}" if comment else line


_DEFAULTS: dict[type, dict[str, object]] = {}


def _defaults(cls: type) -> dict[str, object]:
    """A model class's default of each field (MISSING when it has none)."""
    if cls not in _DEFAULTS:
        _DEFAULTS[cls] = {
            f.name: f.default if f.default is not MISSING else MISSING for f in fields(cls)
        }
    return _DEFAULTS[cls]
