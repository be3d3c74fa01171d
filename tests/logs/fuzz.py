"""A fuzzer over event-log structure: mutated CSV, XES and simulated logs, plain or gzipped,
through everything a log goes through (read, discover, check of the discovered journey,
conformance of the log to it).

Each input starts from a small valid log of one of the formats and takes one to four
mutations: of bytes (control characters, NUL, broken UTF-8, cuts), of lines (dropped,
repeated, swapped), of fields (empty, huge, NaN, dates out of range, quotes, newlines,
terminal escapes) and of structure (XES elements nested, left open, repeated, entities;
CSV headers renamed, delimiters changed, columns dropped). Some inputs are gzipped, some
of those cut short; some carry a suffix that lies about the format.

An input passes when reading it either gives a log or refuses it with `LogError` (the
command line's exit 2), and every later step then works: `discover` returns a journey,
that journey passes `check` with no error, `conform` replays the log on it, and no step
takes longer than the timeout. Anything else (another exception, a discovered journey
that `check` refuses, a hang) is a failure, kept with the bytes that caused it.
"""

from __future__ import annotations

import gzip
import random
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cxjourney.language.load import load
from cxjourney.logs.conform import conform
from cxjourney.logs.discover import discover
from cxjourney.logs.mapping import map_activities
from cxjourney.logs.read import LogError, read_log

CSV_BASE = """\
case,activity,timestamp,resource,persona,rating,channel
c1,Browse,2024-03-01T09:00:00Z,web,new,4,web
c1,Add to basket,2024-03-01T09:04:00Z,web,new,,web
c1,Pay,2024-03-01T09:07:30Z,pos,new,5,web
c2,Browse,2024-03-02T12:00:00+01:00,web,loyal,3,app
c2,Pay,2024-03-02T12:10:00+01:00,pos,loyal,2,app
c3,Browse,2024-03-05T18:00:00Z,web,new,,web
c3,Ask for help,2024-03-05T18:02:00Z,agent1,new,1,phone
c3,Browse,2024-03-05T18:30:00Z,web,new,,web
c3,Pay,2024-03-05T18:31:00Z,pos,new,4,web
"""

CSV_LIFECYCLE = """\
ticket;step;lifecycle;time;agent
T1;Open;complete;2024-01-08 10:00:00;
T1;Resolve;start;2024-01-08 11:40:00;a1
T1;Resolve;complete;2024-01-08 11:49:00;a2
T2;Open;complete;2024-01-09 08:00:00;
T2;Close;complete;2024-01-09 09:00:00;a1
"""

SIMULATED_BASE = """\
scenario,replication,customer,persona,journey,touchpoint,arrival_min,wait_min,rating
baseline,1,1,p,1,door,0.5,0,4
baseline,1,1,p,1,counter,0.5,2.25,3
baseline,1,1,p,1,pay,3.0,0,
baseline,1,2,p,1,door,10.0,0,
baseline,1,2,p,1,pay,11.5,0,5
faster,1,1,p,1,door,0.5,0,4
"""

XES_BASE = """\
<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event"><string key="org:resource" value="nobody"/></global>
  <trace>
    <string key="concept:name" value="case 1"/>
    <string key="persona" value="new"/>
    <event>
      <string key="concept:name" value="Browse"/>
      <date key="time:timestamp" value="2024-03-01T09:00:00.000+00:00"/>
      <int key="rating" value="4"/>
    </event>
    <event>
      <string key="concept:name" value="Pay"/>
      <string key="lifecycle:transition" value="complete"/>
      <date key="time:timestamp" value="2024-03-01T09:07:00.000+00:00"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="case 2"/>
    <event>
      <string key="concept:name" value="Browse"/>
      <date key="time:timestamp" value="2024-03-02T10:00:00.000+00:00"/>
    </event>
    <event>
      <string key="concept:name" value="Ask"/>
      <date key="time:timestamp" value="2024-03-02T10:05:00.000+00:00"/>
      <float key="rating" value="2.5"/>
    </event>
  </trace>
</log>
"""

BASES: dict[str, tuple[str, str]] = {
    "csv": (CSV_BASE, ".csv"),
    "lifecycle": (CSV_LIFECYCLE, ".csv"),
    "simulated": (SIMULATED_BASE, ".csv"),
    "xes": (XES_BASE, ".xes"),
}

