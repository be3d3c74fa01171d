"""The files `render` and `report` read besides the journey: results (from `simulate
--format json`) and drivers (from `drivers --format json`), read, validated, and
checked against the journey they are drawn on.

Each reader returns the data and a warning to show (None when there is none), or
raises `InputFileError` whose message says what is wrong with the file.
"""

from __future__ import annotations

from typing import Any

from ..language.files import Unreadable, read_named_text
from ..language.load import Loaded


class InputFileError(ValueError):
    """A results or drivers file that cannot be used; the message names the file."""


def _read(path: str, what: str) -> str:
    """The text of a file a person names, read to at most MAX_DATA_BYTES."""
    try:
        return read_named_text(path)
    except Unreadable as err:
        raise InputFileError(f"cannot read the {what} {path}: {err}") from None


def read_results(
    path: str, loaded: Loaded, needed: str | None
) -> tuple[dict[str, Any], str | None]:
    """The results in PATH, and a warning when they are for another journey's title."""
    from ..results import ResultsError, check_touchpoints, loads

    text = _read(path, "results")
    try:
        results = loads(text)
        check_touchpoints(results)
    except (ResultsError, AttributeError, TypeError) as err:
        # `validate` does not yet check every part's type (a list for `delta` raises
        # AttributeError), so those count as a malformed file too.
        raise InputFileError(f"{path} is not a results file: {err}") from None
    if needed and needed not in results["scenarios"]:
        raise InputFileError(
            f"{path} holds no results for scenario '{needed}'; "
            f"simulate it with --scenario {needed} (or use --simulate)"
        )
    warning = None
    if results["journey"] != loaded.journey.title:
        warning = (
            f"warning: {path} is for the journey '{results['journey']}', "
            f"not '{loaded.journey.title}'"
        )
    return results, warning


def read_drivers(path: str, loaded: Loaded) -> tuple[dict[str, Any], str | None]:
    """The drivers in PATH, and a warning when they are for another journey's title."""
    import json

    from .decisions import drivers_problem

    try:
        drivers = json.loads(_read(path, "drivers"))
    except json.JSONDecodeError as err:
        raise InputFileError(f"cannot read the drivers {path}: {err}") from None
    problem = drivers_problem(drivers)
    if problem:
        raise InputFileError(f"{path} is not a drivers file: {problem}")
    warning = None
    if drivers.get("journey") != loaded.journey.title:
        warning = (
            f"warning: {path} is for the journey '{drivers.get('journey')}', "
            f"not '{loaded.journey.title}'"
        )
    return drivers, warning


def check_same_scenarios(results: dict[str, Any], loaded: Loaded, path: str) -> None:
    """Results of another journey (or another version of it) cannot be reported on it."""
    unknown = set(results["scenarios"]) - {"baseline"} - {s.id for s in loaded.journey.scenarios}
    if unknown:
        raise InputFileError(
            f"{path} holds scenarios that {loaded.file} does not define: "
            + ", ".join(sorted(unknown))
        )
