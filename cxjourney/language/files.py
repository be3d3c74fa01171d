"""Reading a file that another file names: one rule, for `check` and the language server.

A journey's `use` line, a file an editor asks about, a journey found in a workspace
folder: whoever wrote the name, the file is read only when it is

- inside the given folders once symbolic links are resolved (a used file stays inside
  the directory tree of the file that uses it),
- a regular file: never a device (`/dev/zero` never ends), a FIFO or a terminal (reading
  either waits for ever), a directory or a socket,
- at most MAX_FILE_BYTES long.

`read_contained` is that rule; `contained_file` is its first half, for a caller that
only needs to know whether the file may be read (`go to definition` on a `use` line).
The file is opened without blocking and checked again once open, so a file swapped
for a FIFO between the look and the read cannot hang the reader either.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

MAX_FILE_BYTES = 5 * 1024 * 1024  # a journey of 100,000 lines is under 3 MB; refuse more
#: The most a data file named on the command line may hold (results, drivers, a mapping,
#: outcomes, an editor's event): far above any real one, far below what fills memory.
MAX_DATA_BYTES = 256 * 1024 * 1024

MISSING = "missing"
OUTSIDE = "outside"
NOT_A_FILE = "not a file"
TOO_LARGE = "too large"


class Refused(Exception):
    """A file the rule does not read; `kind` is one of the four reasons above."""

    def __init__(self, kind: str, path: Path) -> None:
        super().__init__(f"{path}: {kind}")
        self.kind = kind
        self.path = path


def read_limited(path: str | Path) -> bytes:
    """The file's bytes, at most one more than MAX_FILE_BYTES (enough to tell it is too large).

    For the file a person names on the command line (a pipe such as `<(...)` included);
    files named by other files go through `read_contained`.
    """
    with open(path, "rb") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


def read_named(path: str | Path, limit: int = MAX_DATA_BYTES) -> bytes:
    """The bytes of a data file a person names (a pipe included), at most `limit`; a longer
    one (or `/dev/zero`) is Refused as too large after reading `limit + 1` bytes, not all.
    OSError (missing, a directory, no permission) is the caller's to word."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Refused(TOO_LARGE, Path(path))
    return data


class Unreadable(Exception):
    """Why a data file a person named cannot be read, without its path (the caller's
    message names the file and what it was for)."""


def read_named_text(path: str | Path, encoding: str = "utf-8") -> str:
    """`read_named` decoded; every reason it cannot be read is Unreadable."""
    try:
        return read_named(path).decode(encoding)
    except Refused:
        raise Unreadable(f"larger than {size_text(MAX_DATA_BYTES)}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise Unreadable(str(err)) from None


def size_text(limit: int) -> str:
    """A limit as people read it: 5 MB, 256 MB."""
    return f"{limit / 2**20:g} MB"


def contained_file(path: Path, roots: Iterable[Path]) -> Path:
    """`path` resolved, when it is a regular file inside one of `roots`; else Refused."""
    try:
        resolved = path.resolve(strict=True)
        mode = resolved.stat().st_mode
    except (OSError, RuntimeError, ValueError):  # missing, a loop of links, a NUL in the name
        raise Refused(MISSING, path) from None
    if not any(resolved.is_relative_to(_resolved(root)) for root in roots):
        raise Refused(OUTSIDE, path)
    if not stat.S_ISREG(mode):
        raise Refused(NOT_A_FILE, path)
    return resolved


def read_contained(path: Path, roots: Iterable[Path]) -> bytes:
    """The bytes of a regular file inside one of `roots`, at most MAX_FILE_BYTES; else Refused."""
    resolved = contained_file(path, roots)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(resolved, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        raise Refused(MISSING, path) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the look
            raise Refused(NOT_A_FILE, path)
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError:
        raise Refused(MISSING, path) from None
    finally:
        os.close(fd)
    if left <= 0:
        raise Refused(TOO_LARGE, path)
    return b"".join(chunks)


def _resolved(root: Path) -> Path:
    try:
        return root.resolve()
    except (OSError, RuntimeError, ValueError):
        return root
