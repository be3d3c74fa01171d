"""The language server reads from disk only what `check` would read: a regular file of at
most 5 MB inside the project. Devices, FIFOs and the server's own stdin are never opened:
`/dev/zero` never ends, and a FIFO or stdin waits for a writer for ever."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.lsp.client import LspClient, position_of

pytest.importorskip("pygls")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")

#: Each answer comes at once; reading one of these files would take minutes or for ever.
QUICK = 10.0  # well under a second in fact; the slack is for loaded machines

USES = [
    "/dev/zero",
    "/dev/stdin",
    "../../../../../../../../dev/zero",
    "../../../../../../../../dev/stdin",
    "pipe.journey",
    "zero.journey",
    "stdin.journey",
    "big.journey",
]

JOURNEY = (
    "\n".join(f'use "{u}"' for u in USES)
    + """

journey "Hostile uses" {
  persona local { share 100% }
  stage s {
    touchpoint a { }
  }
  flow {
    start -> a
    a -> end for guest
  }
}
"""
)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    os.mkfifo(root / "pipe.journey")  # found by the workspace scan too
    (root / "zero.journey").symlink_to("/dev/zero")
    (root / "stdin.journey").symlink_to("/dev/stdin")
    (root / "big.journey").write_bytes(b"# " + b"x" * (6 * 1024 * 1024))
    (root / "main.journey").write_text(JOURNEY, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def client(root: Path):
    started = LspClient(root)
    yield started
    started.close()


def test_navigation_never_reads_a_device_a_fifo_or_stdin(client: LspClient, root: Path) -> None:
    uri = client.open(root / "main.journey")
    line, column = position_of(JOURNEY, "guest")
    assert client.at("textDocument/definition", uri, line, column, timeout=QUICK) == []
    assert client.at("textDocument/hover", uri, line, column, timeout=QUICK) is not None
    found = client.at(
        "textDocument/references",
        uri,
        line,
        column,
        timeout=QUICK,
        context={"includeDeclaration": True},
    )
    assert {f["uri"] for f in found} == {uri}
    for number, used in enumerate(USES):  # a `use` line leads nowhere check would not go
        if used != "big.journey":  # a regular file: the editor may open it
            assert client.at("textDocument/definition", uri, number, 6, timeout=QUICK) == []


def test_diagnostics_refuse_what_check_refuses(client: LspClient, root: Path) -> None:
    """Opens the file itself: on several workers, it may run before or apart from the
    test above in a server of its own."""
    uri = client.open(root / "main.journey")
    messages = [d["message"] for d in client.diagnostics(uri)]
    for expected in (
        "'use' needs a relative path",
        '"../../../../../../../../dev/zero" is outside the directory',
        '"pipe.journey" is not a file',
        '"zero.journey" is outside the directory',
        '"big.journey" is larger than 5 MB',
    ):
        assert any(expected in m for m in messages), (expected, messages)


@pytest.mark.parametrize("name", ["/dev/zero", "/dev/stdin", "pipe.journey", "zero.journey"])
def test_requests_about_files_never_opened_read_nothing_hostile(
    client: LspClient, root: Path, name: str
) -> None:
    target = Path(name) if name.startswith("/") else root / name
    uri = target.as_uri()
    document = {"textDocument": {"uri": uri}}
    assert client.request("textDocument/documentSymbol", document, timeout=QUICK) == []
    assert client.at("textDocument/hover", uri, 0, 0, timeout=QUICK) is None
