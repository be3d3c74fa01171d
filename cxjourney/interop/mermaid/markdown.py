"""Find the Mermaid journey diagrams inside a Markdown file.

In Markdown, fences follow CommonMark: three or more backticks or tildes, indented by at
most three spaces, closed by a fence of the same character at least as long (an unclosed
fence runs to the end, with a warning). The info string's first word must be
``mermaid`` (any case, or MyST's ``{mermaid}``, whose ``:option:`` lines are skipped);
its ``title="..."``, if any, is the title of last resort. ``<div class="mermaid">`` and
``<pre class="mermaid">`` blocks (Jekyll-era pages) count too. Blocks holding other
diagram types are ignored, as are fences inside HTML comments or inside a longer fence
(a page showing Markdown source). Fences in block quotes, or in list items indented by
four or more spaces, are not seen. One bad journey block makes ``parse_markdown`` raise;
``MermaidError.diagrams`` still holds the journeys of the other blocks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from .diagram import MermaidDiagram, MermaidError, MermaidIssue, error_count, sorted_issues
from .read import DiagramReader
from .text import Line, split_lines


def parse_markdown(text: str) -> tuple[list[MermaidDiagram], list[MermaidIssue]]:
    """Read every fenced ``mermaid`` block of a Markdown file that holds a journey.

    Other diagram types are skipped; lines and columns are those of the Markdown file.
    Raises ``MermaidError`` with the errors of all journey blocks when any has one.
    """
    issues: list[MermaidIssue] = []
    diagrams: list[MermaidDiagram] = []
    failed = False
    for block, info_title in _mermaid_blocks(split_lines(text), issues):
        errors_before = error_count(issues)
        reading = DiagramReader(block, issues, info_title).read()
        if isinstance(reading, MermaidDiagram):
            if error_count(issues) == errors_before:
                diagrams.append(reading)
            else:
                failed = True
    warnings = [issue for issue in issues if issue.severity == "warning"]
    if failed:
        errors = [issue for issue in issues if issue.severity == "error"]
        raise MermaidError(errors, warnings, diagrams)
    return diagrams, sorted_issues(warnings)


_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)$")
_HTML_COMMENT = re.compile(r" {0,3}<!--")
_HTML_MERMAID = re.compile(
    r" {0,3}<(div|pre)\b[^>]*\bclass\s*=\s*[\"'][^\"']*\bmermaid\b[^\"']*[\"'][^>]*>\s*$",
    re.IGNORECASE,
)


def _mermaid_blocks(
    lines: list[Line], issues: list[MermaidIssue]
) -> Iterator[tuple[list[Line], str | None]]:
    """The content lines of each ``mermaid`` block, in order, with the ``title="..."`` of
    its info string: fenced code blocks, and the ``<div class="mermaid">`` or
    ``<pre class="mermaid">`` of HTML-minded sites."""
    index = 0
    while index < len(lines):
        line = lines[index]
        if _HTML_COMMENT.match(line.text):
            index = _html_comment_end(lines, index) + 1
        elif element := _HTML_MERMAID.match(line.text):
            closing = re.compile(rf"\s*</{element.group(1)}\s*>", re.IGNORECASE)
            end = _closing_line(lines, index, closing)
            inside = lines[index + 1 : end]
            yield [Line(inner.number, html.unescape(inner.text)) for inner in inside], None
            index = end + 1
        elif (fence := _FENCE.match(line.text)) and not (
            fence.group(2)[0] == "`" and "`" in fence.group(3)
        ):
            marker = fence.group(2)
            closing = re.compile(rf" {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}\s*$")
            end = _closing_line(lines, index, closing)
            if end == len(lines):
                message = "this code fence is never closed; it runs to the end of the file"
                issues.append(
                    MermaidIssue(line.number, len(fence.group(1)) + 1, message, "warning")
                )
            words = fence.group(3).split()
            language = words[0].lower() if words else ""
            if language == "mermaid":
                yield lines[index + 1 : end], _info_title(fence.group(3))
            elif language == "{mermaid}":
                yield _skip_myst_options(lines[index + 1 : end]), None
            index = end + 1
        else:
            index += 1


def _info_title(info: str) -> str | None:
    """``title="First week"`` in a fence's info string (Docusaurus, MkDocs)."""
    match = re.search(r"\btitle\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+))", info)
    if not match:
        return None
    return (match.group(1) or match.group(2) or match.group(3) or "").strip() or None


def _closing_line(lines: list[Line], index: int, closing: re.Pattern[str]) -> int:
    """The index of the first line after ``index`` that ``closing`` matches, or the end."""
    return next(
        (j for j in range(index + 1, len(lines)) if closing.match(lines[j].text)), len(lines)
    )


def _html_comment_end(lines: list[Line], index: int) -> int:
    opening = lines[index].text.find("<!--") + 4
    if "-->" in lines[index].text[opening:]:
        return index
    return _closing_line(lines, index, re.compile(r".*-->"))


def _skip_myst_options(content: list[Line]) -> list[Line]:
    """Blank MyST directive options (``:caption: ...``) at the top of a ``{mermaid}``."""
    result = [Line(line.number, line.text) for line in content]
    for line in result:
        stripped = line.text.strip()
        if stripped and not stripped.startswith(":"):
            break
        line.text = ""
    return result
