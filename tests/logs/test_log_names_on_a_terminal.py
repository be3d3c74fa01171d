"""Names from a log reach a terminal escaped: an activity, case or resource may hold ESC
sequences (an OSC 52 clipboard write), BEL or C1 controls, and a terminal obeys them.
JSON stays JSON, with the names as they were."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07pay"
SHOWN = rb"\x1b]52;c;ZXZpbA==\x07pay"
RAW = (b"\x1b", b"\x07", "\x9b".encode())


def _log(evil: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["case", "activity", "timestamp", "customer", "resource"])
    for i in range(30):
        day = f"2024-01-{i + 1:02d}"
        case = f"c{i}\x1b[31m\x9b" if evil else f"c{i}"
        resource = "bob\x1b]0;title\x07" if evil else "bob"
        writer.writerow([case, "browse", f"{day}T10:00:00", f"cu{i}", resource])
        writer.writerow([case, "pay", f"{day}T10:05:00", f"cu{i}", resource])
        if evil and i % 3 == 0:
            writer.writerow([case, CLIPBOARD, f"{day}T10:06:00", f"cu{i}", resource])
    return out.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("names")
    (path / "clean.csv").write_text(_log(False), encoding="utf-8")
    (path / "evil.csv").write_text(_log(True), encoding="utf-8")
    found = run_cli("discover", "clean.csv", "-o", "shop.journey", "-q", cwd=path)
    assert found.returncode == 0, found.stderr.decode()
    return path


def _clean(data: bytes) -> None:
    for raw in RAW:
        assert raw not in data, data


def test_conform_shows_the_names_escaped(folder: Path) -> None:
    done = run_cli("conform", "shop.journey", "evil.csv", cwd=folder)
    assert done.returncode == 0, done.stderr.decode()
    _clean(done.stdout + done.stderr)
    assert SHOWN in done.stdout


def test_conform_json_keeps_the_names_and_stays_json(folder: Path) -> None:
    done = run_cli("conform", "shop.journey", "evil.csv", "--format", "json", cwd=folder)
    assert done.returncode == 0, done.stderr.decode()
    assert b"\x1b" not in done.stdout and b"\x07" not in done.stdout
    unknown = json.loads(done.stdout)["unknown_activities"]
    assert unknown == [{"activity": CLIPBOARD, "events": 10}]


def test_calibrate_notes_and_report_show_the_names_escaped(folder: Path) -> None:
    done = run_cli(
        "calibrate", "shop.journey", "evil.csv", "--report", "-o", "new.journey", cwd=folder
    )
    assert done.returncode == 0, done.stderr.decode()
    _clean(done.stdout + done.stderr)
    assert SHOWN in done.stderr


def test_backtest_notes_show_the_names_escaped(folder: Path) -> None:
    done = run_cli("backtest", "shop.journey", "evil.csv", "--split", "0.5", "-n", "1", cwd=folder)
    assert done.returncode == 0, done.stderr.decode()
    _clean(done.stdout + done.stderr)
    assert SHOWN in done.stdout


def _on_a_terminal(args: list[str], cwd: Path) -> tuple[int, bytes]:
    """Run with stdout and stderr a terminal (a pseudo-terminal), as a person would."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "cxjourney", *args],
            stdout=follower,
            stderr=follower,
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    finally:
        os.close(follower)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closes once the command has ended
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return process.wait(timeout=300), b"".join(chunks)


def test_a_journey_from_a_log_reaches_a_terminal_escaped(folder: Path) -> None:
    code, seen = _on_a_terminal(["discover", "evil.csv"], folder)
    assert code == 0, seen
    _clean(seen)
    assert SHOWN in seen
    piped = run_cli("discover", "evil.csv", cwd=folder)  # a pipe gets the journey as it is
    assert CLIPBOARD.encode() in piped.stdout
