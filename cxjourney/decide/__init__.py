"""Deciding where to invest: every analysis is a set of journey variants simulated
against the baseline with common random numbers, so effects are paired differences.

`experiment` runs variants on shared replication keys; `objective` turns paired runs
into an effect with its 95% interval; `compare` ranks the file's scenarios; `drivers`
ranks touchpoints and owners by a standard improvement; `sensitivity` re-runs the
scenarios across the assumptions that decide rankings; `optimize` picks the best
combination of scenarios within a budget.
"""

from __future__ import annotations

from .objective import OBJECTIVES

__all__ = ["OBJECTIVES"]
