"""Text → syntax tree with Lark's LALR parser, reporting every syntax error it can.

Lark stops at the first error; a line-based language recovers well by blanking the
offending statement (or the whole block a broken header opens) and parsing again,
so one run reports each broken line once without a cascade of follow-on errors.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from importlib import resources
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
)

from . import blocks, slips
from .blocks import code as _code
from .diagnostics import Reporter, Span, did_you_mean

MAX_SYNTAX_ERRORS = 25
REPAIRED = 0  # not a line: the broken line was rewritten as meant, nothing to blank

# What each terminal is called in messages.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": 'a quoted string ("...")',
    "NUMBER": "a number",
    "BAD_NUMBER": "a number",
    "PERCENT": "a percentage (e.g. 60%)",
    "_NL": "the end of the line",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "DOT": "'.'",
    "ASSIGN": "an operator (=, +=, -=, *=)",
    "PLUSMINUS": "'+-'",
    "__ANON_0": "'->'",
    "_RANGE": "'..'",
    "DAYS": "days of the week (mon-fri)",
    "HOURS": "hours (9:00-17:00)",
    "$END": "the end of the file",
}

# A keyword that can only start a statement of one kind of block names the block.
_BLOCK_OF_KEYWORD = {
    "DELIVERS": "touchpoint",
    "SHARE": "persona",
    "HORIZON": "journey",
    "TOUCHPOINT": "stage",
    "COST": "scenario",
    "USE": "file",
}


def grammar_text() -> str:
    """The grammar, from the installed package or from the source tree."""
    packaged = resources.files("cxjourney").joinpath("grammars/journey.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    source_tree = Path(__file__).resolve().parents[2] / "grammars" / "journey.lark"
    return source_tree.read_text(encoding="utf-8")


class _GluedKeyword(Exception):
    """A keyword followed by more letters (`expectt`) where only keywords may stand."""

    def __init__(self, token: Token, word: str) -> None:
        super().__init__(word)
        self.token = token
        self.word = word


_WORD = re.compile(r"[A-Za-z0-9_]*")


class _RefuseGluedKeywords:
    """Post-lexer: where no name may stand, Lark's contextual lexer splits `expectt` into
    the keyword `expect` and the name `t`; a keyword touching the next word is refused.

    Its only state lives in the generator of one parse, so parses share nothing.
    """

    always_accept: tuple[str, ...] = ()

    def __init__(self, keyword_types: frozenset[str]) -> None:
        self.keyword_types = keyword_types

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        keyword: Token | None = None
        for token in stream:
            if keyword is not None and token.start_pos == keyword.end_pos:
                rest = _WORD.match(str(token))
                if rest and rest.group(0):
                    raise _GluedKeyword(keyword, str(keyword) + rest.group(0))
            keyword = token if token.type in self.keyword_types else None
            yield token


def _options() -> dict[str, object]:
    return {
        "parser": "lalr",
        "lexer": "contextual",
        "propagate_positions": False,
        "maybe_placeholders": False,
    }


@functools.cache
def keywords() -> frozenset[str]:
    """Terminal names of the keywords: Lark names a literal "word" WORD."""
    return frozenset(
        t.name
        for t in parser().terminals
        if t.pattern.type == "str" and t.pattern.value.isidentifier()
    )


@functools.cache
def parser() -> Lark:
    words = set(re.findall(r'"([a-z_]+)"', grammar_text()))
    guard = _RefuseGluedKeywords(frozenset(w.upper() for w in words))
    return Lark(grammar_text(), postlex=guard, cache=_cache_file(), **_options())


def _cache_file() -> str | bool:
    """Where Lark keeps the analysed grammar between runs (start-up: 0.25 s → 0.02 s).

    Lark checks the grammar's hash before using the file. The file is a pickle, so it
    lives only in a folder of the user's own (never a shared temporary folder that
    another user could write to); without one, nothing is cached.
    """
    import hashlib
    import os
    from pathlib import Path

    import lark

    home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(home) / "cxjourney"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o022 or not os.access(folder, os.W_OK):
            return False
    except (OSError, RuntimeError):
        return False
    digest = hashlib.sha256(grammar_text().encode("utf-8")).hexdigest()[:16]
    return str(folder / f"grammar-{lark.__version__}-{digest}.lark-cache")


def decode(data: bytes, reporter: Reporter) -> str | None:
    """Bytes → text: UTF-8, an optional byte-order mark, CRLF accepted."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before.rsplit(b"\n", 1)[-1].decode("utf-8", "replace")) + 1
        reporter.error(
            Span(line, column),
            f"the file is not UTF-8 text (byte 0x{data[err.start]:02x})",
            "save the file as UTF-8",
        )
        return None
    return text.removeprefix("\ufeff")


