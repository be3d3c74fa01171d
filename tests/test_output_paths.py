"""Output paths: checked before the run, special files written through, links followed."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from cxjourney.output import output_problem, staged, write_atomic
from tests.conftest import run_cli

TINY = """\
journey "Tiny" {
  customers 5
  horizon 2 weeks
  persona p {
    share 100%
  }
  stage s {
    touchpoint t { }
  }
  scenario better "Better" {
    cost 1000
    t.delivers += 0.5
  }
}
"""


@pytest.fixture
def tiny(tmp_path: Path) -> str:
    path = tmp_path / "tiny.journey"
    path.write_text(TINY, encoding="utf-8")
    return str(path)


RUNS = [
    ("simulate", "-n", "2", "-j", "1"),
    ("compare", "-n", "2", "-j", "1"),
    ("drivers", "-n", "2", "-j", "1"),
    ("optimize", "--budget", "5k", "-n", "2", "-j", "1"),
    ("report", "-n", "2", "-j", "1"),
    ("render",),
    ("export",),
]


@pytest.mark.parametrize("command", RUNS, ids=lambda c: c[0])
@pytest.mark.parametrize(
    ("output", "says"),
    [
        ("missing_dir/x.out", "does not exist"),
        (".", "is a directory"),
        ("", "empty"),
        ("sub/", "directory"),
    ],
)
def test_a_bad_output_path_exits_2_before_the_run(
    tmp_path: Path, tiny: str, command: tuple[str, ...], output: str, says: str
) -> None:
    done = run_cli(command[0], tiny, *command[1:], "-o", output, cwd=tmp_path)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    assert says in err and "--output" in err
    assert "Traceback" not in err and done.stdout == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.journey"]


@pytest.mark.parametrize("events", ["missing_dir/e.csv", ".", ""])
def test_a_bad_events_path_exits_2_before_the_run(tmp_path: Path, tiny: str, events: str) -> None:
    done = run_cli("simulate", tiny, "-n", "1", "--events", events, cwd=tmp_path)
    err = done.stderr.decode()
    assert done.returncode == 2 and "--events" in err and "Traceback" not in err, err
    assert done.stdout == b""


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind root")
def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert "permission denied" in (output_problem(str(locked / "x.json")) or "")
    finally:
        locked.chmod(0o700)


def test_an_unwritable_file_is_refused_through_the_check(tmp_path: Path) -> None:
    assert output_problem(str(tmp_path / "x" / "y.json")) is not None
    assert output_problem(str(tmp_path / "y.json")) is None
    assert output_problem("-") is None
    assert output_problem("a\0b") is not None


def test_a_fifo_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert received == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_stays_a_device(tmp_path: Path) -> None:
    """A null device of our own, not the system's /dev/null: if this ever regressed, the
    test must not take the machine's /dev/null with it."""
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    write_atomic(device, "nothing")
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_a_symbolic_link_is_followed_and_its_target_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "made.json")
    write_atomic(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "made.json").read_text() == "made"


def test_a_staged_special_file_receives_the_stage(tmp_path: Path) -> None:
    fifo = tmp_path / "events"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    with staged(fifo) as stage:
        assert stage != fifo
        stage.write_text("a,b\n", encoding="utf-8")
    reader.join(timeout=10)
    assert received == [b"a,b\n"] and stat.S_ISFIFO(fifo.lstat().st_mode)


def test_output_to_dev_stdout_reaches_the_pipe(tmp_path: Path, tiny: str) -> None:
    done = run_cli("simulate", tiny, "-n", "2", "-j", "1", "--format", "csv", "-o", "/dev/stdout")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"scenario,section,name,key")


def test_events_through_a_symbolic_link(tmp_path: Path, tiny: str) -> None:
    real = tmp_path / "real.csv"
    real.write_text("", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(real)
    done = run_cli("simulate", tiny, "-n", "1", "-j", "1", "--events", "link.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert (tmp_path / "link.csv").is_symlink()
    assert real.read_text(encoding="utf-8").startswith("scenario,replication,customer")


def _unwritable_folder() -> str | None:
    """A folder that `os.access` calls writable, for root too, where no file can be made."""
    for folder in ("/sys", "/proc"):
        if os.path.isdir(folder) and os.access(folder, os.W_OK):
            return folder
    return None


@pytest.mark.skipif(_unwritable_folder() is None, reason="no /sys or /proc that claims writes")
def test_a_folder_where_no_file_can_be_made_is_refused_before_the_run(tmp_path: Path) -> None:
    """Permission bits say yes to root, and /sys or a read-only mount still refuse the
    file: only making one tells. The output was refused after the whole run, as an
    internal error."""
    folder = _unwritable_folder()
    problem = output_problem(f"{folder}/results.json")
    assert problem is not None and problem.startswith(f"cannot create files in the folder {folder}")
    (tmp_path / "tiny.journey").write_text(TINY)
    done = run_cli("simulate", str(tmp_path / "tiny.journey"), "-n", "1", "-j", "1", "-o",
                   f"{folder}/results.json")  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert b"cannot create files in the folder" in done.stderr
    assert b"internal error" not in done.stderr
