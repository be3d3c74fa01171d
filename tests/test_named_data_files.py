"""Data files a person names on the command line (results, drivers, a mapping, outcomes)
are read to at most 256 MB: `/dev/zero`, or a file of gigabytes named by mistake, is
refused with a message instead of filling memory (each was read whole)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxjourney.language.load import load
from cxjourney.logs.mapping import read_mapping
from cxjourney.logs.outcomes import OutcomeError, read_outcomes
from cxjourney.logs.read import LogError
from cxjourney.render.inputs import InputFileError, read_drivers, read_results
from tests.conftest import ROOT, run_cli

ZERO = "/dev/zero"
HOTEL = str(ROOT / "journeys" / "hotel_stay.journey")

pytestmark = pytest.mark.skipif(not Path(ZERO).exists(), reason="no /dev/zero")


def test_a_mapping_without_end_is_refused() -> None:
    with pytest.raises(LogError, match="larger than 256 MB"):
        read_mapping(ZERO)


def test_outcomes_without_end_are_refused() -> None:
    with pytest.raises(OutcomeError, match="larger than 256 MB"):
        read_outcomes(ZERO)


@pytest.mark.parametrize("read", [read_results, read_drivers])
def test_results_and_drivers_without_end_are_refused(read) -> None:
    loaded = load(HOTEL)
    args = (ZERO, loaded, None) if read is read_results else (ZERO, loaded)
    with pytest.raises(InputFileError, match="larger than 256 MB"):
        read(*args)


def test_the_command_line_exits_2_with_one_line(tmp_path: Path) -> None:
    done = run_cli("render", HOTEL, "--results", ZERO, "-o", str(tmp_path / "map.dot"))
    assert done.returncode == 2, done.stderr
    assert b"larger than 256 MB" in done.stderr and b"Traceback" not in done.stderr
    assert not (tmp_path / "map.dot").exists()
