"""Backtest: calibrate on the cases before a split, forecast the rest, compare.

The forecast is honest about two uncertainties: the simulation's, and that of the
numbers calibrated on the training cases. Each of the `-n` replications is one
bootstrap draw (Efron & Tibshirani 1993; the "bootstrap then simulate" design of
Barton & Schruben 2001 for the input uncertainty of simulations): the training
customers are resampled (each customer with all of their cases, a Poisson(1) number of
times, so that the number of customers, and with it the arrival rate, varies as a new
sample's would), the map is calibrated again on the resample, and the result simulates
one replication over the whole log, training period included (so that the customers
present at the split are those the calibrated map would have by then); the cases that
start after the split are its forecast. Each replication is thus a draw of what the
held-out period could look like, parameter error and simulation noise together, and
the 95% interval is the prediction interval of one more such draw:
mean ± t(n−1)·sd·√(1 + 1/n), wider with few replications rather than falsely narrow.
With one replication there is no spread: the interval falls back to the per-case spread
of the pooled forecast (held-out, training and simulated cases), and medians are left out.

Observed and forecast quantities are computed by the same code from cases read by the
same reader: case counts, mean and median case durations (first event to last), the
shares of the most common paths (chosen on the training cases), the share of cases that
reach each touchpoint, visits per case, mean waits at queues, and completion (cases
ending where the map leads to `end`). A share that is 0 or 1 in every replication has
no spread; its interval is then the beta-binomial prediction of the Jeffreys posterior
of that 0 or 1 observed on as many cases as the training has (`intervals.share_prediction`),
which a later share can miss.

Quantities covered by construction are left out and listed: a share the map forces (a
touchpoint every path passes through reaches 100% on both sides; completion when every
touchpoint a case can stop at leads to `end`, or none does), and outcomes without
dates, which would be fitted and compared on the same answers.

With outcomes, the answers dated before the split also fit the loyalty parameters
(see `outcomes`), and the later answers' promoters, detractors, mean score and
retention are compared with the forecast's metrics. A drift check (`drift`) tests the
cases before the split against those after, and names what changed.
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
from . import text
from .calibrate import CalibrateOptions, calibrate
from .cases import Case, Log, LogError
from .conform import allowed_edges
from .drift import Drift, case_duration, drift
from .intervals import new_draw, share_prediction
from .mapping import Mapping, map_activities
from .outcomes import Outcomes, fit_outcomes
from .paths import END, EXIT, START, Path, mapped
from .read import read_log

Z = 1.96
SHARE, PER_CASE, MINUTES, CASES, SCORE = "share", "per case", "minutes", "cases", "score"


class SplitError(ValueError):
    """A split that leaves no cases on one side, or that cannot be read."""


class ForecastError(ValueError):
    """A forecast with no visits: nothing to compare the held-out cases with."""


@dataclass(frozen=True)
class Measure:
    mean: float
    var: float  # per unit
    n: int  # units: cases, or visits for waits
    unit: str = SHARE


@dataclass
class Quantity:
    name: str
    observed: float
    forecast: float
    low: float
    high: float
    n: int
    unit: str = SHARE
    method: str = "bootstrap"  # bootstrap | jeffreys | per-case spread

    @property
    def covered(self) -> bool:
        return self.low <= self.observed <= self.high

    def as_dict(self) -> dict[str, Any]:
        return {
            "quantity": self.name,
            "unit": self.unit,
            "observed": round(self.observed, 6),
            "forecast": round(self.forecast, 6),
            "low": round(self.low, 6),
            "high": round(self.high, 6),
            "n": self.n,
            "covered": self.covered,
            "interval": self.method,
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
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (quantity, why)
    drift: Drift | None = None

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
            "left_out": [{"quantity": q, "why": why} for q, why in self.left_out],
            "drift": self.drift.as_dict() if self.drift else None,
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


def resampled(log: Log, rng) -> Log:
    """The log's customers drawn again: each, with all of their cases, Poisson(1) times.

    Copies get their own case and customer ids, so that a customer drawn twice reads as
    two customers (with the same habits), not as one visiting twice as often."""
    by_customer: dict[str, list[Case]] = {}
    for case in log.cases:
        by_customer.setdefault(case.customer, []).append(case)
    cases: list[Case] = []
    for customer in sorted(by_customer):
        for copy in range(int(rng.poisson(1.0))):
            tag = f"#{copy}" if copy else ""
            cases += [
                replace(c, id=c.id + tag, customer=customer + tag) for c in by_customer[customer]
            ]
    cases.sort(key=lambda c: (c.start, c.id))
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
    out["cases"] = Measure(float(n), float(n), 1, CASES)  # Poisson: variance = mean
    if not n:
        return out
    durations = [case_duration(p.case) for p in paths]
    out["case duration, mean"] = _measure(durations, MINUTES)
    out["case duration, median"] = replace(_measure(durations, MINUTES), mean=_median(durations))
    for variant in paths_of_interest:
        name = "path " + " > ".join(variant)
        out[name] = _measure([1.0 if tuple(p.steps) == variant else 0.0 for p in paths])
    for tp in journey.touchpoints:
        counts = [sum(1 for s in p.steps if s == tp.id) for p in paths]
        out[f"reach {tp.id}"] = _measure([1.0 if c else 0.0 for c in counts])
        out[f"visits per case {tp.id}"] = _measure([float(c) for c in counts], PER_CASE)
    out["completion"] = _measure([1.0 if p.steps[-1] in completes else 0.0 for p in paths])
    for tp_id in queued:
        waits = [w for p in paths for s, v in p.visits if s == tp_id and (w := v.wait) is not None]
        if len(waits) >= 2:
            out[f"wait {tp_id}"] = _measure(waits, MINUTES)
    return out


def _measure(values: list[float], unit: str = SHARE) -> Measure:
    n = len(values)
    mean = sum(values) / n
    var = sum((x - mean) ** 2 for x in values) / (n - 1) if n > 1 else 0.0
    return Measure(mean, var, n, unit)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def forced(journey: Journey) -> dict[str, str]:
    """Quantities the map itself fixes, whatever the numbers: name -> why."""
    edges = allowed_edges(journey)[None]
    queued = {t.id for t in journey.touchpoints if t.capacity}
    stops = {s for s, t in edges if t in (END, EXIT)} | queued  # where a case may stop
    completes = {s for s, t in edges if t == END}
    out: dict[str, str] = {}
    if stops and stops <= completes:
        out["completion"] = "every touchpoint a case can stop at leads to end: 100% by the map"
    elif not completes:
        out["completion"] = "no touchpoint leads to end: 0% by the map"
    for tp in journey.touchpoints:
        if not _can_stop_avoiding(edges, stops, tp.id):
            out[f"reach {tp.id}"] = f"every path of the map passes {tp.id}: 100% by the map"
    return out


def _can_stop_avoiding(edges: set[tuple[str, str]], stops: set[str], avoid: str) -> bool:
    following: dict[str, list[str]] = {}
    for s, t in edges:
        following.setdefault(s, []).append(t)
    seen, todo = {START}, [START]
    while todo:
        node = todo.pop()
        if node in stops and node != avoid:
            return True
        for nxt in following.get(node, ()):
            if nxt != avoid and nxt not in seen and nxt not in (END, EXIT):
                seen.add(nxt)
                todo.append(nxt)
    return False


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
    import numpy

    at = split_time(log, split)
    train, test = part(log, True, at), part(log, False, at)
    if not train.cases or not test.cases:
        raise SplitError(f"--split {split} leaves no cases on one side")
    options = CalibrateOptions(min_n=min_n)
    calibration = calibrate(journey, source, train, mapping, options)
    notes: list[str] = []
    if mapping.unknown:
        listed = ", ".join(f"{a} ({n})" for a, n in mapping.unknown.most_common())
        notes.append(f"activities that map to no touchpoint, left out: {listed}")
    held_out, left_out = None, []
    if outcomes is not None:
        if outcomes.dated:
            fit_on, held_out = outcomes.split(at)
        else:
            fit_on = outcomes
            left_out.append(("outcomes", "they have no dates: fitted on the answers they would "
                                         "be compared with"))  # fmt: skip
        if fit_on.targets():
            fitted = fit_outcomes(calibration.source, fit_on, seed=seed)
            calibration.source = fitted.source
            notes += [f"{k}: not pinned down by the outcomes" for k in fitted.unidentified]
            notes += [f"outcome {m}: {why}; not fitted" for m, why in fitted.unmatched.items()]
    point = _load(calibration.source)
    origin = 0.0 if log.kind == "simulated" else log.first
    offset = at - origin  # the split in the forecast's minutes
    horizon = max(log.last - origin, offset + 1440.0)
    rng = numpy.random.default_rng(seed)
    runs: list[list[Path]] = []
    metrics: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="cxjourney-backtest-") as tmp:
        for r in range(replications):
            if replications > 1:  # each replication: one bootstrap draw of the training cases
                drawn = calibrate(
                    point, calibration.source, resampled(train, rng), mapping, options
                )
                model = _load(drawn.source)
            else:
                model = point
            events = FilePath(tmp) / f"forecast-{r}.csv"
            run_seed = int(rng.integers(2**62))
            forecast = simulate(
                model, RunSpec(seed=run_seed, replications=1, horizon=horizon), events=events
            )
            metrics.append(forecast["scenarios"]["baseline"]["metrics"])
            try:
                simulated = read_log(str(events))
            except LogError:  # no visits in this draw
                runs.append([])
                continue
            later = replace(simulated, cases=[c for c in simulated.cases if c.start >= offset])
            runs.append(mapped(later, map_activities(model, simulated.activities())))
    if not any(runs):
        raise ForecastError(
            f"the forecast has no visits: in the {(horizon - offset) / 60:.4g} hours held out, "
            "the calibrated journey brings in no customers (see its customers and arrivals); "
            "try more replications (-n) or an earlier --split"
        )
    train_paths = mapped(train, mapping)
    common = variants(train_paths)  # chosen on the training cases: no peeking
    observed = measures(point, mapped(test, mapping), common)
    trained = measures(point, train_paths, common)
    per_run = [measures(point, paths, common) for paths in runs]
    by_construction = forced(point)
    result = Backtest(at, len(train.cases), len(test.cases), replications)
    result.calibrated = calibration.source
    result.notes = notes
    result.left_out = left_out
    for name, obs in observed.items():
        if name in by_construction:
            result.left_out.append((name, by_construction[name]))
            continue
        if name.startswith("visits per case") and obs.mean == observed[f"reach {name[16:]}"].mean:
            continue  # nobody came back to it after the split: the same as its reach
        runs = [m[name] for m in per_run if name in m]
        if not runs:
            result.notes.append(f"{name}: the forecast has none to compare")
            continue
        quantity = _quantity(name, obs, trained.get(name), runs)
        if quantity is None:
            result.notes.append(f"{name}: one replication gives no interval for a median")
        else:
            result.quantities.append(quantity)
    if held_out is not None:
        result.quantities += _outcome_quantities(held_out, metrics)
    result.drift = drift(train, test)
    return result


def _load(source: str) -> Journey:
    loaded = load("-", data=source.encode("utf-8"), name="calibrated.journey")
    assert loaded.journey is not None
    return loaded.journey


def _quantity(
    name: str, obs: Measure, trained: Measure | None, runs: list[Measure]
) -> Quantity | None:
    """The forecast of one quantity with its 95% interval for the held-out sample."""
    top = 1.0 if obs.unit == SHARE else math.inf
    values = [m.mean for m in runs]
    if len(values) >= 2:
        centre, low, high = new_draw(values)
        if obs.unit == SHARE and low == high and centre in (0.0, 1.0) and trained is not None:
            # the forecast's 0 or 1, known as well as the training cases know it
            low, high = share_prediction(centre * trained.n, trained.n, obs.n)
            return Quantity(name, obs.mean, centre, low, high, obs.n, obs.unit, "jeffreys")
        low, high = max(0.0, low), min(top, high)
        return Quantity(name, obs.mean, centre, low, high, obs.n, obs.unit, "bootstrap")
    if "median" in name:
        return None
    sim = runs[0]
    if obs.unit == SHARE and sim.mean in (0.0, 1.0) and trained is not None:
        low, high = share_prediction(sim.mean * trained.n, trained.n, obs.n)
        return Quantity(name, obs.mean, sim.mean, low, high, obs.n, obs.unit, "jeffreys")
    n_train = trained.n if trained is not None else obs.n
    if obs.unit == CASES:  # Poisson counts; the rate's own error from the training count
        var = sim.mean * (1 + sim.mean / max(n_train, 1))
    else:
        var = sim.var * (1 / obs.n + 1 / max(n_train, 1) + 1 / sim.n)
    half = Z * math.sqrt(var)
    low, high = max(0.0, sim.mean - half), min(top, sim.mean + half)
    return Quantity(name, obs.mean, sim.mean, low, high, obs.n, obs.unit, "per-case spread")


def _outcome_quantities(held_out: Outcomes, metrics: list[dict]) -> list[Quantity]:
    """Observed outcomes of the held-out answers against the forecast's metrics: the
    answers' own sampling spread and the spread between replications, together."""
    out = []
    counts = {"retention": len(held_out.churned or [])}
    for name, (observed, observed_se) in held_out.targets().items():
        values = [m[name]["mean"] for m in metrics if (m.get(name) or {}).get("mean") is not None]
        if not values:
            continue
        mean = sum(values) / len(values)
        r = len(values)
        between = sum((x - mean) ** 2 for x in values) / (r - 1) if r > 1 else 0.0
        n = counts.get(name, len(held_out.scores))
        spread = observed_se
        if name != "satisfaction":  # a share: its spread at the forecast value
            spread = math.sqrt(max(mean * (1 - mean), 1 / n) / n)
        half = Z * math.sqrt(spread**2 + between * (1 + 1 / r))
        unit, top = (SCORE, 10.0) if name == "satisfaction" else (SHARE, 1.0)
        low, high = max(0.0, mean - half), min(top, mean + half)
        out.append(Quantity(f"outcome {name}", observed, mean, low, high, n, unit, "bootstrap"))
    return out


