"""Read event logs (CSV, XES, plain or gzipped) into cases of visits.

One reader for every later step, so that discovery, conformance and calibration
see the same cases. XES is parsed with expat in a stream (a trace is turned into a
case as soon as it closes), which keeps memory to the cases themselves and lets
every error name the file and line. A `start` and a later `complete` of the same
activity in a case become one visit with a service time; a lone `complete` is a
visit whose service time is unknown; other lifecycle transitions are counted and
skipped. Times are minutes: since the Unix epoch for dates (naive dates are UTC),
as written for plain numbers (times in the `simulate --events` log).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.parsers import expat

#: The columns `cxjourney simulate --events` writes (cxjourney/sim/runner.py).
SIMULATED_COLUMNS = ("scenario", "replication", "customer", "persona", "journey", "touchpoint")
SIMULATED_TIMES = ("arrival_min", "wait_min")

#: Column (or XES key) names tried, in order, when no option names one.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "case": ("case:concept:name", "case_id", "caseid", "case", "case id", "ticket", "session"),
    "activity": ("concept:name", "activity", "activity_name", "event", "action", "step"),
    "timestamp": (
        "time:timestamp",
        "timestamp",
        "end_timestamp",
        "complete_timestamp",
        "end_time",
        "time",
        "date",
        "datetime",
    ),
    "start_timestamp": ("start_timestamp", "start_time", "time:start"),
    "lifecycle": ("lifecycle:transition", "lifecycle", "transition", "event_type"),
    "resource": ("org:resource", "resource", "agent", "user"),
    "customer": ("case:customer", "customer", "customer_id", "client", "client_id", "user_id"),
    "persona": ("case:persona", "persona", "segment", "customer_segment"),
    "rating": ("rating", "csat", "score", "satisfaction", "nps"),
    "channel": ("channel", "medium"),
}
FIELDS = tuple(CANDIDATES)
MINUTES = {"s": 1 / 60, "min": 1.0, "h": 60.0, "d": 1440.0}


class LogError(Exception):
    """A log that cannot be read; the message names the file and the line or column."""


@dataclass(frozen=True)
class ReadOptions:
    """Which column or XES key holds what (None: the first of CANDIDATES present)."""

    keys: dict[str, str] = field(default_factory=dict)
    time_format: str | None = None  # strptime format for dates that are not ISO 8601
    time_unit: str = "min"  # unit of plain-number timestamps
    rating_scale: str = "auto"  # auto | 5 | 10
    scenario: str = "baseline"  # which scenario of a simulated log
    replication: str = "1"  # which replication of a simulated log: each is a whole run


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


# ---- times --------------------------------------------------------------------------------
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def time_parser(options: ReadOptions):
    """A function text -> minutes (raising ValueError), chosen once per log."""
    unit = MINUTES[options.time_unit]
    fmt = options.time_format

    def parse(text: str) -> float:
        text = text.strip()
        if _NUMBER.match(text):
            return float(text) * unit
        moment = datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (moment - _EPOCH).total_seconds() / 60.0

    return parse


def rating_scale(values: list[float], declared: str) -> int:
    """5 for 1..5 ratings, 10 for 0..10 scores: declared, or 10 when any exceeds 5."""
    if declared in ("5", "10"):
        return int(declared)
    return 10 if any(v > 5 for v in values) else 5


def to_five(value: float, scale: int) -> float:
    """A 0..10 score on the 1..5 scale of `delivers` (0 -> 1, 10 -> 5)."""
    return value if scale == 5 else 1.0 + 0.4 * value


# ---- opening ---------------------------------------------------------------------------------
def open_bytes(path: str) -> io.BufferedIOBase:
    """The file's bytes, gunzipped when it is gzip (by content, not by name)."""
    try:
        raw = Path(path).open("rb")  # noqa: SIM115 - the caller closes it
    except OSError as err:
        raise LogError(f"{path}: cannot read the file: {err.strerror or err}") from None
    if raw.peek(2)[:2] == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def log_format(path: str) -> str:
    name = path.lower().removesuffix(".gz")
    if name.endswith(".xes") or name.endswith(".xml"):
        return "xes"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    with open_bytes(path) as handle:
        head = handle.read(512).lstrip()
    return "xes" if head.startswith(b"<") else "csv"


def read_log(path: str, options: ReadOptions | None = None) -> Log:
    """Read a CSV or XES log (format from the name, else from the content)."""
    options = options or ReadOptions()
    if log_format(path) == "xes":
        return read_xes(path, options)
    return read_csv(path, options)


# ---- raw events -> cases --------------------------------------------------------------------
@dataclass(slots=True)
class _Raw:
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
_BOTH = "start+complete"  # a CSV row with a start and an end time: one visit as it stands


