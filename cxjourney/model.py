"""The journey model: frozen dataclasses, each element keeping its source position.

The model is what the language means, in canonical units (minutes, fractions), with
names still as names: references are checked by `checks`, and the simulator compiles
the model into a plan of arrays before running it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """A position in a source file; lines and columns count from 1 (columns in code points)."""

    line: int
    column: int
    file: str = ""


NOWHERE = Span(1, 1)

EVENT_KINDS = ("delighter", "disappointer")
TERMINALS = ("start", "end", "exit")

#: The week of a schedule: a run starts on a Monday at 00:00, in quarter hours.
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60.0
WEEK_MINUTES = 7 * DAY_MINUTES
SLOT_MINUTES = 15.0
SLOTS = int(WEEK_MINUTES / SLOT_MINUTES)  # 672 quarter hours


#: The name of each parameter of each family of distributions (the names of its ranges).
PARAMETERS = {
    "constant": ("value",),
    "normal": ("mean", "sd"),
    "exp": ("mean",),
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "lognormal": ("mean", "sd"),
}


@dataclass(frozen=True)
class Distribution:
    """A value that may vary: ``scale * draw(kind, params) + offset``.

    `+=` / `-=` in a scenario shift every draw and `*=` scales it, so the base
    distribution is kept and the change recorded as an affine map.
    """

    kind: str  # constant | normal | exp | uniform | triangular | lognormal
    params: tuple[float, ...]
    scale: float = 1.0
    offset: float = 0.0
    # a range of belief per parameter (`lognormal(4 days .. 8 days, 3 days)`), None where
    # the parameter is known; `params` holds the middles. Empty when none is a range.
    ranges: tuple[Belief | None, ...] = ()
    # the name its ranges go by when a scenario writes it (`fast.install.after`); empty
    # where the file's own step or edge names them
    tag: str = ""

    @staticmethod
    def constant(value: float) -> Distribution:
        return Distribution("constant", (value,))

    @property
    def base_mean(self) -> float:
        p = self.params
        if self.kind in ("constant", "normal", "exp", "lognormal"):
            return p[0]
        if self.kind == "uniform":
            return (p[0] + p[1]) / 2
        if self.kind == "triangular":
            return (p[0] + p[1] + p[2]) / 3
        raise ValueError(self.kind)

    @property
    def mean(self) -> float:
        return self.scale * self.base_mean + self.offset

    @property
    def is_constant(self) -> bool:
        return self.kind == "constant" or (self.kind == "normal" and self.params[1] == 0)

    def at(self, values: dict[int, float]) -> Distribution:
        """The distribution with parameter i set to values[i] and no ranges left."""
        params = tuple(values.get(i, p) for i, p in enumerate(self.params))
        return replace(self, params=params, ranges=(), tag="")

    def shifted(self, delta: float) -> Distribution:
        if self.kind == "constant":
            return Distribution.constant(self.params[0] * self.scale + self.offset + delta)
        return replace(self, offset=self.offset + delta)

    def scaled(self, factor: float) -> Distribution:
        if self.kind == "constant":
            return Distribution.constant((self.params[0] * self.scale + self.offset) * factor)
        return replace(self, scale=self.scale * factor, offset=self.offset * factor)


@dataclass(frozen=True)
class Window:
    """Times of the week: some days (0 = Monday) and a daily span [start, end).

    Minutes after midnight, on the quarter hour. A span that ends at or before its
    start (22:00-6:00) runs past midnight and belongs to the day it starts on.
    """

    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
    start: float = 0.0
    end: float = DAY_MINUTES
    span: Span = NOWHERE

    @property
    def whole_week(self) -> bool:
        return len(self.days) == 7 and self.start == 0.0 and self.end == DAY_MINUTES

    def slots(self) -> list[int]:
        """The quarter hours of the week that the window covers."""
        first = int(self.start // SLOT_MINUTES)
        length = int((self.end - self.start) // SLOT_MINUTES)
        if length <= 0:
            length += int(DAY_MINUTES // SLOT_MINUTES)
        per_day = int(DAY_MINUTES // SLOT_MINUTES)
        return sorted({(d * per_day + first + i) % SLOTS for d in self.days for i in range(length)})


@dataclass(frozen=True)
class Shift:
    """One line of a weekly schedule, applied in order over the base value.

    `capacity 8 mon-fri 9:00-17:00` sets 8 in that window; a scenario's
    `support.capacity += 2 mon-fri 9:00-12:00` adds 2 there; `busy mon 8:00-10:00 3x`
    makes Monday morning's arrivals three times as dense as an ordinary hour.
    """

    window: Window
    value: float
    op: str = "="  # = += -= *=
    span: Span = NOWHERE


def weekly(base: float, shifts: tuple[Shift, ...]) -> list[float]:
    """The value in each quarter hour of the week: `base`, then each shift in order."""
    values = [float(base)] * SLOTS
    for shift in shifts:
        for i in shift.window.slots():
            v = values[i]
            if shift.op == "=":
                v = shift.value
            elif shift.op == "+=":
                v += shift.value
            elif shift.op == "-=":
                v -= shift.value
            else:
                v *= shift.value
            values[i] = v
    return values


@dataclass(frozen=True)
class Belief:
    """A range of belief, `impact +1 .. +3`: one true number the team does not know.

    Not variability (`+-`, which every customer meets anew): the number is the same for
    every customer, and probabilistic sensitivity analysis draws it once per replication,
    uniformly over [low, high]. The model's plain field holds the middle, so an analysis
    that ignores beliefs sees the range's middle.
    """

    low: float
    high: float
    span: Span = NOWHERE

    @property
    def middle(self) -> float:
        return (self.low + self.high) / 2

    def at(self, u: float) -> float:
        """The value a uniform u in (0, 1) picks."""
        return self.low + u * (self.high - self.low)

    def moved(self, op: str, number: float) -> Belief | None:
        """The belief after a scenario's `op number`: shifted or scaled with the value,
        gone when the scenario sets the value outright."""
        if op == "+=":
            return replace(self, low=self.low + number, high=self.high + number)
        if op == "-=":
            return replace(self, low=self.low - number, high=self.high - number)
        if op == "*=":
            ends = sorted((self.low * number, self.high * number))
            return replace(self, low=ends[0], high=ends[1])
        return None


@dataclass(frozen=True)
class Event:
    """A delighter (Kano attractive) or disappointer (Kano must-be) at a touchpoint."""

    id: str
    label: str
    kind: str
    chance: float
    impact: float
    span: Span = NOWHERE
    chance_range: Belief | None = None  # `chance 5% .. 15%`; `chance` holds its middle
    impact_range: Belief | None = None  # `impact +1 .. +3`; `impact` holds its middle


@dataclass(frozen=True)
class Recovery:
    """`recovers a, T.b chance 60%`: targets as written; `checks` resolves them."""

    targets: tuple[tuple[str, ...], ...]
    chance: float
    span: Span = NOWHERE
    target_spans: tuple[Span, ...] = ()
    chance_range: Belief | None = None  # `chance 40% .. 70%`; `chance` holds its middle


@dataclass(frozen=True)
class Touchpoint:
    id: str
    label: str
    stage: str
    channel: str | None = None
    owner: str | None = None
    expect: float = 3.0
    delivers: Distribution | None = None  # None: delivers what is expected
    capacity: float | None = None
    service: Distribution | None = None  # minutes
    max_wait: float | None = None  # minutes
    moment_of_truth: float | None = None  # the weight; None when not a moment of truth
    events: tuple[Event, ...] = ()
    recovers: tuple[Recovery, ...] = ()
    span: Span = NOWHERE
    spans: dict[str, Span] = field(default_factory=dict, compare=False)
    after: Distribution | None = None  # minutes before each visit: a wait the customer feels
    takes: Distribution | None = None  # minutes the step itself takes, without a server
    shifts: tuple[Shift, ...] = ()  # capacity by time of the week, over `capacity`
    expect_range: Belief | None = None  # `expect 3.5 .. 4.5`; `expect` holds its middle
    delivers_range: Belief | None = None  # `delivers 3.5 .. 4.2`; `delivers` is its middle
    after_range: Belief | None = None  # `after 2 days .. 4 days`; `after` is its middle
    takes_range: Belief | None = None
    service_range: Belief | None = None
    max_wait_range: Belief | None = None  # minutes
    moment_of_truth_range: Belief | None = None  # `moment_of_truth 2 .. 4`, the weight

    @property
    def weight(self) -> float:
        return 1.0 if self.moment_of_truth is None else self.moment_of_truth

    @property
    def performance(self) -> Distribution:
        return self.delivers if self.delivers is not None else Distribution.constant(self.expect)

    def staffing(self) -> list[float]:
        """Servers in each quarter hour of the week (`capacity`, then its shifts)."""
        return weekly(self.capacity or 0.0, self.shifts)

    def event(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)


@dataclass(frozen=True)
class Persona:
    id: str
    label: str
    share: float | None = None
    visit_gap: float | None = None  # minutes between repeat journeys (mean)
    arrivals: float | None = None  # new customers per minute
    patience: float | None = None  # minutes
    spend: float = 0.0
    price_sensitivity: float = 0.0
    expects: float = 0.0
    prefers: tuple[str, ...] = ()
    span: Span = NOWHERE
    spans: dict[str, Span] = field(default_factory=dict, compare=False)
    repeat_from: str | None = None  # where repeat journeys start; None: where the flow starts
    busy: tuple[Shift, ...] = ()  # arrival density by time of the week (1 = ordinary)
    spend_range: Belief | None = None  # `spend 4 .. 6`; `spend` holds its middle
    patience_range: Belief | None = None  # `patience 20 min .. 40 min`, minutes
    visit_gap_range: Belief | None = None  # `visits every 20 days .. 40 days`, minutes
    arrivals_range: Belief | None = None  # `arrivals 30 .. 50 per week`, per minute
    price_sensitivity_range: Belief | None = None
    expects_range: Belief | None = None

    def arrival_profile(self) -> list[float] | None:
        """Each quarter hour's share of the weekly rate, times SLOTS (mean 1); None if flat."""
        if not self.busy:
            return None
        values = weekly(1.0, self.busy)
        mean = sum(values) / SLOTS
        return [v / mean for v in values] if mean > 0 else None


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    touchpoints: tuple[str, ...]
    span: Span = NOWHERE


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    probability: float | None = None  # None: shares what the listed edges leave
    persona: str | None = None
    span: Span = NOWHERE
    source_span: Span = NOWHERE
    target_span: Span = NOWHERE
    after: Distribution | None = None  # minutes on the way: a wait felt at the target
    after_range: Belief | None = None  # `after 2 days .. 4 days`; `after` is its middle
    probability_range: Belief | None = None  # `20% .. 40%`; `probability` is its middle


