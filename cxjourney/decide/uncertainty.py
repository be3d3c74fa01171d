"""Which of the team's unknowns matters to the decision: the tornado and the value of
information.

The file's ranges of belief (`impact +1 .. +3`, `chance 5% .. 15%`, `cost 40k .. 60k`)
are what the team does not know (language/ranges.py, sim/beliefs.py).

- The **tornado** moves one input at a time to the low and the high end of its range,
  every other at its middle, and measures a scenario's effect on the objective, paired
  with the baseline on the same seed (common random numbers): the bar's length (swing)
  is how much that one unknown moves the answer.
- The **expected value of perfect information** (EVPI) comes from the probabilistic
  sensitivity analysis: every replication draws every input once, and each option
  (doing nothing, or a scenario) gets a value. EVPI = E[max_option value] −
  max_option E[value]: what knowing every input exactly before choosing would be worth
  on average; the partial value of one input (EVPPI) is the same with only that input
  known.

Replications' values also carry chance (each replication is one run of customers), which
would count as something perfect information could remove; so each option's value is
first fitted as a straight line on the draws of the inputs that can move it (`Lines`),
and EVPI and EVPPI are integrals of those lines (`evpi_of`, `evppi_of`): exact for the
lines, 0 for an input that cannot change the choice, and each EVPPI at most the EVPI.
They are estimated only from enough replications for the fit (`FIT_FACTOR`) and say
with how many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..language import ranges
from ..language.ranges import Input
from ..model import Journey, Scenario
from ..sim import beliefs
from ..sim.experiment import Experiment, Progress, RunSpec, admit, file_scenarios
from . import objective as obj

DO_NOTHING = "baseline"
#: The journey's uncertain inputs, in file order.
inputs = ranges.inputs


# ---- estimators on draws (no simulation) ---------------------------------------------------


def _gain(informed: float, now: float) -> float:
    """informed − now, 0 when it is within rounding (the same option best in every draw)."""
    gain = informed - now
    return gain if gain > 1e-9 * (1.0 + abs(now)) else 0.0


def _design(thetas: Sequence[Sequence[float]], n: int) -> np.ndarray:
    return np.column_stack([np.ones(n), *(np.asarray(t, float) for t in thetas)])


def _coefficients(table: np.ndarray, thetas: Sequence[Sequence[float]]) -> np.ndarray:
    """Per option (a row of draws): the intercept and one slope per input, least squares."""
    if not len(thetas):
        return table.mean(axis=1, keepdims=True)
    coefficients, *_ = np.linalg.lstsq(_design(thetas, table.shape[1]), table.T, rcond=None)
    return coefficients.T


@dataclass(frozen=True)
class Lines:
    """Each option's value as a straight line in the inputs' quantiles u (uniform on
    (0, 1), one per input): value[a](u) = intercept[a] + slopes[a] · u. An option's slope
    on an input that cannot move it is 0."""

    intercept: np.ndarray  # (options,)
    slopes: np.ndarray  # (options, inputs)

    def mean(self) -> np.ndarray:
        """Each option's expected value: every u at its mean, ½."""
        return self.intercept + self.slopes.sum(axis=1) * 0.5


#: Points the value of information integrates over: uniform draws of every input's
#: quantile for the EVPI (a fixed generator: the same numbers in every run), a grid of
#: one input's for each EVPPI.
INTEGRATION_POINTS = 16_384


def lines_of(
    table: Sequence[Sequence[float]],
    thetas: Sequence[Sequence[float]],
    moves: Sequence[Sequence[int]],
) -> Lines:
    """Fit each option (a row of `table`, one value per replication) on the inputs that
    can move it (`moves[a]`: indices into `thetas`); its other slopes are 0."""
    rows = np.asarray(table, dtype=float)
    intercept = np.zeros(len(rows))
    slopes = np.zeros((len(rows), len(thetas)))
    for a, (row, own) in enumerate(zip(rows, moves, strict=True)):
        fitted = _coefficients(row[None, :], [thetas[i] for i in own])[0]
        intercept[a] = fitted[0]
        slopes[a, list(own)] = fitted[1:]
    return Lines(intercept, slopes)


