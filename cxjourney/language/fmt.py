"""Format `.journey` source: one canonical layout, every comment kept, idempotent.

The model keeps neither comments nor spellings, so the formatter prints from the
syntax tree. One statement per line makes this safe: the source lines give the block
structure, the comments and the blank lines, and the tree (in the same order) gives
each statement's tokens. A comment on a statement's line stays on it; a comment on a
line of its own belongs to the next statement (or, before a `}`, to the end of the
block) and moves with it. The printer (`printer.py`) writes a model in this same layout,
so what it prints is already formatted.

The canonical layout:

* two spaces per level; `{` ends its header line, `}` stands alone; a block with
  nothing in it is written `{ }`; single spaces between words; two spaces before a
  comment that ends a line; blank lines kept, at most one in a row, none after `{`,
  before `}` or at the start and end of the file; LF line ends, no byte-order mark.
* statements inside a block follow a fixed order (`STATEMENT_ORDER`); statements of
  the same kind keep their written order, because that order means something
  (touchpoints, edges, scenario changes, events). The file's top level is not
  reordered.
* numbers as written, without leading zeros (`4.50`, `120k`, `+1.5`, `60%`); a time
  unit is kept but spelled one way (`s`, `min`, `h`, `day(s)`, `week(s)`, `month(s)`,
  `year(s)`; singular only for exactly 1, and in `per` rates); `±` is written `+-`;
  `owner` is quoted; `every` appears in a scenario's `P.visits = every 3 days`.
* times of the week as written, spaced one way: day words and ranges as the author
  chose them (`mon-fri`, `sat-sun`, `weekdays`), a list as `mon, wed`, hours as
  `H:MM-H:MM` (`09:00` → `9:00`); a busy density as `3x`. A touchpoint's plain
  `capacity N` comes before its `capacity N WINDOW` lines, which keep their order
  (later lines apply over earlier ones), as `busy` lines do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from lark import Token, Tree

from ..model import to_plain
from . import facts, units
from .build import Builder
from .diagnostics import Diagnostic, Reporter
from .parse import _code, parse

INDENT = "  "
_SPACE = " \t\f\r"
_BLANK = None  # a blank line among the comments before a statement

#: Statements that open a block.
BLOCKS = frozenset({"journey", "persona", "stage", "touchpoint", "flow", "scenario", "loyalty"})

#: The order of statements inside each kind of block; kinds not listed keep their place
#: after those listed, in written order.
STATEMENT_ORDER: dict[str, tuple[str, ...]] = {
    "journey": (*facts.names("journey"), "persona", "stage", "flow", "scenario", "loyalty"),
    "persona": facts.names("persona"),
    "touchpoint": (*facts.names("touchpoint"), "event", "recovers"),
    "scenario": ("cost",),
}

_STATEMENTS = BLOCKS | {
    "use",
    *facts.names("journey"),
    *STATEMENT_ORDER["persona"],
    *STATEMENT_ORDER["touchpoint"],
    "edge",
    "cost",
    "set",
    "add",
    "remove",
    "set_flow",
    "setting",
}
_LOYALTY_ORDER = {key: i for i, key in enumerate(facts.names("loyalty"))}


class FormatError(Exception):
    """The source does not parse; `diagnostics` says where, as `check` would."""

    def __init__(self, diagnostics: list[Diagnostic], source: str) -> None:
        super().__init__(f"{len(diagnostics)} syntax error(s)")
        self.diagnostics = diagnostics
        self.source = source


class UnsafeFormat(Exception):
    """The formatted text would mean something else or lose a comment (a formatter bug)."""


@dataclass(frozen=True)
class Edit:
    """A statement to write while formatting: in place of the statement on `line`, or, with
    `add`, as a new statement of the block whose header is on `line` (0: the file's top
    level), where the canonical order puts it.

    `statement` is one line as the printer writes it, without indentation; a block added
    holds `body` (whose lines are not used). A `comment` ends the statement's line; the
    comment already there moves to a line of its own above it.
    """

    line: int
    statement: str
    comment: str = ""
    add: bool = False
    body: tuple[Edit, ...] = ()


def format_source(text: str, file: str = "<stdin>", edits: Iterable[Edit] = ()) -> str:
    """The canonical layout of `text`; raises `FormatError` when it does not parse.

    Like black, the result is checked before it is returned: it must build the same
    model and keep every comment, or `UnsafeFormat` is raised and nothing should be
    written. With `edits` the model is meant to change, and the caller checks it; every
    comment must still be kept, the edits' own added.
    """
    text = text.removeprefix("\ufeff")
    edits = list(edits)
    reporter = Reporter(file)
    tree = parse(text, reporter)
    if tree is None or reporter.failed:
        raise FormatError(reporter.sorted(), text)
    root = _attach(tree, text.split("\n"))
    _apply(root, edits)
    out: list[str] = []
    _emit_children(root, 0, out)
    _emit_tail(root, 0, out, has_children=bool(root.children))
    formatted = "\n".join(out) + "\n" if out else ""
    if edits:
        _verify_edited(text, edits, formatted)
    else:
        _verify_same(text, tree, formatted)
    return formatted


def _verify_edited(source: str, edits: list[Edit], formatted: str) -> None:
    reporter = Reporter("")
    again = parse(formatted, reporter)
    if again is None or reporter.failed:
        raise UnsafeFormat("the edited text does not parse")
    added = [_comment(e.comment) for e in _flat(edits) if e.comment]
    if sorted(_comments(source) + added) != sorted(_comments(formatted)):
        raise UnsafeFormat("the edited text lost or changed a comment")


def _flat(edits: Iterable[Edit]) -> Iterator[Edit]:
    for edit in edits:
        yield edit
        yield from _flat(edit.body)


def _verify_same(source: str, tree: Tree, formatted: str) -> None:
    reporter = Reporter("")
    again = parse(formatted, reporter)
    if again is None or reporter.failed:
        raise UnsafeFormat("the formatted text does not parse")
    if _meaning(source, tree) != _meaning(formatted, again):
        raise UnsafeFormat("the formatted text builds a different model")
    if sorted(_comments(source)) != sorted(_comments(formatted)):
        raise UnsafeFormat("the formatted text lost or changed a comment")


def _meaning(text: str, tree: Tree) -> object:
    """What a file says, without positions: `use` paths, and the journey or library."""
    document = Builder(Reporter(""), "", text.split("\n")).document(tree)
    library = document.library
    return (
        [path for path, _ in document.uses],
        to_plain(document.journey),
        None if library is None else to_plain(library.personas),
        None if library is None else {k: to_plain(v) for k, (v, _) in library.loyalty.items()},
    )


def _comments(text: str) -> list[str]:
    found = []
    for line in text.split("\n"):
        code = _code(line)
        comment = line[len(code) :].rstrip(_SPACE)
        if comment:
            found.append(comment)
    return found


# ---- statements and their comments -------------------------------------------------


@dataclass
class _Node:
    """A statement, the comments around it and, for a block, what it holds."""

    tree: Tree
    line: int = 0  # where the statement stands in the source; 0 for one an edit adds
    text: str = ""  # the statement as an edit writes it; "" to print the tree
    leading: list[str | None] = field(default_factory=list)  # comments and blank lines
    comment: str = ""  # the comment ending the statement's line
    children: list[_Node] = field(default_factory=list)
    tail: list[str | None] = field(default_factory=list)  # comments before the `}`
    close_comment: str = ""  # the comment ending the `}` line


def _attach(tree: Tree, lines: list[str]) -> _Node:
    """Pair each statement line with its tree (both in source order); collect comments."""
    statements = _statements(tree)
    root = _Node(tree)
    stack = [root]
    pending: list[str | None] = []
    for number, raw in enumerate(lines, start=1):
        code_part = _code(raw)
        code = code_part.strip(_SPACE)
        comment = raw[len(code_part) :].rstrip(_SPACE)
        if not code:
            pending.append(comment or _BLANK)
            continue
        if code == "}":
            block = stack.pop()
            block.tail, block.close_comment, pending = pending, comment, []
            continue
        statement = next(statements)
        _verify(statement, number)
        node = _Node(statement, number, leading=pending, comment=comment)
        stack[-1].children.append(node)
        pending = []
        if code.endswith("{"):
            stack.append(node)
    root.tail = pending
    if len(stack) != 1 or next(statements, None) is not None:
        raise UnsafeFormat("the source lines and the syntax tree disagree")
    return root


def _statements(tree: Tree) -> Iterator[Tree]:
    """Every statement of the file in source order (a block before what it holds)."""
    for child in tree.children:
        if isinstance(child, Tree) and child.data in _STATEMENTS:
            yield child
            if child.data in BLOCKS:
                yield from _statements(child)


def _own_tokens(tree: Tree) -> Iterator[Token]:
    """The tokens of a statement's own line (not those of the statements it holds)."""
    for child in tree.children:
        if isinstance(child, Token):
            yield child
        elif child.data not in _STATEMENTS:
            yield from _own_tokens(child)


