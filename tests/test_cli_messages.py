"""What the command line says when a user goes wrong: the valid scenarios, the nearest
word to a typo, help that describes only what the command does, and one line for a
defect of the tool."""

from __future__ import annotations

import pytest

from tests.conftest import OVERLOADED, run_cli


@pytest.mark.parametrize("command", ["simulate", "compare", "render", "report"])
def test_an_unknown_scenario_lists_the_valid_ones(shop: str, command: str) -> None:
    extra = ["--simulate"] if command == "render" else []
    done = run_cli(command, shop, *extra, "--scenario", "nosuch", "-o", "-")
    err = done.stderr.decode()
    assert done.returncode == 2 and "(its scenarios: better, best)" in err, err


def test_typos_on_the_command_line_name_the_nearest_word(tmp_path) -> None:
    path = tmp_path / "food.journey"
    path.write_text(OVERLOADED)
    unit = run_cli("simulate", str(path), "--horizon", "12 wks")
    assert unit.returncode == 2 and b"did you mean 'weeks'?" in unit.stderr
    command = run_cli("simulat", str(path))
    assert command.returncode == 2 and b"Did you mean 'simulate'?" in command.stderr


def test_drivers_help_does_not_describe_roi() -> None:
    out = run_cli("drivers", "--help").stdout.decode()
    assert "roi" not in out.lower()
    assert "roi" in run_cli("compare", "--help").stdout.decode()


def test_a_defect_of_the_tool_is_one_line_and_exit_1(tmp_path, monkeypatch) -> None:
    """Whatever goes wrong inside, the user sees one line, never a traceback."""
    import subprocess
    import sys

    code = (
        "import cxjourney.cli.check as c\n"
        "def boom(*a, **k):\n    raise RuntimeError('boom')\n"
        "c.load_input = boom\n"
        "from cxjourney.cli import main\nmain(['check', 'x.journey'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=tmp_path)
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"internal error: RuntimeError: boom" in result.stderr
