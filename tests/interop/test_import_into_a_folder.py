"""`cxjourney import ... -o DIR` never replaces a journey already there unless asked, and
writes all of its files or none."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxjourney import load
from cxjourney.interop import folder
from tests.interop.commands import invoke
from tests.interop.test_import_command import SEVERAL

EDITED = "# a journey someone has been editing\n"


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "journeys.md"
    path.write_text(SEVERAL, encoding="utf-8")
    return path


def test_a_journey_of_the_same_name_is_kept_and_nothing_is_written(
    tmp_path: Path, doc: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "onboarding-2.journey").write_text(EDITED, encoding="utf-8")
    result = invoke("import", str(doc), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert str(out / "onboarding-2.journey") in result.stderr and "--force" in result.stderr
    assert (out / "onboarding-2.journey").read_text(encoding="utf-8") == EDITED
    assert sorted(p.name for p in out.iterdir()) == ["onboarding-2.journey"]


def test_force_replaces_them(tmp_path: Path, doc: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "onboarding.journey").write_text(EDITED, encoding="utf-8")
    result = invoke("import", str(doc), "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["journey-3.journey", "onboarding-2.journey", "onboarding.journey"]
    assert all(load(str(p)).ok for p in out.iterdir())


def test_a_link_of_the_same_name_is_not_followed(tmp_path: Path, doc: Path) -> None:
    (tmp_path / "onboarding.journey").symlink_to(tmp_path / "elsewhere.journey")
    result = invoke("import", str(doc), "-o", str(tmp_path) + "/")
    assert result.exit_code == 2 and "onboarding.journey exists" in result.stderr
    assert not (tmp_path / "elsewhere.journey").exists()


def test_even_force_never_replaces_the_diagram_it_reads(tmp_path: Path) -> None:
    source = tmp_path / "onboarding.journey"  # a Mermaid file, named as its import would be
    text = "journey\n  title Onboarding\n  section S\n    Sign up: 3: Customer\n"
    source.write_text(text, encoding="utf-8")
    result = invoke("import", str(source), "--from", "mermaid", "-o", f"{tmp_path}/", "--force")
    assert result.exit_code == 2, result.output
    assert "is an input of this command" in result.stderr
    assert source.read_text(encoding="utf-8") == text


def test_the_files_are_written_all_or_none(tmp_path: Path, monkeypatch) -> None:
    """A failure while writing the second file leaves the first as it was."""
    import cxjourney.output as output

    first = tmp_path / "onboarding.journey"
    first.write_text(EDITED, encoding="utf-8")
    real = output._stage
    calls = []

    def failing(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(output, "_stage", failing)
    journeys = [("Onboarding", "new one\n"), ("Other", "new two\n")]
    with pytest.raises(folder.FolderError, match="No space left"):
        folder.write_journeys(tmp_path, journeys, force=True)
    assert first.read_text(encoding="utf-8") == EDITED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["onboarding.journey"]


def test_the_help_names_force() -> None:
    assert "--force" in invoke("import", "--help").output
