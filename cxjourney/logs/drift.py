"""Did the process change at the split? Tests of the cases before against those after.

A backtest assumes the cases after the split follow the process of those before; when
it misses, this says whether the process itself changed, and what. Two families of
tests, every p-value adjusted together by Holm's method (family-wise error 5%):

* for each activity, the share of cases that contain it, before against after: a
  chi-square test of the 2×2 table (Fisher's exact test when an expected count is
  under 5). Cases, not events, are the units: the events of one case are not
  independent draws;
* case durations (first event to last) and, per activity, service times where the log
  has them: the Mann-Whitney U test, which needs no family of distribution and is not
  swayed by a few long cases.

A case that starts late may still be running when the log ends, and its duration is cut
short; durations are therefore compared only over cases that start at least the 95th
percentile of the earlier cases' durations before the log's last event, on both sides.
The rate of new cases is not tested: on a map whose customers return, it grows with the
number of customers, which is the process working as drawn, not a change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from . import text
from .cases import Case, Log
from .intervals import holm

ALPHA = 0.05
MIN_CASES = 10  # fewer on a side: no test


@dataclass
class Finding:
    what: str  # "cases with Pay", "case duration", "service of Pay"
    test: str  # chi-square | fisher | mann-whitney
    before: float  # share, or median minutes
    after: float
    unit: str  # share | minutes
    p: float
    adjusted: float = 1.0
    mean_before: float = 0.0  # durations: the means beside the medians
    mean_after: float = 0.0

    @property
    def changed(self) -> bool:
        return self.adjusted <= ALPHA

    def said(self) -> str:
        if self.unit == "minutes":
            before = f"median {_duration(self.before)} (mean {_duration(self.mean_before)})"
            after = f"median {_duration(self.after)} (mean {_duration(self.mean_after)})"
        else:
            before, after = _percent(self.before), _percent(self.after)
        return (
            f"{self.what}: {before} before the split, {after} after "
            f"({self.test}, {_p(self.adjusted)} after Holm's adjustment)"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "test": self.test,
            "before": round(self.before, 6),
            "after": round(self.after, 6),
            "unit": self.unit,
            "p": self.p,
            "p_adjusted": self.adjusted,
            "changed": self.changed,
        }


@dataclass
class Drift:
    findings: list[Finding]

    @property
    def changed(self) -> list[Finding]:
        return sorted((f for f in self.findings if f.changed), key=lambda f: (f.adjusted, f.what))

    def as_dict(self) -> dict[str, Any]:
        return {
            "tests": len(self.findings),
            "changed": [f.as_dict() for f in self.changed],
        }

    def lines(self) -> list[str]:
        if not self.findings:
            return ["drift: too few cases on a side of the split to test"]
        if not self.changed:
            return [
                f"drift: no change found at the split ({len(self.findings)} tests of activity "
                "shares and durations, 5% family-wise)"
            ]
        head = f"drift: the process changed at the split ({len(self.changed)} of "
        head += f"{len(self.findings)} tests, 5% family-wise):"
        return [head] + [f"  {f.said()}" for f in self.changed]


def drift(before: Log, after: Log) -> Drift:
    """Test the cases of `before` against those of `after` (the same log, split in time)."""
    if len(before.cases) < MIN_CASES or len(after.cases) < MIN_CASES:
        return Drift([])
    findings = _activity_shares(before.cases, after.cases)
    last = max(before.last, after.last)
    findings += _durations(before.cases, after.cases, last)
    for finding, adjusted in zip(findings, holm([f.p for f in findings]), strict=True):
        finding.adjusted = adjusted
    return Drift(findings)


def _activity_shares(before: list[Case], after: list[Case]) -> list[Finding]:
    from scipy.stats import chi2_contingency, fisher_exact

    had_before = Counter(a for c in before for a in {v.activity for v in c.visits})
    had_after = Counter(a for c in after for a in {v.activity for v in c.visits})
    n1, n2 = len(before), len(after)
    out = []
    for activity in sorted(set(had_before) | set(had_after)):
        a, b = had_before[activity], had_after[activity]
        if (a == n1 and b == n2) or a + b == 0:
            continue  # in every case on both sides: nothing to compare
        table = [[a, n1 - a], [b, n2 - b]]
        total = n1 + n2
        expected = min(
            (a + b) * n1 / total, (a + b) * n2 / total,
            (total - a - b) * n1 / total, (total - a - b) * n2 / total,
        )  # fmt: skip
        if expected < 5:
            p, test = float(fisher_exact(table)[1]), "Fisher's exact test"
        else:
            p, test = float(chi2_contingency(table)[1]), "chi-square"
        out.append(Finding(f"cases with {activity}", test, a / n1, b / n2, "share", p))
    return out


def _durations(before: list[Case], after: list[Case], last: float) -> list[Finding]:
    lengths = sorted(case_duration(c) for c in before)
    cut = last - lengths[int(0.95 * (len(lengths) - 1))]
    done_before = [c for c in before if c.start <= cut]
    done_after = [c for c in after if c.start <= cut]
    out = []
    test = _compare("case duration", [case_duration(c) for c in done_before],
                    [case_duration(c) for c in done_after])  # fmt: skip
    if test:
        out.append(test)
    services: dict[str, tuple[list[float], list[float]]] = {}
    for side, cases in ((0, before), (1, after)):
        for c in cases:
            for v in c.visits:
                if (s := v.service) is not None:
                    services.setdefault(v.activity, ([], []))[side].append(s)
    for activity in sorted(services):
        test = _compare(f"service of {activity}", *services[activity])
        if test:
            out.append(test)
    return out


def _compare(what: str, first: list[float], second: list[float]) -> Finding | None:
    from scipy.stats import mannwhitneyu

    if len(first) < MIN_CASES or len(second) < MIN_CASES:
        return None
    if len(set(first) | set(second)) < 2:
        return None  # every value the same: nothing to test
    p = float(mannwhitneyu(first, second, alternative="two-sided").pvalue)
    return Finding(
        what, "Mann-Whitney", _median(first), _median(second), "minutes", p,
        mean_before=sum(first) / len(first), mean_after=sum(second) / len(second),
    )  # fmt: skip


def case_duration(case: Case) -> float:
    """Minutes from the case's first event to its last (the last visit's end if known)."""
    ends = [v.end if v.end is not None else v.time for v in case.visits]
    return max(ends) - case.start


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _percent(share: float) -> str:
    return f"{100 * share:.1f}%"


def _p(p: float) -> str:
    return f"p = {p:.2g}" if p >= 1e-4 else "p < 0.0001"


def _duration(minutes: float) -> str:
    return text.duration(minutes) if minutes > 0 else "0 min"
