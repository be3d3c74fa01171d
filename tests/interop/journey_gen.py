"""Hypothesis strategies: valid journeys written with messy layout and many comments.

A journey is drawn as statements (depth and words); the layout strategy then writes
them the way people do: odd indentation, tabs, extra or missing spaces where the
language allows, every spelling of every unit, `±`, leading zeros, attributes in any
order, comments on their own lines and after statements, blank lines, CRLF. Times of
the week come in every form a window takes: day words, ranges that wrap past Sunday,
lists, hours with and without a leading zero, spans that run past midnight. Numbers have
decimals a fit would give (`3.8472`, `12.001 min`, `33.33%`), so that the printer is held
to writing every value back exactly; scenarios use every kind of line and every loyalty
key may appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import strategies as st

from cxjourney.language import units

GLUE = object()  # between two words: the space may be left out (`90s`, `a->b`, `exp(`)
# `120k min` and `1.5 h` keep their space: the grammar reads `1.5h` as `1` and `.5h`.
_UNGLUABLE = re.compile(r"[kM]$|\.[0-9]+$")
SPELLINGS: dict[float, list[str]] = {}
for _word, _minutes in units.TIME_UNITS.items():
    SPELLINGS.setdefault(_minutes, []).append(_word)
_BY_NAME = {word: SPELLINGS[minutes] for word, minutes in units.TIME_UNITS.items()}

COMMENT_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
    )
    | st.sampled_from(' \t#"{}\\'),
    max_size=20,
).map(lambda t: "#" + t)
LABEL_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\\u2028\u2029'
    )
    | st.sampled_from(['"', "\\", "#", "{", "}", " "]),
    max_size=12,
)


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Statement:
    depth: int
    words: list[object]  # str or GLUE
    opens: bool = False  # ends with `{`
    closes: bool = False  # the `}` line


# ---- values ------------------------------------------------------------------------------


@st.composite
def number(draw, low: int, high: int, *, decimals: bool = True, zeros: bool = True) -> str:
    """A number in low..high, maybe with a decimal part and leading zeros."""
    whole = draw(st.integers(low, high))
    text = str(abs(whole))
    if decimals and whole < high and draw(st.booleans()):
        text += "." + draw(st.sampled_from(["5", "25", "0", "50", "125", "8472", "001", "3"]))
    if zeros and draw(st.integers(0, 5)) == 0:
        text = "0" + text
    return ("-" if whole < 0 else "") + text


@st.composite
def duration(draw, low: int = 1, high: int = 30) -> list[object]:
    unit = draw(st.sampled_from(sorted(units.TIME_UNITS)))
    return [draw(number(low, high)), GLUE, unit]


@st.composite
def rating(draw) -> list[object]:
    """A `delivers` distribution on the 1..5 scale, in one of its spellings."""
    mean = draw(number(2, 4))
    form = draw(st.sampled_from(["constant", "pm", "plusminus", "normal", "uniform", "range"]))
    if form == "constant":
        return [mean]
    if form == "range":  # a range of belief of what it delivers
        return draw(st.sampled_from(EXPECT_RANGES))
    sd = "0." + draw(st.sampled_from(["1", "3", "5"]))
    if form == "pm":
        return [mean, "+-", sd]
    if form == "plusminus":
        return [mean, "±", sd]
    if form == "normal":
        return ["normal", GLUE, "(", GLUE, mean, GLUE, ",", sd, GLUE, ")"]
    return ["uniform", GLUE, "(", GLUE, "1", GLUE, ",", "5", GLUE, ")"]


@st.composite
def service(draw) -> list[object]:
    unit = draw(st.sampled_from(["s", "secs", "min", "minutes", "mins", "h"]))
    a, b, c = sorted(draw(st.lists(st.integers(1, 40), min_size=3, max_size=3)))
    form = draw(
        st.sampled_from(
            ["exp", "uniform", "triangular", "lognormal", "pm", "constant", "range", "exp_range"]
        )
    )
    if form == "constant":
        return [str(b), GLUE, unit]
    if form == "range":  # a range of belief of a constant time
        return [str(b), unit, "..", str(c + 1), unit]
    if form == "exp_range":  # a range of belief inside a distribution
        return ["exp", GLUE, "(", GLUE, str(b), unit, "..", str(c + 1), GLUE, unit, GLUE, ")"]
    if form == "pm":
        return [str(b), unit, "+-", str(a), GLUE, unit]
    args: list[list[object]] = {
        "exp": [[str(b), GLUE, unit]],
        "uniform": [[str(a), unit], [str(c), unit]],
        "triangular": [[str(a), unit], [str(b), unit], [str(c), unit]],
        "lognormal": [[str(b), unit], [str(a), unit]],
    }[form]
    words: list[object] = [form, GLUE, "(", GLUE]
    for i, arg in enumerate(args):
        words += ([GLUE, ","] if i else []) + arg
    return [*words, GLUE, ")"]


# ranges of belief (`a .. b`), spaced every way the language allows
SPENDS = [["4.50"], ["12"], ["1.2k"], ["0"], ["4", "..", "6"], ["1.2k", GLUE, "..", GLUE, "1.5k"]]
EXPECT_RANGES = [["2.5", "..", "4"], ["3", GLUE, "..", GLUE, "3.5"], ["01", "..", "5"]]
CHANCE_RANGES = [["5%", "..", "15%"], ["1%", GLUE, "..", "2.5%"]]
COST_RANGE = ["40k", "..", "60k"]
PATIENCE_RANGE = ["5", "min", "..", "20", GLUE, "min"]
VISITS_RANGE = ["20", "days", "..", "40", "days"]


def percent(value: int) -> str:
    return f"{value}%"


@st.composite
def chance(draw, low: int = 0, high: int = 100) -> str:
    """A percentage in low..high, often with decimals (`12.5%`, `33.33%`, `0.01%`)."""
    whole = draw(st.integers(low, high))
    if whole < high and draw(st.booleans()):
        return f"{whole}.{draw(st.sampled_from(['5', '33', '01', '125', '999']))}%"
    return f"{whole}%"


DAYS = ["mon-fri", "sat-sun", "weekdays", "weekends", "daily", "sat", "fri-mon"]
HOURS = ["9:00-17:00", "08:00-12:30", "22:00-6:00", "0:00-24:00", "18:00-0:00", "7:45-9:15"]


@st.composite
def window(draw) -> list[object]:
    """A time of the week: days, hours or both (never neither), lists included."""
    days: list[object] = []
    form = draw(st.sampled_from(["days", "list", "hours", "both"]))
    if form == "list":
        first, second = draw(st.permutations(["mon", "wed", "fri-sat", "weekends"]))[:2]
        days = [first, GLUE, ",", second]
    elif form != "hours":
        days = [draw(st.sampled_from(DAYS))]
    hours = [draw(st.sampled_from(HOURS))] if form in ("hours", "both") else []
    return [*days, *hours]


@st.composite
def edge_delay(draw) -> list[object]:
    """Most edges take no time; some have a delay on the way."""
    return ["after", *draw(delay())] if draw(st.integers(0, 3)) == 0 else []


@st.composite
def delay(draw) -> list[object]:
    """A time before a visit or on an edge: a constant, including zero, or a distribution."""
    if draw(st.integers(0, 4)) == 0:
        return ["0", GLUE, draw(st.sampled_from(["min", "h", "days"]))]
    return draw(service())


# ---- a journey ---------------------------------------------------------------------------


@st.composite
def journey_statements(draw) -> list[Statement]:
    out: list[Statement] = []

    def add(depth: int, *words: object, opens: bool = False) -> None:
        out.append(Statement(depth, list(words), opens=opens))

    def close(depth: int) -> None:
        out.append(Statement(depth, ["}"], closes=True))

    add(0, "journey", quoted(draw(LABEL_TEXT)), opens=True)
    header: list[list[object]] = []
    if draw(st.booleans()):
        header.append(["description", quoted(draw(LABEL_TEXT))])
    if draw(st.booleans()):
        header.append(["horizon", *draw(duration(1, 52))])
    if draw(st.booleans()):
        header.append(["customers", draw(st.sampled_from(["200", "0300", "1k", "250"]))])
    if draw(st.booleans()):
        header.append(["currency", draw(st.sampled_from(["EUR", "USD", "GBP"]))])
    for words in draw(st.permutations(header)):
        add(1, *words)

    n_personas = draw(st.integers(1, 3))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(1, 99), min_size=n_personas - 1, max_size=n_personas - 1, unique=True
            )
        )
    )
    bounds = [0, *cuts, 100]
    personas = [f"p{i + 1}" for i in range(n_personas)]
    for i, pid in enumerate(personas):
        label = [quoted(draw(LABEL_TEXT))] if draw(st.booleans()) else []
        add(1, "persona", pid, *label, opens=True)
        items: list[list[object]] = [["share", percent(bounds[i + 1] - bounds[i])]]
        optional = {
            "visits": ["visits", "every", *draw(st.one_of(duration(), st.just(VISITS_RANGE)))],
            "arrivals": [
                "arrivals",
                *draw(st.one_of(number(1, 50).map(lambda n: [n]), st.just(["30", "..", "50"]))),
                "per",
                draw(st.sampled_from(["week", "weeks", "day", "month", "d"])),
            ],
            "patience": ["patience", *draw(st.one_of(duration(1, 20), st.just(PATIENCE_RANGE)))],
            "spend": ["spend", *draw(st.sampled_from(SPENDS))],
            "price_sensitivity": [
                "price_sensitivity",
                *draw(st.sampled_from([[draw(chance())], *CHANCE_RANGES])),
            ],
            "expects": [
                "expects",
                *draw(st.sampled_from([["+0.5"], ["-0.3"], ["0"], ["+1"], ["-0.5", "..", "+0.5"]])),
            ],
            "prefers": ["prefers", "app", GLUE, ",", "store"],
        }
        if draw(st.booleans()):
            optional["visits"] += ["from", "t1"]  # repeat journeys start at the first touchpoint
        chosen = draw(st.lists(st.sampled_from(sorted(optional)), unique=True))
        items += [optional[k] for k in chosen]
        for _ in range(draw(st.integers(0, 2))):
            density = draw(st.sampled_from([["3x"], ["0.5x"], ["03", GLUE, "x"], ["1.5", "x"]]))
            items.append(["busy", *draw(window()), *density])
        for words in draw(st.permutations(items)):
            add(2, *words)
        close(1)

    n_stages = draw(st.integers(1, 3))
    touchpoints: list[str] = []
    staffed: list[str] = []  # touchpoints with a capacity
    disappointers: list[tuple[str, str]] = []
    delighters: list[tuple[str, str]] = []
    for s in range(n_stages):
        label = [quoted(draw(LABEL_TEXT))] if draw(st.booleans()) else []
        add(1, "stage", f"s{s + 1}", *label, opens=True)
        for _ in range(draw(st.integers(1, 3))):
            tid = f"t{len(touchpoints) + 1}"
            touchpoints.append(tid)
            tp_label = [quoted(draw(LABEL_TEXT))] if draw(st.booleans()) else []
            items = _touchpoint_items(draw, tid, disappointers, delighters)
            if any(words[0] == "capacity" for words in items):
                staffed.append(tid)
            if not items and draw(st.booleans()):
                add(2, "touchpoint", tid, *tp_label, "{", "}")
                continue
            add(2, "touchpoint", tid, *tp_label, opens=True)
            for words in items:
                add(3, *words)
            close(2)
        close(1)

    flow = draw(st.booleans())
    exits: list[str] = []
    if flow:
        add(1, "flow", opens=True)
        if draw(st.booleans()):
            add(2, "start", GLUE, "->", GLUE, touchpoints[0])
        for a, b in zip(touchpoints, [*touchpoints[1:], "end"], strict=True):
            add(2, a, GLUE, "->", GLUE, b, *draw(edge_delay()))
            if draw(st.integers(0, 3)) == 0:
                exits.append(a)
                share = draw(st.sampled_from([[percent(draw(st.integers(1, 30)))], *CHANCE_RANGES]))
                add(2, a, "->", "exit", *share, *draw(edge_delay()))
                if draw(st.booleans()):
                    add(
                        2,
                        a,
                        "->",
                        "exit",
                        percent(draw(st.integers(1, 30))),
                        *draw(edge_delay()),
                        "for",
                        personas[0],
                    )
        close(1)

    for k in range(draw(st.integers(0, 2))):
        label = [quoted(draw(LABEL_TEXT))] if draw(st.booleans()) else []
        add(1, "scenario", f"sc{k + 1}", *label, opens=True)
        changes: list[list[object]] = []
        tid = draw(st.sampled_from(touchpoints))
        pool = [
            [f"{tid}.expect", "=", draw(number(1, 5))],
            [f"{tid}.delivers", "=", "3.5", "+-", "0.2"],
            [f"{tid}.expect", "+=", "0"],
            [
                f"{personas[0]}.visits",
                "=",
                *([] if draw(st.booleans()) else ["every"]),
                *draw(duration()),
            ],
            [f"{personas[0]}.spend", "*=", "1.1"],
            [f"{personas[0]}.spend", "*=", "1.1", "..", "1.3"],  # what the change does: a range
            [f"{personas[0]}.arrivals", "+=", "5", "..", "10", "per", "week"],
            [
                "add",
                "delighter",
                f"{tid}.extra{k}",
                quoted("Extra"),
                "chance",
                "5%",
                "impact",
                "+1",
            ],
        ]
        pool += [
            [f"{personas[0]}.arrivals", "=", draw(number(1, 50)), "per", "week"],
            [f"{tid}.max_wait", "=", *draw(duration(1, 10))],
            [f"{tid}.moment_of_truth", "=", draw(st.sampled_from(["3", "1.5"]))],
            [f"{personas[0]}.price_sensitivity", "=", draw(chance())],
            [f"{personas[0]}.expects", "-=", "0.5"],
            [f"{personas[0]}.patience", "=", *draw(duration(1, 20))],
        ]
        if disappointers:
            t, e = draw(st.sampled_from(disappointers))
            pool.append([f"{t}.{e}.chance", "-=", "1%"])
            pool.append([f"{t}.{e}.impact", "=", "-1.5"])
        if delighters:
            t, e = draw(st.sampled_from(delighters))
            pool.append(["remove", f"{t}.{e}"])
        if exits:
            pool.append(["flow", exits[0], "->", "exit", "=", "5%"])
            pool.append(
                ["flow", exits[0], "->", "exit", "=", draw(chance(1, 9)), "for", personas[0]]
            )
        pool.append([f"{tid}.after", "=", *draw(delay())])
        pool.append([f"{tid}.takes", draw(st.sampled_from(["=", "+="])), "1", GLUE, "h"])
        if staffed:
            target = draw(st.sampled_from(staffed))
            pool.append([f"{target}.capacity", "+=", "2", *draw(window())])
            pool.append([f"{target}.service", "*=", draw(st.sampled_from(["0.8", "1.25"]))])
        changes = draw(st.lists(st.sampled_from(pool), max_size=3, unique_by=lambda w: str(w[:2])))
        if draw(st.booleans()):
            changes.insert(
                draw(st.integers(0, len(changes))),
                ["cost", *draw(st.sampled_from([["40k"], ["1500"], ["0"], ["2.5M"], COST_RANGE]))],
            )
        for words in changes:
            add(2, *words)
        close(1)

    if draw(st.booleans()):
        add(1, "loyalty", opens=True)
        settings = {
            "memory": ["memory", draw(st.sampled_from(units.MEMORY_RULES))],
            "negativity": ["negativity", *draw(st.sampled_from([["2.25"], ["1.5", "..", "2.5"]]))],
            "curvature": ["curvature", "0.9"],
            "tolerance": ["tolerance", "0.3"],
            "wait_sensitivity": ["wait_sensitivity", "1.2"],
            "channel_penalty": ["channel_penalty", "0.4"],
            "recovery": ["recovery", "80%"],
            "noise": ["noise", "1.25"],
            "smoothing": ["smoothing", draw(chance(10, 90))],
            "price_churn": ["price_churn", "5%", "per", draw(st.sampled_from(["month", "months"]))],
            "retention_floor": ["retention_floor", "60%"],
            "retention_cap": ["retention_cap", "98.5%", "per", "month"],
            "retention_midpoint": ["retention_midpoint", "6.5"],
            "retention_slope": ["retention_slope", "2"],
            "referral": ["referral", *draw(st.sampled_from([["1.5%"], ["1%", "..", "3%"]]))],
            "adaptation": ["adaptation", "30%"],
        }
        for key in draw(st.permutations(sorted(settings)))[: draw(st.integers(0, 8))]:
            add(2, *settings[key])
        close(1)
    close(0)
    return out


def _touchpoint_items(draw, tid: str, disappointers: list, delighters: list) -> list[list[object]]:
    items: dict[str, list[object]] = {}
    if draw(st.booleans()):
        items["channel"] = ["channel", draw(st.sampled_from(["app", "store", "web"]))]
    if draw(st.booleans()):
        items["owner"] = [
            "owner",
            draw(st.sampled_from(['"Operations"', "Digital", '"Front office"'])),
        ]
    if draw(st.booleans()):
        expect = draw(st.one_of(number(1, 5).map(lambda n: [n]), st.sampled_from(EXPECT_RANGES)))
        items["expect"] = ["expect", *expect]
    if draw(st.booleans()):
        items["delivers"] = ["delivers", *draw(rating())]
    for name in ("after", "takes"):
        if draw(st.integers(0, 3)) == 0:
            items[name] = [name, *draw(delay())]
    if draw(st.booleans()):
        items["capacity"] = ["capacity", draw(st.sampled_from(["1", "2", "03"]))]
        items["service"] = ["service", *draw(service())]
        for i in range(draw(st.integers(0, 2))):
            servers = draw(st.sampled_from(["0", "4", "02"]))
            items[f"capacity{i}"] = ["capacity", servers, *draw(window())]
    if draw(st.booleans()):
        items["max_wait"] = ["max_wait", *draw(duration(1, 10))]
    if draw(st.booleans()):
        items["moment_of_truth"] = ["moment_of_truth", *draw(st.sampled_from([[], ["3"], ["1.5"]]))]
    rows = list(items.values())
    for e in range(draw(st.integers(0, 2))):
        name = f"e{e + 1}"
        label = [quoted(draw(LABEL_TEXT))] if draw(st.booleans()) else []
        if draw(st.booleans()):
            delighters.append((tid, name))
            rows.append(
                [
                    "delighter",
                    name,
                    *label,
                    "chance",
                    *draw(st.one_of(chance().map(lambda c: [c]), st.sampled_from(CHANCE_RANGES))),
                    "impact",
                    *draw(st.sampled_from([["+1.5"], ["+0.25"], ["+2"], ["+0.5", "..", "+2"]])),
                ]
            )
        else:
            disappointers.append((tid, name))
            rows.append(
                [
                    "disappointer",
                    name,
                    *label,
                    "chance",
                    *draw(st.one_of(chance(1).map(lambda c: [c]), st.sampled_from(CHANCE_RANGES))),
                    "impact",
                    *draw(st.sampled_from([["-2"], ["-0.75"], ["-1"], ["-2", GLUE, "..", "-1"]])),
                ]
            )
    earlier = [d for d in disappointers if d[0] != tid]
    if earlier and draw(st.booleans()):
        t, e = draw(st.sampled_from(earlier))
        rows.append(["recovers", f"{t}.{e}", "chance", draw(chance())])
    return draw(st.permutations(rows))


# ---- layout ------------------------------------------------------------------------------


@st.composite
def layout(draw, statements: list[Statement], *, comments: bool = True, blanks: bool = True) -> str:
    """The statements as text, written carelessly; comments and blank lines optional."""
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    lines: list[str] = []
    if blanks and draw(st.booleans()):
        lines.append("")
    for statement in statements:
        if comments and draw(st.integers(0, 4)) == 0:
            lines += ["" for _ in range(draw(st.integers(0, 2)))]
            lines.append(draw(_indent(statement.depth)) + draw(COMMENT_TEXT))
        if blanks and draw(st.integers(0, 6)) == 0:
            lines.append(draw(st.sampled_from(["", "  ", "\t"])))
        text = draw(_indent(statement.depth)) + draw(_words(statement))
        if comments and draw(st.integers(0, 3)) == 0:
            text += draw(st.sampled_from([" ", "  ", "\t"])) + draw(COMMENT_TEXT)
        lines.append(text)
    if comments and draw(st.booleans()):
        lines.append(draw(COMMENT_TEXT))
    text = newline.join(lines) + (newline if draw(st.integers(0, 5)) else "")
    return ("\ufeff" if draw(st.integers(0, 9)) == 0 else "") + text


def _indent(depth: int):
    return st.sampled_from(["", " ", "  ", "    ", "\t", "   \t"]).map(
        lambda unit: unit * depth if unit else " " * depth
    )


@st.composite
def _words(draw, statement: Statement) -> str:
    words = [_respell(draw, w) if isinstance(w, str) else w for w in statement.words]
    if statement.opens:
        words.append("{")
    text = ""
    glue = False
    for word in words:
        if word is GLUE:
            glue = True
            continue
        if text:
            options = ["", " "] if glue and not _UNGLUABLE.search(text) else [" ", "  ", "\t"]
            text += draw(st.sampled_from(options))
        text += str(word)
        glue = False
    return text


def _respell(draw, word: str) -> str:
    """Another spelling of a unit word with the same meaning."""
    if word in _BY_NAME and draw(st.booleans()):
        return draw(st.sampled_from(_BY_NAME[word]))
    return word


@st.composite
def journeys(draw, *, comments: bool = True) -> str:
    """The text of a valid journey, messily written."""
    return draw(layout(draw(journey_statements()), comments=comments))