def build_case(case_id: str, customer: str, persona: str, raws: list[_Raw], skipped: Counter):
    """Pair starts with completes (first in, first out per activity); order by time."""
    raws.sort(key=lambda r: r.time)  # stable: equal times keep the log's order
    visits: list[Visit] = []
    open_starts: dict[str, list[Visit]] = defaultdict(list)
    for r in raws:
        kind = r.transition
        if kind == _BOTH:
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


# ---- CSV ----------------------------------------------------------------------------------------
def _normal(name: str) -> str:
    return re.sub(r"[\s_\-]+", "_", name.strip().lower())


def resolve_columns(header: list[str], options: ReadOptions, file: str) -> dict[str, int]:
    """field -> column index; named options must exist, required fields must be found."""
    index = {_normal(h): i for i, h in reversed(list(enumerate(header)))}
    out: dict[str, int] = {}
    for name in FIELDS:
        wanted = options.keys.get(name)
        if wanted:
            if _normal(wanted) not in index:
                raise LogError(
                    f"{file}:1: no column '{wanted}' for the {name.replace('_', ' ')}; "
                    f"the columns are: {', '.join(header)}"
                )
            out[name] = index[_normal(wanted)]
            continue
        for candidate in CANDIDATES[name]:
            i = index.get(_normal(candidate))
            if i is not None and i not in out.values():
                out[name] = i
                break
    for name in ("case", "activity", "timestamp"):
        if name not in out:
            option = "--" + name.replace("_", "-")
            raise LogError(
                f"{file}:1: cannot tell which column holds the {name}; name it with {option} "
                f"(the columns are: {', '.join(header)})"
            )
    return out


def read_csv(path: str, options: ReadOptions) -> Log:
    with open_bytes(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            sample = text.read(8192)
        except UnicodeDecodeError as err:
            raise LogError(
                f"{path}: not UTF-8 text ({err.reason}); save the file as UTF-8"
            ) from None
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        if delimiter == "," and sample.count(";") > sample.count(","):
            delimiter = ";"
        rows = csv.reader(_chain(sample, text, path), delimiter=delimiter)
        try:
            header = next(rows)
        except StopIteration:
            raise LogError(f"{path}: the file is empty") from None
        except (csv.Error, UnicodeDecodeError) as err:
            raise LogError(f"{path}:1: {err}") from None
        if all(c in header for c in SIMULATED_COLUMNS + SIMULATED_TIMES):
            return _read_simulated(path, header, rows, options)
        return _read_table(path, header, rows, options)


def _chain(first: str, rest: io.TextIOWrapper, path: str):
    """Lines of the sample already read, then the rest of the stream."""
    read = 0
    try:
        for text in io.StringIO(first + rest.readline()):
            read += 1
            yield text
        for text in rest:
            read += 1
            yield text
    except UnicodeDecodeError as err:
        # text is decoded in blocks: the bad byte lies at or after the next line
        raise LogError(
            f"{path}: not UTF-8 text after line {read} ({err.reason}); save the file as UTF-8"
        ) from None


def _read_table(path: str, header: list[str], rows, options: ReadOptions) -> Log:
    cols = resolve_columns(header, options, path)
    parse = time_parser(options)
    cases: dict[str, list[_Raw]] = {}
    owners: dict[str, tuple[str, str]] = {}
    ratings: list[float] = []
    width = len(header)
    events = 0
    get = cols.get
    c_case, c_act, c_time = cols["case"], cols["activity"], cols["timestamp"]
    needed = max(c_case, c_act, c_time)
    c_start, c_life, c_res = get("start_timestamp"), get("lifecycle"), get("resource")
    c_cust, c_pers, c_rate, c_chan = get("customer"), get("persona"), get("rating"), get("channel")
    line = 1
    try:
        for line, row in enumerate(rows, start=2):
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) <= needed:
                raise LogError(
                    f"{path}:{line}: {len(row)} column{'s' if len(row) != 1 else ''}, "
                    f"the header has {width} (an unclosed quote?)"
                )
            if len(row) < width:  # trailing optional columns left out
                row = row + [""] * (width - len(row))
            case, activity, stamp = row[c_case].strip(), row[c_act].strip(), row[c_time]
            if not case or not activity:
                which = header[c_case] if not case else header[c_act]
                raise LogError(f"{path}:{line}: column '{which}' is empty")
            time = _time(parse, stamp, path, line, header[c_time], options)
            start = None
            if c_start is not None and row[c_start].strip():
                start = _time(parse, row[c_start], path, line, header[c_start], options)
            rating = None
            if c_rate is not None and row[c_rate].strip():
                rating = _number(row[c_rate], path, line, header[c_rate])
                ratings.append(rating)
            transition = row[c_life].strip().lower() if c_life is not None else ""
            raw = _Raw(
                activity,
                time,
                transition,
                row[c_res].strip() if c_res is not None else "",
                rating,
                row[c_chan].strip() if c_chan is not None else "",
                start,
            )
            if start is not None:  # one row, one visit: no pairing needed
                raw.time, raw.start, raw.end, raw.transition = start, start, time, _BOTH
            cases.setdefault(case, []).append(raw)
            events += 1
            if case not in owners:
                owners[case] = (
                    row[c_cust].strip() if c_cust is not None else "",
                    row[c_pers].strip() if c_pers is not None else "",
                )
    except csv.Error as err:
        raise LogError(f"{path}:{line}: {err}") from None
    return _finish(path, cases, owners, ratings, events, options, "csv")