@dataclass(frozen=True)
class Value:
    """A right-hand side as written (scenario operators, loyalty keys).

    kind: number | percent | rate | distribution | word; `unit` is the time unit
    as written (None without one); `number` is the plain value before any unit.
    """

    kind: str
    number: float = 0.0
    unit: str | None = None
    per: str | None = None
    distribution: Distribution | None = None
    word: str = ""
    span: Span = NOWHERE
    # a scenario's change the team does not know (`a.service *= 0.6 .. 0.8`): its range
    # (`number` holds the middle) and the name it is drawn by (`faster.a.service`)
    range: Belief | None = None
    name: str = ""

    def known(self, x: float) -> Value:
        """The change with its range drawn at `x`: a plain number (or constant)."""
        dist = Distribution.constant(x) if self.distribution is not None else None
        return replace(self, number=x, range=None, distribution=dist)


@dataclass(frozen=True)
class Change:
    """One line of a scenario."""

    kind: str  # set | add | remove | flow
    path: tuple[str, ...] = ()
    op: str = "="
    value: Value | None = None
    event: Event | None = None
    persona: str | None = None
    span: Span = NOWHERE
    path_spans: tuple[Span, ...] = ()
    window: Window | None = None  # `support.capacity += 2 mon-fri 9:00-12:00`