def parse(text: str, reporter: Reporter, blanked: list[str] | None = None) -> Tree | None:
    """Parse, recovering from syntax errors; None when nothing usable is left.

    `blanked` receives the text of every line dropped to recover, so that later
    checks can tell which names a syntax error hid.
    """
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        reporter.error(Span(line, 1), "the file contains NUL bytes; is it a binary file?")
        return None
    try:
        return _parse(text, reporter, blanked)
    finally:
        _last.outcome = None  # the outcomes are this text's only


def _parse(text: str, reporter: Reporter, blanked: list[str] | None) -> Tree | None:
    lines = text.split("\n")
    origin = list(range(1, len(lines) + 1))  # each line's number in the text as written
    found = Reporter(reporter.file)  # this parse's diagnostics, before they are renumbered
    for _ in range(MAX_SYNTAX_ERRORS):
        source = _source(lines)
        try:
            tree = _attempt(source)
        except (_GluedKeyword, UnexpectedInput) as err:
            glued = err if isinstance(err, _GluedKeyword) else _glued(source, err)
            if glued is not None:
                line = glued.token.line or 1
                found.error(
                    Span(line, glued.token.column or 1),
                    f"unknown keyword '{glued.word}'",
                    did_you_mean(glued.word, sorted(_keyword(t) for t in keywords())),
                )
            else:
                assert isinstance(err, UnexpectedInput)
                line = _close_block(err, lines, origin, found)
                if line is None:
                    line = _report(err, lines, found)
            _renumber(found, origin, reporter)
            if line == REPAIRED:
                continue
            if line is None or not _blank(lines, line, blanked):
                return None
        else:
            if origin[-1] != len(origin):  # a '}' was added: tokens say where they were written
                for token in tree.scan_values(lambda v: isinstance(v, Token)):
                    token.line = origin[(token.line or 1) - 1]
                    token.end_line = origin[(token.end_line or token.line) - 1]
            return tree
    last = max((d.line for d in reporter.diagnostics), default=1)
    reporter.error(Span(last, 1), "too many syntax errors; stopping here")
    return None


def _source(lines: list[str]) -> str:
    source = "\n".join(lines)
    return source if source.endswith("\n") else source + "\n"


#: The last text parsed and its tree or error: a repair is tried by parsing the whole text
#: with it, and when the repair is kept the next round parses that same text; parsing it
#: once, not twice, halves the time a file of many errors takes.
#: Per thread, so that two threads parsing never see each other's text.
_last = threading.local()


def _attempt(source: str) -> Tree:
    """parser().parse(source), remembering the last text's outcome."""
    last = getattr(_last, "outcome", None)
    if last is None or (last[0] is not source and last[0] != source):
        try:
            last = (source, parser().parse(source), None)
        except (_GluedKeyword, UnexpectedInput) as err:
            last = (source, None, err)
        _last.outcome = last
    if last[2] is not None:
        raise last[2]
    return last[1]


def _renumber(found: Reporter, origin: list[int], reporter: Reporter) -> None:
    """Move what one attempt found to `reporter`, at the lines as written."""
    for d in found.diagnostics:
        line = origin[d.line - 1] if 0 < d.line <= len(origin) else d.line
        reporter.diagnostics.append(replace(d, line=line))
    found.diagnostics.clear()


