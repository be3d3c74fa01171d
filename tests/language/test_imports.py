"""`use` lines: persona libraries, safe paths, merging rules."""

from __future__ import annotations

import os
from pathlib import Path

from cxjourney import load

LIBRARY = """\
persona digital "Digital" {
  share 55%
  visits every 30 days
}

persona classic {
  share 45%
}

loyalty {
  negativity 2.25
  noise 1
}
"""

JOURNEY = """\
use "personas/lib.journey"

journey "Uses" {
  stage s {
    touchpoint t { }
  }
  loyalty {
    noise 0.5
  }
}
"""


def write(tmp_path: Path, journey: str = JOURNEY, library: str = LIBRARY) -> Path:
    (tmp_path / "personas").mkdir(exist_ok=True)
    (tmp_path / "personas" / "lib.journey").write_text(library)
    path = tmp_path / "j.journey"
    path.write_text(journey)
    return path


def messages(path: Path) -> list[tuple[str, int, int, str]]:
    loaded = load(str(path))
    return [(Path(d.file).name, d.line, d.column, d.message) for d in loaded.diagnostics]


def test_personas_and_loyalty_are_merged(tmp_path: Path) -> None:
    loaded = load(str(write(tmp_path)))
    assert loaded.ok, loaded.diagnostics
    j = loaded.journey
    assert [p.id for p in j.personas] == ["digital", "classic"]
    assert j.loyalty.negativity == 2.25
    assert j.loyalty.noise == 0.5  # the journey's own key wins
    assert j.uses == ("personas/lib.journey",)


def test_library_file_checks_on_its_own(tmp_path: Path) -> None:
    write(tmp_path, library=LIBRARY.replace("45%", "10%"))
    loaded = load(str(tmp_path / "personas" / "lib.journey"))
    assert loaded.ok and loaded.library is not None and loaded.journey is None


def test_missing_used_file(tmp_path: Path) -> None:
    path = write(tmp_path, JOURNEY.replace("lib.journey", "nope.journey"))
    assert ("j.journey", 1, 5, 'cannot find the used file "personas/nope.journey"') in messages(
        path
    )


def test_used_path_may_not_escape(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    write(tmp_path)
    path = inner / "j.journey"
    path.write_text(JOURNEY.replace("personas/lib.journey", "../personas/lib.journey"))
    found = messages(path)
    assert any("outside the directory" in m for *_, m in found)


def test_symlink_escaping_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "lib.journey").write_text(LIBRARY)
    inner = tmp_path / "inner"
    inner.mkdir()
    os.symlink(outside / "lib.journey", inner / "lib.journey")
    path = inner / "j.journey"
    path.write_text(JOURNEY.replace("personas/lib.journey", "lib.journey"))
    assert any("outside the directory" in m for *_, m in messages(path))


def test_persona_defined_twice(tmp_path: Path) -> None:
    journey = JOURNEY.replace("  stage s {", "  persona classic {\n    share 45%\n  }\n  stage s {")
    found = messages(write(tmp_path, journey))
    assert any(ln == 4 and "already defined in" in m for _, ln, _, m in found)


def test_used_file_may_not_use(tmp_path: Path) -> None:
    found = messages(write(tmp_path, library='use "x.journey"\n' + LIBRARY))
    assert any(f == "lib.journey" and "may not itself 'use'" in m for f, _, _, m in found)


def test_two_libraries_setting_one_key(tmp_path: Path) -> None:
    write(tmp_path)
    (tmp_path / "personas" / "more.journey").write_text("loyalty {\n  noise 2\n}\n")
    path = tmp_path / "j.journey"
    path.write_text('use "personas/more.journey"\n' + JOURNEY)
    found = messages(path)
    assert any("set by two used files" in m for *_, m in found)


def test_errors_in_used_file_point_at_it(tmp_path: Path) -> None:
    found = messages(write(tmp_path, library=LIBRARY.replace("share 45%", "share 145%")))
    assert ("lib.journey", 7, 9, "share must be between 0% and 100%, got 145%") in found


def test_use_after_journey(tmp_path: Path) -> None:
    found = messages(
        write(
            tmp_path,
            JOURNEY.replace('use "personas/lib.journey"\n', "") + 'use "personas/lib.journey"\n',
        )
    )
    assert any("must come first" in m for *_, m in found)
