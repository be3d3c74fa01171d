"""A results document with the journey-timing keys (durations, delays, busiest hours).

Crafted, not simulated, so that the text it renders is fixed: `with_timing()` has
every key of the design's results, `without_timing()` is the same document as a
results file written before those keys existed.
"""

from __future__ import annotations

import copy
from typing import Any

from cxjourney.results import METRICS

DAY = 1440.0


def interval(mean: float | None, half: float = 0.0) -> dict[str, float | None]:
    if mean is None:
        return {"mean": None, "low": None, "high": None}
    return {"mean": mean, "low": mean - half, "high": mean + half}


_BASE = {
    "journeys": interval(1200, 15),
    "completion": interval(0.9, 0.02),
    "abandonment": interval(0.1, 0.02),
    "satisfaction": interval(6.9, 0.05),
    "nps": interval(-4.0, 1.5),
    "promoters": interval(0.05, 0.01),
    "detractors": interval(0.09, 0.01),
    "retention": interval(0.95, 0.01),
    "active": interval(4500, 40),
    "revenue": interval(100_000, 3000),
    "referrals": interval(3, 2),
}
_CHANGE = {metric: interval(0.0, 0.01) for metric in METRICS}
_CHANGE["nps"] = interval(2.0, 0.5)


def _touchpoints(install_wait: float) -> dict[str, dict[str, Any]]:
    return {
        "order": {
            "visits": 1200.0,
            "delay_mean": 0.0,
            "abandon_rate": 0.0,
            "experience_mean": 0.4,
            "peak_share": 0.3,
            "trough_share": 0.05,
        },
        "install": {
            "visits": 1100.0,
            "wait_mean": install_wait,
            "utilisation": 0.7,
            "wait_busy_mean": install_wait * 4,
            "busy_hour": 9.0,  # the hour of the week: Monday 9:00
            "delay_mean": 4.8 * DAY,
            "abandon_rate": 0.05,
            "experience_mean": -0.8,
            "peak_share": 0.1,
            "trough_share": 0.6,
        },
        "support": {
            "visits": 300.0,
            "wait_mean": 0.4,
            "utilisation": 0.2,
            "wait_busy_mean": 0.9,
            "busy_hour": "Tue 10:00",  # or as a string
            "delay_mean": 0.0,
            "abandon_rate": 0.0,
            "experience_mean": -0.2,
            "peak_share": 0.0,
            "trough_share": 0.1,
        },
    }


def with_timing() -> dict[str, Any]:
    baseline = {
        "metrics": {
            **copy.deepcopy(_BASE),
            "duration_mean": interval(4608, 432),  # 3.2 days [2.9, 3.5]
            "duration_median": interval(3900, 250),
            "duration_p90": interval(9 * DAY, 0.4 * DAY),
        },
        "touchpoints": _touchpoints(18.0),
        "series": [
            {"day": 0, "nps": interval(0.0), "duration": interval(None)},
            {"day": 7, "nps": interval(-4.0, 1.5), "duration": interval(4000, 300)},
        ],
    }
    faster = {
        "metrics": {
            **copy.deepcopy(_BASE),
            "duration_mean": interval(4608 - 3024, 300),
            "duration_median": interval(3500, 250),
            "duration_p90": interval(None),  # e.g. no journey ended: null
        },
        "touchpoints": _touchpoints(6.0),
        "cost": 50_000,
        "delta": {
            **copy.deepcopy(_CHANGE),
            "duration_mean": interval(-3024, 432),  # −2.1 days [−2.4, −1.8]
            "duration_median": interval(-400, 600),
            "duration_p90": interval(None),
        },
        "roi": interval(-0.9, 0.05),
        "series": [],
    }
    return {
        "journey": "Broadband install",
        "seed": 1,
        "replications": 2,
        "horizon_days": 182,
        "scenarios": {"baseline": baseline, "faster": faster},
    }


def without_timing() -> dict[str, Any]:
    """The same results as an older file has them: no duration, delay or busiest hour."""
    results = with_timing()
    for entry in results["scenarios"].values():
        for key in ("duration_mean", "duration_median", "duration_p90"):
            entry["metrics"].pop(key, None)
            entry.get("delta", {}).pop(key, None)
        for values in entry["touchpoints"].values():
            for key in ("delay_mean", "wait_busy_mean", "busy_hour"):
                values.pop(key, None)
        for row in entry["series"]:
            row.pop("duration", None)
    return results
