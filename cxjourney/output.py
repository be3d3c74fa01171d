"""Writing results: atomically to files (never half-written), or to stdout for `-`.

A regular file is replaced atomically: the text goes to a temporary file beside it,
which is renamed into place. What is not a regular file (a FIFO, a device such as
/dev/null, /dev/stdout) is written through instead: replacing it would swap the
system's node for a file. A symbolic link is followed, and its target replaced.
Every output path is checked before a run starts (`output_problem`), so that a
missing folder is reported at once and not after an hour of simulation.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

STDOUT = "-"


def output_problem(path: str) -> str | None:
    """Why `path` cannot be written, or None when it can (it is not written to)."""
    if path == STDOUT:
        return None
    if path == "" or not path.strip():
        return "the file name is empty"
    if "\0" in path:
        return "the file name holds a NUL character"
    try:
        info = os.stat(path)  # follows symbolic links
    except FileNotFoundError:
        info = None
    except OSError as err:
        return f"cannot use {path}: {err.strerror or err}"
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            return f"{path} is a directory; give a file name"
        if not stat.S_ISREG(info.st_mode):
            return None if os.access(path, os.W_OK) else f"cannot write to {path}"
        if not os.access(path, os.W_OK):
            return f"cannot write to {path}: permission denied"
    if path.endswith(("/", os.sep)):
        return f"{path} names a directory; give a file name"
    target = _final_target(path)
    folder = target.parent
    if not folder.exists():
        return f"the folder {_shown(folder)} does not exist"
    if not folder.is_dir():
        return f"{_shown(folder)} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot create files in the folder {_shown(folder)}: permission denied"
    return None


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Replace a regular file atomically; write through to anything else."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if _special(path):
        _write_through(path, payload)
        return
    target = _final_target(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def staged(path: str | Path) -> Iterator[Path]:
    """A path that a writer may replace atomically, standing for `path`.

    A regular file (or a link to one) is its own stage, the link followed; for a
    FIFO or a device the writer gets a temporary file, copied through on success.
    """
    if not _special(path):
        yield _final_target(path)
        return
    folder = tempfile.mkdtemp(prefix="cxjourney-out-")
    stage = Path(folder) / "staged"
    try:
        yield stage
        if stage.exists():
            _write_through(path, stage.read_bytes())
    finally:
        with contextlib.suppress(OSError):
            stage.unlink()
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def emit(text: str, output: str | None) -> None:
    """Print to stdout (None or `-`) or write the file atomically."""
    if output in (None, STDOUT):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text)


def _special(path: str | Path) -> bool:
    """An existing target that is not a regular file, or a path of the system's fds."""
    name = str(path)
    if name.startswith(("/dev/", "/proc/")):
        return True
    try:
        return not stat.S_ISREG(os.stat(name).st_mode)
    except OSError:
        return False


def _final_target(path: str | Path) -> Path:
    """The file a chain of symbolic links ends at (the path itself when not a link)."""
    target = Path(path)
    if target.is_symlink():
        return Path(os.path.realpath(target))
    return target


def _write_through(path: str | Path, payload: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(payload)


def _shown(folder: Path) -> str:
    return str(folder) if str(folder) else "."
