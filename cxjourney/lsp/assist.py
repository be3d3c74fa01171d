"""Hover and completion: what a word means, and what may be written at the cursor.

Attributes are explained from the one table of facts (`cxjourney.language.facts`), and the
statements each block offers come from it too; names from the block that defines
them, wherever it is (a used library included); times of the week by `times`.
"""

from __future__ import annotations

from lsprotocol import types

from ..language import facts as _facts
from ..language.facts import LOYALTY_SOURCES
from ..language.units import DISTRIBUTIONS, MEMORY_RULES, TIME_UNITS
from ..model import DAY_NAMES, EVENT_KINDS, Loyalty
from . import times
from .features import home_of
from .index import Block, Index, Key, Token, tokenize
from .project import Project


def _changeable(block: str) -> dict[str, str]:
    """The attributes a scenario may set (`T.attr = ...`), with their kinds."""
    return {a.name: a.kind for a in _facts.of_block(block) if a.changeable}


TOUCHPOINT_ATTRIBUTES = _changeable("touchpoint")
EVENT_ATTRIBUTES = _changeable("event")
PERSONA_ATTRIBUTES = {"share": "percent", **_changeable("persona")}
LOYALTY_KINDS = {a.name: a.kind for a in _facts.of_block("loyalty")}

#: The statements each block may hold: the attributes of the table of facts in their
#: canonical order (parts of a statement, such as `from`, left out), then the blocks.
BLOCK_KEYWORDS: dict[str, tuple[str, ...]] = {
    "file": ("use", "journey", "persona", "loyalty"),
    "journey": (*_facts.names("journey"), "persona", "stage", "flow", "scenario", "loyalty"),
    "persona": _facts.names("persona"),
    "stage": ("touchpoint",),
    "touchpoint": (*_facts.names("touchpoint"), "delighter", "disappointer", "recovers"),
    "flow": (),
    "scenario": ("cost", "add", "remove", "flow"),
    "loyalty": _facts.names("loyalty"),
}

KEYWORDS = {
    "use": "Reads personas (and a loyalty block) from a persona library; "
    "the path is relative to this file.",
    "journey": "The journey map: personas, stages of touchpoints, the flow, scenarios "
    "and the loyalty model's settings.",
    "persona": "A kind of customer: their share, how often they come back, patience, "
    "spend and preferred channels.",
    "stage": "A phase of the journey; its touchpoints form one column of the map.",
    "touchpoint": "A moment where the customer meets the organisation: channel, owner, "
    "expectation, what is delivered, a queue, delighters and disappointers.",
    "delighter": "An attractive event (Kano): with its chance it lifts the experience "
    "by its impact.",
    "disappointer": "A must-be event (Kano): with its chance it lowers the experience "
    "by its impact.",
    "recovers": "Service recovery: this touchpoint can undo earlier disappointers, with a chance.",
    "flow": "The paths customers take between touchpoints, with probabilities, "
    "optionally per persona (`for`).",
    "scenario": "An investment: its cost and its changes to the journey, simulated "
    "against the baseline with the same customers.",
    "loyalty": "Settings of the loyalty model (memory rule, loss aversion, retention curve).",
    "add": "Adds a delighter or disappointer to a touchpoint in this scenario.",
    "remove": "Removes a delighter or disappointer in this scenario.",
    "cost": "What the scenario costs, in the journey's currency.",
    "for": "The line applies to one persona only.",
    "every": "`visits every DURATION`: the mean time between a customer's journeys.",
    "per": "A rate or a percentage per unit of time.",
    "start": "Where every customer enters the flow.",
    "end": "Where a customer finishes the journey (and may come back).",
    "exit": "Where a customer leaves the journey unfinished.",
}

