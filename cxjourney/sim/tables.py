"""A plan as the arrays the kernel reads, built once per plan and shared by both engines."""

from __future__ import annotations

import numpy as np

from . import kernel
from .plan import Plan

NO_DELAY = -1
MAX_EVENTS = 64  # events of one touchpoint, as bits of one integer


class Tables:
    """The plan's numbers by touchpoint, persona and node, padded into numpy arrays."""

    def __init__(self, plan: Plan) -> None:
        k, personas = plan.size, len(plan.persona_ids)
        self.k = k
        width = max((len(e) for e in plan.events), default=0)
        if width > MAX_EVENTS:
            raise ValueError(f"a touchpoint has {width} events; the simulator takes {MAX_EVENTS}")
        delays: list = []

        def row(sampler) -> int:
            if sampler is None:
                return NO_DELAY
            delays.append(sampler)
            return len(delays) - 1

        self.tp = np.zeros((k, kernel.TP_COLUMNS))
        for t in range(k):
            self.tp[t, kernel.WEIGHT] = plan.weight[t]
            self.tp[t, kernel.MAX_WAIT] = plan.max_wait[t]
            self.tp[t, kernel.N_EVENTS] = len(plan.events[t])
            self.tp[t, kernel.AFTER] = row(plan.after[t] if plan.after else None)
            self.tp[t, kernel.TAKES_ROW] = row(plan.takes[t] if plan.takes else None)
            self.tp[t, kernel.SERVICE_ROW] = row(plan.service[t])
            self.tp[t, kernel.PERF :] = plan.performance[t]
        self.event_salts = np.zeros((k, max(width, 1)), dtype=np.uint64)
        self.events = np.zeros((k, max(width, 1), 2))  # chance, remembered value
        for t, events in enumerate(plan.events):
            for e, (salt, chance, gain, _, _) in enumerate(events):
                self.event_salts[t, e] = salt
                self.events[t, e] = chance, gain
        degree = max((len(tg) for per_node in plan.routes for _, tg in per_node), default=1)
        self.cum = np.full((personas, k + 1, degree), 3.0)
        self.targets = np.full((personas, k + 1, degree), k + 1, dtype=np.int64)
        self.edge = np.full((personas, k + 1, degree), NO_DELAY, dtype=np.int64)
        for p, per_node in enumerate(plan.routes):
            for node, (cum, targets) in enumerate(per_node):
                self.cum[p, node, : len(cum)] = cum
                self.targets[p, node, : len(targets)] = targets
        for p, per_node in enumerate(plan.edge_after):
            for node, samplers in enumerate(per_node):
                for i, sampler in enumerate(samplers or ()):
                    self.edge[p, node, i] = row(sampler)
        self.delays = np.array(delays, dtype=np.float64).reshape(-1, 6)
        if not len(self.delays):
            self.delays = np.zeros((1, 6))
        self.model = model_vector(plan)


def model_vector(plan: Plan) -> np.ndarray:
    """The loyalty parameters in the kernel's order (kernel.TOLERANCE, ...)."""
    lo = plan.loyalty
    values = [
        plan.tolerance, plan.curvature, plan.negativity, plan.wait_sensitivity, plan.recovery,
        plan.noise, plan.smoothing, plan.adaptation, plan.referral_rate, plan.horizon,
        lo.retention_floor, lo.retention_cap, lo.retention_slope, lo.retention_midpoint,
        lo.price_churn,
    ]  # fmt: skip
    assert len(values) == kernel.MODEL_SIZE
    return np.array(values, dtype=np.float64)
