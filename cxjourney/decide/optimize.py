"""The best combination of scenarios within a budget, found by simulating combinations.

Scenarios interact (two changes to one touchpoint are not additive, a queue fixed
twice is fixed once), so a combination is a new variant: its scenarios' changes
applied in file order to one journey, checked like any scenario, and simulated on
the same random numbers as the baseline. Its cost is the sum of its scenarios' costs.

With few affordable combinations every one is simulated; otherwise a greedy search
adds the best affordable scenario while the objective improves, then a local search
tries dropping one, adding one and swapping one for another until nothing improves.
Doing nothing (effect 0) is always a candidate, so a budget spent only on scenarios
that hurt the objective is never recommended.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

from ..language.checks import check_journey
from ..language.diagnostics import Reporter
from ..language.scenarios import apply_checked
from ..model import Journey, Scenario
from ..sim.experiment import Experiment, Progress, RunSpec, admit
from . import objective as obj
from . import uncertainty
from .payback import payback

EXHAUSTIVE_LIMIT = 64  # combinations simulated one by one before searching instead
MAX_MOVES = 50
ZERO: obj.Interval = {"mean": 0.0, "low": 0.0, "high": 0.0}

Combination = tuple[str, ...]  # scenario ids in file order


@dataclass
class Search:
    """Combinations simulated so far, their effects, and those that cannot be built.

    Each combination is built (its scenarios applied and checked) once: the size check
    and the experiment take the same journeys.
    """

    journey: Journey  # with the run's horizon
    scenarios: list[Scenario]
    budget: float
    objective: str
    experiment: Experiment = field(init=False)
    effects: dict[Combination, obj.Interval] = field(default_factory=dict)
    skipped: dict[Combination, str] = field(default_factory=dict)
    built: dict[Combination, Journey | str] = field(default_factory=dict)
    precision: dict[str, Any] | None = None  # whether --precision was met (obj.settle)

    def __post_init__(self) -> None:
        self.order = {s.id: i for i, s in enumerate(self.scenarios)}
        self.by_id = {s.id: s for s in self.scenarios}
        baseline = replace(self.journey, scenarios=())
        reporter = Reporter(baseline.file)
        check_journey(baseline, reporter)
        self.known = {d.message for d in reporter.diagnostics}
        self.effects[()] = ZERO

    def cost(self, combo: Combination) -> float:
        return sum(self.by_id[sid].cost for sid in combo)

    def normal(self, ids: set[str] | list[str] | tuple[str, ...]) -> Combination:
        return tuple(sorted(set(ids), key=self.order.__getitem__))

    def fits(self, combo: Combination) -> bool:
        return self.cost(combo) <= self.budget + 1e-9

    def evaluate(self, combos: list[Combination]) -> None:
        """Simulate, in one batch, the combinations not seen yet."""
        batch = []
        for combo in dict.fromkeys(combos):
            if combo in self.effects or combo in self.skipped or not self.fits(combo):
                continue
            built = self.build(combo)
            if isinstance(built, str):
                self.skipped[combo] = built
            else:
                batch.append((name(combo), built, self.cost(combo)))
        self.experiment.add(batch)
        for variant, _, _ in batch:
            combo = tuple(variant.split("+"))
            runs = self.experiment.runs_of(variant)
            self.effects[combo] = obj.effect(
                self.objective, self.experiment.base, *runs, self.experiment.level
            )

    def settle(self) -> None:
        """Grow the experiment until every evaluated combination's verdict is settled."""
        experiment = self.experiment

        def effects() -> list[obj.Interval]:
            self.effects.update(
                {
                    combo: obj.effect(
                        self.objective, experiment.base, *_runs(self, combo), experiment.level
                    )
                    for combo in self.effects
                    if combo
                }
            )
            return [e for combo, e in self.effects.items() if combo]

        self.precision = obj.settle(experiment, effects, self.objective)
        # with ranges of belief, as many as the value of information's fit needs, so that
        # the choice and the value of information stand on the same replications
        options = [(name(c), tuple(self.by_id[i] for i in c)) for c in self.effects if c]
        if uncertainty.grow_for_information(experiment.journey, experiment, options):
            effects()

    def build(self, combo: Combination) -> Journey | str:
        """The combined journey, or why the scenarios cannot be combined."""
        if combo not in self.built:
            self.built[combo] = self._build(combo)
        return self.built[combo]

    def _build(self, combo: Combination) -> Journey | str:
        journey = self.journey
        changes = tuple(c for sid in combo for c in self.by_id[sid].changes)
        together = Scenario(name(combo), name(combo), self.cost(combo), changes)
        reporter = Reporter(journey.file)
        combined = apply_checked(journey, together, reporter, self.known)
        if combined is None:
            prefix = f"scenario '{together.id}'"
            reasons = [d.message.removeprefix(prefix).lstrip(": ") for d in reporter.diagnostics]
            return "; ".join(reasons) or "cannot be combined"
        return combined

    def key(self, combo: Combination) -> tuple[float, float, int, tuple[int, ...]]:
        """Best effect first; then cheaper, fewer scenarios, earlier in the file."""
        return (
            -obj.score(self.effects[combo]),
            self.cost(combo),
            len(combo),
            tuple(self.order[s] for s in combo),
        )

    def best(self, combos: list[Combination]) -> Combination:
        return min((c for c in combos if c in self.effects), key=self.key)


