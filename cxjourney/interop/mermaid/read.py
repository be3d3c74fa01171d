"""Read one Mermaid ``journey`` diagram (a ``.mmd`` file, or one block of Markdown).

Reading follows Mermaid's own parser (``journey.jison``, ``journeyDb``) wherever Mermaid
accepts a diagram, and is lenient where Mermaid would fail but the meaning is clear:

* ``journey``, ``title``, ``section``, ``accTitle`` and ``accDescr`` are case-insensitive;
  indentation means nothing; blank lines, full-line ``%%`` and ``#`` comments,
  ``%%{...}%%`` directives (also over several lines) and YAML front matter are skipped.
  The front matter's ``title:`` is used when no ``title`` line gives one; of several
  ``title`` lines the last wins (a warning), as in Mermaid.
* A task is ``name: score`` or ``name: score: actors``, split at colons as Mermaid does,
  so a task name cannot hold ``:``; a section name may (Mermaid rejects that). Lines
  starting with ``title``/``section`` and a space are always a title/section, as in
  Mermaid (with a warning when the rest looks like a task). ``title: X`` is a task when
  ``X`` is a number (Mermaid reads it so), otherwise a title, with a warning.
* ``#`` in a task name is kept (Mermaid rejects it); in the score and actors a ``#``
  starts a comment (as in Mermaid); in a title or section a ``#`` after a space does.
  Mermaid's entity codes (``#35;``, ``#quot;``) are decoded; trailing ``;`` are dropped.
* Actors are split at commas and trimmed; empty ones (``Me,``) and repeats are dropped.
  Text after a third field (``5: Me: x``) is ignored with a warning (Mermaid: silently).
* A score is a decimal number; one outside 1..5 is clipped into it with a warning and
  ``MermaidTask.score`` holds the clipped value. A missing or non-numeric score is an
  error at the score's column.
* Tasks before any ``section`` go into an implicit section named ``""``. Empty sections
  stay in the diagram, with a warning, and ``to_journey`` drops them. A diagram without
  tasks is an error. ``accDescr`` becomes ``MermaidDiagram.description``; ``accTitle``
  is ignored.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .diagram import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    MermaidDiagram,
    MermaidError,
    MermaidIssue,
    MermaidSection,
    MermaidTask,
    error_count,
    sorted_issues,
)
from .text import Line, blank, first_nonspace, is_control, split_lines


def parse_mermaid(text: str) -> tuple[MermaidDiagram, list[MermaidIssue]]:
    """Read a ``.mmd`` file holding one journey diagram; return it and the warnings.

    Raises ``MermaidError`` with every error when the text is not a journey diagram or
    has lines that cannot be read.
    """
    issues: list[MermaidIssue] = []
    reading = DiagramReader(split_lines(text), issues).read()
    if isinstance(reading, _NotJourney):
        issues.append(_not_a_journey(reading))
    return _finish(reading, issues)


def _finish(
    reading: MermaidDiagram | _NotJourney, issues: list[MermaidIssue]
) -> tuple[MermaidDiagram, list[MermaidIssue]]:
    errors = [issue for issue in issues if issue.severity == "error"]
    warnings = [issue for issue in issues if issue.severity == "warning"]
    if errors or not isinstance(reading, MermaidDiagram):
        raise MermaidError(errors, warnings)
    return reading, sorted_issues(warnings)


# ---- reading a diagram -----------------------------------------------------------


@dataclass(frozen=True)
class _NotJourney:
    """What a block holds instead of a journey: its first word, or nothing at all."""

    word: str | None
    line: int
    column: int


_HEADER = re.compile(r"journey(?=[\s;]|$)", re.IGNORECASE)
_TITLE = re.compile(r"title(?:\s+|$)", re.IGNORECASE)
_TITLE_COLON = re.compile(r"title\s*:", re.IGNORECASE)
_SECTION = re.compile(r"section(?:\s+|$)", re.IGNORECASE)
_SECTION_COLON = re.compile(r"section\s*:", re.IGNORECASE)
_ACC_TITLE = re.compile(r"acctitle\s*:", re.IGNORECASE)
_ACC_DESCR = re.compile(r"accdescr\s*:", re.IGNORECASE)
_ACC_DESCR_BLOCK = re.compile(r"accdescr\s*\{", re.IGNORECASE)
_ENTITY = re.compile(r"#(\d{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
_ENTITY_AT_END = re.compile(r"#(?:\d{1,7}|[A-Za-z][A-Za-z0-9]{1,31});$")
_SCORE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,4})?")
_LOOKS_LIKE_TASK = re.compile(r":\s*[+-]?\d+(?:\.\d+)?\s*(?::|$)")
_FRONT_MATTER_TITLE = re.compile(r"title\s*:(.*)$")


@dataclass
class _Section:
    name: str
    line: int
    column: int
    tasks: list[MermaidTask] = field(default_factory=list)
    task_lines: int = 0  # tasks read or not: a section of unreadable tasks is not empty


class DiagramReader:
    """Reads the lines of one diagram (a whole ``.mmd`` file or one Markdown block)."""

    def __init__(
        self, lines: list[Line], issues: list[MermaidIssue], fallback_title: str | None = None
    ):
        self.lines = [Line(line.number, line.text) for line in lines]
        self.fallback_title = fallback_title
        self.issues = issues
        self.errors_before = error_count(issues)
        self.title: str | None = None
        self.description: str | None = None
        self.sections: list[_Section] = []
        self.current: _Section | None = None

    def warn(self, line: int, column: int, message: str) -> None:
        self.issues.append(MermaidIssue(line, column, message, "warning"))

    def error(self, line: int, column: int, message: str) -> None:
        self.issues.append(MermaidIssue(line, column, message, "error"))

    def read(self) -> MermaidDiagram | _NotJourney:
        front_title = self._front_matter()
        self._blank_directives()
        header = self._header()
        if isinstance(header, _NotJourney):
            return header
        index, column = header
        journey_line = self.lines[index]
        rest = first_nonspace(journey_line.text, column + len("journey"))
        if rest < len(journey_line.text):
            self._statement(journey_line, rest)
        body = iter(self.lines[index + 1 :])
        for line in body:
            start = first_nonspace(line.text)
            if start < len(line.text) and not _is_comment(line.text, start):
                if _ACC_DESCR_BLOCK.match(line.text, start):
                    self._description_block(line, start, body)
                else:
                    self._statement(line, start)
        return self._diagram(journey_line.number, column + 1, front_title)

    def _diagram(self, line: int, column: int, front_title: str | None) -> MermaidDiagram:
        failed = error_count(self.issues) > self.errors_before
        if not any(section.tasks for section in self.sections) and not failed:
            message = "the journey diagram has no tasks (lines like 'Make tea: 5: Me')"
            self.error(line, column, message)
        for section in self.sections:
            if not section.task_lines:
                shown = f"section '{section.name}'" if section.name else "a section without name"
                message = f"{shown} has no tasks; it is left out of the journey"
                self.warn(section.line, section.column, message)
        sections = tuple(
            MermaidSection(section.name, tuple(section.tasks), section.line)
            for section in self.sections
        )
        title = next((t for t in (self.title, front_title, self.fallback_title) if t), None)
        return MermaidDiagram(title, sections, line, self.description)

    # -- before the diagram: front matter, directives, the header --

    def _front_matter(self) -> str | None:
        """Blank a leading ``---`` … ``---`` block and return its ``title:``, if any."""
        first = next((i for i, line in enumerate(self.lines) if line.text.strip()), None)
        if first is None or self.lines[first].text.strip() != "---":
            return None
        later = range(first + 1, len(self.lines))
        close = next((i for i in later if self.lines[i].text.strip() == "---"), None)
        if close is None:
            header = next((i for i in later if _HEADER.fullmatch(self.lines[i].text.strip())), None)
            if header is None:
                return None  # not a journey: the header check reports the '---'
            self.error(self.lines[first].number, 1, "the front matter is not closed by '---'")
            close = header - 1
        title = _front_matter_title([line.text for line in self.lines[first + 1 : close]])
        for line in self.lines[first : close + 1]:
            line.text = ""
        return title

    def _blank_directives(self) -> None:
        """Blank ``%%{ ... }%%`` directives, which may span several lines."""
        closes = [i for i, line in enumerate(self.lines) if "}%%" in line.text]
        last_close = closes[-1] if closes else -1
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            opening = line.text.find("%%{")
            if opening < 0:
                index += 1
                continue
            closing = line.text.find("}%%", opening + 3)
            if closing >= 0:
                line.text = blank(line.text, opening, closing + 3)
                continue
            later = range(index + 1, last_close + 1)
            end = next((j for j in later if "}%%" in self.lines[j].text), None)
            line.text = blank(line.text, opening, len(line.text))
            if end is None:
                self.warn(line.number, opening + 1, "the directive is not closed by '}%%'")
                index += 1
                continue
            for inner in self.lines[index + 1 : end]:
                inner.text = ""
            last = self.lines[end]
            last.text = blank(last.text, 0, last.text.find("}%%") + 3)
            index = end

    def _header(self) -> tuple[int, int] | _NotJourney:
        for index, line in enumerate(self.lines):
            start = first_nonspace(line.text)
            if start == len(line.text) or _is_comment(line.text, start):
                continue
            if _HEADER.match(line.text, start):
                return index, start
            word = line.text[start:].split()[0]
            return _NotJourney(word, line.number, start + 1)
        last = self.lines[-1].number if self.lines else 1
        return _NotJourney(None, last, 1)

    # -- statements --

    def _statement(self, line: Line, start: int) -> None:
        text, end = line.text, _statement_end(line.text, start)
        if start >= end:
            return
        if (keyword := _TITLE_COLON.match(text, start)) and not _has_score(text, start, end):
            self.warn(line.number, start + 1, "read as a title: Mermaid writes 'title My title'")
            self._title(line, keyword.end(), end)
        elif (keyword := _SECTION_COLON.match(text, start)) and not _has_score(text, start, end):
            self.warn(line.number, start + 1, "read as a section: Mermaid writes 'section Name'")
            self._section(line, keyword.end(), end)
        elif (keyword := _TITLE.match(text, start)) and not _TITLE_COLON.match(text, start):
            self._title(line, keyword.end(), end)
        elif (keyword := _SECTION.match(text, start)) and not _SECTION_COLON.match(text, start):
            self._section(line, keyword.end(), end)
        elif _ACC_TITLE.match(text, start):
            pass
        elif keyword := _ACC_DESCR.match(text, start):
            self.description = _decode(text[keyword.end() : end]).strip() or None
        elif text[start:end].lower() == "journey":
            self.error(line.number, start + 1, "a second 'journey' header: one diagram at a time")
        else:
            self._task(line, start, end)

    def _title(self, line: Line, start: int, end: int) -> None:
        value = _decode(line.text[start : _spaced_comment(line.text, start, end)]).strip()
        if not value:
            self.warn(line.number, start + 1, "an empty title is ignored")
            return
        if self.title is not None:
            self.warn(line.number, start + 1, "the title is given again; the last one is used")
        self.title = value

    def _section(self, line: Line, start: int, end: int) -> None:
        value = _decode(line.text[start : _spaced_comment(line.text, start, end)]).strip()
        if not value:
            self.warn(line.number, start + 1, "a section without a name")
        elif _LOOKS_LIKE_TASK.search(value):
            self.warn(
                line.number,
                start + 1,
                f"read as a section named '{value}' because the line starts with 'section'",
            )
        self.current = _Section(value, line.number, first_nonspace(line.text) + 1)
        self.sections.append(self.current)

    def _description_block(self, line: Line, start: int, body: Iterator[Line]) -> None:
        """``accDescr { ... }``: the text up to the closing brace, maybe lines later."""
        opening = line.text.index("{", start)
        parts: list[str] = []
        current, position = line, opening + 1
        while True:
            closing = current.text.find("}", position)
            if closing >= 0:
                parts.append(current.text[position:closing])
                if current.text[closing + 1 :].strip():
                    self.warn(current.number, closing + 2, "text after '}' is ignored")
                break
            parts.append(current.text[position:])
            following = next(body, None)
            if following is None:
                self.error(line.number, start + 1, "'accDescr {' is not closed by '}'")
                return
            current, position = following, 0
        text = " ".join(part.strip() for part in parts if part.strip())
        self.description = _decode(text).strip() or None

    def _task(self, line: Line, start: int, end: int) -> None:
        text, number = line.text, line.number
        if self.current is None:
            self.current = _Section("", number, start + 1)
            self.sections.append(self.current)
        self.current.task_lines += 1
        colon = text.find(":", start, end)
        if colon < 0:
            shown = _shorten(text[start:end])
            self.error(
                number,
                start + 1,
                f"cannot read '{shown}' as a task: expected 'Task name: score: actors'",
            )
            return
        name = _decode(text[start:colon]).strip()
        data_end = _comment(text, colon + 1, end)
        fields = _fields(text, colon + 1, data_end)
        score = self._score(number, fields[0])
        if not name:
            self.error(number, colon + 1, "the task has no name before ':'")
            return
        if score is None:
            return
        actors: tuple[str, ...] = ()
        if len(fields) > 1:
            found = (_decode(actor).strip() for actor in fields[1][1].split(","))
            actors = tuple(dict.fromkeys(actor for actor in found if actor))
        if len(fields) > 2:
            self.warn(number, fields[2][0], "text after the actors is ignored")
        self.current.tasks.append(MermaidTask(name, score, actors, number, start + 1))

    def _score(self, number: int, score_field: tuple[int, str]) -> float | None:
        column, raw = score_field
        value = raw.strip()
        if not value:
            self.error(number, column, "a score (1 to 5) is missing after ':'")
            return None
        column += len(raw) - len(raw.lstrip())
        if not _SCORE.fullmatch(value):
            hint = "; write decimals with '.'" if re.fullmatch(r"\d+,\d+", value) else ""
            self.error(number, column, f"the score '{_shorten(value)}' is not a number{hint}")
            return None
        score = float(value)
        if not math.isfinite(score):
            self.error(number, column, f"the score '{_shorten(value)}' is too large")
            return None
        clipped = min(max(score, LOWEST_SCORE), HIGHEST_SCORE)
        if clipped != score:
            self.warn(
                number,
                column,
                f"score {value} is outside 1..5; clipped to {_format_number(clipped)}",
            )
        return clipped


def _not_a_journey(reading: _NotJourney) -> MermaidIssue:
    if reading.word is None:
        return MermaidIssue(reading.line, 1, "no diagram: the text is empty", "error")
    message = f"not a Mermaid journey diagram: it starts with '{_shorten(reading.word)}'"
    if reading.word.startswith(("```", "~~~")):
        message += " (Markdown? read it with parse_markdown)"
    elif reading.word == "---":
        message += " (front matter not closed by '---'?)"
    else:
        message += " instead of 'journey'"
    return MermaidIssue(reading.line, reading.column, message, "error")


# ---- small text helpers ------------------------------------------------------------


def _is_comment(text: str, start: int) -> bool:
    if text.startswith("%%", start):
        return True
    return text.startswith("#", start) and not _ENTITY.match(text, start)


def _statement_end(text: str, start: int) -> int:
    """The end of a statement without trailing spaces and ``;`` (but an entity's ``;``)."""
    end = len(text)
    while end > start and (
        text[end - 1].isspace()
        or (text[end - 1] == ";" and not _ENTITY_AT_END.search(text, start, end))
    ):
        end -= 1
    return end


def _comment(text: str, start: int, end: int) -> int:
    """Where a comment starts in a task's score and actors: at any ``#``, as in Mermaid."""
    position = text.find("#", start, end)
    while position >= 0 and _ENTITY.match(text, position):
        position = text.find("#", position + 1, end)
    return end if position < 0 else position


def _spaced_comment(text: str, start: int, end: int) -> int:
    """Where a comment starts in a title or section: at a ``#`` after a space."""
    position = text.find("#", start, end)
    while position >= 0:
        spaced = position == start or text[position - 1].isspace()
        if spaced and not _ENTITY.match(text, position):
            return position
        position = text.find("#", position + 1, end)
    return end


def _fields(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """The colon-separated fields of a task's data, each with its 1-based column."""
    fields = []
    position = start
    while True:
        colon = text.find(":", position, end)
        if colon < 0:
            fields.append((position + 1, text[position:end]))
            return fields
        fields.append((position + 1, text[position:colon]))
        position = colon + 1


def _has_score(text: str, start: int, end: int) -> bool:
    colon = text.find(":", start, end)
    fields = _fields(text, colon + 1, _comment(text, colon + 1, end))
    return bool(_SCORE.fullmatch(fields[0][1].strip()))


def _decode(text: str) -> str:
    """Decode Mermaid's entity codes: ``#35;`` is ``#``, ``#quot;`` is ``"``.

    Codes for control characters (``#10;``) become spaces: names stay on one line.
    """

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        entity = f"&#{code};" if code.isdigit() else f"&{code};"
        decoded = html.unescape(entity)
        if decoded == entity:
            return match.group(0)
        return "".join(" " if is_control(char) else char for char in decoded)

    return _ENTITY.sub(replace, text) if "#" in text else text


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _front_matter_title(lines: list[str]) -> str | None:
    """The top-level ``title:`` of YAML front matter (plain, quoted or block scalar)."""
    for index, text in enumerate(lines):
        match = _FRONT_MATTER_TITLE.match(text)
        if not match:
            continue
        value = match.group(1).strip()
        if value[:1] in ("|", ">"):
            block = []
            for following in lines[index + 1 :]:
                if following.strip() and not following[:1].isspace():
                    break
                block.append(following.strip())
            value = " ".join(part for part in block if part)
        elif value.startswith('"'):
            value = _yaml_double_quoted(value)
        elif value.startswith("'"):
            closing = re.match(r"'((?:[^']|'')*)'", value)
            value = closing.group(1).replace("''", "'") if closing else value[1:]
        else:
            value = re.split(r"\s#", value, maxsplit=1)[0].strip()
        return value.strip() or None
    return None


def _yaml_double_quoted(value: str) -> str:
    match = re.match(r'"((?:[^"\\]|\\.)*)"', value)
    if not match:
        return value[1:]
    escapes = {"n": " ", "t": " ", '"': '"', "\\": "\\", "/": "/"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), match.group(1))


def _format_number(value: float) -> str:
    if value == int(value):
        return str(int(value))
    return repr(value)
