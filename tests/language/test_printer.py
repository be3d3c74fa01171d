"""The printer: model → canonical text → the same model, already in `fmt`'s layout."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxjourney import load
from cxjourney.language import spelling
from cxjourney.language.build import Builder
from cxjourney.language.diagnostics import Reporter
from cxjourney.language.fmt import format_source
from cxjourney.language.parse import _code, parse
from cxjourney.language.printer import Notes, Printer, print_journey, print_library
from cxjourney.model import (
    Distribution,
    Journey,
    Persona,
    Shift,
    Stage,
    Touchpoint,
    Window,
    to_plain,
)
from cxjourney.starter import starter_journey
from tests.conftest import JOURNEYS, SPEC_EXAMPLES
from tests.interop.journey_gen import journeys

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLES = sorted([*SPEC_EXAMPLES.rglob("*.journey"), *JOURNEYS.glob("*.journey")])


def document(text: str):
    """What a file says, built without checks: its `use` lines and its journey or library."""
    reporter = Reporter("")
    tree = parse(text, reporter)
    assert tree is not None and not reporter.failed, reporter.sorted()
    built = Builder(reporter, "", text.split("\n")).document(tree)
    assert not reporter.failed, reporter.sorted()
    if built.journey is not None:
        built.journey = replace(built.journey, uses=tuple(path for path, _ in built.uses))
    return built


def meaning(built) -> object:
    library = built.library
    return (
        to_plain(built.journey),
        None if library is None else to_plain(library.personas),
        None if library is None else {k: to_plain(v) for k, (v, _) in library.loyalty.items()},
    )


def printed(built) -> str:
    if built.journey is not None:
        return print_journey(built.journey)
    return print_library(built.library)


def assert_round_trip(text: str) -> str:
    """model → text → model is the identity, and the text is canonical for `fmt` too."""
    first = document(text)
    canonical = printed(first)
    again = document(canonical)
    assert meaning(again) == meaning(first), canonical
    assert printed(again) == canonical  # text → model → text: a fixpoint
    assert format_source(canonical) == canonical
    return canonical


# ---- round trips ------------------------------------------------------------------------------


@PROPERTY
@pytest.mark.slow
@given(journeys())
def test_generated_journeys_print_back_to_the_same_model(text: str) -> None:
    assert_round_trip(text)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_print_back_to_the_same_model(path: Path) -> None:
    assert_round_trip(path.read_text(encoding="utf-8"))


def test_a_journey_that_uses_a_library_prints_its_use_lines_and_only_its_own_personas(
    tmp_path: Path,
) -> None:
    (tmp_path / "people.journey").write_text(
        "persona walk_in {\n  share 60%\n}\nloyalty {\n  negativity 2.5\n}\n"
    )
    (tmp_path / "j.journey").write_text(
        'use "people.journey"\n\njourney "J" {\n  persona app {\n    share 40%\n  }\n\n'
        "  stage s {\n    touchpoint t { }\n  }\n\n  loyalty {\n    memory mean\n  }\n}\n"
    )
    loaded = load(str(tmp_path / "j.journey"))
    assert loaded.ok, loaded.diagnostics
    assert print_journey(loaded.journey) == (tmp_path / "j.journey").read_text()


def test_the_starter_is_what_the_printer_writes_with_comments_added() -> None:
    text = starter_journey()
    journey = load("-", data=text.encode()).journey
    without_comments: list[str] = []
    for line in text.split("\n"):
        code = _code(line).rstrip()
        if code:
            without_comments.append(code)
        elif not line.strip() and without_comments and without_comments[-1]:
            without_comments.append("")  # a blank line; a comment's line goes
    expected = "\n".join(without_comments).strip("\n") + "\n"
    assert print_journey(journey, always=("touchpoint.expect",)) == expected


# ---- spelling ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (26 * 7 * 1440, "26 weeks"),
        (1.5, "90 s"),
        (90, "90 min"),
        (1440, "1 day"),
        (365 * 1440, "1 year"),
        (60 * 1440, "2 months"),
        (2.537 * 1440, "2.537 days"),
        (0.25 / 60, "0.25 s"),
        (0, "0 min"),
        (-30, "-30 min"),
        (479 * 1440, "479 days"),  # a log's span: not 1.3123287671232877 years
        (400 * 1440 + 1, "576001 min"),  # the fewest digits of any unit that reads back
    ],
)
def test_durations_in_the_unit_needing_the_fewest_digits(minutes: float, text: str) -> None:
    assert spelling.written_duration(minutes) == text


@pytest.mark.parametrize(
    ("per_minute", "text"),
    [
        (40 / 10080, "40 per week"),
        (3 / 1440, "3 per day"),
        (2 / 60, "2 per h"),
        (0, "0 per week"),
        (2.5 / 1440, "2.5 per day"),
        (2 / 1440, "2 per day"),
        (12 / 525600, "12 per year"),
    ],
)
def test_rates_in_the_unit_needing_the_fewest_digits(per_minute: float, text: str) -> None:
    assert spelling.written_rate(per_minute) == text


def test_numbers_money_and_percentages() -> None:
    assert spelling.written_percent(float("33.33") / 100) == "33.33%"
    assert spelling.written_percent(0.6) == "60%"
    assert spelling.written_money(40_000) == "40k"
    assert spelling.written_money(1_200_000) == "1.2M"
    assert spelling.written_money(4.5) == "4.5"
    assert spelling.written_money(12_345) == "12345"
    assert spelling.written_number(1e-7) == "0.0000001"
    assert spelling.written_number(1e20) == "100000000000000000000"
    assert spelling.written_signed(0.3) == "+0.3"


@pytest.mark.parametrize(
    ("window", "text"),
    [
        (Window((0, 1, 2, 3, 4), 9 * 60, 12 * 60), "mon-fri 9:00-12:00"),
        (Window((5, 6)), "sat-sun"),
        (Window((0, 2, 4)), "mon, wed, fri"),
        (Window(tuple(range(7)), 22 * 60, 6 * 60), "22:00-6:00"),
        (Window(tuple(range(7))), "daily"),
        (Window((4,), 18 * 60, 1440), "fri 18:00-24:00"),
    ],
)
def test_windows_of_the_week(window: Window, text: str) -> None:
    assert spelling.written_window(window) == text


@given(st.floats(min_value=1e-9, max_value=1e12))
def test_any_duration_reads_back_exactly(minutes: float) -> None:
    count, unit = spelling.written_duration(minutes).split()
    from cxjourney.language.units import TIME_UNITS

    assert float(count) * TIME_UNITS[unit] == minutes


@given(st.floats(min_value=0, max_value=1))
def test_any_fraction_is_written_as_its_nearest_percentage_and_then_stays(fraction: float) -> None:
    text = spelling.written_percent(fraction)
    read = float(text[:-1]) / 100
    assert math.isclose(read, fraction, rel_tol=1e-15, abs_tol=1e-300)
    assert spelling.written_percent(read) == text


# ---- comments and refusals ---------------------------------------------------------------------


def small() -> Journey:
    touchpoints = (
        Touchpoint(
            "order", "Orders", "buy", expect=3.5, capacity=2.0, service=Distribution("exp", (1.5,))
        ),
        Touchpoint("pay", "pay", "buy"),
    )
    return Journey(
        "Shop",
        personas=(Persona("walk_in", "Walk-in", share=1.0, busy=(Shift(Window((5, 6)), 2.0),)),),
        stages=(Stage("buy", "Buy", ("order", "pay")),),
        touchpoints=touchpoints,
    )


def test_notes_put_comments_above_and_after_statements() -> None:
    notes = Notes(
        line={("touchpoint", "order", "service"): "fitted from 40 visits", ("stage", "buy"): "#x"},
        above={("journey",): ["# Made by hand", ""], ("persona", "walk_in"): ["who comes"]},
    )
    text = print_journey(small(), notes)
    assert text == (
        "# Made by hand\n"
        "\n"
        'journey "Shop" {\n'
        "  # who comes\n"
        '  persona walk_in "Walk-in" {\n'
        "    share 100%\n"
        "    busy sat-sun 2x\n"
        "  }\n"
        "\n"
        '  stage buy "Buy" {  #x\n'
        '    touchpoint order "Orders" {\n'
        "      expect 3.5\n"
        "      capacity 2\n"
        "      service exp(90 s)  # fitted from 40 visits\n"
        "    }\n"
        "\n"
        "    touchpoint pay { }\n"
        "  }\n"
        "}\n"
    )
    assert format_source(text) == text
    assert to_plain(load("-", data=text.encode()).journey) == to_plain(small())


def test_one_statement_for_a_caller_that_splices_it() -> None:
    printer = Printer()
    order = small().touchpoints[0]
    assert printer.statements("touchpoint", order, "service") == ["service exp(90 s)"]
    assert printer.statements("touchpoint", order, "delivers") == []
    assert printer.statements("persona", small().personas[0], "busy") == ["busy sat-sun 2x"]


@pytest.mark.parametrize(
    "journey",
    [
        replace(small(), title="two\nlines"),
        replace(
            small(),
            touchpoints=(
                replace(small().touchpoints[0], service=Distribution("exp", (1.5,), scale=2.0)),
                small().touchpoints[1],
            ),
        ),
        replace(small(), customers=math.nan),
        replace(small(), stages=()),
    ],
    ids=["line break", "scaled", "not a number", "touchpoint in no stage"],
)
def test_what_the_language_cannot_say_is_refused(journey: Journey) -> None:
    with pytest.raises(ValueError):
        print_journey(journey)


def test_a_file_check_refuses_still_prints_all_it_says() -> None:
    """Capacity in a window without a plain capacity (an error of `check`) is kept."""
    text = (
        'journey "T" {\n  persona p {\n    share 100%\n  }\n\n  stage s {\n'
        "    touchpoint desk {\n      capacity 2 mon-fri 9:00-17:00\n"
        "      service exp(5 min)\n    }\n  }\n}\n"
    )
    assert assert_round_trip(text) == text
