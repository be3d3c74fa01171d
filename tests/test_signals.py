"""Ctrl-C and SIGTERM: exit 130 / 143, one line, no traceback, nothing left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxjourney.cli.common import Stopped
from cxjourney.output import write_atomic

TINY = """\
journey "Tiny" {
  persona p {
    share 100%
  }
  stage s {
    touchpoint t { }
  }
}
"""
SLOW = """\
journey "Slow" {
  customers 30000
  horizon 1 year
  persona p {
    share 100%
    visits every 1 day
  }
  stage s {
    touchpoint a { }
    touchpoint b { }
  }
}
"""


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start(tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    (tmp_path / "slow.journey").write_text(SLOW, encoding="utf-8")
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    return subprocess.Popen(
        [sys.executable, "-m", "cxjourney", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def wait_until(condition, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_signal_ends_simulate_cleanly(
    tmp_path: Path, signum: int, code: int, word: str, workers: str
) -> None:
    run = ["simulate", "slow.journey", "-n", "4", "-j", workers, "--events", "ev.csv"]
    process = start(tmp_path, *run, "-o", "out.json")
    wait_until(lambda: any((tmp_path / "tmp").iterdir()))  # the run has started
    if workers == "2":
        wait_until(lambda: len(children(process.pid)) >= 2)
    workers_seen = children(process.pid)
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # as a terminal's Ctrl-C: the whole group
    else:
        process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert process.returncode == code, err
    assert err.decode().strip() == f"cxjourney: {word}"
    assert out == b""
    wait_until(lambda: not any(alive(pid) for pid in workers_seen), timeout=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slow.journey", "tmp"]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_write_stopped_midway_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stop(fd: int) -> None:
        raise Stopped(signal.SIGTERM)

    monkeypatch.setattr(os, "fsync", stop)
    target = tmp_path / "out.json"
    target.write_text("before", encoding="utf-8")
    with pytest.raises(Stopped):
        write_atomic(target, "after")
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    assert target.read_text(encoding="utf-8") == "before"


def test_a_closed_stdout_pipe_exits_0_quietly(tmp_path: Path) -> None:
    (tmp_path / "t.journey").write_text(TINY, encoding="utf-8")
    files = " ".join(["t.journey"] * 4000)  # 96 kB of "ok" lines: more than a pipe holds
    shell = f"{sys.executable} -m cxjourney check {files} | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", shell], capture_output=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b"" and done.stdout == b"t.journey: ok (journey)\n"


@pytest.mark.slow
@pytest.mark.parametrize("command", ["drivers", "report"])
def test_other_commands_end_on_sigterm_without_workers_left(tmp_path: Path, command: str) -> None:
    process = start(tmp_path, command, "slow.journey", "-n", "4", "-j", "2", "-o", "out.x")
    wait_until(lambda: len(children(process.pid)) >= 2)
    workers_seen = children(process.pid)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 143, err
    assert err.decode().strip() == "cxjourney: terminated"
    wait_until(lambda: not any(alive(pid) for pid in workers_seen), timeout=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["slow.journey", "tmp"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forked workers only")
@pytest.mark.parametrize(("signum", "expected"), [(signal.SIGTERM, 143), (signal.SIGINT, 0)])
def test_a_worker_forked_before_its_set_up_handles_a_signal_as_a_worker(
    signum: int, expected: int, tmp_path: Path
) -> None:
    """A pool worker forked from the command inherits its handler until the pool's
    initializer replaces it. In that moment SIGTERM (its parent ending it) must end it
    silently and Ctrl-C (sent to the whole group) must leave it alone: the handler raising
    `Stopped` there printed the worker's traceback under the parent's one-line message."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child runs the command's guard in a process of its own ...
        os.close(read)
        os.set_inheritable(write, True)
        script = (
            "import os, signal, sys\n"
            "from cxjourney.cli import common\n"
            f"w = {write}\n"
            "def run():\n"
            "    child = os.fork()\n"
            "    if child == 0:  # ... and forks a worker that has the inherited handler\n"
            f"        err = os.open({str(tmp_path / 'worker.err')!r}, os.O_WRONLY | os.O_CREAT)\n"
            "        os.dup2(err, 2)\n"
            f"        os.kill(os.getpid(), {int(signum)})\n"
            "        os._exit(0)\n"
            "    _, status = os.waitpid(child, 0)\n"
            "    os.write(w, str(os.waitstatus_to_exitcode(status)).encode())\n"
            "common.guarded_main(run)\n"
        )
        os.execv(sys.executable, [sys.executable, "-c", script])
    os.close(write)
    _, status = os.waitpid(pid, 0)
    worker = os.read(read, 16).decode()
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0
    assert worker == str(expected)
    assert (tmp_path / "worker.err").read_text() == ""  # no message of its own