def _close_block(
    err: UnexpectedInput, lines: list[str], origin: list[int], reporter: Reporter
) -> int | None:
    """A block left open (by its indentation, or at the end of the file): name it, add
    its '}' and go on, so that what follows is still checked. REPAIRED, or None."""
    at_end = isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and err.token.type == "$END"
    )
    line = len(lines) + 1 if at_end else (err.line or 1)
    gap = blocks.unclosed(lines, line - 1)
    if gap is None:
        return None
    closed = [*lines[: gap.before], " " * gap.block.indent + "}", *lines[gap.before :]]
    if gap.before < len(lines) and not _progress(closed, None if at_end else line + 1):
        if not at_end:
            return None
        gap = blocks.unclosed(lines, line - 1, indentation=False)  # the innermost still open
        if gap is None:
            return None
        closed = [*lines, " " * gap.block.indent + "}"]
    at_end = gap.before >= len(lines)
    opened = origin[gap.block.index]
    what = f"{gap.block.name} opened at line {opened} is not closed"
    if at_end:
        last = max(1, len(lines) - (1 if lines and lines[-1] == "" else 0))
        end = Span(last, len(lines[last - 1]) + 1)
        reporter.error(end, what, "add its '}' on a line of its own at the end of the file")
    else:
        here = Span(gap.before + 1, blocks.indent(lines[gap.before]) + 1)
        reporter.error(here, what, f"add its '}}' before this line, indented like line {opened}")
    lines[:] = closed
    origin.insert(gap.before, origin[min(gap.before, len(origin) - 1)])
    return REPAIRED


def _progress(lines: list[str], line: int | None) -> bool:
    """Whether the text with a '}' added parses past `line` (where the parser stopped
    without it; None: the end of the file), or stops there at another block left open."""
    try:
        _attempt(_source(lines))
    except (_GluedKeyword, UnexpectedInput) as err:
        if isinstance(err, UnexpectedEOF) or (
            isinstance(err, UnexpectedToken) and err.token.type == "$END"
        ):
            return True
        at = err.token.line if isinstance(err, _GluedKeyword) else err.line
        if line is None or at is None or at < 0:
            return False
        return at > line or (at == line and blocks.unclosed(lines, line - 1) is not None)
    return True


def _without(mark: str, line: int, column: int, lines: list[str], reporter: Reporter) -> bool:
    """`share: 60%`, `channel = app`: a ':' or '=' between a keyword and its value is
    reported and read without, when the file then parses past the line."""
    text = lines[line - 1]
    before, after = text[: column - 1].rstrip(), text[column - 1 + len(mark) :].lstrip()
    meant = f"{before} {after}"
    if not before.strip() or not _parses_past(lines, line, meant):
        return False
    hint = f"a keyword is followed by its value, with no '{mark}': {meant.strip()}"
    reporter.error(Span(line, column), f"unexpected '{mark}'", hint)
    lines[line - 1] = meant
    return True


def _parses_past(lines: list[str], line: int, fixed: str) -> bool:
    """Whether the file, with `line` as `fixed`, parses beyond that line."""
    trial = [*lines[: line - 1], fixed, *lines[line:]]
    try:
        _attempt(_source(trial))
    except (_GluedKeyword, UnexpectedInput) as err:
        at = err.token.line if isinstance(err, _GluedKeyword) else err.line
        return at is None or at > line
    return True


def _glued(source: str, err: UnexpectedInput) -> _GluedKeyword | None:
    """An error inside a word whose first part is a keyword: `expectt` failing at `t`."""
    pos = err.pos_in_stream
    if pos is None or pos <= 0 or pos >= len(source) or not _WORD.match(source, pos).group(0):
        return None
    start = pos
    while start > 0 and (source[start - 1].isalnum() or source[start - 1] == "_"):
        start -= 1
    head = source[start:pos]
    if start == pos or head not in {_keyword(t) for t in keywords()}:
        return None
    word = head + _WORD.match(source, pos).group(0)  # type: ignore[union-attr]
    line = source.count("\n", 0, start) + 1
    column = start - (source.rfind("\n", 0, start) + 1) + 1
    return _GluedKeyword(Token("NAME", head, start, line, column), word)


