"""`cxjourney studio`'s refusals: exit 2 and a sentence, before anything listens."""

from __future__ import annotations

import importlib.util

from click.testing import CliRunner

from cxjourney.cli import main
from cxjourney.cli import studio as studio_command
from tests.conftest import run_cli


def test_another_address_needs_allow_remote(tmp_path):
    done = run_cli("studio", str(tmp_path), "--host", "0.0.0.0", "--no-browser")
    assert done.returncode == 2
    assert b"add --allow-remote to mean it" in done.stderr
    assert b"Traceback" not in done.stderr


def test_a_missing_folder_is_named(tmp_path):
    result = CliRunner().invoke(main, ["studio", str(tmp_path / "nowhere"), "--no-browser"])
    assert result.exit_code == 2
    assert "is not a folder" in result.output


def test_without_the_extra_it_says_how_to_install_it(tmp_path, monkeypatch):
    real = importlib.util.find_spec

    def without_starlette(name, *args):
        return None if name == "starlette" else real(name, *args)

    monkeypatch.setattr(studio_command.importlib.util, "find_spec", without_starlette)
    result = CliRunner().invoke(main, ["studio", str(tmp_path), "--no-browser"])
    assert result.exit_code == 2
    assert "pip install 'cxjourney[studio]'" in result.output


def test_a_port_in_use_is_an_input_error(tmp_path):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = str(taken.getsockname()[1])
        result = CliRunner().invoke(main, ["studio", str(tmp_path), "--port", port, "--no-browser"])
    finally:
        taken.close()
    assert result.exit_code == 2
    assert "cannot listen on 127.0.0.1" in result.output