_BLOCK_OF_KIND = {
    "touchpoint": TOUCHPOINT_ATTRIBUTES,
    "event": EVENT_ATTRIBUTES,
    "persona": PERSONA_ATTRIBUTES,
    "loyalty": LOYALTY_KINDS,
}
_STATEMENT_BLOCKS = ("journey", "persona", "touchpoint")
#: Statements whose values are times: a number there is followed by a time unit.
_DURATION_STATEMENTS = {
    a.name for b in _STATEMENT_BLOCKS for a in _facts.of_block(b) if a.unit == "minutes"
}
#: Statements that take a distribution (`delivers`, `after`, `takes`, `service`).
_DISTRIBUTION_STATEMENTS = {
    a.name for b in _STATEMENT_BLOCKS for a in _facts.of_block(b) if a.kind == "distribution"
}
_JOURNEY_KINDS = {
    "description": "text",
    "horizon": "duration",
    "customers": "count",
    "currency": "word",
}
#: How each kind of value is written (units.py's kinds), until the table of facts says more.
_KIND_WORDS = {
    "rating": "a rating on the 1..5 scale",
    "rating_distribution": "a rating on the 1..5 scale, or a distribution of ratings",
    "duration": "a duration with a time unit, e.g. 5 min",
    "duration_distribution": "a duration with a unit, or a distribution such as exp(90 s)",
    "percent": "a percentage, e.g. 60%",
    "count": "a whole number",
    "rate": "a count per unit of time, e.g. 40 per week",
    "money": "an amount of money in the journey's currency",
    "shift": "a shift of a rating, e.g. +0.5 or -2",
    "weight": "a weight (moment_of_truth alone: 2)",
    "number": "a number",
    "word": "a word",
    "text": "a quoted text",
}


# ---- attribute facts ------------------------------------------------------------------


def attribute_fact(block: str, name: str) -> _facts.Attribute | None:
    """The entry of the table of facts, or None for an unknown name."""
    return _facts.lookup(block, name)


def attribute_markdown(block: str, name: str, title: str = "") -> str | None:
    """The fact's meaning, kind, unit, default and range; `title` names a statement's part."""
    fact = attribute_fact(block, name)
    if fact is not None:
        rows = [title or f"**{name}** ({block} attribute)", "", fact.meaning, ""]
        for label, value in (
            ("kind", fact.kind),
            ("unit", fact.unit),
            ("default", fact.default),
            ("range", fact.range),
        ):
            if value:
                rows.append(f"- {label}: {value}")
        return "\n".join(rows).rstrip()
    kinds = {**_BLOCK_OF_KIND.get(block, {}), **(_JOURNEY_KINDS if block == "journey" else {})}
    if name not in kinds:
        return None
    text = f"**{name}** ({block} attribute): {_KIND_WORDS.get(kinds[name], kinds[name])}"
    if block == "loyalty":
        text += f"\n\n- default: {getattr(Loyalty(), name)}"
        if name in LOYALTY_SOURCES:
            text += f"\n- source: {LOYALTY_SOURCES[name]}"
    return text


def attribute_detail(block: str, name: str) -> str:
    fact = attribute_fact(block, name)
    if fact is not None:
        return fact.meaning
    kinds = {**_BLOCK_OF_KIND.get(block, {}), **(_JOURNEY_KINDS if block == "journey" else {})}
    return _KIND_WORDS.get(kinds.get(name, ""), "")


# ---- hover ------------------------------------------------------------------------------


def hover(project: Project, uri: str, line: int, column: int) -> tuple[str, Token] | None:
    """Markdown about the word under the cursor, and the word."""
    idx = project.index(uri)
    if idx is None:
        return None
    at = idx.token_at(line, column)
    if at is None:
        return None
    position, token = at
    occurrence = idx.occurrence_at(line, column)
    if occurrence is not None:
        return _describe_name(project, uri, occurrence.key), token
    tokens = idx.tokens[line]
    attribute = idx.attribute_at(line, column)
    if attribute is not None:
        text = _attribute_hover(attribute.block, attribute.name, idx.lines[line], tokens)
        if text is not None:
            return text, token
    timed = _time_hover(idx.lines[line], tokens, position, column)
    if timed is not None:
        return timed
    if token.kind != "name":
        return None
    before = tokens[position - 1] if position else None
    after = tokens[position + 1] if position + 1 < len(tokens) else None
    word = token.text
    if (
        word in TIME_UNITS
        and before is not None
        and (before.kind == "number" or before.text == "per")
    ):
        return f"**{word}**: a time unit, {_minutes(TIME_UNITS[word])}", token
    if word in DISTRIBUTIONS and after is not None and after.text == "(":
        return _distribution_markdown(word), token
    if word in MEMORY_RULES and tokens[0].text == "memory":
        return f"**{word}**: a memory rule of the loyalty model", token
    if word in KEYWORDS:
        return f"**{word}**: {KEYWORDS[word]}", token
    return None


