"""Writing results: atomically to files (never half-written), or to stdout for `-`.

A regular file is replaced atomically: the text goes to a temporary file beside it,
which is renamed into place. What is not a regular file (a FIFO, a device such as
/dev/null, /dev/stdout) is written through instead: replacing it would swap the
system's node for a file. A symbolic link is followed, and its target replaced.
Every output path is checked before a run starts (`output_problem`), so that a
missing folder is reported at once and not after an hour of simulation, and so is what
the outputs are (`replaced_input`): an output that is one of the command's inputs, or
another of its outputs, however spelled (a link, a hard link, `..`), is refused, since
writing it would destroy what the command reads.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

STDOUT = "-"
STDIN = "-"  # as an input: the file behind stdin


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
    return _probe(folder)


def _probe(folder: Path) -> str | None:
    """Create and remove a file where the output's temporary file will be: the only sure
    test (a read-only mount, /proc or /sys pass `os.access`, for root above all)."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".cxjourney-probe-")
    except OSError as err:
        return f"cannot create files in the folder {_shown(folder)}: {err.strerror or err}"
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(name)
    return None


Outputs = Mapping[str, str | None] | Iterable[tuple[str, str | None]]


def replaced_input(outputs: Outputs, inputs: Iterable[str | None]) -> str | None:
    """Why the outputs (option -> path) cannot be written: one is an input, or two are one
    file; None when they can. Files are compared by identity, not by spelling, and `-` as
    an input is the file behind stdin. Nothing is written."""
    pairs = outputs.items() if isinstance(outputs, Mapping) else outputs
    named = [(name, path) for name, path in pairs if path and path != STDOUT]
    sources = [(path, identity) for path in inputs if path and (identity := _input_identity(path))]
    seen: dict[tuple, tuple[str, str]] = {}
    for name, path in named:
        identity = _identity(path)
        if identity is None and os.path.exists(path):
            continue  # a FIFO or a device: written through, never replaced
        if identity is None:  # not yet there: one only when spelled to the same place
            identity = ("path", os.path.realpath(path))
        for source, known in sources:
            if identity == known:
                why = _is_input(source, path)
                return f"{name} {path} {why}: writing there would replace the input".lstrip()
        if identity in seen:
            other, first = seen[identity]
            return f"{name} {path} and {other} {first} are the same file; give each its own"
        seen[identity] = (name, path)
    return None


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Replace a regular file atomically; write through to anything else."""
    if _special(path):
        _write_through(path, _bytes(data))
        return
    target, tmp = _stage(path, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_all(files: Sequence[tuple[str | Path, str | bytes]]) -> None:
    """Write regular files all or none: every text is staged beside its file before the
    first is renamed into place, so that a failure (a full disk) leaves each as it was."""
    staged_files: list[tuple[Path, str]] = []
    try:
        for path, data in files:
            staged_files.append(_stage(path, data))
        while staged_files:
            target, tmp = staged_files[0]
            os.replace(tmp, target)
            staged_files.pop(0)
    finally:
        for _, tmp in staged_files:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _stage(path: str | Path, data: str | bytes) -> tuple[Path, str]:
    """(the file to replace, a temporary file beside it holding `data`, synced)."""
    target = _final_target(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(_bytes(data))
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target, tmp


def _bytes(data: str | bytes) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


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


def _identity(path: str) -> tuple | None:
    """A regular file's device and inode (links followed); None for anything else."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def _input_identity(path: str) -> tuple | None:
    if path != STDIN:
        return _identity(path)
    try:
        info = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def _is_input(source: str, path: str) -> str:
    if source == STDIN:
        return "is the file on stdin, an input of this command"
    if source == path:
        return "is an input of this command"
    return f"is the input {source} (the same file under another name)"


def _write_through(path: str | Path, payload: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(payload)


def _shown(folder: Path) -> str:
    return str(folder) if str(folder) else "."
