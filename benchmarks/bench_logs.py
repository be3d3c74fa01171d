"""Read + discover + conform on a generated XES log of about 250,000 events, one core.

Run: .venv/bin/python benchmarks/bench_logs.py [EVENTS]
The log is written from a simulation of journeys/clinic_visit.journey: every visit
becomes a `start` and a `complete` event with a time-zoned ISO timestamp and a
resource, in traces of one patient's visit each (plain XES, as exported by process
mining tools). Reports the seconds of each step, in one process.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cxjourney import load
from cxjourney.logs.conform import conform
from cxjourney.logs.discover import discover
from cxjourney.logs.mapping import map_activities
from cxjourney.logs.read import read_log
from cxjourney.sim.experiment import RunSpec, simulate

ROOT = Path(__file__).resolve().parents[1]
BASE = datetime(2024, 1, 1, tzinfo=UTC)


def stamp(minutes: float) -> str:
    return (BASE + timedelta(minutes=minutes)).isoformat(timespec="milliseconds")


def write_xes(events_csv: Path, target: Path, wanted: int) -> int:
    """Simulated visits -> XES with start/complete pairs; stops near `wanted` events."""
    from cxjourney.logs.read import read_log as read

    log = read(str(events_csv))
    written = 0
    resources = defaultdict(int)
    with target.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1849-2016">\n')
        out.write('  <global scope="event">\n    <string key="lifecycle:transition" ')
        out.write('value="complete"/>\n  </global>\n')
        for case in log.cases:
            if written >= wanted:
                break
            out.write(f'  <trace>\n    <string key="concept:name" value="{case.id}"/>\n')
            out.write(f'    <string key="persona" value="{case.persona}"/>\n')
            for v in case.visits:
                resources[v.activity] += 1
                who = f"{v.activity}-{resources[v.activity] % 3}"
                end = v.end if v.end is not None else v.start
                for transition, t in (("start", v.start), ("complete", end)):
                    out.write(
                        "    <event>\n"
                        f'      <string key="concept:name" value="{v.activity}"/>\n'
                        f'      <string key="lifecycle:transition" value="{transition}"/>\n'
                        f'      <string key="org:resource" value="{who}"/>\n'
                        f'      <date key="time:timestamp" value="{stamp(t)}"/>\n'
                        "    </event>\n"
                    )
                    written += 1
            out.write("  </trace>\n")
        out.write("</log>\n")
    return written


def main() -> None:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 250_000
    journey = load(str(ROOT / "journeys" / "clinic_visit.journey")).journey
    with tempfile.TemporaryDirectory() as tmp:
        events_csv = Path(tmp) / "visits.csv"
        xes = Path(tmp) / "clinic.xes"
        weeks = max(1, round(wanted / 250_000 * 40))  # about 7,000 events a week
        simulate(
            journey,
            RunSpec(seed=1, replications=1, horizon=weeks * 7 * 1440.0),
            scenarios=[],
            events=events_csv,
        )
        n = write_xes(events_csv, xes, wanted)
        size = xes.stat().st_size / 1e6
        t0 = time.perf_counter()
        log = read_log(str(xes))
        t1 = time.perf_counter()
        found = discover(log)
        t2 = time.perf_counter()
        discovered = load("-", data=found.source.encode(), name="discovered.journey").journey
        mapping = map_activities(discovered, log.activities())
        result = conform(discovered, log, mapping)
        t3 = time.perf_counter()
    print(f"{n:,} events, {len(log.cases):,} cases, {size:.0f} MB of XES")
    print(f"read     {t1 - t0:6.1f} s  ({n / (t1 - t0):,.0f} events/s)")
    print(f"discover {t2 - t1:6.1f} s")
    print(f"conform  {t3 - t2:6.1f} s  (fitness {result.fitness:.3f})")
    print(f"total    {t3 - t0:6.1f} s")


if __name__ == "__main__":
    main()
