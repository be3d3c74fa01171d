"""Event logs as XES (IEEE 1849), plain or gzipped.

XES is parsed with expat in a stream (a trace is turned into a case as soon as it
closes), which keeps memory to the cases themselves and lets every error name the file
and line. Trace attributes name the case, event attributes the visits.
"""

from __future__ import annotations

import math
from io import BufferedIOBase
from xml.parsers import expat

from ..cases import Log, LogError, RawEvent, finish_log, quoted
from ..options import (
    CANDIDATES,
    FIELDS,
    MAX_LINE,
    MAX_LINE_TEXT,
    ReadOptions,
    out_of_range,
    time_parser,
)
from . import FileFormat

SUFFIXES = (".xes", ".xml")
_ATTRIBUTES = {"string", "date", "int", "float", "boolean", "id"}


def read(handle: BufferedIOBase, path: str, options: ReadOptions) -> Log:
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
    cases: dict[str, list[RawEvent]] = {}
    owners: dict[str, tuple[str, str]] = {}
    repeats: dict[str, int] = {}  # name -> the last number given to a repeat of it
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
            customer = pick(trace, "customer", prefixed=True) or state.get("customer_seen", "")
            persona = pick(trace, "persona", prefixed=True) or state.get("persona_seen", "")
            case = _unique(case, cases, repeats)
            if state["raws"]:
                cases[case] = state["raws"]
                owners[case] = (customer, persona)
            state["trace"] = None
            state["persona_seen"] = ""
            state["customer_seen"] = ""
        elif name == "global":
            state["global"] = None

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.buffer_text = True
    since_tag = 0  # bytes since the last '<': the length of the element or text under way
    try:
        while True:
            chunk = handle.read(1 << 20)
            if not chunk:
                break
            since_tag = _longest_element(chunk, since_tag, path, where)
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as err:
        raise LogError(
            f"{path}:{err.lineno}:{err.offset + 1}: not well-formed XES: "
            f"{expat.ErrorString(err.code)}"
        ) from None
    except (OSError, EOFError) as err:
        raise LogError(f"{path}: cannot read the file: {err}") from None
    return finish_log(path, cases, owners, ratings, state["events"], options, "xes")


def _longest_element(chunk: bytes, since_tag: int, path: str, where) -> int:
    """Refuse an element (or text) longer than MAX_LINE before expat sees it: expat
    before 2.6 scans an unfinished element again with every block, so its time on one
    huge attribute value grows with the square of its length. Returns the bytes after
    the chunk's last '<'."""
    parts = chunk.split(b"<")
    longest = max(since_tag + len(parts[0]), max(map(len, parts[1:]), default=0))
    if longest > MAX_LINE:
        raise LogError(
            f"{where()}: an XES element longer than {MAX_LINE_TEXT} ({MAX_LINE:,} bytes) "
            "is refused (an attribute value that long?)"
        )
    return len(parts[-1]) + (since_tag if len(parts) == 1 else 0)


def _unique(name: str, taken: dict[str, list[RawEvent]], repeats: dict[str, int]) -> str:
    """The case id of a trace named `name`: the name itself the first time, then
    `name'2`, `name'3`, ... (skipping an id the log already uses), in constant time
    per trace however many traces share the name."""
    if name not in taken:
        return name
    number = repeats.get(name, 1)
    while True:
        number += 1
        candidate = f"{name}'{number}"
        if candidate not in taken:
            repeats[name] = number
            return candidate


def looks_like(head: bytes) -> bool:
    """A file without a known suffix is XES when it starts with markup."""
    return head.lstrip().startswith(b"<")


FORMAT = FileFormat("xes", SUFFIXES, read, looks_like)


def _xes_event(state, pick, parse, options, ratings, where) -> None:
    attributes = state["event"]
    if state["trace"] is None:
        return  # an event outside a trace belongs to no case
    activity = pick(attributes, "activity")
    if activity is None or not activity.strip():
        key = options.keys.get("activity") or "concept:name"
        raise LogError(f"{where()}: an event without an activity ('{quoted(key)}')")
    stamp = pick(attributes, "timestamp")
    if stamp is None:
        raise LogError(f"{where()}: event '{quoted(activity)}' has no time:timestamp")
    try:
        time = parse(stamp)
    except (ValueError, OverflowError):
        raise LogError(f"{where()}: cannot read the time '{quoted(stamp)}'") from None
    refused = out_of_range(time, options) if math.isfinite(time) else "is not a finite time"
    if refused:
        raise LogError(f"{where()}: the time '{quoted(stamp)}' {refused}")
    rating = None
    text = pick(attributes, "rating")
    if text is not None and text.strip():
        try:
            rating = float(text)
        except ValueError:
            raise LogError(f"{where()}: rating '{quoted(text)}' is not a number") from None
        if not 0 <= rating <= 10:
            raise LogError(f"{where()}: rating {quoted(text)} is outside 0..10")
        ratings.append(rating)
    persona = pick(attributes, "persona")
    if persona:
        state["persona_seen"] = persona
    customer = pick(attributes, "customer")
    if customer:
        state["customer_seen"] = customer  # an event attribute, when the trace has none
    state["raws"].append(
        RawEvent(
            activity.strip(),
            time,
            (pick(attributes, "lifecycle") or "complete").strip().lower(),
            (pick(attributes, "resource") or "").strip(),
            rating,
            (pick(attributes, "channel") or "").strip(),
        )
    )
    state["events"] += 1
