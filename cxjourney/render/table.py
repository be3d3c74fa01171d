"""Results as a readable text table, with 95% intervals and a verdict per scenario."""

from __future__ import annotations

from typing import Any

from ..results import METRICS

_PERCENT = {"completion", "abandonment", "promoters", "detractors", "retention"}
_COUNT = {"journeys", "active", "referrals"}


def fmt_value(metric: str, x: float | None, *, signed: bool = False) -> str:
    if x is None:
        return "–"
    sign = "+" if signed else ""
    if metric in _PERCENT:
        return f"{x * 100:{sign},.1f}%"
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
    return f"{mean} [{low}, {high}]"


def verdict(delta: dict[str, Any]) -> str:
    """better / worse / not distinguishable, from the delta's 95% interval."""
    low, high = delta.get("low"), delta.get("high")
    if low is None or high is None:
        return "–"
    if low > 0:
        return "higher"
    if high < 0:
        return "lower"
    return "not distinguishable"


def table(
    results: dict[str, Any], labels: dict[str, str] | None = None, objective: str = "nps"
) -> str:
    from ..decide.compare import verdict_line
    from ..decide.objective import from_entry
    from ..decide.objective import verdict as objective_verdict

    labels = labels or {}
    scenarios = results["scenarios"]
    base = scenarios["baseline"]
    lines = [
        f"{results['journey']}: {results['replications']} "
        f"replication{'s' if results['replications'] != 1 else ''}, seed {results['seed']}, "
        f"horizon {results['horizon_days']} days; means with 95% intervals",
        "",
    ]
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
        roi_text = (
            f", ROI {roi['mean']:+.2f} [{roi['low']:+.2f}, {roi['high']:+.2f}]"
            if roi.get("mean") is not None and roi.get("low") is not None
            else ""
        )
        lines.append(f"scenario {name}: {title} (cost {cost:,.0f}{roi_text})")
        rows = [["metric", "scenario", "change vs baseline", "verdict"]]
        for metric in METRICS:
            delta = entry["delta"][metric]
            rows.append(
                [
                    metric,
                    fmt_interval(metric, entry["metrics"][metric]),
                    fmt_interval(metric, delta, signed=True),
                    verdict(delta),
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
    rows = [["touchpoint", "visits", "wait (min)", "walk-outs", "experience", "peak", "trough"]]
    for tp, v in base["touchpoints"].items():
        rows.append(
            [
                tp,
                f"{v['visits']:,.0f}",
                "–" if v.get("wait_mean") is None else f"{v['wait_mean']:.2f}",
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
