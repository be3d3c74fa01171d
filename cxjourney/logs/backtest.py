"""Backtest: calibrate on the cases before a split, forecast the rest, compare.

The forecast simulates the calibrated journey over the held-out period and reads
the simulated visits back through the same reader, so observed and forecast
quantities are computed by the same code: the shares of the most common paths
(chosen on the training cases), the share of cases that reach each touchpoint,
visits per case, the mean wait at each queue, and completion (cases
ending where the map leads to `end`). Each forecast has a 95% predictive interval
for a held-out sample of the observed size: the per-case spread over the held-out
cases, the training cases (the estimates' own error) and the simulated ones, and
for waits, which queues make dependent, the spread between replications if larger.
The summary score is the share of quantities whose observation falls inside.

With outcomes, the answers dated before the split also fit the loyalty parameters
(see `outcomes`), and the later answers' promoters, detractors, mean score and
retention are compared with the forecast's metrics.
"""

from __future__ import annotations

import math
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path as FilePath
from typing import Any

from ..language.load import load
from ..model import Journey
from ..sim.experiment import RunSpec, simulate
from .calibrate import CalibrateOptions, calibrate
from .cases import Log, LogError
from .mapping import Mapping, map_activities
from .outcomes import T95, Outcomes, fit_outcomes
from .paths import END, Path, mapped
from .read import read_log

Z = 1.96


class SplitError(ValueError):
    """A split that leaves no cases on one side, or that cannot be read."""


class ForecastError(ValueError):
    """A forecast with no visits: nothing to compare the held-out cases with."""


@dataclass(frozen=True)
class Measure:
    mean: float
    var: float  # per unit
    n: int  # units: cases, or visits for waits


@dataclass
class Quantity:
    name: str
    observed: float
    forecast: float
    low: float
    high: float
    n: int

    @property
    def covered(self) -> bool:
        return self.low <= self.observed <= self.high

    def as_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.name,
            "observed": round(self.observed, 6),
            "forecast": round(self.forecast, 6),
            "low": round(self.low, 6),
            "high": round(self.high, 6),
            "n": self.n,
            "covered": self.covered,
        }


@dataclass
class Backtest:
    split: float
    train_cases: int
    test_cases: int
    replications: int
    quantities: list[Quantity] = field(default_factory=list)
    calibrated: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        if not self.quantities:
            return 0.0
        return sum(q.covered for q in self.quantities) / len(self.quantities)

    def as_dict(self) -> dict[str, Any]:
        return {
            "split_minute": self.split,
            "train_cases": self.train_cases,
            "test_cases": self.test_cases,
            "replications": self.replications,
            "coverage": round(self.coverage, 6),
            "quantities": [q.as_dict() for q in self.quantities],
            "notes": self.notes,
        }


def split_time(log: Log, split: str) -> float:
    """A fraction of the cases (0 < f < 1, by start time), or a date, as a log time."""
    try:
        fraction = float(split)
    except ValueError:
        fraction = None
    if fraction is not None:
        if not 0 < fraction < 1:
            raise SplitError(f"--split {split}: a fraction must lie between 0 and 1")
        starts = sorted(c.start for c in log.cases)
        return starts[min(len(starts) - 1, max(1, int(fraction * len(starts))))]
    if log.kind == "simulated":
        raise SplitError("a simulated log's times are minutes: split it by a fraction")
    try:
        moment = datetime.fromisoformat(split)
    except ValueError:
        raise SplitError(f"--split {split}: not a date (2024-05-01) nor a fraction") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp() / 60.0


def part(log: Log, before: bool, at: float) -> Log:
    cases = [c for c in log.cases if (c.start < at) == before]
    return replace(log, cases=cases)


# ---- quantities ----------------------------------------------------------------------------------
def variants(paths: list[Path], most: int = 5, least: float = 0.02) -> list[tuple[str, ...]]:
    """The most common paths (at least `least` of the cases), most common first."""
    counts = Counter(tuple(p.steps) for p in paths)
    n = len(paths)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [v for v, c in ranked[:most] if c >= least * n]


