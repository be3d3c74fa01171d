"""The queue's servers, grouped by shift pattern, start every service exactly when a
queue of individually tracked servers would.

The reference keeps one free time per server and picks, for each arrival (in time
order), the server whose service could start first, counting its next time on shift;
ties go to the lowest server. Servers on shift in the same quarter hours are
interchangeable: the one freed earliest in a group starts no later than any other,
and which of two tied servers is taken never changes a later start, since later
arrivals come no earlier. So the grouped queue must reproduce the reference's start
times to the last bit.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from cxjourney.model import SLOT_MINUTES, SLOTS, WEEK_MINUTES
from cxjourney.sim.queue import Queue


def reference_starts(staffing, visits):
    servers = int(max(staffing))
    free = [0.0] * servers
    starts = []
    for arrival, service in visits:
        best, best_j = math.inf, -1
        for j in range(servers):
            t = max(arrival, free[j])
            while True:  # walk quarter hours until server j is on shift (two weeks at most)
                week, within = divmod(t, WEEK_MINUTES)
                slot = min(int(within // SLOT_MINUTES), SLOTS - 1)
                if any(staffing[(slot + k) % SLOTS] > j for k in range(SLOTS)):
                    k = next(k for k in range(SLOTS) if staffing[(slot + k) % SLOTS] > j)
                    if k:
                        t = week * WEEK_MINUTES + (slot + k) * SLOT_MINUTES
                    break
                t = math.inf
                break
            if t < best:
                best, best_j = t, j
        starts.append(best)
        if best_j >= 0:
            free[best_j] = best + service
    return starts


def grouped_starts(staffing, visits):
    queue = Queue(int(max(staffing)), staffing)
    starts = []
    for arrival, service in visits:
        start, group = queue.start(arrival)
        starts.append(start)
        if group >= 0:
            queue.take(group, start + service)
    return starts


windows = st.lists(
    st.tuples(st.integers(0, SLOTS - 1), st.integers(1, 200), st.integers(0, 4)),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(
    base=st.integers(0, 3),
    windows=windows,
    gaps=st.lists(st.floats(0, 400), min_size=1, max_size=60),
    services=st.lists(st.floats(0.5, 300), min_size=60, max_size=60),
)
def test_grouped_servers_start_services_as_individual_servers_do(base, windows, gaps, services):
    staffing = [float(base)] * SLOTS
    for first, length, servers in windows:
        for i in range(first, min(SLOTS, first + length)):
            staffing[i] = float(servers)
    if max(staffing) < 1:
        staffing[0] = 1.0
    arrivals, t = [], 0.0
    for gap in gaps:
        t += gap
        arrivals.append(t)
    visits = list(zip(arrivals, services, strict=False))
    assert grouped_starts(staffing, visits) == reference_starts(staffing, visits)


def test_a_queue_of_many_servers_costs_only_its_busiest_moment():
    """capacity 10^30 (a fuzzed file): every visit starts on arrival, no list of 10^30."""
    queue = Queue(10**30)
    for arrival in (0.0, 1.0, 1.0, 2.5):
        start, group = queue.start(arrival)
        assert start == arrival
        queue.take(group, arrival + 100.0)
    assert len(queue.groups[0].free) == 4