def _attribute_hover(block: str, name: str, text: str, tokens: list[Token]) -> str | None:
    """An attribute's facts; `capacity` with a window is the fact of capacity by time."""
    if name == "capacity" and _windows(text, tokens):
        part = next(a for a in _facts.of_block("touchpoint") if a.within == "capacity")
        return attribute_markdown(block, part.name, "**capacity** in a window (touchpoint)")
    return attribute_markdown(block, name)


def _windows(text: str, tokens: list[Token]) -> list[times.Found]:
    """The windows of a line, found in its code (its tokens end before a comment)."""
    if not tokens:
        return []
    return times.windows(text[: tokens[-1].end], [t.text for t in tokens])


def _time_hover(
    text: str, tokens: list[Token], position: int, column: int
) -> tuple[str, Token] | None:
    """A window or one of its day words, a busy density (`3x`), the `from` of a repeat start."""
    token = tokens[position]
    for found in _windows(text, tokens):
        if not found.start <= column <= found.end:
            continue
        window = times.describe(found)
        if token.kind == "name" and token.text in times.DAY_MEANINGS:
            return f"{times.day_word(token.text)}\n\n{window}", token
        return window, Token("window", found.text, found.start, found.end)
    words = [t.text for t in tokens]
    if words[:1] == ["busy"]:
        number = _density_number(tokens, position)
        if number is not None:
            return times.density(number.text), number
    if token.text == "from" and words[:1] == ["visits"]:
        part = _facts.lookup("persona", "from")
        assert part is not None and part.within == "visits"
        title = "**from** (persona, part of `visits every`)"
        return attribute_markdown("persona", part.name, title) or "", token
    return None


def _density_number(tokens: list[Token], position: int) -> Token | None:
    """The number of a density `3x` when the cursor is on its number or its `x`."""
    token = tokens[position]
    if token.kind == "number" and position + 1 < len(tokens):
        return token if tokens[position + 1].text == "x" else None
    if token.text == "x" and position and tokens[position - 1].kind == "number":
        return tokens[position - 1]
    return None


def _minutes(minutes: float) -> str:
    if minutes < 1:
        return f"{minutes * 60:g} seconds"
    return f"{minutes:g} minute{'s' if minutes != 1 else ''}"


def _distribution_markdown(name: str) -> str:
    arity = DISTRIBUTIONS[name]
    shapes = {
        "normal": "normal(mean, sd): symmetric spread around the mean (also `mean +- sd`)",
        "exp": "exp(mean): exponential, for service times with many short and a few long",
        "uniform": "uniform(low, high): every value between low and high equally likely",
        "triangular": "triangular(low, mode, high): most likely at the mode",
        "lognormal": "lognormal(mean, sd): skewed to the right, never negative",
    }
    return f"**{name}** distribution, {arity} argument{'s' if arity > 1 else ''}\n\n{shapes[name]}"


def _describe_name(project: Project, uri: str, key: Key) -> str:
    kind, scope, name = key
    homes = home_of(project, uri, key)
    title = f"**{kind}** `{scope + '.' if scope else ''}{name}`"
    if not homes:
        return f"{title}\n\nnot defined" + (
            " in this file or the files it uses" if kind == "persona" else ""
        )
    home_uri, occurrence = homes[0]
    home = project.index(home_uri)
    assert home is not None
    block = _defining_block(home, occurrence.line)
    if block is None or kind == "event":
        snippet = home.lines[occurrence.line].strip()
    else:
        end = min(block.end_line, block.line + 14)
        snippet = "\n".join(home.lines[block.line : end + 1])
        if end < block.end_line:
            snippet += "\n  ..."
    where = "" if home_uri == uri else f"\n\nfrom `{home_uri.rsplit('/', 1)[-1]}`"
    label = f" — {block.label}" if block is not None and block.label and kind != "event" else ""
    return f"{title}{label}{where}\n\n```journey\n{_dedent(snippet)}\n```"


