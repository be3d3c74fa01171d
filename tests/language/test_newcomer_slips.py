"""Slips a newcomer makes in a first journey: each gets one clear error and a hint that
says what to write, never a cascade of errors that are only artefacts of the first."""

from __future__ import annotations

from pathlib import Path

from cxjourney.starter import starter_journey
from tests.conftest import load_text, run_cli


def diagnostics(text: str) -> list[tuple[int, int, str, str]]:
    loaded = load_text(text)
    return [(d.line, d.column, d.message, d.hint) for d in loaded.diagnostics]


# ---- init ------------------------------------------------------------------------------
def test_init_comments_name_the_path_the_file_was_written_to(tmp_path: Path) -> None:
    done = run_cli("init", "maps", "--name", "coffee", cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    text = (tmp_path / "maps" / "coffee.journey").read_text()
    assert "#   cxjourney check maps/coffee.journey" in text
    assert "#   cxjourney simulate maps/coffee.journey" in text
    assert run_cli("check", "maps/coffee.journey", cwd=tmp_path).returncode == 0


def test_the_starter_for_no_file_of_its_own_names_no_path() -> None:
    text = starter_journey(None)
    assert "#   cxjourney check FILE" in text
    assert "cxjourney check 'my maps/a.journey'" in starter_journey("my maps/a.journey")
    assert "cxjourney check FILE" in starter_journey("bad\nname.journey")