def evpi_of(lines: Lines) -> float:
    """E_u[max_a value_a(u)] − max_a E[value_a]: the inputs' quantiles spread evenly over
    the unit cube (a scrambled Sobol sequence with a fixed seed: the same points in every
    run) and the lines evaluated exactly, so that no chance is left to count as something
    to learn. Both terms come from the same points, so one option best everywhere gives
    exactly 0; and never less than one input's worth (its integral on a grid is exact)."""
    if not lines.slopes.size:
        return 0.0
    from scipy.stats import qmc

    points = qmc.Sobol(lines.slopes.shape[1], seed=2014).random(INTEGRATION_POINTS).T
    values = lines.intercept[:, None] + lines.slopes @ points
    total = _gain(float(values.max(axis=0).mean()), float(values.mean(axis=1).max()))
    return max(total, *(evppi_of(lines, i) for i in range(lines.slopes.shape[1])))


def evppi_of(lines: Lines, i: int) -> float:
    """E_ui[max_a E[value_a | ui]] − max_a E[value_a]: the other inputs at their mean (the
    lines are straight), input i over a grid of (0, 1). At most the EVPI (Jensen)."""
    grid = (np.arange(INTEGRATION_POINTS) + 0.5) / INTEGRATION_POINTS
    mean = lines.mean()
    slope = lines.slopes[:, i : i + 1]
    values = (mean[:, None] - slope * 0.5) + slope * grid
    return _gain(float(values.max(axis=0).mean()), float(mean.max()))


# ---- the tornado -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """One input's bar: the effect with the input at each end of its range."""

    input: Input
    low: obj.Interval  # the effect with the input at its low end
    high: obj.Interval

    @property
    def swing(self) -> float:
        a, b = self.low.get("mean"), self.high.get("mean")
        return 0.0 if a is None or b is None else abs(b - a)


@dataclass(frozen=True)
class Tornado:
    objective: str
    scenario: str
    middle: obj.Interval  # every input at its middle
    bars: list[Bar]  # largest swing first
    replications: int


def _relevant(journey: Journey, scenario: str, objective: str) -> set[str]:
    """Inputs that can move this scenario's effect: the baseline's and the scenario's own
    (a cost only for ROI)."""
    chosen = journey.scenario(scenario)
    own = replace(journey, scenarios=(chosen,) if chosen else ())
    return {i.name for i in ranges.inputs(own) if i.what != "cost" or objective == "roi"}


def _in_baseline(journey: Journey) -> set[str]:
    return {i.name for i in ranges.inputs(replace(journey, scenarios=()))}


#: Replications at each end of the tornado's bars. Each end is paired with the baseline
#: on the same random numbers (the same customers, arrivals and draws), so chance mostly
#: cancels out of a bar; what the bars are read for is their order, and one paired
#: replication of a whole population orders bars that differ by more than a point or so.
#: The value of information, which does need many replications, comes from the
#: decision's own.
TORNADO_REPLICATIONS = 1


def tornado_spec(spec: RunSpec) -> RunSpec:
    """The tornado's run: a fixed, small count (at most the run's first look)."""
    return replace(spec, schedule=None, replications=min(spec.first, TORNADO_REPLICATIONS))


def tornado_runs(journey: Journey, spec: RunSpec, scenario: str, objective: str) -> int:
    """Replications the tornado runs: baseline and scenario with every input at its middle;
    at each end of an input of the baseline, both again; of the scenario alone, the
    scenario only (its baseline is the middle's); a cost's ends reuse the middle's runs."""
    relevant = _relevant(journey, scenario, objective)
    costs = {i.name for i in ranges.inputs(journey) if i.what == "cost"}
    shared = len(relevant & _in_baseline(journey))
    own = len(relevant - costs) - shared
    return tornado_spec(spec).replications * (2 + 4 * shared + 2 * own)


