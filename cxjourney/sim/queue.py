"""A first-come-first-served queue with c servers, as the servers' free times.

When customers reach a queue in time order (SimPy hands them out that way), each one's
wait follows from the servers alone (Kiefer and Wolfowitz 1955): service starts at the
earliest moment a server is free, and no later arrival can change it. A customer whose
wait would pass its patience walks out at arrival + patience and takes no server, so
the customers behind are unaffected. One timeout per queued visit replaces a request,
a condition, a timeout and a release.

Staffing that follows the week (`capacity 10 mon-fri 8:00-18:00`) makes server j
available in the quarter hours where the staffing exceeds j; a server starts a service
only while on shift and finishes the one it has started. Servers that are on shift in
the same quarter hours are interchangeable, so they are kept as one group: a heap of
the free times of those that have served, and a count of those that have not yet. A
queue of a million servers then costs no more than its busiest moment.
"""

from __future__ import annotations

import heapq
import math

from ..model import SLOT_MINUTES, SLOTS, WEEK_MINUTES


class _Group:
    """Servers on shift in the same quarter hours: the free times of those that have
    served (a heap) and how many have never served (free since the start)."""

    __slots__ = ("free", "idle", "next_on")

    def __init__(self, size: int, next_on: list[int]) -> None:
        self.free: list[float] = []
        self.idle = size
        self.next_on = next_on  # per quarter hour: the first one on shift from it, or -1

    def earliest(self) -> float:
        return 0.0 if self.idle else self.free[0]

    def take(self, until: float) -> None:
        if self.idle:
            self.idle -= 1
            heapq.heappush(self.free, until)
        else:
            heapq.heapreplace(self.free, until)


def _next_on(on: list[bool]) -> list[int]:
    """For each quarter hour i: the first quarter hour from i (counting on into the next
    week) in which the server is on shift, or -1 if it never is."""
    table = [-1] * SLOTS
    following = -1
    for i in range(2 * SLOTS - 1, -1, -1):
        if on[i % SLOTS]:
            following = i
        if i < SLOTS:
            table[i] = following
    return table


class Queue:
    """The servers of one queued touchpoint."""

    __slots__ = ("groups", "shifted")

    def __init__(self, capacity: int, staffing: list[float] | None = None) -> None:
        self.shifted = staffing is not None
        if staffing is None:
            self.groups = [_Group(capacity, [])]
            return
        # server j is on shift where the staffing exceeds j: servers between two
        # successive staffing levels share their hours
        levels = sorted({math.ceil(s) for s in staffing if s > 0})
        self.groups = []
        below = 0
        for level in levels:
            self.groups.append(
                _Group(level - below, _next_on([math.ceil(s) >= level for s in staffing]))
            )
            below = level

    def start(self, arrival: float) -> tuple[float, int]:
        """When service would start for a customer arriving now, and in which group."""
        if not self.shifted:
            first = self.groups[0].earliest()
            return (arrival if arrival >= first else first), 0
        best, best_g = math.inf, -1
        for g, group in enumerate(self.groups):
            free = group.earliest()
            t = arrival if arrival >= free else free
            week = t // WEEK_MINUTES
            slot = int((t - week * WEEK_MINUTES) // SLOT_MINUTES)
            if slot >= SLOTS:
                slot = SLOTS - 1
            following = group.next_on[slot]
            if following < 0:
                continue
            if following != slot:
                t = week * WEEK_MINUTES + following * SLOT_MINUTES
            if t < best:
                best, best_g = t, g
        return best, best_g

    def take(self, group: int, until: float) -> None:
        """A server of the group is busy until `until`."""
        self.groups[group].take(until)
