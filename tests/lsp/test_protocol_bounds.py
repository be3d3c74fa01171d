"""The language server over stdio when its input is hostile or huge: it refuses what is
too large, answers every request it cannot handle with a JSON-RPC error, never dies,
and exits as the LSP says (0 after `shutdown`, 1 without)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from cxjourney.lsp.project import MAX_DOCUMENT_CHARS
from cxjourney.lsp.transport import MAX_MESSAGE_BYTES
from tests.lsp.client import LspClient

pytest.importorskip("pygls")

QUICK = 10.0  # answers come in well under a second; the slack is for loaded machines

SMALL = """\
journey "Small" {
  persona p { share 100% }
  stage s {
    touchpoint a { }
  }
  flow {
    start -> a
    a -> end
  }
}
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bounds")


@pytest.fixture(scope="module")
def client(root: Path):
    started = LspClient(root)
    yield started
    started.close()


def body(message: dict) -> bytes:
    return json.dumps(message).encode()


def framed(data: bytes, length: int | str | None = None) -> bytes:
    return (
        b"Content-Length: %s\r\n\r\n" % str(len(data) if length is None else length).encode() + data
    )


def still_serving(client: LspClient, root: Path) -> None:
    """A valid request after the bad input is answered at once, with a result."""
    uri = client.open(root / "small.journey", SMALL)
    symbols = client.request(
        "textDocument/documentSymbol", {"textDocument": {"uri": uri}}, timeout=QUICK
    )
    assert [s["name"] for s in symbols] == ["Small"]


def test_a_huge_content_length_is_refused_and_the_server_goes_on(
    client: LspClient, root: Path
) -> None:
    request = body({"jsonrpc": "2.0", "id": "huge", "method": "shutdown"})
    client.send_raw(framed(request, 10**12))
    error = client.answer("huge", timeout=QUICK)["error"]
    assert error["code"] == -32600
    assert f"limit of {MAX_MESSAGE_BYTES // 2**20} MB" in error["message"]
    still_serving(client, root)


def test_a_message_over_the_limit_is_skipped_whole(client: LspClient, root: Path) -> None:
    text = "#" * (MAX_MESSAGE_BYTES + 10)
    request = body({"jsonrpc": "2.0", "id": "long", "method": "x", "params": {"text": text}})
    client.send_raw(framed(request))
    assert client.answer("long", timeout=QUICK)["error"]["code"] == -32600
    still_serving(client, root)


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "", "12 34"])
def test_a_content_length_that_is_not_a_number_is_skipped(
    client: LspClient, root: Path, length: str
) -> None:
    request = body({"jsonrpc": "2.0", "id": "no-length", "method": "shutdown"})
    client.send_raw(framed(request, length))
    assert client.answer("no-length", timeout=QUICK)["error"]["code"] == -32700
    still_serving(client, root)


def test_junk_between_messages_is_skipped(client: LspClient, root: Path) -> None:
    client.send_raw(b"\r\n\r\nhello\nContent-Type: text/plain\r\n\r\n")
    still_serving(client, root)


@pytest.mark.parametrize(
    ("data", "ident", "code"),
    [
        (b'{"jsonrpc": "2.0", "id": 7, "method": ', 7, -32700),
        (b'{"jsonrpc": "2.0", "id": "x", "method": "shutdown"', "x", -32700),
        (b"\xff\xfe not utf-8", None, -32700),
        (b"[" * 100_000 + b"]" * 100_000, None, -32700),
        (b"[1, 2]", None, -32600),
        (b'"a string"', None, -32600),
        (b'{"jsonrpc": "1.0", "id": 8, "method": "shutdown"}', 8, -32600),
        (b'{"jsonrpc": "2.0", "id": 9, "method": 12}', 9, -32600),
        (b'{"jsonrpc": "2.0", "id": [1], "method": "shutdown"}', None, -32600),
        (b'{"jsonrpc": "2.0", "id": 10, "method": "textDocument/hover", "params": {}}', 10, -32602),
        (b'{"jsonrpc": "2.0", "id": 11, "method": "textDocument/hover"}', 11, -32602),
        (
            b'{"jsonrpc": "2.0", "id": 12, "method": "textDocument/hover", "params": '
            b'{"textDocument": {"uri": 5}, "position": {"line": -1, "character": "a"}}}',
            12,
            -32602,
        ),
        (b'{"jsonrpc": "2.0", "id": 13, "method": "no/such/method"}', 13, -32601),
    ],
    ids=lambda v: repr(v)[:40],
)
def test_every_request_gets_an_answer(
    client: LspClient, root: Path, data: bytes, ident, code: int
) -> None:
    client.send_raw(framed(data))
    assert client.answer(ident, timeout=QUICK)["error"]["code"] == code
    still_serving(client, root)


