"""Syntax tree → model, converting values to canonical units as it goes.

The builder reports what it cannot represent (a missing or unknown unit, a bad
number, a statement given twice, a construct in the wrong place); every rule about
ranges, names and the flow is left to `cxjourney.language.checks`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from lark import Token, Transformer, Tree, v_args

from ..model import (
    DAY_MINUTES,
    DAY_NAMES,
    SLOT_MINUTES,
    Belief,
    Change,
    Distribution,
    Edge,
    Event,
    Journey,
    Library,
    Loyalty,
    Persona,
    Recovery,
    Scenario,
    Shift,
    Stage,
    Touchpoint,
    Value,
    Window,
)
from . import facts, units
from .diagnostics import Reporter, Span, did_you_mean

NAN = float("nan")
#: A flow edge's probability is written as a chance is: a percentage.
_PROBABILITY = facts.lookup("event", "chance")
#: The trees of a range of belief: `1 .. 3`, `5% .. 15%`, `30 .. 50 per week`.
_BELIEFS = ("belief", "chance_belief", "rate_belief")
_EDGE_AFTER = facts.lookup("edge", "after")
#: Words for sets of days in a window, besides the day names.
DAY_WORDS = {"weekdays": (0, 1, 2, 3, 4), "weekends": (5, 6), "daily": tuple(range(7))}


@dataclass
class Document:
    """What one file holds: its `use` lines, and a journey or a persona library."""

    uses: list[tuple[str, Span]] = field(default_factory=list)
    journey: Journey | None = None
    library: Library | None = None


def first_token(tree: Tree) -> Token | None:
    """The leftmost token: every rule's first child is a token or a tree that has one."""
    node: Tree | Token = tree
    while isinstance(node, Tree):
        if not node.children:
            return None
        node = node.children[0]
    return node


def span_of(item: Tree | Token) -> Span:
    """Where a token, or a value's first token, stands."""
    token = item if isinstance(item, Token) else first_token(item)
    if token is None:
        return Span(1, 1)
    return Span(token.line or 1, token.column or 1)


def _written(tree: Tree) -> str:
    """A value's tokens as written, one space apart (for messages)."""
    return " ".join(str(t) for t in tree.scan_values(lambda _: True))


def _bounds(attribute: facts.Attribute) -> str:
    """`between 1 and 5`, `at least 0`, `at most 1`: the values an attribute takes."""
    low, high = attribute.low, attribute.high
    if low is not None and high is not None:
        return f"between {low:g} and {high:g}"
    return f"at least {low:g}" if low is not None else f"at most {high:g}"


def unquote(token: Token) -> str:
    return str(token)[1:-1].replace('\\"', '"').replace("\\\\", "\\")


@dataclass(frozen=True)
class _BuiltStage:
    """A stage and its touchpoints, as the journey receives them."""

    stage: Stage
    touchpoints: tuple[Touchpoint, ...]


