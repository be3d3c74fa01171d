"""The formatter: canonical layout, comments kept in place, same model, idempotent."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxjourney import load
from cxjourney.interop.model_json import journey_document, library_document
from cxjourney.language.fmt import FormatError, UnsafeFormat, format_source
from cxjourney.language.parse import _code
from cxjourney.starter import starter_journey
from tests.conftest import JOURNEYS, SPEC_EXAMPLES
from tests.interop.journey_gen import journey_statements, journeys, layout

CASES = Path(__file__).parents[1] / "interop" / "mermaid_cases"
EXAMPLES = sorted(
    [
        *SPEC_EXAMPLES.rglob("*.journey"),
        *JOURNEYS.glob("*.journey"),
        *CASES.glob("*.journey"),
    ]
)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_STRING = re.compile(r'"(?:\\["\\]|[^"\\\r\n])*"')


def comments(text: str) -> list[str]:
    """Every comment of a file, in order, without trailing whitespace."""
    found = []
    for line in text.removeprefix("\ufeff").split("\n"):
        code = _code(line)
        comment = line[len(code) :].rstrip(" \t\f\r")
        if comment:
            found.append(comment)
    return found


_NAMED = {"persona", "stage", "touchpoint", "scenario", "delighter", "disappointer", "add"}


def statement_key(code: str) -> tuple[str, ...]:
    """What a line states, independent of spelling: `touchpoint t1`, `share`, `}`."""
    words = [w for w in re.split(r"[\s(,]+|->", code.strip()) if w]
    return tuple(words[:2]) if words[0] in _NAMED else tuple(words[:1])


def attachments(text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Each comment (they must be unique) → on or before which statement it stands."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    found = {}
    for i, line in enumerate(lines):
        code = _code(line)
        comment = line[len(code) :].rstrip(" \t\f\r")
        if not comment:
            continue
        if code.strip():
            found[comment] = ("on", statement_key(code))
            continue
        following = [_code(x) for x in lines[i + 1 :] if _code(x).strip()]
        found[comment] = ("before", statement_key(following[0]) if following else ("(end)",))
    return found


def numbered(text: str) -> str:
    """Each comment made unique by a number at its end."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        code = _code(line)
        if line[len(code) :].strip():
            lines[i] = line.rstrip(" \t\f\r") + f" ~{i}"
    return "\n".join(lines)


def model(text: str, tmp_path: Path | None = None, name: str = "x.journey") -> dict:
    """The exported model of a text (the same as `export --to json` prints)."""
    if tmp_path is None:
        loaded = load("-", data=text.encode("utf-8"))
    else:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        loaded = load(str(path))
    assert loaded.ok, [d.message for d in loaded.diagnostics]
    if loaded.journey is not None:
        return journey_document(loaded.journey)
    assert loaded.library is not None
    return library_document(loaded.library)


# ---- every example --------------------------------------------------------------------


