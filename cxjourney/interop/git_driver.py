"""`cxjourney diff` as git's external diff driver: git's arguments, the two sides, the fallback.

git calls the driver (`diff.journey.command`, see docs/git-workflow.md) with seven
arguments, `path old-file old-hex old-mode new-file new-hex new-mode`, and with nine for
a rename (`new-path` and the similarity follow); a missing side (an added or deleted
file) is `/dev/null`. For an unmerged path it passes only the path, with
`GIT_DIFF_PATH_TOTAL` set. A driver must not fail, so a version that does not load is
shown as a text diff instead.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..language.load import Loaded, load, read_limited
from . import revision

#: How many arguments git passes: seven, or nine for a rename.
ARGUMENT_COUNTS = (7, 9)

Side = tuple[str, Loaded | None]  # the name shown (a/PATH, b/PATH) and the loaded version


class DriverError(Exception):
    """A side git handed over cannot be read; the message names it."""


def is_driver_call(arguments: Sequence[str]) -> bool:
    """Whether the arguments are those git passes a diff driver for two versions."""
    return len(arguments) in ARGUMENT_COUNTS


def unmerged(arguments: Sequence[str], environ: Mapping[str, str]) -> str | None:
    """What to print for git's one-argument call on an unmerged path, or None."""
    if len(arguments) == 1 and "GIT_DIFF_PATH_TOTAL" in environ:
        return f"cxjourney diff: {arguments[0]} is unmerged"
    return None


def sides(arguments: Sequence[str]) -> tuple[Side, Side]:
    """git's arguments: path old-file old-hex old-mode new-file new-hex new-mode [new-path
    similarity] (the last two for a rename)."""
    old_path = arguments[0]
    new_path = arguments[7] if len(arguments) == 9 else old_path
    old_name, new_name = f"a/{old_path}", f"b/{new_path}"
    return (
        (old_name, side(arguments[1], old_path, old_name, arguments[2])),
        (new_name, side(arguments[4], new_path, new_name, arguments[5])),
    )


def side(temp_file: str, repo_path: str, shown: str, blob: str) -> Loaded | None:
    """One side as git hands it to a diff driver: /dev/null, the file itself, or a copy
    of the blob `blob` (whose used files come from the revision that holds it)."""
    if temp_file == revision.ABSENT:
        return None
    if Path(temp_file).resolve() == Path(repo_path).resolve():
        return load(repo_path, name=shown)
    try:
        data = read_limited(temp_file)
    except OSError as err:
        raise DriverError(f"{temp_file}: cannot read the file: {err.strerror or err}") from None
    try:
        return revision.load_working_copy(data, shown, repo_path, blob)
    except revision.RevisionError as err:
        raise DriverError(f"{shown}: {err}") from None


def text_fallback(arguments: Sequence[str], old_name: str, new_name: str) -> str:
    """The text diff shown when a version does not load, with a line that says so."""
    texts = []
    for temp in (arguments[1], arguments[4]):
        data = b"" if temp == revision.ABSENT else Path(temp).read_bytes()
        texts.append(data.decode("utf-8", "replace"))
    lines = difflib.unified_diff(
        texts[0].splitlines(keepends=True),
        texts[1].splitlines(keepends=True),
        fromfile=old_name,
        tofile=new_name,
    )
    shown = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    return "(a version has errors; showing the text diff)\n" + shown
