"""Commands that do not simulate start without the compiler: numba stays unimported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import JOURNEYS, ROOT

PROBE = """
import atexit, sys
atexit.register(lambda: sys.stderr.write("numba imported: %s\\n" % ("numba" in sys.modules)))
from cxjourney.cli import main
sys.argv = ["cxjourney", *sys.argv[1:]]
main()
"""


def imports_numba(*args: str) -> bool:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith("numba imported: ")]
    assert lines, done.stderr
    return lines[-1].endswith("True")


COFFEE = str(JOURNEYS / "coffee_shop.journey")
HOTEL = str(JOURNEYS / "hotel_stay.journey")


@pytest.mark.parametrize(
    "args",
    [
        ("check", COFFEE),
        ("fmt", "--check", COFFEE),
        ("export", COFFEE),
        ("diff", COFFEE, HOTEL),
        ("lsp",),
    ],
    ids=lambda a: a[0],
)
def test_commands_that_do_not_simulate_leave_numba_alone(args: tuple[str, ...]) -> None:
    assert not imports_numba(*args)


def test_init_leaves_numba_alone(tmp_path: Path) -> None:
    assert not imports_numba("init", str(tmp_path / "new.journey"))


def test_simulate_imports_numba_when_installed() -> None:
    pytest.importorskip("numba")
    assert imports_numba("simulate", COFFEE, "-n", "1", "--horizon", "1 day", "--quiet")
