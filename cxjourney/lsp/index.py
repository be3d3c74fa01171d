"""Names and blocks read straight from the text, line by line.

An editor asks about a file while it is being typed, when it rarely parses. The
language has one statement per line and a block per `{ ... }`, so a small scanner
finds every block, every name defined and every name used, with its position, from
any text; the checked model is not needed for navigation, completion or renaming.

Positions are 0-based lines and code-point columns; `features` converts them to
the editor's encoding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from ..model import TERMINALS

#: A name's identity: (kind, scope, name). Events are scoped by their touchpoint.
Key = tuple[str, str, str]

BLOCK_KINDS = ("journey", "persona", "stage", "touchpoint", "flow", "scenario", "loyalty")
EVENT_KINDS = ("delighter", "disappointer")

_TOKEN = re.compile(
    r"""
    (?P<comment>\#.*)
  | (?P<string>"(?:\\.|[^"\\])*"?)
  | (?P<number>[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?[kM%]?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>->|\+=|-=|\*=|\+-|±|=)
  | (?P<punct>[{}(),.])
  | (?P<other>\S)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # string | number | name | op | punct | other
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A name where it stands: its definition, or a use of it."""

    key: Key
    line: int
    start: int
    end: int
    definition: bool = False


@dataclass(frozen=True, slots=True)
class Attribute:
    """An attribute word (`expect`, `x.chance`, a loyalty key) and the block it belongs to."""

    block: str  # journey | persona | touchpoint | event | edge | loyalty
    name: str
    line: int
    start: int
    end: int


@dataclass
class Block:
    kind: str
    name: str
    label: str
    line: int
    end_line: int
    name_start: int
    name_end: int
    parent: Block | None = field(default=None, repr=False)
    children: list[Block] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Use:
    path: str
    line: int
    start: int
    end: int


@dataclass
class Index:
    lines: list[str]
    tokens: list[list[Token]]
    blocks: list[Block]
    occurrences: list[Occurrence]
    attributes: list[Attribute]
    uses: list[Use]
    event_kinds: dict[Key, str]

    # ---- lookups ---------------------------------------------------------------
    def block_at(self, line: int) -> Block | None:
        """The innermost block whose body holds `line` (its header line included)."""
        found = None
        blocks = self.blocks
        while True:
            inner = next((b for b in blocks if b.line <= line <= b.end_line), None)
            if inner is None:
                return found
            found, blocks = inner, inner.children

    def occurrence_at(self, line: int, column: int) -> Occurrence | None:
        return next(
            (o for o in self.occurrences if o.line == line and o.start <= column <= o.end), None
        )

    def attribute_at(self, line: int, column: int) -> Attribute | None:
        return next(
            (a for a in self.attributes if a.line == line and a.start <= column <= a.end), None
        )

    def token_at(self, line: int, column: int) -> tuple[int, Token] | None:
        if not 0 <= line < len(self.tokens):
            return None
        for i, t in enumerate(self.tokens[line]):
            if t.start <= column <= t.end and t.kind != "comment":
                return i, t
        return None

    def definitions(self, key: Key) -> list[Occurrence]:
        return [o for o in self.occurrences if o.key == key and o.definition]

    def names(self, kind: str, scope: str | None = None) -> list[str]:
        """Names defined here of one kind (events: of one touchpoint when `scope` is given)."""
        seen = {
            o.key[2]: None
            for o in self.occurrences
            if o.definition and o.key[0] == kind and (scope is None or o.key[1] == scope)
        }
        return list(seen)

    def walk(self):
        stack = list(reversed(self.blocks))
        while stack:
            block = stack.pop()
            yield block
            stack.extend(reversed(block.children))


def tokenize(line: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(line):
        kind = m.lastgroup or "other"
        if kind == "comment":
            break
        out.append(Token(kind, m.group(), m.start(), m.end()))
    return out


def build(text: str) -> Index:
    """Index a file's text, whatever state it is in."""
    return _Scanner(text.removeprefix("\ufeff").split("\n")).run()


class _Scanner:
    def __init__(self, lines: list[str]) -> None:
        self.lines = [line.rstrip("\r") for line in lines]
        self.tokens = [tokenize(line) for line in self.lines]
        self.blocks: list[Block] = []
        self.occurrences: list[Occurrence] = []
        self.attributes: list[Attribute] = []
        self.uses: list[Use] = []
        self.event_kinds: dict[Key, str] = {}
        # (line, token, names it may be) resolved once every definition is known
        self.pending: list[tuple[int, Token, str]] = []

    def run(self) -> Index:
        stack: list[Block] = []
        for number, tokens in enumerate(self.tokens):
            if not tokens:
                continue
            if tokens[0].text == "}":
                if stack:
                    stack.pop().end_line = number
                continue
            parent = stack[-1] if stack else None
            self.statement(number, tokens, parent)
            if tokens[-1].text == "{" and tokens[0].text in BLOCK_KINDS:
                block = self.open_block(number, tokens, parent)
                stack.append(block)
            elif (
                tokens[-1].text == "}"
                and len(tokens) > 2
                and tokens[-2].text == "{"
                and tokens[0].text in BLOCK_KINDS
            ):
                self.open_block(number, tokens[:-1], parent)  # `touchpoint t { }`
        for block in stack:  # unclosed blocks run to the end of the file
            block.end_line = len(self.lines) - 1
        self.resolve()
        return Index(
            self.lines,
            self.tokens,
            self.blocks,
            sorted(self.occurrences, key=lambda o: (o.line, o.start)),
            self.attributes,
            self.uses,
            self.event_kinds,
        )

    def open_block(self, number: int, tokens: list[Token], parent: Block | None) -> Block:
        kind = tokens[0].text
        name_token = tokens[1] if len(tokens) > 2 and tokens[1].kind == "name" else None
        label_token = next((t for t in tokens[1:] if t.kind == "string"), None)
        label = label_token.text[1:-1] if label_token else ""
        block = Block(
            kind,
            name_token.text if name_token else "",
            label,
            number,
            number,
            (name_token or label_token or tokens[0]).start,
            (name_token or label_token or tokens[0]).end,
            parent,
        )
        (parent.children if parent else self.blocks).append(block)
        return block

    # ---- statements -------------------------------------------------------------
    def statement(self, number: int, tokens: list[Token], parent: Block | None) -> None:
        first = tokens[0].text
        where = parent.kind if parent else "file"
        if where == "file" and first == "use":
            string = next((t for t in tokens if t.kind == "string"), None)
            if string is not None:
                self.uses.append(Use(string.text[1:-1], number, string.start, string.end))
            return
        if first in BLOCK_KINDS and tokens[-1].text in ("{", "}") and first != "flow":
            if len(tokens) > 1 and tokens[1].kind == "name":
                kind = first
                self.define((kind, "", tokens[1].text), number, tokens[1])
            return
        if where == "persona" and tokens[0].kind == "name":
            self.attribute("persona", number, tokens[0])
            if first == "visits":
                self.repeat_start(number, tokens)
        elif where == "journey" and tokens[0].kind == "name" and first != "flow":
            self.attribute("journey", number, tokens[0])
        elif where == "loyalty" and tokens[0].kind == "name":
            self.attribute("loyalty", number, tokens[0])
        elif where == "touchpoint":
            self.touchpoint_statement(number, tokens, parent)
        elif where == "flow":
            self.flow_names(number, tokens, edge=True)
        elif where == "scenario":
            self.change(number, tokens)

    def touchpoint_statement(self, number: int, tokens: list[Token], block: Block | None) -> None:
        first = tokens[0]
        scope = block.name if block else ""
        if first.text in EVENT_KINDS:
            if len(tokens) > 1 and tokens[1].kind == "name":
                key = ("event", scope, tokens[1].text)
                self.define(key, number, tokens[1])
                self.event_kinds.setdefault(key, first.text)
            for t in tokens[2:]:
                if t.text in ("chance", "impact"):
                    self.attribute("event", number, t)
            return
        if first.text == "recovers":
            for path in _paths(tokens[1:], stop="chance"):
                if len(path) == 2:
                    self.use(("touchpoint", "", path[0].text), number, path[0])
                    self.use(("event", path[0].text, path[1].text), number, path[1])
                elif len(path) == 1:
                    self.pending.append((number, path[0], "event"))
            return
        if first.kind == "name":
            self.attribute("touchpoint", number, first)

    def repeat_start(self, number: int, tokens: list[Token]) -> None:
        """`visits every 30 days from use`: the touchpoint where repeat journeys start."""
        for before, t in pairwise(tokens):
            if before.text == "from" and t.kind == "name":
                self.use(("touchpoint", "", t.text), number, t)

    def flow_names(self, number: int, tokens: list[Token], *, edge: bool = False) -> None:
        """`a -> b ...` and `... for p`: touchpoints either side of the arrow, the persona;
        in a flow block (`edge`), the word `after` of a delay on the way."""
        for i, t in enumerate(tokens):
            if t.kind != "name":
                continue
            before = tokens[i - 1].text if i else ""
            after = tokens[i + 1].text if i + 1 < len(tokens) else ""
            if before == "for":
                self.use(("persona", "", t.text), number, t)
            elif (after == "->" or before == "->") and t.text not in TERMINALS:
                self.use(("touchpoint", "", t.text), number, t)
            elif edge and t.text == "after" and i > 2:
                self.attribute("edge", number, t)

    def change(self, number: int, tokens: list[Token]) -> None:
        first = tokens[0].text
        if first == "cost" and len(tokens) > 1 and tokens[1].text != ".":
            return
        if first == "flow" and len(tokens) > 1 and tokens[1].text != ".":
            self.flow_names(number, tokens[1:])
            return
        if first == "add" and len(tokens) > 2 and tokens[1].text in EVENT_KINDS:
            path = next(iter(_paths(tokens[2:], stop=None)), [])
            if len(path) == 2:
                self.use(("touchpoint", "", path[0].text), number, path[0])
                key = ("event", path[0].text, path[1].text)
                self.define(key, number, path[1])
                self.event_kinds.setdefault(key, tokens[1].text)
            for t in tokens[3:]:
                if t.text in ("chance", "impact"):
                    self.attribute("event", number, t)
            return
        remove = first == "remove" and len(tokens) > 1 and tokens[1].text != "."
        path = next(iter(_paths(tokens[1:] if remove else tokens, stop=None)), [])
        if not path:
            return
        head = path[0]
        if (remove and len(path) >= 2) or len(path) == 3:
            self.use(("touchpoint", "", head.text), number, head)
            self.use(("event", head.text, path[1].text), number, path[1])
            if len(path) == 3:
                self.attribute("event", number, path[2])
        elif len(path) == 2:
            # `x.attr`: x is a touchpoint or a persona, known once every line is read;
            # "?x" marks the attribute's block as undecided until then
            self.pending.append((number, head, "touchpoint|persona"))
            self.attributes.append(
                Attribute("?" + head.text, path[1].text, number, path[1].start, path[1].end)
            )

    # ---- recording --------------------------------------------------------------
    def define(self, key: Key, line: int, token: Token) -> None:
        self.occurrences.append(Occurrence(key, line, token.start, token.end, True))

    def use(self, key: Key, line: int, token: Token) -> None:
        self.occurrences.append(Occurrence(key, line, token.start, token.end))

    def attribute(self, block: str, line: int, token: Token) -> None:
        if token.kind == "name":
            self.attributes.append(Attribute(block, token.text, line, token.start, token.end))

    def resolve(self) -> None:
        """Bare names: a recovered event, or a scenario path's touchpoint or persona."""
        touchpoints = {
            o.key[2] for o in self.occurrences if o.definition and o.key[0] == "touchpoint"
        }
        events: dict[str, list[Key]] = {}
        for o in self.occurrences:
            if o.definition and o.key[0] == "event":
                events.setdefault(o.key[2], []).append(o.key)
        for line, token, kind in self.pending:
            if kind == "event":
                keys = events.get(token.text, [])
                prefer = [k for k in keys if self.event_kinds.get(k) == "disappointer"]
                key = (prefer or keys or [("event", "", token.text)])[0]
                self.use(key, line, token)
            else:
                kind = "touchpoint" if token.text in touchpoints else "persona"
                self.use((kind, "", token.text), line, token)
        self.attributes = [
            Attribute(
                "touchpoint" if a.block[1:] in touchpoints else "persona",
                a.name,
                a.line,
                a.start,
                a.end,
            )
            if a.block.startswith("?")
            else a
            for a in self.attributes
        ]


def _paths(tokens: list[Token], stop: str | None):
    """Dotted names (`a`, `a.b`, `a.b.c`) separated by commas, up to the word `stop`."""
    path: list[Token] = []
    expect_name = True
    for t in tokens:
        if stop is not None and t.text == stop:
            break
        if t.kind == "name" and expect_name:
            path.append(t)
            expect_name = False
        elif t.text == "." and not expect_name:
            expect_name = True
        else:
            if path:
                yield path
            path, expect_name = [], True
            if stop is None:
                return
    if path:
        yield path
