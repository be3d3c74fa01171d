"""The VS Code extension: a valid manifest whose commands the code registers and runs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.conftest import JOURNEYS, ROOT, run_cli

VSCODE = ROOT / "editors" / "vscode"
MANIFEST = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
CODE = (VSCODE / MANIFEST["main"]).read_text(encoding="utf-8")


def test_every_command_is_registered_and_every_registration_declared() -> None:
    declared = {c["command"] for c in MANIFEST["contributes"]["commands"]}
    registered = set(re.findall(r'registerCommand\("([\w.]+)"', CODE))
    assert (
        declared
        == registered
        == {
            "cxjourney.preview",
            "cxjourney.previewSimulation",
            "cxjourney.restartServer",
        }
    )


def test_it_starts_the_server_and_renders_with_the_cli() -> None:
    assert 'args: ["lsp"]' in CODE
    assert '["render", document.fileName, "-o", "-"]' in CODE
    assert '"--simulate", "-n"' in CODE
    assert MANIFEST["activationEvents"] == ["onLanguage:journey"]
    assert "vscode-languageclient" in MANIFEST["dependencies"]
    settings = MANIFEST["contributes"]["configuration"]["properties"]
    assert set(settings) == {"cxjourney.command", "cxjourney.preview.replications"}
    [grammar] = MANIFEST["contributes"]["grammars"]
    assert (VSCODE / grammar["path"]).is_file()


def test_the_preview_reads_what_render_prints() -> None:
    """The preview cuts the SVG element out of `render -o -`; check that it is there."""
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    result = run_cli("render", str(JOURNEYS / "clinic_visit.journey"), "-o", "-")
    assert result.returncode == 0
    assert b"<svg" in result.stdout and result.stdout.rstrip().endswith(b"</svg>")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_code_is_valid_javascript() -> None:
    done = subprocess.run(["node", "--check", str(VSCODE / MANIFEST["main"])], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_preview_draws_the_map_and_redraws_on_save(tmp_path) -> None:
    """The extension's own code, run by node against stand-ins for the VS Code API."""
    import os
    import sys

    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    shim = tmp_path / "cxjourney"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cxjourney "$@"\n')
    shim.chmod(0o755)
    journey = tmp_path / "clinic.journey"
    journey.write_text(
        (JOURNEYS / "clinic_visit.journey").read_text().replace("horizon", "horizon 2 weeks #")
    )
    stub = ROOT / "tests" / "lsp" / "vscode_stub"
    done = subprocess.run(
        [
            "node",
            str(stub / "run_preview.js"),
            str(journey),
            str(shim),
            str(VSCODE / "extension.js"),
        ],
        capture_output=True,
        env={**os.environ, "NODE_PATH": str(stub / "node_modules"), "PYTHONPATH": str(ROOT)},
        timeout=240,
    )
    assert done.returncode == 0, done.stderr.decode()
    shown = json.loads(done.stdout)
    assert shown["server"] == {"command": str(shim), "args": ["lsp"]}
    assert shown["selector"] == [{"language": "journey"}]
    assert shown["title"] == "Map: clinic.journey" and shown["panels"] == 1
    for html in (shown["first"], shown["afterSave"]):
        assert "<svg" in html and "</svg>" in html and "redrawn on save" in html
    assert shown["draws"] == 6  # "drawing" and the map, three times
    assert "quick simulation, 2 replications" in shown["simulated"]
    assert "<svg" in shown["simulated"]
