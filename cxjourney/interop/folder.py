"""Write several imported journeys into one folder: a file each, named from its title.

The folder is made when it does not exist, as `mkdir` would make it: one new folder,
whose parent must exist. Names come from `mermaid.slug_for_filename`, with `-2`, `-3`
added to repeated ones. A file of one of those names is a journey someone may have
edited since: it is replaced only when asked (`force`), and otherwise nothing at all is
written. The files are written all or none (`output.write_all`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..output import output_problem, write_all
from .mermaid import slug_for_filename


class FolderError(Exception):
    """The folder cannot be made, or its files written; the message says why."""


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


def planned(folder: Path, titles: Sequence[str | None]) -> list[Path]:
    """The file each journey of these titles goes to in `folder`, in order."""
    return [folder / name for name in file_names(titles)]


def write_journeys(
    folder: Path, journeys: Sequence[tuple[str | None, str]], *, force: bool = False
) -> list[Path]:
    """Write each (title, source) into `folder` and return the files written; refuse
    (FolderError, nothing written, no folder made) a file that exists, unless `force`."""
    paths = planned(folder, [title for title, _ in journeys])
    there = [str(path) for path in paths if path.exists() or path.is_symlink()]
    if there and not force:
        which = f"{there[0]} exists" if len(there) == 1 else f"{', '.join(there)} exist"
        raise FolderError(f"{which}; nothing was written (--force replaces what is there)")
    for path in paths:
        problem = output_problem(str(path)) if folder.is_dir() else None
        if problem:
            raise FolderError(problem)
    make_folder(folder)
    try:
        write_all([(path, source) for path, (_, source) in zip(paths, journeys, strict=True)])
    except OSError as err:
        raise FolderError(f"cannot write into {folder}: {err.strerror or err}") from None
    return paths
