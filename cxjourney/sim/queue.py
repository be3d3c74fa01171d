"""A first-come-first-served queue with c servers, as the servers' free times.

When customers reach a queue in time order (SimPy hands them out that way), each one's
wait follows from the servers alone (Kiefer and Wolfowitz 1955): service starts at the
earliest moment a server is free, and no later arrival can change it. A customer whose
wait would pass its patience walks out at arrival + patience and takes no server, so
the customers behind are unaffected. One timeout per queued visit replaces a request,
a condition, a timeout and a release.

Staffing that follows the week (`capacity 10 mon-fri 8:00-18:00`) makes server j
available in the quarter hours where the staffing exceeds j; a server starts a service
only while on shift and finishes the one it has started.
"""

from __future__ import annotations

import heapq
import math

from ..model import SLOT_MINUTES, SLOTS, WEEK_MINUTES


class Queue:
    """The servers of one queued touchpoint."""

    __slots__ = ("free", "next_on", "shifted")

    def __init__(self, capacity: int, staffing: list[float] | None = None) -> None:
        self.shifted = staffing is not None
        if staffing is None:
            self.free = [0.0] * capacity  # a heap: every server is the same
            self.next_on: list[list[int]] = []
            return
        servers = int(max(staffing))
        self.free = [0.0] * servers
        # for server j and quarter hour i: the first quarter hour from i (counting on into
        # the next week) in which j is on shift, or -1 if it never is
        self.next_on = []
        for j in range(servers):
            on = [staffing[i] > j for i in range(SLOTS)]
            table = [-1] * SLOTS
            following = -1
            for i in range(2 * SLOTS - 1, -1, -1):
                if on[i % SLOTS]:
                    following = i
                if i < SLOTS:
                    table[i] = following
            self.next_on.append(table)

    def start(self, arrival: float) -> tuple[float, int]:
        """When service would start for a customer arriving now, and on which server."""
        if not self.shifted:
            first = self.free[0]
            return (arrival if arrival >= first else first), 0
        best, best_j = math.inf, -1
        for j, free in enumerate(self.free):
            t = arrival if arrival >= free else free
            week = t // WEEK_MINUTES
            slot = int((t - week * WEEK_MINUTES) // SLOT_MINUTES)
            if slot >= SLOTS:
                slot = SLOTS - 1
            following = self.next_on[j][slot]
            if following < 0:
                continue
            if following != slot:
                t = week * WEEK_MINUTES + following * SLOT_MINUTES
            if t < best:
                best, best_j = t, j
        return best, best_j

    def take(self, server: int, until: float) -> None:
        """The server is busy until `until`."""
        if self.shifted:
            self.free[server] = until
        else:
            heapq.heapreplace(self.free, until)