def measures(
    journey: Journey, paths: list[Path], paths_of_interest: list[tuple[str, ...]] = ()
) -> dict[str, Measure]:
    completes = {e.source for e in journey.edges if e.target == END}
    queued = [t.id for t in journey.touchpoints if t.capacity]
    out: dict[str, Measure] = {}
    n = len(paths)
    if not n:
        return out
    for variant in paths_of_interest:
        name = "path " + " > ".join(variant)
        out[name] = _measure([1.0 if tuple(p.steps) == variant else 0.0 for p in paths])
    for tp in journey.touchpoints:
        counts = [sum(1 for s in p.steps if s == tp.id) for p in paths]
        out[f"reach {tp.id}"] = _measure([1.0 if c else 0.0 for c in counts])
        if max(counts) > 1:  # else the same as its reach
            out[f"visits per case {tp.id}"] = _measure([float(c) for c in counts])
    out["completion"] = _measure([1.0 if p.steps[-1] in completes else 0.0 for p in paths])
    for tp_id in queued:
        waits = [w for p in paths for s, v in p.visits if s == tp_id and (w := v.wait) is not None]
        if len(waits) >= 2:
            out[f"wait {tp_id} (min)"] = _measure(waits)
    return out


def _measure(values: list[float]) -> Measure:
    n = len(values)
    mean = sum(values) / n
    var = sum((x - mean) ** 2 for x in values) / (n - 1) if n > 1 else 0.0
    return Measure(mean, var, n)


# ---- the backtest ------------------------------------------------------------------------
def backtest(
    journey: Journey,
    source: str,
    log: Log,
    mapping: Mapping,
    split: str,
    *,
    seed: int = 1,
    replications: int = 5,
    min_n: int = 30,
    outcomes: Outcomes | None = None,
) -> Backtest:
    at = split_time(log, split)
    train, test = part(log, True, at), part(log, False, at)
    if not train.cases or not test.cases:
        raise SplitError(f"--split {split} leaves no cases on one side")
    calibration = calibrate(journey, source, train, mapping, CalibrateOptions(min_n=min_n))
    notes: list[str] = []
    if mapping.unknown:
        listed = ", ".join(f"{a} ({n})" for a, n in mapping.unknown.most_common())
        notes.append(f"activities that map to no touchpoint, left out: {listed}")
    held_out = None
    if outcomes is not None:
        if outcomes.dated:
            fit_on, held_out = outcomes.split(at)
        else:
            fit_on = held_out = outcomes
            notes.append("the outcomes have no dates: they are fitted and compared in-sample")
        if fit_on.targets():
            fitted = fit_outcomes(calibration.source, fit_on, seed=seed)
            calibration.source = fitted.source
            notes += [f"{k}: not pinned down by the outcomes" for k in fitted.unidentified]
            notes += [f"outcome {m}: {why}; not fitted" for m, why in fitted.unmatched.items()]
    loaded = load("-", data=calibration.source.encode("utf-8"), name="calibrated.journey")
    assert loaded.journey is not None
    forecast_journey = loaded.journey
    horizon = max(test.last - at, 1440.0)
    with tempfile.TemporaryDirectory(prefix="cxjourney-backtest-") as tmp:
        events = FilePath(tmp) / "forecast.csv"
        forecast = simulate(
            forecast_journey,
            RunSpec(seed=seed, replications=replications, horizon=horizon),
            events=events,
        )
        try:
            simulated = read_log(str(events))
        except LogError:  # no visits at all: the map brings nobody in over the period
            raise ForecastError(
                f"the forecast has no visits: in the {horizon / 60:.4g} hours held out, the "
                "calibrated journey brings in no customers (see its customers and arrivals); "
                "try more replications (-n) or an earlier --split"
            ) from None
    sim_map = map_activities(forecast_journey, simulated.activities())
    sim_paths = mapped(simulated, sim_map)
    by_rep: dict[str, list[Path]] = {}
    for p in sim_paths:
        by_rep.setdefault(p.case.id.split("/", 1)[0], []).append(p)
    train_paths = mapped(train, mapping)
    common = variants(train_paths)  # chosen on the training cases: no peeking
    observed = measures(forecast_journey, mapped(test, mapping), common)
    trained = measures(forecast_journey, train_paths, common)
    pooled = measures(forecast_journey, sim_paths, common)
    per_rep = [measures(forecast_journey, ps, common) for ps in by_rep.values()]
    result = Backtest(at, len(train.cases), len(test.cases), replications)
    result.calibrated = calibration.source
    result.notes = notes
    for name, obs in observed.items():
        sim = pooled.get(name)
        if sim is None:
            continue
        n_train = trained[name].n if name in trained else obs.n
        var = sim.var * (1 / obs.n + 1 / max(n_train, 1) + 1 / sim.n)
        reps = [m[name] for m in per_rep if name in m]
        if name.startswith("wait") and len(reps) >= 3:
            means = [m.mean for m in reps]
            centre = sum(means) / len(means)
            between = sum((x - centre) ** 2 for x in means) / (len(means) - 1)
            size = sum(m.n for m in reps) / len(reps)
            var = max(var, between * size * (1 / obs.n + 1 / max(n_train, 1)))
        half = Z * math.sqrt(var)
        top = 1.0 if name.startswith(("reach", "path")) or name == "completion" else math.inf
        low, high = max(0.0, sim.mean - half), min(top, sim.mean + half)
        result.quantities.append(Quantity(name, obs.mean, sim.mean, low, high, obs.n))
    if held_out is not None:
        metrics = forecast["scenarios"]["baseline"]["metrics"]
        result.quantities += _outcome_quantities(held_out, metrics, replications)
    return result


