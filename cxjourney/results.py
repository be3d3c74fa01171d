"""The results contract of docs/model.md: written once here, read back and validated here.

`{"journey", "seed", "replications", "horizon_days", "scenarios": {id: {"metrics",
"touchpoints", and for scenarios "cost", "delta", "roi"}}}`; every metric and delta
is `{"mean", "low", "high"}` (null where undefined).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

METRICS = (
    "journeys",
    "completion",
    "abandonment",
    "satisfaction",
    "nps",
    "promoters",
    "detractors",
    "retention",
    "active",
    "revenue",
    "referrals",
)
#: Present when some step or edge takes time: minutes from a journey's start to its end,
#: over the journeys that ended before the horizon.
DURATION_METRICS = ("duration_mean", "duration_median", "duration_p90")

#: The metrics that rest on what each step delivers against what customers expect.
EXPERIENCE_METRICS = ("satisfaction", "nps", "promoters", "detractors", "retention")


def assumed(journey: Any) -> list[dict[str, Any]]:
    """What of a simulation's output comes from the model's defaults rather than the file.

    A journey in which no touchpoint says what it delivers (`delivers`), nor any
    delighter, disappointer or wait promise (`max_wait`) moves experience, has every
    step deliver what is expected: its satisfaction, NPS and retention are then the
    loyalty model's defaults (a map discovered from a log without ratings), and every
    output says so, so that nobody reads "NPS -18" as a finding.
    """
    touchpoints = journey.touchpoints
    if any(t.delivers is not None or t.events or t.max_wait is not None for t in touchpoints):
        return []
    return [
        {
            "metrics": list(EXPERIENCE_METRICS),
            "reason": "no touchpoint has `delivers`, events or `max_wait`: every step "
            "delivers what is expected, so these come from the model's defaults, not data",
        }
    ]


@dataclass(frozen=True)
class Interval:
    """A mean and its interval, as every metric, delta and effect of the results holds
    them (`{"mean", "low", "high"}`): None where undefined, and low and high None where
    there is no interval (fewer than two replications)."""

    mean: float | None = None
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, value: IntervalLike | None) -> Interval:
        """The interval of a results entry; an Interval is returned as it is, None (no
        entry) as an interval with no value."""
        if isinstance(value, Interval):
            return value
        if value is None:
            return cls()
        return cls(value.get("mean"), value.get("low"), value.get("high"))

    def as_dict(self) -> dict[str, float | None]:
        """The results' form, keys in the contract's order."""
        return {"mean": self.mean, "low": self.low, "high": self.high}

    def side(self, replications: int) -> str:
        """Where the interval lies against zero: above, below, across, none (no interval:
        below two replications, or no bounds), no value."""
        if self.mean is None:
            return "no value"
        if replications < 2 or self.low is None or self.high is None:
            return "none"
        if self.low > 0:
            return "above"
        if self.high < 0:
            return "below"
        return "across"


#: An interval as the results hold it (a dict) or typed; what the readers of results take.
IntervalLike = Interval | Mapping[str, Any]
#: No value: what a scenario without the effect asked for shows.
NO_VALUE = Interval().as_dict()


def effect_of(objective: str, entry: dict[str, Any]) -> dict[str, Any]:
    """An objective's effect in a scenario of the results: its ROI, or its change
    (delta) in the metric; with no value when the scenario has none."""
    if objective == "roi":
        return entry.get("roi", NO_VALUE)
    return entry.get("delta", {}).get(objective, NO_VALUE)


class ResultsError(ValueError):
    """A results file that does not follow the contract."""


def dumps(results: dict[str, Any]) -> str:
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"


def loads(text: str) -> dict[str, Any]:
    try:
        results = json.loads(text)
    except json.JSONDecodeError as err:
        raise ResultsError(f"not JSON: {err}") from None
    validate(results)
    return results


def _interval(value: Any, where: str) -> None:
    if not isinstance(value, dict) or set(value) != {"mean", "low", "high"}:
        raise ResultsError(f"{where} must be {{mean, low, high}}")
    for k, v in value.items():
        if v is not None and not isinstance(v, int | float):
            raise ResultsError(f"{where}.{k} must be a number or null")


def validate(results: Any) -> None:
    """Raise ResultsError unless `results` follows the contract."""
    if not isinstance(results, dict):
        raise ResultsError("results must be a JSON object")
    for key in ("journey", "seed", "replications", "horizon_days", "scenarios"):
        if key not in results:
            raise ResultsError(f"missing '{key}'")
    scenarios = results["scenarios"]
    if not isinstance(scenarios, dict) or "baseline" not in scenarios:
        raise ResultsError("'scenarios' must hold 'baseline'")
    for name, entry in scenarios.items():
        if not isinstance(entry, dict):
            raise ResultsError(f"scenario '{name}' must be an object")
        metrics = entry.get("metrics")
        if not isinstance(metrics, dict):
            raise ResultsError(f"scenario '{name}' has no metrics")
        for metric in METRICS:
            if metric not in metrics:
                raise ResultsError(f"scenario '{name}' lacks metric '{metric}'")
            _interval(metrics[metric], f"{name}.metrics.{metric}")
        for metric in DURATION_METRICS:  # optional: only when some step takes time
            if metric in metrics:
                _interval(metrics[metric], f"{name}.metrics.{metric}")
        if not isinstance(entry.get("touchpoints"), dict):
            raise ResultsError(f"scenario '{name}' has no touchpoints")
        for tp, values in entry["touchpoints"].items():
            if not isinstance(values, dict):
                raise ResultsError(f"{name}.touchpoints.{tp} must be an object")
            for key, value in values.items():
                if value is not None and not isinstance(value, int | float):
                    raise ResultsError(f"{name}.touchpoints.{tp}.{key} must be a number or null")
        if name != "baseline":
            for key in ("cost", "delta", "roi"):
                if key not in entry:
                    raise ResultsError(f"scenario '{name}' lacks '{key}'")
            if not isinstance(entry["delta"], dict):
                raise ResultsError(f"{name}.delta must be an object")
            for metric, value in entry["delta"].items():
                _interval(value, f"{name}.delta.{metric}")
            _interval(entry["roi"], f"{name}.roi")
        _series(entry.get("series", []), name)


def check_touchpoints(results: dict[str, Any]) -> None:
    """Touchpoint figures are drawn as numbers: each must be a number or null."""
    for name, entry in results["scenarios"].items():
        for tp, values in entry["touchpoints"].items():
            if not isinstance(values, dict):
                raise ResultsError(f"{name}.touchpoints.{tp} must be an object")
            for key, value in values.items():
                if value is not None and (
                    isinstance(value, bool) or not isinstance(value, int | float)
                ):
                    raise ResultsError(f"{name}.touchpoints.{tp}.{key} must be a number or null")


def _series(series: Any, name: str) -> None:
    """The optional time series: a list of {day, metric: interval...}, days increasing."""
    if not isinstance(series, list):
        raise ResultsError(f"{name}.series must be a list")
    last = -1.0
    for i, row in enumerate(series):
        where = f"{name}.series[{i}]"
        if not isinstance(row, dict) or not isinstance(row.get("day"), int | float):
            raise ResultsError(f"{where} must be an object with a numeric 'day'")
        if row["day"] < last:
            raise ResultsError(f"{where}.day goes back in time")
        last = row["day"]
        for metric, value in row.items():
            if metric != "day":
                _interval(value, f"{where}.{metric}")


def to_csv(results: dict[str, Any]) -> str:
    """One row per number: scenario, section, name, key, mean, low, high.

    Sections: metric, delta, roi, cost, touchpoint (name: the touchpoint, key: what),
    series (name: the day, key: the metric), assumed (name: a metric from the model's
    defaults, key: why).

    Text cells that a spreadsheet would run as a formula are written as text.
    """
    from .safe_text import neutralise_csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("scenario", "section", "name", "key", "mean", "low", "high"))

    def num(x: Any) -> str:
        return "" if x is None else repr(float(x))

    for name, entry in results["scenarios"].items():
        for metric, v in entry["metrics"].items():
            writer.writerow(
                (name, "metric", metric, "", num(v["mean"]), num(v["low"]), num(v["high"]))
            )
        for metric, v in entry.get("delta", {}).items():
            writer.writerow(
                (name, "delta", metric, "", num(v["mean"]), num(v["low"]), num(v["high"]))
            )
        if "roi" in entry:
            v = entry["roi"]
            writer.writerow((name, "roi", "roi", "", num(v["mean"]), num(v["low"]), num(v["high"])))
        if "cost" in entry:
            writer.writerow((name, "cost", "cost", "", num(entry["cost"]), "", ""))
        for tp, values in entry["touchpoints"].items():
            for key, value in values.items():
                writer.writerow((name, "touchpoint", tp, key, num(value), "", ""))
        for row in entry.get("series", ()):
            day = f"{row['day']:g}"
            for metric, v in row.items():
                if metric != "day":
                    writer.writerow(
                        (name, "series", day, metric, num(v["mean"]), num(v["low"]), num(v["high"]))
                    )
    for flag in results.get("assumed", ()):
        for metric in flag["metrics"]:
            writer.writerow(("", "assumed", metric, flag["reason"], "", "", ""))
    return neutralise_csv(out.getvalue())
