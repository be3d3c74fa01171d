"""Hostile logs: repeated names, huge or broken compressed files, huge headers and values."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from cxjourney.logs import read as log_read
from cxjourney.logs.read import LogError, read_log
from tests.conftest import run_cli

ROWS = "".join(f"c{i},A,2024-01-01T10:{i % 60:02d}:00\n" for i in range(5000))


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


@pytest.mark.parametrize("name", ["long.csv", "long.csv.gz"])
def test_a_line_longer_than_the_limit_is_refused(tmp_path: Path, name: str):
    text = "case,activity,timestamp\n" + "a," * 600_000 + "\n"
    target = tmp_path / name
    data = text.encode()
    target.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    with pytest.raises(LogError, match=r"long\.csv(\.gz)?:2: a line longer than 1 MiB"):
        read_log(str(target))


def test_a_compressed_log_that_decompresses_past_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(log_read, "MAX_DECOMPRESSED_BYTES", 50_000)
    target = tmp_path / "big.csv.gz"
    target.write_bytes(gzip.compress(("case,activity,timestamp\n" + ROWS).encode()))
    with pytest.raises(LogError, match=r"big\.csv\.gz: decompresses to more than 50,000 bytes"):
        read_log(str(target))
    small = "".join(ROWS.splitlines(keepends=True)[:1000])
    target.write_bytes(gzip.compress(("case,activity,timestamp\n" + small).encode()))
    assert read_log(str(target)).cases


def test_a_huge_xes_attribute_value_is_refused_in_linear_time(tmp_path: Path):
    huge = "v" * 8_000_000
    target = tmp_path / "huge.xes"
    target.write_text(_xes_traces(["x"]).replace('value="A"', f'value="{huge}"'), encoding="utf-8")
    began = time.perf_counter()
    with pytest.raises(LogError, match=r"huge\.xes:2: an XES element longer than 1 MiB"):
        read_log(str(target))
    assert time.perf_counter() - began < 3


@pytest.mark.parametrize("name", ["cut.csv.gz", "cut.xes.gz", "cut.gz"])
def test_a_truncated_compressed_log_is_an_input_error(tmp_path: Path, name: str):
    text = _xes_traces(["x"] * 200) if ".xes" in name else "case,activity,timestamp\n" + ROWS
    packed = gzip.compress(text.encode())
    target = tmp_path / name
    target.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(LogError, match=r"cut\.(csv\.|xes\.)?gz: the compressed file is truncated"):
        read_log(str(target))
    bad_crc = packed[:-8] + bytes(b ^ 0xFF for b in packed[-8:-4]) + packed[-4:]
    for damaged in (packed[:12], bad_crc):  # cut in the first block; a wrong checksum
        target.write_bytes(damaged)
        with pytest.raises(LogError, match="the compressed file is truncated or damaged"):
            read_log(str(target))


def test_a_truncated_compressed_log_exits_2_with_one_line(tmp_path: Path):
    packed = gzip.compress(("case,activity,timestamp\n" + ROWS).encode())
    target = tmp_path / "cut.csv.gz"
    target.write_bytes(packed[: len(packed) // 2])
    done = run_cli("discover", str(target))
    assert done.returncode == 2
    assert b"the compressed file is truncated or damaged" in done.stderr
    assert b"Aborted" not in done.stderr and b"Traceback" not in done.stderr


def _message(path: Path) -> str:
    with pytest.raises(LogError) as caught:
        read_log(str(path))
    return str(caught.value)


def test_messages_list_at_most_ten_columns(tmp_path: Path):
    target = tmp_path / "wide.csv"
    columns = [f"col{i}" for i in range(100_000)]
    target.write_text(",".join(columns) + "\n" + ",".join("1" * len(columns)) + "\n")
    message = _message(target)
    assert len(message) < 600
    assert "col0, col1," in message and "col9, ... and 99,990 more" in message
    assert "col10," not in message


def test_messages_quote_at_most_a_short_part_of_a_value(tmp_path: Path):
    target = tmp_path / "long.csv"
    huge = "y" * 100_000
    target.write_text(f"case,activity,timestamp\n1,A,{huge}\n")
    assert len(_message(target)) < 600
    target.write_text(f"case,activity,{huge}\n1,A,2024-01-01\n")
    assert len(_message(target)) < 600
    target.write_text(f"case,activity,timestamp,rating\n1,A,2024-01-01,{huge}\n")
    assert len(_message(target)) < 600
    xes = tmp_path / "long.xes"
    xes.write_text(
        _xes_traces(["x"]).replace('value="A"', f'value="{"a" * 500_000}"'),
        encoding="utf-8",
    )
    xes.write_text(xes.read_text().replace("time:timestamp", "other"))
    assert len(_message(xes)) < 600
    xes.write_text(_xes_traces(["x"]).replace("2024-01-01T10:00:00Z", huge))
    assert len(_message(xes)) < 600


def test_a_simulated_log_names_at_most_ten_scenarios(tmp_path: Path):
    target = tmp_path / "events.csv"
    header = "scenario,replication,customer,persona,journey,touchpoint,arrival_min,wait_min\n"
    rows = "".join(f"s{i},1,c,p,j,t,0,0\n" for i in range(1000))
    target.write_text(header + rows)
    message = _message(target)
    assert len(message) < 600 and "and 990 more" in message


@pytest.mark.parametrize("stamp", ["1000000000000000", "-99999999999", "2500-01-01T00:00:00"])
def test_times_outside_the_plausible_years_are_refused(tmp_path: Path, stamp: str):
    target = tmp_path / "far.csv"
    target.write_text(f"case,activity,timestamp\n1,A,0\n1,B,{stamp}\n")
    message = _message(target)
    assert "far.csv:3: column 'timestamp'" in message
    assert "outside the years 1900 to 2199" in message
    xes = tmp_path / "far.xes"
    xes.write_text(_xes_traces(["x"]).replace("2024-01-01T10:00:00Z", stamp))
    assert "outside the years 1900 to 2199" in _message(xes)


def test_plain_number_times_from_zero_and_dates_of_the_range_are_read(tmp_path: Path):
    target = tmp_path / "near.csv"
    target.write_text(
        "case,activity,timestamp\n1,A,0\n1,B,90\n2,A,1900-01-01T00:00:00\n2,B,2199-12-31T23:59\n"
    )
    assert len(read_log(str(target)).cases) == 2


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "-1", "99999999999999999999"])
@pytest.mark.parametrize("column", ["arrival_min", "wait_min"])
def test_a_simulated_log_holds_only_times_of_a_run(tmp_path: Path, column: str, value: str):
    """The simulator writes minutes from the run's start: finite, never negative, within
    two centuries. NaN and infinity passed `float()` and reached discovery (an overflow
    converting infinity to an integer; a lognormal `check` refused)."""
    row = {"arrival_min": "0.5", "wait_min": "0", column: value}
    text = (
        "scenario,replication,customer,persona,journey,touchpoint,arrival_min,wait_min\n"
        f"baseline,1,1,p,1,door,{row['arrival_min']},{row['wait_min']}\n"
        "baseline,1,1,p,1,pay,3.0,0\n"
    )
    path = tmp_path / "events.csv"
    path.write_text(text)
    with pytest.raises(LogError, match=rf"events.csv:2: {column} .* is not a time of a run"):
        read_log(str(path))
