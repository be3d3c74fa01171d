"""Fixtures of the event-log tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.logs.helpers import LOOP, simulated_log


@pytest.fixture(scope="session")
def loop_log(tmp_path_factory) -> Path:
    return simulated_log(LOOP, tmp_path_factory.mktemp("logs") / "visits.csv")
