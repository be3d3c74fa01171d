"""Results as a readable text table, with 95% intervals and a verdict per scenario."""

from __future__ import annotations

from typing import Any

from ..queueing import busy_words
from ..results import METRICS
from ..sim import stats

_PERCENT = {"completion", "abandonment", "promoters", "detractors", "retention"}
_COUNT = {"journeys", "active", "referrals"}


def fmt_value(metric: str, x: float | None, *, signed: bool = False) -> str:
    if x is None:
        return "–"
    sign = "+" if signed else ""
    if metric in _PERCENT:
        # a change in a share is in percentage points: 40% → 43% is +3.0 pts, not +3.0%
        return f"{x * 100:{sign},.1f} pts" if signed else f"{x * 100:,.1f}%"
    if metric in _COUNT or metric == "revenue":
        return f"{x:{sign},.0f}"
    if metric == "nps":
        return f"{x:{sign}.1f}"
    return f"{x:{sign}.2f}"


def fmt_interval(metric: str, v: dict[str, Any], *, signed: bool = False) -> str:
    if v["mean"] is None:
        return "–"
    mean = fmt_value(metric, v["mean"], signed=signed)
    if v["low"] is None or v["low"] == v["high"]:
        return mean
    low = fmt_value(metric, v["low"], signed=signed)
    high = fmt_value(metric, v["high"], signed=signed)
    if mean.endswith(" pts"):  # the unit once: +2.3 [+2.1, +2.4] pts
        return f"{mean[:-4]} [{low[:-4]}, {high[:-4]}] pts"
    return f"{mean} [{low}, {high}]"


def fmt_roi(value: dict[str, Any]) -> str:
    """ROI = (Δrevenue − cost) / cost as a percentage, with its interval: one spelling for
    the terminal and the report (−85%: the revenue won back covers 15% of the cost)."""
    mean, low, high = value.get("mean"), value.get("low"), value.get("high")
    if mean is None:
        return "–"
    text = f"{mean * 100:+,.0f}%"
    if low is None or high is None or low == high:
        return text
    return f"{text} [{low * 100:+,.0f}%, {high * 100:+,.0f}%]"


def verdict(delta: dict[str, Any], replications: int = 2) -> str:
    """higher / lower / not distinguishable, from the delta's 95% interval."""
    word = stats.verdict(delta, replications, "higher", "lower")
    return "–" if word in ("no value", "no interval") else word


def table(
    results: dict[str, Any], labels: dict[str, str] | None = None, objective: str = "nps"
) -> str:
    from ..decide.compare import verdict_line
    from ..decide.objective import from_entry
    from ..decide.objective import verdict as objective_verdict

    labels = labels or {}
    scenarios = results["scenarios"]
    base = scenarios["baseline"]
    n = results["replications"]
    lines = [
        f"{results['journey']}: {stats.replication_count(n)}, seed {results['seed']}, "
        f"horizon {results['horizon_days']} days; "
        + (
            "means with 95% intervals"
            if n >= 2
            else "means only: one replication gives no interval and no verdict (run -n 2 or more)"
        ),
        "",
    ]
    if "sequential" in results:
        note = results["sequential"]
        lines.insert(
            1,
            f"adaptive: {stats.replication_count(note['replications'])} of at most "
            f"{note['maximum']}, "
            + (
                f"{note['objective']} known to ±{note['precision']:g} (95%)"
                if note["settled"]
                else f"the maximum reached before {note['objective']} was known to "
                f"±{note['precision']:g}"
            ),
        )
    rows = [["metric", "baseline"]]
    for metric in METRICS:
        rows.append([metric, fmt_interval(metric, base["metrics"][metric])])
    lines += _grid(rows)
    for name, entry in scenarios.items():
        if name == "baseline":
            continue
        lines.append("")
        title = labels.get(name, name)
        cost = entry.get("cost", 0)
        roi = entry.get("roi", {})
        roi_text = f", ROI {fmt_roi(roi)}" if roi.get("mean") is not None else ""
        lines.append(f"scenario {name}: {title} (cost {cost:,.0f}{roi_text})")
        rows = [["metric", "scenario", "change vs baseline", "verdict"]]
        for metric in METRICS:
            delta = entry["delta"][metric]
            rows.append(
                [
                    metric,
                    fmt_interval(metric, entry["metrics"][metric]),
                    fmt_interval(metric, delta, signed=True),
                    verdict(delta, n),
                ]
            )
        lines += _grid(rows)
        effect = from_entry(objective, entry)
        row = {
            "scenario": name,
            "effect": effect,
            "verdict": objective_verdict(effect, results["replications"]),
        }
        lines.append("verdict: " + verdict_line(row, objective, results["replications"]))
    lines.append("")
    lines.append("touchpoints (baseline)")
    rows = [
        ["touchpoint", "visits", "wait (min)", "busy", "walk-outs", "experience", "peak", "trough"]
    ]
    for tp, v in base["touchpoints"].items():
        rows.append(
            [
                tp,
                f"{v['visits']:,.0f}",
                "–" if v.get("wait_mean") is None else f"{v['wait_mean']:.2f}",
                busy_words(v.get("utilisation")),
                f"{v['abandon_rate'] * 100:.1f}%",
                "–" if v["experience_mean"] is None else f"{v['experience_mean']:+.2f}",
                f"{v['peak_share'] * 100:.1f}%",
                f"{v['trough_share'] * 100:.1f}%",
            ]
        )
    lines += _grid(rows)
    return "\n".join(lines) + "\n"


def _grid(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out