#: Bytes that break parsers and terminals.
NASTY_BYTES = [
    b"\x00",
    b"\x1b[2J",
    b"\x1b]52;c;ZXZpbA==\x07",
    b"\x07",
    b"\r",
    b"\n",
    b"\r\n",
    b"\t",
    b'"',
    b"'",
    b",",
    b";",
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"&#0;",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xae",
    b"\xef\xbb\xbf",
    b"\xf0\x9f\x98\x80",
    b"]]>",
    b"<!--",
    b"-->",
]

#: Field values that break readers and models.
NASTY_FIELDS = [
    "",
    " ",
    "  Pay  ",
    "Pay\u00a0",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "0",
    "-1",
    "99999999999999999999",
    "1.5e9",
    "1700000000",
    "1700000000000",
    "0.000001",
    "2024-02-30T10:00:00",
    "2024-13-01",
    "1899-12-31T23:59:59Z",
    "2200-01-01T00:00:00Z",
    "9999-12-31T23:59:59",
    "0001-01-01",
    "2024-03-01T09:00:00+25:00",
    "2024-03-01 09:00",
    "01/03/2024 09:00",
    "today",
    "complete",
    "start",
    "START",
    "ate_abort",
    "step",
    "end",
    "start",
    "exit",
    "journey",
    "persona",
    "}",
    "{",
    '"',
    '""',
    '"quoted, with comma"',
    '"line\nbreak"',
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;ZXZpbA==\x07",
    "\u202eevil",
    "é" * 40,
    "x" * 5000,
    "=cmd|' /C calc'!A0",
    "# not a comment",
    "a -> b",
    "100%",
    "10 working days",
]


#: The largest input made: mutations that repeat spans and lines compound, and a log of
#: tens of MB costs seconds to read without testing anything a smaller one does not.
MAX_INPUT_BYTES = 4 * 1024 * 1024


@dataclass
class Tally:
    inputs: int = 0
    read: int = 0
    refused: int = 0
    discovered: int = 0
    failures: list[tuple[int, str, bytes]] = field(default_factory=list)
    seconds: float = 0.0
    slowest: float = 0.0

    def line(self) -> str:
        return (
            f"{self.inputs} inputs: {self.read} read, {self.refused} refused with a message, "
            f"{self.discovered} discovered and checked, {len(self.failures)} failures; "
            f"slowest {self.slowest:.2f} s, {self.seconds:.0f} s in all"
        )


class Timeout(BaseException):
    pass