def test_there_are_examples_of_every_kind() -> None:
    names = {p.name for p in EXAMPLES}
    assert {"coffee.journey", "broadband.journey", "telco.journey", "hotel_stay.journey"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_format_to_the_same_model_idempotently(path: Path, tmp_path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    formatted = format_source(source, path.name)
    assert format_source(formatted, path.name) == formatted
    assert comments(formatted) == comments(source)
    marked = numbered(source)
    assert attachments(format_source(marked)) == attachments(marked)
    # `use` paths are relative: format a copy of the examples and load both from there
    shutil.copytree(path.parent, tmp_path / "copy", dirs_exist_ok=True)
    assert model(formatted, tmp_path / "copy", "formatted.journey") == model(
        source, tmp_path / "copy", path.name
    )


@pytest.mark.parametrize(
    "path",
    [
        SPEC_EXAMPLES / "coffee.journey",
        SPEC_EXAMPLES / "broadband.journey",
        JOURNEYS / "hotel_stay.journey",
    ],
    ids=lambda p: p.name,
)
def test_well_kept_examples_are_already_canonical(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert format_source(source) == source


def test_the_starter_journey_is_already_canonical() -> None:
    assert format_source(starter_journey()) == starter_journey()


# ---- the layout, exactly ------------------------------------------------------------------

MESSY = """\ufeff

# top comment
   # indented top comment


journey "Messy" {   # on the header

\thorizon 26weeks
  description "A \\"quoted\\" # not a comment"
      customers 0200
  persona p {
    spend 4.50   # money
    # about the share
    share 100%
    visits every 1 days
    arrivals 30 per weeks
  }
  stage s "S" {   }
  stage s2 {
    touchpoint t {
      moment_of_truth   3
      delivers normal( 3.8 ,0.4)
      owner Ops
      service exp(90secs)
      capacity 2
      expect 3.5
      delighter d "D" chance 010% impact +1.5
      recovers t.x chance 50%
      disappointer x chance 5% impact -2 # x
      # last in the touchpoint


    }
    touchpoint u {
    }
    touchpoint v {
      # only a comment
    }
    touchpoint w {
    }  # on the closing brace
  }
  flow {
    start->t
    t -> u
    u->v
    v -> w
    w -> end
  }
  scenario sc {
    p.visits = 2 d
    cost 1.5k
    add delighter t.z "Z" chance 5% impact 1
    remove t.x
    t.service = 3 minutes ± 30 s
  }
  loyalty {
    price_churn 5% per months
    memory peak_end
  }
}
# end of file

"""

CANONICAL = """\
# top comment
# indented top comment

journey "Messy" {  # on the header
  description "A \\"quoted\\" # not a comment"

  horizon 26 weeks
  customers 200
  persona p {
    # about the share
    share 100%
    visits every 1 day
    arrivals 30 per week
    spend 4.50  # money
  }
  stage s "S" { }
  stage s2 {
    touchpoint t {
      owner "Ops"
      expect 3.5
      delivers normal(3.8, 0.4)
      capacity 2
      service exp(90 s)
      moment_of_truth 3
      delighter d "D" chance 10% impact +1.5
      disappointer x chance 5% impact -2  # x
      recovers t.x chance 50%
      # last in the touchpoint
    }
    touchpoint u { }
    touchpoint v {
      # only a comment
    }
    touchpoint w {
    }  # on the closing brace
  }
  flow {
    start -> t
    t -> u
    u -> v
    v -> w
    w -> end
  }
  scenario sc {
    cost 1.5k
    p.visits = every 2 days
    add delighter t.z "Z" chance 5% impact 1
    remove t.x
    t.service = 3 min +- 30 s
  }
  loyalty {
    memory peak_end
    price_churn 5% per month
  }
}
# end of file
"""


def test_a_messy_file_gets_the_canonical_layout() -> None:
    assert format_source(MESSY) == CANONICAL
    assert attachments(format_source(numbered(MESSY))) == attachments(numbered(MESSY))
    assert format_source(CANONICAL) == CANONICAL
    assert model(MESSY) == model(CANONICAL)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("30 s", "30 s"),
        ("30 sec", "30 s"),
        ("30secs", "30 s"),
        ("30 second", "30 s"),
        ("30 seconds", "30 s"),
        ("4 mins", "4 min"),
        ("4 minute", "4 min"),
        ("4 minutes", "4 min"),
        ("2 hour", "2 h"),
        ("2 hours", "2 h"),
        ("1 d", "1 day"),
        ("1 days", "1 day"),
        ("3 d", "3 days"),
        ("3 day", "3 days"),
        ("1 weeks", "1 week"),
        ("2 week", "2 weeks"),
        ("1.5 month", "1.5 months"),
        ("1 years", "1 year"),
        ("007 min", "7 min"),
        ("0.5 h", "0.5 h"),
        ("1.0 day", "1.0 day"),
    ],
)
def test_units_are_spelled_one_way(written: str, canonical: str) -> None:
    source = f'journey "T" {{\n  horizon {written}\n}}\n'
    assert format_source(source) == f'journey "T" {{\n  horizon {canonical}\n}}\n'


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("delivers 3.8 ± 0.4", "delivers 3.8 +- 0.4"),
        ("delivers 3.8+-0.4", "delivers 3.8 +- 0.4"),
        ("delivers lognormal(2,1)", "delivers lognormal(2, 1)"),
        ("expect 04.50", "expect 4.50"),
        ("expect +3", "expect +3"),
        ("owner Marketing", 'owner "Marketing"'),
        ('owner "R&D"', 'owner "R&D"'),
        ("delighter a chance 05.0% impact +1", "delighter a chance 5.0% impact +1"),
        ("recovers a,t.b chance 60%", "recovers a, t.b chance 60%"),
        ("moment_of_truth", "moment_of_truth"),
        ("capacity 1k", "capacity 1k"),
    ],
)
def test_touchpoint_statements_are_spelled_one_way(written: str, canonical: str) -> None:
    source = (
        f'journey "T" {{\n  stage s {{\n    touchpoint t {{\n      {written}\n    }}\n  }}\n}}\n'
    )
    expected = (
        f'journey "T" {{\n  stage s {{\n    touchpoint t {{\n      {canonical}\n    }}\n  }}\n}}\n'
    )
    assert format_source(source) == expected