def _time(parse, text: str, path: str, line: int, column: str, options: ReadOptions) -> float:
    try:
        value = parse(text)
    except (ValueError, OverflowError):
        hint = (
            f"it does not match --time-format '{options.time_format}'"
            if options.time_format
            else "write ISO 8601 (2024-05-01T10:30:00+02:00) or give --time-format"
        )
        raise LogError(
            f"{path}:{line}: column '{column}': cannot read '{text.strip()}' as a time; {hint}"
        ) from None
    if not math.isfinite(value):
        raise LogError(f"{path}:{line}: column '{column}': '{text.strip()}' is not a finite time")
    return value


def _number(text: str, path: str, line: int, column: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise LogError(
            f"{path}:{line}: column '{column}': '{text.strip()}' is not a number"
        ) from None
    if not math.isfinite(value) or value < 0 or value > 10:
        raise LogError(f"{path}:{line}: column '{column}': rating {text.strip()} is outside 0..10")
    return value


def _finish(path, cases, owners, ratings, events, options, kind) -> Log:
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


def _read_simulated(path: str, header: list[str], rows, options: ReadOptions) -> Log:
    """The `simulate --events` log: one row per visit with its arrival and wait.

    The simulator moves customers between touchpoints instantly, so a visit ends when
    the next one of its journey begins; the last visit's end is unknown.
    """
    col = {name: header.index(name) for name in SIMULATED_COLUMNS + SIMULATED_TIMES}
    cases: dict[tuple[str, str, str], Case] = {}
    scenarios: list[str] = []
    events = 0
    line = 1
    want = options.scenario
    replications: set[str] = set()
    try:
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) < len(header):
                raise LogError(f"{path}:{line}: {len(row)} columns, the header has {len(header)}")
            scenario = row[col["scenario"]]
            if scenario != want:
                if scenario not in scenarios:
                    scenarios.append(scenario)
                continue
            try:
                arrival = float(row[col["arrival_min"]])
                wait = float(row[col["wait_min"]])
            except ValueError:
                raise LogError(f"{path}:{line}: arrival_min and wait_min must be numbers") from None
            rep, customer = row[col["replication"]], row[col["customer"]]
            replications.add(rep)
            if rep != options.replication:
                continue  # replications are separate runs of the same horizon, not more days
            key = (rep, customer, row[col["journey"]])
            case = cases.get(key)
            if case is None:
                case = cases[key] = Case(
                    f"{rep}/{customer}/{key[2]}", f"{rep}/{customer}", row[col["persona"]], []
                )
            elif case.visits[-1].end is None:
                case.visits[-1].end = arrival
            end = float(row[col["end_min"]]) if "end_min" in col else None
            case.visits.append(Visit(row[col["touchpoint"]], arrival + wait, end, arrival))
            events += 1
    except csv.Error as err:
        raise LogError(f"{path}:{line}: {err}") from None
    if not cases:
        if replications:
            raise LogError(
                f"{path}: no visits in replication {options.replication}; it holds "
                + ", ".join(sorted(replications, key=lambda r: (len(r), r)))
            )
        found = f"; it holds {', '.join(scenarios)}" if scenarios else ""
        raise LogError(f"{path}: no visits of scenario '{want}'{found}")
    built = sorted(cases.values(), key=lambda c: (c.start, c.id))
    return Log(path, built, events, Counter(), "simulated", None)


# ---- XES ---------------------------------------------------------------------------------------
_ATTRIBUTES = {"string", "date", "int", "float", "boolean", "id"}


