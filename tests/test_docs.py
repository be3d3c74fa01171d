"""The documents a newcomer reads: links that resolve, tables that match the facts,
examples that parse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cxjourney.language import doc_tables, facts
from cxjourney.language.build import Builder
from cxjourney.language.diagnostics import Reporter
from cxjourney.language.parse import parse
from tests.conftest import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)|!\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def _links(text: str) -> list[str]:
    text = FENCE.sub("", text)  # links inside code blocks are not links
    return [a or b for a, b in LINK.findall(text)]


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#{1,6} (.+)$", FENCE.sub("", markdown), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_every_relative_link_resolves_inside_the_repository(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    checked = 0
    for link in _links(text):
        if re.match(r"[a-z]+:", link):  # https:, mailto:
            continue
        path, _, anchor = link.partition("#")
        target = (document.parent / path).resolve() if path else document
        assert target.is_relative_to(ROOT), f"{document.name}: {link} leaves the repository"
        assert target.exists(), f"{document.name}: {link} does not exist"
        if anchor and target.suffix == ".md":
            assert anchor in _anchors(target.read_text(encoding="utf-8")), (
                f"{document.name}: {link}: no heading '{anchor}'"
            )
        checked += 1
    assert checked or document.name not in ("README.md", "language.md", "model.md")


def test_the_link_check_catches_a_broken_link(tmp_path: Path) -> None:
    assert _links("see [the model](model.md#nope) and ![x](images/a.png)") == [
        "model.md#nope",
        "images/a.png",
    ]
    assert "nope" not in _anchors("# The model\n## Something else\n")
    assert _links("```\n[not a link](x.md)\n```\n") == []


def test_readme_points_at_the_documents_not_outside() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/language.md" in readme and "docs/model.md" in readme
    for document in DOCUMENTS:  # in links, code blocks and prose alike
        for climb in re.findall(r"(?:\.\./)+[\w.-]+", document.read_text(encoding="utf-8")):
            target = (document.parent / climb).resolve()
            assert target.is_relative_to(ROOT), f"{document.name}: {climb} is outside the project"
            assert target.exists(), f"{document.name}: {climb} is not in the project"


@pytest.mark.parametrize("name", ["language.md", "model.md"])
def test_generated_tables_match_the_facts(name: str) -> None:
    text = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert "facts:begin" in text or "facts:sources:begin" in text
    assert doc_tables.with_tables(text) == text, (
        f"docs/{name} is out of date: run python -m cxjourney.language.doc_tables docs/{name}"
    )


def test_a_changed_fact_makes_the_tables_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    first = facts.ATTRIBUTES[0]
    changed = first.__class__(**{**first.__dict__, "meaning": "Something else."})
    monkeypatch.setattr(facts, "ATTRIBUTES", (changed, *facts.ATTRIBUTES[1:]))
    assert doc_tables.with_tables(text) != text


def _repeated_clauses(markdown: str) -> list[str]:
    """Clauses of six words or more that the prose says twice: a paragraph pasted again,
    or the tail of a sentence left behind by an edit. Code and tables may repeat."""
    prose = re.sub(r"^\|.*$", "", FENCE.sub("", markdown), flags=re.M)
    prose = " ".join(prose.split())
    clauses = {c.strip() for c in re.split(r"(?<=[.;:!?])\s", prose)}
    return sorted(c for c in clauses if len(c.split()) >= 6 and prose.count(c) > 1)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_no_document_says_the_same_thing_twice(document: Path) -> None:
    assert _repeated_clauses(document.read_text(encoding="utf-8")) == []


def test_the_repetition_check_catches_a_pasted_clause_and_a_stray_tail() -> None:
    text = (
        "Runs are seeded from one sequence of numbers; workers give the same bytes.\n"
        "The model makes the choices where research leaves them open.\n"
        "choices where research leaves them open.\n\n"
        "Again: Runs are seeded from one sequence of numbers; nothing else.\n"
        "```\nthe same line in code, the same line in code, the same line\n```\n"
        "| a table | row of six words or more | a table | row of six words or more |\n"
    )
    assert _repeated_clauses(text) == [
        "Runs are seeded from one sequence of numbers;",
        "choices where research leaves them open.",
    ]


def test_language_reference_covers_every_attribute() -> None:
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    for attribute in facts.ATTRIBUTES:
        assert f"| `{attribute.name}` |" in text, attribute.name


_WRAP = {
    "journey": ("{}", ""),
    "persona": ("persona p {{\n    {}\n  }}", ""),
    "touchpoint": ("", "{}"),
    "event": ("", "{}"),
    "edge": ("flow {{\n    {}\n  }}", ""),
    "loyalty": ("loyalty {{\n    {}\n  }}", ""),
}


@pytest.mark.parametrize("attribute", facts.ATTRIBUTES, ids=lambda a: f"{a.block}.{a.name}")
def test_every_example_in_the_facts_parses(attribute: facts.Attribute) -> None:
    journey_line, touchpoint_line = _WRAP[attribute.block]
    text = (
        'journey "T" {\n'
        f"  {journey_line.format(attribute.example)}\n"
        "  persona q {\n    share 100%\n  }\n"
        f"  stage s {{\n    touchpoint t {{\n      {touchpoint_line.format(attribute.example)}\n"
        "    }\n  }\n}\n"
    )
    reporter = Reporter("example")
    tree = parse(text, reporter)
    assert tree is not None and not reporter.diagnostics, text
    Builder(reporter, "example", text.splitlines()).document(tree)
    assert not reporter.diagnostics, [d.message for d in reporter.diagnostics]


def _snippets() -> list[str]:
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```text\n(.*?)^```", text, re.M | re.S)
    return [b for b in blocks if "..." not in b and not b.lstrip().startswith(("use", "#"))]


def _wrapped(snippet: str) -> str:
    first = snippet.lstrip().split()[0]
    if first == "journey":
        return snippet
    if first == "touchpoint":
        snippet = f"stage wrapper {{\n{snippet}\n}}"
    elif first in ("delighter", "disappointer", "recovers"):
        snippet = f"stage wrapper {{\ntouchpoint wrapper {{\n{snippet}\n}}\n}}"
    return f'journey "Wrapper" {{\n{snippet}\n}}\n'


@pytest.mark.parametrize("snippet", _snippets(), ids=lambda s: s.split("\n")[0][:40])
def test_every_complete_example_of_the_language_reference_parses(snippet: str) -> None:
    text = _wrapped(snippet)
    reporter = Reporter("example")
    tree = parse(text, reporter)
    assert tree is not None, [d.message for d in reporter.diagnostics]
    Builder(reporter, "example", text.splitlines()).document(tree)
    assert not reporter.diagnostics, [(d.line, d.message) for d in reporter.diagnostics]


def test_the_reference_has_examples_to_check() -> None:
    assert len(_snippets()) >= 8


# ---- the README --------------------------------------------------------------------------


def test_the_readme_says_how_git_finds_cxjourney() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Co-creating in git", 1)[1].split("\n## ", 1)[0]
    assert "PATH" in section and "pipx install" in section
    assert '.venv/bin/cxjourney diff"' in section
