"""Diagnostics, navigation, renaming, the outline, folding and formatting.

Each function answers one request from the text index (`index`), the files of the
project (`project`) and, for diagnostics, the same `load` as `cxjourney check`, so an
editor shows exactly what the command prints.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from lsprotocol import types

from ..language.diagnostics import Diagnostic
from ..language.fmt import FormatError, UnsafeFormat, format_source
from ..language.load import STDIN, load
from ..model import TERMINALS
from .index import Block, Index, Key, Occurrence, tokenize
from .project import MAX_DOCUMENT_CHARS, Project, path_to_uri, too_large, uri_to_path

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
SOURCE = "cxjourney"


@dataclass(frozen=True)
class Codec:
    """Columns in code points (ours) ↔ the client's position encoding (UTF-16 by default)."""

    encoding: str = "utf-16"

    def units(self, text: str) -> int:
        if self.encoding == "utf-32":
            return len(text)
        if self.encoding == "utf-8":
            return len(text.encode("utf-8"))
        return len(text.encode("utf-16-le")) // 2

    def position(self, lines: list[str], line: int, column: int) -> types.Position:
        text = lines[line] if 0 <= line < len(lines) else ""
        return types.Position(line=line, character=self.units(text[:column]))

    def range(self, lines: list[str], line: int, start: int, end: int) -> types.Range:
        return types.Range(self.position(lines, line, start), self.position(lines, line, end))

    def column(self, lines: list[str], position: types.Position) -> tuple[int, int]:
        """A client position → (line, code-point column)."""
        text = lines[position.line] if 0 <= position.line < len(lines) else ""
        units = 0
        for i, char in enumerate(text):
            if units >= position.character:
                return position.line, i
            units += self.units(char)
        return position.line, len(text)


# ---- diagnostics ----------------------------------------------------------------------


def diagnostics(uri: str, text: str, codec: Codec) -> dict[str, list[types.Diagnostic]]:
    """`check`'s diagnostics of a document, by the URI of the file each one is in.

    The document's own entry is always present (possibly empty) so that fixing the
    last problem clears the editor's list.
    """
    if too_large(text):
        return {uri: [_too_large(uri)]}
    path = uri_to_path(uri)
    data = text.encode("utf-8", errors="replace")
    if path is None:
        loaded = load(STDIN, data=data, name=uri)
    else:
        loaded = load(str(path), data=data, name=str(path))
    found: dict[str, list[types.Diagnostic]] = {uri: []}
    lines: dict[str, list[str]] = {}  # each file split once, however many diagnostics it has
    for d in loaded.diagnostics:
        target = uri if d.file == loaded.file else path_to_uri(d.file)
        if target not in lines:
            lines[target] = loaded.sources.get(d.file, text if target == uri else "").split("\n")
        found.setdefault(target, []).append(to_lsp(d, lines[target], codec))
    return found


def _too_large(uri: str) -> types.Diagnostic:
    path = uri_to_path(uri)
    command = f"cxjourney check {path.name}" if path else "cxjourney check"
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"this document is longer than {MAX_DOCUMENT_CHARS // 1024} K characters: "
        "the editor does not check, outline or navigate it as you type"
        f"\nhint: check it with `{command}`",
        severity=types.DiagnosticSeverity.Warning,
        source=SOURCE,
    )


def to_lsp(d: Diagnostic, lines: list[str], codec: Codec) -> types.Diagnostic:
    line, start = max(d.line - 1, 0), max(d.column - 1, 0)
    text = lines[line].rstrip("\r") if line < len(lines) else ""
    token = next((t for t in tokenize(text) if t.start == start), None)
    end = token.end if token else min(start + 1, len(text))
    end = max(end, start)
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return types.Diagnostic(
        range=codec.range(lines, line, start, end),
        message=message,
        severity=(
            types.DiagnosticSeverity.Error
            if d.severity == "error"
            else types.DiagnosticSeverity.Warning
        ),
        source=SOURCE,
    )


_SUGGESTION = re.compile(r"hint: did you mean '([^']+)'\?")


