"""Fit the loyalty parameters that survey and CRM outcomes can identify, by simulation.

Outcomes are one row per customer answer: a customer, optionally a date, a score
(0..10 likelihood to recommend, or a 1..5 satisfaction rating, put on 0..10) and,
when known, whether and when the customer left. The latest answer of each customer
counts, as the simulator's relationship satisfaction is each customer's latest.

Observed targets: the shares of promoters (9-10) and detractors (0-6), the mean
score, and the share of customers who stayed. The simulator's `promoters`,
`detractors`, `satisfaction` and `retention` are matched to them by damped
Gauss-Newton steps on standardised residuals; every evaluation uses the same seed,
so common random numbers keep the objective smooth in the parameters. A parameter
is pinned down when its approximate standard error (from the Jacobian) is under a
quarter of its plausible range; the others are reported and left as they were.

A journey may give no value for an observed quantity: retention is the share of the
customers present at the start still active at the horizon, so a journey of arrivals
alone (`customers 0`, as `discover` writes) or whose customers never return has none.
That quantity is left out of the fit and reported; the others are still fitted.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass, field, replace

import numpy as np

from ..language.facts import lookup
from ..language.files import Unreadable, read_named_text
from ..language.fmt import Edit
from ..language.load import load
from ..language.printer import Printer
from ..model import Journey
from ..sim.experiment import RunSpec, simulate
from . import text
from .calibrate import write
from .options import ReadOptions, time_parser

#: Parameters the outcomes may identify: (low, high, written as a percent).
PARAMETERS: dict[str, tuple[float, float, bool]] = {
    "noise": (0.2, 3.0, False),
    "smoothing": (0.1, 0.9, True),
    "retention_midpoint": (4.0, 9.0, False),
    "retention_floor": (0.3, 0.95, True),
}
SCORE_COLUMNS = ("nps", "score", "likelihood", "recommend", "satisfaction", "csat", "rating")
CHURN_COLUMNS = ("churned", "churn", "churn_date", "left", "cancelled")
T95 = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 6: 2.57, 7: 2.45, 8: 2.36, 9: 2.31, 10: 2.26}


class OutcomeError(Exception):
    """Outcomes that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Answer:
    """A customer's latest answer: when (log minutes, None without a date), score, churn."""

    customer: str
    time: float | None
    score: float | None  # 0..10
    churned: bool | None


