"""Tests of the Mermaid journey importer: fixtures, behaviours, `.journey` output, properties.

Fixtures in ``mermaid_cases/`` are modelled on journey diagrams found in public READMEs
and docs; each ``X.mmd`` / ``X.md`` has ``X.json`` with what must be read from it (and
some have ``X.journey``, the exact output of ``to_journey``).
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxjourney.interop.mermaid import (
    MermaidDiagram,
    MermaidError,
    MermaidIssue,
    MermaidSection,
    MermaidTask,
    parse_markdown,
    parse_mermaid,
    slug_for_filename,
    to_journey,
)
from cxjourney.interop.mermaid.journey import customer_actor

CASES = Path(__file__).parent / "mermaid_cases"
FIXTURES = sorted([*CASES.glob("*.mmd"), *CASES.glob("*.md")])
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
STRING = re.compile(r'"(?:\\["\\]|[^"\\\r\n])*"')  # the grammar's STRING
DECLARATION = re.compile(r"^\s*(persona|stage|touchpoint) (\S+)(?: (\".*\"))? \{$")
RESERVED = {"start", "end", "exit"}


def read_case(path: Path) -> str:
    return path.read_bytes().decode("utf-8")  # keep CRLF as written


def parse_case(path: Path) -> tuple[list[MermaidDiagram], list[MermaidIssue]]:
    text = read_case(path)
    if path.suffix == ".md":
        return parse_markdown(text)
    diagram, warnings = parse_mermaid(text)
    return [diagram], warnings


def as_data(diagram: MermaidDiagram) -> dict[str, object]:
    return {
        "title": diagram.title,
        "line": diagram.line,
        "description": diagram.description,
        "sections": [
            {
                "name": section.name,
                "line": section.line,
                "tasks": [
                    [task.name, task.score, list(task.actors), task.line, task.column]
                    for task in section.tasks
                ],
            }
            for section in diagram.sections
        ],
    }


def issue_data(issues: list[MermaidIssue]) -> list[list[object]]:
    return [[issue.line, issue.column, issue.message] for issue in issues]


def only(text: str) -> MermaidDiagram:
    """Parse a diagram that must read without warnings."""
    diagram, warnings = parse_mermaid(text)
    assert warnings == []
    return diagram


def errors_of(text: str, *, markdown: bool = False) -> list[tuple[int, int, str]]:
    with pytest.raises(MermaidError) as caught:
        (parse_markdown if markdown else parse_mermaid)(text)
    assert all(issue.severity == "error" for issue in caught.value.issues)
    return [(issue.line, issue.column, issue.message) for issue in caught.value.issues]


def declarations(source: str) -> list[tuple[str, str, str | None]]:
    found = []
    for line in source.splitlines():
        match = DECLARATION.match(line)
        if match:
            found.append((match.group(1), match.group(2), match.group(3)))
    return found


def unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def assert_valid_journey_text(source: str, diagram: MermaidDiagram) -> None:
    """The structure docs/language.md asks of an imported journey, checked with string tests."""
    assert source.endswith("}\n")
    assert not set(source) & set("\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
    lines = source.split("\n")
    assert sum(line.startswith("journey ") for line in lines) == 1
    depth = 0
    for line in lines:
        if line.lstrip().startswith("#") or not line.strip():
            continue
        code = STRING.sub("S", line).strip()
        assert '"' not in code, f"badly quoted: {line!r}"
        assert code.split()[0] != "flow"
        if code.split()[0] in ("persona", "stage", "touchpoint"):
            assert DECLARATION.match(line), line
        depth += code.endswith("{") - (code == "}")
        assert depth >= 0 and code.count("{") <= 1 and (code == "}" or "}" not in code)
    assert depth == 0
    found = declarations(source)
    names = [name for _, name, _ in found]
    assert all(IDENTIFIER.fullmatch(name) for name in names), names
    assert len(names) == len(set(names)), names
    assert not RESERVED & set(names)
    assert [kind for kind, _, _ in found].count("persona") == 1
    [persona] = [(name, unquote(label)) for kind, name, label in found if kind == "persona"]
    assert persona == ("customer", customer_actor(diagram) or "Customer")
    tasks = diagram.tasks
    assert [kind for kind, _, _ in found].count("touchpoint") == len(tasks)
    stages = [section for section in diagram.sections if section.tasks]
    assert [kind for kind, _, _ in found].count("stage") == len(stages)
    assert source.count("    share 100%\n") == 1
    assert source.count("      expect 3\n") == len(tasks)
    written = re.findall(r"^      delivers (\S+)$", source, re.M)
    assert all(re.fullmatch(r"[0-9]+(\.[0-9]+)?", number) for number in written), written
    delivered = [float(number) for number in written]
    assert delivered == [min(max(task.score, 1.0), 5.0) for task in tasks]


# ---- fixtures ---------------------------------------------------------------------


def test_there_are_enough_realistic_fixtures() -> None:
    assert len(FIXTURES) >= 12
    assert all(path.with_suffix(".json").exists() for path in FIXTURES)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_reads_as_expected(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    if "errors" in expected:
        with pytest.raises(MermaidError) as caught:
            parse_case(path)
        assert issue_data(caught.value.issues) == expected["errors"]
        assert issue_data(caught.value.warnings) == expected["warnings"]
        diagrams = caught.value.diagrams
    else:
        diagrams, warnings = parse_case(path)
        assert issue_data(warnings) == expected["warnings"]
        assert all(issue.severity == "warning" for issue in warnings)
    assert [as_data(d) for d in diagrams] == expected.get("diagrams", [])


@pytest.mark.parametrize(
    "path", [p for p in FIXTURES if p.with_suffix(".journey").exists()], ids=lambda p: p.name
)
def test_fixture_converts_to_the_golden_journey(path: Path) -> None:
    [diagram], _ = parse_case(path)
    assert to_journey(diagram) == path.with_suffix(".journey").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "path", [p for p in FIXTURES if "errors" not in p.with_suffix(".json").read_text()]
)
def test_fixture_converts_to_well_formed_journey_text(path: Path) -> None:
    diagrams, _ = parse_case(path)
    assert diagrams
    for diagram in diagrams:
        assert_valid_journey_text(to_journey(diagram), diagram)


def test_crlf_fixture_really_has_crlf_and_no_final_newline() -> None:
    raw = (CASES / "crlf_no_title.mmd").read_bytes()
    assert b"\r\n" in raw and not raw.endswith(b"\n")


# ---- reading .mmd -------------------------------------------------------------------

WORKING_DAY = """journey
    title My working day
    section Go to work
      Make tea: 5: Me
      Go upstairs: 3: Me
      Do work: 1: Me, Cat
    section Go home
      Go downstairs: 5: Me
      Sit down: 5: Me
