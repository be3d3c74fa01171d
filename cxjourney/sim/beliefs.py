"""Ranges of belief: what the team does not know, drawn once per replication.

A range of belief (`impact +1 .. +3`) is one number nobody knows, unlike variability
(`+-`), which every customer meets anew. Probabilistic sensitivity analysis draws
every uncertain input once per replication, uniformly over its range, so every
interval carries what the team does not know as well as chance.

Any number that takes a range may be one (docs/language.md lists them): an event's
chance and impact, a scenario's cost, a step's expectation, delivery, times and
patience, a parameter inside a distribution (`exp(20 min .. 40 min)`), a persona's
rhythm and arrivals, a recovery's chance, an edge's delay, a loyalty key. Each input
has a name (`install.noshow.chance`, `install.after.mean`, `family.arrivals`,
`loyalty.referral`), and its draw is a quantile u in (0, 1), a hash of the
replication's key and that name, never the next number of a sequence. So

- every scenario of a replication sees the same draw of a shared input (common random
  numbers still pair them), and two scenarios that add the same event share its draw;
- a replication's draws do not depend on which other replications, workers or engine
  run it;
- a journey without ranges runs the plan it always ran: the same bytes.

A replication's journey is `realised(journey, key)`: the journey with every range
replaced by its draw (language/ranges.py says where ranges stand and fixes them),
compiled as any journey is (`plan.drawn`).
"""

from __future__ import annotations

from dataclasses import replace

from ..language.ranges import fixed, inputs, source
from ..language.scenarios import apply
from ..model import Belief, Journey
from . import streams

#: The key every replication's draws of beliefs derive from, apart from the engines' draws.
_BELIEFS = streams.salt("beliefs")


def quantile(key: int, name: str) -> float:
    """The draw of input `name` in the replication whose key is `key`: a uniform in (0, 1)."""
    return streams.draw(streams.derive(key, _BELIEFS), streams.salt("belief:" + name))


def quantiles(journey: Journey, key: int) -> dict[str, float]:
    """Replication `key`'s draw of every uncertain input of the journey."""
    return {i.name: quantile(key, i.name) for i in inputs(journey)}


def cost(scenario_id: str, belief: Belief | None, middle: float, key: int) -> float:
    """A scenario's cost in one replication: drawn from its range, or as written."""
    if belief is None:
        return middle
    return belief.at(quantile(key, f"{scenario_id}.cost"))


# ---- a replication's journey ------------------------------------------------------------------


def realised(journey: Journey, key: int) -> Journey:
    """Replication `key`'s journey: every range of belief drawn once, and for a scenario's
    journey, its scenarios applied to that draw (so a change written as a range, `*= 0.6
    .. 0.8`, is drawn too, and a change by `+=` adds to the baseline's own draw)."""
    drawn_from = source(journey)
    known = fixed(drawn_from, quantiles(drawn_from, key))
    if journey.origin is None:
        return known
    result = replace(known, scenarios=())
    for scenario in known.scenarios:
        result = apply(result, scenario)
    return result
