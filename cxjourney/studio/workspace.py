"""The folder the studio serves: which journeys it holds, and reads and saves inside it only.

A path from the page is relative to the folder and is resolved with the containment
`check` applies to a used file (`language.files.contained_file`): symbolic links are
followed, and a path that lands outside the folder, or on anything but a regular file,
is refused. A save replaces the file atomically (`output.write_atomic`), so a crash
mid-save leaves the old text, never half of the new one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..language import files
from ..output import write_atomic

SUFFIX = ".journey"
#: At most this many journeys are listed (a folder of a whole disk is not walked).
MAX_LISTED = 2000


class Refused(ValueError):
    """A path the studio does not read or write; the message says why, for a person."""


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, folder: str | Path) -> Workspace:
        return cls(Path(folder).resolve())

    def journeys(self) -> list[str]:
        """The `.journey` files under the folder, as relative POSIX paths (hidden ones left out)."""
        found: list[str] = []
        for folder, folders, names in os.walk(self.root):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            for name in sorted(names):
                if name.endswith(SUFFIX) and not name.startswith("."):
                    found.append((Path(folder) / name).relative_to(self.root).as_posix())
                    if len(found) >= MAX_LISTED:
                        return found
        return found

    def resolve(self, relative: str) -> Path:
        """The existing journey file RELATIVE names inside the folder; else Refused."""
        if not relative or os.path.isabs(relative) or "\0" in relative:
            raise Refused(f'"{relative}" is not a path relative to the studio\'s folder')
        if not relative.endswith(SUFFIX):
            raise Refused(f'"{relative}" is not a {SUFFIX} file')
        try:
            return files.contained_file(self.root / relative, [self.root])
        except files.Refused as refused:
            raise Refused(_reason(refused, relative)) from None

    def read(self, relative: str) -> str:
        path = self.resolve(relative)
        try:
            data = files.read_contained(path, [self.root])
        except files.Refused as refused:
            raise Refused(_reason(refused, relative)) from None
        return data.decode("utf-8", errors="replace")

    def save(self, relative: str, text: str) -> Path:
        """Replace the journey's text atomically; the file must already be in the folder."""
        path = self.resolve(relative)
        write_atomic(path, text.encode("utf-8"))
        return path


def _reason(refused: files.Refused, relative: str) -> str:
    if refused.kind == files.OUTSIDE:
        return f'"{relative}" is outside the studio\'s folder'
    if refused.kind == files.NOT_A_FILE:
        return f'"{relative}" is not a file'
    if refused.kind == files.TOO_LARGE:
        return f'"{relative}" is larger than {files.size_text(files.MAX_FILE_BYTES)}'
    return f'cannot find "{relative}" in the studio\'s folder'
