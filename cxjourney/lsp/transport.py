"""JSON-RPC over stdio for the language server: framing with bounds, an answer to every request.

pygls's own reader loop trusts its input: a Content-Length of 10**12 makes it try to
read a terabyte, a header it cannot parse leaves it waiting for ever, and a body that
is not JSON, or whose params do not fit the method, is logged and never answered.
This layer reads the messages instead and hands pygls only well-formed ones:

- a message body is at most MAX_MESSAGE_BYTES (32 MB); a larger one is refused with an
  error (-32600) and skipped, and so is a header block without a numeric Content-Length
  (-32700): the reader then looks for the next `Content-Length:` header and goes on;
- a header line is at most MAX_HEADER_LINE bytes (longer ones are junk, skipped);
- a body that is not JSON gets a parse error (-32700), a message that is not a JSON-RPC
  2.0 request, notification or response an invalid request (-32600), params that do not
  fit the method invalid params (-32602), a request for a method the server does not
  have method not found (-32601), and a request the server fails on an internal error
  (-32603). The answer carries the request's id, or, when none can be read, null
  (as JSON-RPC asks for a message whose id cannot be told);
- after `shutdown`, requests are answered with an invalid request error (-32600), and
  `exit` ends the server: exit code 0 after `shutdown`, 1 without (as the LSP says).

Messages are read and handled one at a time in the main thread; every handler of the
server is synchronous. Input is read with os.read on the descriptor, never through a
buffered stream another thread could be holding.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

MAX_MESSAGE_BYTES = 32 * 1024 * 1024
MAX_HEADER_LINE = 4096
#: What a long line's part leaves for the next, so that a `Content-Length:` glued to the
#: end of junk is never cut in two at the part's edge.
HEADER_OVERLAP = 32
#: How much of a refused or broken body is kept to look for its id.
HEAD_BYTES = 4096

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

logger = logging.getLogger(__name__)

_CONTENT_LENGTH = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_HEADER = re.compile(rb"[A-Za-z0-9!#$%&'*+.^_`|~-]+[ \t]*:")
#: The first `"id": 12` or `"id": "x"` of a body that cannot be parsed.
_ID = re.compile(rb'"id"\s*:\s*(-?\d{1,18}(?![\d.eE])|"(?:[^"\\\r\n]|\\.){0,200}")')


class Problem:
    """A message that cannot be handed on: the error to answer with, and what its id may be."""

    def __init__(self, code: int, message: str, head: bytes = b"") -> None:
        self.code = code
        self.message = message
        self.head = head


class FrameReader:
    """Content-Length framed messages from `read(n)` (os.read on a descriptor, say)."""

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self._buffer = bytearray()
        self._to_skip = 0  # what is left of a refused message, dropped before the next

    def _fill(self) -> bool:
        chunk = self._read(65536)
        if not chunk:
            return False
        self._buffer += chunk
        return True

    def _line(self) -> bytes | None:
        """The next line (at most MAX_HEADER_LINE bytes of it), None at the end of input."""
        while True:
            end = self._buffer.find(b"\n", 0, MAX_HEADER_LINE)
            if end >= 0:
                return self._take(end + 1)
            if len(self._buffer) >= MAX_HEADER_LINE:  # a long run of junk: give it in parts,
                # keeping its end for the next part, where a header may begin
                return self._take(MAX_HEADER_LINE - HEADER_OVERLAP)
            if not self._fill():
                return self._take(len(self._buffer)) if self._buffer else None

    def _take(self, count: int) -> bytes:
        taken = bytes(self._buffer[:count])
        del self._buffer[:count]
        return taken

    def _body(self, length: int) -> bytes | None:
        while len(self._buffer) < length:
            if not self._fill():
                return None
        return self._take(length)

    def _head(self, length: int) -> bytes:
        """What has come of a refused message's body, up to the next header: its id may be there."""
        window = bytes(self._buffer[: min(length, HEAD_BYTES)])
        found = _CONTENT_LENGTH.search(window)
        return window if found is None else window[: found.start()]

    def _skip(self, length: int) -> None:
        """Drop up to `length` bytes, fewer when the next `Content-Length:` header comes first
        (a client that overstated a length is not waited for)."""
        while length > 0:
            if not self._buffer and not self._fill():
                break
            window = bytes(self._buffer[:length])
            found = _CONTENT_LENGTH.search(window)
            if found is not None:
                drop = found.start()
            elif len(window) == length:
                drop = length
            else:  # a header may be cut at the end of what has come: keep its start
                drop = max(len(window) - 32, 0)
                if drop == 0:
                    if self._fill():
                        continue
                    drop = len(window)
            del self._buffer[:drop]
            length -= drop
            if found is not None:
                break

    def next(self) -> bytes | Problem | None:
        """A message body, a Problem with one, or None at the end of input.

        A Problem is returned as soon as its header is read, so that it is answered at
        once; the rest of its message is dropped when the next message is asked for."""
        if self._to_skip:
            self._skip(self._to_skip)
            self._to_skip = 0
        length: int | None = None
        bad: bytes | None = None
        started = False
        while True:
            line = self._line()
            if line is None:
                return None
            found = _CONTENT_LENGTH.search(line, 1)
            if found is not None:  # junk (the rest of a message?), then a header: a new message
                self._buffer[:0] = line[found.start() :]
                length, bad, started = None, None, False
                continue
            stripped = line.strip()
            if not stripped:
                if started:
                    break
                continue  # blank lines between messages
            if not _HEADER.match(stripped):
                continue  # junk, not a header: skipped
            started = True
            name, _, value = stripped.partition(b":")
            if name.strip().lower() == b"content-length":
                value = value.strip()
                if value.isdigit() and len(value) <= 20:
                    length, bad = int(value), None
                else:
                    bad = value[:40]
        if bad is not None or length is None:
            what = f"is not a number: {bad!r}" if bad is not None else "is missing"
            self._to_skip = MAX_MESSAGE_BYTES  # up to the next header
            head = self._head(MAX_MESSAGE_BYTES)
            return Problem(PARSE_ERROR, f"the Content-Length header {what}; skipped", head)
        if length > MAX_MESSAGE_BYTES:
            self._to_skip = length
            head = self._head(length)
            return Problem(
                INVALID_REQUEST,
                f"a message of {length} bytes is larger than the limit of "
                f"{MAX_MESSAGE_BYTES // (1024 * 1024)} MB; it was skipped",
                head,
            )
        return self._body(length)