# ---- reports -----------------------------------------------------------------------------
def shown(value: float, unit: str) -> str:
    """A value as a person reads it: 52.3%, 1.24 per case, 3.2 days, 1,204 cases."""
    if not math.isfinite(value):
        return "no bound"
    if unit == SHARE:
        return f"{100 * value:.1f}%"
    if unit == MINUTES:
        return text.duration(value) if value > 0 else "0 min"
    if unit == CASES:
        return f"{value:,.0f} case" if round(value) == 1 else f"{value:,.0f} cases"
    if unit == PER_CASE:
        return f"{text.number(value, 3)} per case"
    return text.number(value, 3)


NAME_WIDTH = 60  # a path longer than this is shortened in the table (JSON has it whole)


def _short(name: str) -> str:
    """A long path as its first and last step and how many lie between."""
    if len(name) <= NAME_WIDTH or not name.startswith("path "):
        return name
    steps = name[5:].split(" > ")
    head, tail = steps[:1], steps[-1:]
    middle = len(steps) - len(head) - len(tail)
    short = f"path {' > '.join(head)} > ({middle} more) > {' > '.join(tail)}"
    return short if len(short) < len(name) else name


def table(result: Backtest) -> str:
    rows = [("quantity", "observed", "forecast", "95% interval", "n", "covered")]
    shorts = [_short(q.name) for q in result.quantities]
    if len(set(shorts)) < len(shorts):  # two paths alike at both ends: keep them whole
        shorts = [q.name for q in result.quantities]
    for q, name in zip(result.quantities, shorts, strict=True):
        rows.append(
            (
                name,
                shown(q.observed, q.unit),
                shown(q.forecast, q.unit),
                f"{shown(q.low, q.unit)} to {shown(q.high, q.unit)}",
                f"{q.n:,}",
                "yes" if q.covered else "NO",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    how = (
        f"{result.replications} replications, each calibrated on a bootstrap draw of the "
        "training customers"
        if result.replications > 1
        else "1 replication: intervals from the per-case spread, without the calibration's "
        "own uncertainty; use -n 5 or more"
    )
    lines = [
        f"calibrated on {result.train_cases:,} cases, forecast {result.test_cases:,} held-out "
        f"cases ({how})",
        "",
    ]
    for i, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    covered = sum(q.covered for q in result.quantities)
    lines.append("")
    if result.left_out:
        lines.append("left out, covered by construction:")
        lines += [f"  {name}: {why}" for name, why in result.left_out]
    lines += [f"note: {note}" for note in result.notes]
    lines.append(
        f"covered {covered} of {len(result.quantities)} quantities ({result.coverage:.0%}); "
        "about 95% is what well-calibrated intervals cover"
    )
    if result.drift is not None:
        lines += result.drift.lines()
    return "\n".join(lines) + "\n"


def to_csv(result: Backtest) -> str:
    """One row per quantity, for spreadsheets and CI."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["quantity", "unit", "observed", "forecast", "low", "high", "n", "covered",
                     "interval"])  # fmt: skip
    for q in result.quantities:
        d = q.as_dict()
        covered = "yes" if q.covered else "no"
        writer.writerow([d["quantity"], d["unit"], d["observed"], d["forecast"], d["low"],
                         d["high"], d["n"], covered, d["interval"]])  # fmt: skip
    return out.getvalue()