def test_arrival_rates_and_scenario_visits() -> None:
    source = (
        'journey "T" {\n  persona p {\n    arrivals 40 per weeks\n  }\n'
        "  scenario x {\n    p.visits = 3 d\n    p.visits *= 2\n    p.arrivals = 2 per hours\n"
        "    flow a->b += 5%  for p\n  }\n}\n"
    )
    assert format_source(source) == (
        'journey "T" {\n  persona p {\n    arrivals 40 per week\n  }\n'
        "  scenario x {\n    p.visits = every 3 days\n    p.visits *= 2\n    p.arrivals = 2 per h\n"
        "    flow a -> b += 5% for p\n  }\n}\n"
    )


def test_an_unknown_unit_or_a_bad_number_is_kept_as_written() -> None:
    # fmt formats what parses; `check` reports what the builder cannot read
    source = 'journey "T" {\n  horizon 26   weks\n  customers 1e3\n}\n'
    assert format_source(source) == 'journey "T" {\n  horizon 26 weks\n  customers 1e3\n}\n'


def test_statements_are_reordered_with_their_comments() -> None:
    source = """\
journey "T" {
  # the stage comes first in the file
  stage s {
    touchpoint t {
      # why capacity is 2
      capacity 2  # two baristas
      service exp(1 min)

      channel store  # the shop
      disappointer b chance 5% impact -1
      delighter a chance 5% impact +1
      expect 3
    }
  }
  # the personas
  persona p {
    share 100%
  }
  horizon 4 weeks  # short
}
"""
    assert (
        format_source(source)
        == """\
journey "T" {
  horizon 4 weeks  # short
  # the personas
  persona p {
    share 100%
  }
  # the stage comes first in the file
  stage s {
    touchpoint t {
      channel store  # the shop
      expect 3
      # why capacity is 2
      capacity 2  # two baristas
      service exp(1 min)
      disappointer b chance 5% impact -1
      delighter a chance 5% impact +1
    }
  }
}
"""
    )


def test_events_edges_changes_and_stages_keep_their_written_order() -> None:
    source = """\
journey "T" {
  stage b {
    touchpoint y { }
  }
  stage a {
    touchpoint x { }
  }
  flow {
    y -> x
    start -> y
    x -> end
  }
  scenario s {
    x.expect = 4
    cost 1k
    x.expect += 1
  }
}
"""
    formatted = format_source(source)
    assert formatted.index("stage b") < formatted.index("stage a")
    assert formatted.index("y -> x") < formatted.index("start -> y")
    assert "cost 1k\n    x.expect = 4\n    x.expect += 1\n" in formatted


