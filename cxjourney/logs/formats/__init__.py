"""The formats of event logs, one module each; adding a format is adding a module here.

Each module declares its format in ``FORMAT``, and is found by being in this package:

* a ``FileFormat`` reads a file of its own kind (``csv.py``, ``xes.py``): it names the
  suffixes it reads (``.gz`` aside), may claim a file without one of those suffixes from
  its first bytes (``looks_like``), and reads the file's bytes, already gunzipped;
* a ``TableFormat`` is a CSV file told from others by its header (``events.py``, the
  `simulate --events` log): the CSV reader hands it the rows when its header claims it.

``cxjourney.logs.read`` chooses the format of a file and opens it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from io import BufferedIOBase

from ..cases import Log
from ..options import ReadOptions


@dataclass(frozen=True)
class FileFormat:
    """A kind of log file: what `read_log` needs to choose it and read it."""

    name: str
    suffixes: tuple[str, ...]  # lower case, without .gz: (".xes", ".xml")
    read: Callable[[BufferedIOBase, str, ReadOptions], Log]  # (bytes, path for messages, options)
    looks_like: Callable[[bytes], bool] | None = None  # from the first 512 bytes


@dataclass(frozen=True)
class TableFormat:
    """A CSV file with columns of its own, told from other CSV files by its header."""

    name: str
    claims: Callable[[list[str]], bool]  # the header
    read: Callable[[str, list[str], Iterable[list[str]], ReadOptions], Log]  # path, header, rows


@cache
def _declared() -> tuple[FileFormat | TableFormat, ...]:
    """The ``FORMAT`` of every module of this package, in the order of their names."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        declared = getattr(importlib.import_module(f"{__name__}.{module.name}"), "FORMAT", None)
        if declared is not None:
            found.append(declared)
    return tuple(found)


def file_formats() -> tuple[FileFormat, ...]:
    return tuple(f for f in _declared() if isinstance(f, FileFormat))


def table_formats() -> tuple[TableFormat, ...]:
    return tuple(f for f in _declared() if isinstance(f, TableFormat))