def quick_fixes(
    uri: str, lines: list[str], found: list[types.Diagnostic], codec: Codec
) -> list[types.CodeAction]:
    """`did you mean 'X'?` as a fix that writes X over the misspelt word."""
    actions = []
    for d in found:
        suggestion = _SUGGESTION.search(d.message)
        start, end = d.range.start, d.range.end
        if suggestion is None or start.line != end.line or start.line >= len(lines):
            continue
        _, first = codec.column(lines, start)
        _, last = codec.column(lines, end)
        word = lines[start.line][first:last]
        if not word or f"'{word}'" not in d.message.split("\n")[0]:
            continue  # the hint is about another word than the one marked
        replacement = suggestion.group(1)
        actions.append(
            types.CodeAction(
                title=f"Change '{word}' to '{replacement}'",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[d],
                is_preferred=True,
                edit=types.WorkspaceEdit(
                    changes={uri: [types.TextEdit(range=d.range, new_text=replacement)]}
                ),
            )
        )
    return actions


# ---- names ----------------------------------------------------------------------------

Found = tuple[str, Occurrence]  # a URI and an occurrence in that file


def name_at(project: Project, uri: str, line: int, column: int) -> Occurrence | None:
    idx = project.index(uri)
    return idx.occurrence_at(line, column) if idx else None


def home_of(project: Project, uri: str, key: Key) -> list[Found]:
    """Where a name is defined: in the file, or for a persona in a file it uses."""
    idx = project.index(uri)
    if idx is None:
        return []
    found = [(uri, o) for o in idx.definitions(key)]
    if found or key[0] != "persona":
        return found
    for _, used in project.used(uri):
        used_index = project.index(used)
        if used_index is not None:
            found += [(used, o) for o in used_index.definitions(key)]
    return found


def definition(project: Project, uri: str, line: int, column: int) -> list[Found | str]:
    """The definitions of the name under the cursor; a `use` line → the file it names."""
    idx = project.index(uri)
    if idx is None:
        return []
    for use, target in project.used(uri):
        if use.line == line and use.start <= column <= use.end:
            return [target]
    occurrence = idx.occurrence_at(line, column)
    if occurrence is None:
        return []
    return list(home_of(project, uri, occurrence.key))


def related(project: Project, uri: str, key: Key) -> list[str]:
    """The files a name can appear in: the document, and for a persona its library's users."""
    if key[0] != "persona":
        return [uri]
    homes = [h for h, _ in home_of(project, uri, key)]
    uris = dict.fromkeys([uri, *homes])
    for home in homes:
        home_index = project.index(home)
        if home_index is not None and not any(b.kind == "journey" for b in home_index.blocks):
            uris.update(dict.fromkeys(project.users_of(home)))
    return list(uris)


def references(
    project: Project, uri: str, line: int, column: int, include_declaration: bool = True
) -> list[Found]:
    occurrence = name_at(project, uri, line, column)
    if occurrence is None:
        return []
    found = []
    for other in related(project, uri, occurrence.key):
        idx = project.index(other)
        if idx is None:
            continue
        found += [
            (other, o)
            for o in idx.occurrences
            if o.key == occurrence.key and (include_declaration or not o.definition)
        ]
    return found


class RenameError(ValueError):
    """A new name the language cannot hold."""


def rename(project: Project, uri: str, line: int, column: int, new_name: str) -> dict[str, list]:
    """Every occurrence of the name under the cursor → (line, start, end) edits by URI."""
    occurrence = name_at(project, uri, line, column)
    if occurrence is None:
        return {}
    if not NAME.match(new_name):
        raise RenameError(f"'{new_name}' is not a name: use letters, digits and _")
    if occurrence.key[0] == "touchpoint" and new_name in TERMINALS:
        raise RenameError(f"'{new_name}' is reserved for the flow")
    edits: dict[str, list[tuple[int, int, int]]] = {}
    for target, o in references(project, uri, line, column):
        edits.setdefault(target, []).append((o.line, o.start, o.end))
    return edits


# ---- outline and folding ----------------------------------------------------------------