def _verify(statement: Tree, line: int) -> None:
    for token in _own_tokens(statement):
        if token.line != line:
            raise UnsafeFormat(f"statement of line {token.line} paired with line {line}")


def _apply(root: _Node, edits: list[Edit]) -> None:
    """Write each edit into the tree of statements, by the line it names."""
    by_line: dict[int, _Node] = {0: root}
    stack = [root]
    while stack:
        node = stack.pop()
        for child in node.children:
            by_line[child.line] = child
            stack.append(child)
    for edit in edits:
        node = by_line.get(edit.line)
        if node is None:
            raise UnsafeFormat(f"no statement on line {edit.line} to edit")
        if edit.add:
            node.children.append(_added(edit, node.tree.data))
            continue
        node.text = edit.statement
        if edit.comment:
            if node.comment:
                node.leading.append(node.comment)
            node.comment = _comment(edit.comment)


def _added(edit: Edit, parent: str) -> _Node:
    """A statement an edit adds, with a tree just deep enough for the canonical order."""
    words = edit.statement.split()
    if parent == "loyalty":
        tree = Tree("setting", [Token("NAME", words[0])])
    elif parent == "flow":
        tree = Tree("edge", [])
    else:
        tree = Tree(words[0], [])
    node = _Node(tree, text=edit.statement, comment=_comment(edit.comment) if edit.comment else "")
    node.children = [_added(e, words[0]) for e in edit.body]
    return node


