"""Load a version of a journey that is not a plain file: `REV:PATH` from git, or the
temporary copy git hands a diff driver.

A journey's `use` lines name files relative to it, so such a version is written to a
temporary directory together with the files it uses, taken from the same revision.
git hands a diff driver only the blob of each side, so the revision is found by that
blob: the working tree's file, the index, or the path's history; a used file is taken
from the working tree only when the copy is the working tree's own. Used files obey
the containment of `check`: inside the journey's directory tree, never through a
symbolic link, never outside the repository.
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from lark import Tree

from ..language.build import unquote
from ..language.diagnostics import Reporter
from ..language.load import Loaded, load, read_limited
from ..language.parse import decode, parse

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


def _git(*args: str, cwd: str | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], capture_output=True, cwd=cwd, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise RevisionError(f"cannot run git: {err}") from None


def git_blob(rev: str, path: str, cwd: str | None = None) -> bytes:
    """The bytes of PATH at REV, as stored (no text conversion)."""
    if rev.startswith("-") or path.startswith("-"):
        raise RevisionError(f"'{rev}:{path}' is not a revision and path: it starts with '-'")
    done = _git("cat-file", "blob", f"{rev}:{path}", cwd=cwd)
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        fatal = next((ln for ln in lines if ln.startswith("fatal:")), lines[0] if lines else "")
        reason = fatal.removeprefix("fatal:").strip() or f"git cannot read {rev}:{path}"
        raise RevisionError(f"{reason} (a path after ':' starts at the repository's root)")
    return done.stdout


def _regular_file(rev: str, path: str) -> bool:
    """PATH is a plain file at REV (`:` for the index), not a symbolic link."""
    if rev.startswith("-") or path.startswith("-"):
        return False
    folder, name = posixpath.split(path)
    if rev == "":  # the index: paths from the root, or from here when they start with ./
        here = path.startswith(("./", "../"))
        top = None if here else _git("rev-parse", "--show-toplevel").stdout.decode().strip()
        done = _git("ls-files", "-s", "-z", "--", path, cwd=top or None)
    else:  # the folder's tree, read as cat-file reads REV:PATH
        folder = folder + "/" if folder in (".", "..") else folder
        done = _git("ls-tree", "--full-tree", "-z", f"{rev}:{folder}", "--", name)
    fields = done.stdout.split(b" ", 1)
    return done.returncode == 0 and fields[0] in (b"100644", b"100755")


def load_revision(spec: str) -> Loaded:
    """Load `REV:PATH`, with the files it uses taken from the same revision."""
    rev, path = split(spec)
    try:
        data = git_blob(rev, path)
    except RevisionError:
        if path.startswith(("./", "../", "/")):
            raise
        # from a subfolder git reads PATH from the repository's root; the user usually
        # means the file beside them, which git spells ./PATH
        try:
            data = git_blob(rev, "./" + path)
        except RevisionError:
            pass
        else:
            path = "./" + path
            return load_copy(data, spec, PurePosixPath(path).name, _from(rev, path))
        raise
    return load_copy(data, spec, PurePosixPath(path).name or "journey.journey", _from(rev, path))


def _from(rev: str, path: str) -> Fetch:
    def fetch(use_path: str) -> bytes | None:
        used = _beside(path, use_path)
        if not _regular_file(rev, used):
            return None
        try:
            return git_blob(rev, used)
        except RevisionError:
            return None

    return fetch


def load_working_copy(data: bytes, shown: str, repo_path: str, blob: str | None = None) -> Loaded:
    """Load a diff driver's copy of `repo_path` whose blob is `blob`, with the files it
    uses from the revision that holds that blob (see the module's docstring)."""
    name = Path(repo_path).name or "journey.journey"
    rev = revision_of(blob, repo_path) if blob else WORKTREE
    if rev is WORKTREE:
        return load_copy(data, shown, name, _from_worktree(repo_path))
    if rev is None:  # no revision holds it: use nothing rather than another version's files
        return load_copy(data, shown, name, lambda use_path: None)
    return load_copy(data, shown, name, _from(rev, repo_path))


WORKTREE = "<working tree>"


def revision_of(blob: str, path: str) -> str | None:
    """The revision whose PATH is `blob`: WORKTREE, "" (the index), a commit, or None."""
    if not re.fullmatch(r"[0-9a-f]{7,64}", blob) or path.startswith("-"):
        return None
    if Path(path).is_file() and _git("hash-object", "--", path).stdout.strip() == blob.encode():
        return WORKTREE
    if _git("rev-parse", "-q", "--verify", f":{path}").stdout.strip() == blob.encode():
        return ""
    log = _git("log", "-n", "300", "--format=commit %H", "--raw", "--no-abbrev", "--", path)
    commit = None
    for line in log.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("commit "):
            commit = line.split()[1]
        elif line.startswith(":") and commit:
            old_hex, new_hex = line.split()[2:4]
            if new_hex == blob:
                return commit
            if old_hex == blob:
                return commit + "^"
    return None


def _from_worktree(repo_path: str) -> Fetch:
    """Used files from the working tree, with `check`'s containment."""
    base = Path(repo_path).parent.resolve()

    def fetch(use_path: str) -> bytes | None:
        candidate = base / use_path
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(base) or not resolved.is_file():
            return None
        try:
            return read_limited(resolved)
        except OSError:
            return None

    return fetch


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