def test_loyalty_keys_follow_the_model_order_and_top_level_keeps_its_order() -> None:
    source = 'loyalty {\n  adaptation 30%\n  memory mean\n}\npersona p "P" {\n  share 100%\n}\n'
    assert format_source(source) == (
        'loyalty {\n  memory mean\n  adaptation 30%\n}\npersona p "P" {\n  share 100%\n}\n'
    )


def test_blank_lines_collapse_and_never_open_or_close_a_block() -> None:
    source = 'journey "T" {\n\n\n  horizon 2 weeks\n\n\n\n  customers 5\n\n}\n\n\n'
    assert format_source(source) == 'journey "T" {\n  horizon 2 weeks\n\n  customers 5\n}\n'


def test_line_ends_and_byte_order_mark() -> None:
    source = '\ufeffjourney "T" {\r\n  horizon 2 weeks  # two\r\n}'
    assert format_source(source) == 'journey "T" {\n  horizon 2 weeks  # two\n}\n'


def test_files_of_comments_or_nothing() -> None:
    assert format_source("") == ""
    assert format_source("\n\n  \n") == ""
    assert format_source("   # just a note  \n\n\n# another\n") == "# just a note\n\n# another\n"


def test_a_comment_keeps_its_text_exactly() -> None:
    odd = '#no space #twice "quoted {" } \\ ünïcode\t tab'
    source = f'journey "T" {{  {odd}\n  {odd}\n  horizon 1 week {odd}\n}} {odd}\n'
    assert comments(format_source(source)) == [odd] * 4


def test_a_file_that_does_not_parse_is_refused_with_check_diagnostics() -> None:
    source = 'journey "T" {\n  horizon 26 weeks\n  expectt 4\n  customers 5 5\n}\n'
    with pytest.raises(FormatError) as caught:
        format_source(source, "broken.journey")
    found = [(d.file, d.line, d.column, d.message) for d in caught.value.diagnostics]
    checked = load("-", data=source.encode(), name="broken.journey")
    assert set(found) <= {(d.file, d.line, d.column, d.message) for d in checked.diagnostics}
    assert [line for _, line, _, _ in found] == [3, 4]  # the syntax errors, and only those


@pytest.mark.parametrize(
    "source",
    ['journey "T" {\n', 'journey "T" {\n  }\n}\n', "\x00", 'journey "unterminated {\n}\n', "}"],
)
def test_other_broken_files_are_refused(source: str) -> None:
    with pytest.raises(FormatError) as caught:
        format_source(source)
    assert caught.value.diagnostics


# ---- times: delays, time taken, repeat starts, busy hours, shifts, windows -------------------

TIMED = """\
journey "Timed" {
  persona p {
    busy   mon-fri   09:00-12:00   3 x   # mornings
    share 100%
    arrivals 40 per week
    busy daily 0:00-7:00 0.1X
    visits every 30 d   from   use
  }
  stage s {
    touchpoint order { }
    touchpoint install {
      max_wait 5 days
      takes normal(2 hours,30 mins)
      after lognormal(6 d,3 d)   # the engineer's slot
      expect 3.5
    }
    touchpoint use { }
    touchpoint support {
      capacity 4 mon , wed,fri 8:00-18:00
      service exp(12 min)
      capacity 3 sat  09:15-17:00
      capacity 2
      capacity 1 22:00-06:00
      after exp(1 days)
    }
  }
  flow {
    start->order
    order -> install
    install->use after exp(4 hours)
    use -> support 20%   after exp(3 days)for p
    use -> support 10%
    use -> end
    support -> end after 0 min
  }
  scenario faster {
    install.after *= 0.5
    install.takes = 1 hours
    support.capacity += 2 weekdays 08:00-12:00
    support.capacity -= 1 sat-sun
    p.visits = every 4 weeks
  }
}
"""