def _comment(text: str) -> str:
    text = text.strip()
    return text if text.startswith("#") else "# " + text


# ---- printing -----------------------------------------------------------------------


def _emit_children(parent: _Node, depth: int, out: list[str]) -> None:
    order = STATEMENT_ORDER.get(parent.tree.data)
    children = parent.children
    if parent.tree.data == "loyalty":
        children = sorted(children, key=_loyalty_rank)
    elif order is not None:
        children = sorted(children, key=lambda n: (_rank(order, n.tree.data), _windowed(n.tree)))
    indent = INDENT * depth
    for index, node in enumerate(children):
        starts = not out if depth == 0 else index == 0  # a block or the file begins here
        for entry in _tidy(node.leading, first=starts):
            out.append("" if entry is _BLANK else indent + entry)
        line = indent + (node.text or render_statement(node.tree))
        if node.tree.data not in BLOCKS:
            out.append(_with_comment(line, node.comment))
            continue
        has_comments = any(entry is not _BLANK for entry in node.tail)
        if not node.children and not has_comments and not node.close_comment:
            out.append(_with_comment(line + " { }", node.comment))
            continue
        out.append(_with_comment(line + " {", node.comment))
        _emit_children(node, depth + 1, out)
        _emit_tail(node, depth + 1, out, has_children=bool(node.children))
        out.append(_with_comment(indent + "}", node.close_comment))


def _emit_tail(node: _Node, depth: int, out: list[str], *, has_children: bool) -> None:
    """Comments after a block's last statement (or at the end of the file)."""
    entries = _tidy(node.tail, first=not has_children)
    while entries and entries[-1] is _BLANK:
        entries.pop()
    for entry in entries:
        out.append("" if entry is _BLANK else INDENT * depth + entry)


