"""Write several imported journeys into one folder: a file each, named from its title.

The folder is made when it does not exist, as `mkdir` would make it: one new folder,
whose parent must exist. Names come from `mermaid.slug_for_filename`, with `-2`, `-3`
added to repeated ones; each file is written atomically, and overwrites a file of
that name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from ..output import write_atomic
from .mermaid import slug_for_filename


class FolderError(Exception):
    """The folder cannot be made; the message says why."""


def make_folder(target: Path) -> None:
    """Make `target` unless it is a folder already; its parent must exist."""
    if target.is_dir():
        return
    # one new folder for the imported files, as `mkdir` would make it; a missing
    # parent is refused like every other output path
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise FolderError(f"the folder {parent} does not exist")
    try:
        target.mkdir()
    except OSError as err:
        raise FolderError(f"cannot make the folder {target}: {err.strerror}") from None


def file_names(titles: Sequence[str | None]) -> list[str]:
    """A distinct `.journey` file name for each title, in order."""
    used: set[str] = set()
    names = []
    for index, title in enumerate(titles, start=1):
        stem = base = slug_for_filename(title, index)
        number = 2
        while stem in used:
            stem, number = f"{base}-{number}", number + 1
        used.add(stem)
        names.append(f"{stem}.journey")
    return names


def write_journeys(folder: Path, journeys: Sequence[tuple[str | None, str]]) -> Iterator[Path]:
    """Write each (title, source) into `folder`; yield each file's path once it is written."""
    names = file_names([title for title, _ in journeys])
    for name, (_, source) in zip(names, journeys, strict=True):
        path = folder / name
        write_atomic(path, source)
        yield path