def name(combo: Combination) -> str:
    return "+".join(combo) if combo else "baseline"


def affordable(scenarios: list[Scenario], budget: float) -> list[Combination] | None:
    """Every combination within the budget, or None when there are too many to simulate."""
    ids = [s.id for s in scenarios]
    cost = {s.id: s.cost for s in scenarios}
    if len(ids) > 16:
        return None
    out: list[Combination] = []
    for size in range(len(ids) + 1):
        for combo in combinations(ids, size):
            if sum(cost[s] for s in combo) <= budget + 1e-9:
                out.append(combo)
                if len(out) > EXHAUSTIVE_LIMIT + 1:
                    return None
    return out


def greedy(search: Search) -> Combination:
    """Add the best affordable scenario while it helps, then drop/add/swap until stuck."""
    ids = list(search.order)
    current: Combination = ()
    while True:
        step = [search.normal((*current, s)) for s in ids if s not in current]
        search.evaluate(step)
        best = search.best([current, *step])
        if best == current:
            break
        current = best
    for _ in range(MAX_MOVES):
        inside, outside = list(current), [s for s in ids if s not in current]
        moves = [search.normal(set(current) - {s}) for s in inside]
        moves += [search.normal((*current, t)) for t in outside]
        moves += [search.normal((set(current) - {s}) | {t}) for s in inside for t in outside]
        search.evaluate(moves)
        best = search.best([current, *moves])
        if best == current:
            break
        current = best
    return current


def planned_runs(
    journey: Journey, spec: RunSpec, budget: float, scenarios: list[str] | None = None
) -> int:
    """Replications the search may run: every affordable combination when there are
    few, else a greedy search's bound (each scenario added, then moved, once per step)."""
    pool = [s for s in journey.scenarios if scenarios is None or s.id in scenarios]
    candidates = [s for s in pool if s.cost <= budget + 1e-9]
    every = affordable(candidates, budget)
    count = len(every) - 1 if every is not None else len(candidates) * (len(candidates) + 1)
    ids = [s.id for s in candidates]
    tornado = uncertainty.tornado_extra(journey, spec, None, obj.DEFAULT, ids)
    return (count + 1) * spec.most + tornado


def optimize(
    journey: Journey,
    spec: RunSpec | None = None,
    *,
    budget: float,
    objective: str = obj.DEFAULT,
    scenarios: list[str] | None = None,
    progress: Progress | None = None,
    method: str = "auto",
    runners_up: int = 3,
) -> dict[str, Any]:
    """The chosen combination, its effect with intervals, and the runners-up.

    `method`: auto (exhaustive when at most EXHAUSTIVE_LIMIT combinations fit the
    budget), exhaustive, or greedy. Combinations that leave an invalid journey are
    skipped and named in `skipped`.
    """
    if budget < 0:
        raise ValueError("the budget cannot be negative")
    spec = spec or RunSpec()
    pool = [s for s in journey.scenarios if scenarios is None or s.id in scenarios]
    candidates = [s for s in pool if s.cost <= budget + 1e-9]
    search = Search(spec.on(journey), candidates, budget, objective)
    # each combination is counted as large as the largest single scenario
    singles = [search.build((s.id,)) for s in candidates]
    admit(
        spec,
        [search.journey, *(j for j in singles if not isinstance(j, str))],
        planned_runs(journey, spec, budget, scenarios),
    )
    search.experiment = Experiment(journey, spec, progress)
    every = affordable(candidates, budget) if method != "greedy" else None
    if method == "exhaustive" and every is None:
        if len(candidates) > 20:
            raise ValueError(f"{len(candidates)} scenarios are too many to combine exhaustively")
        every = [c for n in range(len(candidates) + 1) for c in combinations(search.order, n)]
        every = [c for c in every if search.fits(c)]
    if every is not None:
        search.evaluate(every)
        used = "exhaustive"
    else:
        greedy(search)
        used = "greedy"
    # with an adaptive schedule, add replications until every verdict is settled, then choose
    search.settle()
    chosen = search.best(list(search.effects))
    over = [s.id for s in pool if s.cost > budget + 1e-9]
    doc = report(search, chosen, used, runners_up, over)
    unknowns = _unknowns(search, chosen, progress)
    if unknowns is not None:
        doc["unknowns"] = unknowns
    return doc