def _tidy(entries: list[str | None], *, first: bool) -> list[str | None]:
    """At most one blank line in a row, and none where a block or the file begins."""
    tidy: list[str | None] = []
    for entry in entries:
        repeated = bool(tidy) and tidy[-1] is _BLANK
        if entry is _BLANK and (repeated or (first and not tidy)):
            continue
        tidy.append(entry)
    return tidy


def _with_comment(line: str, comment: str) -> str:
    return f"{line}  {comment}" if comment else line


def _rank(order: tuple[str, ...], kind: str) -> int:
    return order.index(kind) if kind in order else len(order)


def _windowed(tree: Tree) -> bool:
    """A `capacity N WINDOW` line: after the plain `capacity N` it applies over."""
    return tree.data == "capacity" and len(tree.children) > 1


def _loyalty_rank(node: _Node) -> int:
    return _LOYALTY_ORDER.get(str(node.tree.children[0]), len(_LOYALTY_ORDER))


# ---- one statement ------------------------------------------------------------------


def render_statement(tree: Tree) -> str:
    """A statement's line in canonical spelling, without `{` and without its comment."""
    kind = tree.data
    parts = tree.children
    if kind in ("journey", "persona", "stage", "touchpoint", "scenario"):
        words = [kind, *(str(p) for p in parts if isinstance(p, Token))]
        return " ".join(words)
    if kind in ("flow", "loyalty"):
        return kind
    if kind in ("use", "description", "currency", "channel"):
        return f"{kind} {parts[0]}"
    if kind == "owner":
        return f"owner {_quoted(parts[0])}"
    if kind == "visits":
        start = f" from {parts[1]}" if len(parts) > 1 else ""
        return f"visits every {_value(parts[0])}{start}"
    if kind == "busy":
        return f"busy {_window(parts[0])} {_density(parts[1])}"
    if kind == "capacity" and len(parts) > 1:
        return f"capacity {_value(parts[0])} {_window(parts[1])}"
    if kind == "prefers":
        return "prefers " + ", ".join(str(p) for p in parts)
    if kind == "moment_of_truth":
        return " ".join(["moment_of_truth", *(_value(p) for p in parts[1:])])
    if kind == "event":
        return _event(parts)
    if kind == "recovers":
        *refs, chance = parts
        targets = ", ".join(".".join(str(t) for t in ref.children) for ref in refs)
        return f"recovers {targets} chance {_value(chance)}"
    if kind == "edge":
        return _edge(parts)
    if kind == "set":
        path, op, value, *window = parts
        dotted = _path(path)
        every = "every " if dotted.endswith(".visits") and str(op) != "*=" else ""
        line = f"{dotted} {op} {every}{_value(value)}"
        return f"{line} {_window(window[0])}" if window else line
    if kind == "add":
        return "add " + _event(parts)
    if kind == "remove":
        return f"remove {_path(parts[0])}"
    if kind == "set_flow":
        source, target, op, value, *persona = parts
        line = f"flow {source} -> {target} {op} {_value(value)}"
        return f"{line} for {persona[0]}" if persona else line
    if kind == "setting":
        return f"{parts[0]} {_value(parts[1])}"
    # one keyword and one value: horizon, customers, share, arrivals, patience, spend,
    # price_sensitivity, expects, expect, delivers, after, takes, capacity, service,
    # max_wait, cost
    return f"{kind} {_value(parts[0])}"


def _event(parts: list) -> str:
    """`delighter NAME "Label" chance X impact Y` (the name may be a scenario's path)."""
    kind_tree, name, *rest = parts
    words = [str(kind_tree.children[0]), _path(name) if isinstance(name, Tree) else str(name)]
    if isinstance(rest[0], Token):
        words.append(str(rest.pop(0)))
    chance, impact = rest
    return " ".join([*words, "chance", _value(chance), "impact", _value(impact)])


