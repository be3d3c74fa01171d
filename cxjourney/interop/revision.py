"""Load a version of a journey that is not a plain file: `REV:PATH` from git, or the
temporary copy git hands a diff driver.

A journey's `use` lines name files relative to it, so such a version is written to a
temporary directory together with the files it uses: from the same revision for
`REV:PATH`, from the working tree for a diff driver's copy (git does not say which
revision that copy came from).
"""

from __future__ import annotations

import posixpath
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from lark import Tree

from ..diagnostics import Reporter
from ..load import Loaded, load
from ..syntax.build import unquote
from ..syntax.parse import decode, parse

ABSENT = "/dev/null"  # what git passes for the missing side of an added or deleted file

Fetch = Callable[[str], bytes | None]


class RevisionError(Exception):
    """git could not give the file (unknown revision, path not in it, not a repository)."""


def is_revision(spec: str) -> bool:
    """`REV:PATH` (or `:PATH`, the staged version) that is not the name of a file."""
    return ":" in spec and not Path(spec).exists()


def split(spec: str) -> tuple[str, str]:
    """`HEAD~1:journeys/a.journey` → (`HEAD~1`, `journeys/a.journey`)."""
    rev, _, path = spec.partition(":")
    return rev, path


def git_blob(rev: str, path: str, cwd: str | None = None) -> bytes:
    """The bytes of PATH at REV, as stored (no text conversion)."""
    try:
        done = subprocess.run(
            ["git", "cat-file", "blob", f"{rev}:{path}"],
            capture_output=True,
            cwd=cwd,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise RevisionError(f"cannot run git: {err}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(message[-1] if message else f"git cannot read {rev}:{path}")
    return done.stdout


def load_revision(spec: str) -> Loaded:
    """Load `REV:PATH`, with the files it uses taken from the same revision."""
    rev, path = split(spec)
    data = git_blob(rev, path)

    def fetch(use_path: str) -> bytes | None:
        try:
            return git_blob(rev, _beside(path, use_path))
        except RevisionError:
            return None

    return load_copy(data, spec, PurePosixPath(path).name or "journey.journey", fetch)


def load_working_copy(data: bytes, shown: str, repo_path: str) -> Loaded:
    """Load a copy of `repo_path` (from a diff driver) with used files from the working tree."""
    base = Path(repo_path).parent

    def fetch(use_path: str) -> bytes | None:
        try:
            return (base / use_path).read_bytes()
        except OSError:
            return None

    return load_copy(data, shown, Path(repo_path).name or "journey.journey", fetch)


def load_copy(data: bytes, shown: str, name: str, fetch: Fetch) -> Loaded:
    """Load `data` as the file `name` in a temporary directory holding what it uses."""
    with tempfile.TemporaryDirectory(prefix="cxjourney-") as tmp:
        root = Path(tmp)
        target = root / name
        target.write_bytes(data)
        for use_path in used_paths(data):
            inside = _inside(root, use_path)
            content = fetch(use_path) if inside is not None else None
            if inside is not None and content is not None:
                inside.parent.mkdir(parents=True, exist_ok=True)
                inside.write_bytes(content)
        return load(str(target), name=shown)


def used_paths(data: bytes) -> list[str]:
    """The paths of a file's `use` lines (none when it does not parse)."""
    reporter = Reporter("")
    text = decode(data, reporter)
    tree = parse(text, reporter) if text is not None else None
    if tree is None:
        return []
    return [
        unquote(item.children[0])
        for item in tree.children
        if isinstance(item, Tree) and item.data == "use"
    ]


def _inside(root: Path, use_path: str) -> Path | None:
    """Where a used file goes in the temporary directory; None when it would leave it."""
    relative = PurePosixPath(posixpath.normpath(use_path))
    if relative.is_absolute() or relative.parts[:1] == ("..",):
        return None
    return root.joinpath(*relative.parts)


def _beside(path: str, use_path: str) -> str:
    """The repository path of a file used by `path` (keeping a leading `./`, which git
    reads as relative to the current directory)."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), use_path))
    if path.startswith(("./", "../")) and not joined.startswith("../"):
        return "./" + joined
    return joined
