"""The Language Server Protocol over stdio, on pygls: requests in, `features` and `assist` out."""

from __future__ import annotations

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from .. import __version__
from . import assist, features
from .features import Codec
from .project import Project, uri_to_path
from .transport import JourneyProtocol, serve


class JourneyServer(LanguageServer):
    """Keeps the project's files and which diagnostics each document put on which file."""

    def __init__(self) -> None:
        super().__init__(
            "cxjourney",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Full,
            protocol_cls=JourneyProtocol,
        )
        self.project = Project()
        # document URI → {file URI → that document's diagnostics of the file}
        self.published: dict[str, dict[str, list[types.Diagnostic]]] = {}

    @property
    def codec(self) -> Codec:
        encoding = self.workspace.position_encoding or "utf-16"
        return Codec(str(getattr(encoding, "value", encoding)))

    def lines(self, uri: str) -> list[str]:
        idx = self.project.index(uri)
        return idx.lines if idx else [""]

    def position(self, uri: str, position: types.Position) -> tuple[int, int]:
        return self.codec.column(self.lines(uri), position)

    def location(self, uri: str, line: int, start: int, end: int) -> types.Location:
        return types.Location(uri=uri, range=self.codec.range(self.lines(uri), line, start, end))

    def refresh(self, uri: str) -> None:
        """Check the document; publish its diagnostics and those it found in used files."""
        text = self.project.text(uri)
        if text is None:
            return
        found = features.diagnostics(uri, text, self.codec)
        before = self.published.get(uri, {})
        self.published[uri] = found
        for target in {*before, *found}:
            self.publish(target)

    def forget(self, uri: str) -> None:
        before = self.published.pop(uri, {})
        for target in before:
            self.publish(target)

    def publish(self, target: str) -> None:
        merged: list[types.Diagnostic] = []
        seen = set()
        for by_file in self.published.values():
            for d in by_file.get(target, []):
                key = (d.range.start.line, d.range.start.character, d.message)
                if key not in seen:
                    seen.add(key)
                    merged.append(d)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=target, diagnostics=merged)
        )


server = JourneyServer()


@server.feature(types.INITIALIZED)
def initialized(ls: JourneyServer, params: types.InitializedParams) -> None:
    roots = [
        path
        for folder in ls.workspace.folders.values()
        if (path := uri_to_path(folder.uri)) is not None
    ]
    if not roots and ls.workspace.root_uri:
        root = uri_to_path(ls.workspace.root_uri)
        roots = [root] if root is not None else []
    ls.project.roots = roots


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: JourneyServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.project.open[params.text_document.uri] = params.text_document.text
    ls.refresh(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: JourneyServer, params: types.DidChangeTextDocumentParams) -> None:
    uri = params.text_document.uri
    if uri not in ls.project.open:  # never opened: nothing to change (and no disk to read)
        return
    ls.project.open[uri] = ls.workspace.get_text_document(uri).source
    ls.refresh(uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: JourneyServer, params: types.DidSaveTextDocumentParams) -> None:
    for uri in list(ls.project.open):  # journeys using a saved library see its new text
        ls.refresh(uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: JourneyServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.project.open.pop(params.text_document.uri, None)
    ls.forget(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: JourneyServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    line, column = ls.position(uri, params.position)
    found = assist.hover(ls.project, uri, line, column)
    if found is None:
        return None
    text, token = found
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=ls.codec.range(ls.lines(uri), line, token.start, token.end),
    )


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=[".", " ", ">"]),
)
def completion(ls: JourneyServer, params: types.CompletionParams) -> types.CompletionList:
    uri = params.text_document.uri
    line, column = ls.position(uri, params.position)
    items = assist.completion(ls.project, uri, line, column)
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
def definition(ls: JourneyServer, params: types.DefinitionParams) -> list[types.Location]:
    uri = params.text_document.uri
    line, column = ls.position(uri, params.position)
    out = []
    for found in features.definition(ls.project, uri, line, column):
        if isinstance(found, str):
            out.append(
                types.Location(
                    uri=found, range=types.Range(types.Position(0, 0), types.Position(0, 0))
                )
            )
        else:
            target, o = found
            out.append(ls.location(target, o.line, o.start, o.end))
    return out


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
def references(ls: JourneyServer, params: types.ReferenceParams) -> list[types.Location]:
    uri = params.text_document.uri
    line, column = ls.position(uri, params.position)
    found = features.references(ls.project, uri, line, column, params.context.include_declaration)
    lines = {target: ls.lines(target) for target in dict.fromkeys(t for t, _ in found)}
    return [
        types.Location(uri=target, range=ls.codec.range(lines[target], o.line, o.start, o.end))
        for target, o in found
    ]


@server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
def prepare_rename(ls: JourneyServer, params: types.PrepareRenameParams) -> types.Range | None:
    uri = params.text_document.uri
    line, column = ls.position(uri, params.position)
    o = features.name_at(ls.project, uri, line, column)
    return None if o is None else ls.codec.range(ls.lines(uri), o.line, o.start, o.end)


@server.feature(types.TEXT_DOCUMENT_RENAME)
def rename(ls: JourneyServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
    uri = params.text_document.uri
    line, column = ls.position(uri, params.position)
    try:
        edits = features.rename(ls.project, uri, line, column, params.new_name)
    except features.RenameError as err:
        raise ValueError(str(err)) from None
    if not edits:
        return None
    changes = {}
    for target, spans in edits.items():
        lines = ls.lines(target)  # once a file, not once an edit
        changes[target] = [
            types.TextEdit(range=ls.codec.range(lines, ln, start, end), new_text=params.new_name)
            for ln, start, end in spans
        ]
    return types.WorkspaceEdit(changes=changes)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(
    ls: JourneyServer, params: types.DocumentSymbolParams
) -> list[types.DocumentSymbol]:
    idx = ls.project.index(params.text_document.uri)
    return features.symbols(idx, ls.codec) if idx else []


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
def folding_range(ls: JourneyServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
    idx = ls.project.index(params.text_document.uri)
    return features.folding(idx) if idx else []


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_action(ls: JourneyServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    return features.quick_fixes(uri, ls.lines(uri), params.context.diagnostics, ls.codec)


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(
    ls: JourneyServer, params: types.DocumentFormattingParams
) -> list[types.TextEdit] | None:
    uri = params.text_document.uri
    text = ls.project.text(uri)
    return None if text is None else features.formatting(text, uri, ls.codec)


def main() -> int:
    """Serve over stdin and stdout (see `transport`); the exit code the LSP asks for."""
    try:
        return serve(server.protocol)
    finally:
        server.shutdown()