def _edge(parts: list) -> str:
    """`a -> b 20% after exp(3 days) for p`: the parts in the grammar's order."""
    source, target, *rest = parts
    words = [str(source), "->", str(target)]
    for part in rest:
        if isinstance(part, Token):
            words += ["for", str(part)]
        elif part.data == "delay":
            words += ["after", _value(part.children[0])]
        else:
            words.append(_value(part))
    return " ".join(words)


def _window(tree: Tree) -> str:
    """A time of the week as written (`mon-fri 9:00-17:00`), spaced one way."""
    return " ".join(
        _days(str(token)) if token.type == "DAYS" else _hours(str(token)) for token in tree.children
    )


def _days(text: str) -> str:
    """Day words and ranges as written; a list as `mon, wed, fri`."""
    return ", ".join(part.strip(_SPACE) for part in text.split(","))


def _hours(text: str) -> str:
    """`09:00-17:30` → `9:00-17:30`: hours without a leading zero, minutes as two digits."""
    return "-".join(
        f"{int(hour)}:{minute}" for hour, minute in (t.split(":") for t in text.split("-"))
    )


def _density(tree: Tree) -> str:
    """A busy density: `3x`, `0.1x`; any other unit (an error `check` reports) as written."""
    number, *unit = tree.children
    if not unit or str(unit[0]) != "x":
        return _value(tree)
    text = _number(str(number))
    # `1k x` keeps its space: `1kx` would read as 1 and a word `kx`
    return f"{text} x" if text.endswith(("k", "M")) else f"{text}x"


def _path(tree: Tree) -> str:
    return ".".join(str(t) for t in tree.children)


def _quoted(token: Token) -> str:
    if token.type == "STRING":
        return str(token)
    return f'"{token}"'


def _value(tree: Tree) -> str:
    """A value in canonical spelling: quantity, percentage, rate or distribution."""
    kind = tree.data
    parts = tree.children
    if kind == "quantity":
        number = _number(str(parts[0]))
        if len(parts) == 1:
            return number
        return f"{number} {_unit(str(parts[1]), plural=_is_plural(number))}"
    if kind == "amount":
        percent = _number(str(parts[0]))
        return f"{percent} per {_unit(str(parts[1]), plural=False)}" if len(parts) > 1 else percent
    if kind == "rate":
        return f"{_value(parts[0])} per {_unit(str(parts[1]), plural=False)}"
    if kind == "normal_pm":
        return f"{_value(parts[0])} +- {_value(parts[2])}"
    if kind == "call":
        name, *args = parts
        return f"{name}({', '.join(_value(a) for a in args)})"
    if kind == "word":
        return str(parts[0])
    if kind in ("belief", "chance_belief"):  # a range of belief: `+1 .. +3`
        return f"{_value(parts[0])} .. {_value(parts[1])}"
    if kind == "rate_belief" and len(parts) == 2:  # `30 per week .. 50 per week`
        return f"{_value(parts[0])} .. {_value(parts[1])}"
    if kind == "rate_belief":  # `30 .. 50 per week`
        per = _unit(str(parts[2]), plural=False)
        return f"{_value(parts[0])} .. {_value(parts[1])} per {per}"
    raise UnsafeFormat(f"unknown value {kind}")


_LEADING_ZEROS = re.compile(r"^([+-]?)0+(?=[0-9])")


def _number(text: str) -> str:
    """A number as written, without leading zeros (`007` → `7`, `00.5%` → `0.5%`)."""
    return _LEADING_ZEROS.sub(r"\1", text)


def _is_plural(number: str) -> bool:
    digits = number.lstrip("+-").rstrip("%")
    try:
        return float(digits) != 1.0
    except ValueError:  # 120k, or a number the builder will reject
        return True


def _unit(word: str, *, plural: bool) -> str:
    """The canonical spelling of a time unit; an unknown word stays as written."""
    minutes = units.TIME_UNITS.get(word)
    if minutes is None:
        return word
    singular, plural_form = units.CANONICAL_UNIT[minutes]
    return plural_form if plural else singular
