"""How a change to a journey reorders its scenarios: each version's scenarios, ranked.

A pull request that changes the baseline can change which investment looks best;
the reviewer should see that. Both versions run with the same seed, so a scenario
present in both meets the same customers on each side.
"""

from __future__ import annotations

from typing import Any

from ..model import Journey


def scenario_rankings(
    old: Journey,
    new: Journey,
    *,
    objective: str = "nps",
    seed: int = 1,
    replications: int = 10,
    horizon: float | None = None,
) -> dict[str, Any] | None:
    """Each version's scenarios ranked by their effect on `objective`; None without any."""
    if not old.scenarios and not new.scenarios:
        return None
    from ..decide.compare import rank
    from ..sim.runner import simulate

    out: dict[str, Any] = {"objective": objective, "currency": new.currency}
    for side, journey in (("old", old), ("new", new)):
        if not journey.scenarios:
            out[side] = []
            continue
        results = simulate(journey, seed=seed, replications=replications, horizon=horizon)
        labels = {s.id: s.label for s in journey.scenarios}
        out[side] = [
            {k: row[k] for k in ("scenario", "rank", "effect", "verdict")}
            for row in rank(results, objective, labels)
        ]
    return out
