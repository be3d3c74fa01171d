"""The editor's help, from the language server's own code run in process.

Diagnostics are `lsp.features.diagnostics` (the same `load` as `cxjourney check`),
completion and hover `lsp.assist`, go-to-definition `lsp.features.definition`. Positions
are 0-based lines and UTF-16 columns, as the browser's strings count them; each answer is
plain JSON for the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types

from ..lsp import assist, features
from ..lsp.features import Codec
from ..lsp.project import Project, path_to_uri, uri_to_path

CODEC = Codec("utf-16")


@dataclass
class Editing:
    """The language server's project, with the page's unsaved text of each open file."""

    root: Path
    project: Project = field(init=False)

    def __post_init__(self) -> None:
        self.project = Project([self.root])

    def open(self, path: Path, text: str) -> str:
        uri = path_to_uri(path)
        self.project.open[uri] = text
        return uri

    def diagnostics(self, path: Path, text: str) -> list[dict[str, Any]]:
        """`check`'s diagnostics of the text, those found in the files it uses on line 1."""
        uri = self.open(path, text)
        found = features.diagnostics(uri, text, CODEC)
        out = [_diagnostic(d) for d in found.get(uri, [])]
        for other, listed in found.items():
            if other == uri:
                continue
            name = _shown(other, self.root)
            for d in listed:
                entry = _diagnostic(d)
                entry.update(line=0, character=0, end_line=0, end_character=0)
                entry["message"] = f"in {name}, line {d.range.start.line + 1}: {entry['message']}"
                out.append(entry)
        return out

    def completion(self, path: Path, text: str, line: int, column: int) -> list[dict[str, Any]]:
        uri = self.open(path, text)
        line, column = self._column(uri, line, column)
        return [
            {
                "label": item.label,
                "detail": item.detail or "",
                "type": _KINDS.get(item.kind, "text") if item.kind else "text",
                "apply": item.insert_text or item.label,
            }
            for item in assist.completion(self.project, uri, line, column)
        ]

    def hover(self, path: Path, text: str, line: int, column: int) -> str | None:
        uri = self.open(path, text)
        line, column = self._column(uri, line, column)
        found = assist.hover(self.project, uri, line, column)
        return None if found is None else found[0]

    def definition(self, path: Path, text: str, line: int, column: int) -> list[dict[str, Any]]:
        """Where the name under the cursor is defined: a file of the folder, line, column."""
        uri = self.open(path, text)
        line, column = self._column(uri, line, column)
        out = []
        for found in features.definition(self.project, uri, line, column):
            if isinstance(found, str):
                target, line_at, column_at = found, 0, 0
            else:
                target, occurrence = found
                lines = self._lines(target)
                position = CODEC.position(lines, occurrence.line, occurrence.start)
                line_at, column_at = position.line, position.character
            shown = _shown(target, self.root)
            if shown is not None:
                out.append({"path": shown, "line": line_at, "character": column_at})
        return out

    def _lines(self, uri: str) -> list[str]:
        idx = self.project.index(uri)
        return idx.lines if idx else [""]

    def _column(self, uri: str, line: int, character: int) -> tuple[int, int]:
        return CODEC.column(self._lines(uri), types.Position(line=line, character=character))


_KINDS = {
    types.CompletionItemKind.Keyword: "keyword",
    types.CompletionItemKind.Property: "property",
    types.CompletionItemKind.Field: "property",
    types.CompletionItemKind.Unit: "constant",
    types.CompletionItemKind.Function: "function",
    types.CompletionItemKind.Variable: "variable",
    types.CompletionItemKind.Class: "class",
    types.CompletionItemKind.EnumMember: "enum",
    types.CompletionItemKind.Value: "constant",
    types.CompletionItemKind.Event: "variable",
}


def _diagnostic(d: types.Diagnostic) -> dict[str, Any]:
    return {
        "line": d.range.start.line,
        "character": d.range.start.character,
        "end_line": d.range.end.line,
        "end_character": d.range.end.character,
        "severity": "error" if d.severity == types.DiagnosticSeverity.Error else "warning",
        "message": d.message,
    }


def _shown(uri: str, root: Path) -> str | None:
    """A file's path relative to the folder, or None when it lies outside."""
    path = uri_to_path(uri)
    if path is None:
        return None
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return None
