"""The files the server knows: open documents (their unsaved text) and files on disk.

Names cross files only through `use`: a journey's personas may be defined in a
persona library. Finding every use of a library's persona therefore needs the
journeys that use the library, which are looked for among the open documents and
the `.journey` files of the workspace folders.

Every file read from disk goes through the rule `check` applies to a used file
(`cxjourney.language.files.read_contained`): a regular file of at most 5 MB, inside a
workspace folder or the folder of an open document. A `use` line is followed only
where `check` follows it (`cxjourney.language.imports.resolve`).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..language import files, imports
from ..language.diagnostics import NOWHERE, Reporter
from . import index as text_index

#: Workspace folders larger than this are not scanned for journeys that use a library:
#: at most this many journeys, found among at most MAX_SCANNED_ENTRIES files and folders.
MAX_SCANNED_FILES = 2000
MAX_SCANNED_ENTRIES = 50_000

#: A document longer than this (in characters; 256 KB of plain text, some 40 times the
#: largest example journey) is not checked, outlined or navigated as it is typed: each
#: change would cost seconds. One diagnostic says so; `cxjourney check` checks it.
MAX_DOCUMENT_CHARS = 256 * 1024


def too_large(text: str) -> bool:
    return len(text) > MAX_DOCUMENT_CHARS


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and path[2:3] == ":":
        path = path[1:]
    return Path(path)


def path_to_uri(path: Path | str) -> str:
    """The URI of a path, `..` removed but symlinks kept, as the editor names the file."""
    return Path(os.path.abspath(path)).as_uri()


class Project:
    """Open documents and the indexes of every file asked about, cached by text."""

    def __init__(self, roots: list[Path] | None = None) -> None:
        self.roots = roots or []
        self.open: dict[str, str] = {}
        self._indexes: dict[str, tuple[str, text_index.Index]] = {}

    def text(self, uri: str) -> str | None:
        if uri in self.open:
            return self.open[uri]
        path = uri_to_path(uri)
        if path is None:
            return None
        try:
            data = files.read_contained(path, self.folders())
        except files.Refused:
            return None
        return data.decode("utf-8", errors="replace")

    def folders(self) -> list[Path]:
        """Where files may be read from: the workspace folders, those of open documents."""
        opened = (uri_to_path(uri) for uri in self.open)
        return [*self.roots, *dict.fromkeys(p.parent for p in opened if p is not None)]

    def index(self, uri: str) -> text_index.Index | None:
        text = self.text(uri)
        if text is None or too_large(text):
            return None
        cached = self._indexes.get(uri)
        if cached is not None and cached[0] == text:
            return cached[1]
        built = text_index.build(text)
        self._indexes[uri] = (text, built)
        return built

    def used(self, uri: str) -> list[tuple[text_index.Use, str]]:
        """Each `use` line of the file that `check` follows, and the URI of the file it names."""
        idx = self.index(uri)
        path = uri_to_path(uri)
        if idx is None or path is None:
            return []
        found = []
        for u in idx.uses:
            if imports.resolve(u.path, path, path.parent, NOWHERE, Reporter(str(path))):
                found.append((u, path_to_uri(path.parent / u.path)))
        return found

    def users_of(self, library_uri: str) -> list[str]:
        """Journeys (open, or in the workspace folders) whose `use` lines name the file."""
        found = []
        for uri in self.candidates():
            if uri != library_uri and any(target == library_uri for _, target in self.used(uri)):
                found.append(uri)
        return found

    def candidates(self) -> list[str]:
        """The open documents, then the `.journey` files of the workspace folders (hidden
        folders left out), as many as MAX_SCANNED_FILES and MAX_SCANNED_ENTRIES allow."""
        uris = dict.fromkeys(self.open)
        found = seen = 0
        for root in self.roots:
            for folder, folders, names in os.walk(root):
                folders[:] = sorted(f for f in folders if not f.startswith("."))
                seen += len(folders) + len(names)
                for name in sorted(names):
                    if name.endswith(".journey") and not name.startswith("."):
                        uris.setdefault(path_to_uri(Path(folder) / name), None)
                        found += 1
                if found >= MAX_SCANNED_FILES or seen >= MAX_SCANNED_ENTRIES:
                    return list(uris)
        return list(uris)
