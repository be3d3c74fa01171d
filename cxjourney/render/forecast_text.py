"""The forecast of a journey change (`diff --simulate`) as lines of the diff's text.

`decide.versions.forecast` computes it; its Markdown form, for a pull request, is
`render.diff_markdown`.
"""

from __future__ import annotations

from typing import Any

from ..results import Interval, IntervalLike
from .table import fmt_value

#: Each forecast metric's name in the table.
METRIC_NAMES = {"nps": "NPS", "retention": "retention", "revenue": "revenue"}


def forecast_lines(prediction: dict[str, Any]) -> list[str]:
    """The forecast's heading and its table, each column as wide as its widest cell:
    revenue in the millions, or a wide interval, keeps the columns aligned. A metric that
    comes from the model's defaults rather than the file is marked `*`, with the reason
    under the table, as `simulate` marks it."""
    reps = prediction["replications"]
    flagged = {m for flag in prediction.get("assumed", ()) for m in flag["metrics"]}
    rows = [["metric", "old", "new", "change"]]
    for metric, entry in prediction["metrics"].items():
        rows.append(
            [
                METRIC_NAMES[metric] + (" *" if metric in flagged else ""),
                _interval(metric, entry["old"]),
                _interval(metric, entry["new"]),
                _interval(metric, entry["change"], sign=True),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        f"forecast: baseline of each version, {reps} replication{'s' if reps != 1 else ''} "
        f"paired by seed {prediction['seed']} (95% intervals)",
        *(
            "  "
            + "   ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
            for row in rows
        ),
        *assumed_lines(prediction),
    ]


def assumed_lines(prediction: dict[str, Any], mark: str = "*") -> list[str]:
    """Why some of the forecast comes from the model's defaults, once per reason."""
    reasons = dict.fromkeys(flag["reason"] for flag in prediction.get("assumed", ()))
    return [f"{mark} NPS and retention: {reason}" for reason in reasons]


def _interval(metric: str, entry: IntervalLike, *, sign: bool = False) -> str:
    """A mean and its interval in the metric's units, as the diff has always written
    them: "n/a" without a value, and every figure with its unit ("+2.3 pts [+2.1 pts,
    +2.4 pts]", where the tables' `fmt_interval` writes the unit once)."""
    entry = Interval.of(entry)
    mean, low, high = entry.mean, entry.low, entry.high
    if mean is None:
        return "n/a"
    if low is None or high is None or low == high:
        return fmt_value(metric, mean, signed=sign)
    shown = (fmt_value(metric, v, signed=sign) for v in (mean, low, high))
    return "{} [{}, {}]".format(*shown)
