"""Every attribute of the language, written once: name, block, kind, unit, default, range, meaning.

The builder, the checks, the formatter's statement order, the semantic diff, the JSON
Schema, scenarios, editor help and the attribute tables of docs/language.md all read
this table, so a fact changed here changes everywhere (`cxjourney.language.doc_tables` writes
the tables of the docs from it, and a test fails when they drift).

Kinds, and how a value of each kind is written:
  text        a quoted string                      description "Weekday commuters"
  identifier  a bare name                          channel store
  channels    names separated by commas            prefers app, store
  rating      a number on the 1..5 scale           expect 4
  shift       a signed difference of ratings       expects -0.5
  count       a whole number                       capacity 2
  number      a plain number                       negativity 2.25
  money       an amount in the journey's currency  spend 4.50
  percent     a percentage, written with %         share 60%
  duration    a number and a time unit             patience 4 min
  rate        N per time unit                      arrivals 40 per week
  distribution  a constant or a distribution       delivers 3.8 +- 0.4
  flag        present or not, with an optional number   moment_of_truth 3
  choice      one word of a fixed list             memory peak_end
  schedule    lines of a value in a window of the week  busy mon-fri 9:00-12:00 3x

The `edge` block holds what a flow edge may say besides its ends, probability and persona
(`a -> b 20% after exp(3 days) for p`).

A few attributes are part of another statement rather than statements of their own
(`from` of `visits every`, a `capacity` line with a window): `within` names that
statement, and `names()` leaves them out (they are no keyword of their block).
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKS = ("journey", "persona", "touchpoint", "event", "edge", "loyalty")


@dataclass(frozen=True)
class Attribute:
    """One attribute of one block."""

    name: str  # "expect"
    block: str  # one of BLOCKS
    kind: str  # see the module's docstring
    unit: str  # "", "minutes", "fraction", "1..5 rating", ...
    default: str  # human text: "3", "1 year", "none"
    range: str  # human text: "1..5"
    meaning: str  # one line
    example: str = ""  # one statement, as written in a file
    field: str = ""  # the model's field when it differs from `name` (visits → visit_gap)
    keyword: str = ""  # the words before the value when they differ (`visits every`)
    changeable: bool = False  # a scenario may change it (`T.attr = ...`)
    absent: str = ""  # what it means when not written, for a diff: "no queue"
    low: float | None = None  # inclusive bounds the checks enforce, in canonical units
    high: float | None = None
    choices: tuple[str, ...] = ()  # the words a `choice` takes
    source: str = ""  # loyalty keys: a published finding or an assumption
    within: str = ""  # the statement it is part of (`from` is part of `visits`)
    ranged: bool = False  # may be a range of belief (`expect 3.5 .. 4.5`); model: `FIELD_range`

    @property
    def model_field(self) -> str:
        return self.field or self.name

    @property
    def written(self) -> str:
        return self.keyword or self.name

    @property
    def per_month(self) -> bool:
        """A monthly percentage (`retention_floor 70% per month`)."""
        return self.unit.endswith("per month")


_T = "touchpoint"
_P = "persona"
_L = "loyalty"

ATTRIBUTES: tuple[Attribute, ...] = (
    # ---- journey ----------------------------------------------------------------
    Attribute(
        "description", "journey", "text", "", "empty", "any text",
        "What the journey covers, shown in reports.",
        'description "Weekday commuters buying coffee on the way to work"',
    ),
    Attribute(
        "horizon", "journey", "duration", "minutes", "1 year", "> 0",
        "How long the customer relationship is simulated.",
        "horizon 26 weeks",
    ),
    Attribute(
        "customers", "journey", "count", "customers", "1000", "whole number ≥ 0",
        "Synthetic customers present at the start, split by persona share.",
        "customers 2000", low=0,
    ),
    Attribute(
        "currency", "journey", "identifier", "", "USD", "any name",
        "The currency of spend, costs and revenue in reports.",
        "currency EUR",
    ),
    # ---- persona ----------------------------------------------------------------
    Attribute(
        "share", _P, "percent", "fraction", "required", "0%..100%; shares add up to 100%",
        "The persona's part of the customers present at the start.",
        "share 60%", low=0, high=1,
    ),
    Attribute(
        "visits", _P, "duration", "minutes", "none (one journey)", "> 0",
        "Mean time between repeat journeys (exponential gaps).",
        "visits every 2 days", field="visit_gap", keyword="visits every", changeable=True,
        absent="once", ranged=True,
    ),
    Attribute(
        "from", _P, "identifier", "", "where the flow starts", "a touchpoint, with `visits every`",
        "Where repeat journeys start; the first journey starts where the flow starts.",
        "visits every 30 days from bill", field="repeat_from", within="visits",
        absent="where the flow starts",
    ),
    Attribute(
        "arrivals", _P, "rate", "customers per minute", "none (no newcomers)", "≥ 0",
        "New customers of this persona, a Poisson process (not split by share).",
        "arrivals 40 per week", changeable=True,
        ranged=True,
    ),
    Attribute(
        "busy", _P, "schedule", "× an ordinary hour", "none (arrivals even over the week)",
        "≥ 0, not zero all week; lines apply in order",
        "How dense arrivals are in a window of the week (an ordinary hour is 1x); "
        "the weekly total stays the persona's arrivals.",
        "busy mon-fri 9:00-12:00 3x", absent="even over the week",
    ),
    Attribute(
        "patience", _P, "duration", "minutes", "none (never walks out)", "> 0",
        "The longest wait in a queue before walking out.",
        "patience 4 min", changeable=True, absent="unlimited", ranged=True,
    ),
    Attribute(
        "spend", _P, "money", "currency", "0", "any amount",
        "Revenue from each journey that reaches `end`.",
        "spend 4.50", changeable=True, ranged=True,
    ),
    Attribute(
        "price_sensitivity", _P, "percent", "fraction", "0%", "0%..100%",
        "Pull of cheaper competitors, whatever the experience (transient loyalists are high).",
        "price_sensitivity 70%", changeable=True, low=0, high=1,
        ranged=True,
    ),
    Attribute(
        "expects", _P, "shift", "rating points", "0", "any; usually -1..+1",
        "Shifts every expectation of this persona up (demanding) or down.",
        "expects -0.5", changeable=True,
        ranged=True,
    ),
    Attribute(
        "prefers", _P, "channels", "", "none", "channel names",
        "Preferred channels; a touchpoint in another channel costs experience.",
        "prefers app, store",
    ),
    # ---- touchpoint ---------------------------------------------------------------
    Attribute(
        "channel", _T, "identifier", "", "none", "any name",
        "Where the contact happens: store, web, app, phone, chat, email, social...",
        "channel store",
    ),
    Attribute(
        "owner", _T, "text", "", "none", "any text",
        "The department accountable for it; reports roll up by owner.",
        'owner "Operations"',
    ),
    Attribute(
        "expect", _T, "rating", "1..5 rating", "3", "1..5",
        "What the brand promise leads customers to expect.",
        "expect 4", changeable=True, low=1, high=5, ranged=True,
    ),
    Attribute(
        "delivers", _T, "distribution", "1..5 rating", "= expect", "1..5 (draws are clipped)",
        "What the touchpoint actually delivers, visit by visit.",
        "delivers 3.8 +- 0.4", changeable=True, absent="as expected", low=1, high=5,
        ranged=True,
    ),
    Attribute(
        "after", _T, "distribution", "minutes", "none (no wait)",
        "mean ≥ 0 (draws are clipped at 0)",
        "Time before each visit, a wait the customer feels; adds to a delay on the edge.",
        "after lognormal(5 days, 2 days)", changeable=True, absent="no wait",
        ranged=True,
    ),
    Attribute(
        "takes", _T, "distribution", "minutes", "none (no time)",
        "mean ≥ 0 (draws are clipped at 0)",
        "Time the step itself takes, without a server: work time, not a felt wait.",
        "takes exp(2 h)", changeable=True, absent="no time",
        ranged=True,
    ),
    Attribute(
        "capacity", _T, "count", "servers", "none (no queue)",
        "whole number ≥ 1; 0 when a window gives servers",
        "Customers served at once; with it the touchpoint has a queue.",
        "capacity 2", changeable=True, absent="no queue", low=1,
    ),
    Attribute(
        "shifts", _T, "schedule", "servers", "none (capacity all week)",
        "whole number ≥ 0; lines apply in order",
        "Servers in a window of the week, over the base capacity "
        "(a scenario adds one with `T.capacity += 2 WINDOW`).",
        "capacity 10 mon-fri 8:00-18:00", keyword="capacity", within="capacity",
        absent="the same all week",
    ),
    Attribute(
        "service", _T, "distribution", "minutes", "none", "> 0 (draws are clipped at 0)",
        "Time to serve one customer; needs capacity.",
        "service exp(90 s)", changeable=True,
        ranged=True,
    ),
    Attribute(
        "max_wait", _T, "duration", "minutes", "none (waits never disappoint)", "> 0",
        "The wait customers consider normal; longer waits cost experience.",
        "max_wait 3 min", changeable=True,
        ranged=True,
    ),
    Attribute(
        "moment_of_truth", _T, "flag", "weight", "not one (weight 1); 2 when written alone",
        "> 0",
        "Weighs the moment more in memory.",
        "moment_of_truth 3", changeable=True, absent="no", ranged=True,
    ),
    # ---- delighters and disappointers ----------------------------------------------
    Attribute(
        "chance", "event", "percent", "fraction", "required", "0%..100%",
        "Probability that it happens at a visit.",
        'disappointer wrong "Order is wrong" chance 5% impact -2', changeable=True,
        low=0, high=1,
        ranged=True,
    ),
    Attribute(
        "impact", "event", "shift", "rating points", "required",
        "> 0 for a delighter, < 0 for a disappointer",
        "Change of the moment's rating when it happens.",
        'delighter name "Barista remembers my name" chance 10% impact +1.5',
        changeable=True, ranged=True,
    ),
    # ---- flow edges ---------------------------------------------------------------
    Attribute(
        "after", "edge", "distribution", "minutes", "none (no delay)",
        "mean ≥ 0 (draws are clipped at 0)",
        "Time on the way along the edge: a wait felt at its target, added to the target's "
        "own `after` (a scenario cannot change it).",
        "install -> golive after exp(4 h)", absent="no delay",
        ranged=True,
    ),
    # ---- loyalty model ----------------------------------------------------------
    Attribute(
        "memory", _L, "choice", "", "blend", "blend, peak_end, mean",
        "How a journey's moments become one remembered value.",
        "memory peak_end", choices=("blend", "peak_end", "mean"),
        source="published: Alaybek et al. 2022 (peak–end about as predictive as the mean)",
    ),
    Attribute(
        "negativity", _L, "number", "", "2.0", "> 0 (studies find about 2)",
        "Loss aversion: how much more a shortfall weighs than an equal surplus (lambda).",
        "negativity 2.25",
        source="published: Brown et al. 2024 meta-analysis of loss aversion, mean 1.955",
    ),
    Attribute(
        "curvature", _L, "number", "", "0.88", "0 < a ≤ 1",
        "Diminishing sensitivity: larger gaps count less than proportionally (a).",
        "curvature 0.88", source="published: Tversky & Kahneman 1992",
    ),
    Attribute(
        "tolerance", _L, "number", "rating points", "0.25", "≥ 0",
        "Zone of tolerance: gaps smaller than this are not noticed.",
        "tolerance 0.25", low=0, source="assumption (zone of tolerance, Zeithaml et al. 1993)",
    ),
    Attribute(
        "wait_sensitivity", _L, "number", "rating points", "1", "≥ 0",
        "Rating lost per max_wait of waiting beyond max_wait (at most 3 times).",
        "wait_sensitivity 1", low=0, source="assumption (form follows Maister 1985)",
    ),
    Attribute(
        "channel_penalty", _L, "number", "rating points", "0.5", "≥ 0",
        "Rating lost at a touchpoint outside the persona's preferred channels.",
        "channel_penalty 0.5", low=0, source="assumption (direction: Dixon et al. 2010)",
    ),
    Attribute(
        "recovery", _L, "percent", "fraction", "70%", "0%..100%",
        "Share of a failure's loss that a successful recovery gives back.",
        "recovery 70%",
        low=0, high=1,
        source="assumption (de Matos et al. 2007: recovery restores, does not reward)",
    ),
    Attribute(
        "noise", _L, "number", "0..10 points", "1.5", "≥ 0",
        "Standard deviation of what the memory alone does not explain in satisfaction.",
        "noise 1.5", low=0, source="assumption",
    ),
    Attribute(
        "smoothing", _L, "percent", "fraction", "50%", "0%..100%",
        "Weight of the latest journey in relationship satisfaction.",
        "smoothing 50%", low=0, high=1,
        source="assumption",
    ),
    Attribute(
        "retention_floor", _L, "percent", "fraction per month", "70%",
        "0%..100%, at most retention_cap",
        "Monthly retention of the least satisfied customers (inertia).",
        "retention_floor 70% per month",
        low=0, high=1,
        source="assumption (floor of inertia: Gustafsson et al. 2005)",
    ),
    Attribute(
        "retention_cap", _L, "percent", "fraction per month", "99%", "0%..100%",
        "Monthly retention of the most satisfied customers.",
        "retention_cap 99% per month", low=0, high=1,
        source="assumption (shape: Mittal & Kamakura 2001)",
    ),
    Attribute(
        "retention_midpoint", _L, "number", "0..10 points", "7", "0..10",
        "Satisfaction halfway between the floor and the cap.",
        "retention_midpoint 7", low=0, high=10, source="assumption",
    ),
    Attribute(
        "retention_slope", _L, "number", "per point", "1.5", "≥ 0",
        "How steeply retention rises with satisfaction around the midpoint.",
        "retention_slope 1.5", low=0, source="assumption",
    ),
    Attribute(
        "price_churn", _L, "percent", "fraction per month", "5%", "0%..100%",
        "Monthly loss to cheaper competitors at price_sensitivity 100%.",
        "price_churn 5% per month", low=0, high=1,
        source="assumption",
    ),
    Attribute(
        "referral", _L, "percent", "fraction per month", "2%", "0%..100%",
        "New customers each promoter brings per month while active.",
        "referral 2% per month", low=0, high=1,
        source="assumption",
    ),
    Attribute(
        "adaptation", _L, "percent", "fraction", "20%", "0%..100%",
        "How far expectations move toward what was delivered after each journey.",
        "adaptation 20%",
        low=0, high=1,
        source="direction published (Rust & Oliver 2000); value an assumption",
    ),
)  # fmt: skip

_BY_KEY = {(a.block, a.name): a for a in ATTRIBUTES}


def lookup(block: str, name: str) -> Attribute | None:
    """The attribute `name` of `block` (one of BLOCKS), or None."""
    return _BY_KEY.get((block, name))


def of_block(block: str) -> tuple[Attribute, ...]:
    """A block's attributes in their canonical order (the formatter's order)."""
    return tuple(a for a in ATTRIBUTES if a.block == block)


def ranged(block: str) -> tuple[str, ...]:
    """The attributes of a block that may be written as a range of belief."""
    return tuple(a.name for a in of_block(block) if a.ranged)


def names(block: str) -> tuple[str, ...]:
    """The statements of a block, in canonical order (parts of statements left out)."""
    return tuple(a.name for a in of_block(block) if not a.within)


def scenario_attribute(name: str) -> Attribute | None:
    """What `X.name` holds on a scenario's left-hand side (the names are unique across
    personas, touchpoints and events, so the parser knows before the model exists)."""
    for block in ("touchpoint", "event", "persona"):
        found = lookup(block, name)
        if found is not None and not found.within:
            return found
    return None


#: Where each loyalty default comes from: a published finding or an assumption.
LOYALTY_SOURCES = {a.name: a.source for a in of_block("loyalty")}