@dataclass
class Outcomes:
    file: str
    answers: list[Answer]

    @property
    def scores(self) -> list[float]:
        return [a.score for a in self.answers if a.score is not None]

    @property
    def churned(self) -> list[bool] | None:
        flags = [a.churned for a in self.answers if a.churned is not None]
        return flags or None

    @property
    def dated(self) -> bool:
        return any(a.time is not None for a in self.answers)

    def split(self, at: float) -> tuple[Outcomes, Outcomes]:
        """Answers before `at` and from `at` on (undated answers count before)."""
        before = [a for a in self.answers if a.time is None or a.time < at]
        after = [a for a in self.answers if a.time is not None and a.time >= at]
        return Outcomes(self.file, before), Outcomes(self.file, after)

    def targets(self) -> dict[str, tuple[float, float]]:
        """metric -> (observed, its standard error)."""
        out: dict[str, tuple[float, float]] = {}
        n = len(self.scores)
        if n >= 2:
            for name, share in (
                ("promoters", sum(s >= 9 for s in self.scores) / n),
                ("detractors", sum(s <= 6 for s in self.scores) / n),
            ):
                out[name] = (share, math.sqrt(max(share * (1 - share), 1 / n) / n))
            mean = sum(self.scores) / n
            sd = math.sqrt(sum((s - mean) ** 2 for s in self.scores) / (n - 1))
            out["satisfaction"] = (mean, max(sd, 0.1) / math.sqrt(n))
        if self.churned:
            m = len(self.churned)
            stayed = 1 - sum(self.churned) / m
            out["retention"] = (stayed, math.sqrt(max(stayed * (1 - stayed), 1 / m) / m))
        return out


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [re.sub(r"[\s_\-]+", "_", h.strip().lower()) for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def read_outcomes(path: str) -> Outcomes:
    try:
        text_ = read_named_text(path, "utf-8-sig")
    except Unreadable as err:
        raise OutcomeError(f"{path}: cannot read the file: {err}") from None
    rows = list(csv.reader(text_.splitlines()))
    if not rows:
        raise OutcomeError(f"{path}: the file is empty")
    header = rows[0]
    c_customer = _column(header, ("customer", "customer_id", "client", "case"))
    c_score = _column(header, SCORE_COLUMNS)
    c_churn = _column(header, CHURN_COLUMNS)
    c_date = _column(header, ("date", "timestamp", "time", "answered"))
    if c_customer is None:
        raise OutcomeError(f"{path}:1: no customer column (customer, customer_id)")
    if c_score is None and c_churn is None:
        raise OutcomeError(
            f"{path}:1: no score column ({', '.join(SCORE_COLUMNS)}) "
            f"and no churn column ({', '.join(CHURN_COLUMNS)})"
        )
    parse = time_parser(ReadOptions())
    latest: dict[str, tuple[float, int, float]] = {}  # customer -> (time, line, score)
    when_of: dict[str, float] = {}
    churned: dict[str, bool] = {}
    raw_scores: list[float] = []
    for line, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < len(header):
            raise OutcomeError(f"{path}:{line}: {len(row)} columns, the header has {len(header)}")
        customer = row[c_customer].strip()
        when = math.nan
        if c_date is not None and row[c_date].strip():
            try:
                when = parse(row[c_date])
            except (ValueError, OverflowError):
                raise OutcomeError(
                    f"{path}:{line}: cannot read the date '{row[c_date].strip()}' (ISO 8601)"
                ) from None
            when_of[customer] = max(when_of.get(customer, -math.inf), when)
        if c_score is not None and row[c_score].strip():
            try:
                score = float(row[c_score])
            except ValueError:
                raise OutcomeError(
                    f"{path}:{line}: score '{row[c_score]}' is not a number"
                ) from None
            if not 0 <= score <= 10:
                raise OutcomeError(f"{path}:{line}: score {row[c_score]} is outside 0..10")
            raw_scores.append(score)
            key = (-math.inf if math.isnan(when) else when, line)
            if customer not in latest or key >= latest[customer][:2]:
                latest[customer] = (*key, score)
        if c_churn is not None:
            value = row[c_churn].strip().lower()
            gone = value not in ("", "0", "no", "false", "n", "stayed", "active")
            churned[customer] = churned.get(customer, False) or gone
    name = header[c_score].strip().lower() if c_score is not None else ""
    rescale = (
        bool(raw_scores) and max(raw_scores) <= 5 and name in ("satisfaction", "csat", "rating")
    )
    answers = []
    for customer in dict.fromkeys([*latest, *churned]):
        score = latest[customer][2] if customer in latest else None
        if score is not None and rescale:
            score = (score - 1) * 2.5  # 1..5 onto 0..10
        answers.append(Answer(customer, when_of.get(customer), score, churned.get(customer)))
    return Outcomes(path, answers)


@dataclass
class OutcomeFit:
    source: str
    fitted: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # was, now, se
    unidentified: dict[str, str] = field(default_factory=dict)
    unmatched: dict[str, str] = field(default_factory=dict)  # observed, not simulated: why
    targets: dict[str, tuple[float, float]] = field(default_factory=dict)
    before: dict[str, float] = field(default_factory=dict)
    after: dict[str, float] = field(default_factory=dict)
    evaluations: int = 0

    def report(self) -> str:
        lines = ["", "outcomes: observed against the simulation, before and after the fit"]
        for m, (obs, se) in self.targets.items():
            if m in self.unmatched:
                why = self.unmatched[m]
                lines.append(f"  {m:<12} observed {obs:.3f} ± {se:.3f}   {why}; not fitted")
                continue
            lines.append(
                f"  {m:<12} observed {obs:.3f} ± {se:.3f}   before {self.before.get(m, 0):.3f}"
                f"   after {self.after.get(m, 0):.3f}"
            )
        if self.fitted:
            lines.append("loyalty parameters fitted (± standard error):")
            for key, (was, now, se) in self.fitted.items():
                lines.append(f"  {key}: {was:g} -> {now:.4g} ± {se:.2g}")
        for key, why in self.unidentified.items():
            lines.append(f"  {key}: not pinned down by these outcomes ({why}); left as it was")
        lines.append(f"({self.evaluations} simulations of the journey)")
        return "\n".join(lines) + "\n"


def fit_outcomes(
    source: str,
    outcomes: Outcomes,
    *,
    seed: int = 1,
    replications: int = 4,
    iterations: int = 4,
    file: str = "calibrated.journey",
) -> OutcomeFit:
    loaded = load("-", data=source.encode("utf-8"), name=file)
    if loaded.journey is None:
        raise ValueError("the journey does not check")
    journey = loaded.journey
    targets = outcomes.targets()
    result = OutcomeFit(source, targets=targets)
    metrics = list(targets)
    keys = [k for k in PARAMETERS if _relevant(k, metrics)]
    if not metrics or not keys:
        return result

    def simulated(theta: np.ndarray) -> dict:
        result.evaluations += 1
        lo = replace(journey.loyalty, **{k: float(v) for k, v in zip(keys, theta, strict=True)})
        out = simulate(replace(journey, loyalty=lo), RunSpec(seed=seed, replications=replications))
        return out["scenarios"]["baseline"]["metrics"]

    def starting(names: list[str]) -> np.ndarray:
        values = [getattr(journey.loyalty, k) for k in names]
        return np.clip(np.array(values, float), *(_bounds(names)))

    first = simulated(starting(keys))
    result.unmatched = {m: _unmatched(m) for m in metrics if first[m]["mean"] is None}
    metrics = [m for m in metrics if m not in result.unmatched]
    reuse: dict | None = first
    if result.unmatched:  # fit what is left, over the parameters that move it
        keys = [k for k in keys if _relevant(k, metrics)]
        reuse = None
    if not metrics or not keys:
        return result
    lows = np.array([PARAMETERS[k][0] for k in keys])
    highs = np.array([PARAMETERS[k][1] for k in keys])
    spans = highs - lows
    obs = np.array([targets[m][0] for m in metrics])
    obs_se = np.array([targets[m][1] for m in metrics])

    def run(theta: np.ndarray, values: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
        values = values if values is not None else simulated(theta)
        means, ses = [], []
        for m in metrics:
            entry = values[m]
            if entry["mean"] is None:
                raise ValueError(f"the simulation gives no {m}: the journey cannot be fitted to it")
            means.append(entry["mean"])
            if entry.get("low") is not None and replications >= 2:
                t = T95.get(replications, 2.0)
                ses.append((entry["high"] - entry["low"]) / (2 * t))
            else:
                ses.append(0.0)
        return np.array(means), np.array(ses)

    theta = starting(keys)
    start = theta.copy()
    f, sim_se = run(theta, reuse)
    result.before = dict(zip(metrics, f.tolist(), strict=True))
    scale = np.sqrt(obs_se**2 + sim_se**2)
    active = list(range(len(keys)))
    se_theta = np.full(len(keys), np.inf)
    last_jac: np.ndarray | None = None
    for _ in range(iterations):
        residual = (f - obs) / scale
        jac = np.zeros((len(metrics), len(keys)))
        for i in active:
            h = 0.1 * spans[i] * (1 if theta[i] + 0.1 * spans[i] <= highs[i] else -1)
            probe = theta.copy()
            probe[i] += h
            jac[:, i] = (run(probe)[0] - f) / h / scale
        if last_jac is None:
            last_jac = jac.copy()
        active, se_theta = _identified(jac, active, spans)
        if not active:
            break
        j = jac[:, active]
        fisher = j.T @ j
        step = np.linalg.solve(fisher + 1e-6 * np.eye(len(active)), -j.T @ residual)
        cost = float(residual @ residual)
        for damping in (1.0, 0.5, 0.25):
            trial = theta.copy()
            trial[active] = np.clip(theta[active] + damping * step, lows[active], highs[active])
            f_trial, se_trial = run(trial)
            r_trial = (f_trial - obs) / np.sqrt(obs_se**2 + se_trial**2)
            if float(r_trial @ r_trial) < cost:
                theta, f = trial, f_trial
                break
        else:
            break
    result.after = dict(zip(metrics, f.tolist(), strict=True))
    changes = []
    for i, key in enumerate(keys):
        if i in active and math.isfinite(se_theta[i]):
            result.fitted[key] = (float(start[i]), float(theta[i]), float(se_theta[i]))
            changes.append((key, float(start[i]), float(theta[i]), float(se_theta[i])))
        else:
            moved = float(np.abs(last_jac[:, i]).max() * spans[i]) if last_jac is not None else 0
            result.unidentified[key] = (
                "it barely moves the observed outcomes over its range"
                if moved < 2
                else "its effect cannot be told apart from the other parameters'"
            )
    result.source = _write(source, journey, changes, len(outcomes.scores), file)
    return result


def _unmatched(metric: str) -> str:
    """Why the journey gives no value for an observed quantity."""
    if metric == "retention":
        return "the journey gives no retention (no customers at its start, or none who return)"
    return f"the journey gives no {metric}"


def _bounds(keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([PARAMETERS[k][0] for k in keys]), np.array([PARAMETERS[k][1] for k in keys])


def _relevant(key: str, metrics: list[str]) -> bool:
    if key.startswith("retention"):
        return "retention" in metrics
    return any(m in metrics for m in ("promoters", "detractors", "satisfaction"))


def _identified(jac: np.ndarray, active: list[int], spans: np.ndarray):
    """Drop the least-determined parameter until every one left is pinned down."""
    active = list(active)
    se = np.full(len(spans), np.inf)
    while active:
        j = jac[:, active]
        fisher = j.T @ j
        try:
            cov = np.linalg.inv(fisher)
            errors = np.sqrt(np.clip(np.diag(cov), 0, None))
            if not np.all(np.isfinite(errors)) or np.any(np.diag(cov) < 0):
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            errors = np.full(len(active), np.inf)
        ratio = errors / spans[active]
        worst = int(np.argmax(ratio))
        if ratio[worst] <= 0.25:
            se[active] = errors
            return active, se
        del active[worst]
    return active, se


def _format(key: str, value: float) -> str:
    if PARAMETERS[key][2]:
        return f"{text.number(100 * value, 4)}%"
    return text.number(value, 4)


def _rounded(key: str, value: float) -> float:
    """The fitted value as the map will say it: four significant digits."""
    if PARAMETERS[key][2]:
        return text.rounded(100 * value, 4) / 100
    return text.rounded(value, 4)


def _write(source: str, journey: Journey, changes, n: int, file: str) -> str:
    """The fitted keys written into the journey's loyalty block (one is added if need be)."""
    if not changes:
        return source
    printer = Printer()
    loyalty = replace(journey.loyalty, **{key: _rounded(key, now) for key, _, now, _ in changes})
    calibrated = replace(journey, loyalty=loyalty)
    block = journey.spans.get("loyalty")
    edits = []
    for key, was, now, se in changes:
        fact = lookup("loyalty", key)
        assert fact is not None
        statement = f"{key} {printer.value(fact, _rounded(key, now))}"
        note = f"# calibrated: n={n}, ± {text.number(se, 2)}; was {_format(key, was)}"
        span = journey.loyalty_spans.get(key)
        if span is not None and not span.file:
            edits.append(Edit(span.line, statement, note))
        else:
            edits.append(Edit(block.line if block else 0, statement, note, add=True))
    if block is None:  # no loyalty block of its own: one is added to the journey
        edits = [Edit(journey.span.line, "loyalty", add=True, body=tuple(edits))]
    return write(source, edits, calibrated, name=file)