@dataclass(frozen=True)
class Scenario:
    id: str
    label: str
    cost: float = 0.0
    changes: tuple[Change, ...] = ()
    span: Span = NOWHERE
    spans: dict[str, Span] = field(default_factory=dict, compare=False)
    cost_range: Belief | None = None  # `cost 40k .. 60k`; `cost` holds its middle


@dataclass(frozen=True)
class Loyalty:
    """Loyalty-model parameters (docs/model.md), with the published defaults."""

    memory: str = "blend"
    negativity: float = 2.0
    curvature: float = 0.88
    tolerance: float = 0.25
    wait_sensitivity: float = 1.0
    channel_penalty: float = 0.5
    recovery: float = 0.70
    noise: float = 1.5
    smoothing: float = 0.50
    retention_floor: float = 0.70
    retention_cap: float = 0.99
    retention_midpoint: float = 7.0
    retention_slope: float = 1.5
    price_churn: float = 0.05
    referral: float = 0.02
    adaptation: float = 0.20
    # keys written as a range of belief (`referral 1% .. 4%`): (key, range), the key's
    # field holding the middle
    ranges: tuple[tuple[str, Belief], ...] = ()

    def range_of(self, key: str) -> Belief | None:
        return next((b for k, b in self.ranges if k == key), None)

    def setting(self, key: str) -> object:
        """A key as written: its range of belief when it has one, else its value."""
        return self.range_of(key) or getattr(self, key)

    @staticmethod
    def of(settings: dict[str, object]) -> Loyalty:
        """The parameters from keys as written, a range of belief standing for its middle."""
        plain = {k: v.middle if isinstance(v, Belief) else v for k, v in settings.items()}
        order = [f.name for f in fields(Loyalty)]  # the keys' own order, not as written
        ranges = tuple(
            sorted(
                ((k, v) for k, v in settings.items() if isinstance(v, Belief)),
                key=lambda item: order.index(item[0]),
            )
        )
        return Loyalty(**plain, ranges=ranges)  # type: ignore[arg-type]


