"""How long the language server takes to check a 1,000-line journey after the first parse.

Run: .venv/bin/python benchmarks/bench_lsp.py [LINES]
Measures what happens on every keystroke in an editor: the diagnostics (the same
`load` as `cxjourney check`) and the text index that hover, completion and
navigation read. The target is under 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types

from cxjourney.lsp import index
from cxjourney.lsp.features import Codec, diagnostics, symbols

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_parse import generate


def journey_of(lines: int) -> str:
    touchpoints = 10
    while generate(touchpoints).count("\n") < lines:
        touchpoints += 1
    return generate(touchpoints)


def main() -> None:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    text = journey_of(wanted)
    uri = "untitled:generated.journey"
    codec = Codec()
    diagnostics(uri, text, codec)  # the first parse builds the parser
    edited = text.replace("expect 3.5", "expect 3.6", 1)
    timings = {"diagnostics": [], "index + outline": []}
    for _ in range(15):
        start = time.perf_counter()
        found = diagnostics(uri, edited, codec)
        timings["diagnostics"].append(time.perf_counter() - start)
        assert found[uri] == [], found[uri][:3]
        start = time.perf_counter()
        outline = symbols(index.build(edited), codec)
        timings["index + outline"].append(time.perf_counter() - start)
        assert isinstance(outline[0], types.DocumentSymbol)
    print(f"{text.count(chr(10))} lines, median of 15 runs after the first parse")
    for name, values in timings.items():
        print(f"  {name:16} {statistics.median(values) * 1000:6.1f} ms")
    total = statistics.median(
        [a + b for a, b in zip(timings["diagnostics"], timings["index + outline"], strict=True)]
    )
    print(f"  {'per keystroke':16} {total * 1000:6.1f} ms  (target: under 100 ms)")


if __name__ == "__main__":
    main()