class Builder(Transformer):
    """Builds the model of one file; `lines` is its text, for statements' positions.

    A Lark transformer, so it works bottom-up: each block of the grammar (persona,
    touchpoint, stage, scenario, journey, the file) has a method of its name that
    receives its parts already built, and delighters, disappointers and recoveries are
    built where they stand. A one-value statement (`share`, `flow { }`, `loyalty { }`...)
    stays a tree until its block converts it, so a statement given twice is reported
    once and never converted. Value rules (`quantity`, `amount`, `rate`...) have no
    methods: they are converted by the statement that knows their unit.
    """

    #: The rules that build a model element; every other subtree (a statement, a value)
    #: reaches its block as it was parsed, and is converted there.
    BUILT = frozenset(
        {"start", "journey", "persona", "stage", "touchpoint", "event", "recovers", "scenario"}
    )

    def __init__(self, reporter: Reporter, file: str = "", lines: list[str] | None = None) -> None:
        super().__init__(visit_tokens=False)
        self.reporter = reporter
        self.file = file
        self.lines = lines or []
        self._last = Span(1, 1)

    def _transform_tree(self, tree: Tree) -> object:
        """Descend only into blocks (Lark's hook; the rest would be rebuilt for nothing)."""
        if tree.data not in self.BUILT:
            return tree
        return super()._transform_tree(tree)

    def line_span(self, tree: Tree) -> Span:
        """A statement starts its line: the line's first character after indentation.

        Trees carry no positions (propagating them costs a third of parsing time);
        one statement per line makes the line's start the statement's position. A
        block without a token of its own (an empty `flow { }`) takes the position of
        the statement before it.
        """
        token = first_token(tree)
        if token is None or not token.line:
            return self._last
        text = self.lines[token.line - 1] if token.line <= len(self.lines) else ""
        self._last = Span(token.line, len(text) - len(text.lstrip()) + 1)
        return self._last

    def _passed(self, span: Span) -> Span:
        """A block built earlier is passed in its block's order: it is the latest statement."""
        self._last = span
        return span

    # ---- the file ---------------------------------------------------------
    def document(self, tree: Tree) -> Document:
        """The file's model. A second journey is reported where it stands, and not built."""
        journeys = 0
        items = []
        for item in tree.children:
            if item.data == "journey":
                journeys += 1
                item = Tree("second_journey", [item]) if journeys > 1 else item
            items.append(item)
        return self.transform(Tree("start", items))

    def start(self, items: list[Tree | Journey | Persona]) -> Document:
        self._last = Span(1, 1)  # the file's statements are passed in order from its start
        doc = Document()
        personas: list[Persona] = []
        loyalty: dict[str, tuple[object, Span]] = {}
        loyalty_seen: Span | None = None
        for item in items:
            match item:
                case Journey():
                    doc.journey = item
                    self._passed(item.span)
                case Persona():
                    personas.append(item)
                    self._passed(item.span)
                case Tree(data="second_journey"):
                    self.reporter.error(
                        self.line_span(item.children[0]),
                        "a file holds one journey; this is a second one",
                        "move it to a file of its own",
                    )
                case Tree(data="use"):
                    if doc.journey is not None or personas or loyalty_seen:
                        self.reporter.error(
                            self.line_span(item),
                            "'use' lines must come first, before anything else",
                        )
                    doc.uses.append((unquote(item.children[0]), span_of(item.children[0])))
                case Tree(data="loyalty"):
                    if loyalty_seen is not None:
                        self.reporter.error(
                            self.line_span(item), "a file has at most one loyalty block"
                        )
                    loyalty_seen = self.line_span(item)
                    loyalty.update(self.loyalty_settings(item))
        if doc.journey is not None:
            for p in personas:
                self.reporter.error(
                    p.span,
                    f"persona '{p.id}' is outside the journey",
                    "move it inside journey { } or into a file that the journey uses",
                )
            if loyalty_seen is not None:
                self.reporter.error(loyalty_seen, "the loyalty block is outside the journey")
        elif personas or loyalty_seen is not None:
            doc.library = Library(tuple(personas), loyalty, self.file)
        return doc

    # ---- journey ------------------------------------------------------------
    @v_args(tree=True)
    def journey(self, tree: Tree) -> Journey:
        self.line_span(tree)  # its statements are passed in order from its header
        title = unquote(tree.children[0])
        seen: dict[str, Span] = {}
        values: dict[str, object] = {}
        personas: list[Persona] = []
        stages: list[Stage] = []
        touchpoints: list[Touchpoint] = []
        scenarios: list[Scenario] = []
        flow: list[Edge] | None = None
        loyalty: dict[str, tuple[object, Span]] = {}
        loyalty_spans: dict[str, Span] = {}
        for item in tree.children[1:]:
            match item:
                case Persona():
                    personas.append(item)
                    self._passed(item.span)
                case _BuiltStage():
                    stages.append(item.stage)
                    touchpoints.extend(item.touchpoints)
                    self._passed(item.stage.span)
                case Scenario():
                    scenarios.append(item)
                    self._passed(item.span)
                case Tree(data=kind):  # a statement the journey holds once
                    if not self._once(seen, kind, self.line_span(item), "journey"):
                        continue
                    if kind == "flow":
                        flow = [self._edge(e) for e in item.children]
                    elif kind == "loyalty":
                        loyalty = self.loyalty_settings(item)
                        loyalty_spans = {k: s for k, (_, s) in loyalty.items()}
                    else:
                        attribute = facts.lookup("journey", kind)
                        assert attribute is not None, kind  # the grammar allows only these
                        seen[kind + "@"] = span_of(item.children[0])
                        values[attribute.model_field] = self.attribute_value(attribute, item)
        return Journey(
            title=title,
            personas=tuple(personas),
            stages=tuple(stages),
            touchpoints=tuple(touchpoints),
            flow=None if flow is None else tuple(flow),
            scenarios=tuple(scenarios),
            loyalty=Loyalty.of({k: v for k, (v, _) in loyalty.items()}),
            loyalty_spans=loyalty_spans,
            file=self.file,
            span=self.line_span(tree),
            spans=seen,
            **values,  # type: ignore[arg-type]
        )

    def _once(self, seen: dict[str, Span], key: str, span: Span, where: str) -> bool:
        if key in seen:
            first = seen[key]
            self.reporter.error(
                span,
                f"'{key}' is given twice in this {where} (first on line {first.line})",
                "keep one",
            )
            return False
        seen[key] = span
        return True

    # ---- persona ------------------------------------------------------------
    @v_args(tree=True)
    def persona(self, tree: Tree) -> Persona:
        pid, label, items = self._header(tree)
        seen: dict[str, Span] = {}
        values: dict[str, object] = {}
        busy: list[Shift] = []
        for item in items:
            kind = item.data
            if kind == "busy":  # one line per window, applied in order
                span = self.line_span(item)
                seen.setdefault("busy", span)
                busy.append(self.busy(item, span))
                continue
            if not self._once(seen, kind, self.line_span(item), "persona"):
                continue
            attribute = facts.lookup("persona", kind)
            assert attribute is not None, kind  # the grammar allows only these
            seen[kind + "@"] = span_of(item.children[0])
            values.update(self.attribute_values(attribute, item))
            if kind == "visits" and len(item.children) > 1:  # `visits every 30 days from X`
                target = item.children[1]
                seen["from"] = seen["from@"] = span_of(target)
                values["repeat_from"] = str(target)
        if busy:
            values["busy"] = tuple(busy)
        return Persona(
            id=pid,
            label=label,
            span=self.line_span(tree),
            spans=seen,
            **values,  # type: ignore[arg-type]
        )

    # ---- stages and touchpoints ---------------------------------------------------
    @v_args(tree=True)
    def stage(self, tree: Tree) -> _BuiltStage:
        sid, label, items = self._header(tree)
        tps = tuple(replace(t, stage=sid) for t in items)
        return _BuiltStage(Stage(sid, label, tuple(t.id for t in tps), self.line_span(tree)), tps)

    @v_args(tree=True)
    def touchpoint(self, tree: Tree) -> Touchpoint:
        """Its stage is filled in by `stage`, which is built after it."""
        tid, label, items = self._header(tree)
        seen: dict[str, Span] = {}
        values: dict[str, object] = {}
        events: list[Event] = []
        recovers: list[Recovery] = []
        shifts: list[Shift] = []
        for item in items:
            match item:
                case Event():
                    events.append(item)
                case Recovery():
                    recovers.append(item)
                case Tree(data="capacity") if len(item.children) > 1:  # in a window
                    span = self.line_span(item)
                    seen.setdefault("shifts", span)
                    count, window = item.children
                    shifts.append(
                        Shift(self.window(window), self.plain(count, "capacity"), "=", span)
                    )
                case Tree(data=kind):
                    if not self._once(seen, kind, self.line_span(item), "touchpoint"):
                        continue
                    attribute = facts.lookup("touchpoint", kind)
                    assert attribute is not None, kind  # the grammar allows only these
                    seen[kind + "@"] = span_of(item.children[0])
                    values.update(self.attribute_values(attribute, item))
        return Touchpoint(
            id=tid,
            label=label,
            stage="",
            events=tuple(events),
            recovers=tuple(recovers),
            shifts=tuple(shifts),
            span=self.line_span(tree),
            spans=seen,
            **values,  # type: ignore[arg-type]
        )

    def attribute_values(self, attribute: facts.Attribute, item: Tree) -> dict[str, object]:
        """The model's fields a statement sets: its value, and its range of belief when it
        is written as one (`expect 3.5 .. 4.5`: the middle, and `expect_range`)."""
        arg = item.children[-1] if attribute.kind == "flag" else item.children[0]  # its weight
        name = attribute.model_field
        if not (isinstance(arg, Tree) and arg.data in _BELIEFS):
            return {name: self.attribute_value(attribute, item)}
        assert attribute.ranged, attribute.name  # the grammar allows ranges only there
        middle, belief = self.believed(
            arg,
            attribute.written,
            duration=attribute.kind == "duration" or attribute.unit == "minutes",
            percent=attribute.kind == "percent",
        )
        if belief is not None:
            belief = self.within_domain(attribute, arg, belief)
        value: object = middle
        if attribute.kind == "distribution":
            value = Distribution.constant(middle)
        return {name: value, f"{name}_range": belief}

    def within_domain(
        self, attribute: facts.Attribute, tree: Tree, belief: Belief
    ) -> Belief | None:
        """The range when both ends are values the attribute takes; else an error at the
        end that is not, and no range."""
        low_tree, high_tree = tree.children[:2]
        for end, end_tree in ((belief.low, low_tree), (belief.high, high_tree)):
            below = attribute.low is not None and end < attribute.low
            above = attribute.high is not None and end > attribute.high
            bounds = ""
            if attribute.kind in ("duration", "flag") and end <= 0:  # no patience, no weight
                below, bounds = True, "> 0"
            elif attribute.kind == "rate" and end < 0:
                below, bounds = True, "≥ 0"
            elif attribute.unit == "minutes" and attribute.kind == "distribution":
                wait = attribute.name in ("after", "takes")  # may be no time; a service may not
                if end < 0 or (end == 0 and not wait):
                    below, bounds = True, "≥ 0" if wait else "> 0"
            if below or above:
                bounds = bounds or _bounds(attribute)
                self.reporter.error(
                    span_of(end_tree),
                    f"'{attribute.written}' is {bounds}, at both ends of its range; "
                    f"found {_written(end_tree)}",
                    f"write e.g. {attribute.written} 3.5 .. 4.5"
                    if attribute.kind == "rating"
                    else "both ends are values the number could take if it were known",
                )
                return None
        return belief

    def attribute_value(self, attribute: facts.Attribute, item: Tree) -> object:
        """A statement's value in canonical units, converted as its kind says."""
        arg = item.children[0]
        kind, what = attribute.kind, attribute.written
        if kind == "text":
            assert isinstance(arg, Token)
            return unquote(arg) if arg.type == "STRING" else str(arg)
        if kind == "identifier":
            return str(arg)
        if kind == "channels":
            return tuple(str(t) for t in item.children)
        if kind == "percent":
            return self.percent(arg)
        if kind == "duration":
            return self.duration(arg, what)
        if kind == "rate":
            return self.per_minute(arg)
        if kind == "distribution":
            return self.distribution(arg, time=attribute.unit == "minutes", what=what)
        if kind == "flag":  # `moment_of_truth` alone weighs 2
            weight = item.children[1] if len(item.children) > 1 else None
            return 2.0 if weight is None else self.plain(weight, "weight")
        return self.plain(arg, what)

    @v_args(tree=True)
    def event(self, tree: Tree) -> Event:
        kind_tree, name, *rest = tree.children
        label = unquote(rest.pop(0)) if isinstance(rest[0], Token) else str(name)
        chance, impact = rest
        return self.built_event(str(name), label, str(kind_tree.children[0]), chance, impact, name)

    def built_event(
        self, name: str, label: str, kind: str, chance: Tree, impact: Tree, at: Tree | Token
    ) -> Event:
        """An event whose chance and impact may each be a range of belief."""
        chance_value, chance_range = self.believed(chance, "chance")
        impact_value, impact_range = self.believed(impact, "impact")
        if impact_range is not None:
            wrong = impact_range.low <= 0 if kind == "delighter" else impact_range.high >= 0
            if wrong:
                sign = "positive" if kind == "delighter" else "negative"
                self.reporter.error(
                    impact_range.span,
                    f"{kind} '{name}' needs a {sign} impact at both ends of its range",
                    "a range of belief holds the values the team thinks possible; "
                    f"an impact that could be {'negative' if sign == 'positive' else 'positive'} "
                    "is another kind of event",
                )
        return Event(
            id=name,
            label=label,
            kind=kind,
            chance=chance_value,
            impact=impact_value,
            span=span_of(at),
            chance_range=chance_range,
            impact_range=impact_range,
        )

    @v_args(tree=True)
    def recovers(self, tree: Tree) -> Recovery:
        *refs, chance = tree.children
        value, belief = self.believed(chance, "chance")
        return Recovery(
            targets=tuple(tuple(str(t) for t in r.children) for r in refs),
            chance=value,
            chance_range=belief,
            span=self.line_span(tree),
            target_spans=tuple(span_of(r) for r in refs),
        )

    # ---- flow ------------------------------------------------------------------
    def _edge(self, tree: Tree) -> Edge:
        source, target, *rest = tree.children
        probability = None
        persona = None
        delay = None
        delay_range = None
        probability_range = None
        for part in rest:
            if isinstance(part, Tree) and part.data == "delay":
                values = self.attribute_values(_EDGE_AFTER, part)
                delay, delay_range = values["after"], values.get("after_range")
            elif isinstance(part, Tree):  # `20%`, or a range of belief `20% .. 40%`
                probability, probability_range = self.believed(part, "chance")
            else:
                persona = str(part)
        return Edge(
            str(source),
            str(target),
            probability,
            persona,
            after=delay,  # type: ignore[arg-type]
            after_range=delay_range,  # type: ignore[arg-type]
            probability_range=probability_range,
            span=self.line_span(tree),
            source_span=span_of(source),
            target_span=span_of(target),
        )

    # ---- scenarios ------------------------------------------------------------------
    @v_args(tree=True)
    def scenario(self, tree: Tree) -> Scenario:
        sid, label, items = self._header(tree)
        cost = 0.0
        cost_range: Belief | None = None
        seen: dict[str, Span] = {}
        changes: list[Change] = []
        for item in items:
            kind = item.data
            span = self.line_span(item)
            if kind == "cost":
                if self._once(seen, "cost", span, "scenario"):
                    cost, cost_range = self.believed(item.children[0], "cost")
            elif kind == "set":
                path_tree, op, value, *window = item.children
                path = tuple(str(t) for t in path_tree.children)
                path_spans = tuple(span_of(t) for t in path_tree.children)
                written = self.value(value, facts.scenario_attribute(path[-1]), str(op))
                if written.range is not None:  # the scenario's own unknown
                    written = replace(written, name=f"{sid}.{'.'.join(path)}")
                if written.distribution is not None and written.distribution.ranges:
                    # the scenario's own unknown (`faster.install.after.mean`), not the step's
                    tagged = replace(written.distribution, tag=f"{sid}.{'.'.join(path)}")
                    written = replace(written, distribution=tagged)
                changes.append(
                    Change(
                        "set",
                        path,
                        str(op),
                        written,
                        window=self.window(window[0]) if window else None,
                        span=span,
                        path_spans=path_spans,
                    )
                )
            elif kind == "add":
                kind_tree, path_tree, *rest = item.children
                path = tuple(str(t) for t in path_tree.children)
                label_text = unquote(rest.pop(0)) if isinstance(rest[0], Token) else path[-1]
                chance, impact = rest
                event = self.built_event(
                    path[-1],
                    label_text,
                    str(kind_tree.children[0]),
                    chance,
                    impact,
                    path_tree.children[-1],
                )
                changes.append(
                    Change(
                        "add",
                        path,
                        event=event,
                        span=span,
                        path_spans=tuple(span_of(t) for t in path_tree.children),
                    )
                )
            elif kind == "remove":
                path_tree = item.children[0]
                changes.append(
                    Change(
                        "remove",
                        tuple(str(t) for t in path_tree.children),
                        span=span,
                        path_spans=tuple(span_of(t) for t in path_tree.children),
                    )
                )
            elif kind == "set_flow":
                source, target, op, value, *persona = item.children
                written = self.value(value, _PROBABILITY, str(op))
                if written.range is not None:  # `faster.flow.bill->support`
                    own = f"({persona[0]})" if persona else ""
                    written = replace(written, name=f"{sid}.flow.{source}->{target}{own}")
                changes.append(
                    Change(
                        "flow",
                        (str(source), str(target)),
                        str(op),
                        written,
                        persona=str(persona[0]) if persona else None,
                        span=span,
                        path_spans=(span_of(source), span_of(target)),
                    )
                )
        return Scenario(
            sid, label, cost, tuple(changes), self.line_span(tree), seen, cost_range=cost_range
        )

    # ---- loyalty -----------------------------------------------------------------
    def loyalty_settings(self, tree: Tree) -> dict[str, tuple[object, Span]]:
        settings: dict[str, tuple[object, Span]] = {}
        seen: dict[str, Span] = {}
        for item in tree.children:
            name_token, value = item.children
            name = str(name_token)
            span = span_of(name_token)
            attribute = facts.lookup("loyalty", name)
            if attribute is None:
                self.reporter.error(
                    span,
                    f"unknown loyalty key '{name}'",
                    did_you_mean(name, facts.names("loyalty"))
                    or "see docs/language.md for the keys of loyalty { }",
                )
                continue
            if not self._once(seen, name, span, "loyalty block"):
                continue
            result = (
                self.loyalty_range(value, attribute)
                if value.data in _BELIEFS
                else self.loyalty_value(value, attribute)
            )
            if result is not None:
                settings[name] = (result, span)
        return settings

    def loyalty_range(self, tree: Tree, attribute: facts.Attribute) -> object | None:
        """`referral 1% .. 4%`: a key the team does not know, as a range within its bounds
        (a plain number when both ends are one)."""
        percent = attribute.kind == "percent"
        if attribute.kind not in ("percent", "number") or (tree.data == "chance_belief") != percent:
            what = "a percentage" if percent else "a plain number"
            if attribute.kind == "choice":
                what = "one of: " + ", ".join(attribute.choices)
            self.reporter.error(span_of(tree), f"'{attribute.name}' takes {what}")
            return None
        value, belief = self.believed(tree, attribute.name, percent=percent)
        if belief is None:
            return None if math.isnan(value) else value
        return self.within_domain(attribute, tree, belief)

    def loyalty_value(self, tree: Tree, attribute: facts.Attribute) -> object | None:
        span = span_of(tree)
        name, kind, choices = attribute.name, attribute.kind, attribute.choices
        if kind == "choice":
            if tree.data != "word":
                self.reporter.error(span, f"'{name}' takes one of: {', '.join(choices)}")
                return None
            word = str(tree.children[0])
            if word not in choices:
                self.reporter.error(
                    span_of(tree.children[0]),
                    f"unknown {name} rule '{word}'",
                    did_you_mean(word, choices) or "expected one of: " + ", ".join(choices),
                )
                return None
            return word
        if kind == "percent":
            if tree.data != "amount":
                self.reporter.error(span, f"'{name}' is a percentage", "write it with %, e.g. 70%")
                return None
            per = tree.children[1] if len(tree.children) > 1 else None
            if per is not None and str(per) not in ("month", "months"):
                self.reporter.error(span_of(per), f"'{name}' is per month", "write 'per month'")
            return self.percent(tree)
        if tree.data != "quantity":
            self.reporter.error(span, f"'{name}' takes a plain number")
            return None
        return self.plain(tree, name)

    # ---- times of the week ------------------------------------------------------------
    def window(self, tree: Tree) -> Window:
        """`mon-fri 9:00-17:00`, `sat-sun`, `22:00-6:00` → a Window (0 = Monday)."""
        days: tuple[int, ...] = tuple(range(7))
        start, end = 0.0, DAY_MINUTES
        for token in tree.children:
            if token.type == "DAYS":
                days = self.days(token)
            else:
                start, end = self.hours(token)
        return Window(days, start, end, span_of(tree))

    def days(self, token: Token) -> tuple[int, ...]:
        found: set[int] = set()
        for part in str(token).split(","):
            part = part.strip()
            if part in DAY_WORDS:
                found.update(DAY_WORDS[part])
                continue
            first, _, last = part.partition("-")
            a = DAY_NAMES.index(first)
            b = DAY_NAMES.index(last) if last else a
            found.update((a + i) % 7 for i in range((b - a) % 7 + 1))  # fri-mon wraps
        return tuple(sorted(found))

    def hours(self, token: Token) -> tuple[float, float]:
        """`9:00-17:00` → minutes after midnight; quarter hours, 0:00..24:00."""
        span = span_of(token)
        times = []
        for text in str(token).split("-"):
            hour, minute = (int(x) for x in text.split(":"))
            if minute >= 60 or hour > 24 or (hour == 24 and minute):
                self.reporter.error(
                    span,
                    f"'{text}' is not a time of day",
                    "write hours from 0:00 to 24:00, e.g. 9:00-17:30",
                )
                return 0.0, DAY_MINUTES
            if minute % SLOT_MINUTES:
                self.reporter.error(
                    span,
                    f"'{text}' is not on a quarter hour",
                    "times of the week are in quarter hours: write :00, :15, :30 or :45",
                )
                return 0.0, DAY_MINUTES
            times.append(hour * 60.0 + minute)
        start, end = times
        if start == DAY_MINUTES:
            self.reporter.error(
                span, f"'{token}' starts at 24:00", "a day's hours start at 0:00 at the latest"
            )
        elif start == end:
            self.reporter.error(
                span,
                f"'{token}' is empty: it ends where it starts",
                "write 0:00-24:00 for the whole day",
            )
        if end == 0.0:
            end = DAY_MINUTES  # 18:00-0:00 ends at midnight
        return start, end

    def busy(self, item: Tree, span: Span) -> Shift:
        """`busy mon-fri 9:00-12:00 3x`: the density of arrivals in a window (1x = ordinary)."""
        window, density = item.children
        number_tree, *unit = density.children
        value = self.number(number_tree)
        if not unit or str(unit[0]) != "x":
            self.reporter.error(
                span_of(unit[0]) if unit else span_of(density),
                "'busy' takes a density such as 3x" + (f", found '{unit[0]}'" if unit else ""),
                f"write {number_tree}x (an ordinary hour is 1x)",
            )
            value = NAN
        return Shift(self.window(window), value, "=", span)

    # ---- values ----------------------------------------------------------------------
    def _header(self, tree: Tree) -> tuple[str, str, list[Tree]]:
        name = str(tree.children[0])
        rest = tree.children[1:]
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            return name, unquote(rest[0]), [c for c in rest[1:] if not isinstance(c, Token)]
        return name, name, [c for c in rest if not isinstance(c, Token)]

    def number(self, token: Token) -> float:
        text = str(token)
        if token.type == "BAD_NUMBER":
            self.reporter.error(span_of(token), f"'{text}' is not a valid number")
            return NAN
        factor = units.SUFFIXES.get(text[-1], 1.0)
        if factor != 1.0:
            text = text[:-1]
        value = float(text) * factor
        if not math.isfinite(value):
            self.reporter.error(span_of(token), f"the number {token} is too large")
            return NAN
        return value

    def plain(self, tree: Tree, what: str) -> float:
        """A number without a unit (ratings, counts, money, weights)."""
        if tree.data != "quantity":
            self.reporter.error(span_of(tree), f"'{what}' takes a plain number")
            return NAN
        number_tree, *unit = tree.children
        if unit:
            word = str(unit[0])
            amount = (
                "".join(str(t) for t in number_tree.scan_values(lambda _: True))
                if isinstance(number_tree, Tree)
                else str(number_tree)
            )
            hint = (
                f"for {'thousands' if word == 'k' else 'millions'} write the {word} right after "
                f"the number, with no space: {amount}{word}"
                if word in ("k", "M")
                else "remove the unit"
            )
            self.reporter.error(span_of(unit[0]), f"'{what}' takes no unit, found '{word}'", hint)
        return self.number(number_tree)

    def duration(self, tree: Tree, what: str) -> float:
        """A number and a time unit → minutes."""
        if tree.data != "quantity":
            self.reporter.error(span_of(tree), f"'{what}' takes a duration such as 4 min")
            return NAN
        number_tree, *unit = tree.children
        value = self.number(number_tree)
        if not unit:
            self.reporter.error(
                span_of(tree),
                f"'{what}' needs a time unit",
                f"write e.g. {number_tree} min",
            )
            return NAN
        return value * self.unit(unit[0])

    def unit(self, token: Token) -> float:
        name = str(token)
        if name in units.TIME_UNITS:
            return units.TIME_UNITS[name]
        hint = did_you_mean(name, units.TIME_UNITS)
        self.reporter.error(
            span_of(token),
            f"unknown unit '{name}'",
            hint or "units: s, min, h, day(s), week(s), month(s), year(s)",
        )
        return NAN

    def believed(
        self, tree: Tree, what: str, *, duration: bool = False, percent: bool | None = None
    ) -> tuple[float, Belief | None]:
        """A chance (a percentage), a plain number, a duration (in minutes) or a rate (per
        minute), or a range of belief of one: the value (a range's middle) and the range,
        None when the number is known."""
        percent = what == "chance" if percent is None else percent
        if tree.data not in _BELIEFS:
            return (self.percent(tree) if percent else self.plain(tree, what)), None
        if tree.data == "rate_belief":  # `30 .. 50 per week`, `30 per week .. 50 per week`
            if len(tree.children) == 2:
                low_tree, high_tree = tree.children
                low, high = self.per_minute(low_tree), self.per_minute(high_tree)
            else:
                low_tree, high_tree, per = tree.children
                minutes = self.unit(per)
                low = self.plain(low_tree, what) / minutes
                high = self.plain(high_tree, what) / minutes
            if math.isnan(low) or math.isnan(high):
                return NAN, None
            return self._range(tree, what, low, high, (low_tree, high_tree))
        low_tree, high_tree = tree.children
        kind = "amount" if percent else "quantity"
        if high_tree.data != kind:
            self.reporter.error(
                span_of(high_tree),
                f"both ends of a range take the same unit: '{what}' is "
                + ("a percentage" if percent else "a duration" if duration else "a plain number"),
                "write e.g. chance 5% .. 15%" if percent else f"write e.g. {what} 1 .. 3",
            )
            return NAN, None
        if percent:
            low, high = self.percent(low_tree), self.percent(high_tree)
        elif duration:
            low, high = self.duration(low_tree, what), self.duration(high_tree, what)
        else:
            low, high = self.plain(low_tree, what), self.plain(high_tree, what)
        if math.isnan(low) or math.isnan(high):
            return NAN, None
        if percent and (low < 0 or high > 1):
            end = low_tree if low < 0 else high_tree
            self.reporter.error(
                span_of(end),
                f"'{what}' is between 0% and 100%, at both ends of its range; "
                f"found {_written(end)}",
            )
            return NAN, None
        return self._range(tree, what, low, high, (low_tree, high_tree))

    def _range(
        self, tree: Tree, what: str, low: float, high: float, ends: tuple[Tree, Tree]
    ) -> tuple[float, Belief | None]:
        """A range read in canonical units: its middle and itself; an error when it runs
        backwards; a plain number when both ends are one."""
        span = span_of(tree)
        written = [_written(t) for t in ends]
        if low > high:
            self.reporter.error(
                span,
                f"the range of '{what}' runs backwards: {written[0]} .. {written[1]}",
                f"write the lower end first: {written[1]} .. {written[0]}",
            )
            return NAN, None
        if low == high:
            return low, None
        return (low + high) / 2, Belief(low, high, span)

    def percent(self, tree: Tree) -> float:
        token = tree.children[0]
        value = float(str(token)[:-1]) / 100
        if not math.isfinite(value):
            self.reporter.error(span_of(token), f"the number {token} is too large")
            return NAN
        return value

    def per_minute(self, tree: Tree) -> float:
        """`N per UNIT` → per minute."""
        quantity, per = tree.children
        count = self.plain(quantity, "rate")
        return count / self.unit(per)

    def distribution(self, tree: Tree, *, time: bool, what: str) -> Distribution:
        ranges: list[Belief | None] = []

        def arg(q: Tree) -> float:
            """A parameter, or a range of belief of one (its middle; the range kept)."""
            if q.data == "belief":
                middle, belief = self.believed(q, what, duration=time)
                ranges.append(belief)
                return middle
            ranges.append(None)
            return self.duration(q, what) if time else self.plain(q, what)

        def made(kind: str, params: tuple[float, ...]) -> Distribution:
            kept = tuple(ranges) if any(ranges) else ()
            return Distribution(kind, params, ranges=kept)

        if tree.data == "quantity":
            return Distribution.constant(arg(tree))
        if tree.data == "normal_pm":
            mean, _, sd = tree.children
            return made("normal", (arg(mean), arg(sd)))
        if tree.data == "call":
            name_token, *args = tree.children
            name = str(name_token)
            arity = units.DISTRIBUTIONS.get(name)
            if arity is None:
                self.reporter.error(
                    span_of(name_token),
                    f"unknown distribution '{name}'",
                    did_you_mean(name, units.DISTRIBUTIONS)
                    or "distributions: " + ", ".join(units.DISTRIBUTIONS),
                )
                return Distribution.constant(NAN)
            if len(args) != arity:
                self.reporter.error(
                    span_of(name_token),
                    f"{name}() takes {arity} argument{'s' if arity > 1 else ''}, got {len(args)}",
                )
                return Distribution.constant(NAN)
            return made(name, tuple(arg(a) for a in args))
        self.reporter.error(span_of(tree), f"'{what}' takes a value or a distribution")
        return Distribution.constant(NAN)

    def value(self, tree: Tree, attribute: facts.Attribute | None, op: str) -> Value:
        """A scenario's right-hand side, converted as the attribute's own statement is."""
        if tree.data in _BELIEFS:
            return self.ranged_value(tree, attribute, op)
        span = span_of(tree)
        name = attribute.name if attribute is not None else "this attribute"
        if op == "*=":
            if tree.data == "quantity":
                return Value("number", self.plain(tree, "the factor of *="), span=span)
            self.reporter.error(span, "'*=' takes a plain factor such as 1.5")
            return Value("number", NAN, span=span)
        if attribute is None or attribute.kind in ("text", "identifier", "channels", "choice"):
            return Value("unknown", NAN, span=span)  # no number to set: scenarios say why
        kind = attribute.kind
        if kind == "percent":
            if tree.data != "amount":
                self.reporter.error(span, f"{name} is a percentage", "write it with %")
                return Value("percent", NAN, span=span)
            return Value("percent", self.percent(tree), span=span)
        if kind == "rate":
            if tree.data != "rate":
                self.reporter.error(span, "arrivals take a rate such as 40 per week")
                return Value("rate", NAN, span=span)
            return Value("rate", self.per_minute(tree), span=span)
        if kind == "distribution":
            time = attribute.unit == "minutes"
            dist = self.distribution(tree, time=time, what=name)
            return Value("distribution", dist.mean, distribution=dist, span=span)
        if kind == "duration":
            return Value("number", self.duration(tree, name), span=span)
        return Value("number", self.plain(tree, name), span=span)

    def ranged_value(self, tree: Tree, attribute: facts.Attribute | None, op: str) -> Value:
        """A change the team does not know (`a.service *= 0.6 .. 0.8`, `p.arrivals += 10 ..
        20 per week`): the middle, and the range drawn once per replication. Its name is
        given by the scenario, which knows it."""
        span = span_of(tree)
        name = attribute.name if attribute is not None else "this attribute"
        kind = "number" if op == "*=" or attribute is None else attribute.kind
        wanted = {"percent": "chance_belief", "rate": "rate_belief"}.get(kind, "belief")
        if kind in ("text", "identifier", "channels", "choice"):
            return Value("unknown", NAN, span=span)  # no number to set: scenarios say why
        if tree.data != wanted:
            written = {
                "chance_belief": "a percentage range such as 20% .. 40%",
                "rate_belief": "a rate range such as 10 .. 20 per week",
                "belief": "a range such as 0.6 .. 0.8" if op == "*=" else "a range of numbers",
            }[wanted]
            self.reporter.error(span, f"{name} {op} takes {written}")
            return Value("number", NAN, span=span)
        time = kind == "duration" or (attribute is not None and attribute.unit == "minutes")
        middle, belief = self.believed(
            tree,
            "the factor of *=" if op == "*=" else name,
            duration=time and op != "*=",
            percent=kind == "percent",
        )
        if kind == "distribution":
            dist = Distribution.constant(middle)
            return Value("distribution", middle, distribution=dist, span=span, range=belief)
        value_kind = kind if kind in ("percent", "rate") else "number"
        return Value(value_kind, middle, span=span, range=belief)
