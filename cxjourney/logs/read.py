"""Read event logs (CSV, XES, the `simulate --events` log; plain or gzipped) into cases.

One reader for every later step, so that discovery, conformance and calibration see
the same cases. This module chooses a file's format (``formats/``: by its name, else
by its first bytes, else CSV) and opens it, gunzipping it when it is gzip; the format
reads it into a ``Log`` of ``Case``s of ``Visit``s (``cases.py``), as ``ReadOptions``
say (``options.py``), and raises ``LogError`` when it cannot.
"""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

from .cases import Case, Log, LogError, Visit
from .formats import FileFormat, file_formats
from .options import FIELDS, ReadOptions, time_parser

__all__ = [
    "FIELDS",
    "Case",
    "Log",
    "LogError",
    "ReadOptions",
    "Visit",
    "log_format",
    "open_bytes",
    "read_log",
    "time_parser",
]

#: The format of text that no format's suffix or first bytes claim.
DEFAULT_FORMAT = "csv"

#: The most bytes a compressed log may decompress to (a few MB of gzip can hold
#: gigabytes); the 250,000-event benchmark log is 67 MB. Plain files are read as they are.
MAX_DECOMPRESSED_BYTES = 1 << 30  # 1 GiB


def open_bytes(path: str) -> io.BufferedIOBase:
    """The file's bytes, gunzipped when it is gzip (by content, not by name)."""
    try:
        raw = Path(path).open("rb")  # noqa: SIM115 - the caller closes it
    except OSError as err:
        raise LogError(f"{path}: cannot read the file: {err.strerror or err}") from None
    if raw.peek(2)[:2] == b"\x1f\x8b":
        return io.BufferedReader(_Gunzipped(raw, path))
    return raw


def log_format(path: str) -> str:
    """The name of the file's format: from its suffix (before .gz), else its first bytes."""
    return _format(path).name


def read_log(path: str, options: ReadOptions | None = None) -> Log:
    """Read a log (format from the name, else from the content)."""
    options = options or ReadOptions()
    chosen = _format(path)
    with open_bytes(path) as handle:
        return chosen.read(handle, path, options)


def _format(path: str) -> FileFormat:
    formats = file_formats()
    name = path.lower().removesuffix(".gz")
    for candidate in formats:
        if name.endswith(candidate.suffixes):
            return candidate
    with open_bytes(path) as handle:
        head = handle.read(512)
    for candidate in formats:
        if candidate.looks_like is not None and candidate.looks_like(head):
            return candidate
    return next(f for f in formats if f.name == DEFAULT_FORMAT)


class _Gunzipped(io.RawIOBase):
    """A gzip file's bytes, read in blocks, refused past MAX_DECOMPRESSED_BYTES; a cut or
    damaged file is a LogError (gzip's EOFError would read as Ctrl-D to the command line)."""

    def __init__(self, raw: io.BufferedReader, path: str) -> None:
        self._raw = raw
        self._unzip = gzip.GzipFile(fileobj=raw)
        self._path = path
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        try:
            data = self._unzip.read(len(buffer))
        except (EOFError, gzip.BadGzipFile, zlib.error) as err:
            raise LogError(
                f"{self._path}: the compressed file is truncated or damaged ({err})"
            ) from None
        self._count += len(data)
        if self._count > MAX_DECOMPRESSED_BYTES:
            raise LogError(
                f"{self._path}: decompresses to more than {MAX_DECOMPRESSED_BYTES:,} bytes "
                "(the limit of a compressed log); decompress it and read the plain file"
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._unzip.close()
            self._raw.close()
        super().close()