class Fuzzer:
    """Mutated logs from one seed; `run` feeds them through the pipeline."""

    def __init__(self, seed: int, *, timeout: float = 20.0) -> None:
        self.random = random.Random(seed)
        self.timeout = timeout
        self.folder = Path(tempfile.mkdtemp(prefix="cxjourney-logfuzz-"))

    # ---- making inputs ----------------------------------------------------------------
    def make(self) -> tuple[str, bytes]:
        """One input: (file suffix, bytes)."""
        rnd = self.random
        kind = rnd.choice(list(BASES))
        text, suffix = BASES[kind]
        data = text.encode()
        for _ in range(rnd.choice((1, 1, 1, 2, 2, 3, 4))):
            mutate = rnd.choice(self._mutations(kind))
            data = mutate(data)
            if len(data) > MAX_INPUT_BYTES:  # repeats of repeats: big, and no new structure
                data = data[:MAX_INPUT_BYTES]
        if rnd.random() < 0.12:
            data = gzip.compress(data, mtime=0)
            if rnd.random() < 0.3:
                data = data[: rnd.randint(0, len(data))]
            suffix += ".gz" if rnd.random() < 0.8 else ""
        if rnd.random() < 0.1:
            suffix = rnd.choice([".csv", ".xes", ".xml", ".txt", "", ".csv.gz", ".xes.gz"])
        return suffix, data

    def _mutations(self, kind: str) -> list[Callable[[bytes], bytes]]:
        common = [
            self._insert_bytes,
            self._insert_bytes,
            self._delete_span,
            self._duplicate_span,
            self._truncate,
            self._lines,
            self._lines,
            self._repeat_line,
        ]
        if kind == "xes":
            return common + [self._xes_value] * 10 + [self._xes_structure] * 4
        return common + [self._csv_field] * 10 + [self._csv_header] * 2

    def _insert_bytes(self, data: bytes) -> bytes:
        at = self.random.randint(0, len(data))
        return data[:at] + self.random.choice(NASTY_BYTES) + data[at:]

    def _delete_span(self, data: bytes) -> bytes:
        at = self.random.randint(0, len(data))
        return data[:at] + data[at + self.random.randint(1, 40) :]

    def _duplicate_span(self, data: bytes) -> bytes:
        at = self.random.randint(0, len(data))
        span = data[at : at + self.random.randint(1, 80)]
        return data[:at] + span * self.random.randint(2, 5) + data[at:]

    def _truncate(self, data: bytes) -> bytes:
        return data[: self.random.randint(0, len(data))]

    def _lines(self, data: bytes) -> bytes:
        lines = data.split(b"\n")
        if len(lines) < 2:
            return data
        i, j = self.random.randrange(len(lines)), self.random.randrange(len(lines))
        what = self.random.randrange(3)
        if what == 0:
            del lines[i]
        elif what == 1:
            lines.insert(j, lines[i])
        else:
            lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)

    def _repeat_line(self, data: bytes) -> bytes:
        """Many copies of one line: repeated cases, traces sharing a name, wide logs."""
        lines = data.split(b"\n")
        i = self.random.randrange(max(1, len(lines) - 1)) + (1 if len(lines) > 2 else 0)
        i = min(i, len(lines) - 1)
        copies = self.random.choice([10, 100, 1000, 3000])
        return b"\n".join(lines[:i] + [lines[i]] * copies + lines[i:])

    def _csv_field(self, data: bytes) -> bytes:
        lines = data.split(b"\n")
        rows = len(lines) - 1 if len(lines) > 2 else len(lines)  # the last is usually empty
        i = (
            self.random.randrange(rows)
            if self.random.random() < 0.1
            else 1 + (self.random.randrange(max(1, rows - 1)))
        )
        i = min(i, len(lines) - 1)
        sep = b";" if b";" in lines[0] else b","
        cells = lines[i].split(sep)
        j = self.random.randrange(len(cells))
        value = self.random.choice(NASTY_FIELDS)
        if self.random.random() < 0.2:  # many distinct values: a wide alphabet
            value += str(self.random.randrange(10**6))
        cells[j] = value.encode("utf-8", "surrogatepass")
        lines[i] = sep.join(cells)
        return b"\n".join(lines)

    def _csv_header(self, data: bytes) -> bytes:
        lines = data.split(b"\n")
        sep = b";" if b";" in lines[0] else b","
        cells = lines[0].split(sep)
        rnd = self.random
        what = rnd.randrange(5)
        if what == 0 and cells:
            del cells[rnd.randrange(len(cells))]
        elif what == 1 and cells:
            cells[rnd.randrange(len(cells))] = rnd.choice(
                [
                    b"Case ID",
                    b"ACTIVITY",
                    b" timestamp ",
                    b"time",
                    b"",
                    b"case",
                    b"\xef\xbb\xbfcase",
                ]
            )
        elif what == 2:
            cells.append(rnd.choice([b"extra", b"case", b"activity", b"x" * 300]))
        elif what == 3:
            sep = rnd.choice([b"\t", b"|", b";", b","])
            lines = [line.replace(b",", sep).replace(b";", sep) for line in lines]
            return b"\n".join(lines)
        else:
            lines[0] = b""
        lines[0] = sep.join(cells)
        return b"\n".join(lines)

    def _xes_value(self, data: bytes) -> bytes:
        starts = [i for i in range(len(data)) if data.startswith(b'value="', i)]
        if not starts:
            return data
        at = self.random.choice(starts) + len(b'value="')
        end = data.find(b'"', at)
        value = self.random.choice(NASTY_FIELDS)
        escaped = (
            value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            if self.random.random() < 0.7
            else value
        ).encode()
        if self.random.random() < 0.2:
            escaped += str(self.random.randrange(10**6)).encode()
        return data[:at] + escaped + data[end:]

    def _xes_structure(self, data: bytes) -> bytes:
        rnd = self.random
        pieces = [
            b"<trace></trace>",
            b"<event></event>",
            b'<event><string key="concept:name" value="Loose"/></event>',
            b"<trace><trace><event/></trace></trace>",
            b'<string key="concept:name" value="dup"/><string key="concept:name" value="dup2"/>',
            b'<date key="time:timestamp" value="2024-03-01T09:00:00"/>',
            b'<date key="time:timestamp" value="not a date"/>',
            b'<int key="rating" value="12"/>',
            b'<float key="rating" value="NaN"/>',
            b'<string key="persona"/>',
            b'<list key="l"><values><string key="a" value="b"/></values></list>',
            b'<global scope="trace"><string key="concept:name" value="g"/></global>',
            b"<x:event xmlns:x='urn:x'></x:event>",
            b"<trace>",
            b"</trace>",
            b"</event>",
            b"</log>",
            b"<![CDATA[ <event> ]]>",
            b"<?pi data?>",
            b"&undefined;",
            b"&#x1b;",
        ]
        what = rnd.randrange(4)
        if what == 0:
            at = rnd.randint(0, len(data))
            return data[:at] + rnd.choice(pieces) + data[at:]
        if what == 1:  # a document type with entities (bounded expansion)
            entities = (
                b'<!DOCTYPE log [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
            )
            body = data.split(b"?>", 1)[-1]
            body = body.replace(b'value="Browse"', b'value="&d;"', 1)
            return b'<?xml version="1.0"?>' + entities + body
        if what == 2:  # deep nesting
            depth = rnd.choice([10, 100, 1000, 5000])
            at = data.find(b"<trace>")
            at = at if at >= 0 else len(data)
            return data[:at] + b"<event>" * depth + b"</event>" * depth + data[at:]
        # many traces sharing one name
        start, end = data.find(b"<trace>"), data.find(b"</trace>")
        if start < 0 or end < 0:
            return data
        trace = data[start : end + len(b"</trace>")]
        return data[:start] + trace * rnd.choice([2, 50, 500]) + data[start:]

    # ---- running them -----------------------------------------------------------------
    def run(
        self,
        inputs: int,
        *,
        report_every: int = 0,
        on_failure: Callable[[int, str, bytes], None] | None = None,
    ) -> Tally:
        tally = Tally()
        began = time.perf_counter()
        for i in range(inputs):
            suffix, data = self.make()
            took, problem = self.one(i, suffix, data, tally)
            tally.inputs += 1
            tally.slowest = max(tally.slowest, took)
            if problem:
                tally.failures.append((i, problem, data))
                if on_failure:
                    on_failure(i, problem, data)
            tally.seconds = time.perf_counter() - began
            if report_every and (i + 1) % report_every == 0:
                print(f"{i + 1}: {tally.line()}", flush=True)
        tally.seconds = time.perf_counter() - began
        return tally

    def one(self, i: int, suffix: str, data: bytes, tally: Tally) -> tuple[float, str | None]:
        path = self.folder / f"log{i % 8}{suffix}"
        path.write_bytes(data)
        began = time.perf_counter()
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        try:
            problem = self._pipeline(str(path), tally)
        except Timeout:
            problem = f"took more than {self.timeout:g} s"
        except RecursionError:
            problem = "RecursionError"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            path.unlink(missing_ok=True)
        return time.perf_counter() - began, problem

    def _pipeline(self, path: str, tally: Tally) -> str | None:
        try:
            log = read_log(path)
        except LogError as err:
            tally.refused += 1
            if not str(err).strip():
                return "LogError without a message"
            return None
        except Exception as err:
            return f"read: {type(err).__name__}: {err}"[:500]
        tally.read += 1
        try:
            found = discover(log)
        except Exception as err:
            return f"discover: {type(err).__name__}: {err}"[:500]
        loaded = load("discovered.journey", data=found.source.encode("utf-8"))
        errors = [d for d in loaded.diagnostics if d.severity == "error"]
        if errors or loaded.journey is None:
            first = errors[0] if errors else None
            return f"the discovered journey fails check: {first.message if first else '?'}"
        try:
            mapping = map_activities(loaded.journey, log.activities(), None, "")
            conform(loaded.journey, log, mapping)
        except LogError:
            pass
        except Exception as err:
            return f"conform: {type(err).__name__}: {err}"[:500]
        tally.discovered += 1
        return None

    def close(self) -> None:
        for child in self.folder.iterdir():
            child.unlink()
        self.folder.rmdir()


def _alarm(signum, frame) -> None:
    raise Timeout()
