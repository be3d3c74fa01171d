"""The simulator's own events log (`cxjourney simulate --events`): one row per visit.

It is a CSV file, told from others by its header: the CSV reader hands its rows here.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable

from ..cases import Case, Log, LogError, Visit, listed, quoted
from ..options import ReadOptions
from . import TableFormat

#: The columns `cxjourney simulate --events` writes (cxjourney/sim/runner.py).
SIMULATED_COLUMNS = ("scenario", "replication", "customer", "persona", "journey", "touchpoint")
SIMULATED_TIMES = ("arrival_min", "wait_min")


def claims(header: list[str]) -> bool:
    """A CSV file is the simulator's events log when its header has all these columns."""
    return all(c in header for c in SIMULATED_COLUMNS + SIMULATED_TIMES)


def read(path: str, header: list[str], rows: Iterable[list[str]], options: ReadOptions) -> Log:
    """The `simulate --events` log: one row per visit with its arrival and wait.

    The simulator moves customers between touchpoints instantly, so a visit ends when
    the next one of its journey begins; the last visit's end is unknown.
    """
    optional = tuple(name for name in ("end_min",) if name in header)  # older logs lack it
    col = {name: header.index(name) for name in SIMULATED_COLUMNS + SIMULATED_TIMES + optional}
    cases: dict[tuple[str, str, str], Case] = {}
    scenarios: dict[str, None] = {}  # in order of first sight, each once
    events = 0
    line = 1
    want = options.scenario
    replications: set[str] = set()
    try:
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) < len(header):
                raise LogError(f"{path}:{line}: {len(row)} columns, the header has {len(header)}")
            scenario = row[col["scenario"]]
            if scenario != want:
                if scenario not in scenarios:
                    scenarios[scenario] = None
                continue
            arrival = _minutes(row[col["arrival_min"]], path, line, "arrival_min")
            wait = _minutes(row[col["wait_min"]], path, line, "wait_min")
            rep, customer = row[col["replication"]], row[col["customer"]]
            replications.add(rep)
            if rep != options.replication:
                continue  # replications are separate runs of the same horizon, not more days
            key = (rep, customer, row[col["journey"]])
            case = cases.get(key)
            if case is None:
                case = cases[key] = Case(
                    f"{rep}/{customer}/{key[2]}", f"{rep}/{customer}", row[col["persona"]], []
                )
            elif case.visits[-1].end is None:
                case.visits[-1].end = arrival
            end = _minutes(row[col["end_min"]], path, line, "end_min") if "end_min" in col else None
            case.visits.append(Visit(row[col["touchpoint"]], arrival + wait, end, arrival))
            events += 1
    except csv.Error as err:
        raise LogError(f"{path}:{line}: {err}") from None
    if not cases:
        if replications:
            raise LogError(
                f"{path}: no visits in replication {options.replication}; it holds "
                + listed(sorted(replications, key=lambda r: (len(r), r)))
            )
        found = f"; it holds {listed(scenarios)}" if scenarios else ""
        raise LogError(f"{path}: no visits of scenario '{quoted(want)}'{found}")
    built = sorted(cases.values(), key=lambda c: (c.start, c.id))
    return Log(path, built, events, Counter(), "simulated", None)


#: The longest time a simulated log may hold, in minutes from the run's start: two
#: centuries. A longer one (or NaN, or infinity) is a damaged file, not a forecast.
MAX_MINUTES = 200 * 365.25 * 1440


def _minutes(text: str, path: str, line: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise LogError(f"{path}:{line}: {column} must be a number, not '{quoted(text)}'") from None
    if not 0 <= value <= MAX_MINUTES:  # NaN fails both
        raise LogError(
            f"{path}:{line}: {column} {quoted(text)} is not a time of a run "
            "(minutes from its start, at most two centuries)"
        )
    return value


FORMAT = TableFormat("simulated", claims, read)
