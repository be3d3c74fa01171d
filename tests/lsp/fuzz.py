"""A protocol fuzzer for the language server: random and mutated JSON-RPC messages (headers,
bodies, methods, params) sent to one `cxjourney lsp` process over stdio.

After each input the fuzzer sends a probe (a request it knows the answer to) and waits for
its reply. The server handles one message at a time, in order, so by the time the probe
is answered every earlier request has been. The checks:

- the server never dies (a death is a failure, and the server is started again);
- it never hangs: each probe is answered within `timeout` seconds;
- every request it can read (a JSON object with "jsonrpc": "2.0", a string method and a
  number or string id) gets a response with that id, a result or an error;
- what it writes is well framed JSON.

Used by tests/lsp/test_fuzz_protocol.py (a few hundred inputs) and tests/fuzz_lsp.py
(as many as asked, by hand). Everything comes from one seed: a failure is replayed by
running the same seed again.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz_inputs import TINY_BASE, mutate

MAX_MESSAGE_BYTES = 32 * 1024 * 1024  # the server's limit (cxjourney.lsp.transport)

LIBRARY = """\
persona walker "Walks in" {
  share 60%
  visits every 7 days
}
"""

USING = TINY_BASE.replace('journey "Tiny" {', 'use "people.journey"\n\njourney "Tiny" {', 1)

METHODS = [
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/codeAction",
    "textDocument/formatting",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didSave",
    "textDocument/didClose",
    "initialize",
    "initialized",
    "$/cancelRequest",
    "$/setTrace",
    "workspace/didChangeWorkspaceFolders",
    "workspace/executeCommand",
    "workspace/symbol",
    "textDocument/semanticTokens/full",
    "no/such/method",
    "",
]

#: Never sent: they end the server or stop it answering (tested on their own).
LIFECYCLE_END = ("shutdown", "exit")

NUMBERS = [0, 1, 2, 5, 10, 100, -1, -(2**31), 2**31 - 1, 2**31, 2**53, 2**64, 10**30]
FLOATS = [0.5, -0.0, 1e308, -1e308, 3.0]
STRINGS = [
    "",
    "a",
    "walker",
    "counter",
    "é☕𝄞",
    "\x00\x1b[31m\x07",
    "\u202e",
    "\ud800",
    "x" * 5000,
    "file:///",
    "file:///dev/zero",
    "file:///dev/stdin",
    "file:///%00",
    "file:///" + "a/" * 2000,
    "untitled:Untitled-1",
    "http://example.invalid/x",
    "../../../../etc/passwd",
    "2.0",
    "null",
    "{",
]


@dataclass
class Tally:
    inputs: int = 0
    requests: int = 0  # inputs the server could read as a request: each needs an answer
    answered: int = 0
    restarts: int = 0
    slowest: float = 0.0
    seconds: float = 0.0
    failures: list[tuple[int, str, bytes]] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.inputs} inputs ({self.requests} requests, {self.answered} answered) "
            f"in {self.seconds:.1f} s; slowest answer {self.slowest * 1000:.0f} ms; "
            f"{len(self.failures)} failures; {self.restarts} restarts"
        )


class Dead(Exception):
    pass


class Server:
    """One `cxjourney lsp` process and a thread that reads what it writes."""

    def __init__(self, root: Path, stderr: Any) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cxjourney", "lsp"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=root,
        )
        self.messages: queue.Queue[Any] = queue.Queue()
        self.framing: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line == b"\r\n":
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            if length is None:
                self.framing.append("a message without Content-Length")
                continue
            data = stream.read(length)
            try:
                self.messages.put(json.loads(data))
            except ValueError:
                self.framing.append(f"a body that is not JSON: {data[:200]!r}")

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise Dead("the server closed its input") from None

    def reply(self, message: Any) -> None:
        """Answer a request from the server (none is expected; never leave one waiting)."""
        if isinstance(message, dict) and "method" in message and "id" in message:
            self.send(frame(json.dumps({"jsonrpc": "2.0", "id": message["id"], "result": None})))

    def until(self, ident: Any, timeout: float) -> list[Any]:
        """Every message up to and including the response with id `ident`."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            try:
                message = self.messages.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                raise TimeoutError from None
            if message is None:
                raise Dead(f"the server ended (exit code {self.process.poll()})")
            self.reply(message)
            seen.append(message)
            if isinstance(message, dict) and "method" not in message and message.get("id") == ident:
                return seen

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def frame(body: bytes | str) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


def answerable(body: bytes) -> Any:
    """The id a response must carry, when the server can read `body` as a request; else None."""
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return None
    ident = message.get("id")
    valid = isinstance(ident, (int, str)) and not isinstance(ident, bool)
    if not valid or not isinstance(message.get("method"), str):
        return None
    return ident