def _report(err: UnexpectedInput, lines: list[str], reporter: Reporter) -> int | None:
    """Report one syntax error; return the line to blank, REPAIRED, or None to stop."""
    last_line = max(1, len(lines) - (1 if lines and lines[-1] == "" else 0))
    if isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and err.token.type == "$END"
    ):
        col = len(lines[last_line - 1]) + 1 if lines else 1
        reporter.error(
            Span(last_line, col),
            "unexpected end of file: a block is not closed",
            "add the missing '}' on a line of its own",
        )
        return None
    line = err.line if isinstance(err, UnexpectedCharacters) else err.token.line or last_line
    if 0 < line <= len(lines) and isinstance(err.column, int):
        for meant in slips.rewrites(_code(lines[line - 1]), err.column):
            if _parses_past(lines, line, meant.line):
                reporter.error(Span(line, meant.column), meant.message, meant.hint)
                lines[line - 1] = meant.line  # as meant: what follows is checked as written
                return REPAIRED
    if isinstance(err, UnexpectedCharacters):
        return _report_characters(err, lines, reporter)
    assert isinstance(err, UnexpectedToken)
    token = err.token
    column = token.column or 1
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if _code(text[: column - 1]).rstrip().endswith("{") and token.type not in ("_NL", "RBRACE"):
        reporter.error(
            Span(line, column),
            "'{' must end its line",
            "put each statement of the block on a line of its own, and '}' on its own line",
        )
        return line
    expected = set(err.expected or ())
    if (
        token.type == "ASSIGN"
        and str(token) == "="
        and _without("=", line, column, lines, reporter)
    ):
        return REPAIRED
    if token.type == "_NL" and "RPAR" in expected:
        closed = _code(text).strip() + ")"
        reporter.error(Span(line, column), "')' is missing", f"close the brackets: {closed}")
        return line
    whole = _WORD.match(text, column - 1)
    word = whole.group(0) if whole and whole.group(0) else str(token)  # `form`, not `for`
    slip = slips.after_duration(text[: column - 1], word, (_keyword(t) for t in expected))
    if slip is not None:
        at, message, hint = slip
        reporter.error(Span(line, at), message, hint)
        return line
    if token.type == "STRING" and "NAME" in expected and _code(text).split()[0] in slips.HEADERS:
        hint = f"a name comes before the label: {slips.named_label(_code(text), str(token))}"
        reporter.error(Span(line, column), f"unexpected string {token}", hint)
        return line
    message, hint = _describe_token_error(token, expected)
    reporter.error(Span(line, column), message, hint)
    meant = re.fullmatch(r"did you mean '(\w+)'\?", hint)
    if message.startswith("unknown keyword") and meant:  # `shar 100%`: read as `share 100%`
        spelled = f"{text[: column - 1]}{meant.group(1)}{text[column - 1 + len(token) :]}"
        if _parses_past(lines, line, spelled):
            lines[line - 1] = spelled
            return REPAIRED
    return line


def _report_characters(err: UnexpectedCharacters, lines: list[str], reporter: Reporter) -> int:
    """Report a character no token takes; the line to blank, or REPAIRED."""
    line_text = lines[err.line - 1] if err.line - 1 < len(lines) else ""
    char = line_text[err.column - 1] if err.column - 1 < len(line_text) else ""
    span = Span(err.line, err.column)
    if char == '"':
        rest = line_text[err.column :]
        escape = _bad_escape(rest)
        if escape is not None:
            reporter.error(
                span,
                f"invalid escape '\\{escape}' in string",
                'only \\" and \\\\ may follow a backslash',
            )
            return err.line
        # the string runs to the end of the line, or to a header's '{'
        body = line_text.rstrip()
        header = body.endswith("{") and blocks.HEADER.match(body.lstrip()) is not None
        closed = f'{body[:-1].rstrip()}" {{' if header else f'{body}"'
        if _parses_past(lines, err.line, closed):
            reporter.error(span, "unterminated string", f"close it: {closed.strip()}")
            lines[err.line - 1] = closed
            return REPAIRED
        reporter.error(span, "unterminated string", "close the string on the same line")
        return err.line
    if char in ":=" and _without(char, err.line, err.column, lines, reporter):
        return REPAIRED
    if char == "-" and (name := slips.dashed(line_text, err.column - 1)):
        reporter.error(
            span, "unexpected character '-'", f"names are letters, digits and '_': {name}"
        )
        return err.line
    if char == ";":
        reporter.error(span, "unexpected ';'", "statements end at the end of the line; remove ';'")
        return err.line
    shown = repr(char)[1:-1] if char else "?"
    reporter.error(span, f"unexpected character '{shown}'")
    return err.line


def _bad_escape(rest: str) -> str | None:
    i = 0
    while i < len(rest):
        c = rest[i]
        if c == '"':
            return None
        if c == "\\":
            nxt = rest[i + 1] if i + 1 < len(rest) else ""
            if nxt not in ('"', "\\"):
                return nxt or "end of line"
            i += 2
            continue
        i += 1
    return None


def _percent_hint(text: str) -> str:
    """`0.2` was most likely meant as 20%; `20` as 20%."""
    try:
        value = float(text)
    except ValueError:
        return f"write {text}%"
    if 0 < abs(value) < 1:
        return f"write {value * 100:g}% (a share is written in percent: 0.2 is 20%)"
    return f"write {text}%"