def _defining_block(idx: Index, line: int) -> Block | None:
    return next((b for b in idx.walk() if b.line == line), None)


def _dedent(text: str) -> str:
    lines = text.split("\n")
    indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return "\n".join(x[indent:] for x in lines)


# ---- completion ---------------------------------------------------------------------------

Item = types.CompletionItem
K = types.CompletionItemKind


def completion(project: Project, uri: str, line: int, column: int) -> list[Item]:
    """What may be written at the cursor: keywords, attributes, units, names."""
    idx = project.index(uri)
    if idx is None:
        return []
    text = idx.lines[line] if line < len(idx.lines) else ""
    prefix = text[:column]
    tokens = tokenize(prefix)
    if tokens and tokens[-1].kind == "string" and not _closed(tokens[-1].text):
        return []
    if "#" in _strip_strings(prefix):
        return []
    if tokens and tokens[-1].kind == "name" and tokens[-1].end == len(prefix):
        tokens = tokens[:-1]  # the word being typed
    block = _block_for(idx, line)
    where = block.kind if block else "file"
    names = _Names(project, uri, idx)
    words = [t.text for t in tokens]
    if words and words[-1] == "for":
        return names.personas()
    if where == "flow" or (where == "scenario" and words[:1] == ["flow"]):
        if where == "flow":
            return _flow(words, names, tokens)
        return _flow(words[1:], names)
    days = _day_words(words)
    if days is not None:
        return days
    following = _next_keyword(words, tokens)
    if following:
        return [_keyword(following, "event")]
    if where == "scenario":
        return _scenario(words, names)
    if where == "touchpoint" and words[:1] == ["recovers"]:
        return _recovers(words, names)
    if not words:
        if where == "touchpoint" and block is not None and block.line == line:
            return []
        return [_keyword(word, where) for word in BLOCK_KEYWORDS.get(where, ())]
    statement = words[0]
    if statement == "visits":
        offered = _visits(words, tokens, names)
        if offered is not None:
            return offered
    if statement in _DISTRIBUTION_STATEMENTS and len(words) == 1:
        return _distributions()
    if statement == "memory" and where == "loyalty" and len(words) == 1:
        return [Item(label=w, kind=K.EnumMember) for w in MEMORY_RULES]
    if statement in ("channel", "prefers"):
        return [Item(label=c, kind=K.Value) for c in sorted(names.channels())]
    after_number = tokens and tokens[-1].kind == "number" and not tokens[-1].text.endswith("%")
    if after_number and (statement in _DURATION_STATEMENTS or "+-" in words or "(" in words):
        return _units()
    if words[-1] == "per":
        return _units()
    return []


def _visits(words: list[str], tokens: list[Token], names: _Names) -> list[Item] | None:
    """`visits every 30 days from use`: `every`, then (after the duration) `from` and a
    touchpoint; None where the statement's value is typed (units are offered then)."""
    if len(words) == 1:
        return [Item(label="every", kind=K.Keyword, detail=KEYWORDS["every"])]
    if words[-1] == "from":
        return names.touchpoints()
    duration = (
        len(words) == 4
        and words[1] == "every"
        and tokens[2].kind == "number"
        and words[3] in TIME_UNITS
    )
    if duration:
        return [Item(label="from", kind=K.Keyword, detail=attribute_detail("persona", "from"))]
    return None


