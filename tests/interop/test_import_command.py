"""`cxjourney import`: Mermaid and Markdown in, journeys that check and simulate out."""

from __future__ import annotations

from pathlib import Path

from cxjourney import load
from tests.interop.commands import invoke, run

CASES = Path(__file__).parent / "mermaid_cases"

SEVERAL = """\
# Our journeys

```mermaid
journey
  title Onboarding
  section Welcome
    Read the e-mail: 4: New hire
```

```mermaid
journey
  title Onboarding
  section Again
    Meet the team: 5: New hire
```

```mermaid
journey
  section No title
    Find the canteen: 2
```
"""


def test_one_diagram_goes_to_stdout() -> None:
    path = CASES / "docs_working_day.mmd"
    result = invoke("import", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == (CASES / "docs_working_day.journey").read_text(encoding="utf-8")
    assert result.stderr == ""


def test_one_diagram_to_a_file_with_warnings_that_name_the_line(tmp_path: Path) -> None:
    path = CASES / "messy_backlog.mmd"
    target = tmp_path / "ticket.journey"
    result = invoke("import", str(path), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == (CASES / "messy_backlog.journey").read_text(
        encoding="utf-8"
    )
    assert f"{path}:14:39: warning: score 0 is outside 1..5; clipped to 1" in result.stderr
    assert f"{path}:11:3: warning: section 'Escalation' has no tasks" in result.stderr
    assert f"wrote {target}" in result.stderr
    loaded = load(str(target))
    assert loaded.ok and loaded.journey is not None


def test_several_diagrams_go_to_a_directory_named_from_their_titles(tmp_path: Path) -> None:
    source = tmp_path / "journeys.md"
    source.write_text(SEVERAL, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("import", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["journey-3.journey", "onboarding-2.journey", "onboarding.journey"]
    for path in out.iterdir():
        assert load(str(path)).ok
    assert '"Meet the team"' in (out / "onboarding-2.journey").read_text()


def test_several_diagrams_without_a_directory_are_refused(tmp_path: Path) -> None:
    source = tmp_path / "journeys.md"
    source.write_text(SEVERAL, encoding="utf-8")
    result = invoke("import", str(source))
    assert result.exit_code == 2
    assert "holds 3 journey diagrams; write them to a directory with -o DIR" in result.stderr
    existing = tmp_path / "existing.journey"
    existing.write_text("keep me")
    assert invoke("import", str(source), "-o", str(existing)).exit_code == 2
    assert existing.read_text() == "keep me"


def test_lines_that_are_not_tasks_are_errors_with_line_and_column(tmp_path: Path) -> None:
    path = CASES / "bad_scores.mmd"
    target = tmp_path / "out.journey"
    result = invoke("import", str(path), "-o", str(target))
    assert result.exit_code == 2
    assert f"{path}:4:21: error: the score 'high' is not a number" in result.stderr
    assert f"{path}:9:7: error: cannot read 'Wait in line' as a task" in result.stderr
    assert "        Find parking: high: Driver\n" in result.stderr
    assert "6 errors; nothing was written" in result.stderr
    assert not target.exists()


def test_markdown_without_journeys_and_other_diagrams() -> None:
    no_journey = "# Notes\n\n```mermaid\nflowchart LR\n  a --> b\n```\n"
    result = invoke("import", "-", "--from", "markdown", input=no_journey)
    assert result.exit_code == 2
    assert "no Mermaid journey diagram found" in result.stderr
    flowchart = invoke("import", str(CASES / "flowchart.mmd"))
    assert flowchart.exit_code == 2
    assert "not a Mermaid journey diagram" in flowchart.stderr


def test_markdown_is_recognised_by_its_suffix_and_stdin_can_be_either() -> None:
    single = CASES / "learning_path.md"
    by_suffix = invoke("import", str(single), "-o", "-")
    text = single.read_text(encoding="utf-8")
    from_stdin = invoke("import", "-", "--from", "markdown", input=text)
    assert by_suffix.exit_code == from_stdin.exit_code
    assert by_suffix.stdout == from_stdin.stdout


def test_in_a_subprocess_the_import_checks_and_simulates(tmp_path: Path) -> None:
    target = tmp_path / "day.journey"
    done = run("import", str(CASES / "game_ja.mmd"), "-o", str(target))
    assert done.returncode == 0, done.stderr.decode()
    loaded = load(str(target))
    assert loaded.ok
    from cxjourney.sim.experiment import RunSpec, simulate

    results = simulate(loaded.journey, RunSpec(replications=2, horizon=7 * 24 * 60.0))
    assert results["scenarios"]["baseline"]["metrics"]["journeys"]["mean"] > 0


def test_import_into_a_folder_whose_parent_is_missing_is_refused(tmp_path) -> None:
    from tests.conftest import run_cli

    source = tmp_path / "j.mmd"
    source.write_text("journey\n  title Shop\n  section Visit\n    Look: 4: Me\n")
    result = run_cli("import", str(source), "-o", str(tmp_path / "no" / "such" / ""))
    assert result.returncode == 2 and not (tmp_path / "no").exists()
    made = run_cli("import", str(source), "-o", str(tmp_path / "maps") + "/")
    assert made.returncode == 0 and any((tmp_path / "maps").iterdir())