"""


def test_reads_the_mermaid_docs_example() -> None:
    diagram = only(WORKING_DAY)
    assert diagram.title == "My working day"
    assert diagram.line == 1
    assert [s.name for s in diagram.sections] == ["Go to work", "Go home"]
    assert diagram.sections[0].tasks[2] == MermaidTask("Do work", 1.0, ("Me", "Cat"), 6, 7)
    assert [s.line for s in diagram.sections] == [3, 7]


def test_keywords_are_case_insensitive_and_indentation_is_meaningless() -> None:
    diagram = only("JOURNEY\nTitle  Shouting\n\t\t\tSECTION One\nA: 3: Me\n  \t B: 4\n")
    assert diagram.title == "Shouting"
    assert [t.name for t in diagram.sections[0].tasks] == ["A", "B"]
    assert diagram.sections[0].tasks[1].column == 5


def test_line_endings_bom_and_missing_final_newline() -> None:
    for newline in ("\r\n", "\r", "\n"):
        text = "\ufeff" + newline.join(["journey", "  title T  ", "  section S", "  A: 5: Me"])
        diagram = only(text)
        assert diagram.title == "T"
        assert diagram.tasks[0] == MermaidTask("A", 5.0, ("Me",), 4, 3)


def test_blank_and_whitespace_only_lines_are_skipped() -> None:
    diagram = only("\n \t \njourney\n\n   \n  section S\n\t\n  A: 2\n \n")
    assert diagram.line == 3
    assert diagram.tasks[0].line == 8


def test_a_statement_may_follow_journey_on_its_line() -> None:
    assert only("journey title Quick one\n  A: 3\n").title == "Quick one"


def test_tasks_before_any_section_go_to_an_implicit_section() -> None:
    diagram = only("journey\n  First: 3\n  section Later\n  Second: 4\n")
    assert diagram.sections[0] == MermaidSection("", (MermaidTask("First", 3.0, (), 2, 3),), 2)
    assert diagram.sections[1].name == "Later"


def test_task_fields_without_spaces_with_extra_spaces_and_without_actors() -> None:
    diagram = only("journey\n  Make tea:5:Me\n  Go upstairs  :  3  :  Me ,  Cat  \n  Sit: 4\n")
    assert [(t.name, t.score, t.actors) for t in diagram.tasks] == [
        ("Make tea", 5.0, ("Me",)),
        ("Go upstairs", 3.0, ("Me", "Cat")),
        ("Sit", 4.0, ()),
    ]


def test_empty_and_repeated_actors_are_dropped() -> None:
    diagram = only("journey\n  A: 1: Me,\n  B: 2: ,Me,,Cat, Me\n  C: 3:\n  D: 4: ,\n")
    assert [t.actors for t in diagram.tasks] == [("Me",), ("Me", "Cat"), (), ()]


def test_repeated_task_names_stay_separate_tasks() -> None:
    diagram = only("journey\n  section S\n  Wait: 2: Me\n  Wait: 1: Me\n")
    assert [t.score for t in diagram.tasks] == [2.0, 1.0]


def test_text_after_the_actors_is_ignored_with_a_warning() -> None:
    diagram, warnings = parse_mermaid("journey\n  A: 3: Me: Cat\n")
    assert diagram.tasks[0].actors == ("Me",)
    assert [(w.line, w.column, w.severity) for w in warnings] == [(2, 12, "warning")]


@pytest.mark.parametrize(
    ("written", "score"),
    [("4.5", 4.5), ("+3", 3.0), ("5.", 5.0), ("1.0", 1.0), ("2.75", 2.75), ("03", 3.0)],
)
def test_scores_in_range_are_read_as_numbers(written: str, score: float) -> None:
    assert only(f"journey\n  A: {written}: Me\n").tasks[0].score == score


@pytest.mark.parametrize(
    ("written", "clipped"),
    [("0", 1.0), ("6", 5.0), ("7", 5.0), ("10", 5.0), ("-2", 1.0), ("0.5", 1.0), ("5.5", 5.0)],
)
def test_out_of_range_scores_are_clipped_with_a_warning(written: str, clipped: float) -> None:
    diagram, warnings = parse_mermaid(f"journey\n  section S\n  Do it: {written}: Me\n")
    assert diagram.tasks[0].score == clipped
    [warning] = warnings
    assert (warning.line, warning.column, warning.severity) == (3, 10, "warning")
    assert written in warning.message and "1..5" in warning.message


@pytest.mark.parametrize(
    "written", ["high", "nan", "inf", "Infinity", "4/5", "⭐⭐⭐", "0x3", "5 5"]
)
def test_a_non_numeric_score_is_an_error_at_its_column(written: str) -> None:
    [(line, column, message)] = errors_of(f"journey\n  section S\n  Café ☕: {written}: Me\n")
    assert (line, column) == (3, 11)  # code points: "é" and "☕" count one each
    assert "not a number" in message


def test_a_comma_decimal_gets_a_hint_and_a_huge_score_an_error() -> None:
    assert "'.'" in errors_of("journey\n  A: 4,5: Me\n")[0][2]
    assert errors_of("journey\n  A: 1e999\n")[0][:2] == (2, 6)


def test_a_missing_score_is_an_error_after_the_colon() -> None:
    assert errors_of("journey\n  Read the signs:\n")[0][:2] == (2, 18)
    assert errors_of("journey\n  Read the signs:   : Me\n")[0][:2] == (2, 18)
    assert errors_of("journey\n  Read the signs:   x: Me\n")[0][:2] == (2, 21)


def test_a_line_that_is_not_a_task_is_an_error_at_its_first_character() -> None:
    [(line, column, message)] = errors_of("journey\n  section S\n    Wait in line\n")
    assert (line, column) == (3, 5)
    assert "Wait in line" in message


def test_every_error_is_reported_sorted_by_line() -> None:
    errors = errors_of("journey\n  A: x\n  B\n  C: 3\n  : 4\n  D: 9z: Me\n")
    assert [(line, column) for line, column, _ in errors] == [(2, 6), (3, 3), (5, 3), (6, 6)]
    with pytest.raises(MermaidError) as caught:
        parse_mermaid("journey\n  A: x\n  B\n")
    assert "2:6: error:" in str(caught.value)
    assert all(isinstance(issue, MermaidIssue) for issue in caught.value.issues)


def test_warnings_found_before_an_error_travel_with_it() -> None:
    with pytest.raises(MermaidError) as caught:
        parse_mermaid("journey\n  A: 9\n  B: x\n")
    assert [w.line for w in caught.value.warnings] == [2]


@pytest.mark.parametrize("text", ["", "\n\n", "   \t\n", "%% only a comment\n", "\ufeff"])
def test_empty_input_is_an_error(text: str) -> None:
    [(_, column, message)] = errors_of(text)
    assert column == 1 and "empty" in message


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("flowchart TD\n  A --> B\n", "flowchart"),
        ("graph LR\n  A-->B\n", "graph"),
        ("sequenceDiagram\n  Alice->>Bob: Hi: 5: x\n", "sequenceDiagram"),
        ("journeys\n  A: 3\n", "journeys"),
        ("gantt\n  title journey\n", "gantt"),
    ],
)
def test_other_diagram_types_are_errors(text: str, word: str) -> None:
    [(line, column, message)] = errors_of(text)
    assert (line, column) == (1, 1)
    assert word in message and "journey" in message


def test_markdown_given_as_mmd_gets_a_hint() -> None:
    message = errors_of("# Title\n\n```mermaid\njourney\n  A: 3\n```\n")[0][2]
    assert "parse_markdown" in message


def test_a_diagram_without_tasks_is_an_error_at_its_header() -> None:
    assert errors_of("%% c\njourney\n  title Nothing yet\n  section A\n")[0][:2] == (2, 1)
    assert errors_of("journey")[0][:2] == (1, 1)


def test_a_second_journey_header_is_an_error() -> None:
    assert errors_of("journey\n  A: 3\njourney\n  B: 4\n")[0][:2] == (3, 1)
    assert only("journey\n  Journey planning: 4: Me\n").tasks[0].name == "Journey planning"


def test_empty_sections_are_kept_with_a_warning_and_dropped_in_the_journey() -> None:
    diagram, warnings = parse_mermaid("journey\n section Empty\n section Full\n  A: 3\n section\n")
    assert [s.name for s in diagram.sections] == ["Empty", "Full", ""]
    assert [(w.line, w.column) for w in warnings] == [(2, 2), (5, 2), (5, 9)]
    assert "Empty" in warnings[0].message
    source = to_journey(diagram)
    assert [kind for kind, _, _ in declarations(source)] == ["persona", "stage", "touchpoint"]


def test_section_names_may_hold_colons_and_punctuation() -> None:
    diagram = only('journey\n  section Phase 1: "Discovery" (Q3, 50%)!\n  A: 3\n')
    assert diagram.sections[0].name == 'Phase 1: "Discovery" (Q3, 50%)!'


def test_a_section_line_that_looks_like_a_task_warns() -> None:
    diagram, [warning] = parse_mermaid("journey\n  Section review: 4: Me\n  A: 3\n")
    assert diagram.sections[0].name == "review: 4: Me"
    assert "section" in warning.message


def test_title_and_section_written_with_a_colon() -> None:
    diagram, warnings = parse_mermaid(
        "journey\n  title: My title\n  section: Phase 1: Discovery\n  Title: 3: Me\n"
    )
    assert diagram.title == "My title"
    assert diagram.sections[0].name == "Phase 1: Discovery"
    assert diagram.tasks[0].name == "Title"  # Mermaid reads `Title: 3: Me` as a task too
    assert [w.line for w in warnings] == [2, 3]


def test_the_last_title_wins_and_empty_titles_are_ignored() -> None:
    diagram, warnings = parse_mermaid("journey\n  title First\n  title Second\n  title\n  A: 3\n")
    assert diagram.title == "Second"
    assert [w.line for w in warnings] == [3, 4]


def test_no_title_at_all() -> None:
    assert only("journey\n  A: 3\n").title is None


def test_comments_directives_and_front_matter_are_skipped() -> None:
    text = (
        "---\n"
        "title: 'It''s: front matter'  \n"
        "config:\n"
        "  theme: dark\n"
        "---\n"
        '%%{init: {"theme": "forest"}}%%\n'
        "%%{\n"
        "  init: {'journey': {'taskMargin': 50}}\n"
        "}%%\n"
        "%% a comment\n"
        "# another comment\n"
        "journey\n"
        "  %% inside\n"
        "  # inside too\n"
        "  A: 3\n"
    )
    diagram = only(text)
    assert diagram.title == "It's: front matter"
    assert diagram.line == 12
    assert diagram.tasks[0].line == 15


@pytest.mark.parametrize(
    ("value", "title"),
    [
        ("Plain words # comment", "Plain words"),
        ('"Escaped \\"quotes\\" and \\\\"', 'Escaped "quotes" and \\'),
        ("'single ''quoted'''", "single 'quoted'"),
        ('""', None),
    ],
)
def test_front_matter_title_forms(value: str, title: str | None) -> None:
    assert only(f"---\ntitle: {value}\n---\njourney\n  A: 3\n").title == title


def test_front_matter_block_scalar_title() -> None:
    text = "---\ntitle: >\n  Folded\n  title\nconfig: {}\n---\njourney\n  A: 3\n"
    assert only(text).title == "Folded title"


def test_a_title_line_overrides_the_front_matter_title() -> None:
    assert only("---\ntitle: From YAML\n---\njourney\n  title From line\n  A: 3\n").title == (
        "From line"
    )


def test_unclosed_front_matter() -> None:
    assert errors_of("---\ntitle: x\njourney\n  A: 3\n")[0][:2] == (1, 1)
    assert "---" in errors_of("---\ntitle: x\nflowchart\n")[0][2]


def test_unclosed_directive_warns() -> None:
    diagram, [warning] = parse_mermaid("%%{init: {\njourney\n  A: 3\n")
    assert diagram.line == 2 and warning.line == 1


def test_accessibility_title_and_descriptions() -> None:
    diagram = only("journey\n  accTitle: Hidden\n  accDescr: One line\n  A: 3\n")
    assert diagram.title is None and diagram.description == "One line"
    diagram = only("journey\n accDescr {\n   Two\n   lines }\n title T\n A: 3\n")
    assert diagram.description == "Two lines" and diagram.title == "T"
    assert only("journey\n accDescr { inline }\n A: 3\n").description == "inline"
    assert errors_of("journey\n  accDescr {\n  never closed\n  A: 3\n")[0][:2] == (2, 3)


def test_hash_comments_and_entity_codes() -> None:
    diagram = only(
        "journey\n"
        "  title Learn C# fast # not this\n"
        "  section Week #35;1\n"
        "  Fix bug #12: 3: Me # trailing comment\n"
        "  Say #quot;hi#quot;: 4: Me, #9829;Cat\n"
        "  Keep #unknownthing;: 5\n"
    )
    assert diagram.title == "Learn C# fast"
    assert diagram.sections[0].name == "Week #1"
    assert [(t.name, t.actors) for t in diagram.tasks] == [
        ("Fix bug #12", ("Me",)),
        ('Say "hi"', ("Me", "♥Cat")),
        ("Keep #unknownthing;", ()),
    ]


def test_entity_codes_for_control_characters_become_spaces() -> None:
    task = only("journey\n  Line#10;break#13;: 3: #10;Me#9;\n").tasks[0]
    assert (task.name, task.actors) == ("Line break", ("Me",))


def test_trailing_semicolons_are_dropped() -> None:
    diagram = only("journey;\n  title T;\n  section S;\n  A: 3: Me;\n  B: 4;;\n")
    assert (diagram.title, diagram.sections[0].name) == ("T", "S")
    assert [(t.score, t.actors) for t in diagram.tasks] == [(3.0, ("Me",)), (4.0, ())]


def test_unicode_names_and_columns_in_code_points() -> None:
    diagram = only("journey\n  section 🚀 Départ\n  😀😀 Café: 4: Zoë, 李雷\n")
    task = diagram.tasks[0]
    assert (task.name, task.actors, task.column) == ("😀😀 Café", ("Zoë", "李雷"), 3)
    [(_, column, _)] = errors_of("journey\n  😀😀: bad\n")
    assert column == 7


# ---- reading Markdown --------------------------------------------------------------------


def md_titles(text: str) -> list[str | None]:
    diagrams, _ = parse_markdown(text)
    return [d.title for d in diagrams]


def journey_block(title: str, open_fence: str = "```mermaid", close: str = "```") -> str:
    return f"{open_fence}\njourney\n  title {title}\n  A: 3: Me\n{close}\n"


def test_markdown_line_numbers_are_those_of_the_file() -> None:
    text = "# Doc\n\nSome text.\n\n```mermaid\njourney\n  title T\n  section S\n    A: 2: Me\n```\n"
    [diagram], warnings = parse_markdown(text)
    assert warnings == []
    assert (diagram.line, diagram.sections[0].line) == (6, 8)
    assert (diagram.tasks[0].line, diagram.tasks[0].column) == (9, 5)


def test_markdown_errors_point_into_the_file() -> None:
    errors = errors_of("Intro\n\n```mermaid\njourney\n  A: bad\n```\n", markdown=True)
    assert errors[0][:2] == (5, 6)


def test_fence_variants() -> None:
    text = (
        journey_block("Three backticks")
        + journey_block("Tildes", "~~~mermaid", "~~~")
        + journey_block("Space before mermaid", "``` mermaid")
        + journey_block("Capital", "```Mermaid")
        + journey_block("Longer", "`````mermaid", "``````")
        + journey_block("Extra info", '```mermaid title="x" linenums="1"')
        + journey_block("Indented", "   ```mermaid", "  ```")
        + journey_block("Tilde space", "~~~~ mermaid  ", "~~~~~  ")
    )
    assert md_titles(text) == [
        "Three backticks",
        "Tildes",
        "Space before mermaid",
        "Capital",
        "Longer",
        "Extra info",
        "Indented",
        "Tilde space",
    ]


def test_back_to_back_fences() -> None:
    text = "```mermaid\njourney\n  A: 1\n```\n```mermaid\njourney\n  B: 2\n```\n"
    diagrams, _ = parse_markdown(text)
    assert [d.tasks[0].name for d in diagrams] == ["A", "B"]
    assert [d.line for d in diagrams] == [2, 6]


def test_closing_fence_must_match_and_be_at_least_as_long() -> None:
    text = (
        "````mermaid\njourney\n  title Outer\n  A: 1\n```\n  B: 2\n````\n"
        "~~~mermaid\njourney\n  title Tilde\n  C: 3\n````\n~~~\n"
    )
    with pytest.raises(MermaidError) as caught:
        parse_markdown(text)
    # "```" inside a four-backtick fence and "````" inside a tilde fence are content lines
    assert [(i.line, i.column) for i in caught.value.issues] == [(5, 1), (12, 1)]


def test_fences_that_are_not_fences() -> None:
    text = (
        "    ```mermaid\n    journey\n      A: 3\n    ```\n"  # indented code
        "``mermaid\njourney\n  B: 3\n``\n"  # two backticks
        "```mermaid`x`\njourney\n  C: 3\n"  # backticks in a backtick info string
    )
    assert parse_markdown(text) == ([], [])


def test_a_fence_showing_markdown_source_hides_its_inner_block() -> None:
    text = "````markdown\n" + journey_block("Example") + "````\n" + journey_block("Real")
    assert md_titles(text) == ["Real"]


def test_other_languages_and_diagram_types_are_ignored() -> None:
    text = (
        "```\njourney\n  A: 1\n```\n"
        "```text\njourney\n  A: 1\n```\n"
        "```mermaid\nflowchart LR\n  A --> B\n```\n"
        "```mermaid\nsequenceDiagram\n  Alice->>Bob: Hi: you\n```\n"
        "```mermaid\n```\n"
        "```mermaid\n%%{init: {}}%%\n%% only comments\n```\n"
        "```mermaid\n---\ntitle: Flow\n---\ngraph TD\n  A-->B\n```\n"
    )
    assert parse_markdown(text) == ([], [])


def test_markdown_without_any_block() -> None:
    assert parse_markdown("") == ([], [])
    assert parse_markdown("# Just a README\n\nNo diagrams here.\n") == ([], [])


def test_an_unclosed_fence_runs_to_the_end_with_a_warning() -> None:
    diagrams, [warning] = parse_markdown("Text\n```mermaid\njourney\n  A: 3: Me")
    assert diagrams[0].tasks[0].name == "A"
    assert (warning.line, warning.severity) == (2, "warning")


def test_info_string_title_is_a_fallback() -> None:
    text = '```mermaid title="From info"\njourney\n  A: 1\n```\n' + journey_block("Own title")
    assert md_titles(text) == ["From info", "Own title"]
    text = "```mermaid title='Info'\n---\ntitle: YAML\n---\njourney\n  A: 1\n```\n"
    assert md_titles(text) == ["YAML"]


def test_front_matter_inside_a_block_and_of_the_document() -> None:
    text = "---\ntitle: The page\n---\n\n```mermaid\n---\ntitle: The diagram\n---\n"
    text += "journey\n A: 3\n```\n"
    [diagram], _ = parse_markdown(text)
    assert (diagram.title, diagram.line) == ("The diagram", 9)
    assert md_titles("---\ntitle: Page\n---\n```mermaid\njourney\n A: 3\n```\n") == [None]


def test_html_comments_hide_blocks() -> None:
    text = (
        "<!-- one-line comment -->\n"
        + journey_block("Shown")
        + "<!--\n"
        + journey_block("Hidden")
        + "-->\n"
        + journey_block("Shown too")
    )
    assert md_titles(text) == ["Shown", "Shown too"]


def test_html_mermaid_elements() -> None:
    text = (
        '<div class="mermaid">\njourney\n  title Div\n  Tea &amp; cake: 4: Me\n</div>\n'
        "<pre class='mermaid' id=\"x\">\njourney\n  A: 3\n</pre>\n"
        '<div class="not-mermaidish">\njourney\n  B: 3\n</div>\n'
    )
    diagrams, _ = parse_markdown(text)
    assert [d.title for d in diagrams] == ["Div", None]
    assert diagrams[0].tasks[0].name == "Tea & cake"


def test_myst_mermaid_directive_options_are_skipped() -> None:
    text = "```{mermaid}\n:caption: A caption\n:align: center\n\njourney\n  A: 3\n```\n"
    [diagram], _ = parse_markdown(text)
    assert diagram.line == 5


def test_markdown_collects_errors_of_every_block_and_keeps_the_good_ones() -> None:
    text = (
        journey_block("Good")
        + "```mermaid\njourney\n  title Broken\n  A: bad\n```\n"
        + "```mermaid\njourney\n  title Empty\n```\n"
        + journey_block("Also good")
    )
    with pytest.raises(MermaidError) as caught:
        parse_markdown(text)
    assert [(i.line, i.column) for i in caught.value.issues] == [(9, 6), (12, 1)]
    assert [d.title for d in caught.value.diagrams] == ["Good", "Also good"]


# ---- writing .journey --------------------------------------------------------------------


def diagram_of(
    *sections: tuple[str, list[tuple[str, float, tuple[str, ...]]]],
    title: str | None = None,
    description: str | None = None,
) -> MermaidDiagram:
    """A diagram built by hand: (section name, [(task name, score, actors)]) pairs."""
    built = tuple(
        MermaidSection(name, tuple(MermaidTask(t, s, a, 1, 1) for t, s, a in tasks), 1)
        for name, tasks in sections
    )
    return MermaidDiagram(title, built, 1, description)


def ids(source: str, kind: str) -> list[str]:
    return [name for k, name, _ in declarations(source) if k == kind]


def labels(source: str, kind: str) -> list[str]:
    return [unquote(label) for k, _, label in declarations(source) if k == kind and label]


def test_the_working_day_journey_exactly() -> None:
    expected = (CASES / "docs_working_day.journey").read_text(encoding="utf-8")
    assert to_journey(only(WORKING_DAY)) == expected
    assert 'journey "My working day" {\n' in expected
    assert '    touchpoint do_work "Do work" {\n      owner "Cat"\n' in expected


def test_identifiers_are_transliterated_slugs() -> None:
    source = to_journey(
        diagram_of(
            ("Café à emporter", [("Straße überqueren", 3, ()), ("Œuvre & Ærø", 3, ())]),
            ("Łódź: Przystanek", [("Smørrebrød!!", 3, ()), ("  --Hello,   World--  ", 3, ())]),
        )
    )
    assert ids(source, "stage") == ["cafe_a_emporter", "lodz_przystanek"]
    assert ids(source, "touchpoint") == [
        "strasse_uberqueren",
        "oeuvre_and_aero",
        "smorrebrod",
        "hello_world",
    ]


def test_identifiers_fall_back_to_the_position_when_there_is_no_ascii_form() -> None:
    source = to_journey(
        diagram_of(
            ("浏览商品", [("登录网站", 4, ()), ("查看 SKU 详情页面", 4, ()), ("🙂", 3, ())]),
            ("Ελληνικά", [("Оплата картой", 2, ()), ("localStorage読み込み", 3, ())]),
        )
    )
    assert ids(source, "stage") == ["stage_1", "stage_2"]
    assert ids(source, "touchpoint") == [
        "touchpoint_1",
        "touchpoint_2",
        "touchpoint_3",
        "touchpoint_4",
        "localstorage",
    ]
    assert labels(source, "touchpoint")[0] == "登录网站"


def test_identifiers_are_deduplicated_in_one_namespace() -> None:
    source = to_journey(
        diagram_of(
            ("Checkout", [("Checkout", 3, ()), ("Customer", 3, ()), ("Pay", 3, ())]),
            ("Pay 2", [("Pay", 3, ()), ("Pay", 3, ()), ("stage 1", 3, ())]),
            ("", [("Touchpoint 8", 3, ()), ("", 3, ())]),
        )
    )
    names = [name for _, name, _ in declarations(source)]
    assert names == [
        "customer",
        "checkout",
        "checkout_2",
        "customer_2",
        "pay",
        "pay_2",
        "pay_3",
        "pay_4",
        "stage_1",
        "stage_3",
        "touchpoint_8",
        "touchpoint_8_2",
    ]


def test_identifiers_avoid_reserved_words_and_leading_digits() -> None:
    source = to_journey(
        diagram_of(
            ("Start", [("start", 3, ()), ("END", 3, ()), ("Exit", 3, ()), ("Exit", 3, ())]),
            ("2nd phase", [("3-D Secure", 2, ()), ("404 page", 1, ())]),
        )
    )
    assert ids(source, "stage") == ["start_stage", "stage_2nd_phase"]
    assert ids(source, "touchpoint") == [
        "start_touchpoint",
        "end_touchpoint",
        "exit_touchpoint",
        "exit_touchpoint_2",
        "touchpoint_3_d_secure",
        "touchpoint_404_page",
    ]


def test_long_names_make_short_identifiers() -> None:
    name = "Selección de subtema complementario del documento original y muy largo"
    [identifier] = ids(to_journey(diagram_of(("S", [(name, 3, ())]))), "touchpoint")
    assert identifier == "seleccion_de_subtema_complementario_del"
    assert len(identifier) <= 40
    [identifier] = ids(to_journey(diagram_of(("S", [("x" * 100, 3, ())]))), "touchpoint")
    assert identifier == "x" * 40


def test_labels_keep_the_text_escaped() -> None:
    source = to_journey(
        diagram_of(
            ('Say "hi"', [('Back\\slash "quoted" C:\\path', 3, ('A "B"', "C\\D"))]),
            title='The "best" journey \\o/',
        )
    )
    assert 'journey "The \\"best\\" journey \\\\o/" {' in source
    assert labels(source, "stage") == ['Say "hi"']
    assert labels(source, "touchpoint") == ['Back\\slash "quoted" C:\\path']
    # one task: its first actor is the customer, the persona; the other its owner
    assert labels(source, "persona") == ['A "B"']
    assert '      owner "C\\\\D"\n' in source


def test_line_breaks_and_control_characters_become_spaces() -> None:
    source = to_journey(
        diagram_of(
            ("Line1<br>Line2<br/>Line3</br >Line4<BR\t/>Line5", [("a\nb\rc\u2028d\te\x00f", 3, ())])
        )
    )
    assert labels(source, "stage") == ["Line1 Line2 Line3 Line4 Line5"]
    assert labels(source, "touchpoint") == ["a b c d e f"]


def test_title_fallback_and_description() -> None:
    source = to_journey(diagram_of(("S", [("A", 3, ())])))
    assert 'journey "Imported journey" {' in source
    assert "description" not in source
    source = to_journey(diagram_of(("S", [("A", 3, ())]), title="  ", description="About\nit"))
    assert 'journey "Imported journey" {' in source
    assert '  description "About it"\n' in source


def test_owner_and_scores() -> None:
    source = to_journey(
        diagram_of(("S", [("A", 4.25, ("Me", "Cat")), ("B", 5.0, ()), ("C", 9, ()), ("D", 0, ())]))
    )
    assert source.count("owner") == 1 and 'owner "Cat"' in source  # Me is the customer
    assert re.findall(r"delivers (\S+)", source) == ["4.25", "5", "5", "1"]


def test_a_task_with_a_nan_score_cannot_be_written() -> None:
    with pytest.raises(MermaidError):
        to_journey(diagram_of(("S", [("A", math.nan, ())])))


def test_a_diagram_without_tasks_cannot_be_written() -> None:
    with pytest.raises(MermaidError) as caught:
        to_journey(MermaidDiagram("T", (MermaidSection("Empty", (), 3),), 2))
    assert caught.value.issues[0].line == 2


def test_no_flow_block_and_one_customer_persona() -> None:
    source = to_journey(only(WORKING_DAY))
    assert "flow" not in source and "->" not in source
    assert_valid_journey_text(source, only(WORKING_DAY))
    assert '  persona customer "Me" {\n    share 100%\n  }\n' in source


# ---- file names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "index", "slug"),
    [
        ("My working day", 1, "my-working-day"),
        ("  Checkout: the happy path!  ", 2, "checkout-the-happy-path"),
        ("Straßenbahn-Abo: Kündigung", 1, "strassenbahn-abo-kundigung"),
        (None, 3, "journey-3"),
        ("", 1, "journey-1"),
        ("在线购物网站使用旅程", 2, "journey-2"),
        ("---", 4, "journey-4"),
        ("CON", 1, "con-journey"),
        ("Q&A", 1, "q-and-a"),
    ],
)
def test_slug_for_filename(title: str | None, index: int, slug: str) -> None:
    assert slug_for_filename(title, index) == slug


def test_slug_for_filename_is_short_and_safe() -> None:
    slug = slug_for_filename("word " * 40, 1)
    assert len(slug) <= 60 and not slug.endswith("-")
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


# ---- properties -------------------------------------------------------------------------

VOCABULARY = [
    "journey",
    "JOURNEY",
    "title",
    "title ",
    "title:",
    "section",
    "section ",
    "accTitle:",
    "accDescr:",
    "accDescr {",
    "}",
    "%%",
    "%%{",
    "}%%",
    "---",
    "#",
    "#35;",
    ":",
    ": ",
    ",",
    ";",
    " ",
    "\t",
    "5",
    "0",
    "7.5",
    "-1",
    "1e999",
    "x",
    "Me",
    "Café",
    "😀",
    "\u2028",
    "<br>",
    '"',
    "\\",
    "```",
    "```mermaid",
    "~~~",
    "~~~mermaid",
    "````",
    "<!--",
    "-->",
    '<div class="mermaid">',
    "</div>",
    "```{mermaid}",
    ":caption: c",
]
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
LINES = st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=8).map("".join), max_size=25)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Journey-shaped lines: mostly tasks, built from awkward pieces, among other statements.
PIECE = st.lists(st.sampled_from([*'ab C#;"\\:,é😀<>/%{}-\t', "#35;"]), max_size=10).map("".join)
SCORE = st.sampled_from(["5", "3", " 2.5 ", "0", "7", "-1", "x", "", "1e999", "4,5", "nan", "#1"])
TASK_LINE = st.builds(
    lambda indent, name, score, actors: (
        f"{indent}{name}:{score}" + ("" if actors is None else f":{actors}")
    ),
    st.sampled_from(["", "  ", "\t", " \t "]),
    st.sampled_from(["Make tea", "A", "Café 😀", ""]) | PIECE,
    SCORE,
    st.none() | st.sampled_from([" Me", "Me, Cat,", ""]) | PIECE,
)
STATEMENT = st.one_of(
    TASK_LINE,
    TASK_LINE,
    TASK_LINE,
    PIECE.map("  section {}".format),
    PIECE.map("title {}".format),
    st.sampled_from(["", "  %% note", "# note", "accDescr {", "}", "accTitle: t", "%%{", "}%%"]),
    st.lists(st.sampled_from(VOCABULARY), max_size=4).map("".join),
)
JOURNEY_LINES = st.lists(STATEMENT, max_size=15).map(lambda lines: ["journey", *lines])
FENCES = st.sampled_from(
    [
        ("```mermaid", "```"),
        ("~~~ mermaid", "~~~~"),
        ("````mermaid", "```"),
        ("```{mermaid}", "```"),
    ]
)
MARKDOWN = st.lists(
    st.one_of(
        st.sampled_from(["# Title", "", "Some prose.", "<!--", "-->", "```", "    ```mermaid"]),
        st.builds(lambda fence, body: [fence[0], *body, fence[1]], FENCES, JOURNEY_LINES),
    ),
    max_size=6,
).map(
    lambda parts: [line for part in parts for line in ([part] if isinstance(part, str) else part)]
)


def assert_sane(diagram: MermaidDiagram, line_count: int) -> None:
    assert 1 <= diagram.line <= line_count
    for task in diagram.tasks:
        assert 1.0 <= task.score <= 5.0
        assert task.name and task.name == task.name.strip()
        assert all(actor and actor == actor.strip() for actor in task.actors)
        assert 1 <= task.line <= line_count and task.column >= 1
    assert diagram.tasks


def assert_issues_sane(issues: list[MermaidIssue], line_count: int) -> None:
    for issue in issues:
        assert 1 <= issue.line <= max(line_count, 1)
        assert issue.column >= 1
        assert issue.severity in ("warning", "error")
        assert issue.message


def line_count(text: str) -> int:
    return len(re.split(r"\r\n|\r|\n", text))


@FUZZ
@given(st.text())
def test_any_text_reads_or_raises_mermaid_error(text: str) -> None:
    check_mmd(text)


@FUZZ
@given(LINES, NEWLINES, st.booleans())
def test_vocabulary_soup_reads_or_raises_mermaid_error(
    lines: list[str], newline: str, header: bool
) -> None:
    text = newline.join((["journey"] if header else []) + lines)
    check_mmd(text)


@FUZZ
@given(JOURNEY_LINES, NEWLINES)
def test_journey_shaped_text_reads_or_raises_mermaid_error(lines: list[str], newline: str) -> None:
    check_mmd(newline.join(lines))


def check_mmd(text: str) -> None:
    try:
        diagram, warnings = parse_mermaid(text)
    except MermaidError as error:
        assert error.issues
        assert_issues_sane(error.issues + error.warnings, line_count(text))
        return
    assert_sane(diagram, line_count(text))
    assert_issues_sane(warnings, line_count(text))
    assert_valid_journey_text(to_journey(diagram), diagram)


@FUZZ
@given(st.one_of(st.text(), LINES.map("\n".join), MARKDOWN.map("\n".join)))
def test_any_markdown_reads_or_raises_mermaid_error(text: str) -> None:
    try:
        diagrams, warnings = parse_markdown(text)
    except MermaidError as error:
        assert error.issues
        assert_issues_sane(error.issues + error.warnings, line_count(text))
        diagrams = error.diagrams
    else:
        assert_issues_sane(warnings, line_count(text))
    for diagram in diagrams:
        assert_sane(diagram, line_count(text))
        assert_valid_journey_text(to_journey(diagram), diagram)


ANY_NAME = st.text(max_size=30)
ANY_TASK = st.builds(
    MermaidTask,
    name=ANY_NAME,
    score=st.floats(min_value=-10, max_value=20, allow_nan=False),
    actors=st.lists(ANY_NAME, max_size=3).map(tuple),
    line=st.just(1),
    column=st.just(1),
)
ANY_DIAGRAM = st.builds(
    MermaidDiagram,
    title=st.none() | ANY_NAME,
    sections=st.lists(
        st.builds(
            MermaidSection,
            name=ANY_NAME | st.sampled_from(["start", "End", "exit", "Customer", "1", ""]),
            tasks=st.lists(ANY_TASK, max_size=5).map(tuple),
            line=st.just(1),
        ),
        min_size=1,
        max_size=5,
    )
    .filter(lambda sections: any(s.tasks for s in sections))
    .map(tuple),
    line=st.just(1),
    description=st.none() | ANY_NAME,
)


def cleaned(text: str) -> str:
    """What a label must show of a name: line breaks and control characters as spaces."""
    text = re.sub(r"<\s*/?\s*br\s*/?\s*>", " ", text, flags=re.IGNORECASE)
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text
    ).strip()


@FUZZ
@given(ANY_DIAGRAM)
def test_to_journey_always_writes_valid_unique_identifiers(diagram: MermaidDiagram) -> None:
    source = to_journey(diagram)
    assert_valid_journey_text(source, diagram)
    names = [
        name
        for section in diagram.sections
        if section.tasks
        for name in (section.name, *(task.name for task in section.tasks))
    ]
    found = declarations(source)[1:]
    assert len(found) == len(names)
    for (kind, _, label), name in zip(found, names, strict=True):
        written = unquote(label)
        assert written == cleaned(name) or (
            not cleaned(name) and re.fullmatch(rf"{kind.title()} \d+", written)
        )


SAFE_WORD = st.text(
    alphabet=st.characters(
        whitelist_categories=("L", "N"), blacklist_characters="#:;,", max_codepoint=0x2FFF
    ),
    min_size=1,
    max_size=8,
)
SAFE_NAME = (
    st.lists(SAFE_WORD, min_size=1, max_size=4)
    .map(" ".join)
    .filter(
        lambda name: (
            name.split()[0].lower() not in ("title", "section", "journey", "acctitle", "accdescr")
        )
    )
)
ROUND_TRIP_SECTION = st.tuples(
    SAFE_NAME,
    st.lists(
        st.tuples(
            SAFE_NAME,
            st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, 2.5, 4.75]),
            st.lists(SAFE_NAME, max_size=3, unique=True),
        ),
        min_size=1,
        max_size=4,
    ),
)


@FUZZ
@given(st.none() | SAFE_NAME, st.lists(ROUND_TRIP_SECTION, min_size=1, max_size=4), NEWLINES)
def test_rendered_mermaid_reads_back(title, sections, newline: str) -> None:
    lines = ["journey"] + ([f"  title {title}"] if title else [])
    for name, tasks in sections:
        lines.append(f"  section {name}")
        for task, score, actors in tasks:
            lines.append(f"    {task}: {score:g}" + (f": {', '.join(actors)}" if actors else ""))
    diagram = only(newline.join(lines))
    assert diagram.title == title
    assert [
        (s.name, [(t.name, t.score, list(t.actors)) for t in s.tasks]) for s in diagram.sections
    ] == [(name, [(t, s, a) for t, s, a in tasks]) for name, tasks in sections]


# ---- integration with the .journey checker ----------------------------------------------


def test_imported_journeys_pass_cxjourney_check(tmp_path: Path) -> None:
    """Every imported journey, written to a file, passes one `cxjourney check` of them all
    (exit 0 only when all are valid; one process rather than one per journey)."""
    pytest.importorskip("cxjourney.language.parse")
    command = _cxjourney_command()
    sources = []
    for path in FIXTURES:
        try:
            diagrams, _ = parse_case(path)
        except MermaidError as error:
            diagrams = error.diagrams
        sources += [to_journey(diagram) for diagram in diagrams]
    assert len(sources) >= 15
    files = []
    for number, source in enumerate(sources):
        files.append(tmp_path / f"imported_{number}.journey")
        files[-1].write_text(source, encoding="utf-8")
    result = subprocess.run(
        [*command, "check", *map(str, files)], capture_output=True, text=True, timeout=120
    )
    out = result.stdout
    failed = [s for f, s in zip(files, sources, strict=True) if f"{f.name}: ok" not in out]
    assert result.returncode == 0, result.stdout + result.stderr + str(failed)


def _cxjourney_command() -> list[str]:
    beside = Path(sys.executable).parent / "cxjourney"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("cxjourney")
    if found:
        return [found]
    return [sys.executable, "-c", "from cxjourney.cli import main; main()"]
