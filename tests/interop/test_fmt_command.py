"""`cxjourney fmt`: in place and atomic, --check and --diff for CI, stdin, errors."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from cxjourney import load
from cxjourney.language.diagnostics import render
from tests.conftest import JOURNEYS
from tests.interop.commands import invoke, run

UGLY = """journey "T" {
\thorizon 2weeks
  persona p {
      share 100%
  }
  stage s {
    touchpoint t {  }
  }
}
"""
PRETTY = """journey "T" {
  horizon 2 weeks
  persona p {
    share 100%
  }
  stage s {
    touchpoint t { }
  }
}
"""
BROKEN = 'journey "T" {\n  horizon 2 weeks\n  expectt 4\n}\n'


def files(tmp_path: Path, **texts: str) -> dict[str, Path]:
    paths = {}
    for name, text in texts.items():
        path = tmp_path / f"{name}.journey"
        path.write_bytes(text.encode("utf-8"))
        paths[name] = path
    return paths


def test_formats_files_in_place_and_leaves_formatted_ones_alone(tmp_path: Path) -> None:
    paths = files(tmp_path, ugly=UGLY, pretty=PRETTY)
    before = paths["pretty"].stat()
    result = invoke("fmt", str(paths["ugly"]), str(paths["pretty"]))
    assert result.exit_code == 0
    assert paths["ugly"].read_text() == PRETTY
    after = paths["pretty"].stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert f"reformatted {paths['ugly']}" in result.stderr
    assert "1 file reformatted, 1 file left unchanged" in result.stderr
    assert result.stdout == ""


def test_writes_are_atomic_and_keep_the_mode(tmp_path: Path) -> None:
    paths = files(tmp_path, ugly=UGLY)
    os.chmod(paths["ugly"], 0o640)
    link = tmp_path / "link.journey"
    link.symlink_to(paths["ugly"])
    assert invoke("fmt", str(link)).exit_code == 0
    assert link.is_symlink() and paths["ugly"].read_text() == PRETTY
    assert stat.S_IMODE(paths["ugly"].stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.journey", "ugly.journey"]


def test_check_lists_what_would_change_and_exits_1(tmp_path: Path) -> None:
    paths = files(tmp_path, ugly=UGLY, pretty=PRETTY)
    result = invoke("fmt", "--check", str(paths["ugly"]), str(paths["pretty"]))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"would reformat {paths['ugly']}",
        "1 file would be reformatted, 1 file already formatted",
    ]
    assert paths["ugly"].read_text() == UGLY
    assert invoke("fmt", "--check", str(paths["pretty"])).exit_code == 0


def test_check_counts_crlf_and_a_byte_order_mark_as_changes(tmp_path: Path) -> None:
    paths = files(tmp_path, crlf=PRETTY.replace("\n", "\r\n"), bom="\ufeff" + PRETTY)
    result = invoke("fmt", "--check", str(paths["crlf"]), str(paths["bom"]))
    assert result.exit_code == 1
    assert "2 files would be reformatted" in result.stderr


def test_diff_prints_a_unified_diff_and_writes_nothing(tmp_path: Path) -> None:
    paths = files(tmp_path, ugly=UGLY)
    result = invoke("fmt", "--diff", str(paths["ugly"]))
    assert result.exit_code == 1
    name = str(paths["ugly"])
    assert result.stdout.startswith(f"--- {name} (original)\n+++ {name} (formatted)\n@@ ")
    assert "-\thorizon 2weeks\n+  horizon 2 weeks\n" in result.stdout
    assert paths["ugly"].read_text() == UGLY


def test_stdin_to_stdout() -> None:
    result = invoke("fmt", "-", input=UGLY)
    assert result.exit_code == 0
    assert result.stdout == PRETTY
    assert result.stderr == ""  # a filter: no "1 file reformatted" (no file was written)
    check = invoke("fmt", "--check", "-", input=UGLY)
    assert check.exit_code == 1 and check.stdout == ""
    assert "would reformat <stdin>" in check.stderr


def test_a_file_that_does_not_parse_is_reported_as_check_does_and_left_alone(
    tmp_path: Path,
) -> None:
    paths = files(tmp_path, broken=BROKEN, ugly=UGLY)
    result = invoke("fmt", str(paths["broken"]), str(paths["ugly"]))
    assert result.exit_code == 2
    assert paths["broken"].read_text() == BROKEN
    assert paths["ugly"].read_text() == PRETTY  # the others are still formatted
    loaded = load(str(paths["broken"]))
    syntax = [d for d in loaded.diagnostics if d.line == 3]
    assert render(syntax[0], BROKEN) in result.stderr
    assert "1 file with errors" in result.stderr


def test_unreadable_and_non_utf8_files_exit_2(tmp_path: Path) -> None:
    latin = tmp_path / "latin.journey"
    latin.write_bytes('journey "Café" {\n}\n'.encode("latin-1"))
    result = invoke("fmt", str(latin), str(tmp_path / "missing.journey"))
    assert result.exit_code == 2
    assert "not UTF-8" in result.stderr and "cannot read the file" in result.stderr


def test_directories_are_searched_for_journey_files(tmp_path: Path) -> None:
    (tmp_path / "maps" / "deep").mkdir(parents=True)
    (tmp_path / "maps" / ".hidden").mkdir()
    files(tmp_path / "maps", a=UGLY)
    files(tmp_path / "maps" / "deep", b=UGLY)
    files(tmp_path / "maps" / ".hidden", c=UGLY)
    (tmp_path / "maps" / "notes.txt").write_text(UGLY)
    result = invoke("fmt", "--check", str(tmp_path / "maps"))
    assert result.exit_code == 1
    listed = [line for line in result.stderr.splitlines() if line.startswith("would")]
    assert listed == [
        f"would reformat {tmp_path / 'maps' / 'a.journey'}",
        f"would reformat {tmp_path / 'maps' / 'deep' / 'b.journey'}",
    ]


def test_quiet_prints_nothing_but_errors(tmp_path: Path) -> None:
    paths = files(tmp_path, ugly=UGLY)
    result = invoke("fmt", "--quiet", "--check", str(paths["ugly"]))
    assert result.exit_code == 1 and result.output == ""


def test_in_a_subprocess(tmp_path: Path) -> None:
    paths = files(tmp_path, ugly=UGLY)
    checked = run("fmt", "--check", str(paths["ugly"]))
    assert checked.returncode == 1, checked.stderr.decode()
    done = run("fmt", str(paths["ugly"]))
    assert done.returncode == 0, done.stderr.decode()
    assert paths["ugly"].read_text() == PRETTY
    assert run("fmt", "--check", str(paths["ugly"])).returncode == 0
    piped = run("fmt", "-", input=UGLY.encode())
    assert piped.stdout.decode() == PRETTY


def test_a_formatter_bug_leaves_the_file_alone_and_exits_1(tmp_path: Path, monkeypatch) -> None:
    from cxjourney.language import fmt as formatter

    paths = files(tmp_path, ugly=UGLY)
    monkeypatch.setattr(formatter, "_unit", lambda word, plural: "s")  # every unit a second
    result = invoke("fmt", str(paths["ugly"]))
    assert result.exit_code == 1
    assert "was left alone: the formatted text builds a different model" in result.stderr
    assert paths["ugly"].read_text() == UGLY


def test_every_journey_of_the_repository_formats_cleanly(tmp_path: Path) -> None:
    copy = tmp_path / "journeys"
    shutil.copytree(JOURNEYS, copy)
    result = invoke("fmt", str(copy))
    assert result.exit_code == 0, result.stderr
    assert "error" not in result.stderr
    assert invoke("fmt", "--check", str(copy)).exit_code == 0
    for path in sorted(copy.glob("*.journey")):
        assert load(str(path)).ok, path.name