def _day_words(words: list[str]) -> list[Item] | None:
    """Day words where a window may stand: after `busy`, `capacity N`, a scenario's
    `T.capacity OP N`; day names after `mon-`; day words after `mon,`."""
    if not times.may_hold_window(words):
        return None
    last = words[-1] if words else ""
    if last == "-" and len(words) >= 2 and words[-2] in DAY_NAMES:
        return [_day(d) for d in DAY_NAMES]
    if last == "," and len(words) >= 2 and words[-2] in DAY_NAMES + tuple(times.DAY_MEANINGS):
        return [_day(d) for d in times.DAY_MEANINGS]
    if words == ["busy"]:
        return [_day(d) for d in times.DAY_MEANINGS]
    capacity = words[:1] == ["capacity"] and len(words) == 2
    change = len(words) == 5 and words[2] == "capacity" and words[3] in ("=", "+=", "-=", "*=")
    if (capacity or change) and _is_number(last):
        return [_day(d) for d in times.DAY_MEANINGS]
    return None


def _is_number(word: str) -> bool:
    return bool(word) and word.lstrip("+-")[:1].isdigit() and not word.endswith("%")


def _day(word: str) -> Item:
    return Item(label=word, kind=K.EnumMember, detail=times.DAY_MEANINGS[word])


def _next_keyword(words: list[str], tokens: list[Token]) -> str:
    """`chance` after an event's name and label (or a `recovers` list), `impact` after it."""
    event = words[:1] in (["delighter"], ["disappointer"]) or words[:1] == ["add"]
    if not (event or words[:1] == ["recovers"]) or len(words) < 2 or words[-1] in (",", "."):
        return ""
    last = tokens[-1]
    if "chance" not in words:
        named = last.kind in ("name", "string") and words[-1] not in EVENT_KINDS
        return "chance" if named else ""
    if event and "impact" not in words and last.kind == "number" and last.text.endswith("%"):
        return "impact"
    return ""


def _closed(string: str) -> bool:
    return len(string) >= 2 and string.endswith('"') and not string.endswith('\\"')


def _strip_strings(text: str) -> str:
    out, inside, escaped = [], False, False
    for c in text:
        if inside:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                inside = False
            continue
        if c == '"':
            inside = True
            continue
        out.append(c)
    return "".join(out)


def _block_for(idx: Index, line: int) -> Block | None:
    """The block a new statement on `line` belongs to (a header line belongs to its parent)."""
    block = idx.block_at(line)
    if block is not None and block.line == line:
        return block.parent
    if block is not None and block.end_line == line and idx.lines[line].strip().startswith("}"):
        return block.parent
    return block


def _keyword(word: str, block: str) -> Item:
    attribute_block = "journey" if block == "journey" else block
    detail = attribute_detail(attribute_block, word) or KEYWORDS.get(word, "")
    return Item(label=word, kind=K.Keyword if word in KEYWORDS else K.Property, detail=detail)


def _units() -> list[Item]:
    seen = dict.fromkeys(TIME_UNITS)
    return [Item(label=u, kind=K.Unit, detail=_minutes(TIME_UNITS[u])) for u in seen]


def _distributions() -> list[Item]:
    return [
        Item(
            label=name,
            kind=K.Function,
            detail=_distribution_markdown(name).split("\n\n")[1],
            insert_text=f"{name}(",
        )
        for name in DISTRIBUTIONS
    ]


