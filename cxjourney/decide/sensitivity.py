"""Does a forecast's ranking survive the assumptions that decide it?

docs/model.md names the assumptions that flip "fix first or fix what works": loss aversion
(negativity 1.3–2.25, the range of Brown et al. 2024), the memory rule (blend,
peak–end, mean) and expectation adaptation (0–40%). Each is moved to the ends of its
range, one at a time, from the journey's own loyalty settings; in each setting the
baseline and the scenarios run on the same seed, and the scenarios are ranked by the
objective's effect. A scenario's rank holds when it is the same in every setting.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..language.units import MEMORY_RULES
from ..model import Journey, Loyalty
from ..sim.experiment import Experiment, Progress, RunSpec, file_scenarios
from . import objective as obj

RANGES: dict[str, tuple[Any, ...]] = {
    "negativity": (1.3, 2.25),
    "memory": MEMORY_RULES,
    "adaptation": (0.0, 0.4),
}
AS_WRITTEN = "as written"


@dataclass(frozen=True)
class Setting:
    """One assumption moved to one value; `assumption` None keeps the file's own."""

    assumption: str | None = None
    value: Any = None

    @property
    def name(self) -> str:
        if self.assumption is None:
            return AS_WRITTEN
        if self.assumption == "adaptation":
            return f"adaptation {self.value * 100:g}%"
        if isinstance(self.value, str):
            return f"{self.assumption} {self.value}"
        return f"{self.assumption} {self.value:g}"

    def apply(self, journey: Journey) -> Journey:
        if self.assumption is None:
            return journey
        known = tuple((k, b) for k, b in journey.loyalty.ranges if k != self.assumption)
        loyalty = replace(journey.loyalty, **{self.assumption: self.value}, ranges=known)
        return replace(journey, loyalty=loyalty)  # the setting is known: no range drawn


def settings_for(loyalty: Loyalty) -> list[Setting]:
    """The file's own setting first, then each range end that differs from it."""
    out = [Setting()]
    for key, values in RANGES.items():
        out += [Setting(key, v) for v in values if v != getattr(loyalty, key)]
    return out


def rank_order(effects: dict[str, obj.Interval]) -> list[str]:
    """Scenario ids, best effect first; ties keep file order."""
    return sorted(effects, key=lambda sid: -obj.score(effects[sid]))


def analyse(
    journey: Journey,
    spec: RunSpec | None = None,
    *,
    objective: str = obj.DEFAULT,
    scenarios: list[str] | None = None,
    progress: Progress | None = None,
    settings: list[Setting] | None = None,
    as_written: dict[str, obj.Interval] | None = None,
) -> dict[str, Any]:
    """Effects and ranking per setting, and per scenario its range and whether its rank holds.

    `as_written`: the scenarios' effects already simulated with the file's own
    assumptions (same seed and replications), so that setting is not run again.
    """
    spec = spec or RunSpec()
    settings = settings if settings is not None else settings_for(journey.loyalty)
    ids = scenarios if scenarios is not None else [s.id for s in journey.scenarios]
    if not ids:
        return {"objective": objective, "settings": [], "scenarios": {}}
    rows = []
    for setting in settings:
        if setting.assumption is None and as_written is not None:
            effects, count, precision = dict(as_written), None, None
        else:
            effects, count, precision = _effects(
                setting.apply(journey), spec, objective, ids, progress
            )
        row = {
            "setting": setting.name,
            "assumption": setting.assumption,
            "value": setting.value,
            "effects": effects,
            "ranking": rank_order(effects),
        }
        if spec.adaptive and count is not None:
            row["replications"] = count
        if precision is not None:
            row["precision_met"] = precision["met"]
            row["half_width"] = precision["half_width"]
        rows.append(row)
    return {"objective": objective, "settings": rows, "scenarios": summary(rows)}


def _effects(
    journey: Journey,
    spec: RunSpec,
    objective: str,
    scenarios: list[str],
    progress: Progress | None,
) -> tuple[dict[str, obj.Interval], int, dict[str, Any] | None]:
    """Each scenario's effect in one setting, the replications it took, and whether
    --precision was met there (None without one)."""
    experiment = Experiment(journey, spec, progress)
    variants = file_scenarios(experiment.journey, scenarios)
    experiment.add(variants)

    def effects() -> dict[str, obj.Interval]:
        level = experiment.level
        return {
            name: obj.effect(objective, experiment.base, *experiment.runs_of(name), level)
            for name, _, _ in variants
        }

    precision = obj.settle(experiment, lambda: effects().values(), objective)
    return effects(), experiment.replications, precision


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per scenario: the lowest and highest mean effect, and whether its rank holds."""
    out: dict[str, dict[str, Any]] = {}
    for sid in rows[0]["effects"] if rows else []:
        means = [r["effects"][sid]["mean"] for r in rows]
        known = [m for m in means if m is not None]
        ranks = {r["ranking"].index(sid) for r in rows}
        out[sid] = {
            "low": min(known) if known else None,
            "high": max(known) if known else None,
            "rank_holds": len(ranks) == 1,
        }
    return out


def sensitivity_for_simulate(
    journey: Journey,
    results: dict[str, Any],
    spec: RunSpec | None = None,
    *,
    objective: str = obj.DEFAULT,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Sensitivity of the scenarios in `results`, reusing them as the file's own setting."""
    ids = [name for name in results["scenarios"] if name != "baseline"]
    as_written = {sid: obj.from_entry(objective, results["scenarios"][sid]) for sid in ids}
    return analyse(
        journey, spec, objective=objective, scenarios=ids, progress=progress, as_written=as_written
    )


def runs_needed(journey: Journey, scenarios: int, spec: RunSpec, *, reuse: bool) -> int:
    """Simulation tasks the analysis may run (for the size check and a progress bar)."""
    settings = len(settings_for(journey.loyalty)) - (1 if reuse else 0)
    return settings * (scenarios + 1) * spec.most


def attach(results: dict[str, Any], sensitivity: dict[str, Any]) -> None:
    """Add `sensitivity` to each scenario of a results dict, and the settings at the top."""
    for sid, value in sensitivity["scenarios"].items():
        results["scenarios"][sid]["sensitivity"] = value
    results["sensitivity"] = {
        "objective": sensitivity["objective"],
        "settings": sensitivity["settings"],
    }