def test_deeply_nested_blocks_give_an_outline_not_a_crash(client: LspClient, root: Path) -> None:
    depth = 5000
    text = (
        'journey "Deep" {\n'
        + "".join(f"  stage s{i} {{\n" for i in range(depth))
        + "  }\n" * depth
        + "}\n"
    )
    uri = client.open(root / "deep.journey", text)
    document = {"textDocument": {"uri": uri}}
    symbols = client.request("textDocument/documentSymbol", document)  # half a second idle
    levels, count, todo = 0, 0, [(s, 1) for s in symbols]
    while todo:
        symbol, level = todo.pop()
        levels, count = max(levels, level), count + 1
        todo += [(c, level + 1) for c in symbol.get("children", [])]
    assert count == depth + 1  # every block is there, the deepest listed side by side
    assert levels <= 32
    folds = client.request("textDocument/foldingRange", document)
    assert len(folds) == depth + 1


def test_a_huge_document_gets_one_diagnostic_and_quick_answers(
    client: LspClient, root: Path
) -> None:
    count = 60_000
    lines = ['journey "Big" {', "  persona p { share 100% }", "  stage s {"]
    lines += [f'    touchpoint t{i} "Touchpoint {i}" {{ }}' for i in range(count)]
    lines += ["  }", "  flow {", "    start -> t0"]
    lines += [f"    t{i} -> end" for i in range(count)]
    text = "\n".join([*lines, "  }", "}", ""])
    assert len(text) > MAX_DOCUMENT_CHARS and len(text) > 3_000_000
    started = time.monotonic()
    uri = client.open(root / "big.journey", text)
    document = {"textDocument": {"uri": uri}}
    assert client.request("textDocument/documentSymbol", document, timeout=QUICK) == []
    assert client.at("textDocument/hover", uri, 5, 18, timeout=QUICK) is None
    assert client.request("textDocument/foldingRange", document, timeout=QUICK) == []
    (only,) = client.diagnostics(uri)
    assert "longer than 256 K characters" in only["message"]
    assert "cxjourney check big.journey" in only["message"]
    assert time.monotonic() - started < QUICK
    still_serving(client, root)


def test_requests_after_shutdown_are_refused_and_exit_is_0(root: Path) -> None:
    client = LspClient(root)
    assert client.request("shutdown", {}, timeout=QUICK) is None
    client.send_raw(framed(body({"jsonrpc": "2.0", "id": 99, "method": "shutdown"})))
    assert client.answer(99, timeout=QUICK)["error"]["code"] == -32600
    client.notify("exit", {})
    assert client.process.wait(timeout=QUICK) == 0
    assert client.process.stderr.read() == b""


def test_exit_without_shutdown_is_1(root: Path) -> None:
    client = LspClient(root)
    client.notify("exit", {})
    assert client.process.wait(timeout=QUICK) == 1
    assert client.process.stderr.read() == b""


def frames(data: bytes, chunk: int = 1) -> list:
    """What the reader makes of `data` arriving `chunk` bytes at a time."""
    from cxjourney.lsp.transport import FrameReader, Problem

    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    reader = FrameReader(lambda _: pieces.pop(0) if pieces else b"")
    out = []
    while (found := reader.next()) is not None:
        out.append((found.code, found.head) if isinstance(found, Problem) else found)
    return out


@pytest.mark.parametrize("chunk", [1, 3, 7, 65536])
def test_the_reader_resynchronises_at_the_next_header(chunk: int) -> None:
    one, two = b'{"id": 1}', b'{"id": 2}'
    stream = (
        framed(one)
        + b"Content-Length: abc\r\n\r\n"  # no length: skipped up to the next header
        + b'{"id": 3}'
        + framed(one, 10**12)  # overstated: skipped up to the next header, id kept
        + b"junk\r\n\r\nmore junk"
        + b"Content-Length: %d\n\n" % len(two)  # bare newlines are accepted
        + two
        + b"content-length:%d\r\n\r\n" % len(two)
        + two
    )
    found = frames(stream, chunk)
    assert [f if isinstance(f, bytes) else f[0] for f in found] == [one, -32700, -32600, two, two]
    if chunk > len(stream):  # the id of a refused message is read from what has come of it
        assert found[1][1] == b'{"id": 3}' and found[2][1] == one + b"junk\r\n\r\nmore junk"


@pytest.mark.parametrize("chunk", [7, 65536])
def test_a_header_glued_to_the_end_of_junk_is_found_wherever_the_junk_ends(chunk: int) -> None:
    """Junk without a newline, then a message: the header is found however long the junk.
    A long line is read in parts of MAX_HEADER_LINE; a `Content-Length:` cut in two at a
    part's edge was missed, its message skipped as junk, and its request never answered
    (found by the protocol fuzzer: 4,082 bytes of junk, then a probe). Every length up
    to past two parts' edges is tried."""
    message = b'{"id": "probe"}'
    lost = [
        junk
        for junk in range(0, 9000, 1 if chunk > 7 else 13)
        if frames(b"x" * junk + framed(message), chunk)[-1:] != [message]
    ]
    assert not lost, f"messages lost after {len(lost)} junk lengths, from {lost[0]}"