class _Names:
    """Names of the file's elements (personas include those of used libraries)."""

    def __init__(self, project: Project, uri: str, idx: Index) -> None:
        self.project, self.uri, self.idx = project, uri, idx
        self._blocks: dict[tuple[str, str], Block] | None = None

    def touchpoints(self) -> list[Item]:
        return [self._item(n, "touchpoint", K.Function) for n in self.idx.names("touchpoint")]

    def personas(self) -> list[Item]:
        found = dict.fromkeys(self.idx.names("persona"))
        for _, used in self.project.used(self.uri):
            used_index = self.project.index(used)
            if used_index is not None:
                found.update(dict.fromkeys(used_index.names("persona")))
        return [self._item(n, "persona", K.Class) for n in found]

    def events(self, touchpoint: str | None = None, kind: str | None = None) -> list[Item]:
        items = {}
        for key, event_kind in self.idx.event_kinds.items():
            if touchpoint is not None and key[1] != touchpoint:
                continue
            if kind is not None and event_kind != kind:
                continue
            items.setdefault(key[2], Item(label=key[2], kind=K.Event, detail=event_kind))
        return list(items.values())

    def channels(self) -> set[str]:
        found = set()
        for tokens in self.idx.tokens:
            if tokens and tokens[0].text in ("channel", "prefers"):
                found.update(t.text for t in tokens[1:] if t.kind == "name")
        return found

    def _item(self, name: str, kind: str, item_kind: types.CompletionItemKind) -> Item:
        if self._blocks is None:  # the first block of each kind and name, found in one walk
            self._blocks = {}
            for b in self.idx.walk():
                self._blocks.setdefault((b.kind, b.name), b)
        block = self._blocks.get((kind, name))
        return Item(
            label=name,
            kind=item_kind,
            detail=f"{kind}" + (f": {block.label}" if block and block.label else ""),
        )


def _flow(words: list[str], names: _Names, tokens: list[Token] | None = None) -> list[Item]:
    """An edge's ends; in a flow block (`tokens` given) also its delay and persona."""
    if not words:
        return [Item(label="start", kind=K.Keyword, detail=KEYWORDS["start"]), *names.touchpoints()]
    if words[-1] == "->":
        terminals = [Item(label=t, kind=K.Keyword, detail=KEYWORDS[t]) for t in ("end", "exit")]
        return [*names.touchpoints(), *terminals]
    if tokens is None or len(words) < 3 or words[1] != "->":
        return []
    if "after" in words[3:]:
        return _edge_delay(words, tokens)
    rest = words[3:]
    if not rest or (len(rest) == 1 and rest[0].endswith("%")):
        after = Item(label="after", kind=K.Keyword, detail=attribute_detail("edge", "after"))
        return (
            [after, Item(label="for", kind=K.Keyword, detail=KEYWORDS["for"])] if rest else [after]
        )
    return []


def _edge_delay(words: list[str], tokens: list[Token]) -> list[Item]:
    """After an edge's `after`: a distribution, then a time unit after each number."""
    if words[-1] == "after":
        return _distributions()
    if tokens[-1].kind == "number" and not tokens[-1].text.endswith("%"):
        return _units()
    return []


def _scenario(words: list[str], names: _Names) -> list[Item]:
    if not words:
        keywords = [_keyword(w, "scenario") for w in BLOCK_KEYWORDS["scenario"]]
        return [*keywords, *names.touchpoints(), *names.personas()]
    if words[0] == "add" and len(words) == 1:
        return [Item(label=k, kind=K.Keyword, detail=KEYWORDS[k]) for k in EVENT_KINDS]
    if (words[0] == "add" and len(words) == 2) or words == ["remove"]:
        return names.touchpoints()
    path = words[1:] if words[0] == "remove" else words
    if path and path[-1] == ".":
        parts = [w for w in path if w != "."]
        touchpoints = set(names.idx.names("touchpoint"))
        if len(parts) == 1 and parts[0] in touchpoints:
            events = names.events(parts[0])
            if words[0] == "remove":
                return events
            attributes = [
                Item(label=a, kind=K.Property, detail=attribute_detail("touchpoint", a))
                for a in TOUCHPOINT_ATTRIBUTES
            ]
            return [*attributes, *events]
        if len(parts) == 1:
            return [
                Item(label=a, kind=K.Property, detail=attribute_detail("persona", a))
                for a in PERSONA_ATTRIBUTES
                if a != "share"
            ]
        if len(parts) == 2:
            return [
                Item(label=a, kind=K.Property, detail=attribute_detail("event", a))
                for a in EVENT_ATTRIBUTES
            ]
    return []


def _recovers(words: list[str], names: _Names) -> list[Item]:
    if words[-1] in ("recovers", ","):
        return [*names.events(kind="disappointer"), *names.touchpoints()]
    if words[-1] == "." and len(words) >= 2:
        return names.events(words[-2], kind="disappointer")
    return []
