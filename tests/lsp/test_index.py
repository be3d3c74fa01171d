"""The text index and the answers built on it, in process: half-written text never breaks them."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cxjourney.language.parse import grammar_text
from cxjourney.lsp import index
from tests.conftest import JOURNEYS

pytest.importorskip("pygls")

from cxjourney.lsp import assist, features
from cxjourney.lsp.project import Project, path_to_uri

HOTEL = (JOURNEYS / "hotel_stay.journey").read_text(encoding="utf-8")


def test_completion_keywords_are_the_grammars() -> None:
    words = set(re.findall(r'"([a-z_]+)"', grammar_text())) | {"moment_of_truth"}
    for block, keywords in assist.BLOCK_KEYWORDS.items():
        if block != "loyalty":
            assert set(keywords) <= words, block


def test_every_definition_of_the_hotel_is_found() -> None:
    idx = index.build(HOTEL)
    assert idx.names("persona") == ["business", "leisure", "conference"]
    assert len(idx.names("touchpoint")) == 11
    assert idx.names("event", "desk") == ["upgrade", "notready", "rush"]
    assert idx.names("event", "restaurant") == ["eggs", "cold", "bakery"]  # one a scenario adds
    assert idx.names("scenario") == ["fix_first", "breakfast", "salient", "digital"]
    unresolved = [o for o in idx.occurrences if not idx.definitions(o.key)]
    assert unresolved == []


@settings(max_examples=60, deadline=None)
@example(cut=0, junk="1{}\n", line=0, column=0)  # a one-line block of no known kind
@given(
    cut=st.integers(0, len(HOTEL)),
    junk=st.text(alphabet='{}."#->%= \nab_1', max_size=12),
    line=st.integers(0, 230),
    column=st.integers(0, 40),
)
def test_half_written_text_never_breaks_an_answer(cut, junk, line, column, tmp_path_factory):
    text = HOTEL[:cut] + junk + HOTEL[cut + len(junk) :]
    project = Project()
    uri = "untitled:typing.journey"
    project.open[uri] = text
    idx = project.index(uri)
    assert idx is not None
    assert isinstance(assist.completion(project, uri, line, column), list)
    assist.hover(project, uri, line, column)
    features.references(project, uri, line, column)
    features.symbols(idx, features.Codec())
    features.folding(idx)


def test_positions_follow_the_clients_encoding() -> None:
    lines = ['  owner "Café ☕ team" desk']
    codec16, codec8 = features.Codec("utf-16"), features.Codec("utf-8")
    column = lines[0].index("desk")
    assert codec16.position(lines, 0, column).character == column
    assert codec8.position(lines, 0, column).character == column + 1 + 2
    position = codec8.position(lines, 0, column)
    assert codec8.column(lines, position) == (0, column)


def test_uris_of_used_files(tmp_path) -> None:
    (tmp_path / "a" / "lib").mkdir(parents=True)
    (tmp_path / "a" / "lib" / "people.journey").write_text("", encoding="utf-8")
    (tmp_path / "outside.journey").write_text("", encoding="utf-8")
    journey = tmp_path / "a" / "j.journey"
    journey.write_text('use "lib/people.journey"\nuse "../outside.journey"\n', encoding="utf-8")
    project = Project([tmp_path])
    ((use, target),) = project.used(path_to_uri(journey))  # check refuses the second
    assert use.path == "lib/people.journey"
    assert target == (tmp_path / "a" / "lib" / "people.journey").as_uri()


def test_a_warning_stays_a_warning_and_the_hint_follows_the_message() -> None:
    from lsprotocol import types

    from cxjourney.language.diagnostics import Diagnostic

    lines = ["  horizon 26 weks"]
    d = Diagnostic("x", 1, 14, "unknown unit 'weks'", "did you mean 'weeks'?", "warning")
    found = features.to_lsp(d, lines, features.Codec())
    assert found.severity == types.DiagnosticSeverity.Warning
    assert found.message == "unknown unit 'weks'\nhint: did you mean 'weeks'?"
    assert (found.range.start.character, found.range.end.character) == (13, 17)


def test_repeat_starts_and_edge_delays_are_indexed() -> None:
    from tests.lsp.test_time_words import TIMED

    idx = index.build(TIMED)
    line = next(i for i, x in enumerate(idx.lines) if "from use" in x)
    uses = [o for o in idx.occurrences if o.line == line]
    assert [(o.key, o.definition) for o in uses] == [(("touchpoint", "", "use"), False)]
    delays = [a for a in idx.attributes if a.block == "edge"]
    assert [(a.name, idx.lines[a.line].strip().split()[0]) for a in delays] == [
        ("after", "install"),
        ("after", "use"),
    ]
    assert [o for o in idx.occurrences if not idx.definitions(o.key)] == []


def test_statements_offered_are_the_facts() -> None:
    from cxjourney.language import facts

    assert assist.BLOCK_KEYWORDS["persona"] == facts.names("persona")
    assert assist.BLOCK_KEYWORDS["touchpoint"][:-3] == facts.names("touchpoint")
    assert {"after", "takes", "busy"} <= {
        *assist.BLOCK_KEYWORDS["persona"],
        *assist.BLOCK_KEYWORDS["touchpoint"],
    }


@pytest.mark.parametrize(
    ("days", "words"),
    [
        ((0, 1, 2, 3, 4), "Monday to Friday"),
        ((0, 4, 5, 6), "Friday to Monday"),  # fri-mon runs through Sunday night
        ((0, 2, 6), "Sunday to Monday, Wednesday"),
        ((5,), "Saturday"),
        (tuple(range(7)), "every day"),
    ],
)
def test_days_of_a_window_in_words(days: tuple[int, ...], words: str) -> None:
    from cxjourney.lsp import times

    assert times.day_list(days) == words


def test_a_window_whose_hours_are_no_time_of_day_is_said_to_be_so() -> None:
    from cxjourney.lsp import times

    (found,) = times.windows("  capacity 3 mon 25:00-6:00", ["capacity", "3", "mon"])
    assert found.text == "mon 25:00-6:00" and found.window is None
    assert "not a time of day" in times.describe(found)
    assert times.windows("  service 9:00-10:00", ["service"]) == []  # no window stands there


@settings(max_examples=60, deadline=None)
@example(cut=0, junk="1{}\n", line=0, column=0)  # a one-line block of no known kind
@given(
    cut=st.integers(0, 1200),
    junk=st.text(alphabet='{}."#->%=,: \nab_1monfri9x', max_size=12),
    line=st.integers(0, 50),
    column=st.integers(0, 50),
)
def test_half_written_times_never_break_an_answer(cut, junk, line, column) -> None:
    from tests.lsp.test_time_words import TIMED

    text = TIMED[:cut] + junk + TIMED[cut + len(junk) :]
    project = Project()
    uri = "untitled:timed.journey"
    project.open[uri] = text
    assert isinstance(assist.completion(project, uri, line, column), list)
    assist.hover(project, uri, line, column)
    features.references(project, uri, line, column)