_SYMBOL_KINDS = {
    "journey": types.SymbolKind.Module,
    "persona": types.SymbolKind.Class,
    "stage": types.SymbolKind.Namespace,
    "touchpoint": types.SymbolKind.Function,
    "flow": types.SymbolKind.Array,
    "scenario": types.SymbolKind.Object,
    "loyalty": types.SymbolKind.Property,
}


#: Blocks nested deeper than this are listed beside their parent at the deepest level:
#: the language nests four levels, and an answer nested thousands deep breaks clients.
MAX_OUTLINE_DEPTH = 32


def symbols(idx: Index, codec: Codec) -> list[types.DocumentSymbol]:
    """journey → personas, stages → touchpoints → delighters/disappointers, flow, scenarios."""
    events = [o for o in idx.occurrences if o.definition and o.key[0] == "event"]
    event_lines = [o.line for o in events]  # occurrences are sorted by line
    out: list[types.DocumentSymbol] = []
    stack = [(block, out, 1) for block in reversed(idx.blocks)]
    while stack:  # not recursive: a file may nest blocks thousands deep
        block, siblings, depth = stack.pop()
        symbol = _symbol(idx, block, codec)
        siblings.append(symbol)
        if block.kind == "touchpoint":
            first = bisect_right(event_lines, block.line)
            last = bisect_right(event_lines, block.end_line)
            symbol.children = [_event_symbol(idx, o, codec) for o in events[first:last]]
        inside, level = (
            (symbol.children, depth + 1) if depth < MAX_OUTLINE_DEPTH else (siblings, depth)
        )
        stack.extend((child, inside, level) for child in reversed(block.children))
    return out


def _event_symbol(idx: Index, o: Occurrence, codec: Codec) -> types.DocumentSymbol:
    lines = idx.lines
    return types.DocumentSymbol(
        name=o.key[2],
        detail=idx.event_kinds.get(o.key, ""),
        kind=types.SymbolKind.Event,
        range=codec.range(lines, o.line, 0, len(lines[o.line])),
        selection_range=codec.range(lines, o.line, o.start, o.end),
    )


def _symbol(idx: Index, block: Block, codec: Codec) -> types.DocumentSymbol:
    lines = idx.lines
    end_text = lines[block.end_line] if block.end_line < len(lines) else ""
    name = block.name or block.label or block.kind
    return types.DocumentSymbol(
        name=name,
        detail=f"{block.kind}" + (f' "{block.label}"' if block.label and block.name else ""),
        kind=_SYMBOL_KINDS[block.kind],
        range=types.Range(
            codec.position(lines, block.line, 0),
            codec.position(lines, block.end_line, len(end_text)),
        ),
        selection_range=codec.range(lines, block.line, block.name_start, block.name_end),
        children=[],
    )


def folding(idx: Index) -> list[types.FoldingRange]:
    """Every block, and every run of two or more comment lines."""
    ranges = [
        types.FoldingRange(start_line=b.line, end_line=b.end_line)
        for b in idx.walk()
        if b.end_line > b.line
    ]
    run_start = None
    for i, line in enumerate([*idx.lines, ""]):
        if line.lstrip().startswith("#"):
            run_start = i if run_start is None else run_start
            continue
        if run_start is not None and i - 1 > run_start:
            ranges.append(
                types.FoldingRange(
                    start_line=run_start, end_line=i - 1, kind=types.FoldingRangeKind.Comment
                )
            )
        run_start = None
    return sorted(ranges, key=lambda r: (r.start_line, r.end_line))


# ---- formatting ---------------------------------------------------------------------------


def formatting(text: str, uri: str, codec: Codec) -> list[types.TextEdit] | None:
    """`cxjourney fmt` as one edit; None when the text does not parse (nothing changes)."""
    if too_large(text):
        return None
    path = uri_to_path(uri)
    try:
        formatted = format_source(text, str(path) if path else uri)
    except (FormatError, UnsafeFormat):
        return None
    if formatted == text:
        return []
    lines = text.split("\n")
    end = codec.position(lines, len(lines) - 1, len(lines[-1]))
    return [types.TextEdit(range=types.Range(types.Position(0, 0), end), new_text=formatted)]
