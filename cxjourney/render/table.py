"""Results as a readable text table, with 95% intervals and a verdict per scenario.

Also the spellings every text of the package shares: numbers and intervals in each
metric's units (`fmt_value`, `fmt_interval`, `fmt_effect`, `fmt_roi`), amounts and
shares (`amount`, `percent`), and the one text grid (`grid`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..queueing import busy_words
from ..results import METRICS, Interval, IntervalLike, effect_of
from ..sim import stats
from .duration import busy_hour, duration, duration_interval, horizon

_PERCENT = {"completion", "abandonment", "promoters", "detractors", "retention"}
_COUNT = {"journeys", "active", "referrals"}

#: Journey durations (minutes, start to end of journeys that ended within the horizon),
#: shown after METRICS when a results file has them, with the words a table uses.
DURATIONS = {
    "duration_mean": "duration (mean)",
    "duration_median": "duration (median)",
    "duration_p90": "duration (90th pct)",
}
#: Why a duration has no value: only journeys that ended are timed.
NO_DURATION = "– (none ended)"


def shown_metrics(metrics: dict[str, Any]) -> tuple[str, ...]:
    """METRICS, then the journey durations the results hold (older files have none)."""
    return METRICS + tuple(m for m in DURATIONS if m in metrics)


def metric_name(metric: str) -> str:
    return DURATIONS.get(metric, metric)


def amount(x: float) -> str:
    """A cost or a budget in whole units of the journey's currency: "12,500". (The HTML
    report abbreviates amounts and names the currency: `page.money`.)"""
    return f"{x:,.0f}"


def percent(x: float | None) -> str:
    """A share as a percentage: "43.1%"; "–" without a value."""
    return "–" if x is None else f"{x * 100:.1f}%"


def fmt_value(metric: str, x: float | None, *, signed: bool = False) -> str:
    if x is None:
        return "–"
    if metric in DURATIONS:
        return duration(x, signed=signed)
    sign = "+" if signed else ""
    if metric in _PERCENT:
        # a change in a share is in percentage points: 40% → 43% is +3.0 pts, not +3.0%
        return f"{x * 100:{sign},.1f} pts" if signed else f"{x * 100:,.1f}%"
    if metric in _COUNT or metric == "revenue":
        return f"{x:{sign},.0f}"
    if metric == "nps":
        return f"{x:{sign}.1f}"
    return f"{x:{sign}.2f}"


def fmt_interval(metric: str, v: IntervalLike | None, *, signed: bool = False) -> str:
    """A mean with its interval in the metric's units: "+2.3 [+2.1, +2.4] pts"."""
    v = Interval.of(v)
    if metric in DURATIONS:
        if v.mean is None:
            return NO_DURATION
        return duration_interval(v, signed=signed)
    if v.mean is None:
        return "–"
    mean = fmt_value(metric, v.mean, signed=signed)
    if v.low is None or v.low == v.high:
        return mean
    low = fmt_value(metric, v.low, signed=signed)
    high = fmt_value(metric, v.high, signed=signed)
    if mean.endswith(" pts"):  # the unit once: +2.3 [+2.1, +2.4] pts
        return f"{mean[:-4]} [{low[:-4]}, {high[:-4]}] pts"
    return f"{mean} [{low}, {high}]"


def fmt_roi(value: IntervalLike) -> str:
    """ROI = (Δrevenue − cost) / cost as a percentage, with its interval: one spelling for
    the terminal and the report (−85%: the revenue won back covers 15% of the cost)."""
    value = Interval.of(value)
    mean, low, high = value.mean, value.low, value.high
    if mean is None:
        return "–"
    text = f"{mean * 100:+,.0f}%"
    if low is None or high is None or low == high:
        return text
    return f"{text} [{low * 100:+,.0f}%, {high * 100:+,.0f}%]"


def verdict(delta: IntervalLike | None, replications: int = 2, metric: str = "") -> str:
    """higher / lower / not distinguishable, from the delta's 95% interval.

    A journey duration is longer or shorter rather than higher or lower."""
    if delta is None:
        return "–"
    words = ("longer", "shorter") if metric in DURATIONS else ("higher", "lower")
    word = stats.verdict(delta, replications, *words)
    return "–" if word in ("no value", "no interval") else word


def table(
    results: dict[str, Any], labels: dict[str, str] | None = None, objective: str = "nps"
) -> str:
    labels = labels or {}
    scenarios = results["scenarios"]
    base = scenarios["baseline"]
    n = results["replications"]
    lines = [
        f"{results['journey']}: {stats.replication_count(n)}, seed {results['seed']}, "
        f"horizon {horizon(results['horizon_days'])}; "
        + (
            "means with 95% intervals"
            if n >= 2
            else "means only: one replication gives no interval and no verdict (run -n 2 or more)"
        ),
        "",
    ]
    if "sequential" in results:
        lines.insert(1, _adaptive_note(results["sequential"]))
    flagged = {m: f["reason"] for f in results.get("assumed", ()) for m in f["metrics"]}
    rows = [["metric", "baseline"]]
    for metric in shown_metrics(base["metrics"]):
        name = metric_name(metric) + (" *" if metric in flagged else "")
        rows.append([name, fmt_interval(metric, base["metrics"][metric])])
    lines += grid(rows)
    for reason in dict.fromkeys(flagged.values()):
        lines.append(f"* {reason}")
    for name, entry in scenarios.items():
        if name == "baseline":
            continue
        lines.append("")
        title = labels.get(name, name)
        cost = entry.get("cost", 0)
        roi = Interval.of(entry.get("roi"))
        roi_text = f", ROI {fmt_roi(roi)}" if roi.mean is not None else ""
        lines.append(f"scenario {name}: {title} (cost {amount(cost)}{roi_text})")
        rows = [["metric", "scenario", "change vs baseline", "verdict"]]
        for metric in shown_metrics(entry["metrics"]):
            delta = entry["delta"].get(metric)
            rows.append(
                [
                    metric_name(metric),
                    fmt_interval(metric, entry["metrics"][metric]),
                    _change(metric, delta, entry["metrics"][metric], base["metrics"].get(metric)),
                    verdict(delta, n, metric),
                ]
            )
        lines += grid(rows)
        effect = effect_of(objective, entry)
        row = {
            "scenario": name,
            "effect": effect,
            "verdict": stats.effect_verdict(effect, results["replications"]),
        }
        lines.append("verdict: " + verdict_line(row, objective, results["replications"]))
    lines.append("")
    lines.append("touchpoints (baseline)")
    lines += grid(touchpoint_rows(base["touchpoints"]))
    lines.append(TOUCHPOINT_NOTE)
    return "\n".join(lines) + "\n"