def _unknowns(
    search: Search, chosen: Combination, progress: Progress | None
) -> dict[str, Any] | None:
    """What the team does not know, for this choice: the value of information over the
    combinations simulated (from their own replications), and the tornado of the chosen
    combination's scenario that does most on its own (or of the best single one)."""
    journey = search.experiment.journey
    options = [
        (name(combo), tuple(search.by_id[i] for i in combo)) for combo in search.effects if combo
    ]
    if not uncertainty.inputs(journey):
        return None
    singles = [c for c in search.effects if len(c) == 1 and (not chosen or c[0] in chosen)]
    best = min(singles, key=search.key) if singles else chosen[:1]
    return uncertainty.unknowns(
        journey,
        search.experiment,
        search.objective,
        options=options,
        scenario=best[0] if best else None,
        progress=progress,
    )


def report(
    search: Search, chosen: Combination, method: str, runners_up: int, over_budget: list[str]
) -> dict[str, Any]:
    experiment = search.experiment
    results = experiment.results([name(chosen)] if chosen else [])
    effect = search.effects[chosen]
    others = sorted((c for c in search.effects if c and c != chosen), key=search.key)
    return {
        "journey": results["journey"],
        "seed": experiment.seed,
        "replications": experiment.replications,
        "horizon_days": results["horizon_days"],
        "currency": experiment.journey.currency,
        "objective": search.objective,
        "budget": search.budget,
        "search": method,
        "evaluated": len(search.effects) - 1,
        "chosen": list(chosen),
        "cost": search.cost(chosen),
        "effect": effect,
        "verdict": obj.verdict(effect, experiment.replications) if chosen else "baseline",
        "roi": _roi(search, chosen),
        "payback": _payback(search, chosen),
        "delta": results["scenarios"][name(chosen)]["delta"] if chosen else None,
        "runners_up": [
            {
                "chosen": list(combo),
                "cost": search.cost(combo),
                "effect": search.effects[combo],
                "roi": _roi(search, combo),
                "payback": _payback(search, combo),
                "delta": _delta(search, combo),
                "behind": _behind(search, chosen, combo),
            }
            for combo in others[:runners_up]
        ],
        "over_budget": over_budget,
        **({"sequential": note} if (note := obj.note(experiment, search.precision)) else {}),
        "skipped": [
            {"scenarios": list(combo), "reason": reason} for combo, reason in search.skipped.items()
        ],
    }


def _runs(search: Search, combo: Combination) -> tuple[list[dict[str, Any]], float]:
    if not combo:
        return search.experiment.base, 0.0
    return search.experiment.runs_of(name(combo))


def _roi(search: Search, combo: Combination) -> obj.Interval:
    if not combo:
        return obj.NO_VALUE
    return obj.effect("roi", search.experiment.base, *_runs(search, combo), search.experiment.level)


def _payback(search: Search, combo: Combination) -> dict[str, Any] | None:
    """Months until the combination's change in revenue covers its cost (None: nothing)."""
    if not combo:
        return None
    return payback(search.experiment.base, *_runs(search, combo), level=search.experiment.level)


def _delta(search: Search, combo: Combination) -> dict[str, obj.Interval]:
    """What the combination buys besides money: its NPS and retention changes."""
    base = search.experiment.base
    runs, _ = _runs(search, combo)
    return {
        metric: obj.effect(metric, base, runs, 0.0, search.experiment.level)
        for metric in ("nps", "retention")
    }


def _behind(search: Search, chosen: Combination, other: Combination) -> obj.Interval:
    """How far the runner-up trails the chosen set, paired replication by replication."""
    base = search.experiment.base
    return obj.gap(
        search.objective,
        base,
        _runs(search, chosen),
        _runs(search, other),
        search.experiment.level,
    )