def guess_id(head: bytes) -> int | str | None:
    """The id of a message that cannot be parsed, when one can be read; else None."""
    found = _ID.search(head)
    if found is None:
        return None
    try:
        value = json.loads(found.group(1))
    except ValueError:
        return None
    return value if isinstance(value, (int, str)) else None


def _valid_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


class JourneyProtocol(LanguageServerProtocol):
    """pygls's protocol, ending on `exit` by returning its exit code instead of closing stdout."""

    exit_code: int | None = None

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> None:
        self.exit_code = 0 if self._shutdown else 1

    def reply_error(self, ident: Any, code: int, message: str) -> None:
        """An error response; the id is null when it is not one a request may have."""
        error = {"code": code, "message": message}
        self._send_data(
            {"jsonrpc": "2.0", "id": ident if _valid_id(ident) else None, "error": error}
        )

    def handle_body(self, body: bytes) -> None:
        """Parse, check and hand on one message; answer a request that cannot be handled."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as err:
            reason = str(err)[:200] if isinstance(err, ValueError) else "nested too deeply"
            self.reply_error(guess_id(body[:HEAD_BYTES]), PARSE_ERROR, f"not JSON: {reason}")
            return
        if not isinstance(data, dict):
            self.reply_error(None, INVALID_REQUEST, "a message is a JSON object")
            return
        request = "id" in data and "method" in data
        ident = data.get("id")
        method = data.get("method")
        answer = "result" in data or "error" in data
        if data.get("jsonrpc") != "2.0" or not (
            (isinstance(method, str) and not answer) or ("id" in data and answer and not method)
        ):
            if "id" in data:
                self.reply_error(ident, INVALID_REQUEST, "not a JSON-RPC 2.0 message")
            return
        if request and not _valid_id(ident):
            self.reply_error(None, INVALID_REQUEST, "a request's id is a number or a string")
            return
        if self._shutdown and method != types.EXIT:
            if request:
                self.reply_error(ident, INVALID_REQUEST, "the server is shutting down")
            return
        if request and method not in self.fm.builtin_features and method not in self.fm.features:
            self.reply_error(ident, METHOD_NOT_FOUND, f"no method {method[:100]!r}")
            return
        try:
            message = self.structure_message(data)
        except JsonRpcException as err:
            if request:
                code = err.code if err.code in (INVALID_PARAMS, INTERNAL_ERROR) else INVALID_PARAMS
                why = "invalid params" if code == INVALID_PARAMS else "cannot read the message"
                self.reply_error(ident, code, f"{method}: {why}")
            return
        except RecursionError:
            if request:
                self.reply_error(ident, INVALID_PARAMS, f"{method}: params nested too deeply")
            return
        # a notification's method sent with an id: handled, and answered, as a request is
        unanswered = request and not hasattr(message, "id")
        try:
            self.handle_message(message)
        except BrokenPipeError:
            raise
        except Exception as err:  # a defect: answered, logged, and the server goes on
            logger.exception("cannot handle %s", method)
            if request:
                self.reply_error(ident, INTERNAL_ERROR, f"{method}: {type(err).__name__}")
            return
        if unanswered:
            self._send_data({"jsonrpc": "2.0", "id": ident, "result": None})


def serve(protocol: JourneyProtocol) -> int:
    """Read stdin and handle its messages until `exit` or the end of input; the exit code."""
    fd = sys.stdin.fileno()
    protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    reader = FrameReader(lambda count: os.read(fd, count))
    try:
        while protocol.exit_code is None:
            frame = reader.next()
            if frame is None:
                break
            if isinstance(frame, Problem):
                protocol.reply_error(guess_id(frame.head), frame.code, frame.message)
                continue
            protocol.handle_body(frame)
    except BrokenPipeError:  # the client has gone
        return 0
    return 0 if protocol.exit_code is None else protocol.exit_code