def tornado(
    journey: Journey,
    spec: RunSpec,
    scenario: str,
    objective: str = obj.DEFAULT,
    progress: Progress | None = None,
) -> Tornado:
    """Each uncertain input at its low and high end, the others at their middle: the
    scenario's effect on `objective`, paired with the baseline on the same seed."""
    chosen = journey.scenario(scenario)
    if chosen is None:
        raise ValueError(f"no scenario '{scenario}'")
    spec = tornado_spec(spec)
    relevant = _relevant(journey, scenario, objective)
    admit(spec, [journey], tornado_runs(journey, spec, scenario, objective))
    costs = {i.name for i in ranges.inputs(journey) if i.what == "cost"}

    known = ranges.fixed(journey)
    at_middle = Experiment(known, spec, progress, variants=file_scenarios(known, [scenario]))
    in_baseline = _in_baseline(journey)

    def effect(name: str, quantile: float) -> obj.Interval:
        ((_, variant, cost),) = file_scenarios(ranges.fixed(journey, {name: quantile}), [scenario])
        if name in costs:  # the same customers at another price: the middle's runs
            return obj.effect(objective, at_middle.base, at_middle.runs_of(scenario)[0], cost)
        if name in in_baseline:  # the baseline moves too: a run of its own
            experiment = Experiment(
                ranges.fixed(journey, {name: quantile}),
                spec,
                progress,
                variants=[(scenario, variant, cost)],
            )
            return obj.effect(objective, experiment.base, *experiment.runs_of(scenario))
        label = f"{scenario}@{name}={quantile:g}"  # the scenario alone: the middle's baseline
        at_middle.add([(label, variant, cost)])
        return obj.effect(objective, at_middle.base, *at_middle.runs_of(label))

    middle = obj.effect(objective, at_middle.base, *at_middle.runs_of(scenario))
    bars = []
    for item in ranges.inputs(journey):
        if item.name in relevant:
            bars.append(Bar(item, effect(item.name, 0.0), effect(item.name, 1.0)))
        else:
            bars.append(Bar(item, middle, middle))
    bars.sort(key=lambda b: -b.swing)  # stable: equal swings keep file order
    return Tornado(objective, scenario, middle, bars, spec.replications)


# ---- the value of information ---------------------------------------------------------------


@dataclass(frozen=True)
class Partial:
    input: Input
    value: float  # in the objective's units
    money: float | None  # in the journey's currency


#: The value of information fits each option's value on the unknowns that can move it,
#: to take chance out; a fit of k unknowns on n replications keeps a share (k + 1) / n of
#: chance's variance, and with n ≤ k + 1 it fits chance exactly. It is estimated only
#: from n ≥ FIT_FACTOR (k + 1) replications, where at most half of chance is left.
FIT_FACTOR = 2


def _own_inputs(journey: Journey, scenarios: Sequence[Scenario], money: bool) -> list[Input]:
    """The unknowns that can move an option's value: the baseline's and its own scenarios'
    (their costs only for net money)."""
    own = ranges.inputs(replace(journey, scenarios=tuple(scenarios)))
    return [i for i in own if money or i.what != "cost"]


def fit_needs(journey: Journey, options: Sequence[Option]) -> int:
    """Replications the value of information needs (FIT_FACTOR × (k + 1) for the option
    with the most unknowns, counting its costs); 0 without ranges."""
    widest = max((len(_own_inputs(journey, s, True)) for _, s in options), default=0)
    return FIT_FACTOR * (widest + 1) if ranges.inputs(journey) else 0


def grow_for_information(
    journey: Journey, experiment: Experiment, options: Sequence[Option] | None = None
) -> int:
    """An adaptive run, grown to the replications the value of information's fit needs
    (a decision grows before it ranks, so the ranking and the value of information stand
    on the same replications); the count it needs (0 without ranges)."""
    options = file_options(journey, experiment) if options is None else options
    needed = fit_needs(journey, options)
    if experiment.replications < needed and experiment.spec.adaptive:
        experiment.grow(min(needed, experiment.spec.most))
    return needed


@dataclass(frozen=True)
class Information:
    """What knowing the inputs exactly would be worth, from the probabilistic sensitivity
    analysis's replications. `needed` > `replications`: too few to estimate it (the
    values are then 0 and say nothing)."""

    objective: str
    currency: str
    options: list[str]  # doing nothing ("baseline") first, then the scenarios
    chosen: str  # the option with the best expected value on the objective
    chosen_money: str  # the option with the best expected net money
    means: dict[str, float]  # each option's expected value on the objective
    total: float  # EVPI, objective's units
    total_money: float  # EVPI, currency
    partial: list[Partial]  # largest first
    replications: int
    needed: int = 0

    @property
    def enough(self) -> bool:
        return self.replications >= self.needed


def information_size(journey: Journey, spec: RunSpec) -> int:
    """Replications of the `uncertainty` command's own run: the run's first look, or, when
    the count is left to the tool, as many as the value of information's fit needs."""
    if not spec.adaptive:
        return spec.first
    needs = fit_needs(journey, [(s.id, (s,)) for s in journey.scenarios])
    return max(spec.first, min(needs, spec.most))