#: Why the touchpoint figures have no interval.
TOUCHPOINT_NOTE = "(touchpoint figures are means over all replications: no interval is kept)"


def touchpoint_columns(touchpoints: dict[str, Any]) -> tuple[bool, bool]:
    """Whether any touchpoint has a delay before it, and a busiest-hour wait.

    The simulator writes a zero delay for every touchpoint of a journey that takes time
    somewhere; a column of zeros says nothing, so it shows only when some delay is not."""
    values = list(touchpoints.values())
    delays = any(v.get("delay_mean") for v in values)
    busiest = any(v.get("wait_busy_mean") is not None for v in values)
    return delays, busiest


def delay(values: dict[str, Any]) -> str:
    """The mean time before a visit; "–" for a touchpoint no delay leads to."""
    return duration(values.get("delay_mean") or None)


def busiest_wait(values: dict[str, Any]) -> str:
    """The queue wait of visits in the week's busiest hour: "12 min (Mon 9:00)"."""
    wait = values.get("wait_busy_mean")
    if wait is None:
        return "–"
    hour = values.get("busy_hour")
    return duration(wait) + ("" if hour is None else f" ({busy_hour(hour)})")


def touchpoint_rows(touchpoints: dict[str, Any]) -> list[list[str]]:
    """The baseline's touchpoints as rows; delay and busiest-hour wait when results have them."""
    delays, busiest = touchpoint_columns(touchpoints)
    header = ["touchpoint", "visits", *(["delay"] * delays), "wait"]
    header += ["busiest-hour wait"] * busiest
    header += ["busy", "walk-outs", "experience", "peak", "trough"]
    rows = [header]
    for tp, v in touchpoints.items():
        rows.append(
            [
                tp,
                f"{v['visits']:,.0f}",
                *([delay(v)] * delays),
                duration(v.get("wait_mean")),
                *([busiest_wait(v)] * busiest),
                busy_words(v.get("utilisation")),
                percent(v["abandon_rate"]),
                "–" if v["experience_mean"] is None else f"{v['experience_mean']:+.2f}",
                percent(v["peak_share"]),
                percent(v["trough_share"]),
            ]
        )
    return rows


def _change(
    metric: str,
    delta: IntervalLike | None,
    after: IntervalLike | None,
    before: IntervalLike | None,
) -> str:
    """The change against the baseline, or why there is none."""
    if delta is not None:
        if metric in DURATIONS and Interval.of(delta).mean is None:
            return NO_DURATION
        return fmt_interval(metric, delta, signed=True)
    if Interval.of(after).mean is None or Interval.of(before).mean is None:
        return NO_DURATION
    return "– (not paired)"


def grid(rows: list[list[str]], right: Collection[int] | None = None) -> list[str]:
    """The one text grid: a header row, a rule under it, columns padded to width.

    `right` holds the columns aligned right; by default every column but the first
    (a name, then numbers)."""
    if right is None:
        right = range(1, len(rows[0]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def _adaptive_note(note: dict[str, Any]) -> str:
    """How many replications an adaptive run took, and why it stopped there."""
    head = (
        f"adaptive: {stats.replication_count(note['replications'])} of at most {note['maximum']}, "
    )
    objective = note["objective"]
    if note.get("rule") == "verdicts":
        if note["settled"]:
            return head + f"stopped when {objective} and every verdict on it were settled"
        return head + f"the maximum reached before every verdict on {objective} was settled"
    if note["settled"]:
        return head + f"{objective} known to ±{note['precision']:g} (95%)"
    return head + f"the maximum reached before {objective} was known to ±{note['precision']:g}"


def verdict_line(row: dict[str, Any], objective: str, replications: int) -> str:
    """One sentence per scenario: better, worse or not distinguishable, and at what n."""
    effect = Interval.of(row["effect"])
    name = row["scenario"]
    if effect.mean is None:
        return f"{name}: no {objective} effect can be computed for this scenario"
    if replications < 2:
        return f"{name}: one replication gives no interval; run at least 2 to judge"
    shown = fmt_effect(objective, effect)
    verdict = row["verdict"]
    if verdict == "not distinguishable":
        return (
            f"{name}: not distinguishable from the baseline on {objective} at "
            f"{replications} replications ({shown})"
        )
    return f"{name}: {verdict} than the baseline on {objective}, {shown}"


def fmt_effect(objective: str, value: IntervalLike) -> str:
    """A signed effect with its interval, in the objective's own units."""
    if objective == "roi":
        return fmt_roi(value)
    return fmt_interval(objective, value, signed=True)
