"""Hostile logs: repeated names, huge or broken compressed files, huge headers and values."""

from __future__ import annotations

import time
from pathlib import Path

from cxjourney.logs.read import read_log


def _xes_traces(names: list[str]) -> str:
    event = (
        '<event><string key="concept:name" value="A"/>'
        '<date key="time:timestamp" value="2024-01-01T10:00:00Z"/></event>'
    )
    traces = "".join(
        f'<trace><string key="concept:name" value="{name}"/>{event}</trace>\n' for name in names
    )
    return f"<log>\n{traces}</log>\n"


def test_xes_traces_sharing_a_name_get_numbered_ids_in_linear_time(tmp_path: Path):
    log_file = tmp_path / "same.xes"
    log_file.write_text(_xes_traces(["x"] * 8000 + ["y", "y"]), encoding="utf-8")
    began = time.perf_counter()
    log = read_log(str(log_file))
    assert time.perf_counter() - began < 3
    ids = {c.id for c in log.cases}
    assert len(ids) == 8002
    assert {"x", "x'2", "x'3", "x'8000", "y", "y'2"} <= ids


def test_numbered_ids_skip_a_name_the_log_already_uses(tmp_path: Path):
    log_file = tmp_path / "taken.xes"
    log_file.write_text(_xes_traces(["x", "x'2", "x"]), encoding="utf-8")
    assert sorted(c.id for c in read_log(str(log_file)).cases) == ["x", "x'2", "x'3"]