def information_runs(journey: Journey, spec: RunSpec) -> int:
    return (len(journey.scenarios) + 1) * information_size(journey, spec)


def planned_runs(journey: Journey, spec: RunSpec, scenario: str | None, objective: str) -> int:
    """Replications of the value of information and the tornado together (for the tornado
    of the best scenario, the largest any scenario's could take); 0 without ranges."""
    if not ranges.inputs(journey):
        return 0
    return information_runs(journey, spec) + tornado_extra(journey, spec, scenario, objective)


def tornado_extra(
    journey: Journey,
    spec: RunSpec,
    scenario: str | None,
    objective: str,
    ids: list[str] | None = None,
) -> int:
    """Replications the tornado and the value of information add to a run that already
    has the probabilistic sensitivity analysis's (compare's): the largest any chosen
    scenario's tornado could take, and, for an adaptive run, the replications every
    variant grows by for the value of information's fit; 0 without ranges."""
    if not ranges.inputs(journey):
        return 0
    ids = [scenario] if scenario else ids if ids is not None else [s.id for s in journey.scenarios]
    chart = max((tornado_runs(journey, spec, s, objective) for s in ids), default=0)
    options = [(s.id, (s,)) for s in journey.scenarios if s.id in ids]
    grown = min(fit_needs(journey, options), spec.most) - spec.first if spec.adaptive else 0
    return chart + (len(options) + 1) * max(0, grown)


#: An option: its variant's name in the experiment and the file's scenarios it applies.
Option = tuple[str, tuple[Scenario, ...]]


def file_options(journey: Journey, experiment: Experiment) -> list[Option]:
    """The file's scenarios that the experiment ran, each an option of its own."""
    return [(s.id, (s,)) for s in journey.scenarios if s.id in experiment.index]


def option_values(
    experiment: Experiment, options: Sequence[Option], objective: str
) -> tuple[list[str], list[list[float]], list[list[float]]]:
    """Per option and replication: the objective's value (doing nothing: 0) and the net
    money (Δrevenue − the replication's cost, each scenario's drawn from its range).
    Replications where an option's value is undefined count as 0 for it (doing nothing)."""
    names = [DO_NOTHING] + [name for name, _ in options]
    n = experiment.replications
    values: list[list[float]] = [[0.0] * n]
    money: list[list[float]] = [[0.0] * n]
    base = experiment.base
    for name, scenarios in options:
        runs, _ = experiment.runs_of(name)
        costs = [
            sum(beliefs.cost(s.id, s.cost_range, s.cost, k) for s in scenarios)
            for k in experiment.keys
        ]
        gains = obj.samples("revenue", base, runs, 0.0)
        net = [0.0 if g is None else g - c for g, c in zip(gains, costs, strict=True)]
        if objective == "roi":
            own = net
        else:
            own = [0.0 if v is None else v for v in obj.samples(objective, base, runs, 0.0)]
        values.append(own)
        money.append(net)
    return names, values, money


def information_from(
    experiment: Experiment,
    journey: Journey,
    objective: str = obj.DEFAULT,
    options: Sequence[Option] | None = None,
) -> Information:
    """EVPI and each input's EVPPI from replications already run (compare's, optimize's):
    every replication drew every input once, and the options ran on the same keys, so the
    probabilistic sensitivity analysis needs no run of its own."""
    options = file_options(journey, experiment) if options is None else options
    needed = grow_for_information(journey, experiment, options)
    names, values, money = option_values(experiment, options, objective)
    items = ranges.inputs(journey)
    where = {i.name: k for k, i in enumerate(items)}
    draws = [[beliefs.quantile(k, i.name) for k in experiment.keys] for i in items]

    def lines(table: list[list[float]], money_too: bool) -> Lines:
        """Each option's line on the unknowns that can move it (doing nothing: 0)."""
        moves = [[], *([where[i.name] for i in _own_inputs(journey, s, money_too)]
                       for _, s in options)]  # fmt: skip
        fitted = lines_of(table, draws, moves)
        if experiment.replications < needed:  # too few to tell chance from the unknowns
            return Lines(np.zeros_like(fitted.intercept), np.zeros_like(fitted.slopes))
        return fitted

    on_value, on_money = lines(values, False), lines(money, True)
    partial = [
        Partial(item, evppi_of(on_value, k), evppi_of(on_money, k)) for k, item in enumerate(items)
    ]
    partial.sort(key=lambda p: (-p.money,) if objective == "roi" else (-p.value, -(p.money or 0)))
    means = {name: float(np.mean(v)) for name, v in zip(names, values, strict=True)}
    money_means = [float(np.mean(m)) for m in money]
    return Information(
        objective=objective,
        currency=journey.currency,
        options=names,
        chosen=max(names, key=lambda n: means[n]),
        chosen_money=names[int(np.argmax(money_means))],
        means=means,
        total=evpi_of(on_value),
        total_money=evpi_of(on_money),
        partial=partial,
        replications=experiment.replications,
        needed=needed,
    )


