"""Editor support and git hooks: the TextMate grammar, the VS Code manifest, pre-commit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cxjourney.cli import main
from cxjourney.language import units
from cxjourney.language.parse import _keyword, keywords
from cxjourney.model import LOYALTY_KEYS
from tests.conftest import ROOT, SPEC_EXAMPLES
from tests.interop.commands import argv

VSCODE = ROOT / "editors" / "vscode"
GRAMMAR = json.loads((VSCODE / "syntaxes" / "journey.tmLanguage.json").read_text())
MANIFEST = json.loads((VSCODE / "package.json").read_text())


# ---- a small TextMate scanner: enough of the algorithm to test the grammar -------------------


def _rules(patterns: list[dict]) -> list[dict]:
    out = []
    for rule in patterns:
        if "include" in rule:
            out += _rules(_resolve(rule["include"]))
        else:
            out.append(rule)
    return out


def _resolve(include: str) -> list[dict]:
    entry = GRAMMAR["repository"][include.lstrip("#")]
    return [entry] if "match" in entry or "begin" in entry else entry["patterns"]


def _scopes(rule: dict, match: re.Match[str]) -> list[tuple[str, str]]:
    found = []
    if "name" in rule:
        found.append((match.group(0), _name(rule["name"], match)))
    for index, capture in rule.get("captures", {}).items():
        text = match.group(int(index))
        if text is None:
            continue
        if "name" in capture:
            found.append((text, _name(capture["name"], match)))
        for sub in _rules(capture.get("patterns", [])):
            inner = re.match(sub["match"], text)
            if inner and inner.end() == len(text):
                found.append((text, _name(sub["name"], inner)))
                break
    return found


def _name(name: str, match: re.Match[str]) -> str:
    return re.sub(r"\$(\d)", lambda m: match.group(int(m.group(1))) or "", name)


def tokenize(line: str) -> list[tuple[str, str]]:
    """(text, scope) pairs of a line, scanning as TextMate does: earliest match wins,
    the first rule on a tie; a begin/end rule runs to its end."""
    rules = _rules(GRAMMAR["patterns"])
    position, found = 0, []
    while position < len(line):
        best = None
        for rule in rules:
            match = re.compile(rule.get("match") or rule["begin"]).search(line, position)
            if (
                match
                and match.end() > match.start()
                and (best is None or match.start() < best[1].start())
            ):
                best = (rule, match)
        if best is None:
            break
        rule, match = best
        if "begin" in rule:
            end = re.compile(rule["end"]).search(line, match.end())
            stop = end.end() if end else len(line)
            found.append((line[match.start() : stop], rule["name"]))
            position = stop
        else:
            found += _scopes(rule, match)
            position = match.end()
    return found


def scope_of(line: str, text: str) -> str:
    return next(scope for token, scope in tokenize(line) if token == text)


# ---- the grammar ----------------------------------------------------------------------------


def test_every_pattern_compiles() -> None:
    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("match", "begin", "end"):
                if key in node:
                    re.compile(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(GRAMMAR)


def test_every_keyword_unit_loyalty_key_and_distribution_is_known_to_the_grammar() -> None:
    text = json.dumps(GRAMMAR)
    words = {_keyword(k) for k in keywords()} | set(LOYALTY_KEYS) | set(units.DISTRIBUTIONS)
    words |= set(units.MEMORY_RULES)
    missing = sorted(w for w in words if not re.search(rf"[|(\\b]{w}[|)\\]", text))
    assert missing == []
    unit_rule = GRAMMAR["repository"]["quantity"]["patterns"][2]["match"]
    for unit in units.TIME_UNITS:
        assert re.fullmatch(unit_rule, f"3 {unit}"), unit


@pytest.mark.parametrize(
    ("line", "text", "scope"),
    [
        (
            '  touchpoint counter "Orders" {  # the counter',
            "touchpoint",
            "storage.type.touchpoint.journey",
        ),
        (
            '  touchpoint counter "Orders" {  # the counter',
            "counter",
            "entity.name.type.touchpoint.journey",
        ),
        (
            '  touchpoint counter "Orders" {  # the counter',
            '"Orders"',
            "string.quoted.double.journey",
        ),
        (
            '  touchpoint counter "Orders" {  # the counter',
            "# the counter",
            "comment.line.number-sign.journey",
        ),
        ('  owner "R&D # not a comment"', '"R&D # not a comment"', "string.quoted.double.journey"),
        ("      service exp(90 s)", "exp", "support.function.distribution.journey"),
        ("      service exp(90 s)", "90", "constant.numeric.journey"),
        ("      service exp(90 s)", "s", "keyword.other.unit.journey"),
        ("      delivers 3.6 +- 0.4", "+-", "keyword.operator.journey"),
        ("      delivers 3.6 +- 0.4", "delivers", "keyword.other.delivers.journey"),
        ("    share 60%", "60%", "constant.numeric.percentage.journey"),
        ("    arrivals 30 per week", "week", "keyword.other.unit.journey"),
        ("    cost 40k", "40k", "constant.numeric.journey"),
        ("    customers 1e3", "1e3", "invalid.illegal.number.journey"),
        ("    ad -> app 55% for commuter", "->", "keyword.operator.arrow.journey"),
        ("    ad -> app 55% for commuter", "for", "keyword.other.journey"),
        ("    drink -> end", "end", "constant.language.terminal.journey"),
        ("    start -> ad", "start", "constant.language.terminal.journey"),
        (
            '      disappointer wrong "Wrong" chance 5% impact -2',
            "wrong",
            "entity.name.function.event.journey",
        ),
        ('      disappointer wrong "Wrong" chance 5% impact -2', "-2", "constant.numeric.journey"),
        (
            '    add delighter app.skip "Skips" chance 40% impact +1',
            "app.skip",
            "entity.name.function.event.journey",
        ),
        ("    counter.wrong.chance = 1%", "counter.wrong.chance", "variable.other.path.journey"),
        ("    counter.capacity *= 1.5", "*=", "keyword.operator.journey"),
        ("    memory peak_end", "memory", "variable.parameter.loyalty.journey"),
        ("    memory peak_end", "peak_end", "constant.language.memory.journey"),
        ('  stage s "Order" {', "s", "entity.name.type.stage.journey"),
    ],
)
def test_what_each_part_of_a_line_is(line: str, text: str, scope: str) -> None:
    assert scope_of(line, text) == scope


def test_the_whole_coffee_example_scans() -> None:
    for line in (SPEC_EXAMPLES / "coffee.journey").read_text().splitlines():
        code = line.split("#")[0] if '"' not in line else line
        if code.strip() and code.strip() != "}":
            assert tokenize(line), line


def test_the_vscode_manifest_points_at_real_files() -> None:
    [language] = MANIFEST["contributes"]["languages"]
    [grammar] = MANIFEST["contributes"]["grammars"]
    assert language["extensions"] == [".journey"]
    assert grammar["language"] == language["id"]
    assert grammar["scopeName"] == GRAMMAR["scopeName"] == "source.journey"
    assert (VSCODE / grammar["path"]).is_file()
    configuration = json.loads((VSCODE / language["configuration"]).read_text())
    assert configuration["comments"]["lineComment"] == "#"
    assert re.match(configuration["indentationRules"]["increaseIndentPattern"], "  stage s {  # x")


# ---- pre-commit --------------------------------------------------------------------------------


def hooks() -> list[dict[str, str]]:
    """`.pre-commit-hooks.yaml`: a list of flat mappings (no YAML library needed)."""
    found: list[dict[str, str]] = []
    for line in (ROOT / ".pre-commit-hooks.yaml").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.lstrip("- ").partition(":")
        if line.startswith("- "):
            found.append({})
        found[-1][key.strip()] = value.strip()
    return found


def test_pre_commit_offers_fmt_and_check() -> None:
    by_id = {hook["id"]: hook for hook in hooks()}
    assert set(by_id) == {"cxjourney-fmt", "cxjourney-check"}
    for hook in by_id.values():
        assert hook["language"] == "python"
        assert re.search(hook["files"], "maps/coffee.journey")
        assert not re.search(hook["files"], "coffee.journey.orig")
        program, command, *_ = hook["entry"].split()
        assert program == "cxjourney"
        assert command in {"fmt", "diff", "import", "init"} | set(main.list_commands(None))


def run_hook(hook_id: str, *files: Path) -> subprocess.CompletedProcess[bytes]:
    """Run a hook's entry on files, as pre-commit does."""
    entry = {hook["id"]: hook for hook in hooks()}[hook_id]["entry"].split()
    command = (
        argv(entry[1]) if entry[1] != "check" else [sys.executable, "-m", "cxjourney", "check"]
    )
    return subprocess.run([*command, *entry[2:], *map(str, files)], capture_output=True, cwd=ROOT)


def test_the_hooks_format_and_check_staged_files(tmp_path: Path) -> None:
    good = tmp_path / "good.journey"
    good.write_text(
        (SPEC_EXAMPLES / "coffee.journey").read_text().replace("  horizon", "\thorizon")
    )
    formatted = run_hook("cxjourney-fmt", good)
    assert formatted.returncode == 0  # pre-commit fails the hook because the file changed
    assert good.read_text() == (SPEC_EXAMPLES / "coffee.journey").read_text()
    assert run_hook("cxjourney-check", good).returncode == 0
    bad = tmp_path / "bad.journey"
    bad.write_text('journey "T" {\n  horizon 2 weks\n}\n')
    checked = run_hook("cxjourney-check", good, bad)
    assert checked.returncode == 2
    assert b"bad.journey:2:13: error: unknown unit 'weks'" in checked.stdout
    assert b"good.journey" not in checked.stdout  # --quiet: problems only


def test_gitattributes_routes_journey_files_to_the_diff_driver() -> None:
    lines = (ROOT / ".gitattributes").read_text().splitlines()
    assert "*.journey diff=journey" in lines