def read_xes(path: str, options: ReadOptions) -> Log:
    """Stream an XES file: trace attributes name the case, event attributes the visits."""
    keys = {name: options.keys.get(name) for name in FIELDS}

    def pick(attributes: dict[str, str], name: str, prefixed: bool = False) -> str | None:
        wanted = keys[name]
        if wanted:
            return attributes.get(wanted)
        for candidate in CANDIDATES[name]:
            bare = candidate.removeprefix("case:") if prefixed else candidate
            if bare in attributes:
                return attributes[bare]
        return None

    parse = time_parser(options)
    cases: dict[str, list[_Raw]] = {}
    owners: dict[str, tuple[str, str]] = {}
    ratings: list[float] = []
    defaults: dict[str, str] = {}
    stack: list[str] = []
    state = {"trace": None, "event": None, "global": None, "events": 0, "traces": 0}
    parser = expat.ParserCreate()

    def where() -> str:
        return f"{path}:{parser.CurrentLineNumber}"

    def start(tag: str, attrs: dict[str, str]) -> None:
        name = tag.rsplit(":", 1)[-1]
        depth = len(stack)
        stack.append(name)
        if name == "trace" and depth == 1:
            state["trace"] = {}
            state["trace_line"] = parser.CurrentLineNumber
            state["raws"] = []
        elif name == "event" and depth in (1, 2):
            state["event"] = dict(defaults)
            state["event_line"] = parser.CurrentLineNumber
        elif name == "global" and depth == 1:
            state["global"] = attrs.get("scope", "event")
        elif name in _ATTRIBUTES and "key" in attrs:
            parent = stack[-2] if depth else ""
            value = attrs.get("value", "")
            if parent == "event" and state["event"] is not None:
                state["event"][attrs["key"]] = value
            elif parent == "trace" and state["trace"] is not None:
                state["trace"][attrs["key"]] = value
            elif (
                parent == "global"
                and state["global"] == "event"
                and attrs["key"] != "time:timestamp"  # a default time would invent a timeline
            ):
                defaults[attrs["key"]] = value

    def end(tag: str) -> None:
        name = stack.pop()
        if name == "event" and state["event"] is not None:
            _xes_event(state, pick, parse, options, ratings, where)
            state["event"] = None
        elif name == "trace" and state["trace"] is not None:
            trace = state["trace"]
            state["traces"] += 1
            case = pick(trace, "case", prefixed=True) or f"trace{state['traces']}"
            if keys["case"] is None:
                case = trace.get("concept:name", case)
            customer = pick(trace, "customer", prefixed=True) or ""
            persona = pick(trace, "persona", prefixed=True) or state.get("persona_seen", "")
            while case in cases:
                case += "'"
            if state["raws"]:
                cases[case] = state["raws"]
                owners[case] = (customer, persona)
            state["trace"] = None
            state["persona_seen"] = ""
        elif name == "global":
            state["global"] = None

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.buffer_text = True
    with open_bytes(path) as handle:
        try:
            while True:
                chunk = handle.read(1 << 20)
                if not chunk:
                    break
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as err:
            raise LogError(
                f"{path}:{err.lineno}:{err.offset + 1}: not well-formed XES: "
                f"{expat.ErrorString(err.code)}"
            ) from None
        except (OSError, EOFError) as err:
            raise LogError(f"{path}: cannot read the file: {err}") from None
    return _finish(path, cases, owners, ratings, state["events"], options, "xes")


def _xes_event(state, pick, parse, options, ratings, where) -> None:
    attributes = state["event"]
    if state["trace"] is None:
        return  # an event outside a trace belongs to no case
    activity = pick(attributes, "activity")
    if activity is None or not activity.strip():
        key = options.keys.get("activity") or "concept:name"
        raise LogError(f"{where()}: an event without an activity ('{key}')")
    stamp = pick(attributes, "timestamp")
    if stamp is None:
        raise LogError(f"{where()}: event '{activity}' has no time:timestamp")
    try:
        time = parse(stamp)
    except (ValueError, OverflowError):
        raise LogError(f"{where()}: cannot read the time '{stamp}'") from None
    rating = None
    text = pick(attributes, "rating")
    if text is not None and text.strip():
        try:
            rating = float(text)
        except ValueError:
            raise LogError(f"{where()}: rating '{text}' is not a number") from None
        if not 0 <= rating <= 10:
            raise LogError(f"{where()}: rating {text} is outside 0..10")
        ratings.append(rating)
    persona = pick(attributes, "persona")
    if persona:
        state["persona_seen"] = persona
    state["raws"].append(
        _Raw(
            activity.strip(),
            time,
            (pick(attributes, "lifecycle") or "complete").strip().lower(),
            (pick(attributes, "resource") or "").strip(),
            rating,
            (pick(attributes, "channel") or "").strip(),
        )
    )
    state["events"] += 1
