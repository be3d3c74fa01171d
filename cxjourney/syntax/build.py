"""Syntax tree → model, converting values to canonical units as it goes.

The builder reports what it cannot represent (a missing or unknown unit, a bad
number, a statement given twice, a construct in the wrong place); every rule about
ranges, names and the flow is left to `cxjourney.checks`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from lark import Token, Tree

from .. import units
from ..diagnostics import Reporter, Span, did_you_mean
from ..model import (
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
    Stage,
    Touchpoint,
    Value,
)

NAN = float("nan")


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


def unquote(token: Token) -> str:
    return str(token)[1:-1].replace('\\"', '"').replace("\\\\", "\\")


class Builder:
    """Builds the model of one file; `lines` is its text, for statements' positions."""

    def __init__(self, reporter: Reporter, file: str = "", lines: list[str] | None = None) -> None:
        self.reporter = reporter
        self.file = file
        self.lines = lines or []
        self._last = Span(1, 1)

    def line_span(self, tree: Tree) -> Span:
        """A statement starts its line: the line's first character after indentation.

        Trees carry no positions (propagating them costs a third of parsing time);
        one statement per line makes the line's start the statement's position.
        """
        token = first_token(tree)
        if token is None or not token.line:
            return self._last
        text = self.lines[token.line - 1] if token.line <= len(self.lines) else ""
        self._last = Span(token.line, len(text) - len(text.lstrip()) + 1)
        return self._last

    # ---- the file ---------------------------------------------------------
    def document(self, tree: Tree) -> Document:
        doc = Document()
        personas: list[Persona] = []
        loyalty: dict[str, tuple[object, Span]] = {}
        loyalty_seen: Span | None = None
        for item in tree.children:
            kind = item.data
            if kind == "use":
                if doc.journey is not None or personas or loyalty_seen:
                    self.reporter.error(
                        self.line_span(item), "'use' lines must come first, before anything else"
                    )
                doc.uses.append((unquote(item.children[0]), span_of(item.children[0])))
            elif kind == "journey":
                if doc.journey is not None:
                    self.reporter.error(
                        self.line_span(item),
                        "a file holds one journey; this is a second one",
                        "move it to a file of its own",
                    )
                    continue
                doc.journey = self.journey(item)
            elif kind == "persona":
                personas.append(self.persona(item))
            elif kind == "loyalty":
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
    def journey(self, tree: Tree) -> Journey:
        title = unquote(tree.children[0])
        seen: dict[str, Span] = {}
        values: dict[str, object] = {}
        personas, stages, touchpoints, scenarios = [], [], [], []
        flow: list[Edge] | None = None
        loyalty: dict[str, tuple[object, Span]] = {}
        loyalty_spans: dict[str, Span] = {}
        for item in tree.children[1:]:
            kind = item.data
            span = self.line_span(item)
            once = kind in ("description", "horizon", "customers", "currency", "flow", "loyalty")
            if once and not self._once(seen, kind, span, "journey"):
                continue
            if once and item.children and kind not in ("flow", "loyalty"):
                seen[kind + "@"] = span_of(item.children[0])
            if kind == "description":
                values["description"] = unquote(item.children[0])
            elif kind == "horizon":
                values["horizon"] = self.duration(item.children[0], "horizon")
            elif kind == "customers":
                values["customers"] = self.plain(item.children[0], "customers")
            elif kind == "currency":
                values["currency"] = str(item.children[0])
            elif kind == "persona":
                personas.append(self.persona(item))
            elif kind == "stage":
                stage, tps = self.stage(item)
                stages.append(stage)
                touchpoints.extend(tps)
            elif kind == "flow":
                flow = [self.edge(e) for e in item.children if isinstance(e, Tree)]
            elif kind == "scenario":
                scenarios.append(self.scenario(item))
            elif kind == "loyalty":
                loyalty = self.loyalty_settings(item)
                loyalty_spans = {k: s for k, (_, s) in loyalty.items()}
        return Journey(
            title=title,
            personas=tuple(personas),
            stages=tuple(stages),
            touchpoints=tuple(touchpoints),
            flow=None if flow is None else tuple(flow),
            scenarios=tuple(scenarios),
            loyalty=Loyalty(**{k: v for k, (v, _) in loyalty.items()}),
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
    def persona(self, tree: Tree) -> Persona:
        pid, label, items = self._header(tree)
        seen: dict[str, Span] = {}
        values: dict[str, object] = {}
        for item in items:
            kind = item.data
            if not self._once(seen, kind, self.line_span(item), "persona"):
                continue
            arg = item.children[0] if item.children else None
            if arg is not None:
                seen[kind + "@"] = span_of(arg)
            if kind == "share":
                values["share"] = self.percent(arg)
            elif kind == "visits":
                values["visit_gap"] = self.duration(arg, "visits every")
            elif kind == "arrivals":
                values["arrivals"] = self.rate(arg)
            elif kind == "patience":
                values["patience"] = self.duration(arg, "patience")
            elif kind == "spend":
                values["spend"] = self.plain(arg, "spend")
            elif kind == "price_sensitivity":
                values["price_sensitivity"] = self.percent(arg)
            elif kind == "expects":
                values["expects"] = self.plain(arg, "expects")
            elif kind == "prefers":
                values["prefers"] = tuple(str(t) for t in item.children)
        return Persona(
            id=pid,
            label=label,
            span=self.line_span(tree),
            spans=seen,
            **values,  # type: ignore[arg-type]
        )

    # ---- stages and touchpoints ---------------------------------------------------
    def stage(self, tree: Tree) -> tuple[Stage, list[Touchpoint]]:
        sid, label, items = self._header(tree)
        tps = [self.touchpoint(t, sid) for t in items]
        return Stage(sid, label, tuple(t.id for t in tps), self.line_span(tree)), tps

    def touchpoint(self, tree: Tree, stage: str) -> Touchpoint:
        tid, label, items = self._header(tree)
        seen: dict[str, Span] = {}
        values: dict[str, object] = {}
        events: list[Event] = []
        recovers: list[Recovery] = []
        for item in items:
            kind = item.data
            span = self.line_span(item)
            if kind == "event":
                events.append(self.event(item))
                continue
            if kind == "recovers":
                recovers.append(self.recovers(item))
                continue
            if not self._once(seen, kind, span, "touchpoint"):
                continue
            arg = item.children[0] if item.children else None
            if arg is not None:
                seen[kind + "@"] = span_of(arg)
            if kind == "channel":
                values["channel"] = str(arg)
            elif kind == "owner":
                assert isinstance(arg, Token)
                values["owner"] = unquote(arg) if arg.type == "STRING" else str(arg)
            elif kind == "expect":
                values["expect"] = self.plain(arg, "expect")
            elif kind == "delivers":
                values["delivers"] = self.distribution(arg, time=False, what="delivers")
            elif kind == "capacity":
                values["capacity"] = self.plain(arg, "capacity")
            elif kind == "service":
                values["service"] = self.distribution(arg, time=True, what="service")
            elif kind == "max_wait":
                values["max_wait"] = self.duration(arg, "max_wait")
            elif kind == "moment_of_truth":
                weight = item.children[1] if len(item.children) > 1 else None
                values["moment_of_truth"] = 2.0 if weight is None else self.plain(weight, "weight")
        return Touchpoint(
            id=tid,
            label=label,
            stage=stage,
            events=tuple(events),
            recovers=tuple(recovers),
            span=self.line_span(tree),
            spans=seen,
            **values,  # type: ignore[arg-type]
        )

    def event(self, tree: Tree) -> Event:
        kind_tree, name, *rest = tree.children
        label = unquote(rest.pop(0)) if isinstance(rest[0], Token) else str(name)
        chance, impact = rest
        return Event(
            id=str(name),
            label=label,
            kind=str(kind_tree.children[0]),
            chance=self.percent(chance),
            impact=self.plain(impact, "impact"),
            span=span_of(name),
        )

    def recovers(self, tree: Tree) -> Recovery:
        *refs, chance = tree.children
        return Recovery(
            targets=tuple(tuple(str(t) for t in r.children) for r in refs),
            chance=self.percent(chance),
            span=self.line_span(tree),
            target_spans=tuple(span_of(r) for r in refs),
        )

    # ---- flow ------------------------------------------------------------------
    def edge(self, tree: Tree) -> Edge:
        source, target, *rest = tree.children
        probability = None
        persona = None
        for part in rest:
            if isinstance(part, Tree):
                probability = self.percent(part)
            else:
                persona = str(part)
        return Edge(
            str(source),
            str(target),
            probability,
            persona,
            self.line_span(tree),
            span_of(source),
            span_of(target),
        )

    # ---- scenarios ------------------------------------------------------------------
    def scenario(self, tree: Tree) -> Scenario:
        sid, label, items = self._header(tree)
        cost = 0.0
        seen: dict[str, Span] = {}
        changes: list[Change] = []
        for item in items:
            kind = item.data
            span = self.line_span(item)
            if kind == "cost":
                if self._once(seen, "cost", span, "scenario"):
                    cost = self.plain(item.children[0], "cost")
            elif kind == "set":
                path_tree, op, value = item.children
                path = tuple(str(t) for t in path_tree.children)
                path_spans = tuple(span_of(t) for t in path_tree.children)
                attr_kind = units.ATTRIBUTE_KINDS.get(path[-1])
                changes.append(
                    Change(
                        "set",
                        path,
                        str(op),
                        self.value(value, attr_kind, str(op), path[-1]),
                        span=span,
                        path_spans=path_spans,
                    )
                )
            elif kind == "add":
                kind_tree, path_tree, *rest = item.children
                path = tuple(str(t) for t in path_tree.children)
                label_text = unquote(rest.pop(0)) if isinstance(rest[0], Token) else path[-1]
                chance, impact = rest
                event = Event(
                    id=path[-1],
                    label=label_text,
                    kind=str(kind_tree.children[0]),
                    chance=self.percent(chance),
                    impact=self.plain(impact, "impact"),
                    span=span_of(path_tree.children[-1]),
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
                changes.append(
                    Change(
                        "flow",
                        (str(source), str(target)),
                        str(op),
                        self.value(value, "percent", str(op)),
                        persona=str(persona[0]) if persona else None,
                        span=span,
                        path_spans=(span_of(source), span_of(target)),
                    )
                )
        return Scenario(sid, label, cost, tuple(changes), self.line_span(tree), seen)

    # ---- loyalty -----------------------------------------------------------------
    def loyalty_settings(self, tree: Tree) -> dict[str, tuple[object, Span]]:
        settings: dict[str, tuple[object, Span]] = {}
        seen: dict[str, Span] = {}
        for item in tree.children:
            name_token, value = item.children
            name = str(name_token)
            span = span_of(name_token)
            kind = units.LOYALTY_KINDS.get(name)
            if kind is None:
                self.reporter.error(
                    span,
                    f"unknown loyalty key '{name}'",
                    did_you_mean(name, units.LOYALTY_KINDS)
                    or "see MODEL.md for the keys of loyalty { }",
                )
                continue
            if not self._once(seen, name, span, "loyalty block"):
                continue
            result = self.loyalty_value(value, kind, name)
            if result is not None:
                settings[name] = (result, span)
        return settings

    def loyalty_value(self, tree: Tree, kind: str, name: str) -> object | None:
        span = span_of(tree)
        if kind == "word":
            if tree.data != "word":
                self.reporter.error(span, f"'{name}' takes one of: {', '.join(units.MEMORY_RULES)}")
                return None
            word = str(tree.children[0])
            if word not in units.MEMORY_RULES:
                self.reporter.error(
                    span_of(tree.children[0]),
                    f"unknown memory rule '{word}'",
                    did_you_mean(word, units.MEMORY_RULES)
                    or "expected one of: " + ", ".join(units.MEMORY_RULES),
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

    # ---- values ----------------------------------------------------------------------
    def _header(self, tree: Tree) -> tuple[str, str, list[Tree]]:
        name = str(tree.children[0])
        rest = tree.children[1:]
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            return name, unquote(rest[0]), [c for c in rest[1:] if isinstance(c, Tree)]
        return name, name, [c for c in rest if isinstance(c, Tree)]

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
            self.reporter.error(
                span_of(unit[0]), f"'{what}' takes no unit, found '{unit[0]}'", "remove the unit"
            )
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

    def percent(self, tree: Tree) -> float:
        token = tree.children[0]
        value = float(str(token)[:-1]) / 100
        if not math.isfinite(value):
            self.reporter.error(span_of(token), f"the number {token} is too large")
            return NAN
        return value

    def rate(self, tree: Tree) -> float:
        """`N per UNIT` → per minute."""
        quantity, per = tree.children
        count = self.plain(quantity, "rate")
        return count / self.unit(per)

    def distribution(self, tree: Tree, *, time: bool, what: str) -> Distribution:
        def arg(q: Tree) -> float:
            return self.duration(q, what) if time else self.plain(q, what)

        if tree.data == "quantity":
            return Distribution.constant(arg(tree))
        if tree.data == "normal_pm":
            mean, _, sd = tree.children
            return Distribution("normal", (arg(mean), arg(sd)))
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
            return Distribution(name, tuple(arg(a) for a in args))
        self.reporter.error(span_of(tree), f"'{what}' takes a value or a distribution")
        return Distribution.constant(NAN)

    def value(self, tree: Tree, kind: str | None, op: str, name: str = "this attribute") -> Value:
        """A scenario's right-hand side, converted as the attribute's own statement is."""
        span = span_of(tree)
        if op == "*=":
            if tree.data == "quantity":
                return Value("number", self.plain(tree, "the factor of *="), span=span)
            self.reporter.error(span, "'*=' takes a plain factor such as 1.5")
            return Value("number", NAN, span=span)
        if kind is None:
            return Value("unknown", NAN, span=span)
        if kind == "percent":
            if tree.data != "amount":
                self.reporter.error(span, f"{name} is a percentage", "write it with %")
                return Value("percent", NAN, span=span)
            return Value("percent", self.percent(tree), span=span)
        if kind == "rate":
            if tree.data != "rate":
                self.reporter.error(span, "arrivals take a rate such as 40 per week")
                return Value("rate", NAN, span=span)
            return Value("rate", self.rate(tree), span=span)
        if kind in ("rating_distribution", "duration_distribution"):
            time = kind == "duration_distribution"
            dist = self.distribution(tree, time=time, what=name)
            return Value("distribution", dist.mean, distribution=dist, span=span)
        if kind == "duration":
            return Value("number", self.duration(tree, name), span=span)
        return Value("number", self.plain(tree, name), span=span)