LOYALTY_KEYS = tuple(f.name for f in fields(Loyalty) if f.name != "ranges")


@dataclass(frozen=True)
class Journey:
    title: str
    description: str = ""
    horizon: float = 365 * 24 * 60.0  # minutes
    customers: float = 1000
    currency: str = "USD"
    personas: tuple[Persona, ...] = ()
    stages: tuple[Stage, ...] = ()
    touchpoints: tuple[Touchpoint, ...] = ()
    flow: tuple[Edge, ...] | None = None  # None: touchpoints in the order written
    scenarios: tuple[Scenario, ...] = ()
    loyalty: Loyalty = field(default_factory=Loyalty)
    loyalty_spans: dict[str, Span] = field(default_factory=dict, compare=False)
    uses: tuple[str, ...] = ()
    file: str = ""
    span: Span = NOWHERE
    spans: dict[str, Span] = field(default_factory=dict, compare=False)
    # where a scenario's journey comes from: the baseline before any scenario, and the
    # scenarios applied to it in order (`scenarios.apply`), so that a replication can
    # draw the file's ranges of belief first and apply the scenarios to that draw
    origin: Journey | None = field(default=None, compare=False, repr=False)
    applied: tuple[Scenario, ...] = field(default=(), compare=False, repr=False)

    def touchpoint(self, tp_id: str) -> Touchpoint | None:
        return next((t for t in self.touchpoints if t.id == tp_id), None)

    def persona(self, persona_id: str) -> Persona | None:
        return next((p for p in self.personas if p.id == persona_id), None)

    def scenario(self, scenario_id: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.id == scenario_id), None)

    @property
    def edges(self) -> tuple[Edge, ...]:
        """The flow's edges, or the implicit chain of touchpoints in written order."""
        if self.flow is not None:
            return self.flow
        ids = [t.id for t in self.touchpoints]
        chain = list(zip(["start", *ids], [*ids, "end"], strict=True)) if ids else []
        return tuple(Edge(a, b) for a, b in chain)


@dataclass(frozen=True)
class Library:
    """A persona-only file: personas and at most one loyalty block."""

    personas: tuple[Persona, ...] = ()
    loyalty: dict[str, tuple[object, Span]] = field(default_factory=dict)
    file: str = ""


#: Fields that say where an element was written or came from, not what it means.
POSITIONS = frozenset(
    {
        "span",
        "spans",
        "loyalty_spans",
        "target_spans",
        "path_spans",
        "source_span",
        "target_span",
        "origin",
        "applied",
    }
)

#: Fields left out of plain data while unset, so files without ranges of belief export
#: as they always have.
ONLY_WHEN_SET = frozenset(
    {
        "chance_range",
        "impact_range",
        "cost_range",
        "expect_range",
        "delivers_range",
        "spend_range",
        "patience_range",
        "after_range",
        "takes_range",
        "service_range",
        "max_wait_range",
        "moment_of_truth_range",
        "visit_gap_range",
        "arrivals_range",
        "price_sensitivity_range",
        "expects_range",
        "probability_range",
        "range",
        "name",
        "ranges",
        "tag",
    }
)


def to_plain(value: Any) -> Any:
    """A model as plain data without positions or its file: what it means, comparable.

    Two files that say the same thing give equal plain data; floats that are whole
    become ints and non-finite ones None (as JSON has them).
    """
    if is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_plain(getattr(value, f.name))
            for f in fields(value)
            if f.name not in POSITIONS
            and f.name != "file"
            and not (f.name in ONLY_WHEN_SET and getattr(value, f.name) in (None, (), ""))
        }
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return value