TIMED_CANONICAL = """\
journey "Timed" {
  persona p {
    share 100%
    visits every 30 days from use
    arrivals 40 per week
    busy mon-fri 9:00-12:00 3x  # mornings
    busy daily 0:00-7:00 0.1 X
  }
  stage s {
    touchpoint order { }
    touchpoint install {
      expect 3.5
      after lognormal(6 days, 3 days)  # the engineer's slot
      takes normal(2 h, 30 min)
      max_wait 5 days
    }
    touchpoint use { }
    touchpoint support {
      after exp(1 day)
      capacity 2
      capacity 4 mon, wed, fri 8:00-18:00
      capacity 3 sat 9:15-17:00
      capacity 1 22:00-6:00
      service exp(12 min)
    }
  }
  flow {
    start -> order
    order -> install
    install -> use after exp(4 h)
    use -> support 20% after exp(3 days) for p
    use -> support 10%
    use -> end
    support -> end after 0 min
  }
  scenario faster {
    install.after *= 0.5
    install.takes = 1 h
    support.capacity += 2 weekdays 8:00-12:00
    support.capacity -= 1 sat-sun
    p.visits = every 4 weeks
  }
}
"""


def test_times_of_the_week_and_delays_get_the_canonical_layout() -> None:
    # `0.1X` is an error `check` reports (a density is written with x): kept as written
    assert format_source(TIMED) == TIMED_CANONICAL
    assert format_source(TIMED_CANONICAL) == TIMED_CANONICAL
    assert attachments(format_source(numbered(TIMED))) == attachments(numbered(TIMED))
    valid = TIMED.replace("0.1X", "0.1x")
    canonical = TIMED_CANONICAL.replace("0.1 X", "0.1x")
    assert format_source(valid) == canonical
    assert model(valid) == model(canonical)


