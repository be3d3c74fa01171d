"""A readable map from a log: activities renamed, merged or ignored by a mapping, and the
rare paths left out so that the paths kept cover a chosen share of cases.

Both make a new log of the same cases' visits; discovery reads its flow, touchpoints and
times from it, and its arrivals and repeat visits from every case of the original (a
case on a rare path is still a customer who arrived).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from .cases import Case, Log, listed
from .mapping import label


def mapped_log(log: Log, mapping: dict[str, str]) -> tuple[Log, list[str]]:
    """Each activity renamed as `mapping` says (several to one merges them; an empty name
    ignores the activity); activities it does not name stay as they are."""
    cases = []
    ignored: Counter = Counter()
    for case in log.cases:
        visits = []
        for v in case.visits:
            name = mapping.get(v.activity, v.activity)
            if name:
                visits.append(replace(v, activity=name))
            else:
                ignored[v.activity] += 1
        if visits:
            cases.append(Case(case.id, case.customer, case.persona, visits))
    notes = [
        f"activity {label(a)} ignored by the mapping ({n:,} events)"
        for a, n in sorted(ignored.items())
    ]
    merged = Counter(name for name in mapping.values() if name)
    notes += [
        f"touchpoint {name}: {n} activities merged by the mapping"
        for name, n in sorted(merged.items())
        if n > 1
    ]
    return replace(log, cases=cases), notes


def common_paths(log: Log, share: float) -> tuple[Log, str | None]:
    """The cases on the most frequent paths (sequences of activities) that together cover
    at least `share` of the cases (ties by the path itself), and what was left out."""
    variants = Counter(tuple(c.path) for c in log.cases)
    ranked = sorted(variants.items(), key=lambda kv: (-kv[1], kv[0]))
    need = share * len(log.cases)
    kept: set[tuple[str, ...]] = set()
    covered = 0
    for path, n in ranked:
        if covered >= need:
            break
        kept.add(path)
        covered += n
    if len(kept) == len(variants):
        return log, None
    cases = [c for c in log.cases if tuple(c.path) in kept]
    before = log.activities()
    after = Counter(v.activity for c in cases for v in c.visits)
    gone = sorted(set(before) - set(after))
    left = len(log.cases) - len(cases)
    note = (
        f"--min-share {share:.0%}: kept the {len(kept):,} most frequent of {len(variants):,} "
        f"paths ({len(cases):,} of {len(log.cases):,} cases, {len(cases) / len(log.cases):.1%}); "
        f"{left:,} cases on {len(variants) - len(kept):,} rarer paths left out of the flow "
        "and times (arrivals still count them)"
        + (f"; activities only on those paths: {listed(label(a) for a in gone)}" if gone else "")
    )
    return replace(log, cases=cases), note
