"""Graphviz's dot, run as a subprocess: stopped when it hangs, its SVG refused when cut
short."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write
from tests.render.conftest import LOYAL


def fake_dot(tmp_path: Path, body: str) -> str:
    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "dot"
    program.write_text("#!/bin/sh\n" + body)
    program.chmod(0o755)
    return str(folder)


def test_render_stops_a_hung_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cxjourney import load
    from cxjourney.render import dot

    journey = load(write(tmp_path, LOYAL))
    folder = fake_dot(tmp_path, "cat > /dev/null\nexec sleep 30\n")
    monkeypatch.setenv("PATH", folder + os.pathsep + os.environ["PATH"])
    monkeypatch.setattr(dot, "DOT_TIMEOUT", 1.0)
    started = time.monotonic()
    with pytest.raises(dot.GraphvizFailed, match="did not finish within 1 s"):
        dot.draw(dot.journey_map(journey.journey, journey.graph), "svg")
    assert time.monotonic() - started < 10


def test_render_refuses_a_truncated_svg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cxjourney import load
    from cxjourney.render import dot

    journey = load(write(tmp_path, LOYAL))
    folder = fake_dot(tmp_path, "cat > /dev/null\nprintf '<svg><g>'\n")
    monkeypatch.setenv("PATH", folder + os.pathsep + os.environ["PATH"])
    with pytest.raises(dot.GraphvizFailed, match="incomplete SVG"):
        dot.draw(dot.journey_map(journey.journey, journey.graph), "svg")
    env_path = folder
    done = subprocess.run(
        [sys.executable, "-m", "cxjourney", "render", write(tmp_path, LOYAL), "-o", "m.svg"],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PATH": env_path + os.pathsep + os.environ["PATH"]},  # patched
        timeout=60,
    )
    assert done.returncode == 1 and b"incomplete SVG" in done.stderr
    assert not (tmp_path / "m.svg").exists()
