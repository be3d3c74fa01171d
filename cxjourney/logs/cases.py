"""Cases of visits: what every reader of a log makes of it, and the error it raises.

The readers (``formats/``) turn a log's events into ``RawEvent``s and hand them to
``finish_log``. A `start` and a later `complete` of the same activity in a case become
one visit with a service time; a lone `complete` is a visit whose service time is
unknown; other lifecycle transitions are counted and skipped. Times are minutes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .options import ReadOptions, rating_scale, to_five


class LogError(Exception):
    """A log that cannot be read; the message names the file and the line or column."""


#: What a message quotes of a log is bounded, however large the log: at most
#: QUOTED_CHARS characters of a value, at most LISTED_NAMES names of a list.
QUOTED_CHARS = 60
LISTED_NAMES = 10


def quoted(text: str) -> str:
    """`text` for a message: whole when short, else its start and how long it is."""
    if len(text) <= QUOTED_CHARS:
        return text
    return f"{text[:QUOTED_CHARS]}... ({len(text):,} characters)"


def listed(names) -> str:
    """At most LISTED_NAMES of `names` (each quoted), then how many more there are."""
    names = list(names)
    shown = ", ".join(quoted(n) for n in names[:LISTED_NAMES])
    more = len(names) - LISTED_NAMES
    return f"{shown}, ... and {more:,} more" if more > 0 else shown


@dataclass(slots=True)
class Visit:
    """One activity of a case; times in minutes, None when the log does not say."""

    activity: str
    start: float | None
    end: float | None
    arrival: float | None = None  # when the customer was ready for it (for waits)
    rating: float | None = None  # on the 1..5 scale
    resource: str = ""
    channel: str = ""

    @property
    def time(self) -> float:
        return self.start if self.start is not None else self.end  # type: ignore[return-value]

    @property
    def service(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return self.end - self.start

    @property
    def wait(self) -> float | None:
        if self.arrival is None or self.start is None or self.start < self.arrival:
            return None
        return self.start - self.arrival


@dataclass(slots=True)
class Case:
    id: str
    customer: str
    persona: str
    visits: list[Visit]

    @property
    def start(self) -> float:
        return self.visits[0].time

    @property
    def finish(self) -> float:
        """When the case's last visit ended (its only timestamp when the log has one)."""
        return max(v.end if v.end is not None else v.time for v in self.visits)

    @property
    def path(self) -> list[str]:
        return [v.activity for v in self.visits]


@dataclass
class Log:
    file: str
    cases: list[Case]
    events: int = 0
    skipped: Counter = field(default_factory=Counter)  # lifecycle transitions not used
    kind: str = "csv"  # csv | xes | simulated
    rating_scale: int | None = None

    @property
    def first(self) -> float:
        return min((c.start for c in self.cases), default=0.0)

    @property
    def last(self) -> float:
        return max((v.time for c in self.cases for v in c.visits), default=0.0)

    def activities(self) -> Counter:
        return Counter(v.activity for c in self.cases for v in c.visits)


# ---- raw events -> cases --------------------------------------------------------------------
@dataclass(slots=True)
class RawEvent:
    """One event as a reader found it, before starts and completes are paired."""

    activity: str
    time: float
    transition: str
    resource: str
    rating: float | None
    channel: str
    start: float | None = None  # a row with a start and an end time (CSV): one visit
    end: float | None = None


_START = {"start"}
_COMPLETE = {"complete", ""}
_CLOSE = {"ate_abort", "pi_abort", "withdraw", "abort"}
BOTH = "start+complete"  # a CSV row with a start and an end time: one visit as it stands


def build_case(case_id: str, customer: str, persona: str, raws: list[RawEvent], skipped: Counter):
    """Pair starts with completes (first in, first out per activity); order by time."""
    raws.sort(key=lambda r: r.time)  # stable: equal times keep the log's order
    visits: list[Visit] = []
    open_starts: dict[str, list[Visit]] = defaultdict(list)
    for r in raws:
        kind = r.transition
        if kind == BOTH:
            visits.append(Visit(r.activity, r.start, r.end, None, r.rating, r.resource, r.channel))
        elif kind in _START:
            v = Visit(r.activity, r.time, None, None, r.rating, r.resource, r.channel)
            visits.append(v)
            open_starts[r.activity].append(v)
        elif kind in _COMPLETE or kind in _CLOSE:
            waiting = open_starts.get(r.activity)
            if waiting:
                v = waiting.pop(0)
                v.end = r.time if kind not in _CLOSE else v.start
                if r.rating is not None:
                    v.rating = r.rating
                v.resource = v.resource or r.resource
                v.channel = v.channel or r.channel
            elif kind in _COMPLETE:
                visits.append(
                    Visit(r.activity, None, r.time, None, r.rating, r.resource, r.channel)
                )
            else:
                skipped[kind] += 1
        else:
            skipped[kind] += 1
    visits.sort(key=lambda v: v.time)
    previous_end: float | None = None
    for v in visits:
        if v.start is not None and previous_end is not None:
            v.arrival = previous_end
        previous_end = v.end if v.end is not None else None
    return Case(case_id, customer or case_id, persona, visits) if visits else None


def finish_log(
    path: str,
    cases: dict[str, list[RawEvent]],
    owners: dict[str, tuple[str, str]],
    ratings: list[float],
    events: int,
    options: ReadOptions,
    kind: str,
) -> Log:
    """The log of a reader's events: ratings on the 1..5 scale, cases in order of start."""
    scale = rating_scale(ratings, options.rating_scale) if ratings else None
    skipped: Counter = Counter()
    built: list[Case] = []
    for case_id, raws in cases.items():
        if scale == 10:
            for r in raws:
                if r.rating is not None:
                    r.rating = to_five(r.rating, 10)
        customer, persona = owners.get(case_id, ("", ""))
        case = build_case(case_id, customer, persona, raws, skipped)
        if case is not None:
            built.append(case)
    built.sort(key=lambda c: (c.start, c.id))
    if not built:
        raise LogError(f"{path}: no events with an activity and a time")
    return Log(path, built, events, skipped, kind, scale)
