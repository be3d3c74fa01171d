"""Discover on a generated CSV log of many distinct activities, one core.

Run: .venv/bin/python benchmarks/bench_alphabet.py [ACTIVITIES]
The log has four events per activity (cases of four random activities each, the first
activity of case c being c's own, so every activity occurs). Reports the seconds to
read it, to refuse it (more activities than a discovered map may have), to discover
with every activity kept (`top=ACTIVITIES`: refused, as more than 10,000 steps follow
the start or the file would pass 5 MB), with the 5,000 and with the 200 most frequent;
and the size of each journey written.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from cxjourney.logs.discover import DiscoverOptions, TooLarge, discover
from cxjourney.logs.read import read_log


def write_log(path: Path, activities: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    rows = ["case,activity,timestamp"]
    t = 0
    for case in range(activities):
        for k in range(4):
            t += 1
            rows.append(f"c{case},act {case if k == 0 else rng.randrange(activities)},{t}")
    path.write_text("\n".join(rows) + "\n")
    return len(rows) - 1


def timed(label: str, action):
    begin = time.perf_counter()
    try:
        result = action()
        outcome = ""
    except TooLarge as err:
        result, outcome = None, f" refused: {str(err)[:90]}..."
    print(f"{label}: {time.perf_counter() - begin:.2f} s{outcome}")
    return result


def main(activities: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alphabet.csv"
        events = write_log(path, activities)
        print(f"{activities:,} activities, {events:,} events, {path.stat().st_size:,} bytes")
        log = timed("read", lambda: read_log(str(path)))
        timed("discover (every activity)", lambda: discover(log, DiscoverOptions()))
        for top in (activities, 5000, 200):
            found = timed(
                f"discover top={top:,}", lambda t=top: discover(log, DiscoverOptions(top=t))
            )
            if found is not None:
                print(f"  journey: {len(found.source.encode()):,} bytes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