def information(
    journey: Journey,
    spec: RunSpec,
    objective: str = obj.DEFAULT,
    progress: Progress | None = None,
) -> Information:
    """EVPI and each input's EVPPI, in the objective's units and in money. With ROI as the
    objective, value is net money (Δrevenue − cost), since doing nothing has no ROI."""
    runs = information_runs(journey, spec)
    spec = replace(spec, schedule=None, replications=information_size(journey, spec))
    admit(spec, [journey], runs)
    experiment = Experiment(journey, spec, progress, variants=file_scenarios(journey))
    return information_from(experiment, journey, objective)


def unknowns(
    journey: Journey,
    experiment: Experiment,
    objective: str = obj.DEFAULT,
    *,
    options: Sequence[Option] | None = None,
    scenario: str | None = None,
    progress: Progress | None = None,
) -> dict[str, object] | None:
    """The `unknowns` part of a decision's document (None when the file has no range of
    belief): the value of information from the decision's own replications, and the
    tornado of `scenario` (default: the best expected one) with a few paired runs."""
    if not ranges.inputs(journey):
        return None
    info = information_from(experiment, journey, objective, options)
    target = scenario or best_scenario(info)
    chart = None
    if target is not None and journey.scenario(target) is not None:
        chart = tornado(journey, experiment.spec, target, objective, progress)
    return document(journey, experiment.seed, chart, info)


# ---- as plain data (what render/ draws) ------------------------------------------------------


def _input_doc(item: Input) -> dict[str, object]:
    return {
        "input": item.name,
        "what": item.what,
        "low": item.low,
        "high": item.high,
        "line": item.span.line,
        "column": item.span.column,
    }


def document(
    journey: Journey,
    seed: int,
    chart: Tornado | None,
    info: Information | None,
) -> dict[str, object]:
    """The tornado and the value of information as plain data: numbers, never words."""
    doc: dict[str, object] = {
        "journey": journey.title,
        "seed": seed,
        "currency": journey.currency,
        "inputs": [_input_doc(i) for i in ranges.inputs(journey)],
    }
    if chart is not None:
        chosen = journey.scenario(chart.scenario)
        doc["tornado"] = {
            "objective": chart.objective,
            "scenario": chart.scenario,
            "label": chosen.label if chosen else chart.scenario,
            "replications": chart.replications,
            "middle": chart.middle,
            "bars": [
                {**_input_doc(b.input), "at_low": b.low, "at_high": b.high, "swing": b.swing}
                for b in chart.bars
            ],
        }
    if info is not None:
        doc["value_of_information"] = {
            "objective": info.objective,
            "replications": info.replications,
            "options": info.options,
            "means": info.means,
            "chosen": info.chosen,
            "chosen_money": info.chosen_money,
            "enough": info.enough,
            "needed": info.needed,
            "evpi": info.total if info.enough else None,
            "evpi_money": info.total_money if info.enough else None,
            "partial": [
                {
                    **_input_doc(p.input),
                    "evppi": p.value if info.enough else None,
                    "evppi_money": p.money if info.enough else None,
                }
                for p in info.partial
            ],
        }
    return doc


def best_scenario(info: Information) -> str | None:
    """The scenario the tornado looks at by default: the best expected one on the objective
    (by net money with ROI), None without scenarios."""
    if len(info.options) < 2:
        return None
    scenarios = info.options[1:]
    if info.objective == "roi":
        return info.chosen_money if info.chosen_money != DO_NOTHING else scenarios[0]
    return max(scenarios, key=lambda n: info.means[n])
