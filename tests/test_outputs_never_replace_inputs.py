"""An output never replaces an input of the same command, however the two are spelled.

Every command that reads files and writes files refuses, before any work, an output
that is one of its inputs (the same name, a symbolic link, a hard link, the file on
stdin, a file a journey `use`s) or another of its outputs: exit 2, one line
`cxjourney: error: ...` naming the path, and every file as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    touchpoint u { }
  }
  scenario better "Better" {
    cost 1000
    t.delivers += 0.5
  }
}
"""

USING = """\
use "people.journey"

journey "Using" {
  customers 5
  horizon 1 week
  stage s {
    touchpoint t { }
  }
}
"""

PEOPLE = """\
persona p {
  share 100%
}
"""

LOG = """\
case,activity,timestamp,customer
c1,t,2024-01-01T10:00:00,a
c1,u,2024-01-01T10:05:00,a
c2,t,2024-01-02T10:00:00,b
c2,u,2024-01-02T10:07:00,b
c3,t,2024-01-03T10:00:00,c
c4,t,2024-01-04T10:00:00,d
c4,u,2024-01-04T10:03:00,d
"""

MERMAID = """\
journey
  title Onboarding
  section Sign up
    Fill the form: 3: Customer
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "tiny.journey").write_text(TINY, encoding="utf-8")
    (tmp_path / "using.journey").write_text(USING, encoding="utf-8")
    (tmp_path / "people.journey").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "log.csv").write_text(LOG, encoding="utf-8")
    (tmp_path / "map.csv").write_text("activity,touchpoint\nt,t\nu,u\n", encoding="utf-8")
    (tmp_path / "survey.csv").write_text("customer,nps\na,9\nb,3\n", encoding="utf-8")
    (tmp_path / "results.json").write_text("{}", encoding="utf-8")
    (tmp_path / "onboarding.mmd").write_text(MERMAID, encoding="utf-8")
    return tmp_path


def _contents(folder: Path) -> dict[str, bytes]:
    files = [p for p in sorted(folder.iterdir()) if p.is_file() and not p.is_symlink()]
    return {p.name: p.read_bytes() for p in files}


def _refused(folder: Path, *args: str, says: str, stdin: Path | None = None) -> None:
    before = _contents(folder)
    if stdin is None:
        done = run_cli(*args, cwd=folder)
    else:  # stdin is the file itself, as `< log.csv` makes it
        with stdin.open("rb") as handle:
            command = [sys.executable, "-m", "cxjourney", *args]
            done = subprocess.run(command, stdin=handle, capture_output=True, cwd=folder)
    err = done.stderr.decode()
    assert done.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cxjourney: error: "), err
    assert says in lines[0], err
    assert _contents(folder) == before  # nothing replaced, nothing added


SIM = ("-n", "1", "-j", "1")

# (arguments, the path the message names)
SAME_NAME = [
    (("discover", "log.csv", "-o", "log.csv"), "log.csv"),
    (("calibrate", "tiny.journey", "log.csv", "-o", "log.csv"), "log.csv"),
    (("calibrate", "tiny.journey", "log.csv", "-o", "tiny.journey"), "tiny.journey"),
    (("calibrate", "tiny.journey", "log.csv", "--mapping", "map.csv", "-o", "map.csv"), "map.csv"),
    (("calibrate", "tiny.journey", "log.csv", "--outcomes", "survey.csv", "-o", "survey.csv"),
     "survey.csv"),
    (("conform", "tiny.journey", "log.csv", "-o", "tiny.journey"), "tiny.journey"),
    (("conform", "tiny.journey", "log.csv", "-o", "log.csv"), "log.csv"),
    (("backtest", "tiny.journey", "log.csv", "--split", "0.5", "--calibrated", "log.csv"),
     "log.csv"),
    (("backtest", "tiny.journey", "log.csv", "--split", "0.5", "-o", "tiny.journey"),
     "tiny.journey"),
    (("simulate", "tiny.journey", *SIM, "-o", "tiny.journey"), "tiny.journey"),
    (("simulate", "tiny.journey", *SIM, "--events", "tiny.journey"), "tiny.journey"),
    (("compare", "tiny.journey", *SIM, "-o", "tiny.journey"), "tiny.journey"),
    (("drivers", "tiny.journey", *SIM, "-o", "tiny.journey"), "tiny.journey"),
    (("optimize", "tiny.journey", "--budget", "5k", *SIM, "-o", "tiny.journey"), "tiny.journey"),
    (("render", "tiny.journey", "--format", "dot", "-o", "tiny.journey"), "tiny.journey"),
    (("render", "tiny.journey", "--results", "results.json", "-o", "results.json",
      "--format", "dot"), "results.json"),
    (("report", "tiny.journey", "--results", "results.json", "-o", "results.json"),
     "results.json"),
    (("report", "tiny.journey", *SIM, "-o", "tiny.journey"), "tiny.journey"),
    (("export", "tiny.journey", "-o", "tiny.journey"), "tiny.journey"),
    (("import", "onboarding.mmd", "-o", "onboarding.mmd"), "onboarding.mmd"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "path"), SAME_NAME, ids=[" ".join(a) for a, _ in SAME_NAME])
def test_an_output_named_as_an_input_is_refused(files: Path, args: tuple, path: str) -> None:
    _refused(files, *args, says=path)


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "dotted"])
def test_the_same_file_under_another_name_is_refused(files: Path, kind: str) -> None:
    other = files / "other.csv"
    if kind == "symlink":
        other.symlink_to(files / "log.csv")
    elif kind == "hardlink":
        os.link(files / "log.csv", other)
    else:
        (files / "sub").mkdir()
        other = files / "sub" / ".." / "log.csv"
    _refused(files, "discover", "log.csv", "-o", str(other), says="log.csv")
    _refused(files, "calibrate", "tiny.journey", "log.csv", "-o", str(other), says="log.csv")


def test_the_file_on_stdin_is_an_input(files: Path) -> None:
    _refused(files, "discover", "-", "-o", "log.csv", says="stdin", stdin=files / "log.csv")


def test_a_used_persona_library_is_an_input(files: Path) -> None:
    _refused(files, "simulate", "using.journey", *SIM, "-o", "people.journey", says="people")
    _refused(files, "export", "using.journey", "-o", "people.journey", says="people")


def test_two_outputs_may_not_be_one_file(files: Path) -> None:
    _refused(
        files, "backtest", "tiny.journey", "log.csv", "--split", "0.5",
        "-o", "out.journey", "--calibrated", "./out.journey", says="same file",
    )  # fmt: skip
    _refused(
        files, "simulate", "tiny.journey", *SIM, "-o", "out.csv", "--events", "out.csv",
        says="same file",
    )  # fmt: skip


def test_outputs_elsewhere_and_devices_still_work(files: Path) -> None:
    done = run_cli("discover", "log.csv", "-o", "found.journey", cwd=files)
    assert done.returncode == 0, done.stderr.decode()
    done = run_cli(
        "simulate", "tiny.journey", *SIM, "-o", "/dev/null", "--events", "/dev/null", cwd=files
    )
    assert done.returncode == 0, done.stderr.decode()


@pytest.mark.parametrize("where", ["missing/train.journey", "."])
def test_a_bad_calibrated_path_is_refused_before_the_run(files: Path, where: str) -> None:
    before = _contents(files)
    done = run_cli(
        "backtest", "tiny.journey", "log.csv", "--split", "0.5", "--calibrated", where, cwd=files
    )
    err = done.stderr.decode()
    assert done.returncode == 2 and "--calibrated" in err, err
    assert "internal error" not in err and done.stdout == b""
    assert _contents(files) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind root")
def test_a_read_only_folder_for_calibrated_is_refused_before_the_run(files: Path) -> None:
    locked = files / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        done = run_cli(
            "backtest", "tiny.journey", "log.csv", "--split", "0.5",
            "--calibrated", "locked/train.journey", cwd=files,
        )  # fmt: skip
    finally:
        locked.chmod(0o700)
    err = done.stderr.decode()
    assert done.returncode == 2 and "--calibrated" in err and "permission denied" in err, err


def test_an_import_into_the_folder_of_its_diagram_is_refused(files: Path) -> None:
    """The diagram is named as its import would be: the import would replace it."""
    (files / "onboarding.journey").write_text(MERMAID, encoding="utf-8")
    _refused(
        files, "import", "onboarding.journey", "--from", "mermaid", "-o", "./",
        says="onboarding.journey",
    )  # fmt: skip


def test_without_graphviz_the_dot_fallback_never_replaces_the_journey(files: Path) -> None:
    """`render map.dot -o map.svg` falls back to map.dot: the journey's own file."""
    journey = files / "map.dot"
    journey.write_text(TINY, encoding="utf-8")
    empty = files / "empty-bin"
    empty.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "cxjourney", "render", "map.dot", "-o", "map.svg"],
        capture_output=True,
        cwd=files,
        env={**os.environ, "PATH": str(empty)},
    )
    assert done.returncode == 1, done.stderr.decode()
    assert journey.read_text(encoding="utf-8") == TINY
    assert done.stdout.startswith(b"digraph") and b"printed instead" in done.stderr
