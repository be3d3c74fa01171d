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
    wall: dict[str, list[float]] = {"diagnostics": [], "index + outline": []}
    cpu: dict[str, list[float]] = {"diagnostics": [], "index + outline": []}

    def timed(name: str, action):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall[name].append(time.perf_counter() - start)
        cpu[name].append(time.process_time() - start_cpu)
        return result

    for _ in range(15):
        found = timed("diagnostics", lambda: diagnostics(uri, edited, codec))
        assert found[uri] == [], found[uri][:3]
        outline = timed("index + outline", lambda: symbols(index.build(edited), codec))
        assert isinstance(outline[0], types.DocumentSymbol)
    print(f"{text.count(chr(10))} lines, median of 15 runs after the first parse (wall, CPU)")
    for name in wall:
        print(
            f"  {name:16} {statistics.median(wall[name]) * 1000:6.1f} ms"
            f"  {statistics.median(cpu[name]) * 1000:6.1f} ms"
        )
    total = statistics.median(
        [a + b for a, b in zip(wall["diagnostics"], wall["index + outline"], strict=True)]
    )
    print(f"  {'per keystroke':16} {total * 1000:6.1f} ms  (wall; target: under 100 ms)")


if __name__ == "__main__":
    main()