def test_the_plain_capacity_comes_first_and_windows_keep_their_order() -> None:
    tp = format_source(TIMED_CANONICAL).split("touchpoint support {\n")[1].split("}")[0]
    assert [line.split()[1:] for line in tp.splitlines() if "capacity" in line] == [
        ["2"],
        ["4", "mon,", "wed,", "fri", "8:00-18:00"],
        ["3", "sat", "9:15-17:00"],
        ["1", "22:00-6:00"],
    ]
    loaded = load("-", data=TIMED.replace("0.1X", "0.1x").encode())
    support = loaded.journey.touchpoint("support")
    assert [s.value for s in support.shifts] == [4, 3, 1]  # the order that applies them


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("mon-fri 9:00-17:00", "mon-fri 9:00-17:00"),
        ("mon-fri\t09:00-17:00", "mon-fri 9:00-17:00"),
        ("sat-sun", "sat-sun"),
        ("weekends", "weekends"),
        ("weekdays", "weekdays"),
        ("daily 00:00-24:00", "daily 0:00-24:00"),
        ("fri-mon", "fri-mon"),  # wraps past Sunday, as written
        ("mon,wed , fri", "mon, wed, fri"),
        ("mon-tue,\tsat 07:30-09:45", "mon-tue, sat 7:30-9:45"),
        ("weekdays,sun", "weekdays, sun"),
        ("22:00-06:00", "22:00-6:00"),  # runs past midnight
        ("18:00-0:00", "18:00-0:00"),
        ("wed 9:00-9:15", "wed 9:00-9:15"),
    ],
)
def test_windows_are_written_as_written_spaced_one_way(written: str, canonical: str) -> None:
    def journey(window: str, density: str) -> str:
        return (
            'journey "T" {\n  persona p {\n    share 100%\n'
            f"    busy {window} {density}\n  }}\n"
            "  stage s {\n    touchpoint t {\n      capacity 1\n"
            f"      capacity 3 {window}\n      service 1 min\n    }}\n  }}\n"
            f"  scenario x {{\n    t.capacity *= 2 {window}\n  }}\n}}\n"
        )

    source, expected = journey(written, "2 x"), journey(canonical, "2x")
    assert format_source(source) == expected
    assert format_source(expected) == expected
    assert model(source) == model(expected)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("3x", "3x"),
        ("3 x", "3x"),
        ("03x", "3x"),
        ("0.1x", "0.1x"),
        ("1.50 x", "1.50x"),
        ("0x", "0x"),
        ("1k x", "1k x"),  # `1kx` would read as 1 and a word
        ("+2x", "+2x"),
    ],
)
def test_busy_densities(written: str, canonical: str) -> None:
    source = f'journey "T" {{\n  persona p {{\n    busy mon {written}\n  }}\n}}\n'
    expected = f'journey "T" {{\n  persona p {{\n    busy mon {canonical}\n  }}\n}}\n'
    assert format_source(source) == expected

    def density(text: str) -> float:
        return load("-", data=text.encode()).journey.personas[0].busy[0].value

    assert density(expected) == density(source)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("after 2 days", "after 2 days"),
        ("after exp(1 days)", "after exp(1 day)"),
        ("after lognormal(5 d,2 d)", "after lognormal(5 days, 2 days)"),
        ("after 0 min", "after 0 min"),
        ("takes 90secs", "takes 90 s"),
        ("takes 2 hours ± 30 mins", "takes 2 h +- 30 min"),
        ("takes triangular(1 h,2 h,5 h)", "takes triangular(1 h, 2 h, 5 h)"),
    ],
)
def test_delays_and_time_taken(written: str, canonical: str) -> None:
    def journey(line: str) -> str:
        return (
            f'journey "T" {{\n  stage s {{\n    touchpoint t {{\n      {line}\n    }}\n  }}\n}}\n'
        )

    assert format_source(journey(written)) == journey(canonical)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("a->b after 4 hours", "a -> b after 4 h"),
        ("a -> b 20%after exp(3 d)for p", "a -> b 20% after exp(3 days) for p"),
        ("a -> b after uniform(1 h,2 h) for p", "a -> b after uniform(1 h, 2 h) for p"),
        ("a -> exit 5% after 0 s", "a -> exit 5% after 0 s"),
    ],
)
def test_edge_delays(written: str, canonical: str) -> None:
    def journey(line: str) -> str:
        return f'journey "T" {{\n  flow {{\n    {line}\n  }}\n}}\n'

    assert format_source(journey(written)) == journey(canonical)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("visits every 30 d from use", "visits every 30 days from use"),
        ("visits every 1 weeks   from\tbill", "visits every 1 week from bill"),
        ("visits every 2 days", "visits every 2 days"),
    ],
)
def test_repeat_starts(written: str, canonical: str) -> None:
    def journey(line: str) -> str:
        return f'journey "T" {{\n  persona p {{\n    {line}\n  }}\n}}\n'

    assert format_source(journey(written)) == journey(canonical)


def test_busy_lines_keep_their_order_among_the_persona_statements() -> None:
    source = (
        'journey "T" {\n  persona p {\n    prefers app\n    busy sat 2x\n    patience 4 min\n'
        "    busy daily 0:00-6:00 0x\n    share 100%\n  }\n}\n"
    )
    assert format_source(source) == (
        'journey "T" {\n  persona p {\n    share 100%\n    busy sat 2x\n'
        "    busy daily 0:00-6:00 0x\n    patience 4 min\n    prefers app\n  }\n}\n"
    )


# ---- properties ------------------------------------------------------------------------------


@PROPERTY
@pytest.mark.slow
@given(journeys())
def test_generated_journeys_format_idempotently_to_the_same_model(text: str) -> None:
    text = numbered(text)
    formatted = format_source(text)
    assert format_source(formatted) == formatted
    assert model(formatted) == model(text)
    assert sorted(comments(formatted)) == sorted(comments(text))
    assert attachments(formatted) == attachments(text)


@PROPERTY
@given(journey_statements(), st.data())
def test_layout_does_not_matter(statements, data) -> None:
    first = data.draw(layout(statements, comments=False, blanks=False))
    second = data.draw(layout(statements, comments=False, blanks=False))
    assert format_source(first) == format_source(second)