class Fuzzer:
    """Inputs from one seed, sent to a server in a workspace of its own."""

    def __init__(self, seed: int, timeout: float = 10.0, stderr: Any = None) -> None:
        self.rng = random.Random(seed)
        self.timeout = timeout
        self.stderr = stderr if stderr is not None else subprocess.DEVNULL
        self._folder = tempfile.TemporaryDirectory(prefix="cxjourney-fuzz-")
        self.root = Path(self._folder.name)
        (self.root / "people.journey").write_text(LIBRARY, encoding="utf-8")
        (self.root / "tiny.journey").write_text(USING, encoding="utf-8")
        (self.root / "sub").mkdir()
        (self.root / "sub" / "other.journey").write_text(TINY_BASE, encoding="utf-8")
        if hasattr(os, "mkfifo"):
            os.mkfifo(self.root / "pipe.journey")
        with contextlib.suppress(OSError):  # no symbolic links here
            (self.root / "zero.journey").symlink_to("/dev/zero")
        self.uris = [
            (self.root / "tiny.journey").as_uri(),
            (self.root / "people.journey").as_uri(),
            (self.root / "sub" / "other.journey").as_uri(),
            (self.root / "pipe.journey").as_uri(),
            (self.root / "zero.journey").as_uri(),
            (self.root / "missing.journey").as_uri(),
        ]
        self.probes = 0
        self.server = self._start()

    # ---- the server --------------------------------------------------------------------
    def _start(self) -> Server:
        for _ in range(2):  # a loaded machine may be slow to start Python: try once more
            server = Server(self.root, self.stderr)
            try:
                return self._initialize(server)
            except (TimeoutError, Dead):
                server.stop()
        return self._initialize(Server(self.root, self.stderr))

    def _initialize(self, server: Server) -> Server:
        init = {
            "processId": None,
            "rootUri": self.root.as_uri(),
            "workspaceFolders": [{"uri": self.root.as_uri(), "name": "fuzz"}],
            "capabilities": {},
        }
        server.send(
            frame(json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init}))
        )
        server.until(0, self.timeout * 3)
        server.send(frame(json.dumps({"jsonrpc": "2.0", "method": "initialized", "params": {}})))
        for uri, text in ((self.uris[0], USING), (self.uris[1], LIBRARY)):
            item = {"uri": uri, "languageId": "journey", "version": 1, "text": text}
            server.send(self._notification("textDocument/didOpen", {"textDocument": item}))
        return server

    def close(self) -> None:
        self.server.stop()
        self._folder.cleanup()

    @staticmethod
    def _notification(method: str, params: Any) -> bytes:
        return frame(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}))

    # ---- a run -------------------------------------------------------------------------
    def run(
        self,
        count: int,
        report_every: int = 0,
        on_failure: Callable[[int, str, bytes], None] | None = None,
    ) -> Tally:
        """Send `count` inputs; `on_failure(index, problem, input)` as each failure happens."""
        tally = Tally()
        started = time.monotonic()
        for i in range(count):
            data, expected = self.make_input()
            tally.inputs += 1
            tally.requests += expected is not None
            problem = self._try(data, expected, tally)
            if problem is not None:
                tally.failures.append((i, problem, data[:2000]))
                if on_failure is not None:
                    on_failure(i, problem, data)
                self.server.stop()
                self.server = self._start()
                tally.restarts += 1
            if report_every and (i + 1) % report_every == 0:
                tally.seconds = time.monotonic() - started
                print(tally.line(), flush=True)
        tally.seconds = time.monotonic() - started
        return tally

    def _try(self, data: bytes, expected: Any, tally: Tally) -> str | None:
        self.probes += 1
        probe = f"probe-{self.probes}"
        request = {"jsonrpc": "2.0", "id": probe, "method": "textDocument/foldingRange"}
        request["params"] = {"textDocument": {"uri": self.uris[0]}}
        sent = time.monotonic()
        try:
            self.server.send(data)
            self.server.send(frame(json.dumps(request)))
            seen = self.server.until(probe, self.timeout)
        except TimeoutError:
            return f"no answer to a probe within {self.timeout} s (a hang)"
        except Dead as err:
            return f"the server died: {err}"
        tally.slowest = max(tally.slowest, time.monotonic() - sent)
        if self.server.framing:
            return "; ".join(self.server.framing)
        if expected is not None:
            if not any(
                isinstance(m, dict) and "method" not in m and m.get("id") == expected
                for m in seen[:-1]
            ):
                return f"no response to the request with id {expected!r}"
            tally.answered += 1
        return None

    # ---- inputs ------------------------------------------------------------------------
    def make_input(self) -> tuple[bytes, Any]:
        """The bytes to send, and the id of the response they need (None: none needed)."""
        rng = self.rng
        body = self.body()
        expected = answerable(body)
        roll = rng.random()
        if roll < 0.6:
            return frame(body), expected
        if roll < 0.75:  # the header changed in a way the server accepts
            return self.header_variant(body), expected
        if roll < 0.9:  # a header the server cannot trust: no answer is required
            return self.broken_header(body), None
        broken = self.mutate_bytes(body)
        return frame(broken), answerable(broken)

    def body(self) -> bytes:
        rng = self.rng
        if rng.random() < 0.03:
            depth = rng.choice([100, 1000, 100_000])
            return b'{"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": ' + (
                b"[" * depth + b"]" * depth + b"}"
            )
        message = self.message()
        try:
            return json.dumps(message).encode()
        except (ValueError, RecursionError):
            return b"{}"

    def message(self) -> Any:
        rng = self.rng
        method = rng.choice(METHODS)
        message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        notification = method.startswith(("textDocument/did", "initialized", "$/", "workspace/did"))
        if not notification or rng.random() < 0.2:
            message["id"] = self.ident()
        message["params"] = self.params(method)
        if rng.random() < 0.3:
            self.mutate_tree(message["params"])
        if rng.random() < 0.15:  # the envelope itself
            key = rng.choice(["jsonrpc", "id", "method", "params", "result", "error", "extra"])
            if rng.random() < 0.3:
                message.pop(key, None)
            else:
                message[key] = self.value(2)
        if message.get("method") in LIFECYCLE_END:
            message["method"] = "no/such/method"
        if rng.random() < 0.02:
            return self.value(3)  # not an object at all
        return message

    def ident(self) -> Any:
        rng = self.rng
        return rng.choice(
            [
                rng.randint(1, 10**6),
                rng.randint(-(2**63), 2**63),
                f"fuzz-{rng.randint(0, 10**6)}",
                "",
                "é☕",
                10**30,
            ]
        )

    def uri(self) -> str:
        rng = self.rng
        return rng.choice(self.uris) if rng.random() < 0.85 else rng.choice(STRINGS)

    def position(self) -> dict[str, Any]:
        rng = self.rng
        line = rng.choice([0, 1, 5, 10, 20, 40, rng.randint(0, 60), 10**6, 2**31 - 1])
        return {"line": line, "character": rng.choice([0, 2, 4, 8, 12, 30, 200, 2**31 - 1])}

    def text(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.05:
            return "journey {\n" + "  stage s {\n" * 3000 + "  }\n" * 3000 + "}\n"
        if roll < 0.08:
            return TINY_BASE * 60  # past the size the server checks as you type
        return mutate(rng.choice([USING, LIBRARY, TINY_BASE]), rng)

    def params(self, method: str) -> Any:
        rng = self.rng
        document = {"uri": self.uri()}
        at = {"textDocument": document, "position": self.position()}
        if method in ("textDocument/hover", "textDocument/completion", "textDocument/definition"):
            return at
        if method == "textDocument/prepareRename":
            return at
        if method == "textDocument/references":
            return {**at, "context": {"includeDeclaration": rng.random() < 0.5}}
        if method == "textDocument/rename":
            return {**at, "newName": rng.choice(["renamed", "end", "", "a b", "é"])}
        if method in ("textDocument/documentSymbol", "textDocument/foldingRange"):
            return {"textDocument": document}
        if method == "textDocument/codeAction":
            span = {"start": self.position(), "end": self.position()}
            diagnostic = {"range": span, "message": rng.choice(["hint: did you mean 'a'?", "x"])}
            return {
                "textDocument": document,
                "range": span,
                "context": {"diagnostics": [diagnostic]},
            }
        if method == "textDocument/formatting":
            return {"textDocument": document, "options": {"tabSize": 2, "insertSpaces": True}}
        if method == "textDocument/didOpen":
            item = {"uri": self.uri(), "languageId": "journey", "version": 1, "text": self.text()}
            return {"textDocument": item}
        if method == "textDocument/didChange":
            versioned = {"uri": self.uri(), "version": rng.randint(0, 100)}
            change: dict[str, Any] = {"text": self.text()}
            if rng.random() < 0.3:
                change["range"] = {"start": self.position(), "end": self.position()}
            return {"textDocument": versioned, "contentChanges": [change]}
        if method in ("textDocument/didSave", "textDocument/didClose"):
            return {"textDocument": document}
        if method == "initialize":
            root = rng.choice([self.root.as_uri(), (self.root / "sub").as_uri(), "file:///nowhere"])
            return {"processId": None, "rootUri": root, "capabilities": self.value(2)}
        if method == "$/cancelRequest":
            return {"id": self.ident()}
        if method == "$/setTrace":
            return {"value": rng.choice(["off", "messages", "verbose", "loud"])}
        if method == "workspace/didChangeWorkspaceFolders":
            folder = {"uri": rng.choice([self.root.as_uri(), "file:///nowhere"]), "name": "f"}
            return {"event": {"added": [folder], "removed": []}}
        if method == "workspace/executeCommand":
            return {"command": rng.choice(["x", ""]), "arguments": [self.value(2)]}
        return self.value(2)

    def value(self, depth: int) -> Any:
        rng = self.rng
        roll = rng.random()
        if roll < 0.1:
            return None
        if roll < 0.2:
            return rng.random() < 0.5
        if roll < 0.4:
            return rng.choice(NUMBERS)
        if roll < 0.45:
            return rng.choice(FLOATS)
        if roll < 0.75 or depth <= 0:
            return rng.choice(STRINGS)
        if roll < 0.87:
            return [self.value(depth - 1) for _ in range(rng.randint(0, 3))]
        keys = ["uri", "line", "character", "text", "textDocument", "position", "id", "x"]
        return {rng.choice(keys): self.value(depth - 1) for _ in range(rng.randint(0, 3))}

    def mutate_tree(self, tree: Any) -> None:
        """Replace, drop or add one value somewhere in a JSON tree (in place)."""
        rng = self.rng
        node = tree
        for _ in range(rng.randint(0, 4)):
            if not isinstance(node, (dict, list)):
                break
            inner = [v for v in (node.values() if isinstance(node, dict) else node) if v]
            inner = [v for v in inner if isinstance(v, (dict, list))]
            if not inner:
                break
            node = rng.choice(inner)
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
            if rng.random() < 0.3:
                del node[key]
            else:
                node[key] = self.value(2)
        elif isinstance(node, dict):
            node["x"] = self.value(1)
        elif isinstance(node, list) and node:
            node[rng.randrange(len(node))] = self.value(2)

    def mutate_bytes(self, body: bytes) -> bytes:
        rng = self.rng
        data = bytearray(body)
        for _ in range(rng.randint(1, 4)):
            at = rng.randint(0, len(data))
            roll = rng.random()
            if roll < 0.3 and data:
                del data[at : at + rng.randint(1, 10)]
            elif roll < 0.6:
                data[at:at] = bytes(rng.choice(b'{}[]":,\\ \x00\xff\xc3\r\n0e-') for _ in range(3))
            elif roll < 0.8 and data:
                data[rng.randrange(len(data))] = rng.randrange(256)
            else:
                data = data[: rng.randint(0, len(data))]
        return bytes(data)

    def header_variant(self, body: bytes) -> bytes:
        """Headers written otherwise, as the server must accept them."""
        rng = self.rng
        length = b"%d" % len(body)
        roll = rng.random()
        if roll < 0.2:
            return b"content-length:" + length + b"\r\n\r\n" + body
        if roll < 0.4:
            header = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
            return header + b"Content-Length: " + length + b"\r\n" + header + b"\r\n" + body
        if roll < 0.55:
            return b"Content-Length: " + length + b"\n\n" + body
        if roll < 0.75:  # junk lines between messages
            junk = bytes(rng.choice(b"abc xyz{}[]\t\x00\xff") for _ in range(rng.randint(0, 6000)))
            return junk + b"\r\n\r\n" + frame(body)
        if roll < 0.9:  # a length with leading zeros
            return b"Content-Length: 000" + length + b"\r\n\r\n" + body
        pad = rng.randint(1, 2000)  # a longer length, made good with whitespace
        return b"Content-Length: %d\r\n\r\n" % (len(body) + pad) + body + b" " * pad

    def broken_header(self, body: bytes) -> bytes:
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            value = rng.choice([b"abc", b"-5", b"1e3", b"", b"12 34", b"0x10", b"\xff", b"9" * 30])
            return b"Content-Length: " + value + b"\r\n\r\n" + body
        if roll < 0.35:
            size = rng.choice([MAX_MESSAGE_BYTES + 1, 10**12, 10**19])
            return b"Content-Length: %d\r\n\r\n" % size + body
        if roll < 0.5:
            return body + b"\r\n"  # no header at all
        if roll < 0.65:
            return b"Content-Length: 0\r\n\r\n" + body
        if roll < 0.8 and len(body) > 1:
            return b"Content-Length: %d\r\n\r\n" % rng.randint(1, len(body) - 1) + body
        return b"Content-Length: " + b"1" * 5000 + b"\r\n\r\n" + body