def _describe_token_error(token: Token, expected: set[str]) -> tuple[str, str]:
    keywords = sorted(_keyword(t) for t in expected if _keyword(t))
    got = _describe_token(token)
    if token.type == "BAD_NUMBER":
        return _bad_number(str(token))
    if token.type == "NUMBER" and "PERCENT" in expected:
        return (f"{token} must be written as a percentage", _percent_hint(str(token)))
    if token.type == "_RANGE":  # `capacity 1..3`, `share 50% .. 100%`
        return (
            "this number takes no range of belief",
            "docs/language.md (Ranges of belief) lists the numbers that take one and why "
            "the others do not; write the number you mean",
        )
    if token.type == "RBRACE":
        if "_NL" in expected:
            return ("'}' must stand on a line of its own", "put '}' on the next line")
        return ("unexpected '}'", "a value is missing before it, or the brace is extra")
    if token.type == "LBRACE" and "_NL" in expected:
        return ("unexpected '{'", "this statement does not open a block")
    if "LBRACE" in expected and token.type == "_NL":
        return ("expected '{' at the end of the line", "a block's first line ends with '{'")
    if expected == {"_NL"} or ("_NL" in expected and token.type != "_NL" and len(expected) <= 3):
        if token.type == "NAME" and keywords == []:
            return (f"unexpected {got}", "one statement per line; is a newline missing?")
        return (f"unexpected {got} at the end of a statement", "one statement per line")
    if token.type == "NAME" and keywords and not ({"NAME", "STRING"} & expected):
        # the one block these keywords open statements of (in sorted order: a set's order
        # changes from run to run, and so did the message)
        block = sorted(
            {_BLOCK_OF_KEYWORD[t] for t in expected if t in _BLOCK_OF_KEYWORD} - {"file"}
        )
        where = f" in {block[0]}" if len(block) == 1 else ""
        hint = did_you_mean(str(token), keywords) or "expected one of: " + ", ".join(keywords)
        return (f"unknown keyword '{token}'{where}", hint)
    wanted = sorted({_TERMINAL_WORDS.get(t) or f"'{_keyword(t) or t}'" for t in expected})
    if len(wanted) > 8:
        wanted = [*wanted[:8], "..."]
    return (f"unexpected {got}", "expected " + ", ".join(wanted))


def _bad_number(text: str) -> tuple[str, str]:
    if "e" in text.lower():
        return (f"'{text}' is not a valid number", "write numbers in full or with k/M (1000, 1k)")
    if "_" in text:
        return (f"'{text}' is not a valid number", "write numbers without '_' (1000, or 1k)")
    return (f"'{text}' is not a valid number", "write a digit before the point (0.5)")


def _keyword(terminal: str) -> str:
    try:
        pattern = parser().get_terminal(terminal).pattern
    except KeyError:
        return ""
    if pattern.type == "str" and pattern.value.isidentifier():
        return pattern.value
    return ""


def _describe_token(token: Token) -> str:
    if token.type == "_NL":
        return "end of line"
    if token.type == "STRING":
        return f"string {token}"
    if token.type in ("NUMBER", "PERCENT", "BAD_NUMBER"):
        return f"number '{token}'"
    if token.type == "NAME" or _keyword(token.type):
        return f"word '{token}'"
    return f"'{token}'"


def _blank(lines: list[str], line: int, blanked: list[str] | None = None) -> bool:
    """Blank the broken line, or the whole block when it is a block's header."""
    index = line - 1
    if not 0 <= index < len(lines):
        return False
    if not lines[index].strip():
        return False
    code = _code(lines[index]).strip()
    stop = index
    if blocks.HEADER.match(code) and "{" not in code:
        stop = blocks.unbraced_body_end(lines, index)
    elif code.endswith("{") and not code.endswith("{ }"):
        depth = 0
        for j in range(index, len(lines)):
            c = _code(lines[j]).strip()
            if c.endswith("{") and not c.endswith("{ }"):
                depth += 1
            elif c.startswith("}"):
                depth -= 1
            if depth <= 0:
                stop = j
                break
        else:
            stop = len(lines) - 1
    for j in range(index, stop + 1):
        if blanked is not None:
            blanked.append(lines[j])
        lines[j] = ""
    return True