@st.composite
def scrambled(draw, canonical: str) -> str:
    """A canonical file written carelessly: indentation, spacing, unit spellings, `±`."""
    from tests.interop.journey_gen import SPELLINGS

    units = {w: SPELLINGS[m] for m in SPELLINGS for w in SPELLINGS[m]}
    out = []
    for line in canonical.split("\n"):
        code = _code(line)
        comment = line[len(code) :]
        parts = _STRING.split(code.strip())
        strings = _STRING.findall(code)
        pieces = []
        for i, part in enumerate(parts):
            part = re.sub(
                r"(?<=[0-9] )(s|min|h|days?|weeks?|months?|years?)\b",
                lambda m: draw(st.sampled_from(units[m.group(1)])),
                part,
            )
            part = part.replace("+-", draw(st.sampled_from(["+-", "±"])))
            part = re.sub(" ", lambda _: draw(st.sampled_from([" ", "  ", "\t", " \t"])), part)
            pieces.append(part)
            if i < len(strings):
                pieces.append(strings[i])
        indent = draw(st.sampled_from(["", " ", "\t", "      "]))
        spacing = draw(st.sampled_from(["", " ", "\t"])) if code.strip() else ""
        out.append(indent + "".join(pieces) + (spacing + comment.strip() if comment else ""))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(out)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_scrambled_examples_format_back_to_the_canonical_text(path: Path, data) -> None:
    canonical = format_source(path.read_text(encoding="utf-8"))
    messy = data.draw(scrambled(canonical))
    assert format_source(messy) == canonical


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('journey"T{}\n #sharepo10%-> '))))
def test_any_text_formats_or_is_refused(text: str) -> None:
    try:
        formatted = format_source(text)
    except FormatError as err:
        assert err.diagnostics
        return
    assert format_source(formatted) == formatted
    assert sorted(comments(formatted)) == sorted(comments(text))


def test_the_formatter_refuses_to_lose_a_comment(monkeypatch: pytest.MonkeyPatch) -> None:
    from cxjourney.language import fmt as formatter

    monkeypatch.setattr(formatter, "_with_comment", lambda line, comment: line)
    with pytest.raises(UnsafeFormat, match="comment"):
        format_source('journey "T" {  # kept\n}\n')


# ---- edits: statements written in while formatting -------------------------------------------


EDITED = """\
journey "T" {  # the journey
  persona p {
    share 100%  # everyone
  }
  stage s {
    touchpoint t { }  # nothing yet
    touchpoint u {
      service exp(2 min)
      capacity 1
    }
  }
}
"""


def test_edits_replace_and_add_statements_where_the_canonical_order_puts_them() -> None:
    from cxjourney.language.fmt import Edit

    edits = [
        Edit(3, "share 100%", "checked"),
        Edit(6, "delivers 3.5 +- 0.2", "from ratings", add=True),
        Edit(8, "service exp(90 s)"),
        Edit(1, "loyalty", add=True, body=(Edit(0, "negativity 2.1", "fitted"),)),
    ]
    assert format_source(EDITED, edits=edits) == (
        'journey "T" {  # the journey\n'
        "  persona p {\n"
        "    # everyone\n"
        "    share 100%  # checked\n"
        "  }\n"
        "  stage s {\n"
        "    touchpoint t {  # nothing yet\n"
        "      delivers 3.5 +- 0.2  # from ratings\n"
        "    }\n"
        "    touchpoint u {\n"
        "      capacity 1\n"
        "      service exp(90 s)\n"
        "    }\n"
        "  }\n"
        "  loyalty {\n"
        "    negativity 2.1  # fitted\n"
        "  }\n"
        "}\n"
    )


def test_an_edit_of_no_statement_is_refused() -> None:
    from cxjourney.language.fmt import Edit

    with pytest.raises(UnsafeFormat):
        format_source(EDITED, edits=[Edit(5 + 100, "share 50%")])
    with pytest.raises(UnsafeFormat):
        format_source(EDITED, edits=[Edit(3, "share 100% {")])
