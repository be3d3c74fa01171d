"""Event logs as CSV (also tab- or semicolon-separated), plain or gzipped.

Columns are found by name (``CANDIDATES``) unless an option names them; a row is an
event, or a whole visit when it has a start and an end time. A file whose header is
another table format's (the simulator's events log, ``events.py``) is read by that one.
"""

from __future__ import annotations

import csv
import io
import math
import re

from ..cases import BOTH, Log, LogError, RawEvent, finish_log, listed, quoted
from ..options import (
    CANDIDATES,
    FIELDS,
    MAX_LINE,
    MAX_LINE_TEXT,
    ReadOptions,
    out_of_range,
    time_parser,
)
from . import FileFormat, table_formats

SUFFIXES = (".csv", ".tsv", ".txt")


def _normal(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower())


def resolve_columns(header: list[str], options: ReadOptions, file: str) -> dict[str, int]:
    """field -> column index; named options must exist, required fields must be found."""
    index = {_normal(h): i for i, h in reversed(list(enumerate(header)))}
    out: dict[str, int] = {}
    for name in FIELDS:
        wanted = options.keys.get(name)
        if wanted:
            if _normal(wanted) not in index:
                raise LogError(
                    f"{file}:1: no column '{quoted(wanted)}' for the {name.replace('_', ' ')}; "
                    f"the columns are: {listed(header)}"
                )
            out[name] = index[_normal(wanted)]
            continue
        for candidate in CANDIDATES[name]:
            i = index.get(_normal(candidate))
            if i is not None and i not in out.values():
                out[name] = i
                break
    for name in ("case", "activity", "timestamp"):
        if name not in out:
            option = "--" + name.replace("_", "-")
            raise LogError(
                f"{file}:1: cannot tell which column holds the {name}; name it with {option} "
                f"(the columns are: {listed(header)})"
            )
    return out


def read(raw: io.BufferedIOBase, path: str, options: ReadOptions) -> Log:
    """Read a CSV log; its header tells the delimiter's columns, or another table format."""
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        sample = text.read(8192)
    except UnicodeDecodeError as err:
        raise LogError(f"{path}: not UTF-8 text ({err.reason}); save the file as UTF-8") from None
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    if delimiter == "," and sample.count(";") > sample.count(","):
        delimiter = ";"
    rows = csv.reader(_chain(sample, text, path), delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        raise LogError(f"{path}: the file is empty") from None
    except (csv.Error, UnicodeDecodeError) as err:
        raise LogError(f"{path}:1: {err}") from None
    for table in table_formats():
        if table.claims(header):
            return table.read(path, header, rows, options)
    return _read_table(path, header, rows, options)


FORMAT = FileFormat("csv", SUFFIXES, read)


def _chain(first: str, rest: io.TextIOWrapper, path: str):
    """Lines of the sample already read, then the rest of the stream, each at most MAX_LINE."""
    read = 0

    def bounded(text: str) -> str:
        if len(text) > MAX_LINE:
            raise LogError(
                f"{path}:{read + 1}: a line longer than {MAX_LINE_TEXT} "
                f"({MAX_LINE:,} characters) is refused"
            )
        return text

    try:
        for text in io.StringIO(first + rest.readline(MAX_LINE + 1)):
            yield bounded(text)
            read += 1
        while text := rest.readline(MAX_LINE + 1):
            yield bounded(text)
            read += 1
    except UnicodeDecodeError as err:
        # text is decoded in blocks: the bad byte lies at or after the next line
        raise LogError(
            f"{path}: not UTF-8 text after line {read} ({err.reason}); save the file as UTF-8"
        ) from None


def _read_table(path: str, header: list[str], rows, options: ReadOptions) -> Log:
    cols = resolve_columns(header, options, path)
    parse = time_parser(options)
    cases: dict[str, list[RawEvent]] = {}
    owners: dict[str, tuple[str, str]] = {}
    ratings: list[float] = []
    width = len(header)
    events = 0
    get = cols.get
    c_case, c_act, c_time = cols["case"], cols["activity"], cols["timestamp"]
    needed = max(c_case, c_act, c_time)
    c_start, c_life, c_res = get("start_timestamp"), get("lifecycle"), get("resource")
    c_cust, c_pers, c_rate, c_chan = get("customer"), get("persona"), get("rating"), get("channel")
    line = 1
    try:
        for line, row in enumerate(rows, start=2):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) <= needed:
                raise LogError(
                    f"{path}:{line}: {len(row)} column{'s' if len(row) != 1 else ''}, "
                    f"the header has {width} (an unclosed quote?)"
                )
            if len(row) < width:  # trailing optional columns left out
                row = row + [""] * (width - len(row))
            case, activity, stamp = row[c_case].strip(), row[c_act].strip(), row[c_time]
            if not case or not activity:
                which = header[c_case] if not case else header[c_act]
                raise LogError(f"{path}:{line}: column '{quoted(which)}' is empty")
            time = _time(parse, stamp, path, line, header[c_time], options)
            start = None
            if c_start is not None and row[c_start].strip():
                start = _time(parse, row[c_start], path, line, header[c_start], options)
            rating = None
            if c_rate is not None and row[c_rate].strip():
                rating = _number(row[c_rate], path, line, header[c_rate])
                ratings.append(rating)
            transition = row[c_life].strip().lower() if c_life is not None else ""
            raw = RawEvent(
                activity,
                time,
                transition,
                row[c_res].strip() if c_res is not None else "",
                rating,
                row[c_chan].strip() if c_chan is not None else "",
                start,
            )
            if start is not None:  # one row, one visit: no pairing needed
                raw.time, raw.start, raw.end, raw.transition = start, start, time, BOTH
            cases.setdefault(case, []).append(raw)
            events += 1
            if case not in owners:
                owners[case] = (
                    row[c_cust].strip() if c_cust is not None else "",
                    row[c_pers].strip() if c_pers is not None else "",
                )
    except csv.Error as err:
        raise LogError(f"{path}:{line}: {err}") from None
    return finish_log(path, cases, owners, ratings, events, options, "csv")


def _time(parse, text: str, path: str, line: int, column: str, options: ReadOptions) -> float:
    try:
        value = parse(text)
    except (ValueError, OverflowError):
        hint = (
            f"it does not match --time-format '{options.time_format}'"
            if options.time_format
            else "write ISO 8601 (2024-05-01T10:30:00+02:00) or give --time-format"
        )
        column, shown = quoted(column), quoted(text.strip())
        raise LogError(
            f"{path}:{line}: column '{column}': cannot read '{shown}' as a time; {hint}"
        ) from None
    if not math.isfinite(value):
        column, shown = quoted(column), quoted(text.strip())
        raise LogError(f"{path}:{line}: column '{column}': '{shown}' is not a finite time")
    refused = out_of_range(value, options)
    if refused:
        column, shown = quoted(column), quoted(text.strip())
        raise LogError(f"{path}:{line}: column '{column}': '{shown}' {refused}")
    return value


def _number(text: str, path: str, line: int, column: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        column, shown = quoted(column), quoted(text.strip())
        raise LogError(f"{path}:{line}: column '{column}': '{shown}' is not a number") from None
    if not math.isfinite(value) or value < 0 or value > 10:
        column, shown = quoted(column), quoted(text.strip())
        raise LogError(f"{path}:{line}: column '{column}': rating {shown} is outside 0..10")
    return value