def _outcome_quantities(held_out: Outcomes, metrics: dict, replications: int) -> list[Quantity]:
    """Observed outcomes of the held-out answers against the forecast's metrics."""
    out = []
    counts = {"retention": len(held_out.churned or [])}
    for name, (observed, observed_se) in held_out.targets().items():
        entry = metrics.get(name) or {}
        mean = entry.get("mean")
        if mean is None:
            continue
        n = counts.get(name, len(held_out.scores))
        spread = observed_se
        if name != "satisfaction":  # a share: its spread at the forecast value
            spread = math.sqrt(max(mean * (1 - mean), 1 / n) / n)
        sim_se = 0.0
        if entry.get("low") is not None and replications >= 2:
            sim_se = (entry["high"] - entry["low"]) / (2 * T95.get(replications, 2.0))
        half = Z * math.sqrt(spread**2 + sim_se**2)
        top = 10.0 if name == "satisfaction" else 1.0
        low, high = max(0.0, mean - half), min(top, mean + half)
        out.append(Quantity(f"outcome {name}", observed, mean, low, high, n))
    return out


def table(result: Backtest) -> str:
    rows = [("quantity", "observed", "forecast", "95% interval", "n", "covered")]
    for q in result.quantities:
        rows.append(
            (
                q.name,
                f"{q.observed:.3f}",
                f"{q.forecast:.3f}",
                f"[{q.low:.3f}, {q.high:.3f}]",
                str(q.n),
                "yes" if q.covered else "NO",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        f"calibrated on {result.train_cases} cases, forecast {result.test_cases} held-out cases "
        f"({result.replications} replications)",
        "",
    ]
    for i, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    covered = sum(q.covered for q in result.quantities)
    lines.append("")
    lines += [f"note: {note}" for note in result.notes]
    lines.append(
        f"covered {covered} of {len(result.quantities)} quantities ({result.coverage:.0%}); "
        "about 95% is what well-calibrated intervals cover"
    )
    return "\n".join(lines) + "\n"


def to_csv(result: Backtest) -> str:
    """One row per quantity, for spreadsheets and CI."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["quantity", "observed", "forecast", "low", "high", "n", "covered"])
    for q in result.quantities:
        d = q.as_dict()
        writer.writerow([d["quantity"], d["observed"], d["forecast"], d["low"], d["high"], d["n"],
                         "yes" if q.covered else "no"])  # fmt: skip
    return out.getvalue()
